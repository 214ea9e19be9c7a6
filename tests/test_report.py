"""End to end: params → papermill → HTML, as `tthc report` runs it (slow: starts kernels)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

PARAMS = """\
unit:
  slug: bac-giang
  name: UBND tỉnh Bắc Giang
  short_name: tỉnh Bắc Giang
  scope: toàn tỉnh
  title_scope: trên địa bàn tỉnh Bắc Giang
period: 2023-Q3
data: {data}
figures:
  received_new: 169959
  received_new_online: 149640
  received_new_offline: 20311
"""


def tthc(*args):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def rendered(bac_giang_csv, tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    params = d / "params.yaml"
    params.write_text(PARAMS.format(data=bac_giang_csv), encoding="utf-8")
    out = tthc("report", str(params), "--out", str(d / "outputs"), "--pdf")
    assert out.returncode == 0, out.stderr
    return d, params, d / "outputs" / "bac-giang" / "2023-Q3"


def test_html_has_the_seed_numbers_charts_and_checks(rendered):
    _, _, out = rendered
    html = (out / "report.html").read_text(encoding="utf-8")
    for text in ("177.681", "169.959", "149.640", "7.722", "166.616", "143.672", "21.532",
                 "1.412", "11.065", "10.049", "1.016", "69.343", "63.595", "63.226", "99,4%",
                 "27.619", "24.348", "24.171", "99,3%", "80.719", "78.673", "77.807", "98,9%",
                 "Quý III/2023", "Biểu số II.06c/VPCP/KSTT", "Đất đai"):
        assert text in html, text
    assert "169.959 ≠ 149.640 + 20.311 = 169.951" in html  # the seed's own inconsistency
    assert len(re.findall(r"<svg [^>]*role=\"img\"", html)) >= 3  # charts as SVG, with alt
    assert "aria-label=\"Tỷ lệ giải quyết đúng hạn theo lĩnh vực" in html
    assert "<script" not in html.lower()
    assert not re.search(r"(src|href)=\"https?://", html)  # renders offline
    assert "params_path" not in html and "build_report" not in html  # no code cells
    assert (out / "report.ipynb").exists()


def test_no_personal_value_reaches_any_output(rendered, bac_giang_csv):
    _, _, out = rendered
    raw = pd.read_csv(bac_giang_csv, dtype=str, encoding="utf-8-sig",
                      usecols=["Họ tên người nộp", "Số CCCD", "Số điện thoại"])
    numbers = set(raw["Số CCCD"]) | set(raw["Số điện thoại"])
    names = set(raw["Họ tên người nộp"].head(300))
    files = [f for f in out.rglob("*") if f.is_file()]
    assert len(files) >= 2
    for f in files:
        text = f.read_text(encoding="utf-8", errors="ignore")
        assert not numbers & set(re.findall(r"\d{9,12}", text)), f"{f.name}: ID or phone"
        assert not [n for n in names if n in text], f"{f.name}: applicant's name"


def test_rerun_is_identical_but_for_the_timestamp_and_failure_keeps_the_report(rendered,
                                                                               tmp_path):
    d, params, out = rendered
    first = (out / "report.html").read_text(encoding="utf-8")
    assert tthc("report", str(params), "--out", str(d / "outputs"), "--pdf").returncode == 0
    second = (out / "report.html").read_text(encoding="utf-8")
    stamp = re.compile(r"ngày \d+ tháng \d+ năm \d+|\d\d/\d\d/\d{4} \d\d:\d\d")
    assert stamp.sub("", first) == stamp.sub("", second)

    broken = tmp_path / "broken.csv"
    shutil.copy(Path(__file__).parent / "fixtures" / "small_export.csv", broken)
    broken.write_text(broken.read_text(encoding="utf-8").replace("13/07/2023 17:00", "13/13/2023"),
                      encoding="utf-8")
    bad_params = d / "bad.yaml"
    bad_params.write_text(PARAMS.format(data=broken), encoding="utf-8")
    res = tthc("report", str(bad_params), "--out", str(d / "outputs"))
    assert res.returncode == 2
    assert "broken.csv" in res.stderr and "dòng 2" in res.stderr and "Traceback" not in res.stderr
    assert (out / "report.html").read_text(encoding="utf-8") == second
    assert (out / "report.failed.ipynb").exists()
    assert not list(out.glob(".*tmp*"))


def test_pdf_is_a4_with_the_numbers_and_vietnamese_text(rendered):
    _, _, out = rendered
    pdf = out / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "A4" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    for needle in ("BÁO CÁO", "UBND TỈNH BẮC GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Tình hình, kết quả giải quyết TTHC", "177.681", "166.616", "99,4%",
                   "Trang 1/", "Biểu số II.06c/VPCP/KSTT"):
        assert needle in text, needle
    assert "file://" not in text and "report.html" not in text  # no browser header/footer
    # ready to sign: a number line, the title block, then the annex for the analyst
    assert "Số:" in text and "/BC-UBND" in text
    assert text.index("Tình hình, kết quả giải quyết TTHC") < text.index(
        "PHỤ LỤC: CHẤT LƯỢNG DỮ LIỆU")
    assert text.index("PHỤ LỤC") < text.index("Chất lượng dữ liệu và kiểm tra số liệu")


def test_xlsx_form_ii06_matches_tthc_compute(rendered, bac_giang_csv):
    from openpyxl import load_workbook

    from tthc_lib.model.registry import FORM_II06_COLUMNS
    from tthc_lib.report.forms import II06_FIRST_DATA_ROW

    _, _, out = rendered
    computed = json.loads(tthc("compute", str(bac_giang_csv), "--period", "2023-Q3",
                               "--json").stdout)
    ws = load_workbook(out / "forms.xlsx")["II.06"]
    assert ws["A1"].value == "Biểu số II.06c/VPCP/KSTT"
    assert "01/2020/TT-VPCP" in ws["H1"].value and ws["H5"].value == "Đơn vị tính: Số hồ sơ TTHC"
    assert [ws.cell(9, c).value for c in range(1, 14)] == [f"({i})" for i in range(1, 14)]
    rows = {}
    r = II06_FIRST_DATA_ROW
    level = None
    while ws.cell(r, 2).value:
        name = ws.cell(r, 2).value
        values = [ws.cell(r, c).value for c in range(3, 14)]
        if ws.cell(r, 1).value in ("I", "II", "III"):
            level = {"Cấp tỉnh": "tinh", "Cấp huyện": "huyen", "Cấp xã": "xa"}[name]
            rows[level] = values
        elif name == "Tổng cộng":
            rows["total"] = values
        else:
            rows[(level, name)] = values
        r += 1

    def expect(v):
        return [v[c] for c in FORM_II06_COLUMNS]

    assert rows["total"] == expect(computed["indicators"])
    for lv, v in computed["by_level"].items():
        assert rows[lv] == expect(v)
    for lv, fields in computed["by_level_field"].items():
        for field, v in fields.items():
            assert rows[(lv, field)] == expect(v)
    total = rows["total"]
    assert total[0] == total[1] + total[2] + total[3]  # (3) = (4) + (5) + (6)
    assert total[4] == sum(total[5:8]) and total[8] == total[9] + total[10]


def test_a_rerun_without_pdf_leaves_no_stale_pdf_and_the_index_follows(rendered):
    d, params, out = rendered
    assert (out / "report.pdf").exists()
    assert tthc("report", str(params), "--out", str(d / "outputs")).returncode == 0
    assert not (out / "report.pdf").exists()  # every file of a report is from one run
    index = (d / "outputs" / "index.html").read_text(encoding="utf-8")
    assert "bac-giang/2023-Q3/report.html" in index and "report.pdf" not in index

