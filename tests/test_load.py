"""The input contract: headers and value aliases, date formats, personal data, errors."""

import unicodedata
from datetime import datetime

import pandas as pd
import pytest

from tthc_lib.core.schema import C
from tthc_lib.engine.load import InputError, load

from .conftest import CANONICAL, dossier, write_csv

VIET_HEADERS = ["Mã hồ sơ", "Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết",
                "Cấp thực hiện", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả",
                "Ngày có kết quả"]


def viet_rows(rows):
    return [dict(zip(VIET_HEADERS, (r[c] for c in CANONICAL), strict=True)) for r in rows]


def test_vietnamese_headers_in_nfd_mixed_case_with_spaces(tmp_path):
    heads = [f"  {unicodedata.normalize('NFD', h).upper()} " for h in VIET_HEADERS]
    rows = [dict(zip(heads, r.values(), strict=True))
            for r in viet_rows([dossier("HS1", "03/07/2023 14:05", "10/07/2023")])]
    tb = load(write_csv(tmp_path / "x.csv", rows, header=heads))
    assert list(tb.df[C.ma_ho_so]) == ["HS1"]
    assert tb.df[C.ngay_tiep_nhan][0] == pd.Timestamp("2023-07-03 14:05")


@pytest.mark.parametrize("raw,canon", [
    ("Cấp tỉnh", "tinh"), ("TỈNH", "tinh"), ("cap huyen", "huyen"), ("Cấp xã", "xa"),
    (unicodedata.normalize("NFD", "Cấp Xã"), "xa"), ("\u00a0Cấp huyện ", "huyen")])
def test_level_aliases(make_table, raw, canon):
    tb = make_table([dossier("HS1", "2023-07-03", "2023-07-10", cap=raw)])
    assert tb.df[C.cap][0] == canon


@pytest.mark.parametrize("raw,canon", [
    ("Trực tuyến", "truc_tuyen"), ("Trực tiếp", "truc_tiep"), ("Dịch vụ bưu chính", "buu_chinh"),
    ("Bưu chính công ích", "buu_chinh"), ("truc_tuyen", "truc_tuyen")])
def test_channel_aliases(make_table, raw, canon):
    tb = make_table([dossier("HS1", "2023-07-03", "2023-07-10", kenh=raw)])
    assert tb.df[C.kenh_nop][0] == canon


@pytest.mark.parametrize("text,expected", [
    ("2023-07-03", datetime(2023, 7, 3)), ("2023-07-03 14:05", datetime(2023, 7, 3, 14, 5)),
    ("2023-07-03 14:05:09", datetime(2023, 7, 3, 14, 5, 9)),
    ("2023-07-03 14:05:09.000", datetime(2023, 7, 3, 14, 5, 9)),
    ("03/07/2023", datetime(2023, 7, 3)),  # day first: 3 July, not 7 March
    ("3/7/2023 08:30", datetime(2023, 7, 3, 8, 30)), ("45110", datetime(2023, 7, 3)),
])
def test_date_formats(make_table, text, expected):
    tb = make_table([dossier("HS1", text, "2023-07-10")])
    assert tb.df[C.ngay_tiep_nhan][0] == pd.Timestamp(expected)


def test_xlsx_with_banner_rows_and_real_date_cells(tmp_path):
    path = tmp_path / "export.xlsx"
    rows = viet_rows([dossier("HS1", "", "", ""), dossier("HS2", "", "", "")])
    df = pd.DataFrame(rows)
    df["Ngày tiếp nhận"] = [datetime(2023, 7, 3, 9, 0), datetime(2023, 7, 4)]
    df["Ngày hẹn trả"] = [datetime(2023, 7, 10), datetime(2023, 7, 11)]
    df["Ngày có kết quả"] = [datetime(2023, 7, 5), None]
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame([["BÁO CÁO DANH SÁCH HỒ SƠ"], ["Từ 15/06/2023 đến 14/09/2023"]]).to_excel(
            xw, sheet_name="Hồ sơ", header=False, index=False)
        df.to_excel(xw, sheet_name="Hồ sơ", startrow=3, index=False)
    tb = load(path)
    assert list(tb.df[C.ma_ho_so]) == ["HS1", "HS2"]
    assert tb.df[C.ngay_co_ket_qua].isna().tolist() == [False, True]
    assert list(tb.df["_row"]) == [5, 6]  # as the analyst sees the rows in Excel


def test_parquet_input(tmp_path):
    path = tmp_path / "x.parquet"
    pd.DataFrame([dossier("HS1", "2023-07-03", "2023-07-10", "2023-07-05")]).to_parquet(path)
    assert load(path).df[C.ngay_co_ket_qua][0] == pd.Timestamp("2023-07-05")


def test_personal_columns_are_dropped_at_load(tmp_path):
    row = dossier("HS1", "2023-07-03", "2023-07-10")
    row |= {"Họ và tên": "Nguyễn Văn Bình", "Số CCCD": "001203004567",
            "Số điện thoại": "0912345678", "Email": "binh@example.vn", "Địa chỉ": "Thôn Đông"}
    tb = load(write_csv(tmp_path / "x.csv", [row]))
    text = tb.df.to_csv()
    for value in ("Nguyễn Văn Bình", "001203004567", "0912345678", "binh@example.vn"):
        assert value not in text
    assert set(tb.personal_dropped) == {"Họ và tên", "Số CCCD", "Số điện thoại", "Email",
                                        "Địa chỉ"}


def test_missing_required_column_names_it(tmp_path):
    row = dossier("HS1", "2023-07-03", "2023-07-10")
    del row["ngay_hen_tra"]
    with pytest.raises(InputError, match=r"thiếu cột bắt buộc 'Ngày hẹn trả' \(ngay_hen_tra\)"):
        load(write_csv(tmp_path / "x.csv", [row]))


def test_bad_date_names_file_row_column_and_value(tmp_path):
    rows = [dossier("HS1", "2023-07-03", "2023-07-10"), dossier("HS2", "31/02/2023", "2023-07-10")]
    with pytest.raises(InputError) as err:
        load(write_csv(tmp_path / "ho-so.csv", rows))
    msg = str(err.value)
    assert "ho-so.csv" in msg and "dòng 3" in msg and "Ngày tiếp nhận" in msg
    assert "'31/02/2023'" in msg


def test_unknown_level_lists_accepted_values(make_table):
    with pytest.raises(InputError, match=r"tinh, huyen, xa.*gặp 'Cấp bộ'"):
        make_table([dossier("HS1", "2023-07-03", "2023-07-10", cap="Cấp bộ")])


def test_identical_duplicates_dropped_conflicting_refused(make_table):
    a = dossier("HS1", "2023-07-03", "2023-07-10")
    tb = make_table([a, dict(a), dossier("HS2", "2023-07-03", "2023-07-10")])
    assert tb.identical_duplicates == 1 and len(tb.df) == 2
    b = dict(a, ngay_hen_tra="2023-07-11")
    with pytest.raises(InputError, match=r"các dòng 2, 3 cùng mã nhưng khác nội dung"):
        make_table([a, b], name="dup.csv")


def test_empty_and_header_only_and_binary_files(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="rỗng"):
        load(tmp_path / "empty.csv")
    (tmp_path / "head.csv").write_text(",".join(CANONICAL) + "\n")
    with pytest.raises(InputError, match="chỉ có dòng tiêu đề"):
        load(tmp_path / "head.csv")
    (tmp_path / "fake.csv").write_bytes(b"%PDF-1.7\n\x00\x01binary")
    with pytest.raises(InputError, match="không phải tệp CSV"):
        load(tmp_path / "fake.csv")


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters, tone marks combining."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", parts[:2])
        if len(base) == 1 and len(parts) == 3:
            out.append((base + parts[2]).encode("cp1258"))
        else:
            out.append(parts.encode("cp1258"))
    return b"".join(out)


def test_windows_1258_and_utf16_csv(tmp_path):
    rows = viet_rows([dossier("HS1", "03/07/2023", "10/07/2023", field="Hộ tịch")])
    for enc in ("utf-16", "utf-8-sig"):
        tb = load(write_csv(tmp_path / f"{enc}.csv", rows, encoding=enc))
        assert tb.df[C.linh_vuc][0] == "Hộ tịch"
    legacy = tmp_path / "cp1258.csv"
    legacy.write_bytes(to_cp1258(",".join(CANONICAL) + "\nHS1,,,Chứng thực,UBND xã,xa,"
                                 "truc_tiep,03/07/2023,10/07/2023,\n"))
    assert load(legacy).df[C.linh_vuc][0] == "Chứng thực"


def test_a_validated_export_is_cached_by_content_and_reloaded_identically(tmp_path,
                                                                           monkeypatch):
    from tthc_lib.core.paths import cache_dir

    monkeypatch.setenv("TTHC_CACHE", str(tmp_path / "cache"))
    row = dossier("HS1", "03/07/2023", "10/07/2023", "05/07/2023") | {"Họ tên": "Vũ Văn A"}
    path = write_csv(tmp_path / "x.csv", [row])
    first = load(path)
    assert len(list(cache_dir().glob("*.parquet"))) == 1
    again = load(path)
    pd.testing.assert_frame_equal(first.df, again.df)
    assert again.personal_dropped == ["Họ tên"] and again.rows_read == 1
    cached = cache_dir().glob("*")
    assert not any("Vũ Văn A" in f.read_bytes().decode("utf-8", "ignore") for f in cached)
    path.write_text(path.read_text(encoding="utf-8").replace("HS1", "HS2"), encoding="utf-8")
    assert list(load(path).df[C.ma_ho_so]) == ["HS2"]  # new content, new key
