"""Two levels from 1/7/2025 (#21): a district agency's dossier in a period without a district
row is counted at an unknown level and named as a finding; a period straddling the day keeps
the district row for what the districts received before it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import write_csv

HEAD = ["ma_ho_so", "ngay_tiep_nhan", "ngay_hen_tra", "ngay_co_ket_qua", "co_quan", "linh_vuc"]


def rows(*items):
    return [dict(zip(HEAD, (c, r, d, k, a, "Hộ tịch"), strict=True)) for c, r, d, k, a in items]


def tthc(*args):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=300)


EXPORT = rows(("A1", "2026-07-10", "2026-07-20", "2026-07-12", "Sở Tư pháp"),
              ("A2", "2026-07-11", "2026-07-20", "", "UBND huyện Lục Nam"),
              ("A3", "2026-07-11", "2026-07-20", "", "UBND xã Đại Phúc"),
              ("A4", "2026-07-12", "2026-07-20", "2026-07-13", "UBND huyện Lục Nam"),
              ("A5", "2025-06-20", "2025-07-20", "2025-07-01", "UBND huyện Lục Nam"),
              ("A6", "2025-07-03", "2025-07-20", "2025-07-09", "UBND huyện Yên Thế"))


def test_a_district_agency_after_the_merger_is_named_and_counted_without_a_district_row(
        tmp_path):
    path = write_csv(tmp_path / "hs.csv", EXPORT)
    out = tthc("compute", str(path), "-p", "2026-Q3", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert "huyen" not in got["by_level"]
    assert got["indicators"]["received_total"] == 4  # every dossier counted once
    assert got["by_level"]["chua_ro"]["received_total"] == 2
    assert got["district_agencies"] == [{"agency": "UBND huyện Lục Nam", "dossiers": 2,
                                         "rows": [3, 5]}]
    assert "UBND huyện Lục Nam (2 hồ sơ, dòng 3, 5)" in out.stderr
    assert "không còn cấp huyện từ 01/07/2025" in out.stderr


def test_a_period_straddling_the_day_keeps_the_district_row_for_what_came_before(tmp_path):
    path = write_csv(tmp_path / "hs.csv", EXPORT)
    out = tthc("compute", str(path), "-p", "2025-Q3", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["by_level"]["huyen"]["received_total"] == 1  # A5, received 20/06/2025
    assert got["by_level"]["chua_ro"]["received_total"] == 1  # A6, received 03/07/2025
    assert [a["agency"] for a in got["district_agencies"]] == ["UBND huyện Yên Thế"]
    assert "tiếp nhận từ 01/07/2025" in out.stderr


def test_a_period_before_the_day_has_three_levels_and_no_finding(tmp_path):
    path = write_csv(tmp_path / "hs.csv", EXPORT)
    out = tthc("compute", str(path), "-p", "2025-06-01..2025-06-30", "--json")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["by_level"]["huyen"]["received_total"] == 1
    assert "district_agencies" not in got and "Cảnh báo" not in out.stderr


def test_the_report_annex_names_the_district_agency(tmp_path):
    from tthc_lib.report.build import build_report

    write_csv(tmp_path / "hs.csv", EXPORT)
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2026-Q3\n"
                 "data: hs.csv\n", encoding="utf-8")
    html = build_report(p).quality_html()
    assert "Cơ quan cấp huyện trong kỳ chính quyền hai cấp" in html
    assert "UBND huyện Lục Nam (2 hồ sơ, dòng 3, 5)" in html
