"""The dossier table's contract: columns, the headers one-stop systems export, value aliases.

Everything the loader knows about the input is declared here, once. Code elsewhere refers
to columns through `C` (e.g. `C.cap`), never through bare strings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    LEVEL = "level"
    CHANNEL = "channel"
    FLAG = "flag"


@dataclass(frozen=True)
class Column:
    """One canonical column: its type, whether it must be present, its accepted headers."""

    name: str
    label_vi: str
    kind: Kind
    required: bool
    aliases: tuple[str, ...] = ()
    nullable: bool = False
    unique: bool = False
    expected: str = ""

    def header_keys(self) -> set[str]:
        return {fold(self.name)} | {fold(a) for a in self.aliases} | {fold(self.label_vi)}


class C:
    """Canonical column names (use these instead of string literals)."""

    ma_ho_so = "ma_ho_so"
    ma_tthc = "ma_tthc"
    ten_tthc = "ten_tthc"
    linh_vuc = "linh_vuc"
    co_quan = "co_quan"
    cap = "cap"
    kenh_nop = "kenh_nop"
    ngay_tiep_nhan = "ngay_tiep_nhan"
    ngay_hen_tra = "ngay_hen_tra"
    ngay_co_ket_qua = "ngay_co_ket_qua"
    trang_thai = "trang_thai"
    muc_do_dvc = "muc_do_dvc"
    tra_kq_buu_chinh = "tra_kq_buu_chinh"
    da_so_hoa = "da_so_hoa"
    thanh_toan_truc_tuyen = "thanh_toan_truc_tuyen"
    nhom_lien_thong = "nhom_lien_thong"


DATE_EXPECTED = "một ngày dạng 2023-07-03, 2023-07-03 14:05, 03/07/2023 hoặc 03/07/2023 14:05"

COLUMNS: tuple[Column, ...] = (
    Column(C.ma_ho_so, "Mã hồ sơ", Kind.TEXT, True, ("Mã HS", "Số hồ sơ"), unique=True,
           expected="một mã hồ sơ không rỗng, không trùng"),
    Column(C.ma_tthc, "Mã TTHC", Kind.TEXT, False, ("Mã thủ tục", "Mã thủ tục hành chính"),
           nullable=True),
    Column(C.ten_tthc, "Tên thủ tục", Kind.TEXT, False,
           ("Tên TTHC", "Tên thủ tục hành chính", "Thủ tục"), nullable=True),
    Column(C.linh_vuc, "Lĩnh vực", Kind.TEXT, True, ("Tên lĩnh vực",),
           expected="tên lĩnh vực không rỗng"),
    Column(C.co_quan, "Cơ quan giải quyết", Kind.TEXT, True,
           ("Đơn vị", "Cơ quan", "Đơn vị giải quyết", "Cơ quan thực hiện"),
           expected="tên cơ quan, đơn vị không rỗng"),
    Column(C.cap, "Cấp thực hiện", Kind.LEVEL, True, ("Cấp", "Cấp giải quyết"),
           expected="tinh, huyen hoặc xa (hoặc 'Cấp tỉnh', 'Cấp huyện', 'Cấp xã')"),
    Column(C.kenh_nop, "Hình thức nộp", Kind.CHANNEL, True,
           ("Kênh nộp", "Hình thức tiếp nhận", "Kênh tiếp nhận"),
           expected="truc_tuyen, truc_tiep hoặc buu_chinh (hoặc 'Trực tuyến', 'Trực tiếp', "
           "'Dịch vụ bưu chính')"),
    Column(C.ngay_tiep_nhan, "Ngày tiếp nhận", Kind.DATE, True, ("Ngày nhận",),
           expected=DATE_EXPECTED),
    Column(C.ngay_hen_tra, "Ngày hẹn trả", Kind.DATE, True,
           ("Ngày hẹn trả kết quả", "Hạn xử lý", "Hạn giải quyết"), expected=DATE_EXPECTED),
    Column(C.ngay_co_ket_qua, "Ngày có kết quả", Kind.DATE, True,
           ("Ngày hoàn thành", "Ngày kết thúc", "Ngày trả kết quả thực tế"), nullable=True,
           expected=DATE_EXPECTED + ", hoặc để trống nếu chưa có kết quả"),
    Column(C.trang_thai, "Trạng thái", Kind.TEXT, False, ("Trạng thái hồ sơ",), nullable=True),
    Column(C.muc_do_dvc, "Mức độ DVC", Kind.TEXT, False,
           ("Mức độ dịch vụ công", "Mức độ DVCTT", "Mức độ"), nullable=True),
    Column(C.tra_kq_buu_chinh, "Trả kết quả qua bưu chính", Kind.FLAG, False,
           ("Trả KQ qua BCCI", "Trả kết quả qua dịch vụ bưu chính công ích"), nullable=True),
    Column(C.da_so_hoa, "Đã số hóa", Kind.FLAG, False, ("Số hóa", "Số hóa kết quả"),
           nullable=True),
    Column(C.thanh_toan_truc_tuyen, "Thanh toán trực tuyến", Kind.FLAG, False,
           ("Đã thanh toán trực tuyến", "Thanh toán TT"), nullable=True),
    Column(C.nhom_lien_thong, "Nhóm liên thông", Kind.TEXT, False,
           ("Nhóm TTHC liên thông", "Liên thông"), nullable=True),
)

BY_NAME = {c.name: c for c in COLUMNS}

# Applicant's personal data: dropped at load time, before anything else looks at a value.
PERSONAL_HEADERS = (
    "Họ tên", "Họ và tên", "Tên người nộp", "Người nộp", "Người nộp hồ sơ", "Chủ hồ sơ",
    "Tên công dân", "Tên tổ chức, cá nhân", "Số CCCD", "CCCD", "CMND", "Số CMND",
    "Số định danh", "Số định danh cá nhân", "Số giấy tờ tùy thân", "Ngày sinh",
    "Số điện thoại", "Điện thoại", "SĐT", "Email", "E-mail", "Thư điện tử", "Địa chỉ",
    "Địa chỉ thường trú", "Nơi cư trú", "ho_ten", "so_cccd", "so_dien_thoai", "email", "dia_chi",
)
_PERSONAL_WORDS = ("ho ten", "ho va ten", "cccd", "cmnd", "dinh danh", "dien thoai", "sdt",
                   "email", "e-mail", "thu dien tu", "dia chi", "ngay sinh", "nguoi nop",
                   "ho_ten", "dien_thoai", "dia_chi", "ngay_sinh", "nguoi_nop")

LEVELS = ("tinh", "huyen", "xa")
LEVEL_LABELS = {"tinh": "Cấp tỉnh", "huyen": "Cấp huyện", "xa": "Cấp xã"}
LEVEL_ALIASES = {
    "tinh": ("tinh", "cap tinh", "so", "so, nganh", "cap so", "tinh/so"),
    "huyen": ("huyen", "cap huyen", "huyen/thanh pho", "cap huyen/thanh pho"),
    "xa": ("xa", "cap xa", "xa/phuong", "xa, phuong, thi tran", "phuong", "thi tran"),
}

CHANNELS = ("truc_tuyen", "truc_tiep", "buu_chinh")
CHANNEL_ALIASES = {
    "truc_tuyen": ("truc tuyen", "online", "dich vu cong truc tuyen", "dvc truc tuyen",
                   "qua mang", "nop truc tuyen"),
    "truc_tiep": ("truc tiep", "tai quay", "nop truc tiep", "truc tiep tai bo phan mot cua"),
    "buu_chinh": ("buu chinh", "dich vu buu chinh", "buu chinh cong ich",
                  "qua dich vu buu chinh cong ich", "qua buu chinh", "bccI"),
}

SERVICE_LEVELS = ("full", "partial", "info", "unknown")
SERVICE_LEVEL_ALIASES = {
    "full": ("toan trinh", "dvc toan trinh", "dich vu cong truc tuyen toan trinh", "muc do 4",
             "muc 4", "4"),
    "partial": ("mot phan", "dvc mot phan", "dich vu cong truc tuyen mot phan", "muc do 3",
                "muc 3", "3"),
    "info": ("cung cap thong tin", "thong tin", "dich vu cung cap thong tin truc tuyen",
             "muc do 2", "muc do 1", "muc 2", "muc 1", "2", "1"),
}

FLAG_TRUE = ("1", "true", "co", "x", "yes", "da", "da so hoa", "da thanh toan")
FLAG_FALSE = ("0", "false", "khong", "no", "chua", "")


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


def _alias_table(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table = {}
    for canon, names in aliases.items():
        table[fold(canon)] = canon
        for n in names:
            table[fold(n)] = canon
    return table


LEVEL_LOOKUP = _alias_table(LEVEL_ALIASES)
SERVICE_LEVEL_LOOKUP = _alias_table(SERVICE_LEVEL_ALIASES)
CHANNEL_LOOKUP = _alias_table(CHANNEL_ALIASES)
FLAG_LOOKUP = {fold(v): True for v in FLAG_TRUE} | {fold(v): False for v in FLAG_FALSE}
HEADER_LOOKUP = {key: col.name for col in COLUMNS for key in col.header_keys()}
PERSONAL_KEYS = {fold(h) for h in PERSONAL_HEADERS}


def is_personal_header(header: str) -> bool:
    """Return True when a header names an applicant's personal data column."""
    key = fold(header)
    if key in HEADER_LOOKUP:
        return False
    return key in PERSONAL_KEYS or any(w.replace("_", " ") in key for w in _PERSONAL_WORDS)


@dataclass
class HeaderMap:
    """How the file's headers map onto canonical columns."""

    mapping: dict[str, str] = field(default_factory=dict)  # file header -> canonical
    personal: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    duplicates: dict[str, list[str]] = field(default_factory=dict)


def map_headers(headers: list[str]) -> HeaderMap:
    """Return the mapping of file headers to canonical columns, personal and extra headers."""
    hm = HeaderMap()
    seen: dict[str, list[str]] = {}
    for h in headers:
        key = fold(h)
        if key in HEADER_LOOKUP:
            canon = HEADER_LOOKUP[key]
            seen.setdefault(canon, []).append(h)
            hm.mapping[h] = canon
        elif is_personal_header(h):
            hm.personal.append(h)
        else:
            hm.extra.append(h)
    hm.duplicates = {k: v for k, v in seen.items() if len(v) > 1}
    return hm
