"""Read an export's bytes into a DuckDB relation of text cells, with the file's own headers
and each record's row number as the user sees it in the file.

CSV (UTF-8 with or without BOM, UTF-16, Windows-1258) and XLSX become Arrow tables of
strings; Parquet is scanned in place. Personal columns are dropped here, before any value
is looked at (for Parquet they are simply never selected).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ..core.errors import MAX_LISTED, InputError
from ..core.fmt import number
from ..core.paths import regular_file
from ..core.schema import fold
from ..rules.profiles import known_headers

HEADER_SCAN = 30  # banner rows ("BÁO CÁO …") may sit above the header


@dataclass
class Raw:
    """A file's table as text cells (columns c0…cN and `_row`), not yet in DuckDB."""

    path: Path
    headers: list[str]
    header_row: int
    sha256: str
    kind: str  # csv | xlsx | parquet
    table: object = None  # the Arrow table (CSV, XLSX)
    rows: int = 0
    types: dict = None  # Parquet: column index -> DuckDB type
    cells: str = ""  # streamed: the private Parquet of the kept text cells

    def bind(self, con, drop: set[int]) -> str:
        """Register the cells in DuckDB without the columns in `drop` (personal data) and
        return a FROM-able SQL expression of them."""
        if self.kind == "streamed":  # the dropped columns were never written
            return f"read_parquet({lit(self.cells)})"
        if self.kind == "parquet":
            select = ", ".join(f"{_q(c)} AS c{i}" for i, c in enumerate(self.headers)
                               if i not in drop)
            return (f"(SELECT {select}, file_row_number + 2 AS _row FROM "
                    f"read_parquet({lit(self.cells)}, file_row_number = true))")
        table = self.table.drop_columns([f"c{i}" for i in drop]) if drop else self.table
        self.table = None  # the personal columns go with it
        con.register("raw_cells", table)
        return "raw_cells"


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            h.update(chunk)
    return h.hexdigest()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """Return a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _utf8(raw: bytes, path: Path) -> bytes:
    """Return the CSV bytes as UTF-8 (no BOM), converting UTF-16 and Windows-1258."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").encode("utf-8")
    if raw[:4] in (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0") or \
            raw[:4096].count(b"\x00") > 400:
        raise InputError("csv_binary", name=path.name)
    if b"\x00" in raw:  # a stray NUL from the exporting database: a control character
        raw = raw.replace(b"\x00", b"")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1258").encode("utf-8")
    except UnicodeDecodeError:
        raise InputError("csv_encoding", name=path.name) from None


def _csv_table(path: Path):
    import csv

    import pyarrow as pa
    import pyarrow.csv as pcsv

    data = _utf8(path.read_bytes(), path)
    if not data.strip():
        raise InputError("file_empty", name=path.name)
    first = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    sep = max([",", ";", "\t"], key=first.count)
    headers = next(csv.reader([first], delimiter=sep))
    names = [f"c{i}" for i in range(len(headers))]
    bad: list[tuple] = []

    def parse(newlines: bool, threads: bool = True):
        return pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=newlines,
                                            invalid_row_handler=_collect(bad)),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                strings_can_be_null=False))

    try:
        try:
            table = parse(False)  # fast, parallel: the usual export
        except pa.ArrowInvalid:
            bad.clear()
            table = parse(True)  # a quoted cell spans lines
        if bad:  # again, one thread, to learn the rows' numbers
            bad.clear()
            parse(True, threads=False)
            raise_ragged(path, bad)
    except pa.ArrowInvalid:  # never quote pyarrow's message: it may hold a row's text
        raise InputError("csv_not_table", name=path.name) from None
    return headers, table, 1


_MERGE = re.compile(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# A formula cell with no cached value (a file written by a program that does not compute
# formulas): openpyxl reads it as blank, which would silently drop the figure.
_UNCOMPUTED = re.compile(r'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*'
                         r'(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _collect(bad: list):
    """Return a pyarrow invalid-row handler that notes (row, expected, found) — never the
    row's text, which may hold personal data — and skips the row."""
    def handler(row) -> str:
        if len(bad) < 10:
            bad.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"
    return handler


def raise_ragged(path: Path, bad: list) -> None:
    """Refuse rows with the wrong number of cells, naming rows and counts only."""
    lines = [f"  - dòng {n if n is not None else '?'}: cần {e} ô, gặp {a} ô" for n, e, a in bad]
    raise InputError("csv_ragged", name=path.name, rows="\n".join(lines))


STREAM_BYTES = 256 << 20  # larger CSVs are streamed to disk, never held in memory


def large_csv_head(path: Path) -> tuple[list[str], str] | None:
    """Return (headers, separator) of a large UTF-8 CSV, read from its first line; None for
    any other file (those are read whole, which also handles UTF-16 and Windows-1258)."""
    import csv

    if path.suffix.lower() not in (".csv", ".txt", ".tsv") or \
            path.stat().st_size < STREAM_BYTES:
        return None
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8")
    except UnicodeDecodeError:
        return None
    first = first.rstrip("\r")
    sep = max([",", ";", "\t"], key=first.count)
    return next(csv.reader([first], delimiter=sep)), sep


def stream_csv(path: Path, headers: list[str], sep: str, keep: list[int],
               out: Path) -> int:
    """Write the kept columns of a large CSV (text cells, c<i>, and `_row`) to Parquet in
    blocks, so memory stays bounded and the dropped (personal) columns are never written;
    return the number of records. Raises pyarrow.ArrowInvalid on text that is not UTF-8."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    names = [f"c{i}" for i in range(len(headers))]
    kept = [f"c{i}" for i in keep]
    def reader(bad: list, threads: bool = True):
        return pcsv.open_csv(
            path, read_options=pcsv.ReadOptions(column_names=names, skip_rows=1,
                                                 block_size=16 << 20, use_threads=threads),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                            invalid_row_handler=_collect(bad)),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in kept},
                                                include_columns=kept,
                                                strings_can_be_null=False))

    bad: list[tuple] = []
    row, writer = 2, None
    try:
        for batch in reader(bad):
            table = pa.Table.from_batches([batch])
            table = table.append_column("_row", pa.array(range(row, row + table.num_rows),
                                                         pa.int64()))
            writer = writer or pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
            row += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if bad:  # again, one thread, to learn the rows' numbers
        numbered: list[tuple] = []
        for _ in reader(numbered, threads=False):
            pass
        raise_ragged(path, numbered or bad)
    return row - 2


def _sheet_facts(path: Path) -> tuple[dict[str, list[tuple[int, int, int, int]]],
                                       dict[str, list[tuple[int, int]]]]:
    """Return, per sheet name, the merged ranges [(row1, col1, row2, col2), …] and the
    formula cells without a cached value [(row, col), …] (1-based), read from the XLSX's XML
    (openpyxl's read-only mode exposes neither)."""
    merged: dict[str, list[tuple[int, int, int, int]]] = {}
    uncomputed: dict[str, list[tuple[int, int]]] = {}
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
            name = html.unescape(name)
            tail = xml[xml.rfind("<mergeCells"):] if "<mergeCells" in xml else ""
            merged[name] = [(int(r1), _col(c1), int(r2), _col(c2))
                            for c1, r1, c2, r2 in _MERGE.findall(tail)]
            if "<f>" in xml or "<f " in xml:
                uncomputed[name] = [(int(r), _col(c)) for c, r in _UNCOMPUTED.findall(xml)]
    return merged, uncomputed


def refuse_uncomputed(path: Path, cells: list[tuple[int, int]], header_row: int) -> None:
    """Refuse formula cells without a value below the header row (they would read blank)."""
    body = sorted(c for c in cells if c[0] > header_row)
    if body:
        listed = ", ".join(f"{_letters(c)}{r}" for r, c in body[:MAX_LISTED])
        raise InputError("xlsx_uncomputed", name=path.name, cells=listed,
                         n=number(len(body)))


def _cell(v) -> str | None:
    """Return an XLSX cell as text: dates as ISO, whole numbers without '.0'."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


# An XLSX is a zip of XML: refuse one that inflates beyond what any real export needs (a
# "zip bomb") before parsing it, and any cell longer than Excel itself allows.
MAX_UNZIPPED = 4 << 30
MAX_RATIO = 200  # real sheets compress 5-30×; checked on parts over MAX_SMALL_PART
MAX_SMALL_PART = 16 << 20
MAX_CELL = 32767


def _check_inflation(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    total = sum(p.file_size for p in parts)
    bomb = [p for p in parts if p.file_size > MAX_SMALL_PART
            and p.file_size > MAX_RATIO * max(p.compress_size, 1)]
    if total > MAX_UNZIPPED or bomb:
        raise InputError("xlsx_bomb", name=path.name, kb=number(path.stat().st_size >> 10),
                         mb=number(total >> 20), gb=MAX_UNZIPPED >> 30, ratio=MAX_RATIO)


def _row_cells(values, r: int, path: Path) -> list[str | None]:
    """Return one sheet row as text cells; refuse a cell longer than Excel allows."""
    cells = [_cell(v) for v in values]
    for j, c in enumerate(cells):
        if c is not None and len(c) > MAX_CELL:
            raise InputError("xlsx_long_cell", name=path.name, row=r, column=_letters(j + 1),
                             length=number(len(c)), limit=number(MAX_CELL))
    return cells


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def xlsx_grids(path: Path, sheet: str | None = None) -> tuple[dict[str, list[list]],
                                                                 dict[str, list[tuple]]]:
    """Return every sheet (or `sheet`) of an XLSX as a grid of text cells, a merged range's
    value in each of its cells, and per sheet the formula cells without a cached value."""
    from openpyxl import load_workbook

    _check_inflation(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/xml errors from a file that is not really XLSX
        raise InputError("xlsx_invalid", name=path.name, why=type(exc).__name__) from None
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            raise InputError("xlsx_no_sheet", name=path.name, sheet=sheet,
                             sheets=", ".join(names))
        try:
            merged, uncomputed = _sheet_facts(path)
        except (KeyError, zipfile.BadZipFile):
            merged, uncomputed = {}, {}
        grids = {}
        for name in [sheet] if sheet else names:
            grid = [_row_cells(row, r, path) for r, row in
                    enumerate(wb[name].iter_rows(values_only=True), start=1)]
            for r1, c1, r2, c2 in merged.get(name, []):
                if r1 - 1 >= len(grid):
                    continue
                top = grid[r1 - 1][c1 - 1] if c1 - 1 < len(grid[r1 - 1]) else None
                for r in range(r1 - 1, min(r2, len(grid))):
                    row = grid[r]
                    row.extend([None] * (c2 - len(row)))
                    for c in range(c1 - 1, c2):
                        row[c] = top
            grids[name] = grid
    finally:
        wb.close()
    return grids, uncomputed


def _xlsx_table(path: Path, sheet: str | None):
    import pyarrow as pa

    grids, uncomputed = xlsx_grids(path, sheet)
    known = known_headers()
    best = None
    for name, grid in grids.items():
        for i, row in enumerate(grid[:HEADER_SCAN]):
            score = len({fold(v) for v in row if v and fold(v) in known})
            if score >= 3 and (best is None or score > best[0]):
                best = (score, name, i)
                break
    if best is None:
        raise InputError("xlsx_no_header", name=path.name, rows=HEADER_SCAN)
    _, name, i = best
    refuse_uncomputed(path, uncomputed.get(name, []), i + 1)
    grid = grids[name]
    headers = [h or "" for h in grid[i]]
    width = len(headers)
    body = [(r, row) for r, row in enumerate(grid[i + 1:], start=i + 2)
            if any(v not in (None, "") for v in row)]
    cols = {f"c{j}": pa.array([row[j] if j < len(row) else None for _, row in body],
                              pa.string()) for j in range(width)}
    cols["_row"] = pa.array([r for r, _ in body], pa.int64())
    return headers, pa.table(cols), i + 1


def exact(path: Path) -> Path:
    """Return a path DuckDB reads as exactly this file: a name with glob characters
    (export[1].parquet) would match other files, so it is read through a plain-named link."""
    if not any(ch in str(path) for ch in "*?[]{}"):
        return path
    link = Path(tempfile.mkdtemp(prefix="tthc-link-")) / "export.parquet"
    link.symlink_to(path.resolve())
    return link


def read(con, path: Path, sheet: str | None = None, sha: str | None = None) -> Raw:
    """Return the file's raw table of text cells (Parquet: only its column names; DuckDB
    connection `con` reads the schema)."""
    regular_file(path)
    suffix = path.suffix.lower()
    sha = sha256_of(path) if sha is None else sha
    if suffix == ".parquet":
        scan = exact(path)
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(scan)})"
                                    ).fetchall()
            cols = [r[0] for r in described]
            types = {i: str(r[1]) for i, r in enumerate(described)}
            rows = con.execute(f"SELECT count(*) FROM read_parquet({lit(scan)})").fetchone()[0]
        except Exception as exc:
            raise InputError("parquet_invalid", name=path.name,
                             why=str(exc).splitlines()[0][:160]) from None
        return Raw(path, cols, 1, sha, "parquet", rows=rows, types=types, cells=str(scan))
    if suffix in (".csv", ".txt", ".tsv"):
        import pyarrow as pa

        headers, table, header_row = _csv_table(path)
        table = table.append_column("_row", pa.array(range(2, table.num_rows + 2), pa.int64()))
        kind = "csv"
    elif suffix in (".xlsx", ".xlsm"):
        headers, table, header_row = _xlsx_table(path, sheet)
        kind = "xlsx"
    else:
        raise InputError("file_kind", name=path.name)
    return Raw(path, headers, header_row, sha, kind, table, table.num_rows)
