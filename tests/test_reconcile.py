"""Reconciliation with the national portal: one planted difference of each cause."""

from __future__ import annotations

from tests.conftest import write_csv
from tthc_lib.analysis.reconcile import reconcile, write_differences
from tthc_lib.core.periods import parse_period
from tthc_lib.engine.load import load


def calendar_window(period):
    window = period.calendar()
    return window.start, window.end

PROVINCE = [  # code, status, received, due, done
    ("A1", "10", "03/07/2023 08:00", "10/07/2023 17:00", "08/07/2023 09:00"),
    ("A2", "10", "03/07/2023 08:00", "10/07/2023 17:00", "09/07/2023 09:00"),  # never synced
    ("W1", "10", "20/06/2023 08:00", "30/06/2023 17:00", "25/06/2023 09:00"),  # window
    ("S1", "5", "05/07/2023 08:00", "15/07/2023 17:00", ""),  # paused, pushed as 9
    ("R1", "10", "03/07/2023 08:00", "10/07/2023 17:00", "09/07/2023 09:00"),  # result date
    ("T1", "10", "03/07/2023 08:00", "10/07/2023 08:00", "10/07/2023 16:00"),  # timestamp
]
PORTAL = [  # code, status, received, due, end of processing
    ("A1", "9", "03/07/2023 08:00", "10/07/2023 17:00", "08/07/2023 09:00"),
    ("P1", "9", "04/07/2023 08:00", "10/07/2023 17:00", "09/07/2023 09:00"),  # portal only
    ("W1", "9", "20/06/2023 08:00", "30/06/2023 17:00", "25/06/2023 09:00"),
    ("S1", "9", "05/07/2023 08:00", "15/07/2023 17:00", "20/07/2023 10:00"),
    ("R1", "9", "03/07/2023 08:00", "10/07/2023 17:00", "11/07/2023 09:00"),
    ("T1", "9", "03/07/2023 08:00", "10/07/2023 08:00", "10/07/2023 16:00"),
]


def _params(tmp_path, portal: str):
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 f"data: tinh.csv\nportal: {portal}\n", encoding="utf-8")
    return p


def _files(tmp_path):
    write_csv(tmp_path / "tinh.csv", [
        {"ma_ho_so": c, "co_quan": "Sở Tư pháp", "cap": "tinh", "kenh_nop": "truc_tuyen",
         "trang_thai": s, "ngay_tiep_nhan": r, "ngay_hen_tra": d, "ngay_co_ket_qua": f}
        for c, s, r, d, f in PROVINCE])
    write_csv(tmp_path / "cong.csv", [
        {"Mã hồ sơ": c, "Trạng thái": s, "Ngày tiếp nhận": r, "Ngày hẹn trả": d,
         "Ngày kết thúc xử lý": f, "Kênh thực hiện": "2"} for c, s, r, d, f in PORTAL])
    return tmp_path / "tinh.csv", tmp_path / "cong.csv"


def test_calendar_windows():
    assert calendar_window(parse_period("2023-Q3")) == (parse_period("2023-07-01..2023-07-01")
                                                         .start, parse_period("2023-09-30..2023"
                                                                              "-09-30").end)
    start, end = calendar_window(parse_period("2023-Q4"))
    assert (start.isoformat(), end.isoformat()) == ("2023-10-01", "2023-12-31")
    start, end = calendar_window(parse_period("2023"))
    assert (start.isoformat(), end.isoformat()) == ("2023-01-01", "2023-12-31")


def test_each_planted_difference_gets_its_cause(tmp_path):
    province, portal = _files(tmp_path)
    rec = reconcile(load(province).dataset, portal, parse_period("2023-Q3"))
    assert rec.counts == {"province_only": 1, "portal_only": 1, "window": 1, "status": 1,
                          "result_date": 1, "timestamp": 1, "unexplained": 0}
    by_code = dict(zip(rec.differing["code"], rec.differing["cause"], strict=True))
    assert by_code["A2"].startswith("chỉ có ở hệ thống") and by_code["P1"].startswith("chỉ có")
    assert by_code["S1"].startswith("trạng thái đẩy lên Cổng sai") and "A1" not in by_code
    assert "5 Yêu cầu bổ sung giấy tờ" in by_code["S1"]  # the statuses named from the rules
    assert list(rec.causes) == ["province_only", "portal_only", "status", "result_date",
                                "window", "timestamp", "unexplained"]  # the order tried
    # the waterfall starts at the province's figures and ends at the portal's
    first, last = rec.steps[0], rec.steps[-1]
    assert first.on_time == 100.0  # by day: every finished dossier on time (S1 not finished)
    assert last.on_time == 40.0  # portal: A1, P1 on time; S1, R1, T1 late; W1 outside
    assert last.online == 100.0


def test_the_differences_go_to_xlsx_as_codes_and_dates(tmp_path):
    from openpyxl import load_workbook

    province, portal = _files(tmp_path)
    rec = reconcile(load(province).dataset, portal, parse_period("2023-Q3"))
    ws = load_workbook(write_differences(rec, tmp_path / "khac.xlsx"))["Hồ sơ khác nhau"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("Mã hồ sơ", "Nguyên nhân") and len(rows) == 7


def test_tthc_reconcile_prints_causes_and_the_rate_steps(tmp_path, capsys):
    from tthc_lib.cli.main import main

    province, portal = _files(tmp_path)
    assert main(["reconcile", str(province), "--portal", str(portal), "-p", "2023-Q3"]) == 0
    out = capsys.readouterr().out
    assert "Cổng DVCQG tính 01/07/2023–30/09/2023" in out
    assert "trạng thái đẩy lên Cổng sai" in out and "40,0%" in out


def test_the_report_section_reconciles_with_the_params_portal_file(tmp_path):
    from tthc_lib.report.build import build_report

    _files(tmp_path)
    p = _params(tmp_path, "cong.csv")
    html = build_report(p).reconcile_html()
    assert "Đối chiếu với Cổng Dịch vụ công quốc gia" in html and "Có 6 hồ sơ khác nhau" in html
    assert "40,0%" in html and "01/07/2023" in html
    p.write_text(p.read_text(encoding="utf-8").replace("portal: cong.csv\n", ""), "utf-8")
    assert build_report(p).reconcile_html() == ""


def test_the_sample_portal_list_plants_every_cause(tmp_path):
    from tthc_lib.samples.generator import BAC_KAN_STP_2023, write, write_portal

    data = write(BAC_KAN_STP_2023, tmp_path / "bk.csv")
    portal = write_portal(BAC_KAN_STP_2023, tmp_path / "bk-cong.csv")
    rec = reconcile(load(data).dataset, portal, parse_period("2023"))
    for cause in ("province_only", "portal_only", "window", "status", "result_date",
                  "timestamp"):
        assert rec.counts[cause] > 0, cause
    assert rec.counts["unexplained"] == 0
    assert "Số điện thoại" not in portal.read_text(encoding="utf-8-sig").splitlines()[0]


def test_the_portals_counts_per_unit_are_reconciled_by_window_and_status(tmp_path, capsys):
    from tthc_lib.analysis.reconcile import portal_shape, reconcile_counts
    from tthc_lib.cli.main import main
    from tthc_lib.rules.policy import load_policy

    province, _ = _files(tmp_path)
    write_csv(tmp_path / "thong-ke.csv", [
        {"Đơn vị": "Sở Tư pháp", "Tiếp nhận": "6", "Trước hạn": "2", "Đúng hạn": "0",
         "Quá hạn": "3", "Đang xử lý trong hạn": "0", "Đang xử lý quá hạn": "0",
         "Trực tuyến": "6"},
        {"Đơn vị": "Tổng", "Tiếp nhận": "6", "Trước hạn": "2", "Đúng hạn": "0",
         "Quá hạn": "3", "Đang xử lý trong hạn": "0", "Đang xử lý quá hạn": "0",
         "Trực tuyến": "6"}])
    assert portal_shape(tmp_path / "thong-ke.csv") == "counts"
    assert portal_shape(tmp_path / "cong.csv") == "list"
    rows = reconcile_counts(load(province).dataset, tmp_path / "thong-ke.csv",
                            parse_period("2023-Q3"), load_policy(None))
    unit, total = rows[0], rows[-1]
    assert unit.key == "Sở Tư pháp" and total.key == "Tổng"
    assert unit.province["received"] == 6  # W1 (from 20/06) is in the report's period
    assert unit.calendar["received"] == 5  # but not in the portal's calendar quarter
    assert unit.paused["on_time"] == unit.calendar["on_time"] + 1  # S1, paused, as finished
    assert unit.portal["received"] == 6 and total.portal["received"] == 6  # the total row
    assert main(["reconcile", str(province), "--portal", str(tmp_path / "thong-ke.csv"),
                 "-p", "2023-Q3"]) == 0
    out = capsys.readouterr().out
    assert "Sở Tư pháp" in out and "Chưa tách được" in out


def test_the_report_section_takes_the_portals_counts_too(tmp_path):
    from tthc_lib.report.build import build_report

    _files(tmp_path)
    write_csv(tmp_path / "thong-ke.csv", [
        {"Đơn vị": "Sở Tư pháp", "Tiếp nhận": "6", "Trước hạn": "2", "Đúng hạn": "0",
         "Quá hạn": "3", "Trực tuyến": "6"}])
    p = _params(tmp_path, "thong-ke.csv")
    html = build_report(p).reconcile_html()
    assert "thống kê của Cổng DVCQG" in html and "Sở Tư pháp" in html
    assert "6 / 40,0%" in html and "5 / 100,0%" in html


def test_both_files_in_the_sync_standard_shape_name_the_planted_counts(tmp_path, capsys):
    """The portal's list in the national sync-standard shape is read like any export: its
    status-1 rows without a receipt date are not counted (not refused); 37 dossiers never
    synced and 23 paused ones pushed as 9 are named, each under its cause; the waterfall
    starts at the on-time rate `tthc compute` gives for the province's file."""
    import csv
    import json

    import numpy as np

    from tthc_lib.cli.main import main
    from tthc_lib.samples.shapes import SHAPES, write_shape

    province = write_shape(SHAPES["tuyen-quang-2023-Q3"], tmp_path)
    with province.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0])
    registered = [dict.fromkeys(header, "") | {"MaHoSo": f"DK-{i:03}", "TrangThaiHoSo": "1",
                                               "DonViXuLy": "Sở Tư pháp"} for i in range(67)]
    rows += registered
    inside = [r for r in rows if "20230701" <= r["NgayTiepNhan"][:8] <= "20230914"]
    rng = np.random.default_rng(7)
    paused = [r for r in inside if r["TrangThaiHoSo"] in ("5", "6", "8")]
    pushed = {r["MaHoSo"] for r in rng.choice(paused, 23, replace=False)}
    others = [r for r in inside if r["MaHoSo"] not in pushed]
    missing = {r["MaHoSo"] for r in rng.choice(others, 37, replace=False)}
    portal_rows = []
    for r in rows:
        if r["MaHoSo"] in missing:
            continue
        r = dict(r)
        if r["MaHoSo"] in pushed:
            r["TrangThaiHoSo"], r["NgayKetThucXuLy"] = "9", r["NgayHenTra"]
        portal_rows.append(r)
    for path, data in ((tmp_path / "tinh.csv", rows), (tmp_path / "cong-dvcqg.csv", portal_rows)):
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, header)
            w.writeheader()
            w.writerows(data)
    assert main(["compute", str(tmp_path / "tinh.csv"), "-p", "2023-Q3", "--json"]) == 0
    computed = json.loads(capsys.readouterr().out)["indicators"]["on_time_rate"]
    assert main(["reconcile", str(tmp_path / "tinh.csv"), "--portal",
                 str(tmp_path / "cong-dvcqg.csv"), "-p", "2023-Q3", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["counts"]["province_only"] == 37 and rec["counts"]["status"] == 23
    assert rec["counts"]["portal_only"] == 0 and rec["counts"]["unexplained"] == 0
    assert rec["steps"][0]["on_time_rate"] == computed


def test_inspect_recognises_a_portal_list_and_says_to_reconcile_with_it(tmp_path, capsys):
    from tthc_lib.cli.main import main

    _, portal = _files(tmp_path)
    assert main(["inspect", str(portal)]) == 2
    out = capsys.readouterr()
    assert "tthc reconcile" in out.out + out.err and "cong.csv" in out.out + out.err
