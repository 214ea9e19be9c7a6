"""The one engine: DuckDB runs every rule, compiled to SQL from the declarations.

    file ──read──▶ text cells ──profile + vocabulary + catalogue──▶ canonical dossiers
         ──validate──▶ refusals (row, column, code)     ──policy + period──▶ classified
         ──group──▶ cube ──registry──▶ Results

`tthc compute`, `tthc inspect` and the report all go through `open_dataset` and
`Dataset.run`; there is no second implementation of any rule. Text cells are mapped
through the vocabularies once per distinct value (exports repeat a few categories).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from .catalog import EMPTY, Catalog
from .dims import OUTCOMES
from .errors import MAX_LISTED, InputError, Problem, raise_problems
from .paths import atomic_output, cache_dir, regular_file
from .periods import YEARS, Period
from .policy import Policy
from .profiles import (
    OFFSET_FORMATS,
    RULES,
    Profile,
    Resolution,
    builtin_profiles,
    detect,
    load_profile,
    vocabulary,
)
from .read import Raw, large_csv_head, lit, read, sha256_of, stream_csv
from .schema import (
    BY_NAME,
    UNKNOWN_FIELD,
    UNKNOWN_LEVEL,
    C,
    Kind,
    fold,
    nfc,
)
from .text import display

CACHE_VERSION = "4"  # bump when the canonical table changes shape
MAX_DISTINCT = 20000  # more distinct values than this in a categorical column: not an export
OFFSET_RX = r"(Z|[+-][0-9]{2}:?[0-9]{2})$"
LOCAL_HOURS = 7  # Asia/Ho_Chi_Minh has been UTC+7 all year since 1975 (no summer time)

# Rows kept out of the period's figures, and why (shown in the data-quality part).
EXCLUSIONS = {
    "status_not_counted": "trạng thái không được tính theo chính sách đếm",
    "finished_without_date": "trạng thái đã xong nhưng không có ngày kết thúc xử lý",
    "no_due_date": "không có ngày hẹn trả",
    "received_after_end": "tiếp nhận sau ngày chốt số liệu",
    "finished_before_start": "đã có kết quả trước kỳ báo cáo",
    "result_before_receipt": "ngày có kết quả trước ngày tiếp nhận",
    "due_before_receipt": "ngày hẹn trả trước ngày tiếp nhận",
    "date_in_future": "ngày tiếp nhận hoặc ngày có kết quả sau ngày lập báo cáo",
}
DATA_ERRORS = ("result_before_receipt", "due_before_receipt", "date_in_future")
LISTED = ("finished_without_date", *DATA_ERRORS)  # rows listed by number in the report


def data_errors(excluded: dict[str, int], rows: dict[str, list[int]]) -> list[str]:
    """Return one sentence per kind of data error: how many rows, why, and which rows."""
    return [f"{n} hồ sơ: {EXCLUSIONS[k]} (các dòng {', '.join(map(str, rows.get(k, [])[:10]))})"
            for k, n in excluded.items() if k in DATA_ERRORS]

# Where a dossier's level and field came from (`level_from`, `field_from`), as the report
# and `tthc inspect` say it.
LEVEL_FROM = {"column": "theo cột của tệp", "catalogue": "theo danh mục",
              "name": "suy ra từ tên cơ quan", "unknown": "chưa xác định được cấp"}
FIELD_FROM = {"column": "theo cột của tệp", "catalogue": "theo danh mục thủ tục",
              "unknown": "xếp vào “Chưa xác định lĩnh vực”"}

# Canonical columns of the dossiers table and their SQL types.
DATE_COLS = {C.ngay_nop: "nop", C.ngay_tiep_nhan: "recv", C.ngay_hen_tra: "due",
             C.ngay_co_ket_qua: "done", C.ngay_tra_kq: "handed",
             C.ngay_tu_choi: "refused", C.ngay_yeu_cau_bo_sung: "supplement"}
FLAG_COLS = {C.tra_kq_buu_chinh: "postal_return", C.da_so_hoa: "digitised",
             C.thanh_toan_truc_tuyen: "paid_online"}
TEXT_COLS = (C.ma_ho_so, C.ma_tthc, C.ten_tthc, C.ma_linh_vuc, C.nhom_lien_thong)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------- the canonical table


@dataclass
class Dataset:
    """An export read, mapped and validated: the `dossiers` table in a DuckDB connection,
    and what reading saw (for the data-quality part and `tthc inspect`)."""

    con: object
    source: str
    sha256: str
    rows_read: int
    header_row: int
    profile: Profile
    headers: dict[str, str]  # canonical -> the header read
    also: dict[str, list[str]]  # canonical -> other headers meaning the same (agreed)
    personal: list[str]
    extra: list[str]
    identical_duplicates: int = 0
    present: frozenset = frozenset()  # canonical columns the file carries
    level_from: dict[str, int] = field(default_factory=dict)  # column|catalogue|name|unknown
    unknown_agencies: list[str] = field(default_factory=list)
    field_from: dict[str, int] = field(default_factory=dict)  # column|catalogue|unknown
    catalog: Catalog = EMPTY
    checked: bool = True  # False: a Parquet export read in place, checked by the first run
    origin: str = ""  # the export's path, for its hash when it was not needed before
    relation: str = "dossiers"  # what runs count: the table, or a variant's view of it

    def close(self) -> None:
        self.con.close()
        if getattr(self, "_work", None):
            shutil.rmtree(self._work, ignore_errors=True)

    def digest(self) -> str:
        """Return the SHA-256 of the export (for provenance)."""
        if not self.sha256 and self.origin:
            self.sha256 = sha256_of(Path(self.origin))
        return self.sha256

    def describe(self) -> Dataset:
        """Fill in where levels and fields came from (once; cached exports have it)."""
        if not self.level_from:
            _describe_levels(self)
        return self

    def variant(self, name: str, sql: str, present: frozenset | None = None) -> Dataset:
        """Return a view `name` of the same connection (`sql` over `dossiers` and other
        tables there) as a Dataset that runs count like this one: one relation of the same
        canonical columns, another set of dossiers (a reconciliation's step). Never close
        it: it shares this connection."""
        import dataclasses

        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
        return dataclasses.replace(self, relation=name, checked=True,
                                   present=self.present if present is None else present)

    def frame(self, sql: str = "SELECT * FROM dossiers ORDER BY _row"):
        """Return a query over the dossiers as a pandas DataFrame (drill-downs, notebooks)."""
        return self.con.execute(sql).df()


def _text(ref: str) -> str:
    """SQL of a cell as trimmed text, NULL when blank (for parsing and messages)."""
    return f"nullif(trim(replace(CAST({ref} AS VARCHAR), chr(160), ' ')), '')"


def _raw(ref: str) -> str:
    """SQL of a cell as it is. Per-row work stays minimal: spaces, NFC and spellings of
    categories are settled once per distinct value, in Python (`clean`)."""
    return f"CAST({ref} AS VARCHAR)"


def _blank(expr: str) -> str:
    # trim only the values that start with a space (cheap for millions of codes)
    return f"({expr} IS NULL OR {expr} = '' OR (ascii({expr}) IN (9, 32, 160) AND trim(" \
           f"replace({expr}, chr(160), ' ')) = ''))"


def _distinct(con, src: str, ref: str) -> list[str | None]:
    rows = con.execute(f"SELECT DISTINCT {_raw(ref)} FROM {src} LIMIT {MAX_DISTINCT + 1}"
                       ).fetchall()
    if len(rows) > MAX_DISTINCT:
        raise InputError(f"cột {ref} có hơn {MAX_DISTINCT} giá trị khác nhau: không phải cột "
                         "danh mục")
    return [r[0] for r in rows]


def _case(ref: str, table: dict[str, str | None]) -> str:
    """Return a SQL CASE mapping a column's raw values through `table` (raw -> code)."""
    null = table.get(None)
    whens = " ".join(f"WHEN {lit(v)} THEN {lit(c)}" for v, c in table.items()
                     if v is not None and c is not None)
    default = lit(null) if null is not None else "NULL"
    return f"(CASE {_raw(ref)} {whens} ELSE {default} END)" if whens else default


def _date_sql(con, src: str, ref: str, profile: Profile, dtype: str = "VARCHAR") -> str:
    """Return SQL turning a column into a local TIMESTAMP (see `_date_parts`)."""
    fast, full = _date_parts(con, src, ref, profile, dtype)
    return fast if full is None else f"coalesce({fast}, {full(_raw(ref))})"


def _date_parts(con, src: str, ref: str, profile: Profile, dtype: str = "VARCHAR"):
    """Return (fast SQL, a function of a text expression giving the fallback SQL or None).
    A typed column (Parquet) is taken as it is. Text: `fast` tries the format most of the
    column's values use; the fallback (every accepted format, UTC offsets converted to
    Vietnam time, Vietnamese SA/CH for AM/PM, Excel serials) runs only where it failed."""
    shift = f" + INTERVAL {LOCAL_HOURS} HOUR" if profile.timezone == "utc" else ""
    if dtype.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"make_timestamp(epoch_us({ref}) + {LOCAL_HOURS * 3600 * 1_000_000})", None
    if _typed(dtype):
        return f"CAST({ref} AS TIMESTAMP){shift}", None
    formats = profile.formats()
    fmts = "[" + ", ".join(lit(f) for f in formats) + "]"
    zfmts = "[" + ", ".join(lit(f) for f in OFFSET_FORMATS) + "]"
    us = LOCAL_HOURS * 3600 * 1_000_000

    def ampm(x: str) -> str:
        return f"regexp_replace(regexp_replace({x}, '\\bSA$|\\bSA\\b', 'AM'), '\\bCH\\b', 'PM')"

    def zulu(x: str) -> str:
        return f"regexp_replace({x}, 'Z$', '+0000')"

    def full(raw: str) -> str:
        x = f"nullif(trim(replace({raw}, chr(160), ' ')), '')"
        offset = f"make_timestamp(epoch_us(try_strptime({zulu(x)}, {zfmts})) + {us})"
        serial = (f"CASE WHEN regexp_full_match({x}, '[2-7][0-9]{{4}}(\\.[0-9]+)?') THEN "
                  f"TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST({x} AS DOUBLE) * "
                  f"86400) AS BIGINT) * 1000000) END")
        return f"coalesce(try_strptime({ampm(x)}, {fmts}){shift}, {offset}, {serial})"

    x = _text(ref)
    probe = ", ".join(f"count(try_strptime(a, {lit(f)}))" for f in formats)
    zprobe = ", ".join(f"count(try_strptime(z, {lit(f)}))" for f in OFFSET_FORMATS)
    counts = con.execute(
        f"SELECT {probe}, {zprobe} FROM (SELECT {ampm(x)} AS a, {zulu(x)} AS z FROM {src} "
        f"WHERE {x} IS NOT NULL LIMIT 2000)").fetchone()
    best = max(range(len(counts)), key=lambda i: counts[i])
    if counts[best] == 0:
        return "CAST(NULL AS TIMESTAMP)", full
    if best >= len(formats):  # mostly ISO with an offset
        fmt = OFFSET_FORMATS[best - len(formats)]
        return f"make_timestamp(epoch_us(try_strptime({zulu(_raw(ref))}, {lit(fmt)})) + {us})", \
            full
    fmt = formats[best]
    text = ampm(_raw(ref)) if "%p" in fmt else _raw(ref)
    return f"try_strptime({text}, {lit(fmt)}){shift}", full


def _typed(dtype: str) -> bool:
    return dtype.startswith(("TIMESTAMP", "DATE"))


def _plausible(expr: str) -> str:
    return f"(CASE WHEN year({expr}) BETWEEN {YEARS[0]} AND {YEARS[1]} THEN {expr} END)"


@dataclass
class _Build:
    select: list[str] = field(default_factory=list)  # canonical typed columns
    errors: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    # error column -> (condition, canonical column, code, raw ref for the found value)
    joins: list[str] = field(default_factory=list)
    fallback: dict[str, str | None] = field(default_factory=dict)  # date alias -> SQL


def _canonical_sql(ds: Dataset, res: Resolution, src: str, catalog: Catalog) -> str:
    """Return the SELECT that maps the raw cells to the canonical dossier columns, with one
    boolean per kind of violation (`e_…`)."""
    con, profile, voc = ds.con, res.profile, vocabulary()
    ref = {canon: f"c{i}" for canon, i in res.columns.items()}
    b = _Build()
    b.select.append("_row")
    for canon in TEXT_COLS:
        b.select.append(f"{_raw(ref[canon]) if canon in ref else 'NULL'} AS {canon}")
    # blank codes: NULL or '' here; codes of spaces only are caught with the duplicates
    b.errors["e_code"] = (f"({C.ma_ho_so} IS NULL OR {C.ma_ho_so} = '')", C.ma_ho_so, "empty",
                          ref[C.ma_ho_so])
    if C.co_quan in ref:
        b.select.append(f"{_raw(ref[C.co_quan])} AS {C.co_quan}")
        blank = [v for v in _distinct(con, src, ref[C.co_quan]) if v is not None
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
        fast, full = _date_parts(con, src, ref[canon], profile,
                                 ds._types.get(res.columns[canon], "VARCHAR"))
        b.select.append(f"{fast} AS f_{alias}")
        b.fallback[alias] = full(f"r_{alias}") if full else None
        if full is not None:  # text can be bad
            b.select.append(f"{_raw(ref[canon])} AS r_{alias}")
            b.errors[f"e_{alias}"] = (f"{alias} IS NULL AND NOT {_blank(f'r_{alias}')}",
                                      canon, "bad_date", ref[canon])

    def categorical(canon: str, alias: str, default: str | None = None,
                    refuse: bool = True) -> None:
        table = voc.table(canon, profile)
        values = _distinct(con, src, ref[canon])
        mapping = {v: table.get(fold(v) if v is not None else "", default) for v in values}
        mapping[None] = table.get("", default)
        b.select.append(f"{_case(ref[canon], mapping)} AS {alias}")
        unknown = [v for v in values if v is not None and fold(v) and mapping[v] is None]
        cond = (f"{_raw(ref[canon])} IN ({', '.join(lit(v) for v in unknown)})" if unknown
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
        b.select.append(f"CASE WHEN status IS NULL THEN {_raw(ref[C.trang_thai])} END "
                        "AS status_text")  # an unknown status, quoted if the policy uses it
    else:
        b.select.append("CAST(NULL AS VARCHAR) AS status")
    grp = ref.get(C.nhom_lien_thong)
    b.select.append(f"CASE WHEN {_blank(_raw(grp))} THEN 'no' ELSE 'yes' END AS "
                    "interconnected" if grp else "'no' AS interconnected")

    # level: the column, else the catalogue, else the agency's name, else unknown
    level_col = C.cap in ref
    if level_col:
        categorical(C.cap, "cap_col")
    complete = level_col and all(v is not None and fold(v)
                                 for v in _distinct(con, src, ref[C.cap]))
    agencies = [] if complete or C.co_quan not in ref else _distinct(con, src, ref[C.co_quan])
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
        b.joins.append(f"LEFT JOIN agency_levels al ON al.raw = {_raw(ref[C.co_quan])}")
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
    fld = f"nullif(trim({_raw(ref[C.linh_vuc])}), '')" if C.linh_vuc in ref else "NULL"
    if catalog.fields and (C.ma_tthc in ref or C.ten_tthc in ref):
        code_ref = _raw(ref[C.ma_tthc]) if C.ma_tthc in ref else "NULL"
        name_ref = _raw(ref[C.ten_tthc]) if C.ten_tthc in ref else "NULL"
        pairs = ds.con.execute(f"SELECT DISTINCT {code_ref}, {name_ref} FROM {src} "
                               f"LIMIT {MAX_DISTINCT}").fetchall()
        rows = [(c or "", n or "", catalog.field_of(c or "", n or "")) for c, n in pairs]
        rows = [r for r in rows if r[2]]
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
                mine = _plausible(_date_sql(con, src, ref[canon], profile))
                theirs = _plausible(_date_sql(con, src, other, profile))
            elif kind is not Kind.TEXT:  # compare what the values mean, not how they read
                table = voc.table(canon, profile)
                mine, theirs = ({v: table.get(fold(v)) for v in _distinct(con, src, r)
                                 if v is not None} for r in (ref[canon], other))
                mine, theirs = _case(ref[canon], mine), _case(other, theirs)
            else:
                mine, theirs = _text(ref[canon]), _text(other)
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
        dates = ", ".join(f"{_plausible(f'p_{a}')} AS {a}" for a in b.fallback)
        middle = (f"SELECT * EXCLUDE ({', '.join(f'p_{a}' for a in b.fallback)}), {dates} "
                  f"FROM (SELECT * EXCLUDE ({', '.join(fast)}), {parsed} FROM ({inner}) t0) t1")
    else:
        middle = inner
    outer_errors = ", ".join(f"coalesce({cond}, false) AS {name}" for name, (cond, *_)
                             in b.errors.items())
    exclude = f" EXCLUDE ({', '.join(raw_cols)})" if raw_cols else ""
    return f"SELECT *{exclude}, {outer_errors} FROM ({middle}) AS t2"


def _violations(ds: Dataset, src: str, override: dict[str, str] | None = None) -> None:
    """Raise one InputError listing the first violations of every kind, if any
    (`override`: a stricter condition for some checks)."""
    b = ds._build
    names = [n for n in b.errors if n != "e_status"]  # statuses: checked by the policy
    if not names:
        return
    cond = {n: (override or {}).get(n, n) for n in names}
    counts = ds.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {cond[n]})"
                                                  for n in names) + " FROM canon").fetchone()
    total = sum(counts)
    if not total:
        return
    problems: list[Problem] = []
    for name, n in zip(names, counts, strict=True):
        if not n or len(problems) >= MAX_LISTED:
            continue
        _, canon, code, raw_ref = b.errors[name]
        code, _, detail = code.partition(":")
        rows = [r[0] for r in ds.con.execute(
            f"SELECT _row FROM canon WHERE {cond[name]} ORDER BY _row LIMIT {MAX_LISTED}"
        ).fetchall()]
        found = dict(ds.con.execute(
            f"SELECT _row, {_text(raw_ref)} FROM {src} WHERE _row IN "
            f"({', '.join(map(str, rows))})").fetchall())
        col = BY_NAME[canon]
        for r in rows[: MAX_LISTED - len(problems)]:
            value = found.get(r)
            problems.append(Problem(int(r), canon, col.expected or "giá trị không rỗng",
                                    None if code == "empty" else nfc(value or ""), code, detail))
    raise_problems(ds.source, problems, total)


def _dedupe(ds: Dataset) -> None:
    """Keep identical duplicate rows once; refuse one code with different contents."""
    con = ds.con
    cols = [r[0] for r in con.execute("DESCRIBE canon").fetchall()
            if r[0] != "_row" and not r[0].startswith("e_")]
    n, codes = con.execute("SELECT count(*), count(DISTINCT ma_ho_so) FROM canon").fetchone()
    if n == codes:
        con.execute("DROP VIEW IF EXISTS dossiers")
        con.execute("CREATE OR REPLACE TEMP VIEW dossiers AS SELECT * FROM canon")
        return
    row = "row(" + ", ".join(cols) + ")"
    conflicts = con.execute(
        f"SELECT ma_ho_so, list(_row ORDER BY _row) FROM canon GROUP BY ma_ho_so "
        f"HAVING count(DISTINCT {row}) > 1 ORDER BY min(_row) LIMIT {MAX_LISTED}").fetchall()
    if conflicts:
        total = con.execute(f"SELECT count(*) FROM (SELECT ma_ho_so FROM canon GROUP BY "
                            f"ma_ho_so HAVING count(DISTINCT {row}) > 1)").fetchone()[0]
        problems = [Problem(rows[0], C.ma_ho_so, "", nfc(code), "duplicate_code",
                            ", ".join(map(str, rows))) for code, rows in conflicts]
        raise_problems(ds.source, problems, total)
    con.execute("DROP VIEW IF EXISTS dossiers")
    con.execute("CREATE OR REPLACE TEMP TABLE dossiers AS SELECT * FROM canon QUALIFY "
                "row_number() OVER (PARTITION BY ma_ho_so ORDER BY _row) = 1 ORDER BY _row")
    ds.identical_duplicates = n - codes


def _cache_key(sha: str, sheet, profile: Profile | None, catalog: Catalog,
               optional: frozenset = frozenset()) -> str:
    import hashlib

    rules = hashlib.sha256()
    for f in sorted(RULES.rglob("*.yaml")):  # a changed profile or vocabulary: a new key
        rules.update(f.read_bytes())
    key = json.dumps([sha, str(sheet), repr(profile), catalog.sha256, CACHE_VERSION,
                      rules.hexdigest(), sorted(optional)])
    return hashlib.sha256(key.encode()).hexdigest()[:40]


_META = ("source", "sha256", "rows_read", "header_row", "headers", "also", "personal", "extra",
         "identical_duplicates", "level_from", "unknown_agencies", "field_from")


def open_dataset(path: str | Path, sheet: str | None = None, profile: Profile | None = None,
                 catalog: Catalog = EMPTY, cache: bool = True,
                 optional: frozenset[str] = frozenset()) -> Dataset:
    """Return the validated dossiers of an export (CSV, XLSX, Parquet) in a DuckDB table.
    Refusals raise InputError naming file, row, column and what was expected. A table that
    validated is kept as Parquet under the export's content hash (never the personal
    columns), so re-runs do not parse the export again. `optional`: required columns this
    file may lack (the national portal's dossier list has no agency column)."""
    import duckdb

    path = Path(path)
    regular_file(path)
    con = duckdb.connect()
    try:
        # Parquet is read in place and never cached: its hash is taken only if asked for
        sha = "" if path.suffix.lower() == ".parquet" else sha256_of(path)
        stem = cache_dir() / f"ds-{_cache_key(sha, sheet, profile, catalog, optional)}"
        parquet, meta = stem.with_suffix(".parquet"), stem.with_suffix(".json")
        if cache and sha and (ds := _from_cache(con, parquet, meta, catalog)) is not None:
            return ds
        raw = res = None
        if (head := large_csv_head(path)) is not None:
            raw, res = _streamed(con, path, sha, head, profile, optional)
        if raw is None:
            raw = read(con, path, sheet, sha)
            res = detect([str(h) for h in raw.headers], profile, path.name, optional)
        if raw.rows == 0:
            raise InputError(f"Tệp '{path.name}' chỉ có dòng tiêu đề, không có hồ sơ nào.")
        ds = Dataset(con, path.name, raw.sha256, raw.rows, raw.header_row, res.profile,
                     {c: str(raw.headers[i]) for c, i in res.columns.items()},
                     {c: [str(raw.headers[i]) for i in v] for c, v in res.also.items()},
                     [str(raw.headers[i]) for i in res.personal],
                     [str(raw.headers[i]) for i in res.extra], catalog=catalog,
                     origin=str(path))
        ds.present = frozenset(res.columns)
        ds._headers = [str(h) for h in raw.headers]
        ds._types = raw.types or {}
        src = raw.bind(con, set(res.personal) | set(res.extra))
        if raw.kind == "parquet":  # already columnar: each run reads it in one scan, and the
            # first run also checks it (errors, duplicate codes) in that scan
            con.execute(f"CREATE TEMP VIEW canon AS {_canonical_sql(ds, res, src, catalog)}")
            con.execute("CREATE TEMP VIEW dossiers AS SELECT * FROM canon")
            ds.checked, ds._src = False, src
            return ds
        # text cells: mapped, parsed and typed once, streamed to Parquet (not held in
        # memory), then checked there; the raw cells are only read again for messages
        ds._work = Path(tempfile.mkdtemp(prefix="tthc-"))
        staged = ds._work / "canon.parquet"
        con.execute(f"COPY ({_canonical_sql(ds, res, src, catalog)}) TO {lit(staged)} "
                    "(FORMAT parquet)")
        con.execute(f"CREATE TEMP VIEW canon AS SELECT * FROM read_parquet({lit(staged)})")
        _violations(ds, src, {"e_code": _blank(C.ma_ho_so)})
        _dedupe(ds)
        if raw.kind == "streamed":
            shutil.rmtree(Path(raw.cells).parent, ignore_errors=True)
        else:
            con.unregister("raw_cells")
        _describe_levels(ds)
        if cache:
            _store(ds, parquet, meta, None if ds.identical_duplicates else staged)
        return ds
    except duckdb.Error as exc:
        _abandon(con, locals().get("ds"))
        raise InputError(f"Tệp '{path.name}' không đọc được ({str(exc).splitlines()[0][:200]})."
                         ) from None
    except BaseException:
        _abandon(con, locals().get("ds"))
        raise


def read_cells(path: str | Path, sheet: str | None = None) -> tuple[list[str], int, list]:
    """Return the header row, its row number and the text cells of a table that is not a
    dossier export (the portal's statistics, a form), read by the same reader as exports
    (encodings, banners, merged cells), with no profile applied."""
    import duckdb

    con = duckdb.connect()
    try:
        raw = read(con, Path(path), sheet)
        src = raw.bind(con, set())
        cells = ", ".join(f"c{i}" for i in range(len(raw.headers)))
        rows = con.execute(f"SELECT {cells} FROM {src} ORDER BY _row").fetchall()
        return [str(h) for h in raw.headers], raw.header_row, rows
    except duckdb.Error as exc:
        raise InputError(f"Tệp '{Path(path).name}' không đọc được "
                         f"({str(exc).splitlines()[0][:200]}).") from None
    finally:
        con.close()


def _streamed(con, path: Path, sha: str, head, profile, optional: frozenset = frozenset()):
    """Return (Raw, Resolution) of a large UTF-8 CSV streamed to a private Parquet of its
    non-personal cells, or (None, None) when it is not UTF-8 after all (read whole)."""
    import pyarrow as pa

    headers, sep = head
    res = detect([str(h) for h in headers], profile, path.name, optional)
    drop = set(res.personal) | set(res.extra)
    work = Path(tempfile.mkdtemp(prefix="tthc-cells-"))
    cells = work / "cells.parquet"
    try:
        rows = stream_csv(path, headers, sep, [i for i in range(len(headers))
                                               if i not in drop], cells)
    except pa.ArrowInvalid:
        shutil.rmtree(work, ignore_errors=True)
        return None, None
    raw = Raw(path, headers, 1, sha, "streamed", rows=rows)
    raw.cells = str(cells)
    return raw, res


def _abandon(con, ds) -> None:
    if ds is not None:
        ds.close()
    else:
        con.close()


def _describe_levels(ds: Dataset) -> None:
    con = ds.con
    ds.level_from = dict(con.execute("SELECT level_from, count(*) FROM dossiers GROUP BY 1"
                                     ).fetchall())
    ds.field_from = dict(con.execute("SELECT field_from, count(*) FROM dossiers GROUP BY 1"
                                     ).fetchall())
    ds.unknown_agencies = sorted({display(a) for (a,) in con.execute(
        f"SELECT DISTINCT co_quan FROM dossiers WHERE cap = '{UNKNOWN_LEVEL}' AND co_quan IS "
        "NOT NULL LIMIT 50"
    ).fetchall()})


def _from_cache(con, parquet: Path, meta: Path, catalog: Catalog) -> Dataset | None:
    """Return the Dataset kept in the cache, or None when there is none or it is damaged
    (a disk that filled up, a file edited by hand): then it is removed and rebuilt."""
    try:
        if not (parquet.is_file() and meta.is_file()):
            return None
        saved = json.loads(meta.read_text(encoding="utf-8"))
        ds = Dataset(con, profile=load_profile(saved.pop("profile")), catalog=catalog,
                     present=frozenset(saved.pop("present")), **saved)
        con.execute(f"CREATE TEMP VIEW dossiers AS SELECT * FROM read_parquet({lit(parquet)})")
        rows = con.execute("SELECT count(*) FROM dossiers").fetchall()[0][0]  # no open result
        if rows > ds.rows_read:
            raise ValueError("more rows than the export")
        return ds
    except Exception:  # noqa: BLE001 — whatever is wrong with it, the export is read again
        con.execute("DROP VIEW IF EXISTS dossiers")
        for f in (parquet, meta):
            try:
                f.unlink(missing_ok=True)
            except OSError:
                pass
        return None


def _store(ds: Dataset, parquet: Path, meta: Path, staged: Path | None) -> None:
    """Keep the validated dossiers under the export's hash (`staged`: already written).
    Only for shipped profiles: a user's own profile file may change under the same name."""
    shipped = builtin_profiles().get(ds.profile.name) == ds.profile
    if not shipped:
        return
    try:
        with atomic_output(parquet) as tmp:
            if staged is not None:
                shutil.copyfile(staged, tmp)
            else:
                ds.con.execute(f"COPY (SELECT * FROM dossiers) TO {lit(tmp)} (FORMAT parquet)")
        with atomic_output(meta) as tmp:
            saved = {k: getattr(ds, k) for k in _META}
            saved |= {"profile": ds.profile.name, "present": sorted(ds.present)}
            tmp.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 — a full disk, a read-only home, TTHC_CACHE a
        # file: the report does not need the cache, so say it once and go on without it
        import sys

        print(f"Cảnh báo: không ghi được bộ nhớ đệm vào '{parquet.parent}' (đầy đĩa, không có "
              f"quyền ghi hoặc không phải thư mục: {type(exc).__name__}); lần chạy sau sẽ đọc "
              "lại tệp dữ liệu.", file=sys.stderr)


# ---------------------------------------------------------------- the status policy


def classify_sql(policy: Policy, period: Period, today: date,
                 relation: str = "dossiers") -> str:
    """Return the SELECT that classifies every dossier of `relation` for `period` under
    `policy`: the status treatment, why a row is left out (`reason`, '' when counted),
    intake (new | carried), outcome and the channel group. The one definition of the
    counting rules."""
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
    pending = (f"CASE WHEN due IS NULL OR CAST(due AS DATE) {cmp} {end} THEN 'pending_in_time' "
               "ELSE 'pending_overdue' END")
    if policy.compare == "timestamp":
        timely = ("CASE WHEN due IS NULL THEN 'on_time' WHEN res > due THEN 'late' "
                  "WHEN CAST(res AS DATE) < CAST(due AS DATE) THEN 'early' ELSE 'on_time' END")
    else:
        timely = ("CASE WHEN due IS NULL THEN 'on_time' WHEN CAST(res AS DATE) < CAST(due AS DATE) "
                  "THEN 'early' WHEN CAST(res AS DATE) = CAST(due AS DATE) THEN 'on_time' "
                  "ELSE 'late' END")
    uses_res = "treat IN ('by_dates', 'finished', 'returned', 'waiting', 'withdrawn')"
    # on hold (5, 6, 8): in time whatever the due date — except a supplement requested
    # after the end, which was still being processed at the end
    hold = f"(treat = 'on_hold' AND NOT (status = '5' AND coalesce(supplement > {end}, false)))"
    no_due = "'no_due_date'" if policy.no_due_date == "not_counted" else "''"
    return f"""
    SELECT *,
      CASE
        WHEN treat = 'not_counted' THEN 'status_not_counted'
        WHEN recv IS NULL THEN 'missing_receipt'
        WHEN treat IN ('finished', 'returned') AND res IS NULL THEN 'finished_without_date'
        WHEN due IS NULL AND {no_due} <> '' THEN {no_due}
        WHEN {uses_res} AND res IS NOT NULL AND CAST(res AS DATE) < CAST(recv AS DATE)
          THEN 'result_before_receipt'
        WHEN CAST(due AS DATE) < CAST(recv AS DATE) THEN 'due_before_receipt'
        WHEN CAST(recv AS DATE) > {now} OR ({uses_res} AND CAST(res AS DATE) > {now})
          THEN 'date_in_future'
        WHEN CAST(recv AS DATE) > {end} THEN 'received_after_end'
        WHEN {uses_res} AND CAST(res AS DATE) < {start} THEN 'finished_before_start'
        ELSE '' END AS reason,
      CASE WHEN CAST(recv AS DATE) >= {start} THEN 'new' ELSE 'carried' END AS intake,
      CASE WHEN kenh IS NULL THEN 'unknown' WHEN kenh = 'truc_tuyen' THEN 'online'
           ELSE 'offline' END AS channel_group,
      CASE
        WHEN {hold} THEN 'pending_in_time'
        WHEN treat IN ('pending', 'on_hold') THEN {pending}
        WHEN res IS NOT NULL AND CAST(res AS DATE) <= {end} THEN
          CASE treat WHEN 'returned' THEN 'on_time' WHEN 'withdrawn' THEN 'withdrawn'
                     ELSE {timely} END
        WHEN treat = 'waiting' THEN 'pending_waiting'
        ELSE {pending} END AS outcome
    FROM (SELECT *, {treat} AS treat, {res} AS res FROM {relation})"""


# ---------------------------------------------------------------- counting


@dataclass
class Run:
    """One period counted under one policy: the Results (and, on demand, without or only
    the interconnected groups), what was left out and why, how each status was counted."""

    results: object  # compute.Results
    policy: Policy
    excluded: dict[str, int]
    excluded_rows: dict[str, list[int]]
    rows_used: int
    by_status: dict[str, int]  # national status code ('' = no status) -> dossiers
    status_table: list[dict]
    cube: object = None  # compute.Cube of the counted dossiers
    weeks: dict = field(default_factory=dict)
    period: Period | None = None
    absent: frozenset = frozenset()

    def _split(self, flag: str):
        from .compute import results_from_cube

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
        hint = ("Trạng thái lạ: thêm vào hồ sơ nguồn (values.trang_thai) hoặc dùng "
                "--policy dates-only." if unknown_status else "")
        raise_problems(ds.source, problems, totals, hint)
    stray = sorted(levels - set(period.levels) - {UNKNOWN_LEVEL})
    if stray:
        rows = [r for (r,) in ds.con.execute(
            f"SELECT _row FROM {rel} WHERE reason = '' AND cap IN "
            f"({', '.join(lit(s) for s in stray)}) ORDER BY _row LIMIT 10").fetchall()]
        raise InputError(
            f"Tệp '{ds.source}': kỳ {period.label_vi} thuộc chính quyền địa phương hai cấp (từ "
            f"01/07/2025 không còn cấp huyện) nhưng có hồ sơ cấp '{stray[0]}' (dòng "
            f"{', '.join(map(str, rows))}). Cột 'Cấp thực hiện' (cap) chỉ nhận: "
            f"{', '.join(period.levels)}.", code="level_not_in_period")


def run(ds: Dataset, policy: Policy, period: Period, today: date | None = None) -> Run:
    """Return the Run of `period` under `policy`: one scan of the dossiers grouped into the
    cube, the weekly intake and the status table."""
    from .compute import Cube, results_from_cube

    today = today or date.today()
    cols = {r[0] for r in ds.con.execute(f"DESCRIBE {ds.relation}").fetchall()}
    bad_status = "count(*) FILTER (WHERE e_status)" if "e_status" in cols else "0"
    errors = [n for n in getattr(ds, "_build", _Build()).errors if n != "e_status"]
    status_set = (",\n      (status, treat, reason, outcome)" if C.trang_thai in ds.present
                  else "")
    bad_rows = (f"count(*) FILTER (WHERE {' OR '.join(errors)})" if errors and not ds.checked
                else "0")
    sql = f"""
    WITH c AS ({classify_sql(policy, period, today, ds.relation)})
    SELECT reason, {', '.join(CUBE_KEYS)}, {', '.join(CUBE_DIMS)},
           {'status, treat' if status_set else "NULL AS status, 'by_dates' AS treat"},
           CASE WHEN reason = '' AND intake = 'new' THEN date_trunc('week', recv) END AS week,
           GROUPING(week) AS g_week, {'GROUPING(status)' if status_set else '1'} AS g_status,
           count(*) AS n,
           {bad_status} AS bad_status, {bad_rows} AS bad_rows
    FROM c
    GROUP BY GROUPING SETS (
      (reason, {', '.join(CUBE_KEYS)}, {', '.join(CUBE_DIMS)}),
      (reason, intake, channel_group, interconnected, week){status_set})"""
    raw = ds.con.execute(sql).fetchnumpy()
    if not ds.checked:
        if int(np.asarray(raw["bad_rows"]).sum()):
            _violations(ds, ds._src)
        # by 64-bit hash: a collision only sends the file to the exact check in _dedupe
        n, codes, spaces = ds.con.execute(
            "SELECT count(*), count(DISTINCT hash(ma_ho_so)), count(*) FILTER (WHERE "
            "ascii(ma_ho_so) IN (9, 32, 160)) FROM canon").fetchone()
        if spaces:
            _violations(ds, ds._src, {"e_code": _blank(C.ma_ho_so)})
        ds.checked = True
        if n != codes:
            _dedupe(ds)
            return run(ds, policy, period, today)
    null_week = np.ma.getmaskarray(raw["week"])
    cols = {k: (v.astype(object).filled(None) if np.ma.isMaskedArray(v) else np.asarray(v))
            for k, v in raw.items() if k != "week"}
    cols["week"] = np.asarray(raw["week"])
    full = (cols["g_week"] == 1) & (cols["g_status"] == 1)
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
    excluded: dict[str, int] = {}
    for reason, n in zip(cube["reason"], cube["n"], strict=True):
        if reason:
            excluded[reason] = excluded.get(reason, 0) + int(n)
    missing = excluded.pop("missing_receipt", 0)
    keep = cube["reason"] == ""
    counted = {k: v[keep] for k, v in cube.items()}
    _counting_errors(ds, policy, period, missing, set(counted["cap"].tolist()),
                     int(cube["bad_status"].sum()),
                     f"({classify_sql(policy, period, today, ds.relation)})")
    excluded_rows = {}
    listed = [k for k in LISTED if k in excluded]
    if listed:
        q = (f"SELECT reason, list(_row ORDER BY _row)[1:20] FROM "
             f"({classify_sql(policy, period, today, ds.relation)}) WHERE reason IN "
             f"({', '.join(lit(k) for k in listed)}) GROUP BY reason")
        excluded_rows = {k: list(v) for k, v in ds.con.execute(q).fetchall()}
    absent = _absent(ds)
    counted = Cube(counted)
    results = results_from_cube(counted, weeks, period, absent)
    return Run(results, policy, excluded, excluded_rows, int(counted["n"].sum()),
               *_status_summary(statuses, policy), counted, weeks, period, absent)




def _status_summary(rows: list[dict], policy: Policy) -> tuple[dict, list[dict]]:
    from .policy import TREATMENTS

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
