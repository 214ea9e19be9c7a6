"""Receiving unit and handling unit (#21): since 1/7/2025 any centre in the province may
receive any dossier. II.06 counts by the handling agency; the receiving unit is read where
the export has it, and the report says how many dossiers a unit received for others."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import write_csv

HEAD = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả", "Cơ quan giải quyết",
        "Đơn vị tiếp nhận", "Lĩnh vực"]
CENTRE = "Trung tâm Phục vụ hành chính công tỉnh"
ROWS = [("A1", "2026-07-10", "2026-07-20", "2026-07-12", "Sở Tư pháp", CENTRE),
        ("A2", "2026-07-11", "2026-07-20", "", "UBND xã Đại Phúc", "UBND xã Đại Phúc"),
        ("A3", "2026-07-11", "2026-07-20", "", "UBND xã Đại Phúc", CENTRE),
        ("A4", "2026-07-12", "2026-07-20", "2026-07-13", "Sở Tư pháp", "UBND phường Kinh Bắc"),
        ("A5", "2026-05-02", "2026-06-30", "", "Sở Tư pháp", CENTRE)]  # carried over


def export(path, head=HEAD, rows=ROWS):
    return write_csv(path, [dict(zip(head, (*r, "Hộ tịch"), strict=False)) for r in rows],
                     header=head)


def tthc(*args):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_ii06_counts_by_the_handling_agency_and_names_who_received_for_others(tmp_path):
    path = export(tmp_path / "hs.csv")
    out = tthc("compute", str(path), "-p", "2026-Q3", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["by_level"]["tinh"]["received_total"] == 3  # A1, A4, A5: Sở Tư pháp
    assert got["by_level"]["xa"]["received_total"] == 2
    # new dossiers only: A5 was received in an earlier period
    assert got["received_for_others"] == {
        "total": 3, "receivers": 2, "units": [{"unit": CENTRE, "dossiers": 2},
                                              {"unit": "UBND phường Kinh Bắc", "dossiers": 1}]}
    plain = tthc("compute", str(path), "-p", "2026-Q3")
    assert "Tiếp nhận cho đơn vị khác: 3 hồ sơ" in plain.stdout
    assert f"{CENTRE} 2" in plain.stdout


def test_the_report_says_it_and_a_file_with_only_the_receiving_unit_is_counted_by_it(tmp_path):
    from tthc_lib.report.build import build_report

    export(tmp_path / "hs.csv")
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2026-Q3\n"
                 "data: hs.csv\n", encoding="utf-8")
    html = build_report(p).section_html("results")
    assert "3 hồ sơ mới tiếp nhận trong kỳ do một đơn vị khác với cơ quan giải quyết" in html
    assert f"{CENTRE}: 2 hồ sơ" in html

    head = [h for h in HEAD if h != "Cơ quan giải quyết"]
    rows = [(c, r, d, k, u) for c, r, d, k, _, u in ROWS]
    export(tmp_path / "only.csv", head, rows)
    q = tmp_path / "q.yaml"
    q.write_text("unit: {slug: t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2026-Q3\n"
                 "data: only.csv\n", encoding="utf-8")
    rep = build_report(q)
    assert rep.results.by_agency[CENTRE]["received_total"] == 3
    assert "hồ sơ được xếp theo đơn vị tiếp nhận" in rep.quality_html()
    assert "do một đơn vị khác" not in rep.section_html("results")


def test_the_sync_standard_reads_the_receiving_unit(tmp_path):
    head = ["MaHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "DonViXuLy",
            "DonViTiepNhan", "TenLinhVuc"]
    rows = [("B1", "20260710080000", "20260720170000", "20260712090000", "Sở Tư pháp", CENTRE)]
    out = tthc("compute", str(export(tmp_path / "s.csv", head, rows)), "-p", "2026-Q3",
               "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["received_for_others"]["total"] == 1


def test_a_second_file_without_the_receiving_unit_makes_it_absent_not_partial(tmp_path):
    a = export(tmp_path / "a.csv")
    head = [h for h in HEAD if h != "Đơn vị tiếp nhận"]
    b = export(tmp_path / "b.csv", head, [("B1", "2026-07-10", "2026-07-20", "2026-07-12",
                                          "Sở Tư pháp")])
    out = tthc("compute", str(a), str(b), "-p", "2026-Q3", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["received_for_others"] is None and got["indicators"]["received_total"] == 6
