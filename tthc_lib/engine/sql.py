"""SQL text helpers of the engine: quoting, a cell as text, blank tests, a mapping of raw
values through a table, and the date parsing every date column goes through."""

from __future__ import annotations

from ..core.errors import InputError
from ..core.periods import YEARS
from ..io.read import lit
from ..rules.profiles import OFFSET_FORMATS, Profile

MAX_DISTINCT = 20000  # more distinct values than this in a categorical column: not an export
OFFSET_RX = r"(Z|[+-][0-9]{2}:?[0-9]{2})$"
LOCAL_HOURS = 7  # Asia/Ho_Chi_Minh has been UTC+7 all year since 1975 (no summer time)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def trimmed(ref: str) -> str:
    """SQL of a cell as trimmed text, NULL when blank (for parsing and messages)."""
    return f"nullif(trim(replace(CAST({ref} AS VARCHAR), chr(160), ' ')), '')"


def cell(ref: str) -> str:
    """SQL of a cell as it is. Per-row work stays minimal: spaces, NFC and spellings of
    categories are settled once per distinct value, in Python (`clean`)."""
    return f"CAST({ref} AS VARCHAR)"


# What a cell of only spaces is made of: spaces, no-break spaces, tabs and line breaks.
BLANKS = (9, 10, 13, 32, 160)
BLANK_CHARS = " || ".join(f"chr({c})" for c in BLANKS)


def is_blank(expr: str) -> str:
    # trim only the values that start with a blank (cheap for millions of codes)
    return (f"({expr} IS NULL OR {expr} = '' OR (ascii({expr}) IN "
            f"({', '.join(map(str, BLANKS))}) AND trim({expr}, {BLANK_CHARS}) = ''))")


def distinct_values(con, src: str, ref: str) -> list[str | None]:
    rows = con.execute(f"SELECT DISTINCT {cell(ref)} FROM {src} LIMIT {MAX_DISTINCT + 1}"
                       ).fetchall()
    if len(rows) > MAX_DISTINCT:
        raise InputError("too_many_values", column=ref, limit=MAX_DISTINCT)
    return [r[0] for r in rows]


def case_map(ref: str, table: dict[str, str | None]) -> str:
    """Return a SQL CASE mapping a column's raw values through `table` (raw -> code)."""
    null = table.get(None)
    whens = " ".join(f"WHEN {lit(v)} THEN {lit(c)}" for v, c in table.items()
                     if v is not None and c is not None)
    default = lit(null) if null is not None else "NULL"
    return f"(CASE {cell(ref)} {whens} ELSE {default} END)" if whens else default


def date_sql(con, src: str, ref: str, profile: Profile, dtype: str = "VARCHAR") -> str:
    """Return SQL turning a column into a local TIMESTAMP (see `date_parts`)."""
    fast, full = date_parts(con, src, ref, profile, dtype)
    return fast if full is None else f"coalesce({fast}, {full(cell(ref))})"


def date_parts(con, src: str, ref: str, profile: Profile, dtype: str = "VARCHAR"):
    """Return (fast SQL, a function of a text expression giving the fallback SQL or None).
    A typed column (Parquet) is taken as it is. Text: `fast` tries the format most of the
    column's values use; the fallback (every accepted format, UTC offsets converted to
    Vietnam time, Vietnamese SA/CH for AM/PM, Excel serials) runs only where it failed."""
    shift = f" + INTERVAL {LOCAL_HOURS} HOUR" if profile.timezone == "utc" else ""
    if dtype.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"make_timestamp(epoch_us({ref}) + {LOCAL_HOURS * 3600 * 1_000_000})", None
    if is_typed(dtype):
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

    x = trimmed(ref)
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
        return f"make_timestamp(epoch_us(try_strptime({zulu(cell(ref))}, {lit(fmt)})) + {us})", \
            full
    fmt = formats[best]
    text = ampm(cell(ref)) if "%p" in fmt else cell(ref)
    return f"try_strptime({text}, {lit(fmt)}){shift}", full


def is_typed(dtype: str) -> bool:
    return dtype.startswith(("TIMESTAMP", "DATE"))


def plausible(expr: str) -> str:
    """SQL of a timestamp kept only when its year is within YEARS (else NULL): compared with
    the bounds, not by year(), which costs a calendar computation on every row."""
    low, high = f"TIMESTAMP '{YEARS[0]}-01-01'", f"TIMESTAMP '{YEARS[1] + 1}-01-01'"
    return f"(CASE WHEN {expr} >= {low} AND {expr} < {high} THEN {expr} END)"
