"""Counting: one period under one policy over the classified relation, as a `Run` (the
cube, the weekly intake, the status table, what was left out and why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..core.errors import MAX_LISTED, InputError, Problem, messages, raise_problems
from ..core.fmt import number
from ..core.periods import Period
from ..core.schema import BY_NAME, LEVEL_LABELS, UNKNOWN_LEVEL, C, nfc
from ..io.read import lit
from ..model.dims import OUTCOMES
from ..rules.labels import labels
from ..rules.policy import Policy
from ..rules.profiles import vocabulary
from .canonical import Build
from .classify import CODES, classify_sql, code_of, decode
from .dataset import Dataset
from .validate import CodeCheck, finish_check

# Rows kept out of the period's figures, and why (shown in the data-quality part).
EXCLUSIONS = labels("reason")
DATA_ERRORS = ("result_before_receipt", "due_before_receipt", "date_in_future")
LISTED = ("finished_without_date", *DATA_ERRORS)  # rows listed by number in the report


def data_errors(excluded: dict[str, int], rows: dict[str, list[int]]) -> list[str]:
    """Return one sentence per kind of data error: how many rows, why, and which rows."""
    line = messages()["data_error_line"]
    return [line.format(count=n, reason=EXCLUSIONS[k],
                        rows=", ".join(map(str, rows.get(k, [])[:10])))
            for k, n in excluded.items() if k in DATA_ERRORS]


@dataclass
class Run:
    """One period counted under one policy: the Results (and, on demand, without or only
    the interconnected groups), what was left out and why, how each status was counted."""

    results: object  # model.results.Results
    policy: Policy
    excluded: dict[str, int]
    excluded_rows: dict[str, list[int]]
    rows_used: int
    by_status: dict[str, int]  # national status code ('' = no status) -> dossiers
    status_table: list[dict]
    cube: object = None  # model.results.Cube of the counted dossiers
    weeks: dict = field(default_factory=dict)
    period: Period | None = None
    absent: frozenset = frozenset()
    stale_agencies: list = field(default_factory=list)  # district agencies in a two-level period
    received_for_others: dict | None = None  # units that received dossiers others handle

    def _split(self, flag: str):
        from ..model.results import results_from_cube

        c, w = self.cube["interconnected"] == flag, self.weeks["interconnected"] == flag
        return results_from_cube(self.cube.subset(c), {k: v[w] for k, v in self.weeks.items()},
                                 self.period, self.absent)

    @property
    def own(self):
        """The Results of the dossiers outside the interconnected groups."""
        return self._split("no")

    @property
    def groups(self):
        """The Results of the interconnected groups' dossiers."""
        return self._split("yes")


CUBE_KEYS = ("cap", "linh_vuc", "co_quan")
CUBE_DIMS = ("intake", "channel_group", "outcome", "service", "postal_return", "digitised",
             "paid_online", "interconnected")


# An optional column -> the classification dimension it gives. Without the column, every
# indicator filtering on that dimension is absent ("không có dữ liệu"), never 0.
SOURCES = {C.kenh_nop: "channel_group", C.muc_do_dvc: "service",
           C.tra_kq_buu_chinh: "postal_return", C.da_so_hoa: "digitised",
           C.thanh_toan_truc_tuyen: "paid_online", C.nhom_lien_thong: "interconnected"}


def _absent(ds: Dataset) -> frozenset[str]:
    """Return the classification dimensions the file cannot give (no source column)."""
    return frozenset(dim for col, dim in SOURCES.items() if col not in ds.present)


def _due_column_blank(ds: Dataset, rows: int, with_due: int) -> None:
    """Refuse a file whose due-date column is blank in every row: every dossier would count
    as on time (a dossier without a due date is), a silent 100 %."""
    if rows and not with_due and C.ngay_hen_tra in ds.present:
        raise InputError("due_column_blank", name=ds.source, rows=number(rows),
                         label=BY_NAME[C.ngay_hen_tra].label_vi, column=C.ngay_hen_tra)


def _counting_errors(ds: Dataset, policy: Policy, period: Period, missing: int,
                     levels: set[str], unknown_status: int, rel: str) -> None:
    """Raise InputError for counted rows the policy cannot count: no receipt date, a level
    the period does not have, a status the vocabulary does not know."""
    problems: list[Problem] = []
    totals = 0
    if missing:
        rows = [r for (r,) in ds.con.execute(
            f"SELECT _row FROM {rel} WHERE reason = 'missing_receipt' ORDER BY _row "
            f"LIMIT {MAX_LISTED}").fetchall()]
        problems += [Problem(r, C.ngay_tiep_nhan, BY_NAME[C.ngay_tiep_nhan].expected, None,
                             "empty") for r in rows]
        totals += missing
    if unknown_status and policy.use_status:
        rows = ds.con.execute(f"SELECT _row, status_text FROM {ds.relation} WHERE e_status "
                              f"ORDER BY _row LIMIT {MAX_LISTED}").fetchall()
        known = ", ".join(vocabulary().status_labels.values())
        problems += [Problem(r, C.trang_thai, BY_NAME[C.trang_thai].expected, nfc(v or ""),
                             "unknown_value", known) for r, v in rows]
        totals += unknown_status
    if problems:
        hint = messages()["unknown_status_hint"] if unknown_status else ""
        summary = ""
        if unknown_status:
            (values,) = ds.con.execute(f"SELECT count(DISTINCT status_text) FROM {ds.relation} "
                                       "WHERE e_status").fetchone()
            summary = messages()["unknown_status_summary"].format(values=values,
                                                                 dossiers=unknown_status)
        raise_problems(ds.source, problems, totals, hint, summary)
    stray = sorted(levels - set(period.levels) - {UNKNOWN_LEVEL})
    if stray:
        rows = [r for (r,) in ds.con.execute(
            f"SELECT _row FROM {rel} WHERE reason = '' AND cap IN "
            f"({', '.join(lit(s) for s in stray)}) ORDER BY _row LIMIT 10").fetchall()]
        raise InputError("level_not_in_period", name=ds.source, period=period.label_vi,
                         level=stray[0], rows=", ".join(map(str, rows)),
                         levels=", ".join(period.levels))


def run(ds: Dataset, policy: Policy, period: Period, today: date | None = None) -> Run:
    """Return the Run of `period` under `policy`: one scan of the dossiers grouped into the
    cube, the weekly intake and the status table."""
    from ..model.results import Cube, results_from_cube

    today = today or date.today()
    classified = classify_sql(policy, period, today, ds.relation)
    coded = classify_sql(policy, period, today, ds.relation, coded=True)
    counted_new = f"reason = {code_of('reason', '')} AND intake = {code_of('intake', 'new')}"
    cols = {r[0] for r in ds.con.execute(f"DESCRIBE {ds.relation}").fetchall()}
    bad_status = "count(*) FILTER (WHERE e_status)" if "e_status" in cols else "0"
    errors = [n for n in getattr(ds, "_build", Build()).errors if n != "e_status"]
    status_set = (",\n      (status, treat, reason, outcome)" if C.trang_thai in ds.present
                  else "")
    bad_rows = (f"count(*) FILTER (WHERE {' OR '.join(errors)})" if errors and not ds.checked
                else "0")
    sql = f"""
    WITH c AS ({coded})
    SELECT reason, {', '.join(CUBE_KEYS)}, {', '.join(CUBE_DIMS)},
           {'status, treat' if status_set else "NULL AS status, 'by_dates' AS treat"},
           CASE WHEN {counted_new} THEN date_trunc('week', recv) END AS week,
           GROUPING(week) AS g_week, {'GROUPING(status)' if status_set else '1'} AS g_status,
           count(*) AS n, count(due) AS n_due, count(*) FILTER (WHERE stale_level) AS n_stale,
           {bad_status} AS bad_status, {bad_rows} AS bad_rows
    FROM c
    GROUP BY GROUPING SETS (
      (reason, {', '.join(CUBE_KEYS)}, {', '.join(CUBE_DIMS)}),
      (reason, intake, channel_group, interconnected, week){status_set})"""
    codes = None if ds.checked else CodeCheck(ds)
    try:
        raw = ds.con.execute(sql).fetchnumpy()
        full = np.asarray((raw["g_week"] == 1) & (raw["g_status"] == 1))  # the cube's rows
        if codes is not None and finish_check(ds, int(np.asarray(raw["bad_rows"]).sum()), codes,
                                              rows=int(np.asarray(raw["n"])[full].sum())):
            return run(ds, policy, period, today)  # identical duplicate rows were dropped
    except BaseException:
        if codes is not None:
            codes.cancel()
        raise
    null_week = np.ma.getmaskarray(raw["week"])
    cols = {k: decode(k, v) if k in CODES else
            v.astype(object).filled(None) if np.ma.isMaskedArray(v) else np.asarray(v)
            for k, v in raw.items() if k != "week"}
    cols["week"] = np.asarray(raw["week"])
    cube = {k: v[full] for k, v in cols.items()}
    wk = (cols["g_week"] == 0) & (cols["reason"] == "") & ~null_week
    weeks = {k: v[wk] for k, v in cols.items()}
    st = cols["g_status"] == 0
    if not status_set:  # no status column: one line, every dossier counted by its dates
        st = full & False
        statuses = [{"status": None, "treat": "by_dates", "reason": r, "outcome": o, "n": n}
                    for r, o, n in zip(cube["reason"], cube["outcome"], cube["n"],
                                       strict=True)]
    else:
        statuses = []
    statuses += [dict(zip(("status", "treat", "reason", "outcome", "n"), r, strict=True))
                for r in zip(*(cols[k][st] for k in ("status", "treat", "reason", "outcome",
                                                       "n")), strict=True)]
    _due_column_blank(ds, int(cube["n"].sum()), int(cube["n_due"].sum()))
    excluded: dict[str, int] = {}
    for reason, n in zip(cube["reason"], cube["n"], strict=True):
        if reason:
            excluded[reason] = excluded.get(reason, 0) + int(n)
    missing = excluded.pop("missing_receipt", 0)
    excluded = {k: excluded[k] for k in EXCLUSIONS if k in excluded}  # the declared order:
    # the cube's rows come in no fixed order, and reruns must give identical reports
    keep = cube["reason"] == ""
    counted = {k: v[keep] for k, v in cube.items()}
    _counting_errors(ds, policy, period, missing, set(counted["cap"].tolist()),
                     int(cube["bad_status"].sum()),
                     f"({classified})")
    excluded_rows = {}
    listed = [k for k in LISTED if k in excluded]
    if listed:
        q = (f"SELECT reason, list(_row ORDER BY _row)[1:20] FROM "
             f"({classified}) WHERE reason IN "
             f"({', '.join(lit(k) for k in listed)}) GROUP BY reason")
        excluded_rows = {k: list(v) for k, v in ds.con.execute(q).fetchall()}
    stale = []
    if int(cube["n_stale"][keep].sum()):
        stale = _stale_agencies(ds, classified)
    others = (_received_for_others(ds, classified)
              if C.noi_tiep_nhan in ds.present else None)
    absent = _absent(ds)
    counted = Cube(counted)
    results = results_from_cube(counted, weeks, period, absent)
    return Run(results, policy, excluded, excluded_rows, int(counted["n"].sum()),
               *_status_summary(statuses, policy), counted, weeks, period, absent, stale,
               others)


def headline(ds: Dataset, policy: Policy, period: Period, today: date | None,
             indicators: tuple[str, ...]) -> dict[str, float | int | None]:
    """Return a few data indicators of `period` under `policy` in one aggregate query over
    the classified relation (the registry's `where`, compiled by engine.measures) — what a
    step of the reconciliation's waterfall needs, without the cube, the weeks and the status
    table of a full `run`. The same figures as `run(…).results.indicators`; when the period
    has rows a full run would refuse (no receipt date, an unknown status), that run is made,
    so that the refusal is the same."""
    from ..model.registry import REGISTRY
    from ..model.results import rate
    from .measures import count_sql

    counts = sorted({p for i in indicators for p in (
        (REGISTRY[i].numerator, REGISTRY[i].denominator) if REGISTRY[i].kind == "ratio"
        else (i,))})
    cols = {r[0] for r in ds.con.execute(f"DESCRIBE {ds.relation}").fetchall()}
    bad_status = "count(*) FILTER (WHERE e_status)" if "e_status" in cols else "0"
    classified = classify_sql(policy, period, today or date.today(), ds.relation)
    row = ds.con.execute(
        f"SELECT count(*) FILTER (WHERE reason = 'missing_receipt'), {bad_status}, "
        + ", ".join(count_sql(c, also="reason = ''") for c in counts)
        + f" FROM ({classified})").fetchone()
    if row[0] or (row[1] and policy.use_status):
        return {i: run(ds, policy, period, today).results.indicators[i] for i in indicators}
    gone = _absent(ds)
    values = {c: (None if set(REGISTRY[c].where) & gone else int(n))
              for c, n in zip(counts, row[2:], strict=True)}
    return {i: rate(values[REGISTRY[i].numerator], values[REGISTRY[i].denominator])
            if REGISTRY[i].kind == "ratio" else values[i] for i in indicators}


def _received_for_others(ds: Dataset, classified: str, top: int = 10) -> dict:
    """Return the new dossiers of the period received by a unit other than the one that
    handles them (Decree 118/2025: any centre may receive any dossier): their total and the
    receiving units with the most of them."""
    from ..core.text import display

    rows = ds.con.execute(
        f"""SELECT noi_tiep_nhan, count(*) AS n FROM ({classified})
        WHERE reason = '' AND intake = 'new' AND noi_tiep_nhan IS NOT NULL
          AND lower(trim(noi_tiep_nhan)) <> lower(trim(coalesce(co_quan, '')))
        GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall()
    return {"total": int(sum(n for _, n in rows)), "receivers": len(rows),
            "units": [{"unit": display(u), "dossiers": int(n)} for u, n in rows[:top]]}


def _stale_agencies(ds: Dataset, classified: str) -> list[dict]:
    """Return the district agencies counted in a period without a district level: each with
    its counted dossiers and first rows (most dossiers first)."""
    from ..core.text import display

    rows = ds.con.execute(
        f"SELECT co_quan, count(*), list(_row ORDER BY _row)[1:5] FROM ({classified}) "
        "WHERE stale_level AND reason = '' GROUP BY co_quan ORDER BY 2 DESC, 1 LIMIT 20"
    ).fetchall()
    return [{"agency": display(a) if a else "(không ghi cơ quan)", "dossiers": int(n),
             "rows": [int(r) for r in first]} for a, n, first in rows]


def stale_note(r: Run) -> str:
    """Return the finding on district agencies in a period without a district level, or ''."""
    if not r.stale_agencies:
        return ""
    agencies = "; ".join(f"{a['agency']} ({number(a['dossiers'])} hồ sơ, dòng "
                         f"{', '.join(map(str, a['rows']))})" for a in r.stale_agencies)
    return messages()["district_in_two_level"].format(
        dossiers=number(sum(a["dossiers"] for a in r.stale_agencies)), agencies=agencies,
        when=messages()["district_when_straddling" if r.period.straddles_two_level
                        else "district_when_two_level"].format(period=r.period.label_vi),
        level=LEVEL_LABELS[UNKNOWN_LEVEL])


def _status_summary(rows: list[dict], policy: Policy) -> tuple[dict, list[dict]]:
    from ..rules.policy import TREATMENTS

    labels = vocabulary().status_labels
    by_status: dict[str, int] = {}
    table: dict[str, dict] = {}
    for r in rows:
        code = r["status"] or ""
        by_status[code] = by_status.get(code, 0) + int(r["n"])
        t = table.setdefault(code, {"code": code, "label": labels.get(code, "(không có)"),
                                    "treatment": TREATMENTS[r["treat"]], "count": 0,
                                    "counted": {}, "left_out": {}})
        t["count"] += int(r["n"])
        where = t["counted"] if not r["reason"] else t["left_out"]
        key = r["outcome"] if not r["reason"] else r["reason"]
        where[key] = where.get(key, 0) + int(r["n"])
    order = sorted(table, key=lambda c: (c == "", int(c) if c.isdigit() else 0))
    outcomes, reasons = list(OUTCOMES), [*EXCLUSIONS, "missing_receipt"]
    for t in table.values():  # a stable order: reruns give identical reports
        t["counted"] = dict(sorted(t["counted"].items(), key=lambda kv: outcomes.index(kv[0])))
        t["left_out"] = dict(sorted(t["left_out"].items(), key=lambda kv: reasons.index(kv[0])))
    return ({c: by_status[c] for c in order}, [table[c] for c in order])


def window_count(ds: Dataset, policy: Policy, period: Period, start: date, end: date,
                 today: date | None = None) -> int:
    """Return how many counted interconnected-group dossiers were received in [start, end]."""
    sql = (f"SELECT count(*) FROM "
           f"({classify_sql(policy, period, today or date.today(), ds.relation)}) "
           f"WHERE reason = '' AND interconnected = 'yes' AND CAST(recv AS DATE) BETWEEN "
           f"DATE {lit(start.isoformat())} AND DATE {lit(end.isoformat())}")
    return ds.con.execute(sql).fetchone()[0]


def empty_period(ds: Dataset, r: Run) -> dict | None:
    """Return the fields of `no_dossier_in_period` when the file has dossiers but none in
    the run's period (most likely the wrong period, or the wrong file), else None."""
    from ..core import fmt

    if r.rows_used or r.period is None:
        return None
    first, last = ds.con.execute(f"SELECT min(recv), max(recv) FROM {ds.relation}").fetchone()
    if first is None:
        return None
    p = r.period
    return {"source": ds.source, "period": p.label_vi, "start": fmt.day(p.start),
            "end": fmt.day(p.end), "first": fmt.day(first), "last": fmt.day(last)}
