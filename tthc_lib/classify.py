"""Per-dossier status for a period, derived from dates only (calendar days, time ignored).

No status label from the input is trusted: a dossier is new or carried over, resolved
early / on time / late, or pending in time / overdue, because of its dates and the
period's cut-offs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .load import ROW, DossierTable, InputError
from .periods import Period
from .schema import SERVICE_LEVEL_LOOKUP, SERVICE_LEVELS, C, fold

INTAKE = "intake"  # new | carried
OUTCOME = "outcome"  # early | on_time | late | pending_in_time | pending_overdue
CHANNEL_GROUP = "channel_group"  # online | offline (direct + postal)
WEEK = "week"  # Monday of the week of receipt (new dossiers)
SERVICE = "service"  # full | partial | info | unknown: the procedure's online-service level
POSTAL = "postal_return"  # yes | no: result returned by public postal service
DIGITISED = "digitised"  # yes | no
PAID_ONLINE = "paid_online"  # yes | no
GROUP = "interconnected"  # yes | no: belongs to an interconnected service group
ATTRIBUTES = (SERVICE, POSTAL, DIGITISED, PAID_ONLINE, GROUP)

OUTCOMES = ("early", "on_time", "late", "pending_in_time", "pending_overdue")

# Rows kept out of the period's figures, and why (shown in the data-quality part).
EXCLUSIONS = {
    "received_after_end": "tiếp nhận sau ngày chốt số liệu",
    "finished_before_start": "đã có kết quả trước kỳ báo cáo",
    "result_before_receipt": "ngày có kết quả trước ngày tiếp nhận",
    "due_before_receipt": "ngày hẹn trả trước ngày tiếp nhận",
    "date_in_future": "ngày tiếp nhận hoặc ngày có kết quả sau ngày lập báo cáo",
}
DATA_ERRORS = ("result_before_receipt", "due_before_receipt", "date_in_future")


@dataclass
class ClassifiedTable:
    """Dossiers in scope of the period with derived status columns, and the exclusions."""

    df: pd.DataFrame
    period: Period
    excluded: dict[str, int]
    excluded_rows: dict[str, list[int]]
    table: DossierTable


def _days(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def classify(table: DossierTable, period: Period, today: date | None = None) -> ClassifiedTable:
    """Return the dossiers of `table` that count in `period`, each with intake and outcome.
    Rows with impossible dates (result or due before receipt, receipt or result after
    `today`) are left out and counted as data errors."""
    df = table.df
    start = np.datetime64(period.start, "D")
    end = np.datetime64(period.end, "D")
    received = _days(df[C.ngay_tiep_nhan])
    due = _days(df[C.ngay_hen_tra])
    done = _days(df[C.ngay_co_ket_qua])  # NaT when not finished
    has_done = ~np.isnat(done)

    reasons = np.full(len(df), "", dtype=object)
    now = np.datetime64(today or date.today(), "D")
    rules = [  # first matching rule wins; data errors first so they are never silently lost
        ("result_before_receipt", has_done & (done < received)),
        ("due_before_receipt", due < received),
        ("date_in_future", (received > now) | (has_done & (done > now))),
        ("received_after_end", received > end),
        ("finished_before_start", has_done & (done < start)),
    ]
    for code, mask in rules:
        reasons[(reasons == "") & mask] = code
    keep = reasons == ""

    out = df.loc[keep].copy()
    _check_levels(out, period, table.source)
    r, d, f, fin = received[keep], due[keep], done[keep], has_done[keep]
    resolved = fin & (f <= end)
    outcome = np.select(
        [resolved & (f < d), resolved & (f == d), resolved & (f > d), d >= end],
        ["early", "on_time", "late", "pending_in_time"],
        default="pending_overdue",
    )
    out[INTAKE] = pd.Categorical(np.where(r >= start, "new", "carried"),
                                 categories=["new", "carried"])
    out[OUTCOME] = pd.Categorical(outcome, categories=list(OUTCOMES))
    out[CHANNEL_GROUP] = pd.Categorical(
        np.where(out[C.kenh_nop].astype(str) == "truc_tuyen", "online", "offline"),
        categories=["online", "offline"])
    _attributes(out)
    monday = r - ((r.astype("datetime64[D]").view("int64") - 4) % 7)  # 1970-01-05 was a Monday
    out[WEEK] = monday.astype("datetime64[ns]")
    excluded, rows = {}, {}
    for code in EXCLUSIONS:
        m = reasons == code
        if m.any():
            excluded[code] = int(m.sum())
            rows[code] = df.loc[m, ROW].head(20).astype(int).tolist()
    return ClassifiedTable(out.reset_index(drop=True), period, excluded, rows, table)


def _check_levels(df: pd.DataFrame, period: Period, source: str) -> None:
    stray = df[~df[C.cap].astype(str).isin(period.levels)]
    if stray.empty:
        return
    rows = ", ".join(map(str, stray[ROW].head(10).tolist()))
    raise InputError(
        f"Tệp '{source}': kỳ {period.label_vi} thuộc chính quyền địa phương hai cấp (từ "
        f"01/07/2025 không còn cấp huyện) nhưng có {len(stray)} hồ sơ cấp "
        f"'{stray[C.cap].iloc[0]}' (dòng {rows}). Cột 'Cấp thực hiện' (cap) chỉ nhận: "
        f"{', '.join(period.levels)}."
    )


def _yes_no(values: pd.Series) -> pd.Categorical:
    return pd.Categorical(np.where(values.fillna(False).astype(bool), "yes", "no"),
                          categories=["yes", "no"])


def _attributes(out: pd.DataFrame) -> None:
    """Add the per-dossier attributes that §I.6–I.8 count (service level, postal return,
    digitised, paid online, interconnected group)."""
    codes, uniques = pd.factorize(out[C.muc_do_dvc].astype(str))
    levels = np.array([SERVICE_LEVEL_LOOKUP.get(fold(u), "unknown") for u in uniques] or
                      ["unknown"], dtype=object)
    out[SERVICE] = pd.Categorical(levels[codes] if len(out) else [],
                                  categories=list(SERVICE_LEVELS))
    out[POSTAL] = _yes_no(out[C.tra_kq_buu_chinh])
    out[DIGITISED] = _yes_no(out[C.da_so_hoa])
    out[PAID_ONLINE] = _yes_no(out[C.thanh_toan_truc_tuyen])
    out[GROUP] = pd.Categorical(np.where(out[C.nhom_lien_thong].astype(str).str.strip() != "",
                                         "yes", "no"), categories=["yes", "no"])


def subset(ct: ClassifiedTable, mask) -> ClassifiedTable:
    """Return the classified dossiers selected by a boolean mask (same period and table)."""
    return ClassifiedTable(ct.df[np.asarray(mask)].reset_index(drop=True), ct.period,
                           ct.excluded, ct.excluded_rows, ct.table)


def data_errors(excluded: dict[str, int], rows: dict[str, list[int]]) -> list[str]:
    """Return one sentence per kind of data error: how many rows, why, and which rows."""
    return [f"{n} hồ sơ: {EXCLUSIONS[k]} (các dòng {', '.join(map(str, rows.get(k, [])[:10]))})"
            for k, n in excluded.items() if k in DATA_ERRORS]
