"""Reconcile a province's export with the national portal's dossier list for one period.

The two rarely agree, and both seed reports say so. Every differing dossier gets one cause,
checked in this order: it is on one side only (never synced, or only on the portal); it
falls in one window only (the report's 15th–14th period against the portal's calendar
months); a paused status (5, 6, 8) was pushed to the portal as 9 "finished"; the two sides
record a different end-of-processing date; the portal compares timestamps where the report
compares days; what is left is unexplained. A waterfall then moves the province's on-time
and online rates, one cause at a time, to the portal's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .errors import InputError
from .periods import Period
from .schema import fold

# the portal list's columns, by folded header (Vietnamese or the sync standard's names)
PORTAL_HEADERS = {
    "code": ("ma ho so", "mahoso", "so ho so"),
    "status": ("trang thai", "trangthaihoso", "ma trang thai", "trang thai ho so"),
    "recv": ("ngay tiep nhan", "ngaytiepnhan"),
    "due": ("ngay hen tra", "ngayhentra"),
    "fin": ("ngay ket thuc xu ly", "ngayketthucxuly", "ngay co ket qua", "ngay hoan thanh"),
    "channel": ("kenh thuc hien", "kenhthuchien", "hinh thuc nop", "kenh nop"),
}
REQUIRED = ("code", "recv")
PAUSED = ("5", "6", "8")
FINISHED_ON_PORTAL = "9"
CAUSES = {
    "province_only": "chỉ có ở hệ thống của tỉnh (chưa đồng bộ lên Cổng)",
    "portal_only": "chỉ có trên Cổng DVCQG",
    "window": "khác kỳ: kỳ báo cáo 15–14 so với tháng dương lịch của Cổng",
    "status": "trạng thái 5/6/8 (bổ sung, tạm dừng, trả lại) đẩy lên Cổng thành 9 (đã xử lý xong)",
    "result_date": "ngày kết thúc xử lý khác nhau",
    "timestamp": "Cổng so theo thời điểm, báo cáo so theo ngày",
    "unexplained": "chưa giải thích được",
}


def calendar_window(period: Period) -> tuple[date, date]:
    """Return the portal's window for the period: calendar months (2023-Q3 → 1/7–30/9)."""
    code = period.code
    year = int(code[:4]) if code[:4].isdigit() else None
    if year is None or ".." in code:
        return period.start, period.end
    if "-Q" in code:
        q = int(code[-1])
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    elif "-H" in code:
        h = int(code[-1])
        start, end = date(year, 1 if h == 1 else 7, 1), date(year + (h == 2), 7 if h == 1 else 1, 1)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return start, end - timedelta(days=1)


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


def _portal_frame(path: Path):
    """Return the portal dossier list as a DataFrame (code, status, recv, due, fin,
    online), refusing a file without code or receipt date."""
    import duckdb
    import pandas as pd

    from .profiles import DATE_FORMATS
    from .read import read

    con = duckdb.connect()
    try:
        raw = read(con, Path(path))
        found = _columns(raw.headers, PORTAL_HEADERS)
        missing = [c for c in REQUIRED if c not in found]
        if missing:
            raise InputError(f"Tệp Cổng '{Path(path).name}': thiếu cột "
                             f"{', '.join(PORTAL_HEADERS[c][0] for c in missing)} (đọc được: "
                             f"{', '.join(map(str, raw.headers))}).")
        src = raw.bind(con, set())

        def date_sql(i):
            cell = f"nullif(trim(CAST(c{i} AS VARCHAR)), '')"
            return "coalesce(" + ", ".join(f"try_strptime({cell}, '{f}')"
                                           for f in DATE_FORMATS) + ")"

        cols = [f"trim(CAST(c{found['code']} AS VARCHAR)) AS code"]
        cols.append(f"trim(CAST(c{found['status']} AS VARCHAR)) AS status" if "status" in found
                    else "CAST(NULL AS VARCHAR) AS status")
        for c in ("recv", "due", "fin"):
            cols.append(f"{date_sql(found[c])} AS {c}" if c in found
                        else f"CAST(NULL AS TIMESTAMP) AS {c}")
        cols.append(f"CASE WHEN trim(CAST(c{found['channel']} AS VARCHAR)) IN ('2', 'Trực "
                    "tuyến', 'trực tuyến', 'truc_tuyen') THEN true ELSE false END AS online"
                    if "channel" in found else "CAST(NULL AS BOOLEAN) AS online")
        df = con.execute(f"SELECT {', '.join(cols)} FROM {src}").df()
    finally:
        con.close()
    bad = df[df["recv"].isna()]
    if len(bad):
        raise InputError(f"Tệp Cổng '{Path(path).name}': {len(bad)} dòng không đọc được ngày "
                         "tiếp nhận.")
    return pd.DataFrame(df)


def _province_frame(ds):
    """Return the province's dossiers: code, status (national code), recv, due, fin,
    online."""
    return ds.con.execute(
        "SELECT trim(ma_ho_so) AS code, status, recv, due, coalesce(done, handed) AS fin, "
        "CASE WHEN kenh IS NULL THEN NULL ELSE kenh = 'truc_tuyen' END AS online "
        "FROM dossiers").df()


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

    def to_json(self) -> dict:
        return {"period": self.period.as_dict(),
                "portal_window": [self.window[0].isoformat(), self.window[1].isoformat()],
                "counts": self.counts,
                "steps": [{"cause": s.cause, "on_time_rate": s.on_time, "online_rate": s.online}
                          for s in self.steps]}


def _rates(df, fin_col: str, due_col: str, finished, by_time: bool, online_col: str):
    """Return (on-time rate over finished dossiers, online rate over all) in percent."""
    fin = df[finished]
    if by_time:
        ok = fin[fin_col] <= fin[due_col]
    else:
        ok = fin[fin_col].dt.normalize() <= fin[due_col].dt.normalize()
    ok = ok | fin[due_col].isna()
    on_time = 100.0 * ok.sum() / len(fin) if len(fin) else None
    online = df[online_col]
    online_rate = (100.0 * online.fillna(False).sum() / len(df)
                   if len(df) and online.notna().any() else None)
    return on_time, online_rate


def reconcile(ds, portal_path: str | Path, period: Period) -> Reconciliation:
    """Return the reconciliation of the Dataset `ds` with the portal list for `period`."""
    import pandas as pd

    p = _province_frame(ds)
    q = _portal_frame(Path(portal_path))
    w1 = (pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1))
    cw = calendar_window(period)
    w2 = (pd.Timestamp(cw[0]), pd.Timestamp(cw[1]) + pd.Timedelta(days=1))

    def inside(s, w):
        return (s >= w[0]) & (s < w[1])

    p = p[inside(p.recv, w1) | inside(p.recv, w2)]
    q = q[inside(q.recv, w1) | inside(q.recv, w2)]
    m = p.merge(q, on="code", how="outer", suffixes=("_p", "_q"), indicator=True)
    both = m["_merge"] == "both"
    in_w1 = inside(m.recv_p, w1).fillna(False)
    in_w2 = inside(m.recv_q.fillna(m.recv_p), w2).fillna(False)
    fin_p_day, fin_q_day = m.fin_p.dt.normalize(), m.fin_q.dt.normalize()
    day_ok = (fin_p_day <= m.due_p.dt.normalize()) | m.due_p.isna()
    time_late = m.fin_q > m.due_q
    cause = pd.Series("", index=m.index, dtype=object)
    rules = [
        ("province_only", (m["_merge"] == "left_only") & in_w2 | (m["_merge"] == "left_only")
         & in_w1),
        ("portal_only", m["_merge"] == "right_only"),
        ("window", both & (in_w1 != in_w2)),
        ("status", both & m.status_p.isin(PAUSED) & (m.status_q == FINISHED_ON_PORTAL)),
        ("result_date", both & (m.fin_p.notna() | m.fin_q.notna())
         & ~(fin_p_day == fin_q_day)),
        ("timestamp", both & m.fin_q.notna() & day_ok & time_late),
    ]
    for name, mask in rules:
        cause[(cause == "") & mask.fillna(False)] = name
    # outcomes that still differ without a cause
    on_p = (m.fin_p.notna()) & day_ok
    on_q = (m.fin_q.notna()) & ~time_late.fillna(False)
    cause[(cause == "") & both & (on_p != on_q)] = "unexplained"
    counts = {k: int((cause == k).sum()) for k in CAUSES}

    # the waterfall: from the province's figures to the portal's, one cause at a time
    steps = []
    base = m[m["_merge"] != "right_only"].copy()
    s0 = base[inside(base.recv_p, w1)]
    steps.append(Step("Hệ thống của tỉnh (kỳ báo cáo, so theo ngày)",
                      *_rates(s0, "fin_p", "due_p", s0.fin_p.notna(), False,
                              "online_p")))
    s1 = base[inside(base.recv_p, w2)]
    steps.append(Step(CAUSES["window"], *_rates(s1, "fin_p", "due_p",
                                                s1.fin_p.notna(), False, "online_p")))
    s2 = m[(m["_merge"] != "left_only") & inside(m.recv_q, w2)].copy()
    s2["recv_x"] = s2.recv_p.fillna(s2.recv_q)
    s2["fin_x"] = s2.fin_p.where(s2["_merge"] == "both", s2.fin_q)
    s2["due_x"] = s2.due_p.fillna(s2.due_q)
    s2["online_x"] = s2.online_p.where(s2["_merge"] == "both", s2.online_q)
    steps.append(Step(CAUSES["province_only"] + " / " + CAUSES["portal_only"],
                      *_rates(s2, "fin_x", "due_x", s2.fin_x.notna(), False,
                              "online_x")))
    paused = s2.status_p.isin(PAUSED) & (s2.status_q == FINISHED_ON_PORTAL)
    s2.loc[paused, "fin_x"] = s2.loc[paused, "fin_q"]
    steps.append(Step(CAUSES["status"], *_rates(s2, "fin_x", "due_x",
                                               s2.fin_x.notna(), False, "online_x")))
    s2["fin_x"] = s2.fin_q
    steps.append(Step(CAUSES["result_date"], *_rates(s2, "fin_x", "due_x",
                                                    s2.fin_x.notna(), False, "online_x")))
    steps.append(Step(CAUSES["timestamp"], *_rates(s2, "fin_x", "due_x",
                                                  s2.fin_x.notna(), True, "online_x")))
    portal = s2
    steps.append(Step("Cổng DVCQG", *_rates(portal, "fin_q", "due_q",
                                           portal.fin_q.notna(), True, "online_q")))
    differing = m.loc[cause != "", ["code", "recv_p", "due_p", "fin_p", "status_p", "recv_q",
                                    "due_q", "fin_q", "status_q"]].copy()
    differing.insert(1, "cause", cause[cause != ""].map(CAUSES))
    return Reconciliation(period, cw, counts, steps, differing.sort_values(["cause", "code"]))


DIFF_HEADERS = ("Mã hồ sơ", "Nguyên nhân", "Tiếp nhận (tỉnh)", "Hẹn trả (tỉnh)",
                "Kết thúc (tỉnh)", "Trạng thái (tỉnh)", "Tiếp nhận (Cổng)", "Hẹn trả (Cổng)",
                "Kết thúc (Cổng)", "Trạng thái (Cổng)")


def write_differences(rec: Reconciliation, path: Path) -> Path:
    """Write the differing dossiers to XLSX: codes, causes and dates only (text cells are
    written as text, never as formulas)."""
    import pandas as pd
    from openpyxl import Workbook

    from .forms import text_cell
    from .paths import atomic_output

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

    from .read import _utf8

    if Path(path).suffix.lower() == ".csv":
        first = _utf8(Path(path).read_bytes()[:65536], Path(path)).split(b"\n", 1)[0]
        headers = next(csv.reader([first.decode("utf-8", "ignore")]))
    else:
        import duckdb

        from .read import read

        con = duckdb.connect()
        try:
            headers = [str(h) for h in read(con, Path(path)).headers]
        finally:
            con.close()
    keys = {fold(h).replace("_", " ") for h in headers}
    return "list" if keys & set(PORTAL_HEADERS["code"]) else "counts"


@dataclass
class CountRow:
    key: str
    province: dict  # the report's period and counting policy
    calendar: dict  # the portal's calendar window
    paused: dict  # the window, with paused dossiers (5/6/8) counted finished as the portal
    portal: dict

    @staticmethod
    def rate(c: dict) -> float | None:
        done = c.get("early", 0) + c.get("on_time", 0) + c.get("late", 0)
        return 100.0 * (c.get("early", 0) + c.get("on_time", 0)) / done if done else None


def _portal_counts(path: Path):
    import duckdb

    from .read import read

    con = duckdb.connect()
    try:
        raw = read(con, Path(path))
        cols = _columns(raw.headers, COUNT_HEADERS)
        keys = _columns(raw.headers, KEY_HEADERS)
        key_kind = min(keys, key=keys.get) if keys else None  # the first key column
        if key_kind is not None:
            cols["key"] = keys[key_kind]
        if key_kind is None or "received" not in cols:
            raise InputError(f"Tệp Cổng '{Path(path).name}': cần một cột đơn vị (hoặc mã/tên "
                             "thủ tục) và cột số hồ sơ tiếp nhận; đọc được: "
                             f"{', '.join(map(str, raw.headers))}.")
        src = raw.bind(con, set())
        rows = con.execute(f"SELECT {', '.join(f'c{i}' for i in cols.values())} FROM {src}"
                           ).fetchall()
    finally:
        con.close()
    names = list(cols)
    out = {}
    for r, values in enumerate(rows, start=2):
        row = dict(zip(names, values, strict=True))
        key = str(row.pop("key") or "").strip()
        if not key or fold(key) in TOTAL_KEYS:
            continue
        counts = {}
        for k, v in row.items():
            text = str(v or "0").replace(".", "").replace(" ", "").strip()
            if not text.isdigit():
                raise InputError(f"Tệp Cổng '{Path(path).name}', dòng {r}, cột "
                                 f"'{raw.headers[cols[k]]}': cần một số nguyên, gặp {v!r}.")
            counts[k] = int(text)
        out[fold(key)] = (key, counts)
    return key_kind, out


def reconcile_counts(ds, portal_path: Path, period: Period, policy, today: date | None = None
                     ) -> list[CountRow]:
    """Return, per unit (or procedure) of the portal's statistics, the province's counts in
    the report's period, in the portal's calendar window, with paused dossiers counted
    finished as the portal does, and the portal's own; the last row is the total."""
    from .engine import classify_sql
    from .periods import Period as P

    key_kind, portal = _portal_counts(Path(portal_path))
    today = today or date.today()
    cw = calendar_window(period)
    window = P(period.code, cw[0], cw[1], period.label_vi)
    outcomes = ("early", "on_time", "late", "pending_in_time", "pending_overdue")

    def counts(p: Period, paused_done: bool) -> dict[str, dict[str, int]]:
        outcome = "outcome"
        if paused_done:
            outcome = (f"CASE WHEN status IN ({', '.join(repr(s) for s in PAUSED)}) AND outcome "
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
