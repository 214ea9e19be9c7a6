"""The tool installed and used from a workspace of one's own; papermill as its users run
it; a CLI in one language; an index that lists every report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import dossier, write_csv
from tthc_lib.cli.main import main, parser

ROOT = Path(__file__).parent.parent
SMALL = Path(__file__).parent / "fixtures" / "small_export.csv"
ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:",
           "invalid choice", "required:", "expected one argument")


def run(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# ------------------------------------------------------------------ one language

def _commands():
    sub = next(a for a in parser()._actions if a.dest == "command")
    return list(sub.choices)


@pytest.mark.parametrize("command", [None, *_commands(), "params new"])
def test_help_is_vietnamese_with_examples(command, capsys):
    argv = (command.split() if command else []) + ["--help"]
    with pytest.raises(SystemExit) as done:
        main(argv)
    out = capsys.readouterr().out
    assert done.value.code == 0 and "cách dùng:" in out
    assert not [w for w in ENGLISH if w in out.lower()]
    if command not in (None, "params"):
        assert "ví dụ:" in out


@pytest.mark.parametrize("argv, said", [
    (["comput", "x.csv"], "Có phải là 'compute'?"),
    (["compute", "x.csv"], "thiếu tham số bắt buộc: -p/--period"),
    (["batch", "params", "-w", "abc"], "giá trị 'abc' không phải số nguyên"),
    (["report", "p.yaml", "--pfd"], "Có phải là '--pdf'?"),
])
def test_mistakes_on_the_command_line_are_vietnamese_with_a_suggestion(argv, said, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2 and said in err and "tthc: lỗi" in err.replace(
        f"tthc {argv[0]}: lỗi", "tthc: lỗi")
    assert not [w for w in ENGLISH if w in err.lower()]


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("tthc ")


# ------------------------------------------------------------------ the workspace

def test_init_makes_a_workspace_and_never_overwrites(tmp_path):
    from tthc_lib.run.workspace import init

    ws = tmp_path / "ws"
    created = init(ws, say=lambda _m: None)
    for name in ("README.md", "jupytext.toml", "notebooks/report.py", "notebooks/report.ipynb",
                 "params/vi-du/2023-Q3.yaml"):
        assert (ws / name) in created
    for name in ("params", "data", "outputs"):
        assert (ws / name).is_dir()
    (ws / "README.md").write_text("của tôi", encoding="utf-8")
    assert init(ws, say=lambda _m: None) == []
    assert (ws / "README.md").read_text(encoding="utf-8") == "của tôi"
    assert "Ba bước" in (ROOT / "tthc_lib/templates/workspace_README.md").read_text("utf-8")


def test_clean_samples_keeps_the_analysts_own_files(tmp_path):
    from tthc_lib.run.workspace import clean_samples

    samples = tmp_path / "data" / "samples"
    samples.mkdir(parents=True)
    (samples / "bac-giang-2023-Q3.csv").write_text("x", encoding="utf-8")
    (samples / "cua-toi.csv").write_text("x", encoding="utf-8")
    (tmp_path / "data" / "ho-so.csv").write_text("x", encoding="utf-8")
    for unit in ("bac-giang/2023-Q3", "ha-giang/2023-Q3", "bac-giang/2024-Q1"):
        (tmp_path / "outputs" / unit).mkdir(parents=True)
        (tmp_path / "outputs" / unit / "report.html").write_text("x", encoding="utf-8")
    removed = clean_samples(tmp_path, say=lambda _m: None)
    assert samples / "bac-giang-2023-Q3.csv" in removed
    assert (samples / "cua-toi.csv").exists() and (tmp_path / "data" / "ho-so.csv").exists()
    assert not (tmp_path / "outputs" / "bac-giang" / "2023-Q3").exists()
    assert (tmp_path / "outputs" / "ha-giang" / "2023-Q3").exists()
    assert (tmp_path / "outputs" / "bac-giang" / "2024-Q1").exists()


def test_the_shipped_ipynb_is_the_report_notebook():
    from tthc_lib.run.workspace import report_notebook_ipynb

    shipped = (ROOT / "notebooks" / "report.ipynb").read_text(encoding="utf-8")
    assert shipped == report_notebook_ipynb(), "run: python -c 'from tthc_lib.run.workspace " \
        "import report_notebook_ipynb as r; open(\"notebooks/report.ipynb\", \"w\")" \
        ".write(r())'"


def test_unknown_notebook_parameters_are_refused():
    from tthc_lib.core.errors import InputError
    from tthc_lib.nbparams import check_parameters

    before = {"In", "Out"}
    with pytest.raises(InputError, match="'params_pth' \\(có phải là 'params_path'\\?\\)"):
        check_parameters({"params_pth": "x", "params_path": "", "json": json}, before)
    with pytest.raises(InputError, match="-p params_path"):
        check_parameters({"unit": {}, "period": "2023-Q3", "data": "x", "params_path": ""},
                         before)
    with pytest.raises(InputError, match="Chưa chọn tệp tham số") as err:
        check_parameters({"params_path": "", "strict": False}, before)
    assert "params/bac-giang/2023-Q3.yaml" in str(err.value)  # the workspace's files listed
    assert err.value._render_traceback_() == [f"Lỗi: {err.value}"]  # IPython: no traceback
    check_parameters({"params_path": "p.yaml", "strict": True}, before)


def test_the_index_lists_every_report_by_period_with_links_to_other_periods(tmp_path):
    from tthc_lib.run.batch import Outcome, write_index

    def report(slug, code, label, start):
        folder = tmp_path / slug / code
        folder.mkdir(parents=True)
        (folder / "report.html").write_text("x", encoding="utf-8")
        (folder / "results.json").write_text(json.dumps({
            "unit": {"slug": slug, "name": f"UBND {slug}"},
            "period": {"code": code, "label": label, "start": start, "end": start},
            "results": {"indicators": {"received_total": 1}},
            "headline": {"received_total": 1, "resolved_total": 1, "on_time_rate": 100.0,
                         "online_rate": None}}), encoding="utf-8")
        return folder

    report("a", "2023-Q2", "Quý II/2023", "2023-03-15")
    report("a", "2023-Q3", "Quý III/2023", "2023-06-15")
    report("b", "2023-Q3", "Quý III/2023", "2023-06-15")
    html = write_index(tmp_path, [Outcome("p", "c", "2023-Q3", False, 0.1, "lỗi gì đó")]
                       ).read_text(encoding="utf-8")
    assert html.index("Quý III/2023") < html.index("Quý II/2023")  # newest first
    assert 'href="a/2023-Q2/report.html">Quý II/2023' in html
    assert "UBND b" in html and "lỗi gì đó" in html


# ------------------------------------------------------------------ end to end

@pytest.mark.slow
def test_an_installed_wheel_works_in_an_empty_folder(tmp_path):
    wheel = tmp_path / "wheel"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w",
                            str(wheel), str(ROOT)], check=True, capture_output=True, text=True,
                           timeout=300)
    assert "absent from the `packages`" not in built.stdout + built.stderr  # no 200 warnings
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(site), *map(str, wheel.glob("*.whl"))], check=True,
                   capture_output=True, timeout=300)
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def tthc(*args, cwd):
        return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)

    res = tthc("init", "ws", "--sample", cwd=empty)
    assert res.returncode == 0, res.stderr
    ws = empty / "ws"
    assert (ws / "data/samples/lao-cai-2023-Q3.csv").exists()
    res = tthc("report", "params/lao-cai/2023-Q3.yaml", cwd=ws)
    assert res.returncode == 0, res.stderr
    assert (ws / "outputs/lao-cai/2023-Q3/report.html").exists()
    assert "Lào Cai" in (ws / "outputs/index.html").read_text(encoding="utf-8")
    assert not list(site.rglob("outputs")) and not list(site.rglob("samples/*.csv"))


@pytest.mark.slow
def test_papermill_as_documented_gives_the_right_unit(tmp_path):
    from tthc_lib.run.workspace import init

    init(tmp_path, say=lambda _m: None)
    (tmp_path / "params" / "ha-giang").mkdir()
    (tmp_path / "params" / "ha-giang" / "2023-Q3.yaml").write_text(
        "unit: {slug: ha-giang, name: UBND tỉnh Hà Giang, short_name: tỉnh Hà Giang}\n"
        f"period: 2023-Q3\ndata: {SMALL}\n", encoding="utf-8")
    papermill = [sys.executable, "-m", "papermill", "notebooks/report.ipynb"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([*papermill, "outputs/hg.ipynb", "-p", "params_path",
                          "params/ha-giang/2023-Q3.yaml"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert run("html", "outputs/hg.ipynb", cwd=tmp_path).returncode == 0
    html = (tmp_path / "outputs" / "hg.html").read_text(encoding="utf-8")
    assert "Hà Giang" in html and "Bắc Giang" not in html
    res = subprocess.run([*papermill, "outputs/x.ipynb", "-p", "params_pth",
                          "params/ha-giang/2023-Q3.yaml"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode != 0 and "Notebook không có tham số 'params_pth'" in res.stderr


@pytest.mark.slow
def test_two_batches_of_two_periods_both_stay_in_the_index(tmp_path):
    for period in ("2023-Q2", "2023-Q3"):
        folder = tmp_path / "params" / "tinh-a"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{period}.yaml").write_text(
            f"unit: {{slug: tinh-a, name: UBND tỉnh A, short_name: tỉnh A}}\nperiod: {period}\n"
            f"data: {SMALL}\n", encoding="utf-8")
    for period in ("2023-Q2", "2023-Q3"):
        res = run("-C", str(tmp_path), "batch", "params", "-p", period, "-w", "1")
        assert res.returncode == 0, res.stderr
    html = (tmp_path / "outputs" / "index.html").read_text(encoding="utf-8")
    assert "Quý II/2023" in html and "Quý III/2023" in html


def test_explore_answers_one_question_per_call_as_the_report_counts(tmp_path):
    from tthc_lib.explore import Explore

    (tmp_path / "p.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
        f"data: {SMALL}\n", encoding="utf-8")
    e = Explore(tmp_path / "p.yaml")
    n = e.results.indicators
    late = e.late_dossiers()
    assert len(late) == n["resolved_late"] and (late["Số ngày trễ hẹn"] > 0).all()
    assert list(late.columns)[:3] == ["Mã hồ sơ", "Mã TTHC", "Tên thủ tục"]
    assert "Họ tên người nộp" not in late.columns and "Số điện thoại" not in late.columns
    assert len(e.pending_overdue()) == n["pending_overdue"]
    assert e.late_by("co_quan")["Quá hạn"].sum() == n["resolved_late"]
    weekly = e.on_time_by_week()
    assert weekly["Đã giải quyết"].sum() == n["resolved_total"]
    names = e.agencies()
    table = e.compare_agencies(names[0], names[-1])
    assert table.loc["Tổng số hồ sơ tiếp nhận", names[0]] == \
        e.results.by_agency[names[0]]["received_total"]


def test_tthc_explore_copies_a_notebook_into_the_workspace(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # `-C` changes the folder; give it back afterwards
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "d.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
        f"data: {SMALL}\n", encoding="utf-8")
    assert main(["-C", str(tmp_path), "explore", "params/d.yaml"]) == 0
    copy = tmp_path / "notebooks" / "explore-d-2023-Q3.py"
    text = copy.read_text(encoding="utf-8")
    assert str(tmp_path / "params" / "d.yaml") in text and "Explore(params_path" in text


def _tiny_workspace(root: Path) -> Path:
    """A workspace made by `tthc init` with one unit whose export is in data/."""
    from tthc_lib.run.workspace import init

    ws = root / "ws"
    init(ws, say=lambda _m: None)
    write_csv(ws / "data" / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04")])
    (ws / "params" / "d").mkdir(parents=True)
    (ws / "params" / "d" / "2023-Q3.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
        "data: data/hs.csv\n", encoding="utf-8")
    return ws


def test_a_notebook_in_notebooks_finds_its_workspace_and_resolves_paths_as_the_cli(
        tmp_path, monkeypatch):
    from tthc_lib.core.paths import MARKER, find_workspace, user_path, workspace
    from tthc_lib.report.build import build_report

    ws = _tiny_workspace(tmp_path)
    assert (ws / MARKER).is_file()
    monkeypatch.chdir(ws / "notebooks")  # where JupyterLab starts a notebook's kernel
    assert find_workspace() == workspace() == ws.resolve()
    for typed in ("params/d/2023-Q3.yaml", "../params/d/2023-Q3.yaml",
                  str(ws / "params" / "d" / "2023-Q3.yaml")):
        assert user_path(typed).resolve() == (ws / "params/d/2023-Q3.yaml").resolve()
        rep = build_report(typed)
        assert rep.results.indicators["received_total"] == 1
        assert Path(rep.spec.data) == (ws / "data" / "hs.csv").resolve()
    monkeypatch.chdir(tmp_path)
    assert find_workspace() is None and workspace() == tmp_path  # outside: the folder itself


def test_a_params_file_of_another_workspace_says_cd_or_dash_c(tmp_path, monkeypatch):
    from tthc_lib.core.errors import InputError
    from tthc_lib.report.spec import load_spec

    ws = _tiny_workspace(tmp_path)
    (ws / "params" / "d" / "2023-Q3.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
        "data: data/samples/khac.csv\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        load_spec("ws/params/d/2023-Q3.yaml")
    assert "`cd ws` rồi `tthc report params/d/2023-Q3.yaml`" in str(err.value)
    assert "`tthc -C ws report params/d/2023-Q3.yaml`" in str(err.value)
    assert "tthc sample" not in str(err.value)


def test_explore_without_a_params_file_takes_the_latest_period(tmp_path, monkeypatch, capsys):
    from tthc_lib.explore import Explore, latest_params

    ws = _tiny_workspace(tmp_path)
    (ws / "params" / "d" / "2023-Q2.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q2\n"
        "data: data/hs.csv\n", encoding="utf-8")
    (ws / "params" / "hong").mkdir()
    (ws / "params" / "hong" / "2024.yaml").write_text("unit: [", encoding="utf-8")  # broken
    monkeypatch.chdir(ws / "notebooks")
    assert latest_params() == "params/d/2023-Q3.yaml"
    e = Explore("")
    assert e.spec.period.code == "2023-Q3" and "params/d/2023-Q3.yaml" in capsys.readouterr().out


def test_init_in_a_folder_with_params_adds_no_example_unit(tmp_path):
    """`tthc init .` in a workspace that has units: no example unit whose data is missing
    (a batch would report it as failed)."""
    from tthc_lib.run.workspace import init

    ws = _tiny_workspace(tmp_path)
    (ws / "params" / "vi-du" / "2023-Q3.yaml").unlink()
    init(ws, say=lambda _m: None)
    assert not (ws / "params" / "vi-du" / "2023-Q3.yaml").exists()


def test_the_command_line_in_a_subfolder_takes_paths_from_the_workspace(tmp_path, monkeypatch,
                                                                       capsys):
    ws = _tiny_workspace(tmp_path)
    monkeypatch.chdir(ws / "notebooks")
    assert main(["compute", "data/hs.csv", "-p", "2023-Q3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indicators"]["received_total"] == 1
    assert main(["score", "data/hs.csv", "-p", "2023-Q3", "--params",
                 "params/d/2023-Q3.yaml", "--json"]) == 0
    assert main(["compute", "data/khong-co.csv", "-p", "2023-Q3"]) == 2  # still refused
