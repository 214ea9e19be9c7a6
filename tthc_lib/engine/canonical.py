"""The canonical plan: the SELECT that maps an export's text cells to the canonical
dossier columns (through the profile, the vocabulary and the catalogue), with one
boolean per kind of violation (`e_…`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.schema import BY_NAME, UNKNOWN_FIELD, UNKNOWN_LEVEL, C, Kind, fold, nfc
from ..io.read import lit
from ..rules.catalog import Catalog
from ..rules.labels import labels
from ..rules.profiles import Resolution, vocabulary
from .sql import (
    MAX_DISTINCT,
    case_map,
    cell,
    date_parts,
    date_sql,
    distinct_values,
    is_blank,
    plausible,
    trimmed,
)

if TYPE_CHECKING:
    from .dataset import Dataset

# Where a dossier's level and field came from (`level_from`, `field_from`), as the report
# and `tthc inspect` say it.
LEVEL_FROM = labels("level_from")
FIELD_FROM = labels("field_from")

# Canonical columns of the dossiers table and their SQL types.
DATE_COLS = {C.ngay_nop: "nop", C.ngay_tiep_nhan: "recv", C.ngay_hen_tra: "due",
             C.ngay_co_ket_qua: "done", C.ngay_tra_kq: "handed",
             C.ngay_tu_choi: "refused", C.ngay_yeu_cau_bo_sung: "supplement"}
FLAG_COLS = {C.tra_kq_buu_chinh: "postal_return", C.da_so_hoa: "digitised",
             C.thanh_toan_truc_tuyen: "paid_online"}
TEXT_COLS = (C.ma_ho_so, C.ma_tthc, C.ten_tthc, C.ma_linh_vuc, C.nhom_lien_thong,
             C.noi_tiep_nhan)


@dataclass
class Build:
    select: list[str] = field(default_factory=list)  # canonical typed columns
    errors: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # error column -> (condition, canonical column, code, raw ref for the found value)
    joins: list[str] = field(default_factory=list)
    fallback: dict[str, str | None] = field(default_factory=dict)  # date alias -> SQL


def canonical_sql(ds: Dataset, res: Resolution, src: str, catalog: Catalog) -> str:
    """Return the SELECT that maps the raw cells to the canonical dossier columns, with one
    boolean per kind of violation (`e_…`)."""
    con, profile, voc = ds.con, res.profile, vocabulary()
    ref = {canon: f"c{i}" for canon, i in res.columns.items()}
    seen: dict[str, list] = {}

    def distinct(r: str) -> list[str | None]:  # each column scanned once
        if r not in seen:
            seen[r] = distinct_values(con, src, r)
        return seen[r]

    b = Build()
    b.select.append("_row")
    for canon in TEXT_COLS:
        b.select.append(f"{cell(ref[canon]) if canon in ref else 'NULL'} AS {canon}")
    # blank codes: NULL or '' here; codes of spaces only are caught with the duplicates
    b.errors["e_code"] = (f"({C.ma_ho_so} IS NULL OR {C.ma_ho_so} = '')", C.ma_ho_so, "empty",
                          ref[C.ma_ho_so])
    if C.co_quan in ref:
        b.select.append(f"{cell(ref[C.co_quan])} AS {C.co_quan}")
        blank = [v for v in distinct(ref[C.co_quan]) if v is not None
                 and not fold(v)]
        b.errors["e_agency"] = (f"({C.co_quan} IS NULL OR {C.co_quan} IN "
                                f"({', '.join(lit(v) for v in blank) or 'NULL'}))", C.co_quan,
                                "empty", ref[C.co_quan])
    else:  # a list that names no agency (the portal's): levels stay unknown
        b.select.append(f"CAST(NULL AS VARCHAR) AS {C.co_quan}")

    for canon, alias in DATE_COLS.items():
        if canon not in ref:
            b.select.append(f"CAST(NULL AS TIMESTAMP) AS {alias}")
            continue
        fast, full = date_parts(con, src, ref[canon], profile,
                                 ds._types.get(res.columns[canon], "VARCHAR"))
        b.select.append(f"{fast} AS f_{alias}")
        b.fallback[alias] = full(f"r_{alias}") if full else None
        if full is not None:  # text can be bad
            b.select.append(f"{cell(ref[canon])} AS r_{alias}")
            b.errors[f"e_{alias}"] = (f"{alias} IS NULL AND NOT {is_blank(f'r_{alias}')}",
                                      canon, "bad_date", ref[canon])

    def categorical(canon: str, alias: str, default: str | None = None,
                    refuse: bool = True) -> None:
        table = voc.table(canon, profile)
        values = distinct(ref[canon])
        mapping = {v: table.get(fold(v) if v is not None else "", default) for v in values}
        mapping[None] = table.get("", default)
        b.select.append(f"{case_map(ref[canon], mapping)} AS {alias}")
        unknown = [v for v in values if v is not None and fold(v) and mapping[v] is None]
        cond = (f"{cell(ref[canon])} IN ({', '.join(lit(v) for v in unknown)})" if unknown
                else "false")
        b.select.append(f"{cond} AS r_{alias}")
        if refuse:
            known = ", ".join(dict.fromkeys(c for c in table.values() if c))
            b.errors[f"e_{alias}"] = (f"r_{alias}", canon, f"unknown_value:{known}",
                                      ref[canon])

    if C.kenh_nop in ref:
        categorical(C.kenh_nop, "kenh")
        b.errors["e_kenh_empty"] = ("kenh IS NULL AND NOT r_kenh", C.kenh_nop, "empty",
                                    ref[C.kenh_nop])
    else:
        b.select.append("CAST(NULL AS VARCHAR) AS kenh")
    if C.muc_do_dvc in ref:  # an unknown service level degrades to "unknown"
        categorical(C.muc_do_dvc, "service", default="unknown", refuse=False)
    else:
        b.select.append("'unknown' AS service")
    for canon, alias in FLAG_COLS.items():
        if canon in ref:
            categorical(canon, alias)
        else:
            b.select.append(f"'no' AS {alias}")
    if C.trang_thai in ref:
        categorical(C.trang_thai, "status")
        b.select.append(f"CASE WHEN status IS NULL THEN {cell(ref[C.trang_thai])} END "
                        "AS status_text")  # an unknown status, quoted if the policy uses it
    else:
        b.select.append("CAST(NULL AS VARCHAR) AS status")
    grp = ref.get(C.nhom_lien_thong)
    b.select.append(f"CASE WHEN {is_blank(cell(grp))} THEN 'no' ELSE 'yes' END AS "
                    "interconnected" if grp else "'no' AS interconnected")

    # level: the column, else the catalogue, else the agency's name, else unknown
    level_col = C.cap in ref
    if level_col:
        categorical(C.cap, "cap_col")
    complete = level_col and all(v is not None and fold(v)
                                 for v in distinct(ref[C.cap]))
    agencies = [] if complete or C.co_quan not in ref else distinct(ref[C.co_quan])
    rows = []
    for a in agencies:
        if a is None:
            continue
        level, how = catalog.level(nfc(a))
        rows.append((a, level or UNKNOWN_LEVEL, how or "unknown"))
    if rows:
        ds.con.execute("CREATE OR REPLACE TEMP TABLE agency_levels (raw VARCHAR, level VARCHAR, "
                       "how VARCHAR)")
        ds.con.executemany("INSERT INTO agency_levels VALUES (?, ?, ?)", rows)
        b.joins.append(f"LEFT JOIN agency_levels al ON al.raw = {cell(ref[C.co_quan])}")
        derived, how = "al.level", "al.how"
    else:
        derived, how = f"'{UNKNOWN_LEVEL}'", "'unknown'"
    if level_col:
        b.select.append(f"coalesce(cap_col, {derived}) AS cap")
        b.select.append(f"CASE WHEN cap_col IS NOT NULL THEN 'column' ELSE {how} END "
                        "AS level_from")
    else:
        b.select.append(f"coalesce({derived}, '{UNKNOWN_LEVEL}') AS cap")
        b.select.append(f"coalesce({how}, 'unknown') AS level_from")

    # field: the column, else the catalogue by procedure code or name, else unknown
    fld = f"nullif(trim({cell(ref[C.linh_vuc])}), '')" if C.linh_vuc in ref else "NULL"
    if catalog.fields and (C.ma_tthc in ref or C.ten_tthc in ref):
        code_ref = cell(ref[C.ma_tthc]) if C.ma_tthc in ref else "NULL"
        name_ref = cell(ref[C.ten_tthc]) if C.ten_tthc in ref else "NULL"
        pairs = ds.con.execute(f"SELECT DISTINCT {code_ref}, {name_ref} FROM {src} "
                               f"LIMIT {MAX_DISTINCT}").fetchall()
        # one row per key: a blank code read as NULL and as '' is the same key, and a key
        # twice would join its dossiers twice
        keys = dict.fromkeys((c or "", n or "") for c, n in pairs)
        rows = [(c, n, f) for c, n in keys if (f := catalog.field_of(c, n))]
        if rows:
            ds.con.execute("CREATE OR REPLACE TEMP TABLE proc_fields (code VARCHAR, name "
                           "VARCHAR, field VARCHAR)")
            ds.con.executemany("INSERT INTO proc_fields VALUES (?, ?, ?)", rows)
            b.joins.append(f"LEFT JOIN proc_fields pf ON pf.code = coalesce({code_ref}, '') "
                           f"AND pf.name = coalesce({name_ref}, '')")
            b.select.append(f"coalesce({fld}, pf.field, {lit(UNKNOWN_FIELD)}) AS linh_vuc")
            b.select.append(f"CASE WHEN {fld} IS NOT NULL THEN 'column' WHEN pf.field IS NOT "
                            "NULL THEN 'catalogue' ELSE 'unknown' END AS field_from")
            fld = None
    if fld is not None:
        b.select.append(f"coalesce({fld}, {lit(UNKNOWN_FIELD)}) AS linh_vuc")
        b.select.append(f"CASE WHEN {fld} IS NOT NULL THEN 'column' ELSE 'unknown' END "
                        "AS field_from")

    # headers meaning the same column must agree with the one read
    for canon, others in res.also.items():
        for i in others:
            other = f"c{i}"
            kind = BY_NAME[canon].kind
            if kind is Kind.DATE:
                mine = plausible(date_sql(con, src, ref[canon], profile))
                theirs = plausible(date_sql(con, src, other, profile))
            elif kind is not Kind.TEXT:  # compare what the values mean, not how they read
                table = voc.table(canon, profile)
                mine, theirs = ({v: table.get(fold(v)) for v in distinct(r)
                                 if v is not None} for r in (ref[canon], other))
                mine, theirs = case_map(ref[canon], mine), case_map(other, theirs)
            else:
                mine, theirs = trimmed(ref[canon]), trimmed(other)
            b.select.append(f"({theirs} IS NOT NULL AND {mine} IS NOT NULL AND "
                            f"{theirs} <> {mine}) AS r_also_{i}")
            b.errors[f"e_also_{i}"] = (f"r_also_{i}", canon,
                                       f"headers_disagree:cột thứ {res.columns[canon] + 1} "
                                       f"và cột thứ {i + 1} ('{ds._headers[i]}')", other)
    ds._build = b  # kept for the violation messages
    names = [sel.rsplit(" AS ", 1)[-1] for sel in b.select]
    raw_cols = [n for n in names if n.startswith("r_")]
    inner = f"SELECT {', '.join(b.select)} FROM {src} {' '.join(b.joins)}"
    # levels, so that each date is parsed once: cells (the usual format) -> the fallback
    # only where that failed -> plausible years -> checks
    if b.fallback:
        fast = [f"f_{a}" for a in b.fallback]
        parsed = ", ".join(f"f_{a} AS p_{a}" if fb is None else
                           f"CASE WHEN f_{a} IS NOT NULL THEN f_{a} ELSE {fb} END AS p_{a}"
                           for a, fb in b.fallback.items())
        dates = ", ".join(f"{plausible(f'p_{a}')} AS {a}" for a in b.fallback)
        middle = (f"SELECT * EXCLUDE ({', '.join(f'p_{a}' for a in b.fallback)}), {dates} "
                  f"FROM (SELECT * EXCLUDE ({', '.join(fast)}), {parsed} FROM ({inner}) t0) t1")
    else:
        middle = inner
    outer_errors = ", ".join(f"coalesce({cond}, false) AS {name}" for name, (cond, *_)
                             in b.errors.items())
    exclude = f" EXCLUDE ({', '.join(raw_cols)})" if raw_cols else ""
    return f"SELECT *{exclude}, {outer_errors} FROM ({middle}) AS t2"
