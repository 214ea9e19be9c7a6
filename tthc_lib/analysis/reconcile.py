"""Reconcile a province's export with the national portal's dossier list for one period.

The two rarely agree, and both seed reports say so. The portal's list is read through the
profiles like any export and classified by the engine under the portal's policy; the two
classified relations are joined on the dossier code and every differing dossier gets the
first cause that holds (rules/reconcile.yaml): on one side only (never synced, or only on
the portal); a waiting or paused status pushed to the portal as 9 "finished"; a different
end-of-processing date; then the benign ones: in one window only (the report's 15th–14th
period against the portal's calendar months), the portal comparing timestamps where the
report compares days; what is left is unexplained. A waterfall then moves the on-time and
online rates from the report's own figures to the portal's, each step a run of the engine
over one variant (window, set of dossiers, records, policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from ..core.errors import InputError
from ..core.periods import Period
from ..core.schema import C, fold
from ..engine import classify_sql
from ..engine.measures import where_sql
from ..io.read import lit
from ..model.dims import OUTCOMES
from ..model.results import ratio_of_outcomes
from ..rules.profiles import PORTAL_OPTIONAL, RULES, read_yaml_text

RULES_FILE = RULES / "reconcile.yaml"
HELD = ("on_hold", "waiting")  # treatments of a dossier waiting on the applicant or paused


@cache
def rules() -> dict:
    """Return the reconciliation's declarations: the portal's policy, the causes in the
    order they are tried, the names of the waterfall's steps."""
    return read_yaml_text(RULES_FILE.read_text(encoding="utf-8"))


def causes(policy) -> dict[str, str]:
    """Return every cause's Vietnamese label, in the order causes are tried; the status
    cause names the statuses the report's `policy` holds (with the vocabulary's labels)."""
    from ..rules.profiles import vocabulary

    labels = vocabulary().status_labels
    held = [f"{c} {labels[c]}" for c in labels if policy.treatment(c) in HELD]
    return {k: v.format(statuses=", ".join(held) or "—") for k, v in rules()["causes"].items()}


def _columns(headers, table: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Return, per canonical name of `table`, the position of the first header (folded,
    underscores as spaces) that is one of its names."""
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = fold(str(header)).replace("_", " ")
        for canon, names in table.items():
            if key in names and canon not in found:
                found[canon] = i
    return found


RATES = ("on_time_rate", "online_rate")  # the waterfall's two rates


@dataclass
class Step:
    """One step of the waterfall: a cause and the rates after it is applied."""

    cause: str
    on_time: float | None
    online: float | None


@dataclass
class Reconciliation:
    period: Period
    window: tuple[date, date]
    counts: dict[str, int] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    differing: object = None  # DataFrame: code, cause, dates of both sides
    causes: dict[str, str] = field(default_factory=dict)  # key -> label, in the order tried

    def to_json(self) -> dict:
        return {"period": self.period.as_dict(),
                "portal_window": [self.window[0].isoformat(), self.window[1].isoformat()],
                "counts": self.counts,
                "steps": [{"cause": s.cause, "on_time_rate": s.on_time, "online_rate": s.online}
                          for s in self.steps]}


def _cause_sql(policy, portal_policy, period: Period, window: Period, today: date) -> str:
    """Return the join of the two classified relations on the dossier code, both counted
    in the portal's window, with each differing dossier's cause: the first that holds,
    actionable causes (one side only, a status pushed wrongly, another end date) before
    the benign ones (the window, timestamps against days)."""
    def day(x: str) -> str:
        return f"CAST({x} AS DATE)"

    def inside(x: str, p: Period) -> str:
        return (f"coalesce({day(x)} BETWEEN DATE {lit(p.start.isoformat())} AND "
                f"DATE {lit(p.end.isoformat())}, false)")

    def side(pol, rel: str) -> str:
        return (f"SELECT ma_ho_so AS code, status, treat, recv, due, res, CASE WHEN reason <> '' "
                f"THEN reason WHEN {where_sql('resolved_not_late')} THEN 'on_time' ELSE outcome "
                f"END AS cls FROM ({classify_sql(pol, window, today, rel)})")

    held = ", ".join(lit(t) for t in HELD)
    return f"""
    WITH p AS ({side(policy, 'dossiers')}), q AS ({side(portal_policy, 'portal_dossiers')}),
    m AS (SELECT coalesce(p.code, q.code) AS code, p.code AS code_p, q.code AS code_q,
                 p.recv AS recv_p, p.due AS due_p, p.res AS res_p, p.status AS status_p,
                 p.treat AS treat_p, p.cls AS cls_p, q.recv AS recv_q, q.due AS due_q,
                 q.res AS res_q, q.status AS status_q, q.treat AS treat_q, q.cls AS cls_q
          FROM p FULL OUTER JOIN q ON p.code = q.code),
    s AS (SELECT * FROM m WHERE {inside('recv_p', period)} OR {inside('recv_p', window)}
                             OR {inside('recv_q', period)} OR {inside('recv_q', window)})
    SELECT *, CASE
      WHEN code_q IS NULL AND {inside('recv_p', window)} THEN 'province_only'
      WHEN code_p IS NULL AND {inside('recv_q', period)} THEN 'portal_only'
      WHEN code_p IS NULL OR code_q IS NULL THEN 'window'
      WHEN treat_p IN ({held}) AND treat_q = 'finished' THEN 'status'
      WHEN treat_p IS DISTINCT FROM treat_q AND cls_p <> cls_q THEN 'status'
      WHEN {day('res_p')} IS DISTINCT FROM {day('res_q')} THEN 'result_date'
      WHEN {inside('recv_p', period)} <> {inside('recv_q', window)} THEN 'window'
      WHEN cls_p <> cls_q AND res_q > due_q AND {day('res_q')} = {day('due_q')}
        THEN 'timestamp'
      WHEN cls_p <> cls_q THEN 'unexplained'
      ELSE '' END AS cause
    FROM s"""


def reconcile(ds, portal_path: str | Path, period: Period, policy=None,
              today: date | None = None, own: dict | None = None) -> Reconciliation:
    """Return the reconciliation of the Dataset `ds` with the portal's dossier list for
    `period`. The portal's file is read through the profiles like any export and counted
    under the portal's policy; every rate of the waterfall is the registry's over one run:
    the report's own figure first (the same run as `tthc compute`; `own`, its indicators,
    when the caller already has that run), the portal's last."""
    from ..engine import open_dataset
    from ..engine.run import headline
    from ..rules.policy import load_policy

    policy = policy or load_policy(None)
    portal_policy = load_policy(rules()["portal_policy"])
    today = today or date.today()
    window = period.calendar()
    q = open_dataset(Path(portal_path), optional=PORTAL_OPTIONAL)
    try:
        portal_arrow = q.con.sql("SELECT * FROM dossiers").to_arrow_table()  # noqa: F841
        q_present = q.present
    finally:
        q.close()
    # one connection holds both relations, so that they can be joined (DuckDB reads the
    # local Arrow table by its name)
    ds.con.execute("CREATE OR REPLACE TEMP TABLE portal_rows AS SELECT * FROM portal_arrow")
    portal = ds.variant("portal_dossiers", "SELECT * FROM portal_rows", q_present)
    portal.source = q.source  # a refusal of a portal row names the portal's file
    both = ds.present | q_present
    labels = causes(policy)
    ds.con.execute("CREATE OR REPLACE TEMP TABLE rec_causes AS "
                   + _cause_sql(policy, portal_policy, period, window, today))
    counts = dict.fromkeys(labels, 0) | dict(ds.con.execute(
        "SELECT cause, count(*) FROM rec_causes WHERE cause <> '' GROUP BY cause").fetchall())
    member = ds.variant("rec_member", "SELECT * FROM dossiers WHERE ma_ho_so IN (SELECT "
                        "ma_ho_so FROM portal_rows) UNION ALL BY NAME SELECT * FROM portal_rows "
                        "WHERE ma_ho_so NOT IN (SELECT ma_ho_so FROM dossiers)", both)
    status = ds.variant("rec_status", "SELECT * FROM rec_member WHERE ma_ho_so NOT IN (SELECT "
                        "code FROM rec_causes WHERE cause = 'status') UNION ALL BY NAME SELECT * "
                        "FROM portal_rows WHERE ma_ho_so IN (SELECT code FROM rec_causes WHERE "
                        "cause = 'status')", both)
    names = rules()["steps"]
    steps = []
    for key, data, pol, p in (("province", ds, policy, period), ("window", ds, policy, window),
                              ("membership", member, policy, window),
                              ("status", status, policy, window),
                              ("result_date", portal, policy, window),
                              ("portal", portal, portal_policy, window)):
        n = own if key == "province" and own else headline(data, pol, p, today, RATES)
        steps.append(Step(names[key], n["on_time_rate"], n["online_rate"]))
    order = " ".join(f"WHEN {lit(k)} THEN {i}" for i, k in enumerate(labels))
    differing = ds.con.execute(
        "SELECT code, cause, recv_p, due_p, res_p, status_p, recv_q, due_q, res_q, status_q "
        f"FROM rec_causes WHERE cause <> '' ORDER BY CASE cause {order} END, code").df()
    differing["cause"] = differing["cause"].map(labels)
    return Reconciliation(period, (window.start, window.end), counts, steps, differing, labels)


DIFF_HEADERS = ("Mã hồ sơ", "Nguyên nhân", "Tiếp nhận (tỉnh)", "Hẹn trả (tỉnh)",
                "Kết thúc (tỉnh)", "Trạng thái (tỉnh)", "Tiếp nhận (Cổng)", "Hẹn trả (Cổng)",
                "Kết thúc (Cổng)", "Trạng thái (Cổng)")


def write_differences(rec: Reconciliation, path: Path) -> Path:
    """Write the differing dossiers to XLSX: codes, causes and dates only (text cells are
    written as text, never as formulas)."""
    import pandas as pd
    from openpyxl import Workbook

    from ..core.paths import atomic_output
    from ..core.text import text_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ khác nhau"
    for c, head in enumerate(DIFF_HEADERS, start=1):
        ws.cell(1, c).value = head
    for r, row in enumerate(rec.differing.itertuples(index=False), start=2):
        for c, v in enumerate(row, start=1):
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                continue
            if hasattr(v, "to_pydatetime"):
                ws.cell(r, c).value = v.to_pydatetime()
                ws.cell(r, c).number_format = "dd/mm/yyyy hh:mm"
            else:
                text_cell(ws, r, c, str(v))
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return path


# ---------------------------------------------------------------- the portal's counts

COUNT_HEADERS = {
    "received": ("tiep nhan", "da tiep nhan", "tong so tiep nhan", "so ho so tiep nhan",
                 "tong tiep nhan"),
    "early": ("truoc han", "giai quyet truoc han"),
    "on_time": ("dung han", "giai quyet dung han"),
    "late": ("qua han", "giai quyet qua han"),
    "pending_in_time": ("dang xu ly trong han", "dang giai quyet trong han"),
    "pending_overdue": ("dang xu ly qua han", "dang giai quyet qua han"),
    "online": ("truc tuyen", "tiep nhan truc tuyen"),
}
KEY_HEADERS = {"co_quan": ("don vi", "co quan", "co quan giai quyet", "ten don vi"),
               "ma_tthc": ("ma tthc", "ma thu tuc"), "ten_tthc": ("thu tuc", "ten thu tuc")}
TOTAL_KEYS = ("tong", "tong cong", "tong so", "cong")


def portal_shape(path: Path) -> str:
    """Return "list" (one row per dossier) or "counts" (one row per unit or procedure)."""
    import csv

    from ..io.read import _utf8

    if Path(path).suffix.lower() == ".csv":
        first = _utf8(Path(path).read_bytes()[:65536], Path(path)).split(b"\n", 1)[0]
        headers = next(csv.reader([first.decode("utf-8", "ignore")]))
    else:
        from ..engine import read_cells

        headers = read_cells(Path(path))[0]
    from ..rules.profiles import builtin_profiles, resolve

    headers = [str(h) for h in headers]
    listed = any(C.ma_ho_so in resolve(headers, p).columns for p in builtin_profiles().values())
    return "list" if listed else "counts"


@dataclass
class CountRow:
    key: str
    province: dict  # the report's period and counting policy
    calendar: dict  # the portal's calendar window
    paused: dict  # the window, with waiting or paused dossiers counted finished as the portal
    portal: dict

    @staticmethod
    def rate(c: dict) -> float | None:
        """The registry's on-time rate of counts by outcome (a row of the portal's table)."""
        return ratio_of_outcomes("on_time_rate", c)


def _portal_counts(path: Path):
    from ..engine import read_cells

    headers, header_row, cells = read_cells(Path(path))
    cols = _columns(headers, COUNT_HEADERS)
    keys = _columns(headers, KEY_HEADERS)
    key_kind = min(keys, key=keys.get) if keys else None  # the first key column
    if key_kind is not None:
        cols["key"] = keys[key_kind]
    if key_kind is None or "received" not in cols:
        raise InputError("portal_counts_columns", name=Path(path).name,
                         headers=", ".join(headers))
    rows = [tuple(row[i] for i in cols.values()) for row in cells]
    names = list(cols)
    out = {}
    for r, values in enumerate(rows, start=header_row + 1):
        row = dict(zip(names, values, strict=True))
        key = str(row.pop("key") or "").strip()
        if not key or fold(key) in TOTAL_KEYS:
            continue
        counts = {}
        for k, v in row.items():
            text = str(v or "0").replace(".", "").replace(" ", "").strip()
            if not text.isdigit():
                raise InputError("portal_counts_number", name=Path(path).name, row=r,
                                 header=headers[cols[k]], value=repr(v))
            counts[k] = int(text)
        out[fold(key)] = (key, counts)
    return key_kind, out


def reconcile_counts(ds, portal_path: Path, period: Period, policy, today: date | None = None
                     ) -> list[CountRow]:
    """Return, per unit (or procedure) of the portal's statistics, the province's counts in
    the report's period, in the portal's calendar window, with paused dossiers counted
    finished as the portal does, and the portal's own; the last row is the total."""
    key_kind, portal = _portal_counts(Path(portal_path))
    today = today or date.today()
    window = period.calendar()
    outcomes = tuple(k for k in COUNT_HEADERS if k in OUTCOMES)  # what the portal counts

    def counts(p: Period, paused_done: bool) -> dict[str, dict[str, int]]:
        outcome = "outcome"
        if paused_done:
            outcome = (f"CASE WHEN treat IN ({', '.join(lit(t) for t in HELD)}) AND outcome "
                       "LIKE 'pending%' THEN 'on_time' ELSE outcome END")
        sql = (f"SELECT {key_kind} AS k, {outcome} AS o, channel_group = 'online' AS online, "
               f"count(*) FROM ({classify_sql(policy, p, today)}) WHERE reason = '' "
               "GROUP BY ALL")
        out: dict[str, dict[str, int]] = {}
        for k, o, online, n in ds.con.execute(sql).fetchall():
            c = out.setdefault(fold(str(k or "")), dict.fromkeys((*outcomes, "received",
                                                                  "online"), 0))
            c["received"] += n
            if o in c:
                c[o] += n
            if online:
                c["online"] += n
        return out

    a, b, c = counts(period, False), counts(window, False), counts(window, True)
    rows = [CountRow(name, a.get(k, {}), b.get(k, {}), c.get(k, {}), portal_counts)
            for k, (name, portal_counts) in sorted(portal.items())]
    total = {}
    for attr in ("province", "calendar", "paused", "portal"):
        t: dict[str, int] = {}
        for r in rows:
            for k, v in getattr(r, attr).items():
                t[k] = t.get(k, 0) + v
        total[attr] = t
    rows.append(CountRow("Tổng", **total))
    return rows
