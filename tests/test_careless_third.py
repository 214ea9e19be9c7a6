"""Careless input, third pass (#20): inspect says what compute and report will do; no typo
in a params mapping is ignored; a damaged earlier results.json is skipped and named; no raw
status text reaches a shared page; the provenance says where the data was found."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import dossier, write_csv


def tthc(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def with_status(rows: list[dict], statuses: list[str]) -> list[dict]:
    return [{**r, "trang_thai": s} for r, s in zip(rows, statuses, strict=True)]


def test_inspect_refuses_what_compute_refuses_an_unknown_status(tmp_path):
    rows = with_status([dossier(f"H{i}", f"2023-07-0{i + 1}", "2023-07-20",
                                "2023-07-10") for i in range(3)],
                       ["Đã trả kết quả", "Đã trả (bưu điện)", "Đã trả kết quả"])
    path = write_csv(tmp_path / "hs.csv", rows)
    compute = tthc("compute", str(path), "-p", "2023-Q3")
    assert compute.returncode == 2 and "dòng 3" in compute.stderr
    inspect = tthc("inspect", str(path))
    assert inspect.returncode == 2, inspect.stdout
    assert "SẼ BỊ TỪ CHỐI" in inspect.stdout and "Tệp dùng được." not in inspect.stdout
    assert "dòng 3" in inspect.stdout and "--policy dates-only" in inspect.stdout
    # the same file under the remedy the message names is usable, by both
    assert tthc("inspect", str(path), "--policy", "dates-only").returncode == 0
    assert tthc("compute", str(path), "-p", "2023-Q3", "--policy", "dates-only").returncode == 0


def params_file(tmp_path, extra: str) -> object:
    data = write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-20",
                                                   "2023-07-10")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 f"data: {data}\n{extra}", encoding="utf-8")
    return p


def test_a_misspelt_key_inside_a_params_mapping_is_refused_with_its_whole_path(tmp_path):
    import pytest

    from tthc_lib.core.errors import InputError
    from tthc_lib.report.spec import load_spec

    p = params_file(tmp_path, "interconnected_window: {start: 2023-07-10, end: 2023-08-31, "
                              "edn: 2023-09-01}\nstyle: {anex: false}\n"
                              "previous: {data: hs.csv, period: 2023-Q2, shet: A}\n")
    with pytest.raises(InputError) as err:
        load_spec(p)
    text = str(err.value)
    assert "interconnected_window.edn" in text and "Có phải là 'end'?" in text
    assert "style.anex" in text and "Có phải là 'annex'?" in text
    assert "previous.shet" in text and "Có phải là 'sheet'?" in text
    res = tthc("report", str(p))
    assert res.returncode == 2 and "interconnected_window.edn" in res.stderr


def test_a_misspelt_key_in_a_policy_profile_or_catalogue_file_is_refused(tmp_path):
    import pytest

    from tthc_lib.core.errors import InputError
    from tthc_lib.rules.catalog import load_catalog
    from tthc_lib.rules.policy import load_policy
    from tthc_lib.rules.profiles import load_profile

    pol = tmp_path / "pol.yaml"
    pol.write_text("name: x\ncomapre: day\nheader_notes: {resolved_ontime: x}\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="Có phải là 'compare'?") as err:
        load_policy(str(pol))
    assert "header_notes.resolved_ontime" in str(err.value)
    prof = tmp_path / "prof.yaml"
    prof.write_text("name: x\ncolumns: {ma_ho_so: [Mã]}\ntimezon: utc\n", encoding="utf-8")
    with pytest.raises(InputError, match="Có phải là 'timezone'?"):
        load_profile(str(prof))
    cat = tmp_path / "cat.yaml"
    cat.write_text("co_quan: {Sở Tư pháp: tinh}\nthu_tc: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="Có phải là 'thu_tuc'?"):
        load_catalog(cat)


def test_a_shared_page_counts_unknown_statuses_and_never_quotes_them(tmp_path):
    from tthc_lib.report.build import build_report

    raw = "Đã trả cho ông Nguyễn Văn An"
    rows = with_status([dossier(f"H{i}", f"2023-07-0{i + 1}", "2023-07-20", "2023-07-10")
                        for i in range(4)], ["Đã trả kết quả", raw, raw, "Trả tận nhà bà Lê Thị B"])
    data = write_csv(tmp_path / "hs.csv", rows)
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 f"data: {data}\npolicy: dates-only\n", encoding="utf-8")
    rep = build_report(p)
    html = rep.quality_html() + rep.annex_html()
    assert "2 giá trị trạng thái lạ, 3 hồ sơ" in html
    assert "Nguyễn" not in html and "Lê Thị" not in html
    # the analyst's own terminal may quote them: inspect names the value to fix
    res = tthc("inspect", str(data))
    assert res.returncode == 2 and "Đã trả cho ông" in res.stdout


def test_a_damaged_earlier_results_json_is_skipped_and_named_in_the_annex(tmp_path):
    import json

    from tthc_lib.model.published import SHAPE, VERSION
    from tthc_lib.report.build import build_report

    p = params_file(tmp_path, "")
    outputs = tmp_path / "outputs"
    good = outputs / "d" / "2023-Q2"
    good.mkdir(parents=True)
    (good / "results.json").write_text(json.dumps({
        "unit": {"slug": "d", "name": "UBND tỉnh D"},
        "period": {"code": "2023-Q2", "label": "Quý II/2023", "start": "2023-03-15",
                   "end": "2023-06-14"},
        "results": {"indicators": {"received_total": 5}, "by_field": {"Hộ tịch": {}}}}),
        encoding="utf-8")
    bad = outputs / "d" / "2022-Q3"
    bad.mkdir(parents=True)
    (bad / "results.json").write_text(json.dumps({
        "unit": {"slug": "d", "name": "UBND tỉnh D"},
        "period": {"code": "2022-Q3", "label": "Quý III/2022", "start": "2022-06-15",
                   "end": "2022-09-14"},
        "results": {"indicators": {"received_total": 7}, "by_field": {"Hộ tịch": 3}}}),
        encoding="utf-8")
    rep = build_report(p)
    tr = rep.trend(outputs)
    assert [pt.code for pt in tr.points] == ["2023-Q2", "2023-Q3"]
    annex = rep.annex_html()
    assert "d/2022-Q3/results.json" in annex and "results.by_field.Hộ tịch" in annex
    rep.save(tmp_path)
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved["shape"] == SHAPE and saved["version"] == VERSION


def test_the_provenance_says_where_the_data_was_found(tmp_path, monkeypatch):
    from tthc_lib.report.build import build_report

    ws = tmp_path / "ws"
    (ws / "params" / "d").mkdir(parents=True)
    (ws / "outputs").mkdir()
    (ws / ".tthc-workspace").write_text("", encoding="utf-8")
    (ws / "data").mkdir()
    write_csv(ws / "data" / "hs.csv", [dossier("A", "2023-07-01", "2023-07-20", "2023-07-10")])
    p = ws / "params" / "d" / "2023-Q3.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: data/hs.csv\n", encoding="utf-8")
    monkeypatch.chdir(ws)
    html = build_report(p).provenance_html()
    assert "data/hs.csv (tìm trong thư mục làm việc" in html


def test_more_careless_cases_get_a_vietnamese_refusal_not_a_traceback(tmp_path):
    """The wider catalogue's leftovers: each is exit 2 with a Vietnamese message."""
    data = write_csv(tmp_path / "hs.csv", with_status(
        [dossier("A", "2023-07-01", "2023-07-20", "2023-07-10")], ["Đã trả kết quả"]))
    prof = tmp_path / "prof.yaml"
    prof.write_text("name: x\ncolumns: {ma_ho_so: [ma_ho_so]}\n"
                    "values: {trang_thai: {\"Đã trả (bưu điện)\": 10}}\n", encoding="utf-8")
    pol = tmp_path / "pol.yaml"
    pol.write_text("name: y\nuse_status: \"false\"\nstatuses: {\"10\": {count: x}}\n",
                   encoding="utf-8")
    dup = tmp_path / "dup.yaml"
    dup.write_text(f"unit: {{slug: d, name: UBND tỉnh D, short_name: tỉnh D}}\nperiod: 2023-Q3\n"
                   f"data: {data}\nfigures: {{tthc_total: 10}}\nfigures: {{fb_new: 2}}\n",
                   encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(f"unit: {{slug: d, name: UBND tỉnh D, short_name: tỉnh D}}\n"
                     f"period: 2022-Q1\ndata: {data}\n", encoding="utf-8")
    cases = [
        (("compute", str(data), "-p", "2023-Q3", "--profile", str(prof)), "values.trang_thai"),
        (("compute", str(data), "-p", "2023-Q3", "--policy", str(pol)), "use_status"),
        (("report", str(dup)), "khóa 'figures' có hai lần"),
        (("report", str(wrong)), "không có hồ sơ nào thuộc kỳ Quý I/2022"),
        (("reconcile", str(data), "--portal", str(tmp_path), "-p", "2023-Q3"), "thư mục"),
        (("report", str(wrong), "-o", str(data)), "là một tệp"),
        (("batch", str(tmp_path), "-p", "2023-Q3", "-w", "0"), "từ 1 trở lên"),
    ]
    for args, said in cases:
        res = tthc(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert said in res.stderr and "Traceback" not in res.stderr, (args, res.stderr)
    res = tthc("compute", str(data), "-p", "2022-Q1")
    assert res.returncode == 0 and "không có hồ sơ nào thuộc kỳ" in res.stderr


def test_an_earlier_result_out_of_range_or_not_finite_is_skipped(tmp_path):
    import pytest

    from tthc_lib.model.published import ShapeError, parse_published

    base = {"unit": {"slug": "d", "name": "D"}, "period": {
        "code": "2023-Q2", "label": "Quý II/2023", "start": "2023-03-15", "end": "2023-06-14"}}
    for bad, said in (({"received_total": float("nan")}, "received_total"),
                      ({"received_total": -5}, "≥ 0"), ({"on_time_rate": 720.0}, "0–100")):
        with pytest.raises(ShapeError, match=said):
            parse_published({**base, "results": {"indicators": bad}}, tmp_path)


def test_a_refused_report_keeps_no_value_found_in_the_outputs_folder(tmp_path):
    raw = "Đã trả cho ông Nguyễn Văn An"
    data = write_csv(tmp_path / "hs.csv", with_status(
        [dossier("A", "2023-07-01", "2023-07-20", "2023-07-10")], [raw]))
    p = tmp_path / "p.yaml"
    p.write_text(f"unit: {{slug: d, name: UBND tỉnh D, short_name: tỉnh D}}\nperiod: 2023-Q3\n"
                 f"data: {data}\n", encoding="utf-8")
    out = tmp_path / "outputs"
    res = tthc("report", str(p), "-o", str(out))
    assert res.returncode == 2 and "dòng 2, cột 'Trạng thái'" in res.stderr
    assert "Nguyễn" not in res.stderr and "tthc inspect" in res.stderr
    written = [f.read_text(encoding="utf-8", errors="replace") for f in out.rglob("*")
               if f.is_file()]
    assert written and not any("Nguyễn" in text for text in written)


def test_a_catalogue_csv_with_a_misspelt_header_or_a_stray_cell_is_refused(tmp_path):
    import pytest

    from tthc_lib.core.errors import InputError
    from tthc_lib.rules.catalog import load_catalog

    good = tmp_path / "dm.csv"
    good.write_text("Cơ quan,Cấp\nSở Tư pháp,tinh\n", encoding="utf-8")
    assert load_catalog(good).level("Sở Tư pháp") == ("tinh", "catalogue")
    typo = tmp_path / "typo.csv"
    typo.write_text("Coquan,Cấp\nSở Tư pháp,tinh\n", encoding="utf-8")
    with pytest.raises(InputError, match="Có phải là 'co quan'"):
        load_catalog(typo)
    stray = tmp_path / "stray.csv"
    stray.write_text("Cơ quan,Cấp\nSở Tư pháp,tinh,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="dòng 2: nhiều ô hơn"):
        load_catalog(stray)


def _formula_xlsx(path, cached: bool):
    """An XLSX whose result-date cells are formulas, with or without the cached value a
    spreadsheet program stores when it saves."""
    import re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả",
               "Cơ quan giải quyết", "Lĩnh vực", "Cấp"])
    for i in range(3):
        ws.append([f"H{i}", "2023-07-10", "2023-07-20", f"=B{i + 2}", "Sở Tư pháp", "Hộ tịch",
                   "Cấp tỉnh"])
    wb.save(path)
    if cached:  # what Excel or LibreOffice writes: the formula and its value
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = re.sub(
            r"(<c r=\"D\d+\"[^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v></v>)?</c>",
            r'\1 t="str"><f>\2</f><v>2023-07-15</v></c>', sheet).encode()
        with zipfile.ZipFile(path, "w") as z:
            for n, b in parts.items():
                z.writestr(n, b)
    return path


def test_formula_cells_without_a_value_are_refused_not_read_as_blank(tmp_path):
    bare = tthc("compute", str(_formula_xlsx(tmp_path / "f.xlsx", cached=False)), "-p",
                "2023-Q3")
    assert bare.returncode == 2 and "Traceback" not in bare.stderr
    assert "3 ô là công thức chưa có giá trị" in bare.stderr and "D2, D3, D4" in bare.stderr
    saved = tthc("compute", str(_formula_xlsx(tmp_path / "g.xlsx", cached=True)), "-p",
                 "2023-Q3", "--json")
    assert saved.returncode == 0, saved.stderr
    import json

    assert json.loads(saved.stdout)["indicators"]["resolved_total"] == 3


def test_a_due_date_column_blank_in_every_row_is_refused_not_a_silent_100_percent(tmp_path):
    blank = write_csv(tmp_path / "hs.csv", [dossier(f"H{i}", "2023-07-01", "", "2023-07-30")
                                            for i in range(4)])
    out = tthc("compute", str(blank), "-p", "2023-Q3")
    assert out.returncode == 2 and "'Ngày hẹn trả' (ngay_hen_tra) trống ở cả 4 dòng" in out.stderr
    assert "SẼ BỊ TỪ CHỐI" in tthc("inspect", str(blank), "-p", "2023-Q3").stdout
    # one due date is enough: the others are dossiers without a deadline, on time by TT01
    rows = [dossier(f"H{i}", "2023-07-01", "", "2023-07-30") for i in range(3)]
    some = write_csv(tmp_path / "some.csv", rows + [dossier("D", "2023-07-01", "2023-07-20",
                                                            "2023-07-30")])
    assert tthc("compute", str(some), "-p", "2023-Q3").returncode == 0


def test_a_typed_part_larger_than_its_typed_whole_is_refused_naming_both_keys(tmp_path):
    import pytest

    from tthc_lib.core.errors import InputError
    from tthc_lib.report.spec import load_spec

    p = params_file(tmp_path, "figures: {dvc_full: 150, dvc_online_total: 100, "
                              "dvc_full_share: 150}\n"
                              "index766: {ratings_satisfied: 500, ratings_total: 100}\n")
    with pytest.raises(InputError) as err:
        load_spec(p)
    text = str(err.value)
    assert "'figures.dvc_full' = 150 lớn hơn figures.dvc_online_total = 100" in text
    assert "'index766.ratings_satisfied' = 500 lớn hơn index766.ratings_total = 100" in text
    assert "figures.dvc_full_share" in text and "không vượt 100" in text
    ok = params_file(tmp_path, "figures: {dvc_full: 90, dvc_online_total: 100}\n"
                               "index766: {ratings_satisfied: 100, ratings_total: 100}\n")
    assert load_spec(ok).index766["ratings_satisfied"] == 100
