"""Trends: this period against the unit's earlier reports (their results.json)."""

from __future__ import annotations

import json

from tests.conftest import dossier, write_csv
from tthc_lib.report.build import build_report


def _earlier(outputs, code, label, start, end, on_time, online, received, late_by_field):
    folder = outputs / "d" / code
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({
        "unit": {"slug": "d", "name": "UBND tỉnh D"},
        "period": {"code": code, "label": label, "start": start, "end": end},
        "headline": {},
        "results": {"indicators": {"received_total": received, "resolved_total": received,
                                   "resolved_late": 1, "pending_overdue": 0,
                                   "on_time_rate": on_time, "online_rate": online},
                    "by_field": {f: {"resolved_late": n} for f, n in late_by_field.items()}}}),
        encoding="utf-8")


def _report(tmp_path):
    rows = [dossier(f"A{i}", "2023-07-01", "2023-07-05", "2023-07-04", field="Hộ tịch")
            for i in range(6)]
    rows += [dossier(f"B{i}", "2023-07-01", "2023-07-05", "2023-07-09", field="Đất đai")
             for i in range(2)]
    write_csv(tmp_path / "hs.csv", rows)
    (tmp_path / "p.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
        "data: hs.csv\n", encoding="utf-8")
    return build_report(tmp_path / "p.yaml")


def test_no_earlier_report_no_trend_section(tmp_path):
    rep = _report(tmp_path)
    assert rep.trend(tmp_path / "outputs") is None
    assert rep.trend_html(tmp_path / "outputs") == ""


def test_previous_period_same_period_last_year_and_fields_whose_lateness_grew(tmp_path):
    out = tmp_path / "outputs"
    _earlier(out, "2023-Q2", "Quý II/2023", "2023-03-15", "2023-06-14", 80.0, None, 10,
             {"Đất đai": 0, "Hộ tịch": 0})
    _earlier(out, "2022-Q3", "Quý III/2022", "2022-06-15", "2022-09-14", 75.5, 90.0, 4,
             {"Đất đai": 3})
    _earlier(out, "2022", "năm 2022", "2021-12-15", "2022-12-14", 10.0, 10.0, 99, {})
    (out / "d" / "2021-Q3").mkdir(parents=True)
    (out / "d" / "2021-Q3" / "results.json").write_text("{hỏng", encoding="utf-8")
    rep = _report(tmp_path)
    tr = rep.trend(out)
    assert [p.code for p in tr.points] == ["2022-Q3", "2023-Q2", "2023-Q3"]  # no year, no junk
    assert tr.previous.code == "2023-Q2" and tr.last_year.code == "2022-Q3"
    html = rep.trend_html(out)
    # this period: 6 of 8 on time = 75%, all online
    assert "So với Quý II/2023, tỷ lệ giải quyết đúng hạn giảm 5,0 điểm phần trăm " \
           "(80,0% → 75,0%); tỷ lệ hồ sơ trực tuyến" not in html  # online missing then
    assert "So với Quý II/2023, tỷ lệ giải quyết đúng hạn giảm 5,0 điểm phần trăm " \
           "(80,0% → 75,0%)." in html
    assert "So với cùng kỳ năm trước (Quý III/2022), số hồ sơ tiếp nhận tăng 100,0% " \
           "(4 → 8), tỷ lệ giải quyết đúng hạn gần như không đổi (75,5% → 75,0%)" not in html
    assert "tỷ lệ giải quyết đúng hạn giảm 0,5 điểm phần trăm (75,5% → 75,0%)" in html
    assert "Đất đai (0 → 2)" in html and "Hộ tịch (" not in html.split("tăng nhiều nhất")[1]
    assert "không có dữ liệu" in html  # the Q2 online rate, never 0


def test_trend_chart_plots_both_rates_on_a_0_100_axis(tmp_path):
    from tthc_lib import charts

    out = tmp_path / "outputs"
    _earlier(out, "2023-Q2", "Quý II/2023", "2023-03-15", "2023-06-14", 80.0, 50.0, 10, {})
    figs = charts.trend_charts(_report(tmp_path).trend(out))
    assert len(figs) == 1 and figs[0].axes[0].get_ylim() == (0, 105)
    assert charts.trend_charts(None) == []


def test_a_year_compared_with_the_year_before_says_it_once(tmp_path):
    out = tmp_path / "outputs"
    _earlier(out, "2022", "năm 2022", "2021-12-15", "2022-12-14", 80.0, 50.0, 10, {})
    _report(tmp_path)  # writes the export and the params
    (tmp_path / "p.yaml").write_text(
        (tmp_path / "p.yaml").read_text(encoding="utf-8").replace("2023-Q3", "2023"),
        encoding="utf-8")
    rep = build_report(tmp_path / "p.yaml")
    html = rep.trend_html(out)
    assert "So với năm 2022" in html and "cùng kỳ năm trước" not in html
