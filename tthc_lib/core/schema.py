"""The dossier table's contract: the canonical columns (type, label, what a value must be)
and the text helpers every matching uses. Which headers and values mean what is a property
of the source profile and the vocabulary (`rules/`). Code elsewhere refers
to columns through `C` (e.g. `C.cap`), never through bare strings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    LEVEL = "level"
    CHANNEL = "channel"
    SERVICE = "service"
    FLAG = "flag"
    STATUS = "status"


@dataclass(frozen=True)
class Column:
    """One canonical column: its type, whether a file must have it, what a value must be.
    Which headers mean it is a property of the source profile (`rules/profiles/*.yaml`)."""

    name: str
    label_vi: str
    kind: Kind
    required: bool = False
    expected: str = ""


class C:
    """Canonical column names (use these instead of string literals)."""

    ma_ho_so = "ma_ho_so"
    ma_tthc = "ma_tthc"
    ten_tthc = "ten_tthc"
    ma_linh_vuc = "ma_linh_vuc"
    linh_vuc = "linh_vuc"
    co_quan = "co_quan"
    noi_tiep_nhan = "noi_tiep_nhan"
    cap = "cap"
    kenh_nop = "kenh_nop"
    ngay_nop = "ngay_nop"
    ngay_tiep_nhan = "ngay_tiep_nhan"
    ngay_hen_tra = "ngay_hen_tra"
    ngay_co_ket_qua = "ngay_co_ket_qua"
    ngay_tra_kq = "ngay_tra_kq"
    ngay_tu_choi = "ngay_tu_choi"
    ngay_yeu_cau_bo_sung = "ngay_yeu_cau_bo_sung"
    trang_thai = "trang_thai"
    muc_do_dvc = "muc_do_dvc"
    tra_kq_buu_chinh = "tra_kq_buu_chinh"
    da_so_hoa = "da_so_hoa"
    thanh_toan_truc_tuyen = "thanh_toan_truc_tuyen"
    nhom_lien_thong = "nhom_lien_thong"


DATE_EXPECTED = ("một ngày dạng 03/07/2023, 03/07/2023 14:05, 2023-07-03 14:05, "
                 "20230703140500 hoặc 2023-07-03T07:05:00Z")

COLUMNS: tuple[Column, ...] = (
    Column(C.ma_ho_so, "Mã hồ sơ", Kind.TEXT, True, "một mã hồ sơ không rỗng, không trùng"),
    Column(C.ma_tthc, "Mã TTHC", Kind.TEXT),
    Column(C.ten_tthc, "Tên thủ tục", Kind.TEXT),
    Column(C.ma_linh_vuc, "Mã lĩnh vực", Kind.TEXT),
    Column(C.linh_vuc, "Lĩnh vực", Kind.TEXT),
    Column(C.co_quan, "Cơ quan giải quyết", Kind.TEXT, True, "tên cơ quan, đơn vị không rỗng"),
    Column(C.noi_tiep_nhan, "Đơn vị tiếp nhận", Kind.TEXT),
    Column(C.cap, "Cấp thực hiện", Kind.LEVEL, False,
           "tinh, huyen hoặc xa (hoặc 'Cấp tỉnh', 'Sở, ban, ngành', 'Quận/ Huyện', 'Xã/ Phường', "
           "…)"),
    Column(C.kenh_nop, "Hình thức nộp", Kind.CHANNEL, False,
           "truc_tuyen, truc_tiep hoặc buu_chinh (hoặc 'Trực tuyến', 'Trực tiếp', "
           "'Qua bưu chính công ích', mã 1/2/3)"),
    Column(C.ngay_nop, "Ngày nộp hồ sơ", Kind.DATE, False, DATE_EXPECTED),
    Column(C.ngay_tiep_nhan, "Ngày tiếp nhận", Kind.DATE, True, DATE_EXPECTED),
    Column(C.ngay_hen_tra, "Ngày hẹn trả", Kind.DATE, True,
           DATE_EXPECTED + ", hoặc để trống nếu thủ tục không có hạn"),
    Column(C.ngay_co_ket_qua, "Ngày có kết quả (kết thúc xử lý)", Kind.DATE, False,
           DATE_EXPECTED + ", hoặc để trống nếu chưa có kết quả"),
    Column(C.ngay_tra_kq, "Ngày trả kết quả", Kind.DATE, False,
           DATE_EXPECTED + ", hoặc để trống nếu chưa trả"),
    Column(C.ngay_tu_choi, "Ngày từ chối", Kind.DATE, False, DATE_EXPECTED),
    Column(C.ngay_yeu_cau_bo_sung, "Ngày yêu cầu bổ sung", Kind.DATE, False, DATE_EXPECTED),
    Column(C.trang_thai, "Trạng thái", Kind.STATUS, False,
           "một trạng thái hồ sơ (mã 1–10 của Cổng DVC quốc gia, hoặc tên trạng thái như "
           "danh mục trạng thái trong rules/vocab.yaml)"),
    Column(C.muc_do_dvc, "Mức độ DVC", Kind.SERVICE),
    Column(C.tra_kq_buu_chinh, "Trả kết quả qua bưu chính", Kind.FLAG, False,
           "có/không (1/0, x hoặc để trống)"),
    Column(C.da_so_hoa, "Đã số hóa", Kind.FLAG, False, "có/không (1/0, x hoặc để trống)"),
    Column(C.thanh_toan_truc_tuyen, "Thanh toán trực tuyến", Kind.FLAG, False,
           "có/không (1/0, x hoặc để trống)"),
    Column(C.nhom_lien_thong, "Nhóm liên thông", Kind.TEXT),
)

BY_NAME = {c.name: c for c in COLUMNS}
RESULT_DATES = (C.ngay_co_ket_qua, C.ngay_tra_kq)  # a file needs at least one of them

# Applicant's personal data: never read past the header.
PERSONAL_HEADERS = (
    "Họ tên", "Họ và tên", "Tên người nộp", "Người nộp", "Người nộp hồ sơ", "Chủ hồ sơ",
    "Tên công dân", "Tên tổ chức, cá nhân", "Số CCCD", "CCCD", "CMND", "Số CMND",
    "Số định danh", "Số định danh cá nhân", "Số giấy tờ tùy thân", "Ngày sinh",
    "Số điện thoại", "Điện thoại", "SĐT", "Email", "E-mail", "Thư điện tử", "Địa chỉ",
    "Địa chỉ thường trú", "Nơi cư trú", "ho_ten", "so_cccd", "so_dien_thoai", "email", "dia_chi",
    "ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Fax", "DiaChiChuHoSo", "DinhDanhCHS",
    "applicant_name", "phone", "id_number", "address", "Họ, tên", "Năm sinh",
    "Căn cước công dân", "Số CMT", "Nơi thường trú", "Tên người yêu cầu",
)
# whole words (after folding, punctuation as spaces) that mark a header as personal
_PERSONAL_WORDS = re.compile(
    r"\b(?:ho ten|ho va ten|cccd|cmnd|cmt|can cuoc|dinh danh|ho chieu|dien thoai|sdt|"
    r"di dong|email|e mail|thu dien tu|dia chi|thuong tru|tam tru|noi o|cu tru|ngay sinh|"
    r"nam sinh|gioi tinh|nguoi nop|nguoi yeu cau|nguoi de nghi|nguoi dung ten|cong dan|"
    r"chu ho so|chuhoso|sodienthoai|diachi|sogiayto|dinhdanh|hoten|fullname|full name|"
    r"applicant|citizen|identity|id number|id card|passport|phone|mobile|address|birth|"
    r"gender|fax)\b")
_PUNCT = re.compile(r"[^\w ]+")

LEVELS = ("tinh", "huyen", "xa")
UNKNOWN_LEVEL = "chua_ro"
LEVEL_LABELS = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã",
                UNKNOWN_LEVEL: "Chưa xác định cấp"}
UNKNOWN_FIELD = "Chưa xác định lĩnh vực"
CHANNELS = ("truc_tuyen", "truc_tiep", "buu_chinh")
SERVICE_LEVELS = ("full", "partial", "info", "unknown")


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC with non-breaking spaces made plain and ends stripped."""
    return unicodedata.normalize("NFC", text.replace("\u00a0", " ")).strip()


def strip_accents(text: str) -> str:
    """Return `text` without Vietnamese diacritics (đ → d), for matching only."""
    decomposed = unicodedata.normalize("NFD", text)
    no_marks = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return no_marks.replace("đ", "d").replace("Đ", "D")


_SPACES = re.compile(r"[\s_]+")


def fold(text: str) -> str:
    """Return the matching key of a header or category value: no accents, lower case, one
    space between words, underscores counted as spaces."""
    return _SPACES.sub(" ", strip_accents(nfc(str(text))).lower()).strip()


PERSONAL_KEYS = {fold(h) for h in PERSONAL_HEADERS}


def is_personal_header(header: str, known: set[str] = frozenset()) -> bool:
    """Return True when a header names an applicant's personal data column (`known`: the
    folded headers some profile reads as a canonical column, never personal)."""
    key = fold(header)
    if key in known:
        return False
    words = " ".join(_PUNCT.sub(" ", key).split())
    return key in PERSONAL_KEYS or bool(_PERSONAL_WORDS.search(words))
