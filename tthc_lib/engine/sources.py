"""Several exports in one report: a province whose dossiers are in more than one system
(a former province's legacy system, the unified platform) until the migration ends.

Each source is read through its own profile and checked as if it were alone; the union is
one canonical table, classified once like a single export. A dossier code found in more
than one source counts once, by its latest record: the one whose latest event (result
handed over, finished, refused, received) is latest; on a tie, the later source in the list."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..core.paths import file_identity
from ..core.schema import nfc
from ..rules.catalog import EMPTY, Catalog, load_catalog
from ..rules.profiles import Profile, load_profile
from .dataset import Dataset, open_dataset
from .validate import check

MAX_CODES = 50  # differing codes listed by the report (codes only, never personal values)
# what two records of one dossier are compared on (the canonical facts, not how they read)
FACTS = ("co_quan", "cap", "linh_vuc", "ma_tthc", "status", "kenh", "nop", "recv", "due", "done",
         "handed", "refused", "supplement", "service", "postal_return", "digitised",
         "paid_online", "interconnected")


@dataclass(frozen=True)
class Source:
    """One export of a report: its path and, where it differs from the report's, its
    profile, catalogue and sheet."""

    path: Path
    profile: str | None = None
    catalog: Path | None = None
    sheet: str | None = None


def open_sources(sources: list[Source], profile: Profile | None = None,
                 catalog: Catalog = EMPTY, cache: bool = True) -> Dataset:
    """Return the Dataset of one or several exports (see the module's docstring)."""
    def one(s: Source) -> Dataset:
        return open_dataset(s.path, s.sheet, load_profile(s.profile) if s.profile else profile,
                            load_catalog(s.catalog) if s.catalog else catalog, cache)

    if len(sources) == 1:
        return one(sources[0])
    parts: list[Dataset] = []
    try:
        for s in sources:
            parts.append(one(s))
            check(parts[-1])
        return _merge(parts)
    finally:
        for ds in parts:
            ds.close()


def _merge(parts: list[Dataset]) -> Dataset:
    import dataclasses

    import duckdb

    con = duckdb.connect()
    for i, ds in enumerate(parts):
        con.register(f"src_{i}", ds.con.sql(f"SELECT * FROM {ds.relation}").to_arrow_table())
    union = " UNION ALL BY NAME ".join(f"SELECT *, {i} AS _source FROM src_{i}"
                                       for i in range(len(parts)))
    con.execute(f"CREATE TEMP TABLE all_records AS {union}")
    facts = ", ".join(FACTS)
    shared, differed = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE facts > 1) FROM (SELECT ma_ho_so, "
        f"count(DISTINCT row({facts})) AS facts FROM all_records GROUP BY ma_ho_so "
        "HAVING count(DISTINCT _source) > 1)").fetchone()
    codes = [c for (c,) in con.execute(
        f"SELECT ma_ho_so FROM all_records GROUP BY ma_ho_so HAVING count(DISTINCT _source) > 1 "
        f"AND count(DISTINCT row({facts})) > 1 ORDER BY ma_ho_so LIMIT {MAX_CODES}").fetchall()]
    con.execute(
        "CREATE TEMP TABLE dossiers AS SELECT * EXCLUDE (_rank) FROM (SELECT *, row_number() "
        "OVER (PARTITION BY ma_ho_so ORDER BY greatest(handed, done, refused, recv) DESC "
        "NULLS LAST, _source DESC) AS _rank FROM all_records) WHERE _rank = 1 "
        "ORDER BY _source, _row")
    con.execute("DROP TABLE all_records")
    for i in range(len(parts)):
        con.unregister(f"src_{i}")
    first = parts[0]
    present = frozenset.intersection(*(ds.present for ds in parts))
    present |= frozenset().union(*(ds.present for ds in parts)) & {"trang_thai"}

    def summed(attr: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for ds in parts:
            for k, n in getattr(ds, attr).items():
                out[k] = out.get(k, 0) + n
        return out

    merged = dataclasses.replace(
        first, con=con, source=" + ".join(ds.source for ds in parts), sha256="",
        rows_read=sum(ds.rows_read for ds in parts), headers={}, also={},
        personal=sorted({h for ds in parts for h in ds.personal}),
        extra=sorted({h for ds in parts for h in ds.extra}),
        identical_duplicates=sum(ds.identical_duplicates for ds in parts), present=present,
        level_from=summed("level_from"), field_from=summed("field_from"),
        unknown_agencies=sorted({a for ds in parts for a in ds.unknown_agencies}),
        checked=True, origin="", relation="dossiers",
        sources=[{"name": ds.source, "sha256": ds.digest(), "profile": ds.profile.name,
                  "rows": ds.rows_read} for ds in parts],
        overlap={"shared": shared, "differed": differed, "codes": codes})
    merged._work = None
    return merged


def overlap_note(ds: Dataset, limit: int = MAX_CODES) -> str:
    """The sentence on dossiers found in more than one export (codes only, at most `limit`),
    or "" for a single export."""
    from ..core import fmt
    from ..core.errors import messages

    if not ds.sources:
        return ""
    o = ds.overlap
    codes = ", ".join(o["codes"][:limit]) + (" …" if o["differed"] > limit else "")
    return messages()["sources_overlap"].format(
        files=len(ds.sources), shared=fmt.number(o["shared"]),
        differed=fmt.number(o["differed"]), codes=f" ({codes})" if o["differed"] else "")


def _agency_key(name: str) -> str:
    return " ".join(nfc(name).casefold().split())


_SHARED: dict[tuple, Dataset] = {}  # the last shared export opened in this process


def _identity(sources: list[Source], profile: Profile | None, catalog: Catalog) -> tuple:
    """What a shared export's table depends on: each file's identity (path, size,
    modification time, inode) with its profile, catalogue and sheet, and the report's."""
    return (tuple((*file_identity(s.path), s.profile, str(s.catalog), s.sheet)
                  for s in sources), repr(profile), catalog.sha256)


def open_unit(sources: list[Source], profile: Profile | None = None, catalog: Catalog = EMPTY,
              agencies: tuple[str, ...] = ()) -> Dataset:
    """Return the Dataset of a unit's exports and, for a member unit, only its `agencies'`
    dossiers. A member unit's exports are the province's shared ones: they are read, merged
    and checked once per process and kept (the last set only), so that a batch worker's
    reports of many communes from one export read it once; each selection is a view of
    its own, and closing it leaves the shared table open."""
    if not agencies:
        return open_sources(sources, profile, catalog)
    key = _identity(sources, profile, catalog)
    base = _SHARED.get(key)
    if base is None:
        base = open_sources(sources, profile, catalog)
        _SHARED.clear()  # an earlier export's table stays with the reports that use it
        _SHARED[key] = base
    return select_agencies(base, agencies)


def select_agencies(ds: Dataset, agencies: tuple[str, ...]) -> Dataset:
    """Return the dossiers of a member unit's handling agencies in a shared export (a
    commune's in the province's), as a Dataset that every run counts. An agency the export
    does not name is refused, with the closest names it does."""
    from ..core.errors import InputError, did_you_mean
    from ..core.text import display
    from ..io.read import lit

    check(ds)
    names = [n for (n,) in ds.con.execute(
        f"SELECT DISTINCT co_quan FROM {ds.relation} WHERE co_quan IS NOT NULL").fetchall()]
    by_key: dict[str, list[str]] = {}
    for n in names:
        by_key.setdefault(_agency_key(n), []).append(n)
    missing = [a for a in agencies if _agency_key(a) not in by_key]
    if missing:
        shown = sorted({display(n) for n in names})
        raise InputError("unit_agencies_missing", source=ds.source,
                         agencies="; ".join(f"'{a}'{did_you_mean(a, shown)}" for a in missing),
                         count=len(shown))
    chosen = [n for a in agencies for n in by_key[_agency_key(a)]]
    view = "unit_" + hashlib.sha1("\n".join(sorted(chosen)).encode()).hexdigest()[:12]
    sub = ds.variant(view, f"SELECT * FROM {ds.relation} WHERE co_quan IN "
                           f"({', '.join(lit(n) for n in chosen)})")
    sub.agencies = tuple(agencies)
    sub._work, sub._shared = None, True  # the export's table outlives the selection
    (sub.rows_read,) = ds.con.execute(f"SELECT count(*) FROM {view}").fetchone()
    return sub
