"""Execute the report notebook with papermill and export it to one self-contained HTML file.

Every output is written to a temporary file in its own folder and renamed into place, so
a failed run leaves the previous report intact; the failed notebook is kept beside it
for debugging.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .load import InputError
from .paths import NOTEBOOK, OUTPUTS, report_dir
from .spec import load_spec


class RenderError(Exception):
    """A report could not be rendered; the message says why and where the notebook is."""


@dataclass
class Rendered:
    html: Path
    notebook: Path


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` via a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


@contextmanager
def quiet_stderr(log: Path):
    """Send this process's and the kernel's stderr (start-up warnings) to `log`."""
    sys.stderr.flush()
    saved = os.dup(2)
    with log.open("ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def load_notebook():
    """Return the report notebook (jupytext percent source) as a NotebookNode."""
    import jupytext

    return jupytext.read(NOTEBOOK)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _cell_error(exc) -> str:
    """Return the user-facing message of an error raised inside the notebook."""
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", str(exc))
    evalue = _ANSI.sub("", str(evalue))
    if ename in ("InputError", "PeriodError"):
        return evalue
    return f"{ename}: {evalue}"


def export_html(nb) -> str:
    """Return the executed notebook as one HTML page: outputs only, images embedded, no
    scripts and nothing loaded from the network."""
    from nbconvert import HTMLExporter

    from .narrative.render import env
    from .report import tool_version

    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_markdown=True, exclude_raw=True)
    body, _ = exporter.from_notebook_node(nb)
    title = nb.metadata.get("tthc", {}).get("title", "Báo cáo kiểm soát TTHC")
    page = env().from_string((Path(__file__).parent / "templates" / "page.html.j2")
                             .read_text(encoding="utf-8"))
    from markupsafe import Markup

    return page.render(title=title, body=Markup(body), version=tool_version())


def render_report(params: str | Path, outputs: Path = OUTPUTS, strict: bool = False,
                  kernel_name: str = "python3") -> Rendered:
    """Execute the notebook for a params YAML and write report.ipynb and report.html under
    outputs/<unit>/<period>/. Raises InputError for bad params, RenderError otherwise."""
    import papermill as pm

    params = Path(params).resolve()
    spec = load_spec(params)  # fail fast, before a kernel starts
    out_dir = report_dir(Path(outputs), spec.unit.slug, spec.period.code)
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_path, html_path = out_dir / "report.ipynb", out_dir / "report.html"
    partial = out_dir / f".report.{os.getpid()}.tmp.ipynb"
    failed = out_dir / "report.failed.ipynb"
    nb = load_notebook()
    nb.metadata["tthc"] = {"title": f"Báo cáo TTHC {spec.unit.name} {spec.period.label_vi}"}
    try:
        with quiet_stderr(out_dir / ".kernel.log"):
            executed = pm.execute_notebook(
                nb, str(partial), parameters={"params_path": str(params), "strict": strict},
                kernel_name=kernel_name, cwd=str(params.parent), progress_bar=False,
                log_output=False, request_save_on_cell_execute=False)
    except pm.PapermillExecutionError as exc:
        partial.replace(failed)
        message = _cell_error(exc)
        if exc.ename in ("InputError", "PeriodError"):
            raise InputError(message) from None
        raise RenderError(f"{spec.path}: lỗi khi chạy notebook — {message}. Notebook lỗi: "
                          f"{failed}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    for i, cell in enumerate(executed.cells):  # stable ids: identical reruns, clean diffs
        cell["id"] = f"cell-{i}"
    html = export_html(executed)
    atomic_write(html_path, html)
    partial.replace(nb_path)
    failed.unlink(missing_ok=True)
    (out_dir / ".kernel.log").unlink(missing_ok=True)
    return Rendered(html=html_path, notebook=nb_path)
