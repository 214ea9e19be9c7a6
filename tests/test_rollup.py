"""Roll-up (#22): a province consolidates its members' reports — tthc-report results.json,
a provincial system's II.06a XLSX, an OpenCPS statistics table — names who is missing and
whose figures do not add up, and sums the rest by the registry's declared rules."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import dossier, write_csv
from tthc_lib.analysis.rollup import Member, collect, identity_problems
from tthc_lib.cli.main import main
from tthc_lib.core.periods import parse_period
from tthc_lib.model.registry import FIGURES, FORM_II06_COLUMNS, INDICATORS
from tthc_lib.model.rollup import complete, figures_over_units, over_time
from tthc_lib.report.build import build_report
from tthc_lib.samples.forms import write_ii06a

Q3 = parse_period("2023-Q3")
AGENCIES = {"so-tu-phap": ("Sở Tư pháp", "tinh"), "so-y-te": ("Sở Y tế", "tinh"),
            "xa-a": ("UBND xã A", "xa")}
FB_NEW = {"so-tu-phap": 4, "so-y-te": 7, "xa-a": 2}


def _dossiers() -> list[dict]:
    rows = []
    for i, (slug, (agency, cap)) in enumerate(AGENCIES.items()):
        for j in range(3 + i):  # on time, late, pending, carried over: every column used
            rows.append(dossier(f"{slug}-{j}", "2023-07-03", "2023-07-10", "2023-07-07",
                                cap=cap, agency=agency, kenh="truc_tuyen" if j % 2 else
                                "truc_tiep", field="Hộ tịch" if j % 2 else "Chứng thực"))
        rows.append(dossier(f"{slug}-late", "2023-07-03", "2023-07-05", "2023-07-20", cap=cap,
                            agency=agency))
        rows.append(dossier(f"{slug}-open", "2023-09-01", "2023-09-30", "", cap=cap,
                            agency=agency))
        rows.append(dossier(f"{slug}-old", "2023-06-01", "2023-06-10", "2023-07-01", cap=cap,
                            agency=agency))
    return rows


def _unit_params(folder: Path, slug: str, body: str) -> Path:
    path = folder / "params" / slug / "2023-Q3.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def province(tmp_path, monkeypatch):
    """A workspace: three members reported by tthc-report (results.json in outputs/), a
    fourth that sent a provincial system's II.06a whose total row has (3) = (4)+(5)+(6) + 8,
    a fifth that sent nothing; the province's params list the five."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".tthc-workspace").write_text("", encoding="utf-8")
    write_csv(tmp_path / "hs.csv", _dossiers())
    reports = {}
    for slug, (agency, _) in AGENCIES.items():
        p = _unit_params(tmp_path, slug, (
            f"unit: {{slug: {slug}, name: {agency}, short_name: {agency}, "
            f"agencies: [{agency}]}}\nperiod: 2023-Q3\ndata: ../../hs.csv\n"
            f"figures: {{fb_new: {FB_NEW[slug]}, fb_carried: 1, review_reviewed: 2, "
            "tthc_total: 99}\n"))
        rep = build_report(p)
        folder = tmp_path / "outputs" / slug / "2023-Q3"
        folder.mkdir(parents=True)
        rep.save(folder)
        reports[slug] = rep.results.indicators
    sent = tmp_path / "nop"
    values = complete({k: 10 * (i + 1) for i, k in enumerate(FORM_II06_COLUMNS)})
    values |= {"received_new_online": 30, "received_new_offline": 40, "carried_over": 5,
               "received_total": 75 + 8, "resolved_total": 50, "resolved_early": 20,
               "resolved_on_time": 20, "resolved_late": 10, "pending_total": 25,
               "pending_in_time": 20, "pending_overdue": 5}
    fields = [("Hộ tịch", values | {"received_total": 40, "received_new_online": 15,
                                    "received_new_offline": 20, "carried_over": 5}),
              ("Chứng thực", values | {"received_total": 35, "received_new_online": 15,
                                       "received_new_offline": 20, "carried_over": 0})]
    write_ii06a(sent / "xa-d.xlsx", "UBND xã D", "UBND tỉnh T", Q3, fields, values)
    members = "\n".join(f"  - {{slug: {slug}, name: {agency}}}"
                        for slug, (agency, _) in AGENCIES.items())
    params = _unit_params(tmp_path, "tinh-t", (
        "unit: {slug: tinh-t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2023-Q3\n"
        f"members:\n{members}\n  - {{slug: xa-d, name: UBND xã D, file: ../../nop/xa-d.xlsx}}\n"
        "  - {slug: xa-e, name: UBND xã E}\nfigures: {tthc_total: 1865}\n"))
    return tmp_path, params, reports, values


def test_rollup_names_the_silent_member_and_the_inconsistent_one(province, capsys):
    _, params, _, _ = province
    assert main(["rollup", str(params)]) == 1
    out = capsys.readouterr().out
    assert "UBND xã E" in out and "chưa gửi" in out
    assert "UBND xã D" in out and "số liệu không khớp" in out
    assert "(3) ≠ (4)+(5)+(6): 83 ≠ 75" in out
    assert main(["rollup", str(params), "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    status = {m["slug"]: m["status"] for m in got["members"]}
    assert status == {"so-tu-phap": "received", "so-y-te": "received", "xa-a": "received",
                      "xa-d": "inconsistent", "xa-e": "missing"}
    assert got["missing"] == ["UBND xã E"] and not got["ok"]


def test_the_province_report_holds_the_members_sums(province):
    ws, params, reports, sent = province
    rep = build_report(params)
    folder = ws / "out"
    folder.mkdir()
    rep.save(folder)
    saved = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    n = saved["results"]["indicators"]
    for ind in ("received_new_online", "resolved_total", "received_total", "pending_overdue"):
        assert n[ind] == sum(r[ind] for r in reports.values()) + sent[ind], ind
    assert saved["figures"]["fb_new"] == sum(FB_NEW.values())  # xa-d sent II.06a only
    assert saved["figures"]["tthc_total"] == 1865  # a catalogue figure is not summed
    rate = 100 * (n["resolved_early"] + n["resolved_on_time"]) / n["resolved_total"]
    assert n["on_time_rate"] == pytest.approx(rate)  # recomputed, never averaged
    rows = saved["results"]["by_level_field"]["xa"]
    assert "UBND xã E (chưa gửi)" in rows and rows["UBND xã E (chưa gửi)"]["received_total"] \
        is None  # named, never counted as zero
    assert saved["members"]["missing"] == ["UBND xã E"]
    html = rep.section_html("results") + rep.annex_html()
    assert "chưa có báo cáo dùng được của UBND xã E (chưa gửi)" in html
    assert "(3) ≠ (4)+(5)+(6): 83 ≠ 75" in html
    assert re.search(r"<li>của UBND xã D: [^<]*số phản ánh, kiến nghị tiếp nhận mới trong kỳ",
                     html)


def test_cells_csv_agrees_with_forms_xlsx_cell_for_cell(province):
    ws, params, *_ = province
    for p in (params, ws / "params" / "so-tu-phap" / "2023-Q3.yaml"):
        folder = ws / "out" / p.parent.name
        folder.mkdir(parents=True)
        build_report(p).save(folder)
        with (folder / "cells.csv").open(encoding="utf-8-sig", newline="") as fh:
            lines = list(csv.DictReader(fh))
        wb = load_workbook(folder / "forms.xlsx")
        assert lines
        seen = set()
        for line in lines:
            cell = wb[line["sheet"]][line["cell"]]
            assert cell.value == (None if line["value"] == "" else
                                  float(line["value"]) if "." in line["value"] else
                                  int(line["value"])), line
            assert line["indicator"] in {i.id for i in INDICATORS}
            seen.add((line["sheet"], line["cell"]))
        for sheet in wb.worksheets:  # every figure in the workbook is a line of cells.csv
            first = 10 if sheet.title.startswith("II.06") else 8
            cols = range(3, 14) if sheet.title.startswith("II.06") else (3,)
            for row in sheet.iter_rows(min_row=first):
                for c in row:
                    if c.column in cols and isinstance(c.value, int | float):
                        assert (sheet.title, c.coordinate) in seen, (sheet.title, c.coordinate)


def test_a_province_with_its_own_export_checks_each_member_against_its_dossiers(province):
    ws, params, reports, _ = province
    text = params.read_text(encoding="utf-8").replace("period: 2023-Q3\n",
                                                      "period: 2023-Q3\ndata: ../../hs.csv\n")
    params.write_text(text, encoding="utf-8")
    edited = ws / "outputs" / "so-y-te" / "2023-Q3" / "results.json"
    raw = json.loads(edited.read_text(encoding="utf-8"))
    raw["results"]["indicators"]["resolved_late"] += 2
    raw["results"]["indicators"]["resolved_total"] += 2
    raw["results"]["indicators"]["received_total"] += 2
    raw["results"]["indicators"]["pending_total"] += 0
    edited.write_text(json.dumps(raw), encoding="utf-8")
    rep = build_report(params)
    assert rep.results.indicators["received_total"] == len(_dossiers())  # from the dossiers
    by = {m.member.slug: m for m in rep.rollup.members}
    assert by["so-tu-phap"].status == "received" and not by["so-tu-phap"].differences
    assert by["so-y-te"].status == "inconsistent"
    assert "(10): đơn vị báo cáo" in "; ".join(by["so-y-te"].differences)
    assert any("không có hồ sơ của UBND xã D" in d for d in by["xa-d"].differences)


def test_period_mismatch_duplicates_and_unknown_inbox_files(province, capsys):
    ws, params, *_ = province
    inbox = ws / "hop-thu"
    inbox.mkdir()
    other = parse_period("2023-Q2")
    v = complete({k: 0 for k in FORM_II06_COLUMNS})
    write_ii06a(inbox / "xa-e-q2.xlsx", "UBND xã E", "UBND tỉnh T", other, [], v)
    write_ii06a(inbox / "la.xlsx", "UBND xã Lạ", "UBND tỉnh T", Q3, [], v)
    src = ws / "outputs" / "xa-a" / "2023-Q3" / "results.json"
    (inbox / "xa-a.json").write_bytes(src.read_bytes())
    params.write_text(params.read_text(encoding="utf-8") + "inbox: ../../hop-thu\n",
                      encoding="utf-8")
    assert main(["rollup", str(params), "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    by = {m["slug"]: m for m in got["members"]}
    assert by["xa-e"]["status"] == "period_mismatch"
    assert "là báo cáo Quý II/2023, không phải Quý III/2023" in by["xa-e"]["problems"][0]
    assert by["xa-a"]["status"] == "duplicate" and len(by["xa-a"]["files"]) == 2
    assert got["unknown_files"] == ["hop-thu/la.xlsx"]


def test_all_in_order_exits_zero(province, capsys):
    ws, params, *_ = province
    text = params.read_text(encoding="utf-8")
    text = text.replace("  - {slug: xa-d, name: UBND xã D, file: ../../nop/xa-d.xlsx}\n", "")
    params.write_text(text.replace("  - {slug: xa-e, name: UBND xã E}\n", ""), "utf-8")
    assert main(["rollup", str(params)]) == 0
    assert "3 đã nhận" in capsys.readouterr().out


def test_opencps_statistics_rows_by_agency_and_month(tmp_path):
    """OpenCPS counts calendar months: the quarter's three months are rolled up over time
    (activity summed, carried over the first month's, pending the last month's)."""
    path = tmp_path / "thong-ke.csv"
    head = ["month", "year", "govAgencyCode", "govAgencyName", "domainCode", "domainName",
            "receivedCount", "onlineCount", "onegateCount", "remainingCount", "releaseCount",
            "betimesCount", "ontimeCount", "overtimeCount", "processingCount", "undueCount",
            "overdueCount", "waitingCount", "cancelledCount", "deniedCount"]
    rows = [[7, 2023, "XA", "UBND xã A", "HT", "Hộ tịch", 10, 6, 4, 2, 9, 5, 3, 1, 2, 1, 1, 1,
             0, 3],
            [8, 2023, "XA", "UBND xã A", "CT", "Chứng thực", 5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 0,
             0, 0, 0],
            [9, 2023, "XA", "UBND xã A", "HT", "Hộ tịch", 3, 1, 2, 3, 4, 4, 0, 0, 2, 2, 0, 0,
             0, 0],
            [7, 2023, "XB", "UBND xã B", "HT", "Hộ tịch", 4, 4, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0,
             0, 0],
            [1, 2023, "XA", "UBND xã A", "HT", "Hộ tịch", 99, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
             0, 0]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([head, *rows])
    ru = collect([Member("xa-a", "UBND xã A", "xa", path)], Q3, tmp_path / "outputs")
    m = ru.members[0]
    assert m.status == "received", m.problems
    v = m.used.values
    assert (v["received_new"], v["received_new_online"], v["resolved_total"]) == (18, 12, 18)
    assert v["carried_over"] == 2 and v["pending_total"] == 2  # the first / the last month
    assert v["received_total"] == 20  # new + carried over
    assert m.used.by_field["Hộ tịch"]["received_new"] == 13
    assert m.used.by_field["Chứng thực"]["received_new"] == 5
    assert any("1 dòng thuộc tháng ngoài kỳ" in p for p in m.problems)
    path.write_text(path.read_text(encoding="utf-8").replace("\n9,2023", "\n8,2023"),
                    encoding="utf-8")
    m = collect([Member("xa-a", "UBND xã A", "xa", path)], Q3, tmp_path / "o").members[0]
    assert m.status == "inconsistent" and "không có tháng 09/2023" in m.problems[0]


def test_identities_are_named_by_the_forms_column_numbers():
    given = {"received_total": 935, "received_new_online": 900, "received_new_offline": 20,
             "carried_over": 7, "resolved_total": 10, "resolved_early": 5,
             "resolved_on_time": 5, "resolved_late": 0}
    assert identity_problems(given) == ["(3) ≠ (4)+(5)+(6): 935 ≠ 927"]


def test_every_count_declares_how_it_rolls_up():
    for ind in INDICATORS:
        assert (ind.rollup is None) == (ind.kind == "ratio"), ind.id
    own = {i.id for i in FIGURES if i.rollup == "own"}
    assert {"tthc_total", "pub_tthc_published", "dvc_online_total"} <= own
    assert "fb_new" not in own


def test_figures_over_units_sum_what_was_reported_and_keep_catalogue_figures():
    values, lacking = figures_over_units(
        {"A": {"fb_new": 3, "tthc_total": 10, "review_proposed": 1, "review_reviewed": 4},
         "B": {"fb_new": 2, "tthc_total": 20}, "C": {}}, own={"tthc_total": 500})
    assert values["fb_new"] == 5 and lacking["fb_new"] == ["C"]
    assert values["tthc_total"] == 500  # never summed
    assert values["review_rate"] == pytest.approx(25.0)  # recomputed from the parts


def test_a_year_from_its_quarters_sums_flows_and_takes_stocks_at_the_ends():
    def q(new, carried, pending):
        return complete({"received_new_online": new, "received_new_offline": 0,
                         "carried_over": carried, "received_total": new + carried,
                         "resolved_total": new + carried - pending, "resolved_early":
                         new + carried - pending, "resolved_on_time": 0, "resolved_late": 0,
                         "pending_total": pending, "pending_in_time": pending,
                         "pending_overdue": 0})
    year = over_time([q(10, 2, 3), q(20, 3, 4), q(5, 4, 1), q(7, 1, 0)])
    assert year["received_new"] == 42 and year["carried_over"] == 2  # opening: the first
    assert year["pending_total"] == 0  # stock: the last
    assert year["received_total"] == 44  # new + carried over, as the form's identity says
    assert year["resolved_total"] == 12 - 3 + 23 - 4 + 9 - 1 + 8
    assert year["interconnected_total"] is None  # not derivable from sub-periods


def test_params_refuse_a_bad_member(tmp_path):
    from tthc_lib.core.errors import InputError
    from tthc_lib.report.spec import load_spec

    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: t, name: UBND tỉnh T, short_name: tỉnh T}\nperiod: 2023-Q3\n"
                 "members:\n  - {slug: a, name: Trung tâm X}\n  - {slug: b, nam: UBND xã B}\n"
                 "  - {slug: c, name: UBND xã C, file: khong-co.xlsx}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_spec(p)
    msg = str(err.value)
    assert "members[1].level" in msg and "members[2].nam" in msg and "members[3].file" in msg


def test_a_members_year_is_built_from_its_four_quarterly_reports(tmp_path):
    def quarter(q: str, new: int, carried: int, pending: int, fb: int) -> None:
        p = parse_period(q)
        v = complete({"received_new_online": new, "received_new_offline": 0,
                      "carried_over": carried, "received_total": new + carried,
                      "resolved_total": new + carried - pending,
                      "resolved_early": new + carried - pending, "resolved_on_time": 0,
                      "resolved_late": 0, "pending_total": pending, "pending_in_time": pending,
                      "pending_overdue": 0})
        folder = tmp_path / "outputs" / "xa-a" / q
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps({
            "unit": {"slug": "xa-a", "name": "UBND xã A"},
            "period": {"code": q, "label": p.label_vi, **p.as_dict()},
            "figures": {"fb_new": fb, "fb_pending": fb % 2},
            "results": {"indicators": v, "by_field": {"Hộ tịch": v}}}), encoding="utf-8")

    for q, args in (("2023-Q1", (10, 2, 3, 1)), ("2023-Q2", (20, 3, 4, 2)),
                    ("2023-Q3", (5, 4, 1, 3)), ("2023-Q4", (7, 1, 0, 4))):
        quarter(q, *args)
    ru = collect([Member("xa-a", "UBND xã A", "xa")], parse_period("2023"),
                 tmp_path / "outputs")
    m = ru.members[0]
    assert m.status == "received" and "Quý I/2023, Quý II/2023" in m.problems[0]
    v = m.used.values
    assert (v["received_new"], v["carried_over"], v["pending_total"]) == (42, 2, 0)
    assert v["received_total"] == 44 and m.used.by_field["Hộ tịch"]["received_new"] == 42
    assert m.used.figures["fb_new"] == 10 and m.used.figures["fb_pending"] == 0


def test_a_signature_under_the_table_and_an_unreadable_inbox_file(province, capsys):
    """Notes and signatures below the total row are not figures; a file in the inbox whose
    figures cannot be read still belongs to the unit its banner names, which learns why."""
    from openpyxl import load_workbook as open_xlsx

    ws, params, *_ = province
    sent = ws / "nop" / "xa-d.xlsx"
    wb = open_xlsx(sent)
    sheet = wb.active
    last = sheet.max_row
    sheet.cell(last + 2, 10, "Người lập biểu")
    sheet.cell(last + 2, 12, "CHỦ TỊCH")
    wb.save(sent)
    ru = collect([Member("xa-d", "UBND xã D", "xa", sent)], Q3, ws / "outputs")
    assert ru.members[0].status == "inconsistent"  # read: the planted +8, nothing else
    inbox = ws / "hop-thu"
    inbox.mkdir()
    sheet.cell(11, 5, "12 hồ sơ")
    wb.save(inbox / "xa-d.xlsx")
    write_ii06a(inbox / "xa-dd.xlsx", "UBND xã Dđ", "UBND tỉnh T", Q3, [],
                complete({k: 0 for k in FORM_II06_COLUMNS}))
    ru = collect([Member("xa-d", "UBND xã D", "xa")], Q3, ws / "outputs", inbox, base=ws)
    m = ru.members[0]
    assert m.status == "unreadable" and "ô E11" in m.problems[0]
    (why,) = ru.to_json()["unknown_why"].values()
    assert "UBND xã Dđ" in why and "Có phải là 'UBND xã D'?" in why


def _form(path: Path, numbers: list, rows: list[tuple], period: str = "Quý III/2023 (Từ ngày "
          "15/06/2023 đến ngày 14/09/2023)") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Đơn vị báo cáo: UBND xã D"])
    ws.append([f"Kỳ báo cáo: {period}"])
    ws.append(numbers)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_forms_the_reader_must_not_misread(tmp_path):
    """Subtotal rows "Cộng" are not added again; a total row named "TỔNG CỘNG:" is the
    total; a row of letters and numbers that is not (1) … (13) is not the number row; a
    period the banner names that is not the report's is a mismatch; one file given for two
    members counts once."""
    ok = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    line = (10, 4, 5, 1, 8, 4, 3, 1, 2, 2, 0)
    rows = [("I", "Cấp xã", *line), (1, "Hộ tịch", *line), ("", "Cộng", *line),
            ("", "TỔNG CỘNG:", *line), ("", "Người lập biểu", "", "", "", "", "", "", "",
                                         "", "Chủ tịch")]
    p = _form(tmp_path / "a.xlsx", ok, rows)
    m = collect([Member("xa-d", "UBND xã D", "xa", p)], Q3, tmp_path).members[0]
    assert m.status == "received", m.problems
    assert m.used.values["received_total"] == 10
    shifted = _form(tmp_path / "b.xlsx", ["A", "B", *range(1, 12)],
                    [("", "Tổng cộng", "", *line)])
    m = collect([Member("xa-d", "UBND xã D", "xa", shifted)], Q3, tmp_path).members[0]
    assert m.status == "unreadable" and "(1) (2) … (13)" in m.problems[0]
    monthly = _form(tmp_path / "c.xlsx", ok, rows, period="Tháng 7/2023")
    m = collect([Member("xa-d", "UBND xã D", "xa", monthly)], Q3, tmp_path).members[0]
    assert m.status == "period_mismatch" and "Tháng 7/2023" in m.problems[0]
    ru = collect([Member("xa-d", "UBND xã D", "xa", p), Member("xa-e", "UBND xã E", "xa", p)],
                 Q3, tmp_path)
    assert [m.status for m in ru.members] == ["received", "duplicate"]
    assert ru.results().indicators["received_total"] == 10 and not ru.ok


def test_batch_runs_members_first_then_their_consolidating_units(tmp_path):
    from tthc_lib.run.batch import _waves

    def params(slug: str, period: str, members: list[str] = ()) -> Path:
        path = tmp_path / slug / f"{period}.yaml"
        path.parent.mkdir(exist_ok=True)
        listed = "".join(f"\n  - {{slug: {m}, name: {m}}}" for m in members)
        path.write_text(f"unit: {{slug: {slug}}}\nperiod: {period}\n"
                        + (f"members:{listed}\n" if members else ""), encoding="utf-8")
        return path

    files = [params("tinh", "2023", ["huyen"]), params("huyen", "2023", ["xa"]),
             params("xa", "2023-Q4"), params("xa", "2023-Q1")]
    folders = {str(f): tmp_path / "out" / f.parent.name / f.stem for f in files}
    order = [f.parent.name + "/" + f.stem for wave in _waves(files, folders) for f in wave]
    assert order == ["xa/2023-Q1", "xa/2023-Q4", "huyen/2023", "tinh/2023"]


def test_the_outputs_index_says_how_many_members_a_report_sums(province):
    from tthc_lib.run.index import write

    ws, params, *_ = province
    folder = ws / "outputs" / "tinh-t" / "2023-Q3"
    folder.mkdir(parents=True)
    build_report(params).save(folder)
    html = write(ws / "outputs").read_text(encoding="utf-8")
    assert "tổng hợp 4/5 đơn vị: 1 số liệu không khớp, 1 chưa gửi" in html
    assert 'href="tinh-t/2023-Q3/cells.csv"' in html
