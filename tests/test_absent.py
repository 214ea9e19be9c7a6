"""Absent is not zero: an indicator whose source column the export lacks is "không có dữ
liệu" — null in the JSON, left out of the narrative, a blank cell with a note in the forms,
named once in the data-quality part — while the totals still stand."""

import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from tthc_lib.core.periods import parse_period
from tthc_lib.engine.frame import classify

from .conftest import dossier, write_csv

Q3 = parse_period("2023-Q3")
FULL = {"muc_do_dvc": "Toàn trình", "tra_kq_buu_chinh": "x", "da_so_hoa": "x",
        "thanh_toan_truc_tuyen": "1", "nhom_lien_thong": ""}
GIVES = {  # optional column -> indicators that are null without it
    "kenh_nop": ("received_new_online", "received_new_offline", "online_rate",
                 "carried_over_online"),
    "muc_do_dvc": ("received_new_dvc", "online_rate_dvc", "received_new_info_only"),
    "tra_kq_buu_chinh": ("postal_returns",),
    "da_so_hoa": ("digitised_total", "digitised_rate"),
    "thanh_toan_truc_tuyen": ("paid_online_total", "paid_online_rate"),
    "nhom_lien_thong": ("interconnected_total",),
}


def rows(without: str | None = None) -> list[dict]:
    out = []
    for i, (r, d, f) in enumerate([("2023-07-03", "2023-07-10", "2023-07-05"),
                                   ("2023-07-04", "2023-07-10", ""),
                                   ("2023-06-01", "2023-06-20", "2023-06-25")]):
        row = dossier(f"HS{i}", r, d, f, kenh=["truc_tuyen", "truc_tiep", "truc_tuyen"][i])
        row |= FULL
        if without:
            row.pop(without)
        out.append(row)
    return out


@pytest.mark.parametrize("column", list(GIVES))
def test_each_optional_column_absent_gives_null_not_zero(make_table, column):
    n = classify(make_table(rows(column)), Q3).run.results.indicators
    for ind in GIVES[column]:
        assert n[ind] is None, (column, ind)
    assert n["received_total"] == 3 and n["resolved_total"] == 2  # the totals stand
    full = classify(make_table(rows()), Q3).run.results.indicators
    assert all(full[ind] is not None for ind in GIVES[column])


def test_compute_json_has_null(tmp_path):
    path = write_csv(tmp_path / "x.csv", rows("da_so_hoa"))
    out = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "compute", str(path),
                          "--period", "2023-Q3", "--json"], capture_output=True, text=True)
    data = json.loads(out.stdout)
    assert data["indicators"]["digitised_total"] is None
    assert data["by_level"]["tinh"]["digitised_rate"] is None


def test_report_forms_and_quality_part_say_no_data(tmp_path):
    from tthc_lib.report.build import build_report

    path = write_csv(tmp_path / "hs.csv", [{k: v for k, v in r.items()
                                            if k not in ("kenh_nop", "thanh_toan_truc_tuyen")}
                                           for r in rows()])
    p = tmp_path / "p.yaml"
    p.write_text(f"unit: {{slug: d, name: UBND tỉnh D, short_name: tỉnh D}}\nperiod: 2023-Q3\n"
                 f"data: {path}\n", encoding="utf-8")
    rep = build_report(p)
    quality = rep.quality_html()
    assert "Tệp không có cột “Hình thức nộp” nên không tính được" in quality
    assert "Tệp không có cột “Thanh toán trực tuyến” nên không tính được" in quality
    online = rep.section_html("online")
    assert "thanh toán" not in online.split("Không có dữ liệu")[0].lower().split(
        "tính từ dữ liệu hồ sơ")[-1]
    assert "Không có dữ liệu: tỷ lệ hồ sơ trực tuyến" in online
    results = rep.section_html("results")
    assert "trực tuyến: –" not in results and "trực tuyến –" not in results
    assert "không có dữ liệu" in rep.ii06_html()
    rep.save(tmp_path)
    wb = load_workbook(tmp_path / "forms.xlsx")
    ii06 = wb["II.06"]
    notes = [c.value for row in ii06.iter_rows() for c in row if isinstance(c.value, str)
             and "không có dữ liệu" in c.value]
    assert notes == ["Cột (4), (5): không có dữ liệu: tệp hồ sơ không có cột tương ứng."]
    ii08 = {r[1].value: (r[2].value, r[4].value) for r in wb["II.08"].iter_rows(min_row=8)}
    paid = ii08["Hồ sơ thanh toán trực tuyến (tính từ dữ liệu hồ sơ)"]
    assert paid[0] is None and "không có dữ liệu" in paid[1]


def test_a_chart_never_shows_an_absent_rate_as_zero(make_table):
    from tthc_lib import charts

    res = classify(make_table(rows("thanh_toan_truc_tuyen")), Q3).run.results
    fig = charts.online_rates(res)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Thanh toán trực tuyến" not in labels and "Hồ sơ được số hóa" in labels


def test_rate_axes_run_from_0_to_100(make_table):
    from tthc_lib import charts

    res = classify(make_table(rows()), Q3).run.results
    for fig in (charts.online_rates(res), charts.on_time_rate_by_field(res)):
        ax = fig.axes[0]
        assert ax.get_xlim()[0] == 0 and max(ax.get_xticks()) == 100
        assert getattr(fig, "alt", "")  # Vietnamese alt text for the SVG
