"""The columnar path for large exports (CSV, Parquet): DuckDB reads the file once,
classifies every dossier with the same rules as `classify` and groups it into the same cube
as the pandas path; the registry is then evaluated on that cube by `results_from_cube`.

When the file breaks the contract in any way (bad dates, unknown levels, duplicate codes,
non-UTF-8 text, …) this path steps aside and the pandas loader produces the precise error
message, so both paths accept and refuse exactly the same files.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd

from .classify import (
    CHANNEL_GROUP,
    DIGITISED,
    GROUP,
    INTAKE,
    OUTCOME,
    PAID_ONLINE,
    POSTAL,
    SERVICE,
    WEEK,
)
from .compute import Results, results_from_cube
from .load import _DATE_FORMATS as DATE_FORMATS
from .paths import atomic_output, cache_dir
from .periods import Period
from .schema import (
    CHANNEL_LOOKUP,
    COLUMNS,
    FLAG_LOOKUP,
    LEVEL_LOOKUP,
    SERVICE_LEVEL_LOOKUP,
    C,
    fold,
    map_headers,
    nfc,
)

MAX_DISTINCT = 5000  # more distinct level/channel/flag values than this: not an export


class Unsupported(Exception):
    """This file needs the pandas path (its error messages or its features)."""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _source(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({_lit(str(path))})"
    if suffix == ".csv":
        with path.open("rb") as fh:
            head = fh.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Unsupported("utf-16")
        return f"read_csv({_lit(str(path))}, all_varchar=true, header=true)"
    raise Unsupported(suffix)


def _distinct(con, src: str, cols: list[str]) -> dict[str, list]:
    """Return the distinct values of each categorical column, in one scan."""
    if not cols:
        return {}
    select = ", ".join(f"CAST({_q(c)} AS VARCHAR)" for c in cols)
    rows = con.execute(f"SELECT DISTINCT {select} FROM {src} LIMIT {MAX_DISTINCT + 1}").fetchall()
    if len(rows) > MAX_DISTINCT:
        raise Unsupported("too many distinct category values")
    return {c: sorted({r[i] for r in rows}, key=lambda v: (v is None, v or ""))
            for i, c in enumerate(cols)}


def _mapping(values: list, col: str, lookup: dict, default=None) -> str:
    """Return a SQL CASE mapping the column's distinct values through `lookup`."""
    cases = []
    for v in values:
        key = fold(v) if v is not None else ""
        mapped = lookup.get(key, default)
        if mapped is None:
            raise Unsupported(f"unknown value in {col}")
        if v is not None:
            cases.append(f"WHEN {_lit(v)} THEN {_lit(str(mapped))}")
    null = _lit(str(lookup.get("", default))) if lookup.get("", default) is not None else "NULL"
    if not cases:
        return null
    return f"(CASE CAST({_q(col)} AS VARCHAR) {' '.join(cases)} ELSE {null} END)"


def _best_format(con, src: str, col: str) -> str:
    """Return the date format that parses most of a sample of the column."""
    raw = f"trim(CAST({_q(col)} AS VARCHAR))"
    counts = ", ".join(f"count(try_strptime(x, {_lit(f)}))" for f in DATE_FORMATS)
    row = con.execute(f"SELECT {counts} FROM (SELECT {raw} AS x FROM {src} WHERE {raw} <> '' "
                      "LIMIT 2000)").fetchone()
    return DATE_FORMATS[max(range(len(row)), key=lambda i: row[i])]


def _date(con, src: str, col: str, dtype: str, alias: str) -> tuple[str, str]:
    """Return (inner SQL: raw text and the parse with the column's usual format, outer SQL:
    the date, falling back to every accepted format and Excel serials only where needed)."""
    if dtype.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({_q(col)} AS DATE) AS {alias}_1, '' AS {alias}_raw", f"{alias}_1"
    raw = f"trim(replace(CAST({_q(col)} AS VARCHAR), chr(160), ' '))"
    best = _best_format(con, src, col)
    fmts = "[" + ", ".join(_lit(f) for f in DATE_FORMATS) + "]"
    x = f"{alias}_raw"
    serial = (f"CASE WHEN regexp_full_match({x}, '[2-7][0-9]{{4}}(\\.[0-9]+)?') THEN "
              f"DATE '1899-12-30' + CAST(floor(CAST({x} AS DOUBLE)) AS INTEGER) END")
    inner = f"{raw} AS {x}, CAST(try_strptime({raw}, {_lit(best)}) AS DATE) AS {alias}_1"
    outer = (f"coalesce({alias}_1, CASE WHEN {alias}_1 IS NULL AND coalesce({x}, '') <> '' "
             f"THEN coalesce(CAST(try_strptime({x}, {fmts}) AS DATE), {serial}) END)")
    return inner, outer


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()


def compute_file(path: str | Path, period: Period, today: date | None = None,
                 cache: bool = True) -> tuple[Results, dict[str, int]]:
    """Return the Results and the excluded-row counts for a CSV or Parquet export, computed
    by DuckDB. A CSV is parsed and validated once into a Parquet cache of the contract's
    columns (typed, normalised, never the personal ones) keyed by its content hash. Raises
    Unsupported when the pandas path must take over."""
    import duckdb

    path = Path(path)
    con = duckdb.connect()
    try:
        if cache and path.suffix.lower() == ".csv":
            target = cache_dir() / f"{_sha256(path)}.parquet"
            if not target.exists():
                _write_cache(con, _source(path), target)
            canonical = f"read_parquet({_lit(str(target))})"
        else:
            canonical = f"({_canonical(con, _source(path))})"
            _validate(con, canonical, check_bad=False)  # `bad` is checked in the group-by
        return _classify_and_group(con, canonical, period, today or date.today())
    except duckdb.Error as exc:  # e.g. invalid UTF-8: the pandas loader explains it
        raise Unsupported(str(exc).splitlines()[0]) from None
    finally:
        con.close()


def _write_cache(con, src: str, target: Path) -> None:
    with atomic_output(target) as tmp:  # a file that fails validation is never cached
        con.execute(f"COPY ({_canonical(con, src)}) TO {_lit(str(tmp))} "
                    "(FORMAT parquet, COMPRESSION zstd)")
        _validate(con, f"read_parquet({_lit(str(tmp))})")


def _validate(con, canonical: str, check_bad: bool = True) -> None:
    """Raise Unsupported when a row breaks the contract or a code repeats. Codes are
    compared by 64-bit hash: a collision can only send the file to the exact pandas check."""
    bad = "count(*) FILTER (WHERE bad)" if check_bad else "0"
    bad, dup = con.execute(f"SELECT {bad}, count(*) - count(DISTINCT hash(ma_ho_so)) "
                           f"FROM {canonical}").fetchone()
    if bad or dup:
        raise Unsupported("rows break the contract")


def _canonical(con, src: str) -> str:
    """Return a SELECT of the canonical, typed columns of the export, plus `bad` (the row
    breaks the contract)."""
    described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    types = {r[0]: str(r[1]) for r in described}
    hm = map_headers(list(types))
    if hm.duplicates:
        raise Unsupported("duplicate column")
    col = {canon: header for header, canon in hm.mapping.items()}
    if any(c.required and c.name not in col for c in COLUMNS):
        raise Unsupported("missing column")

    def text(name: str) -> str:  # NFC happens on the few distinct keys of the cube
        if name not in col:
            return "''"
        return f"coalesce(trim(replace(CAST({_q(col[name])} AS VARCHAR), chr(160), ' ')), '')"

    flags = [C.tra_kq_buu_chinh, C.da_so_hoa, C.thanh_toan_truc_tuyen]
    categorical = [col[n] for n in (C.cap, C.kenh_nop, C.muc_do_dvc, *flags) if n in col]
    distinct = _distinct(con, src, categorical)

    def flag(name: str) -> str:
        if name not in col:
            return "'no'"
        expr = _mapping(distinct[col[name]], col[name], FLAG_LOOKUP | {"": False})
        return f"(CASE WHEN {expr} = 'True' THEN 'yes' ELSE 'no' END)"

    dates = {alias: _date(con, src, col[name], types[col[name]], alias) for alias, name in
             (("recv", C.ngay_tiep_nhan), ("due", C.ngay_hen_tra), ("done", C.ngay_co_ket_qua))}
    level = _mapping(distinct[col[C.cap]], col[C.cap], LEVEL_LOOKUP)
    channel = _mapping(distinct[col[C.kenh_nop]], col[C.kenh_nop], CHANNEL_LOOKUP)
    service = (_mapping(distinct[col[C.muc_do_dvc]], col[C.muc_do_dvc], SERVICE_LEVEL_LOOKUP,
                        "unknown") if C.muc_do_dvc in col else "'unknown'")
    required_text = [c.name for c in COLUMNS if c.required and c.kind.value == "text"]
    empty = " OR ".join(f"{text(n)} = ''" for n in required_text)
    inner = ", ".join(i for i, _ in dates.values())
    outer = ", ".join(f"{o} AS {alias}" for alias, (_, o) in dates.items())
    bad_date = " OR ".join(f"(coalesce({a}_raw, '') <> '' AND {a} IS NULL)" for a in dates)
    return f"""
      SELECT {text(C.ma_ho_so)} AS ma_ho_so, recv, due, done,
             {bad_date} OR recv IS NULL OR due IS NULL OR {empty} AS bad,
             {level} AS cap, {channel} AS kenh, {text(C.linh_vuc)} AS linh_vuc,
             {text(C.co_quan)} AS co_quan, {service} AS service,
             {flag(C.tra_kq_buu_chinh)} AS postal, {flag(C.da_so_hoa)} AS digitised,
             {flag(C.thanh_toan_truc_tuyen)} AS paid,
             CASE WHEN {text(C.nhom_lien_thong)} <> '' THEN 'yes' ELSE 'no' END AS grp
      FROM (SELECT *, {outer} FROM (SELECT *, {inner} FROM {src}))"""


def _classify_and_group(con, canonical: str, period: Period, today: date) -> \
        tuple[Results, dict[str, int]]:
    start, end, now = (_lit(d.isoformat()) for d in (period.start, period.end, today))
    sql = f"""
    WITH c AS (
      SELECT *, CASE
          WHEN done IS NOT NULL AND done < recv THEN 'result_before_receipt'
          WHEN due < recv THEN 'due_before_receipt'
          WHEN recv > DATE {now} OR done > DATE {now} THEN 'date_in_future'
          WHEN recv > DATE {end} THEN 'received_after_end'
          WHEN done IS NOT NULL AND done < DATE {start} THEN 'finished_before_start'
          ELSE '' END AS reason,
        CASE WHEN recv >= DATE {start} THEN 'new' ELSE 'carried' END AS intake,
        CASE WHEN kenh = 'truc_tuyen' THEN 'online' ELSE 'offline' END AS channel_group,
        CASE WHEN done IS NOT NULL AND done <= DATE {end} THEN
               CASE WHEN done < due THEN 'early' WHEN done = due THEN 'on_time' ELSE 'late' END
             WHEN due >= DATE {end} THEN 'pending_in_time' ELSE 'pending_overdue' END AS outcome
      FROM {canonical})
    SELECT bool_or(bad) AS bad, reason, cap, linh_vuc, co_quan, intake, channel_group,
           outcome, service, postal, digitised, paid, grp,
           CASE WHEN reason = '' AND intake = 'new' THEN date_trunc('week', recv) END AS week,
           GROUPING(week) AS g_week, count(*) AS n
    FROM c
    GROUP BY GROUPING SETS (
      (reason, cap, linh_vuc, co_quan, intake, channel_group, outcome, service, postal,
       digitised, paid, grp),
      (reason, intake, channel_group, week))
    """
    res = con.execute(sql).df()
    if res["bad"].any():
        raise Unsupported("rows break the contract")
    full = res[res["g_week"] == 1].copy()
    weeks = res[(res["g_week"] == 0) & (res["reason"] == "") & res["week"].notna()]
    excluded = full[full["reason"] != ""].groupby("reason")["n"].sum().astype(int).to_dict()
    for key in (C.linh_vuc, C.co_quan):  # NFC on the distinct keys, then merge variants
        full[key] = full[key].map({v: nfc(v) for v in full[key].dropna().unique()})
    base = full[full["reason"] == ""]
    if (~base["cap"].isin(period.levels)).any():
        raise Unsupported("level not in period")
    base = base.rename(columns={"intake": INTAKE, "channel_group": CHANNEL_GROUP,
                                "outcome": OUTCOME, "service": SERVICE, "postal": POSTAL,
                                "digitised": DIGITISED, "paid": PAID_ONLINE, "grp": GROUP})
    dims = [C.cap, C.linh_vuc, C.co_quan, INTAKE, CHANNEL_GROUP, OUTCOME, SERVICE, POSTAL,
            DIGITISED, PAID_ONLINE, GROUP]
    base = base.groupby(dims, as_index=False, sort=False)["n"].sum()
    weeks = weeks.rename(columns={"week": WEEK, "channel_group": CHANNEL_GROUP})
    weeks = weeks.groupby([WEEK, CHANNEL_GROUP], as_index=False)["n"].sum()
    weeks[WEEK] = pd.to_datetime(weeks[WEEK])
    return results_from_cube(base, weeks, period), excluded

