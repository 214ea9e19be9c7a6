"""An export as the canonical dossier table, once: read (io), mapped by the canonical plan,
validated, deduplicated, and kept as Parquet under the export's hash so that re-runs do not
parse it again. `open_dataset` is the one way in for `tthc compute`, `tthc inspect`, the report
and the reconciliation."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError
from ..core.paths import atomic_output, cache_dir, file_identity, regular_file
from ..core.schema import UNKNOWN_LEVEL, C
from ..core.text import display
from ..io.read import Raw, large_csv_head, lit, read, sha256_of, stream_csv
from ..rules.catalog import EMPTY, Catalog
from ..rules.profiles import (
    RULES,
    Profile,
    builtin_profiles,
    detect,
    load_profile,
)
from .canonical import canonical_sql
from .sql import is_blank
from .validate import dedupe, raise_violations

CACHE_VERSION = "4"  # bump when the canonical table changes shape



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
    sources: list = field(default_factory=list)  # several exports merged: each one's name,
    # hash, profile and rows (engine.sources); empty for one export
    overlap: dict = field(default_factory=dict)  # dossiers in more than one of them
    agencies: tuple = ()  # a member unit's agencies selected from a shared export

    def close(self) -> None:
        """Close the table (a selection of a shared export leaves the export's open)."""
        if getattr(self, "_shared", False):
            return
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


def _cache_key(sha: str, sheet, profile: Profile | None, catalog: Catalog,
               optional: frozenset = frozenset()) -> str:
    import hashlib

    rules = hashlib.sha256()
    for f in sorted(RULES.rglob("*.yaml")):  # a changed profile or vocabulary: a new key
        rules.update(f.read_bytes())
    key = json.dumps([sha, str(sheet), repr(profile), catalog.sha256, CACHE_VERSION,
                      rules.hexdigest(), sorted(optional)])
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def _file_key(path: Path, rules: str) -> str:
    """A key of a file by its identity (path, size, modification time, inode) and the rules
    it is read with: what a Parquet export's verdict is kept under."""
    import hashlib

    key = json.dumps([*file_identity(path), rules])
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def remember_checked(ds: Dataset) -> None:
    """Keep the verdict that a Parquet export read in place passed every check (no
    violation, no duplicate code), for the next run on the same file."""
    verdict = getattr(ds, "_verdict", None)
    if verdict is None:
        return
    try:
        with atomic_output(verdict) as tmp:
            tmp.write_text(json.dumps({"source": ds.source, "rows": ds.rows_read}),
                           encoding="utf-8")
    except OSError:  # a read-only cache: the next run checks again
        pass


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
        root = cache_dir()
        cache = cache and root is not None  # outside a workspace nothing is kept
        stem = (root or Path(tempfile.gettempdir())) / \
            f"ds-{_cache_key(sha, sheet, profile, catalog, optional)}"
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
            raise InputError("header_only", name=path.name)
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
            # first run also checks it (errors, duplicate codes) in that scan — once: the
            # verdict is kept by the file's identity, so a run for another period skips it
            con.execute(f"CREATE TEMP VIEW canon AS {canonical_sql(ds, res, src, catalog)}")
            con.execute("CREATE TEMP VIEW dossiers AS SELECT * FROM canon")
            ds._verdict = (stem.with_name(f"checked-{_file_key(path, stem.name)}.json")
                           if cache else None)
            ds.checked, ds._src = ds._verdict is not None and ds._verdict.is_file(), src
            return ds
        # text cells: mapped, parsed and typed once, streamed to Parquet (not held in
        # memory), then checked there; the raw cells are only read again for messages
        ds._work = Path(tempfile.mkdtemp(prefix="tthc-"))
        staged = ds._work / "canon.parquet"
        con.execute(f"COPY ({canonical_sql(ds, res, src, catalog)}) TO {lit(staged)} "
                    "(FORMAT parquet)")
        con.execute(f"CREATE TEMP VIEW canon AS SELECT * FROM read_parquet({lit(staged)})")
        raise_violations(ds, src, {"e_code": is_blank(C.ma_ho_so)})
        dedupe(ds)
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
        raise InputError("export_unreadable", name=path.name, why=type(exc).__name__) from None
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
        raise InputError("export_unreadable", name=Path(path).name,
                         why=type(exc).__name__) from None
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
