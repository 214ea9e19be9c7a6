"""`tthc inspect`: will this file work, and how will it be read — before any report.

Everything here is read off the same declarations and engine the report uses: the profile
chosen, each canonical column and the header it comes from, the values of every
categorical column and what each maps to, the dates' formats and ranges, the statuses and
how the policy counts them, and the refusal the engine would give.
"""

from __future__ import annotations

from pathlib import Path

from ..core import fmt
from ..core.errors import InputError, messages
from ..core.periods import Period, parse_period
from ..core.schema import BY_NAME, UNKNOWN_LEVEL, C, fold
from ..core.text import display
from ..io.read import read
from ..rules.catalog import load_catalog
from ..rules.policy import TREATMENTS, load_policy
from ..rules.profiles import (
    PORTAL_OPTIONAL,
    builtin_profiles,
    detect,
    load_profile,
    resolve,
    vocabulary,
)
from .canonical import DATE_COLS, FIELD_FROM, FLAG_COLS, LEVEL_FROM
from .dataset import open_dataset
from .run import run
from .sql import date_sql, trimmed

CATEGORICAL = (C.cap, C.kenh_nop, C.muc_do_dvc, C.trang_thai, *FLAG_COLS)
MAX_VALUES = 30


def inspect_file(data: str | Path, sheet: str | None = None, profile: str | None = None,
                 catalog: str | None = None, policy: str | None = None,
                 period: str | None = None) -> dict:
    """Return what `tthc inspect` reports about one export, as plain data. The file is
    usable when it passes every check `tthc compute` and the report make: read, validated,
    and counted under the same policy for `period` (default: the year of its latest
    receipt), so that inspect refuses exactly what they refuse."""
    import duckdb

    path = Path(data)
    forced = load_profile(profile) if profile else None
    cat = load_catalog(catalog)
    pol = load_policy(policy)
    con = duckdb.connect()
    out: dict = {"file": path.name, "usable": False, "policy": pol.name}
    try:
        raw = read(con, path, sheet)
        headers = [str(h) for h in raw.headers]
        out |= {"rows": raw.rows, "header_row": raw.header_row, "sha256": raw.sha256,
                "candidates": [{"profile": p.name, "recognised": r.recognised,
                                "missing": r.missing}
                               for p in builtin_profiles().values()
                               for r in [resolve(headers, p)]]}
        try:
            res = detect(headers, forced, path.name)
        except InputError as exc:
            out["refused"] = str(exc)
            try:  # a list that only lacks the agency: the portal's, to reconcile with
                detect(headers, forced, path.name, PORTAL_OPTIONAL)
                out["refused"] += " " + messages()["portal_list_hint"].format(name=path.name)
            except InputError:
                pass
            return out
        prof = res.profile
        out["profile"] = {"name": prof.name, "label": prof.label, "forced": forced is not None,
                          "timezone": prof.timezone}
        out["columns"] = [{"column": c, "label": BY_NAME[c].label_vi, "header": headers[i],
                           "also": [headers[j] for j in res.also.get(c, ())]}
                          for c, i in res.columns.items()]
        out["absent"] = [c.name for c in BY_NAME.values() if c.name not in res.columns]
        out["personal"] = [headers[i] for i in res.personal]
        out["ignored"] = [headers[i] for i in res.extra]
        src = raw.bind(con, set(res.personal) | set(res.extra))
        voc = vocabulary()
        values = {}
        for canon in CATEGORICAL:
            if canon not in res.columns:
                continue
            ref = f"c{res.columns[canon]}"
            table = voc.table(canon, prof)
            rows = con.execute(f"SELECT {trimmed(ref)} AS v, count(*) FROM {src} GROUP BY v "
                               f"ORDER BY count(*) DESC LIMIT {MAX_VALUES}").fetchall()
            values[canon] = [{"value": "" if v is None else display(v), "count": n,
                              "maps_to": table.get(fold(v or "")),
                              **({"counts_as": TREATMENTS[pol.treatment(table.get(fold(v or "")))]}
                                 if canon == C.trang_thai else {})}
                             for v, n in rows]
        out["values"] = values
        dates = {}
        for canon in DATE_COLS:
            if canon not in res.columns:
                continue
            ref = f"c{res.columns[canon]}"
            parsed = date_sql(con, src, ref, prof)
            lo, hi, empty, bad = con.execute(
                f"SELECT min(d), max(d), count(*) FILTER (WHERE x IS NULL), "
                f"count(*) FILTER (WHERE x IS NOT NULL AND d IS NULL) FROM "
                f"(SELECT {trimmed(ref)} AS x, {parsed} AS d FROM {src})").fetchone()
            sample = con.execute(f"SELECT {trimmed(ref)} FROM {src} WHERE {trimmed(ref)} IS NOT "
                                 "NULL LIMIT 1").fetchone()
            dates[canon] = {"min": lo, "max": hi, "empty": empty, "unreadable": bad,
                            "example": sample[0] if sample else None}
        out["dates"] = dates
    except InputError as exc:
        out["refused"] = str(exc)
        return out
    finally:
        con.close()
    try:
        ds = open_dataset(path, sheet, forced, cat, cache=False)
    except InputError as exc:
        out["refused"] = str(exc)
        return out
    try:
        ds.describe()
        out["levels"] = ds.level_from
        out["fields"] = ds.field_from
        out["unknown_agencies"] = ds.unknown_agencies
        out["duplicates"] = ds.identical_duplicates
        counted = parse_period(period) if period else _latest_year(ds)
        if counted is not None:
            out["period"] = counted.code
            run(ds, pol, counted)  # the very checks of compute and report
        out["usable"] = True
    except InputError as exc:
        out["refused"] = str(exc)
    finally:
        ds.close()
    return out


def _latest_year(ds) -> Period | None:
    """The year of the file's latest receipt date, as a period to count it for."""
    (latest,) = ds.con.execute(f"SELECT max(recv) FROM {ds.relation}").fetchone()
    return parse_period(str(latest.year)) if latest is not None else None


def render_text(r: dict) -> str:
    """Return the inspection as text for the terminal (Vietnamese)."""
    lines = [f"Tệp {r['file']}: {fmt.number(r.get('rows'))} dòng hồ sơ"
             + (f", dòng tiêu đề {r['header_row']}" if r.get("header_row") else "")]
    if "profile" in r:
        p = r["profile"]
        lines.append(f"Hồ sơ nguồn: {p['name']} — {p['label']}"
                     + (" (chọn bằng --profile)" if p["forced"] else " (nhận ra từ tiêu đề)")
                     + (f"; giờ trong tệp là {p['timezone'].upper()}, đổi sang giờ Việt Nam"
                        if p["timezone"] == "utc" else ""))
        lines.append("Cột chuẩn ← tiêu đề trong tệp:")
        for c in r["columns"]:
            also = f" (cùng nghĩa, phải khớp: {', '.join(c['also'])})" if c["also"] else ""
            lines.append(f"  {c['column']:<24} ← {c['header']}{also}")
        if r["absent"]:
            lines.append(f"Không có cột: {', '.join(r['absent'])}")
        if r["ignored"]:
            lines.append(f"Bỏ qua: {', '.join(r['ignored'])}")
        if r["personal"]:
            lines.append(f"Dữ liệu cá nhân (bỏ ngay khi đọc, không xem giá trị): "
                         f"{', '.join(r['personal'])}")
        for canon, vals in r.get("values", {}).items():
            lines.append(f"Giá trị cột {canon}:")
            for v in vals:
                to = v["maps_to"] or ("(trống)" if not v["value"] else "KHÔNG NHẬN RA")
                extra = f" — {v['counts_as']}" if "counts_as" in v else ""
                label = vocabulary().status_labels.get(v["maps_to"] or "", "")
                to = f"{to} {label}".strip() if canon == C.trang_thai else to
                lines.append(f"  {v['value'] or '(trống)'!s:<40} {fmt.number(v['count']):>10}"
                             f"  → {to}{extra}")
        for canon, d in r.get("dates", {}).items():
            span = (f"{d['min']:%d/%m/%Y %H:%M} – {d['max']:%d/%m/%Y %H:%M}" if d["min"]
                    else "không có giá trị")
            lines.append(f"Ngày {canon}: {span}; trống {fmt.number(d['empty'])}; không đọc được "
                         f"{fmt.number(d['unreadable'])}; ví dụ {d['example']!r}")
        if "levels" in r:
            lines.append("Cấp: " + "; ".join(f"{LEVEL_FROM.get(k, k)} {fmt.number(n)}"
                                            for k, n in r["levels"].items()))
            lines.append("Lĩnh vực: " + "; ".join(f"{FIELD_FROM.get(k, k)} {fmt.number(n)}"
                                                 for k, n in r["fields"].items()))
            if r["unknown_agencies"]:
                lines.append(f"Cơ quan chưa xác định được cấp ({UNKNOWN_LEVEL}): "
                             + "; ".join(r["unknown_agencies"]))
            if r["duplicates"]:
                lines.append(f"Dòng trùng lặp hoàn toàn (giữ một): {r['duplicates']}")
    lines.append(f"Chính sách đếm: {r['policy']}"
                 + (f"; đếm thử cho kỳ {r['period']}" if r.get("period") else ""))
    if r.get("refused"):
        lines.append("SẼ BỊ TỪ CHỐI:")
        lines.append(r["refused"])
    else:
        lines.append("Tệp dùng được.")
    return "\n".join(lines)



