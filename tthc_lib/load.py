"""Read a one-stop dossier export (CSV, XLSX, Parquet) into a validated `DossierTable`.

Personal data columns are dropped as the very first step, so no later message, log or
output can contain them. Every rule violation names the file, the row as the user sees it
in the file, the column and what was expected.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import atomic_output, cache_dir
from .schema import (
    BY_NAME,
    CHANNEL_LOOKUP,
    CHANNELS,
    COLUMNS,
    FLAG_LOOKUP,
    HEADER_LOOKUP,
    LEVEL_LOOKUP,
    LEVELS,
    C,
    Column,
    Kind,
    fold,
    map_headers,
    nfc,
)

MAX_LISTED = 10
ROW = "_row"  # the dossier's row number in the source file, for messages


class InputError(Exception):
    """Bad input: the message is complete, user-facing and free of personal data."""


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None
    expected: str
    found: str | None = None

    def text(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            col = BY_NAME.get(self.column)
            where.append(f"cột '{col.label_vi}' ({self.column})" if col else f"cột '{self.column}'")
        found = f", gặp {self.found!r}" if self.found is not None else ""
        return f"{', '.join(where)}: cần {self.expected}{found}"


def raise_problems(path: Path, problems: list[Problem], total: int | None = None) -> None:
    """Raise one InputError that lists the first problems and how many there are."""
    total = total if total is not None else len(problems)
    lines = [f"Tệp '{path.name}': dữ liệu không đúng quy cách ({total} lỗi)."]
    lines += [f"  - {p.text()}" for p in problems[:MAX_LISTED]]
    if total > MAX_LISTED:
        lines.append(f"  … và {total - MAX_LISTED} lỗi khác.")
    raise InputError("\n".join(lines))


@dataclass
class DossierTable:
    """The validated dossiers in canonical columns, plus what loading saw and dropped."""

    df: pd.DataFrame
    source: str
    sha256: str
    rows_read: int
    personal_dropped: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    identical_duplicates: int = 0


# ---------------------------------------------------------------- reading the raw table


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _utf8(raw: bytes, path: Path) -> bytes:
    """Return the CSV bytes as UTF-8 (no BOM), converting UTF-16 and Windows-1258."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").encode("utf-8")
    if raw[:4] in (b"PK\x03\x04", b"%PDF") or b"\x00" in raw[:4096]:
        raise InputError(
            f"Tệp '{path.name}' không phải tệp CSV (nội dung là tệp nhị phân, có thể là PDF/ZIP/"
            "XLSX bị đổi đuôi). Hãy xuất lại dữ liệu dạng CSV UTF-8 hoặc XLSX."
        )
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1258").encode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"Tệp '{path.name}' không đọc được bằng mã UTF-8 hay Windows-1258. Trong Excel hãy "
            "chọn 'Lưu thành' → 'CSV UTF-8 (Comma delimited)'."
        ) from None


def _read_csv(path: Path) -> tuple[pd.DataFrame, int]:
    data = _utf8(path.read_bytes(), path)
    if not data.strip():
        raise InputError(f"Tệp '{path.name}' rỗng: không có dòng tiêu đề và không có hồ sơ nào.")
    first = data.split(b"\n", 1)[0]
    sep = max([",", ";", "\t"], key=lambda c: first.count(c.encode()))
    try:
        df = pd.read_csv(io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False,
                         engine="pyarrow", encoding="utf-8")
    except Exception as exc:  # pyarrow's CSV errors carry no personal data: just positions
        raise InputError(f"Tệp '{path.name}' không phải bảng CSV hợp lệ: {exc}") from None
    return df, 1


def _header_score(values: list[object]) -> int:
    return len({HEADER_LOOKUP[fold(str(v))] for v in values
                if v is not None and fold(str(v)) in HEADER_LOOKUP})


_MERGE = re.compile(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _merged_ranges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Return {sheet name: [(row1, col1, row2, col2), …]} of merged cells (1-based), read
    from the XLSX's XML (openpyxl's read-only mode, used for speed, does not expose them)."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(
            r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
            target = targets.get(rid, "").lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            if target not in z.namelist():
                continue
            xml = z.read(target).decode("utf-8", errors="ignore")
            tail = xml[xml.rfind("<mergeCells"):] if "<mergeCells" in xml else ""
            out[html.unescape(name)] = [(int(r1), _col(c1), int(r2), _col(c2))
                                        for c1, r1, c2, r2 in _MERGE.findall(tail)]
    return out


def _fill_merged(raw: pd.DataFrame, ranges) -> pd.DataFrame:
    """Give every cell of a merged range the value of its top-left cell, as the analyst sees
    it in Excel (exports merge the field or agency over a group of rows)."""
    for r1, c1, r2, c2 in ranges:
        if r1 - 1 >= len(raw) or c1 - 1 >= raw.shape[1]:
            continue
        raw.iloc[r1 - 1:r2, c1 - 1:c2] = raw.iat[r1 - 1, c1 - 1]
    return raw


def _read_xlsx(path: Path, sheet: str | None) -> tuple[pd.DataFrame, int]:
    try:
        sheets = pd.read_excel(path, sheet_name=sheet if sheet else None, header=None,
                               dtype=object, engine="openpyxl")
    except ValueError as exc:
        raise InputError(f"Tệp '{path.name}': không đọc được trang tính ({exc}).") from None
    except Exception as exc:  # zip/xml errors from a file that is not really XLSX
        raise InputError(f"Tệp '{path.name}' không phải tệp XLSX hợp lệ ({type(exc).__name__}).") \
            from None
    if isinstance(sheets, pd.DataFrame):
        sheets = {sheet: sheets}
    try:
        merged = _merged_ranges(path)
    except (KeyError, zipfile.BadZipFile):
        merged = {}
    sheets = {name: _fill_merged(raw, merged.get(str(name), [])) for name, raw in sheets.items()}
    best = None
    for name, raw in sheets.items():
        for i in range(min(len(raw), 30)):  # banner rows ("BÁO CÁO …") may sit above the header
            score = _header_score(list(raw.iloc[i]))
            if score >= 3 and (best is None or score > best[0]):
                best = (score, name, i)
                break
    if best is None:
        raise InputError(
            f"Tệp '{path.name}': không tìm thấy dòng tiêu đề có các cột hồ sơ (Mã hồ sơ, Ngày "
            "tiếp nhận, …) trong 30 dòng đầu của trang tính nào."
        )
    _, name, i = best
    raw = sheets[name]
    headers = [("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
               for v in raw.iloc[i]]
    df = raw.iloc[i + 1:].copy()
    df.columns = headers
    df = df.loc[:, [h != "" for h in headers]]
    df = df.dropna(how="all")
    return df.reset_index(drop=True).where(df.notna().reset_index(drop=True), ""), i + 1


def read_raw(path: Path, sheet: str | None = None) -> tuple[pd.DataFrame, int]:
    """Return the file's table with its own headers, and the 1-based row of the header."""
    if not path.exists():
        raise InputError(f"Không tìm thấy tệp dữ liệu '{path}'.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path), 1
        except Exception as exc:
            raise InputError(f"Tệp '{path.name}' không phải Parquet hợp lệ ({exc}).") from None
    raise InputError(f"Tệp '{path.name}': chỉ nhận CSV, XLSX hoặc Parquet (đuôi .csv, .xlsx, "
                     ".parquet).")


# ---------------------------------------------------------------- column conversion

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S",
                 "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
                 "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y")


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (timestamps, bad) for a column of ISO / dd/mm/yyyy strings, Excel serial
    numbers or real date cells; empty cells give NaT and are not bad."""
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        return out.astype("datetime64[ns]"), pd.Series(False, index=values.index)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        is_obj_date = pd.Series(False, index=values.index)
    else:  # XLSX cells: real dates mixed with text
        is_obj_date = values.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
        if is_obj_date.any():
            out[is_obj_date] = pd.to_datetime(values[is_obj_date].astype(object),
                                              errors="coerce")
    text = values[~is_obj_date].astype(str).str.replace("\u00a0", " ").str.strip()
    empty = text.isin(["", "nan", "NaT", "None"])
    todo = text[~empty]
    probe = todo.head(200)
    likely = sorted(_DATE_FORMATS, key=lambda f: -pd.to_datetime(probe, format=f,
                                                                  errors="coerce").notna().sum())
    for fmt in likely:
        if todo.empty:
            break
        parsed = pd.to_datetime(todo, format=fmt, errors="coerce")
        ok = parsed.notna()
        out[ok[ok].index] = parsed[ok]
        todo = todo[~ok]
    serial = pd.to_numeric(todo, errors="coerce")
    serial = serial[(serial > 20000) & (serial < 80000)]  # Excel serial day numbers
    if not serial.empty:
        out[serial.index] = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
        todo = todo.drop(serial.index)
    bad = pd.Series(False, index=values.index)
    bad[todo.index] = True
    implausible = out.notna() & ((out.dt.year < 1990) | (out.dt.year > 2100))
    return out.where(~implausible), bad | implausible


def _by_unique(values: pd.Series, fn) -> pd.Series:
    """Apply `fn` once per distinct value (exports repeat the same few categories)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.array([fn(u) for u in uniques], dtype=object)
    return pd.Series(mapped[codes] if len(uniques) else [], index=values.index, dtype=object)


def _lookup(values: pd.Series, table: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    out = _by_unique(values, lambda u: table.get(fold(str(u))))
    return out, out.isna()


def _convert(df: pd.DataFrame, path: Path, header_row: int) -> pd.DataFrame:
    problems: list[Problem] = []
    total = 0
    row_no = pd.Series(range(header_row + 1, header_row + 1 + len(df)), index=df.index)

    def flag(col: Column, bad: pd.Series, values: pd.Series, expected: str) -> None:
        nonlocal total
        idx = bad[bad].index
        total += len(idx)
        for i in idx[: MAX_LISTED - len(problems)] if len(problems) < MAX_LISTED else []:
            v = values[i]
            problems.append(Problem(int(row_no[i]), col.name, expected,
                                    "" if v is None else nfc(str(v))))

    out = pd.DataFrame(index=df.index)
    out[ROW] = row_no
    for col in COLUMNS:
        if col.name not in df.columns:
            if col.kind is Kind.FLAG:
                out[col.name] = pd.Series(pd.NA, index=df.index, dtype="boolean")
            elif col.kind is Kind.TEXT:
                out[col.name] = pd.Series("", index=df.index, dtype=object)
            continue
        raw = df[col.name]
        if col.kind is Kind.DATE:
            parsed, bad = parse_dates(raw)
            if not col.nullable:
                missing = parsed.isna() & ~bad
                flag(col, missing, raw, col.expected + " (không được để trống)")
            flag(col, bad, raw, col.expected)
            out[col.name] = parsed
        elif col.kind in (Kind.LEVEL, Kind.CHANNEL):
            table, accepted = ((LEVEL_LOOKUP, LEVELS) if col.kind is Kind.LEVEL
                               else (CHANNEL_LOOKUP, CHANNELS))
            mapped, bad = _lookup(raw, table)
            flag(col, bad, raw, f"một trong {', '.join(accepted)} ({col.expected})")
            out[col.name] = mapped.astype("category")
        elif col.kind is Kind.FLAG:
            mapped = _by_unique(raw, lambda v: FLAG_LOOKUP.get(fold(str(v))))
            bad = mapped.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
            flag(col, bad, raw, "có/không (1/0, x hoặc để trống)")
            out[col.name] = mapped.astype("boolean")
        else:
            text = _by_unique(raw, lambda v: "" if v is None or v != v else nfc(str(v)))
            if not col.nullable:
                flag(col, text == "", raw, col.expected or "giá trị không rỗng")
            out[col.name] = text
    if total:
        raise_problems(path, problems, total)
    return out


# ---------------------------------------------------------------- public entry point


CACHE_VERSION = "1"  # bump when the canonical table changes shape


def load(path: str | Path, sheet: str | None = None, cache: bool = True) -> DossierTable:
    """Return the validated DossierTable read from a CSV, XLSX or Parquet export. A table
    that validated is kept as Parquet under its content hash (personal columns were already
    dropped), so a re-run does not parse the export again."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"Không tìm thấy tệp dữ liệu '{path}'.")
    sha = _sha256(path)
    sheet_key = hashlib.sha1(str(sheet).encode()).hexdigest()[:8]
    stem = cache_dir() / f"{sha}-{sheet_key}-v{CACHE_VERSION}"
    if cache and stem.with_suffix(".parquet").exists() and stem.with_suffix(".json").exists():
        meta = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        df = pd.read_parquet(stem.with_suffix(".parquet"))
        for col in df.columns:  # text comes back as Arrow strings: keep what validate made
            if isinstance(df[col].dtype, pd.StringDtype):
                df[col] = df[col].astype(object)
        return DossierTable(df=df, source=path.name, sha256=sha, **meta)
    raw, header_row = read_raw(path, sheet)
    table = validate(raw, path, header_row, sha256=sha)
    if cache:
        _store(table, stem)
    return table


def _store(table: DossierTable, stem: Path) -> None:
    try:
        with atomic_output(stem.with_suffix(".parquet")) as tmp:
            table.df.to_parquet(tmp)
        meta = {"rows_read": table.rows_read, "personal_dropped": table.personal_dropped,
                "extra_columns": table.extra_columns,
                "identical_duplicates": table.identical_duplicates}
        stem.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    except OSError:  # a read-only home: run without the cache
        pass


def load_frame(df: pd.DataFrame, name: str = "bảng dữ liệu") -> DossierTable:
    """Return the validated DossierTable of an in-memory table (for notebooks and tests)."""
    return validate(df.copy(), Path(name), 1, sha256="")


def validate(raw: pd.DataFrame, path: Path, header_row: int, sha256: str) -> DossierTable:
    """Return the DossierTable of a raw table with the file's own headers: personal columns
    dropped, headers and values mapped to the canonical ones, every row rule checked."""
    hm = map_headers([str(h) for h in raw.columns])
    raw = raw.drop(columns=hm.personal + hm.extra)  # personal data never goes further
    if hm.duplicates:
        canon, heads = next(iter(hm.duplicates.items()))
        raise InputError(
            f"Tệp '{path.name}': cột '{BY_NAME[canon].label_vi}' ({canon}) xuất hiện "
            f"{len(heads)} lần (tiêu đề: {', '.join(repr(h) for h in heads)}). Giữ lại một cột."
        )
    raw = raw.rename(columns=hm.mapping)
    missing = [c for c in COLUMNS if c.required and c.name not in raw.columns]
    if missing:
        names = ", ".join(f"'{c.label_vi}' ({c.name})" for c in missing)
        raise InputError(
            f"Tệp '{path.name}': thiếu cột bắt buộc {names}. Các tiêu đề đọc được: "
            f"{', '.join(repr(str(h)) for h in hm.mapping)}."
        )
    if raw.empty:
        raise InputError(f"Tệp '{path.name}' chỉ có dòng tiêu đề, không có hồ sơ nào.")
    rows_read = len(raw)
    df = _convert(raw.reset_index(drop=True), path, header_row)
    df, identical = _dedupe(df, path)
    return DossierTable(df=df.reset_index(drop=True), source=path.name, sha256=sha256,
                        rows_read=rows_read, personal_dropped=hm.personal,
                        extra_columns=hm.extra, identical_duplicates=identical)


def _dedupe(df: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, int]:
    dup = df.duplicated(C.ma_ho_so, keep=False)
    if not dup.any():
        return df, 0
    data_cols = [c for c in df.columns if c != ROW]
    identical = df.duplicated(data_cols, keep="first")
    conflicting = df[dup & ~df.duplicated(data_cols, keep=False)]
    if not conflicting.empty:
        codes = conflicting[C.ma_ho_so].unique()
        problems = []
        for code in codes[:MAX_LISTED]:
            rows = df.loc[df[C.ma_ho_so] == code, ROW].tolist()
            problems.append(Problem(rows[0], C.ma_ho_so,
                                    "mã hồ sơ không trùng (các dòng "
                                    f"{', '.join(map(str, rows))} cùng mã nhưng khác nội dung)",
                                    code))
        raise_problems(path, problems, len(codes))
    return df[~identical], int(identical.sum())
