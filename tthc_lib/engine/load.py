"""Load an export for a notebook or a test: the engine's validated dossiers as a table.

`load` is `engine.open_dataset` plus a pandas view of the canonical rows; the rules live in
the engine, not here.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError, Problem, raise_problems  # noqa: F401  (re-exported)
from ..core.schema import C, nfc
from ..core.text import display
from ..rules.catalog import EMPTY, Catalog
from ..rules.profiles import Profile
from .canonical import DATE_COLS, FLAG_COLS
from .dataset import Dataset, open_dataset

ROW = "_row"  # the dossier's row number in the source file, for messages
# engine column -> canonical name, for the pandas view
CANONICAL_NAMES = {**{a: c for c, a in DATE_COLS.items()}, **{a: c for c, a in FLAG_COLS.items()},
                   "kenh": C.kenh_nop, "status": C.trang_thai, "service": C.muc_do_dvc}


@dataclass
class DossierTable:
    """The validated dossiers in canonical columns, plus what loading saw and dropped."""

    dataset: Dataset
    source: str
    sha256: str
    rows_read: int
    personal_dropped: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    identical_duplicates: int = 0
    _df: object = None

    @property
    def df(self):
        """The dossiers as a pandas DataFrame (canonical column names, file order)."""
        if self._df is None:
            self._df = canonical_frame(self.dataset.frame())
        return self._df


CODES = (C.ma_ho_so, C.ma_tthc)
NAMES = (C.ten_tthc, C.linh_vuc, C.co_quan, C.nhom_lien_thong)


def canonical_frame(df):
    """Return the engine's rows with canonical names and text as users read it (NFC, no
    stray spaces: the engine leaves that to one pass over distinct values)."""
    df = df[[c for c in df.columns if not c.startswith("e_") and c != "cap_col"]]
    df = df.rename(columns=CANONICAL_NAMES)
    for col in CODES + NAMES:
        if col in df:
            clean = display if col in NAMES else nfc
            uniq = {v: (clean(v) if isinstance(v, str) else v) for v in df[col].unique()}
            df[col] = df[col].map(uniq)
    return df


def load(path: str | Path, sheet: str | None = None, cache: bool = True,
         profile: Profile | None = None, catalog: Catalog = EMPTY) -> DossierTable:
    """Return the validated DossierTable read from a CSV, XLSX or Parquet export."""
    return table_of(open_dataset(path, sheet=sheet, profile=profile, catalog=catalog,
                                 cache=cache))


def table_of(ds: Dataset) -> DossierTable:
    """Return the DossierTable view of an opened Dataset (one export or several merged)."""
    return DossierTable(ds, ds.source, ds.digest(), ds.rows_read, list(ds.personal),
                        list(ds.extra), ds.identical_duplicates)


def load_frame(df, name: str = "bang-du-lieu.parquet") -> DossierTable:
    """Return the validated DossierTable of an in-memory pandas table (notebooks, tests)."""
    folder = Path(tempfile.mkdtemp(prefix="tthc-"))
    path = folder / name
    df.astype(str).where(df.notna(), None).to_parquet(path)
    if not len(df):
        raise InputError("header_only", name=name)
    table = load(path, cache=False)
    table.source = name
    return table
