"""A province after 1/7/2025: the merged Thái Nguyên (former Thái Nguyên and Bắc Kạn) for
2026-Q3, and its predecessors' 2025-Q2 exports for the comparison across the merger.

The merged truth is one generated period (`merged_profile`, two levels: departments and
communes). It is written the way the province's two one-stop systems hold it while the
migration is under way:

- the former Bắc Kạn communes' legacy system (`…-he-thong-cu.xlsx`: Vietnamese headers under
  banner rows), with the dossiers they received before the migration day;
- the province's unified platform (`…-nen-tang.csv`: the national sync standard, with the
  receiving unit `DonViTiepNhan`), with everything else — and the legacy dossiers that were
  still open on the migration day, migrated with their history.

A migrated dossier is in both files: in the legacy one as it stood on the migration day
(status 4, no result), on the platform as it ended. Counting each dossier once by its
latest record gives the merged truth, so `tthc compute A B -p 2026-Q3` must give the
profile's figures.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.paths import atomic_output
from . import names as cat
from .generator import STATUS, generate, synthetic_profile
from .shapes import _dates, dvcqg

KEY = "thai-nguyen-moi-2026-Q3"
LEGACY, PLATFORM = f"{KEY}-he-thong-cu.xlsx", f"{KEY}-nen-tang.csv"
MIGRATION_DAY = date(2026, 7, 20)  # the legacy system's last day
CENTRE = "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên"
LEGACY_DISTRICTS = frozenset(cat.districts_for("Bắc Kạn"))
PREDECESSORS = ("thai-nguyen-2025-Q2", "bac-kan-2025-Q2")  # generator.PROFILES keys


def merged_profile():
    """The merged province's 2026-Q3: communes of both former provinces."""
    base = synthetic_profile("thai-nguyen-moi", "Thái Nguyên", "2026-Q3", 24_000, seed=2603)
    return replace(base, districts=cat.districts_for("Thái Nguyên")
                   | cat.districts_for("Bắc Kạn"))


def split(df: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.Index]:
    """Return (legacy rows, platform rows in the sync standard, codes of the migrated
    dossiers) of the truth `df`: legacy-commune dossiers received before the migration day
    are in the legacy system; those still open on that day are also on the platform, as
    they ended."""
    rng = np.random.default_rng(seed)
    sync = _with_receiver(dvcqg(df, rng), rng)
    # the legacy list carries the same submission time and online payment as the sync record
    df = df.assign(**{
        "Ngày nộp hồ sơ": pd.to_datetime(sync["NgayNopHoSo"], format="%Y%m%d%H%M%S",
                                         errors="coerce").dt.strftime("%d/%m/%Y %H:%M")
        .fillna(""),
        "Thanh toán trực tuyến": np.where(sync["DuocThanhToanTrucTuyen"].isin(["1", "2"]),
                                          "x", ""),
        "Đơn vị tiếp nhận": sync["DonViTiepNhan"]})
    district = df["Cơ quan giải quyết"].str.extract(r"\((.+)\)$")[0]
    received = _dates(df["Ngày tiếp nhận"])
    done = _dates(df["Ngày có kết quả"])
    day = pd.Timestamp(MIGRATION_DAY) + pd.Timedelta(days=1)
    legacy = (district.isin(LEGACY_DISTRICTS) & (received < day).fillna(True)).to_numpy()
    refused = df["Trạng thái"].eq(STATUS[3]).to_numpy()  # closed when it was refused
    open_then = legacy & ~refused & ~(done < day).fillna(False).to_numpy()
    stale = df[open_then].copy()  # as the legacy system last saw them
    stale["Ngày có kết quả"] = ""
    stale["Trạng thái"] = STATUS[4]
    old = pd.concat([df[legacy & ~open_then], stale]).sort_index()
    return old, sync[~legacy | open_then], df.loc[open_then, "Mã hồ sơ"]


def _with_receiver(sync: pd.DataFrame, rng) -> pd.DataFrame:
    """Add the receiving unit: the province's centre receives most departments' dossiers;
    a few commune dossiers are received by another commune (Decree 118/2025: anywhere in
    the province)."""
    handling = sync["DonViXuLy"]
    department = ~handling.str.startswith("UBND ")
    receiver = handling.copy()
    receiver[department & (rng.random(len(sync)) < 0.9)] = CENTRE
    communes = handling[~department].unique()
    other = ~department & (rng.random(len(sync)) < 0.05)
    receiver[other] = rng.choice(communes, other.sum())
    sync = sync.copy()
    sync.insert(sync.columns.get_loc("DonViXuLy") + 1, "DonViTiepNhan", receiver)
    return sync


def write_legacy(old: pd.DataFrame, path: Path) -> Path:
    """Write the legacy system's list: banner rows, then Vietnamese headers."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hồ sơ")
    ws.append(["HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TỈNH BẮC KẠN (CŨ)"])
    ws.append([f"Danh sách hồ sơ đến ngày {MIGRATION_DAY:%d/%m/%Y} (ngày chuyển sang nền tảng "
               "dùng chung)"])
    ws.append([])
    out = old.assign(STT=np.arange(1, len(old) + 1))
    ws.append(list(out.columns))
    for row in out.itertuples(index=False):
        ws.append([int(v) if isinstance(v, np.integer) else v for v in row])
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return path


def write_platform(sync: pd.DataFrame, path: Path) -> Path:
    """Write the platform's sync-standard CSV."""
    with atomic_output(path) as tmp:
        sync.to_csv(tmp, index=False, encoding="utf-8")
    return path


def write_merged(folder: Path) -> list[Path]:
    """Write the merged province's two exports into `folder`; return their paths."""
    profile = merged_profile()
    old, new, _ = split(generate(profile), profile.seed + 17)
    return [write_legacy(old, folder / LEGACY), write_platform(new, folder / PLATFORM)]
