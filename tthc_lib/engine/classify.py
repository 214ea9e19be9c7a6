"""The counting rules of form II.06 as SQL: a status policy and a period compiled to the
SELECT that classifies every dossier (treatment, reason left out, intake, outcome,
channel group). The one definition of the counting rules."""

from __future__ import annotations

from datetime import date

from ..core.periods import TWO_LEVEL_FROM, Period
from ..core.schema import UNKNOWN_LEVEL
from ..io.read import lit
from ..model.dims import CHANNEL_GROUP, INTAKE, OUTCOME, VALUES
from ..rules.labels import labels
from ..rules.policy import Policy

# The values classify_sql gives; `coded=True` gives each one's index here instead (a small
# integer is cheaper to group 10^7 rows by than text; `decode` turns the counts back).
CODES = {"reason": ("", "missing_receipt", *labels("reason")), INTAKE: VALUES[INTAKE],
         CHANNEL_GROUP: VALUES[CHANNEL_GROUP], OUTCOME: VALUES[OUTCOME]}


def code_of(dim: str, value: str) -> int:
    """Return the integer `classify_sql(coded=True)` gives `value` of `dim`."""
    return CODES[dim].index(value)


def decode(dim: str, codes):
    """Return the values (an object array, None where masked) of `dim`'s codes as DuckDB
    fetched them (a NumPy array, masked where NULL)."""
    import numpy as np

    table = np.asarray([*CODES[dim], None], dtype=object)
    return table[np.ma.filled(np.ma.asarray(codes).astype(np.int64), len(CODES[dim]))]


def classify_sql(policy: Policy, period: Period, today: date,
                 relation: str = "dossiers", coded: bool = False) -> str:
    """Return the SELECT that classifies every dossier of `relation` for `period` under
    `policy`: the status treatment, why a row is left out (`reason`, '' when counted),
    intake (new | carried), outcome and the channel group — as text, or as their `CODES`
    indexes when `coded`. The one definition of the counting rules."""

    def values_of(dim: str):  # a value of `dim` as SQL: its text, or its code
        return lambda v: str(code_of(dim, v)) if coded else lit(v)

    reason, intake, channel, outcome = map(values_of, ("reason", INTAKE, CHANNEL_GROUP,
                                                       OUTCOME))

    start, end, now = (f"DATE {lit(d.isoformat())}" for d in (period.start, period.end, today))
    if policy.use_status:
        whens = " ".join(f"WHEN {lit(code)} THEN {lit(t)}" for code, t in policy.statuses.items())
        treat = f"CASE status {whens} ELSE 'by_dates' END" if whens else "'by_dates'"
    else:
        treat = "'by_dates'"
    first, second = (("done", "handed") if policy.result_date == "end_of_processing"
                     else ("handed", "done"))
    res = f"coalesce({first}, {second})"
    # pending at the end: in time or overdue by the due date
    cmp = ">=" if policy.due_on_last_day == "in_time" else ">"
    in_time, overdue = outcome("pending_in_time"), outcome("pending_overdue")
    early, on_time, late = outcome("early"), outcome("on_time"), outcome("late")
    pending = (f"CASE WHEN due IS NULL OR CAST(due AS DATE) {cmp} {end} THEN {in_time} "
               f"ELSE {overdue} END")
    if policy.compare == "timestamp":
        timely = (f"CASE WHEN due IS NULL THEN {on_time} WHEN res > due THEN {late} "
                  f"WHEN CAST(res AS DATE) < CAST(due AS DATE) THEN {early} ELSE {on_time} END")
    else:
        timely = (f"CASE WHEN due IS NULL THEN {on_time} WHEN CAST(res AS DATE) < "
                  f"CAST(due AS DATE) THEN {early} WHEN CAST(res AS DATE) = CAST(due AS DATE) "
                  f"THEN {on_time} ELSE {late} END")
    uses_res = "treat IN ('by_dates', 'finished', 'returned', 'waiting', 'withdrawn')"
    # on hold (5, 6, 8): in time whatever the due date — except a supplement requested
    # after the end, which was still being processed at the end
    hold = f"(treat = 'on_hold' AND NOT (status = '5' AND coalesce(supplement > {end}, false)))"
    no_due = "true" if policy.no_due_date == "not_counted" else "false"
    # a district agency's dossier where the period has no district row (from 1/7/2025: the
    # districts are gone): counted at an unknown level and named, not a silent third row
    cap = "*, false AS stale_level"  # before 1/7/2025: every level is in the period
    if period.start >= TWO_LEVEL_FROM or period.straddles_two_level:
        day = lit(TWO_LEVEL_FROM.isoformat())
        stale = ("coalesce(cap = 'huyen', false)" if period.start >= TWO_LEVEL_FROM else
                 f"coalesce(cap = 'huyen' AND CAST(recv AS DATE) >= DATE {day}, false)")
        cap = (f"* REPLACE (CASE WHEN {stale} THEN '{UNKNOWN_LEVEL}' ELSE cap END AS cap), "
               f"{stale} AS stale_level")
    return f"""
    SELECT *,
      CASE
        WHEN treat = 'not_counted' THEN {reason('status_not_counted')}
        WHEN recv IS NULL THEN {reason('missing_receipt')}
        WHEN treat IN ('finished', 'returned') AND res IS NULL
          THEN {reason('finished_without_date')}
        WHEN due IS NULL AND {no_due} THEN {reason('no_due_date')}
        WHEN {uses_res} AND res IS NOT NULL AND CAST(res AS DATE) < CAST(recv AS DATE)
          THEN {reason('result_before_receipt')}
        WHEN CAST(due AS DATE) < CAST(recv AS DATE) THEN {reason('due_before_receipt')}
        WHEN CAST(recv AS DATE) > {now} OR ({uses_res} AND CAST(res AS DATE) > {now})
          THEN {reason('date_in_future')}
        WHEN CAST(recv AS DATE) > {end} THEN {reason('received_after_end')}
        WHEN {uses_res} AND CAST(res AS DATE) < {start} THEN {reason('finished_before_start')}
        ELSE {reason('')} END AS reason,
      CASE WHEN CAST(recv AS DATE) >= {start} THEN {intake('new')} ELSE {intake('carried')} END
        AS intake,
      CASE WHEN kenh IS NULL THEN {channel('unknown')} WHEN kenh = 'truc_tuyen'
           THEN {channel('online')} ELSE {channel('offline')} END AS channel_group,
      CASE
        WHEN {hold} THEN {in_time}
        WHEN treat IN ('pending', 'on_hold') THEN {pending}
        WHEN res IS NOT NULL AND CAST(res AS DATE) <= {end} THEN
          CASE treat WHEN 'returned' THEN {on_time} WHEN 'withdrawn' THEN {outcome('withdrawn')}
                     ELSE {timely} END
        WHEN treat = 'waiting' THEN {outcome('pending_waiting')}
        ELSE {pending} END AS outcome
    FROM (SELECT {cap}, {treat} AS treat, {res} AS res FROM {relation})"""
