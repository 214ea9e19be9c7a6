"""Every command the READMEs and `tthc … --help` print runs as printed (slow): in a fresh
`tthc init ws --sample` workspace, each ```sh line of README.md and of the workspace README,
each ```python block, and each example of every command's help, exit code 0.

Set-up lines (make, pip, conda, source, jupyter lab, a Dask cluster) install or start
something long-lived and are not run here; the rest is."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tthc_lib.cli.main import parser

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
SETUP = ("make ", "pip ", "conda ", "source ", "dask ", "jupyter lab", "jupytext-config ")
# run after the rest: a new params file names data still to come (a batch would report it
# as failed), and clean-samples removes the samples the others use
LAST = ("tthc params new", "tthc clean-samples")
ENV = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}


def blocks(markdown: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", markdown, flags=re.S | re.M)


def shell_lines(block: str) -> list[str]:
    out = []
    for line in block.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def help_examples() -> list[list[str]]:
    """The `ví dụ:` lines of the main help and of every command's (and sub-command's)."""
    found = []

    def walk(p: argparse.ArgumentParser) -> None:
        if p.epilog and p.epilog.startswith("ví dụ:"):
            found.append(shell_lines("\n".join(p.epilog.splitlines()[1:])))
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in dict.fromkeys(action.choices.values()):
                    walk(sub)
    walk(parser())
    return found


def documented() -> list[list[str]]:
    """Every documented command, a list per block (a block's `cd` holds for its rest)."""
    readmes = [ROOT / "README.md", ROOT / "tthc_lib" / "templates" / "workspace_README.md"]
    groups = [shell_lines(b) for r in readmes for b in blocks(r.read_text("utf-8"), "sh")]
    return [g for g in groups + help_examples() if g]


def test_the_documents_print_commands_of_every_kind():
    lines = [line for g in documented() for line in g]
    for must in ("papermill notebooks/report.ipynb outputs/bac-giang.ipynb -p params_path "
                 "params/bac-giang/2023-Q3.yaml", "tthc html outputs/bac-giang.ipynb",
                 "tthc report params/bac-giang/2023-Q3.yaml --pdf"):
        assert must in lines
    assert not [line for line in lines if "ha-giang" in line or "nbconvert" in line]
    assert not [line for line in lines if re.search(r"\b10\.\d+\.\d+\.\d+", line)]


def _run(line: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """A fresh sample workspace (the python blocks run first: the commands end by removing
    the samples)."""
    root = tmp_path_factory.mktemp("docs")
    init = _run("tthc init ws --sample", root, ENV)
    assert init.returncode == 0, init.stderr
    return root / "ws"


def test_every_python_block_of_the_readme_runs(ws):
    code = blocks((ROOT / "README.md").read_text("utf-8"), "python")
    assert len(code) >= 2
    for block in code:
        res = subprocess.run([sys.executable, "-c", block], cwd=ws,
                             capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, f"{block}\n{res.stderr[-1500:]}"


def test_every_documented_command_runs_as_printed(ws):
    env, tmp_path = ENV, ws.parent
    done, failed, last = set(), [], []
    for group in documented():
        cwd = ws
        for line in group:
            for part in [p.strip() for p in line.split("&&")]:
                if part.startswith(SETUP) or "--scheduler" in part:
                    continue
                if part.startswith("cd "):
                    cwd = (cwd / part[3:].strip()).resolve()
                    continue
                if part.startswith(LAST):
                    last.append((part, cwd))
                    continue
                if (part, cwd) in done:
                    continue
                done.add((part, cwd))
                res = _run(part, cwd, env)
                if res.returncode != 0:
                    failed.append(f"{part}  (in {cwd.relative_to(tmp_path)}): "
                                  f"exit {res.returncode}: {res.stderr.strip()[-500:]}")
    for part, cwd in dict.fromkeys(last):
        res = _run(part, cwd, env)
        if res.returncode != 0:
            failed.append(f"{part}: exit {res.returncode}: {res.stderr.strip()[-500:]}")
    assert not failed, "\n".join(failed)
    assert len(done) >= 25
