"""Sample exports in the shapes real one-stop systems produce (real-exports.md §1).

Each is a generated province (`sample.synthetic_profile`) written the way one kind of
system writes it, so `tthc inspect`, `tthc compute` and the report can be tried on every
shape and must give the profile's figures under the default policy:

- `dvcqg`: the national portal's sync standard (MaHoSo, NgayTiepNhan …, codes for channel
  and status, dates as yyyyMMddHHmmss), no level column: levels come from agency names;
- `ds-tinh`: a provincial system's dossier list (XLSX with banner rows; STT, Đơn vị tiếp
  nhận, Tên thủ tục hành chính, Mã hồ sơ, Trạng thái, personal columns, four dates as
  dd/MM/yyyy HH:mm:ss) with no level, field or channel column, and its catalogue;
- `igate-utc`: an export whose timestamps are UTC ISO-8601 ("…T17:00:00.000+0000").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..core.paths import atomic_output
from .generator import STATUS, Profile, generate, synthetic_profile

STATUS_CODE = {label: code for code, label in STATUS.items()}  # from the rules' vocabulary
CHANNEL_CODE = {"Trực tiếp": "1", "Trực tuyến": "2", "Dịch vụ bưu chính": "3"}
SERVICE_CODE = {"Toàn trình": "4", "Một phần": "3", "Cung cấp thông tin": "2"}
LEVEL_IGATE = {"Cấp tỉnh": "Sở, ban, ngành", "Cấp huyện": "Quận/ Huyện", "Cấp xã": "Xã/ Phường"}
STATUS_IGATE = {STATUS[4]: "Đang giải quyết", STATUS[5]: "Chờ bổ sung", STATUS[8]: "Tạm dừng",
                STATUS[7]: "Đã rút", STATUS[9]: "Có kết quả", STATUS[3]: "Từ chối tiếp nhận"}


@dataclass(frozen=True)
class Shape:
    """One sample in a real export's shape."""

    key: str
    kind: str  # dvcqg | ds-tinh | igate-utc
    profile: Profile
    suffix: str


SHAPES = {s.key: s for s in (
    Shape("tuyen-quang-2023-Q3", "dvcqg",
          synthetic_profile("tuyen-quang", "Tuyên Quang", "2023-Q3", 30_000, seed=201), ".csv"),
    Shape("yen-bai-2023-Q3", "ds-tinh",
          synthetic_profile("yen-bai", "Yên Bái", "2023-Q3", 12_000, seed=202), ".xlsx"),
    Shape("lao-cai-2023-Q3", "igate-utc",
          synthetic_profile("lao-cai", "Lào Cai", "2023-Q3", 20_000, seed=203), ".csv"),
)}


def _dates(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, format="%d/%m/%Y %H:%M", errors="coerce")


def _fmt(ts: pd.Series, fmt: str) -> pd.Series:
    return ts.dt.strftime(fmt).where(ts.notna(), "")


def _handover(df: pd.DataFrame, rng) -> pd.Series:
    """Return the hand-over day: 0–3 days after the end of processing, for status 10."""
    done = _dates(df["Ngày có kết quả"])
    later = pd.to_timedelta(rng.integers(0, 4, len(df)), unit="D") + \
        pd.to_timedelta(rng.integers(0, 120, len(df)), unit="m")
    return (done + later).where(df["Trạng thái"].eq(STATUS[10]) & done.notna())


def _submitted(df: pd.DataFrame, rng) -> pd.Series:
    recv = _dates(df["Ngày tiếp nhận"])
    return recv - pd.to_timedelta(rng.integers(5, 600, len(df)), unit="m")


def dvcqg(df: pd.DataFrame, rng) -> pd.DataFrame:
    """Return the export in the sync standard's fields and codes."""
    f = "%Y%m%d%H%M%S"
    status = df["Trạng thái"].map(STATUS_CODE)
    refused = status.eq(3)
    paid = np.where(rng.random(len(df)) < 0.3, rng.choice(["1", "2"], len(df)), "3")
    return pd.DataFrame({
        "MaHoSo": df["Mã hồ sơ"], "MaTTHC": df["Mã TTHC"], "TenTTHC": df["Tên thủ tục"],
        "TenLinhVuc": df["Lĩnh vực"], "DonViXuLy": df["Cơ quan giải quyết"],
        "KenhThucHien": df["Hình thức nộp"].map(CHANNEL_CODE),
        "ChuHoSo": df["Họ tên người nộp"], "SoGiayToChuHoSo": df["Số CCCD"],
        "SoDienThoai": df["Số điện thoại"],
        "NgayNopHoSo": _fmt(_submitted(df, rng), f),
        "NgayTiepNhan": _fmt(_dates(df["Ngày tiếp nhận"]).where(~refused), f),
        "NgayHenTra": _fmt(_dates(df["Ngày hẹn trả"]), f),
        "NgayKetThucXuLy": _fmt(_dates(df["Ngày có kết quả"]), f),
        "NgayTra": _fmt(_handover(df, rng), f),
        "NgayTuChoi": _fmt(_dates(df["Ngày tiếp nhận"]).where(refused), f),
        "TrangThaiHoSo": status.astype(str),
        "MucDo": df["Mức độ DVC"].map(SERVICE_CODE),
        "HinhThuc": np.where(df["Trả KQ qua BCCI"].eq("x"), "1", "0"),
        "HoSoCoThanhPhanSoHoa": np.where(df["Đã số hóa"].eq("x"), "1", "0"),
        "DuocThanhToanTrucTuyen": paid,
        "LoaiDuLieuKetNoi": df["Nhóm liên thông"].map(
            lambda g: "" if not g else ("LTKS" if g.startswith("Khai sinh") else "LTKT")),
    })


def ds_tinh(df: pd.DataFrame, rng) -> pd.DataFrame:
    """Return the provincial dossier list: no level, field or channel column."""
    f = "%d/%m/%Y %H:%M:%S"
    return pd.DataFrame({
        "STT": np.arange(1, len(df) + 1), "Đơn vị tiếp nhận": df["Cơ quan giải quyết"],
        "Người tiếp nhận": rng.choice(["Cán bộ một cửa 01", "Cán bộ một cửa 02"], len(df)),
        "Tên thủ tục hành chính": df["Tên thủ tục"], "Mã hồ sơ": df["Mã hồ sơ"],
        "Trạng thái": df["Trạng thái"], "Địa chỉ": "Thôn " + df["Số CCCD"].str[-3:],
        "Người nộp": df["Họ tên người nộp"], "Chủ hồ sơ": df["Họ tên người nộp"],
        "Ngày nộp hồ sơ": _fmt(_submitted(df, rng), f),
        "Ngày nhận": _fmt(_dates(df["Ngày tiếp nhận"]), f),
        "Ngày hẹn trả": _fmt(_dates(df["Ngày hẹn trả"]), f),
        "Ngày kết thúc xử lý": _fmt(_dates(df["Ngày có kết quả"]), f),
    })


def igate_utc(df: pd.DataFrame, rng) -> pd.DataFrame:
    """Return the export with UTC ISO timestamps and iGate's field names."""
    def utc(col: pd.Series) -> pd.Series:
        return _fmt(col - pd.Timedelta(hours=7), "%Y-%m-%dT%H:%M:%S.000+0000")

    return pd.DataFrame({
        "code": df["Mã hồ sơ"], "procedure.code": df["Mã TTHC"],
        "procedure.name": df["Tên thủ tục"], "procedure.sector.name": df["Lĩnh vực"],
        "agency.name": df["Cơ quan giải quyết"],
        "agencyLevel.name": df["Cấp thực hiện"].map(LEVEL_IGATE),
        "applyMethod.name": df["Hình thức nộp"].replace({"Dịch vụ bưu chính":
                                                         "Qua bưu chính công ích"}),
        "applicant.fullname": df["Họ tên người nộp"],
        "applicant.phoneNumber": df["Số điện thoại"],
        "appliedDate": utc(_submitted(df, rng)),
        "acceptedDate": utc(_dates(df["Ngày tiếp nhận"])),
        "appointmentDate": utc(_dates(df["Ngày hẹn trả"])),
        "completedDate": utc(_dates(df["Ngày có kết quả"])),
        "returnedDate": utc(_handover(df, rng)),
        "dossierStatus.name": df["Trạng thái"].replace(STATUS_IGATE),
        "procedureLevel": df["Mức độ DVC"].map({"Toàn trình": "Mức độ 4", "Một phần": "Mức độ 3",
                                                 "Cung cấp thông tin": "Mức độ 2"}),
    })


def catalogue(df: pd.DataFrame) -> dict:
    """Return the catalogue a provincial system would export with its dossier list:
    provincial agencies → tinh, every procedure's name → its field."""
    provincial = df.loc[df["Cấp thực hiện"].eq("Cấp tỉnh"), "Cơ quan giải quyết"].unique()
    pairs = df[["Tên thủ tục", "Lĩnh vực"]].drop_duplicates("Tên thủ tục")
    return {"co_quan": {a: "tinh" for a in sorted(provincial)},
            "thu_tuc": dict(sorted(zip(pairs["Tên thủ tục"], pairs["Lĩnh vực"], strict=True)))}


def write_shape(shape: Shape, folder: Path) -> Path:
    """Write one real-shape sample (and, for ds-tinh, its catalogue) into `folder`."""
    df = generate(shape.profile)
    rng = np.random.default_rng(shape.profile.seed + 11)
    path = folder / f"{shape.key}{shape.suffix}"
    if shape.kind == "ds-tinh":
        from openpyxl import Workbook

        out = ds_tinh(df, rng)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("DanhSachHoSo")
        ws.append([f"UBND TỈNH {shape.profile.province.upper()}"])
        ws.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN, GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"])
        ws.append([])
        ws.append(list(out.columns))
        for row in out.itertuples(index=False):
            ws.append([int(v) if isinstance(v, np.integer) else v for v in row])
        with atomic_output(path) as tmp:
            wb.save(tmp)
        cat = folder / f"{shape.key}-danh-muc.yaml"
        with atomic_output(cat) as tmp:
            tmp.write_text("# Danh mục cơ quan (cấp) và thủ tục (lĩnh vực) đi kèm danh sách hồ "
                           "sơ\n" + yaml.safe_dump(catalogue(df), allow_unicode=True,
                                                   sort_keys=False), encoding="utf-8")
        return path
    out = dvcqg(df, rng) if shape.kind == "dvcqg" else igate_utc(df, rng)
    with atomic_output(path) as tmp:
        out.to_csv(tmp, index=False, encoding="utf-8")
    return path
