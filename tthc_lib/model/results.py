"""Evaluate the registry over the cube: totals and breakdowns.

The engine reduces the dossiers to a small cube (one row per combination of level, field,
agency and classification dimension, with a count); every count indicator is a filtered sum
over that cube, every ratio a division of two indicators. An indicator that filters on a
dimension the export cannot give (no channel column, …) is None: absent, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.periods import Period
from ..core.schema import LEVELS, UNKNOWN_FIELD, C
from ..core.text import display, is_masked
from .dims import ATTRIBUTES, CHANNEL_GROUP, INTAKE, OUTCOME
from .registry import COUNTS, RATIOS, REGISTRY

Values = dict[str, float | int | None]
DIMS = (INTAKE, CHANNEL_GROUP, OUTCOME, *ATTRIBUTES)


@dataclass
class Results:
    """Every indicator for the whole unit and by level, field, agency and week."""

    period: Period
    indicators: Values
    by_level: dict[str, Values]
    by_field: dict[str, Values]
    by_agency: dict[str, Values]
    by_level_field: dict[str, dict[str, Values]] = field(default_factory=dict)
    by_week: list[dict] = field(default_factory=list)
    masked: int = 0  # field and agency names shown with personal data masked

    def to_json(self) -> dict:
        """Return the stable JSON shape of `tthc compute --json`."""
        return {
            "period": self.period.as_dict(),
            "indicators": self.indicators,
            "by_level": self.by_level,
            "by_field": self.by_field,
            "by_agency": self.by_agency,
            "by_level_field": self.by_level_field,
            "by_week": self.by_week,
        }


def rate(num, den) -> float | None:
    """Return num / den in percent, or None when a part is missing or the denominator 0."""
    return None if num is None or not den else 100.0 * num / den


def ratio_of_outcomes(indicator: str, by_outcome: dict[str, int]) -> float | None:
    """Return a ratio indicator whose parts filter on the outcome alone, from counts by
    outcome (a statistics table that has no dossiers: the portal's)."""
    def part(ind_id: str) -> int:
        where = REGISTRY[ind_id].where
        if set(where) != {OUTCOME}:
            raise ValueError(f"{ind_id}: not a count by outcome alone")
        return sum(by_outcome.get(v, 0) for v in where[OUTCOME])

    ind = REGISTRY[indicator]
    return rate(part(ind.numerator), part(ind.denominator))


def summed(parts: list[dict]) -> dict[str, float | None]:
    """Return indicators summed over units (the roll-up rule of the registry): a count is
    the sum (absent when a part lacks it: never counted as 0), a ratio is recomputed from the
    summed numerator and denominator, never averaged."""
    out: dict[str, float | None] = {}
    for ind in COUNTS:
        values = [p.get(ind.id) for p in parts]
        out[ind.id] = None if not parts or any(v is None for v in values) else sum(values)
    for ind in RATIOS:
        out[ind.id] = rate(out.get(ind.numerator), out.get(ind.denominator))
    return out


def _values(sums, absent_ids: frozenset[str]) -> Values:
    out: Values = {c.id: (None if c.id in absent_ids else int(v))
                   for c, v in zip(COUNTS, sums, strict=True)}
    for ind in RATIOS:
        out[ind.id] = rate(out[ind.numerator], out[ind.denominator])
    return out


def _absent_ids(absent: frozenset[str]) -> frozenset[str]:
    return frozenset(c.id for c in COUNTS if set(c.where) & absent)


def _field(name: str) -> str:
    return display(name) or UNKNOWN_FIELD


CLEANED = {C.linh_vuc: _field, C.co_quan: display}


class Cube:
    """The cube's columns, each factorised once (subsets reuse the codes)."""

    def __init__(self, cols: dict[str, np.ndarray], codes: dict | None = None):
        self.cols = cols
        self._codes = codes or {}

    def __len__(self) -> int:
        return len(self.cols["n"])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name]

    def codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (distinct values, index of each row's value) of a column. Field and agency
        names are cleaned here, once per distinct value (NFC, no stray spaces), so that
        spellings that differ only in that count as one."""
        if name not in self._codes:
            uniq, inv = np.unique(self.cols[name].astype(str), return_inverse=True)
            if name in CLEANED:
                cleaned = np.array([CLEANED[name](u) for u in uniq], dtype=object)
                uniq, remap = np.unique(cleaned.astype(str), return_inverse=True)
                inv = remap[inv]
            self._codes[name] = (uniq, inv)
        return self._codes[name]

    def subset(self, mask: np.ndarray) -> Cube:
        """Return the rows selected by a boolean mask."""
        codes = {k: (u, inv[mask]) for k, (u, inv) in self._codes.items()}
        return Cube({k: v[mask] for k, v in self.cols.items()}, codes)


def _codes(cube: Cube, *names: str) -> tuple[np.ndarray, list[tuple]]:
    """Return (index of each row's key, the distinct keys in sorted order)."""
    if not len(cube):
        return np.zeros(0, dtype=np.int64), []
    parts = [cube.codes(n) for n in names]
    combined = np.zeros(len(cube), dtype=np.int64)
    for uniq, inv in parts:
        combined = combined * len(uniq) + inv
    keys, idx = np.unique(combined, return_inverse=True)
    decoded = []
    for k in keys:
        key = []
        for uniq, _ in reversed(parts):
            key.append(uniq[k % len(uniq)])
            k //= len(uniq)
        decoded.append(tuple(str(v) for v in reversed(key)))
    return idx, decoded


def results_from_cube(cube: Cube, weeks: dict[str, np.ndarray],
                      period: Period, absent: frozenset[str] = frozenset()) -> Results:
    """Return the Results from the cube's columns (level `cap`, `linh_vuc`, `co_quan`, every
    classification dimension and the count `n`) and the weekly counts of new dossiers
    (`week`, channel group, `n`). `absent` names dimensions the export cannot give."""
    if not isinstance(cube, Cube):
        cube = Cube(cube)
    gone = _absent_ids(absent)
    n = np.asarray(cube["n"], dtype=np.int64)
    sig_idx, sigs = _codes(cube, *DIMS)
    match = np.zeros((max(len(sigs), 1), len(COUNTS)), dtype=np.int64)
    for j, sig in enumerate(sigs):
        row = dict(zip(DIMS, sig, strict=True))
        for k, ind in enumerate(COUNTS):
            match[j, k] = all(row[col] in allowed for col, allowed in ind.where.items())
    contrib = match[sig_idx] * n[:, None] if len(n) else np.zeros((0, len(COUNTS)), np.int64)

    def by(*keys: str) -> dict:
        idx, decoded = _codes(cube, *keys)
        sums = np.zeros((len(decoded), len(COUNTS)), dtype=np.int64)
        np.add.at(sums, idx, contrib)
        return {(key if len(keys) > 1 else key[0]): _values(sums[j], gone)
                for j, key in enumerate(decoded)}

    levels = {lv: _values(np.zeros(len(COUNTS)), gone) for lv in LEVELS if lv in period.levels}
    levels.update(by(C.cap))
    level_field: dict[str, dict[str, Values]] = {lv: {} for lv in levels}
    for (lv, fv), values in by(C.cap, C.linh_vuc).items():
        level_field[lv][fv] = values
    totals: dict[str, dict[str, int]] = {}
    for week, group, count in zip(weeks["week"], weeks[CHANNEL_GROUP], weeks["n"], strict=True):
        t = totals.setdefault(str(np.datetime64(week, "D")), {"online": 0, "offline": 0})
        if group in t:
            t[group] += int(count)
    by_week = [{"week": d, **({"online": None, "offline": None} if CHANNEL_GROUP in absent
                              else t)} for d, t in sorted(totals.items())]
    return Results(
        period=period,
        indicators=_values(contrib.sum(axis=0), gone),
        by_level=levels,
        by_field=by(C.linh_vuc),
        by_agency=by(C.co_quan),
        by_level_field=level_field,
        by_week=by_week,
        masked=_masked(cube),
    )


def _masked(cube: Cube) -> int:
    """Return how many distinct field and agency names had personal data masked."""
    if not len(cube):
        return 0
    return sum(len({display(u) for u in np.unique(cube[name].astype(str)) if is_masked(u)})
               for name in CLEANED)


def compute(ct) -> Results:
    """Return the Results of a ClassifiedTable (the engine's Run already holds them)."""
    return ct.run.results
