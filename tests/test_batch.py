"""`tthc batch`: several units, one deliberately broken; the others still render, the
index lists all of them, the exit code says something failed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
SMALL = Path(__file__).parent / "fixtures" / "small_export.csv"


def params(folder: Path, slug: str, data: Path, period: str = "2023-Q3") -> Path:
    p = folder / slug / f"{period}.yaml"
    p.parent.mkdir(parents=True)
    p.write_text(f"unit: {{slug: {slug}, name: UBND tỉnh {slug}, short_name: tỉnh {slug}}}\n"
                 f"period: {period}\ndata: {data}\n", encoding="utf-8")
    return p


def test_batch_with_one_broken_unit(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text(SMALL.read_text(encoding="utf-8").replace("Cấp tỉnh", "Cấp bộ", 1),
                      encoding="utf-8")
    root = tmp_path / "params"
    params(root, "tinh-a", SMALL)
    params(root, "tinh-b", SMALL)
    params(root, "tinh-hong", broken)
    params(root, "tinh-khac-ky", SMALL, period="2023-Q2")
    out = tmp_path / "outputs"
    res = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "batch", str(root), "--period",
                          "2023-Q3", "--workers", "2", "--pdf", "--out", str(out)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 1
    assert "2 thành công, 1 lỗi" in res.stderr
    assert "tinh-hong" in res.stderr and "(cap)" in res.stderr  # the column, and the row:
    assert "dòng 2" in res.stderr and "Cấp bộ" not in res.stderr  # never the value found in
    # a message that is kept in outputs/ (batch.json); `tthc inspect` shows it
    assert "report.failed.ipynb" in res.stderr  # where to look
    assert "Traceback" not in res.stderr
    for slug in ("tinh-a", "tinh-b"):
        folder = out / slug / "2023-Q3"
        assert {"report.html", "report.pdf", "forms.xlsx", "results.json"} <= \
            {f.name for f in folder.iterdir()}
    assert not (out / "tinh-khac-ky").exists()
    assert not (out / "tinh-hong" / "2023-Q3" / "report.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr class=\"ok\">") == 2 and index.count("<tr class=\"failed\">") == 1
    assert 'href="tinh-a/2023-Q3/report.pdf"' in index and "75,0%" in index
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))[0]["ok"] is True


def test_warm_kernel_batch_gives_the_same_report_as_a_fresh_kernel(tmp_path):
    import re

    root = tmp_path / "params"
    params(root, "tinh-a", SMALL)
    second = params(root, "tinh-b", SMALL)  # rendered on the kernel tinh-a warmed up
    cli = [sys.executable, "-m", "tthc_lib.cli"]
    batch = subprocess.run(cli + ["batch", str(root), "--workers", "1", "--out",
                                  str(tmp_path / "batch")], capture_output=True, text=True)
    assert batch.returncode == 0, batch.stderr
    fresh = subprocess.run(cli + ["report", str(second), "--out", str(tmp_path / "fresh")],
                           capture_output=True, text=True)
    assert fresh.returncode == 0, fresh.stderr
    stamp = re.compile(r"ngày \d+ tháng \d+ năm \d+|\d\d/\d\d/\d{4} \d\d:\d\d")
    a, b = ((tmp_path / d / "tinh-b" / "2023-Q3" / "report.html").read_text(encoding="utf-8")
            for d in ("batch", "fresh"))
    assert stamp.sub("", a) == stamp.sub("", b)


def test_batch_on_a_local_dask_cluster(tmp_path):
    from distributed import LocalCluster

    root = tmp_path / "params"
    params(root, "tinh-a", SMALL)
    params(root, "tinh-b", SMALL)
    out = tmp_path / "outputs"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        res = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "batch", str(root),
                              "--scheduler", cluster.scheduler_address, "--out", str(out)],
                             capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "cụm Dask" in res.stderr and "2 thành công, 0 lỗi" in res.stderr
    assert (out / "tinh-a" / "2023-Q3" / "report.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "UBND tỉnh tinh-a" in index and "UBND tỉnh tinh-b" in index


def test_an_unreachable_scheduler_is_a_clear_refusal(tmp_path):
    root = tmp_path / "params"
    params(root, "tinh-a", SMALL)
    res = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "batch", str(root),
                          "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "Không kết nối được tới bộ lập lịch Dask" in res.stderr


def test_a_batch_renders_earlier_periods_first_so_later_reports_show_the_trend(tmp_path):
    root = tmp_path / "params"
    params(root, "tinh-a", SMALL, period="2023-Q3")
    (root / "tinh-a" / "2023-Q2.yaml").write_text(
        f"unit: {{slug: tinh-a, name: UBND tỉnh tinh-a, short_name: tỉnh tinh-a}}\n"
        f"period: 2023-Q2\ndata: {SMALL}\n", encoding="utf-8")
    out = tmp_path / "outputs"
    res = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "batch", str(root), "-w", "2",
                          "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    html = (out / "tinh-a" / "2023-Q3" / "report.html").read_text(encoding="utf-8")
    assert "Xu hướng qua các kỳ" in html and "So với Quý II/2023" in html
    assert "Xu hướng" not in (out / "tinh-a" / "2023-Q2" / "report.html").read_text("utf-8")


def test_one_browser_tab_prints_each_report_its_own_pdf(tmp_path):
    """The printer reuses one tab for every report: each PDF has its own report's text and
    page count, never the previous one's; a failed print does not spoil the next."""
    from tthc_lib.run.pdf import PdfPrinter

    pages = {"a": "<h1>Tỉnh Alpha</h1>", "b": "<h1>Tỉnh Beta</h1>" + "<p>dòng</p>" * 400,
             "set": "<script>sessionStorage.setItem('k', 'KEPT')</script>x",
             "get": "<p id=o></p><script>document.getElementById('o').textContent = "
                    "'seen ' + (sessionStorage.getItem('k') || 'none')</script>"}
    for name, body in pages.items():
        (tmp_path / f"{name}.html").write_text(f"<!doctype html><meta charset=utf-8>{body}",
                                               encoding="utf-8")

    def text(pdf: Path) -> str:
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout

    with PdfPrinter() as printer:
        printer.print(tmp_path / "a.html", tmp_path / "a.pdf")
        with pytest.raises(Exception):  # noqa: B017 — whatever the browser raises
            printer.print(tmp_path / "missing.html", tmp_path / "missing.pdf")
        printer.print(tmp_path / "b.html", tmp_path / "b.pdf")
        printer.print(tmp_path / "a.html", tmp_path / "a2.pdf")
        printer.print(tmp_path / "set.html", tmp_path / "set.pdf")
        printer.print(tmp_path / "get.html", tmp_path / "get.pdf")
    assert "Tỉnh Alpha" in text(tmp_path / "a.pdf") and "Beta" not in text(tmp_path / "a.pdf")
    assert "Tỉnh Beta" in text(tmp_path / "b.pdf") and "Alpha" not in text(tmp_path / "b.pdf")
    assert text(tmp_path / "a2.pdf") == text(tmp_path / "a.pdf")
    assert not (tmp_path / "missing.pdf").exists()
    assert "seen none" in text(tmp_path / "get.pdf")  # nothing a page stored is kept
