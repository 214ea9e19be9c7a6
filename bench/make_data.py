"""Generate a large dossier export quickly (vectorised, no per-row Python) for the benchmark:
canonical columns, plausible values, every row valid, dates spread around 2023-Q3."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FIELDS = ["Đất đai", "Hộ tịch", "Chứng thực", "Đường bộ", "Lý lịch tư pháp", "Bảo trợ xã hội",
          "Thành lập và hoạt động doanh nghiệp", "Hoạt động xây dựng", "Môi trường", "Việc làm"]
LEVELS = ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]
CHANNELS = ["Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính"]
SERVICE = ["Toàn trình", "Một phần", "Cung cấp thông tin"]


def table(n: int, seed: int = 1) -> pa.Table:
    """Return n dossiers as an Arrow table with timestamp columns."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-04-01")
    received = start + rng.integers(0, 180, n).astype("timedelta64[D]")
    due = received + rng.integers(1, 20, n).astype("timedelta64[D]")
    done = received + rng.integers(0, 25, n).astype("timedelta64[D]")
    unfinished = rng.random(n) < 0.07
    minutes = rng.integers(7 * 60, 17 * 60, n).astype("timedelta64[m]")
    # an agency belongs to one level and handles a few fields, as in real exports
    level = rng.choice(3, n, p=[.4, .15, .45])
    field = rng.integers(0, len(FIELDS), n)
    unit = rng.integers(0, 8, n)
    agency_names = np.array([f"{['Sở', 'UBND huyện', 'UBND xã'][lv]} số {(f * 7 + u) % 40}"
                             for lv in range(3) for f in range(len(FIELDS)) for u in range(8)],
                            dtype=object)
    agency = agency_names[(level * len(FIELDS) + field) * 8 + unit]
    codes = pc.binary_join_element_wise("HS-", pc.cast(pa.array(np.arange(n)), pa.string()), "")
    done_ts = (done.astype("datetime64[m]") + minutes).astype("datetime64[ms]")
    return pa.table({
        "ma_ho_so": codes,
        "linh_vuc": pa.array(np.array(FIELDS, dtype=object)[field]),
        "co_quan": pa.array(agency),
        "cap": pa.array(np.array(LEVELS, dtype=object)[level]),
        "kenh_nop": pa.array(np.array(CHANNELS, dtype=object)[rng.choice(3, n, p=[.85, .12,
                                                                               .03])]),
        "ngay_tiep_nhan": pa.array((received.astype("datetime64[m]") + minutes)
                                   .astype("datetime64[ms]")),
        "ngay_hen_tra": pa.array(due.astype("datetime64[ms]")),
        "ngay_co_ket_qua": pa.array(done_ts, mask=unfinished),
        "muc_do_dvc": pa.array(np.array(SERVICE, dtype=object)[rng.integers(0, 3, n)]),
    })


def write_parquet(n: int, folder: Path, seed: int = 1) -> Path:
    """Write the n-row export of `seed` as Parquet only (the national scenario's files)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"hs-{n}-{seed}.parquet"
    if not path.exists():
        pq.write_table(table(n, seed), path, compression="zstd")
    return path


def write(n: int, folder: Path) -> tuple[Path, Path]:
    """Write the n-row export as Parquet and as CSV (dates as text); return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    parquet, csv = folder / f"hs-{n}.parquet", folder / f"hs-{n}.csv"
    if parquet.exists() and csv.exists():
        return parquet, csv
    t = table(n)
    pq.write_table(t, parquet, compression="zstd")
    pacsv.write_csv(t, csv)
    return parquet, csv


if __name__ == "__main__":
    for p in write(int(float(sys.argv[1])), Path(sys.argv[2] if len(sys.argv) > 2 else
                                                 "bench/.data")):
        print(p, p.stat().st_size)
