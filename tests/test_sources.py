"""Several exports in one report (#21): a merged province's legacy system and its unified
platform; each dossier counts once, by its latest record; the output says how many were in
both and which differed."""

from __future__ import annotations

import json
import subprocess
import sys

from openpyxl import Workbook

from tests.conftest import dossier, write_csv

Q = "2026-Q3"  # 15/06/2026 – 14/09/2026: two levels (tinh, xa)


def row(code, recv, due, done="", status="Đã trả kết quả", cap="tinh", kenh="truc_tuyen"):
    return {**dossier(code, recv, due, done, cap=cap, kenh=kenh), "trang_thai": status}


LEGACY = [row("M1", "2026-06-20", "2026-07-10", "", "Đang xử lý"),  # migrated, finished later
          row("M2", "2026-06-21", "2026-07-10", "", "Đang xử lý"),  # migrated, still pending
          row("L1", "2026-06-22", "2026-07-10", "2026-07-01"),
          row("L2", "2026-06-23", "2026-07-10", "2026-07-15", cap="xa")]  # late
PLATFORM = [row("M1", "2026-06-20", "2026-07-10", "2026-07-20"),  # late, on the platform
            row("M2", "2026-06-21", "2026-07-10", "", "Đang xử lý"),  # same record
            row("P1", "2026-07-01", "2026-07-20", "2026-07-05", cap="xa"),
            row("P2", "2026-07-02", "2026-09-30", "", "Đang xử lý", kenh="truc_tiep")]


def legacy_xlsx(path):
    wb = Workbook()
    ws = wb.active
    header = list(LEGACY[0])
    ws.append(header)
    for r in LEGACY:
        ws.append([r[h] for h in header])
    wb.save(path)
    return path


def tthc(*args):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_two_systems_count_each_dossier_once_by_its_latest_record(tmp_path):
    a = legacy_xlsx(tmp_path / "he-thong-cu.xlsx")
    b = write_csv(tmp_path / "nen-tang.csv", PLATFORM)
    res = tthc("compute", str(a), str(b), "-p", Q, "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    n = out["indicators"]
    assert n["received_total"] == 6  # M1, M2, L1, L2, P1, P2: each once
    assert n["resolved_total"] == 4 and n["resolved_late"] == 2  # M1 (platform), L2
    assert n["pending_total"] == 2  # M2, P2
    assert set(out["by_level"]) == {"tinh", "xa"}  # no district level after 1/7/2025
    assert out["by_level"]["xa"]["received_total"] == 2
    assert out["overlap"] == {"shared": 2, "differed": 1, "codes": ["M1"]}
    assert [s["name"] for s in out["sources"]] == ["he-thong-cu.xlsx", "nen-tang.csv"]
    assert all(len(s["sha256"]) == 64 and s["rows"] == 4 for s in out["sources"])
    plain = tthc("compute", str(a), str(b), "-p", Q)
    assert plain.returncode == 0
    assert "2 hồ sơ có trong nhiều tệp" in plain.stdout and "1 trong số đó khác nhau" in \
        plain.stdout and "(M1)" in plain.stdout


def test_on_a_tie_the_later_source_counts(tmp_path):
    a = write_csv(tmp_path / "a.csv", [row("T1", "2026-06-20", "2026-07-10", "2026-07-01",
                                           kenh="truc_tiep")])
    b = write_csv(tmp_path / "b.csv", [row("T1", "2026-06-20", "2026-07-10", "2026-07-01")])
    for first, second, online in ((a, b, 1), (b, a, 0)):
        out = json.loads(tthc("compute", str(first), str(second), "-p", Q, "--json").stdout)
        assert out["indicators"]["received_new_online"] == online


def test_a_bad_row_in_one_source_is_named_with_that_file(tmp_path):
    a = write_csv(tmp_path / "a.csv", PLATFORM)
    b = write_csv(tmp_path / "b.csv", [row("X1", "31/02/2026", "2026-07-10")])
    res = tthc("compute", str(a), str(b), "-p", Q)
    assert res.returncode == 2 and "'b.csv'" in res.stderr and "dòng 2" in res.stderr


def test_a_report_reads_every_export_of_its_data_list(tmp_path):
    from tthc_lib.report.build import build_report

    legacy_xlsx(tmp_path / "he-thong-cu.xlsx")
    write_csv(tmp_path / "nen-tang.csv", PLATFORM)
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2026-Q3\n"
                 "data:\n  - he-thong-cu.xlsx\n  - {path: nen-tang.csv, profile: canonical}\n",
                 encoding="utf-8")
    rep = build_report(p)
    assert rep.results.indicators["received_total"] == 6
    annex = rep.annex_html()
    assert "2 hồ sơ có trong nhiều tệp" in annex and "(M1)" in annex
    assert "he-thong-cu.xlsx: 4 dòng" in annex and "nen-tang.csv: 4 dòng, hồ sơ nguồn canonical" \
        in annex
    from tthc_lib.explore import Explore

    assert Explore(p).results.indicators["received_total"] == 6


def test_a_data_list_item_with_an_unknown_key_is_refused(tmp_path):
    import pytest

    from tthc_lib.core.errors import InputError
    from tthc_lib.report.spec import load_spec

    write_csv(tmp_path / "nen-tang.csv", PLATFORM)
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2026-Q3\n"
                 "data: [nen-tang.csv, {path: nen-tang.csv, shet: A}, khong-co.csv]\n",
                 encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_spec(p)
    assert "data[2].shet" in str(err.value) and "Có phải là 'sheet'?" in str(err.value)
    assert "data[3].path" in str(err.value)


SHARED = [row("C1", "2026-06-20", "2026-07-10", "2026-07-01", cap="xa"),
          row("C2", "2026-06-21", "2026-07-10", "2026-07-15", cap="xa"),
          row("C3", "2026-06-22", "2026-07-10", "2026-07-01", cap="xa"),
          row("S1", "2026-06-22", "2026-07-10", "2026-07-01")]


def unit_params(tmp_path, slug, agencies):
    p = tmp_path / f"{slug}.yaml"
    p.write_text(f"unit: {{slug: {slug}, name: UBND {slug}, short_name: {slug}, "
                 f"agencies: [{', '.join(agencies)}]}}\nperiod: 2026-Q3\ndata: tinh.csv\n",
                 encoding="utf-8")
    return p


def test_a_member_unit_reports_its_agencies_from_the_shared_export(tmp_path):
    from tthc_lib.report.build import build_report

    agencies = ["UBND xã Đại Phúc", "UBND xã Đại Phúc", "UBND phường Kim Tân", "Sở Tư pháp"]
    write_csv(tmp_path / "tinh.csv", [{**r, "co_quan": a} for r, a in zip(SHARED, agencies,
                                                                           strict=True)])
    rep = build_report(unit_params(tmp_path, "dai-phuc", ["ubnd xã  Đại Phúc"]))
    n = rep.results.indicators
    assert n["received_total"] == 2 and n["resolved_late"] == 1
    assert "Báo cáo lấy 2 hồ sơ của ubnd xã  Đại Phúc" in rep.annex_html()
    both = build_report(unit_params(tmp_path, "hai-xa", ["UBND xã Đại Phúc",
                                                          "UBND phường Kim Tân"]))
    assert both.results.indicators["received_total"] == 3


def test_an_agency_the_shared_export_does_not_name_is_refused_with_the_closest(tmp_path):
    import pytest

    from tthc_lib.core.errors import InputError
    from tthc_lib.report.build import build_report

    write_csv(tmp_path / "tinh.csv", [{**r, "co_quan": "UBND xã Đại Phúc"} for r in SHARED])
    with pytest.raises(InputError, match="Có phải là 'UBND xã Đại Phúc'"):
        build_report(unit_params(tmp_path, "x", ["UBND xã Đại Phú"]))


def published(outputs, slug, name, code, label, start, end, received):
    folder = outputs / slug / code
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({
        "shape": "tthc-report/results", "version": 1,
        "unit": {"slug": slug, "name": name},
        "period": {"code": code, "label": label, "start": start, "end": end},
        "results": {"indicators": {"received_total": received, "resolved_total": received,
                                   "resolved_not_late": received - 10, "received_new": 10,
                                   "received_new_online": 5},
                    "by_field": {"Hộ tịch": {"resolved_late": 2}}}}), encoding="utf-8")


def test_the_same_period_last_year_of_a_merged_unit_sums_its_predecessors(tmp_path,
                                                                          monkeypatch):
    from tthc_lib.report.build import build_report

    monkeypatch.chdir(tmp_path)
    outputs = tmp_path / "outputs"
    for slug, name, n in (("bac-kan", "UBND tỉnh Bắc Kạn", 100), ("thai-nguyen",
                                                                  "UBND tỉnh Thái Nguyên", 50)):
        published(outputs, slug, name, "2025-Q2", "Quý II/2025", "2025-03-15", "2025-06-14", n)
    write_csv(tmp_path / "hs.csv", [row("A", "2026-04-01", "2026-04-20", "2026-04-10")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: thai-nguyen-moi, name: UBND tỉnh Thái Nguyên, short_name: tỉnh "
                 "Thái Nguyên}\nperiod: 2026-Q2\ndata: hs.csv\npredecessors:\n"
                 "  - {slug: bac-kan, until: 2025-06-30}\n  - {slug: thai-nguyen, until: "
                 "2025-06-30}\n", encoding="utf-8")
    rep = build_report(p)
    tr = rep.trend(outputs)
    assert tr.last_year.values["received_total"] == 150
    assert tr.last_year.values["on_time_rate"] == 100.0 * 130 / 150  # from summed parts
    html = rep.trend_html(outputs)
    assert ("Quý II/2025: tổng của các đơn vị trước sáp nhập UBND tỉnh Bắc Kạn, UBND tỉnh "
            "Thái Nguyên") in html
    assert "150" in html
    rep.save(tmp_path)
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    last = saved["comparisons"]["last_year"]
    assert last["indicators"]["received_total"] == 150 and last["code"] == "2025-Q2"
    assert last["summed"] == ["UBND tỉnh Bắc Kạn", "UBND tỉnh Thái Nguyên"]


def test_a_predecessor_without_results_is_named_not_counted_as_zero(tmp_path, monkeypatch):
    from tthc_lib.report.build import build_report

    monkeypatch.chdir(tmp_path)
    outputs = tmp_path / "outputs"
    published(outputs, "bac-kan", "UBND tỉnh Bắc Kạn", "2025-Q2", "Quý II/2025", "2025-03-15",
              "2025-06-14", 100)
    write_csv(tmp_path / "hs.csv", [row("A", "2026-04-01", "2026-04-20", "2026-04-10")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: tn, name: UBND tỉnh Thái Nguyên, short_name: tỉnh Thái Nguyên}\n"
                 "period: 2026-Q2\ndata: hs.csv\npredecessors: [{slug: bac-kan, until: "
                 "2025-06-30}, {slug: thai-nguyen, until: 2025-06-30}]\n", encoding="utf-8")
    rep = build_report(p)
    assert rep.trend(outputs) is None  # no comparison rather than a wrong one
    assert "chưa có báo cáo của thai-nguyen" in rep.annex_html()


def test_a_refusal_on_the_platform_is_the_latest_record_of_a_dossier_open_in_the_legacy(
        tmp_path):
    """A dossier refused after the migration: its platform record has no receipt date
    (status 3) but a refusal date, later than the legacy record's receipt."""
    a = write_csv(tmp_path / "cu.csv", [row("R1", "2026-06-20", "2026-07-10", "",
                                            "Đang xử lý")])
    refused = {**row("R1", "", "2026-07-10", "", "Không được tiếp nhận"),
               "ngay_tu_choi": "2026-07-02"}
    b = write_csv(tmp_path / "moi.csv", [refused, row("P1", "2026-07-01", "2026-07-20",
                                                      "2026-07-05")])
    out = json.loads(tthc("compute", str(a), str(b), "-p", Q, "--json").stdout)
    assert out["indicators"]["received_total"] == 1  # P1 only: R1 was refused, not pending
    assert out["overlap"]["codes"] == ["R1"]
