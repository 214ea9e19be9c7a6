"""Validation of the canonical table: every violation listed with its row, column and
what was expected; duplicate codes refused unless the rows are identical."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.errors import MAX_LISTED, Problem, raise_problems
from ..core.schema import BY_NAME, C, nfc
from .sql import BLANKS, is_blank, trimmed

if TYPE_CHECKING:
    from .dataset import Dataset


def raise_violations(ds: Dataset, src: str, override: dict[str, str] | None = None) -> None:
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
            f"SELECT _row, {trimmed(raw_ref)} FROM {src} WHERE _row IN "
            f"({', '.join(map(str, rows))})").fetchall())
        col = BY_NAME[canon]
        for r in rows[: MAX_LISTED - len(problems)]:
            value = found.get(r)
            problems.append(Problem(int(r), canon, col.expected or "giá trị không rỗng",
                                    None if code == "empty" else nfc(value or ""), code, detail))
    raise_problems(ds.source, problems, total)


def dedupe(ds: Dataset) -> None:
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


class CodeCheck:
    """The duplicate-code count of a Parquet export read in place, run on a cursor of its
    own while the first scan counts (it needs the codes only, straight from the file): the
    two share the cores instead of waiting for each other. `result()` waits for it."""

    def __init__(self, ds: Dataset):
        import threading

        ref = ds._build.errors["e_code"][3]  # the code's column in the export
        # by 64-bit hash: a collision only sends the file to the exact check in dedupe
        self._sql = (f"SELECT count(*), count(DISTINCT hash(c)), count(*) FILTER (WHERE "
                     f"ascii(c) IN ({', '.join(map(str, BLANKS))})) FROM (SELECT "
                     f"CAST({ref} AS VARCHAR) AS c FROM {ds._src})")
        self._cursor = ds.con.cursor()
        self._answer: tuple | BaseException | None = None
        self._thread = threading.Thread(target=self._count, daemon=True)
        self._thread.start()

    def _count(self) -> None:
        try:
            self._answer = self._cursor.execute(self._sql).fetchone()
        except BaseException as exc:  # noqa: BLE001 — handed to the waiting thread
            self._answer = exc

    def result(self) -> tuple[int, int, int]:
        """Return (rows, distinct code hashes, codes starting with a space)."""
        self._thread.join()
        self._cursor.close()
        if isinstance(self._answer, BaseException):
            raise self._answer
        return self._answer

    def cancel(self) -> None:
        """Stop the count (the scan it ran beside failed); nothing when it has ended."""
        if self._thread.is_alive():
            self._cursor.interrupt()
            self._thread.join()
        self._cursor.close()


def finish_check(ds: Dataset, bad_rows: int, codes: CodeCheck | None = None,
                 rows: int | None = None) -> bool:
    """Finish the checks a Parquet export read in place leaves to its first scan (`bad_rows`:
    the rows with a violation that scan counted, `rows`: all the rows it counted; `codes`: the
    duplicate-code count started beside it): refuse violations and blank codes, drop
    identical duplicates. Return True when duplicates were dropped (the table changed)."""
    codes = codes or CodeCheck(ds)
    if bad_rows:
        raise_violations(ds, ds._src)
    n, distinct, spaces = codes.result()
    if rows is not None and rows != n:  # the canonical table is not one row per row of the
        # file (a lookup joined a row twice): the exact check on that table settles it
        n, distinct = ds.con.execute("SELECT count(*), count(DISTINCT ma_ho_so) "
                                     "FROM canon").fetchone()
    if spaces:
        raise_violations(ds, ds._src, {"e_code": is_blank(C.ma_ho_so)})
    ds.checked = True
    if n != distinct:
        dedupe(ds)
        return True
    from .dataset import remember_checked

    remember_checked(ds)
    return False


def check(ds: Dataset) -> None:
    """Run every check of the table now (a Parquet export read in place defers them to its
    first run; a source about to be merged with others cannot wait)."""
    if ds.checked:
        return
    errors = [n for n in ds._build.errors if n != "e_status"]
    (bad,) = ds.con.execute(f"SELECT count(*) FILTER (WHERE {' OR '.join(errors)}) FROM canon"
                            if errors else "SELECT 0").fetchone()
    finish_check(ds, bad)
