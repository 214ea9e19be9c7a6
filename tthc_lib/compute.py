"""Evaluate the registry over the cube: totals and breakdowns.

The engine reduces the dossiers to a small cube (one row per combination of level, field,
agency and classification dimension, with a count); every count indicator is a filtered sum
over that cube, every ratio a division of two indicators. An indicator that filters on a
dimension the export cannot give (no channel column, …) is None: absent, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .dims import ATTRIBUTES, CHANNEL_GROUP, INTAKE, OUTCOME
from .periods import Period
from .registry import COUNTS, RATIOS
from .schema import LEVELS, C

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


def _values(sums, absent_ids: frozenset[str]) -> Values:
    out: Values = {c.id: (None if c.id in absent_ids else int(v))
                   for c, v in zip(COUNTS, sums, strict=True)}
    for ind in RATIOS:
        out[ind.id] = rate(out[ind.numerator], out[ind.denominator])
    return out


def _absent_ids(absent: frozenset[str]) -> frozenset[str]:
    return frozenset(c.id for c in COUNTS if set(c.where) & absent)


def results_from_cube(cube: list[dict], weeks: list[dict], period: Period,
                      absent: frozenset[str] = frozenset()) -> Results:
    """Return the Results from the cube rows (level `cap`, `linh_vuc`, `co_quan`, every
    classification dimension and the count `n`) and the weekly rows of new dossiers (`week`,
    channel group, `n`). `absent` names dimensions the export cannot give."""
    gone = _absent_ids(absent)
    signatures: dict[tuple, int] = {}
    sig_idx = np.empty(len(cube), dtype=np.int64)
    for i, r in enumerate(cube):
        sig_idx[i] = signatures.setdefault(tuple(r[d] for d in DIMS), len(signatures))
    match = np.zeros((max(len(signatures), 1), len(COUNTS)), dtype=np.int64)
    for sig, j in signatures.items():
        row = dict(zip(DIMS, sig, strict=True))
        for k, ind in enumerate(COUNTS):
            match[j, k] = all(row[col] in allowed for col, allowed in ind.where.items())
    n = np.fromiter((r["n"] for r in cube), dtype=np.int64, count=len(cube))
    contrib = match[sig_idx] * n[:, None] if len(cube) else np.zeros((0, len(COUNTS)), np.int64)

    def by(*keys: str) -> dict:
        codes: dict[tuple, int] = {}
        idx = np.fromiter((codes.setdefault(tuple(r[k] for k in keys), len(codes))
                           for r in cube), dtype=np.int64, count=len(cube))
        sums = np.zeros((len(codes), len(COUNTS)), dtype=np.int64)
        np.add.at(sums, idx, contrib)
        out = {key if len(keys) > 1 else key[0]: _values(sums[j], gone)
               for key, j in sorted(codes.items())}
        return out

    levels = {lv: _values(np.zeros(len(COUNTS)), gone) for lv in LEVELS if lv in period.levels}
    levels.update(by(C.cap))
    level_field: dict[str, dict[str, Values]] = {lv: {} for lv in levels}
    for (lv, fv), values in by(C.cap, C.linh_vuc).items():
        level_field[lv][fv] = values
    totals: dict[str, dict[str, int]] = {}
    for w in weeks:
        day = w["week"].date().isoformat() if hasattr(w["week"], "date") else str(w["week"])
        t = totals.setdefault(day, {"online": 0, "offline": 0})
        if w[CHANNEL_GROUP] in t:
            t[w[CHANNEL_GROUP]] += int(w["n"])
    by_week = [{"week": d, **({"online": None, "offline": None} if CHANNEL_GROUP in absent
                              else t)} for d, t in sorted(totals.items())]
    return Results(
        period=period,
        indicators=_values(contrib.sum(axis=0) if len(cube) else np.zeros(len(COUNTS)), gone),
        by_level=levels,
        by_field=by(C.linh_vuc),
        by_agency=by(C.co_quan),
        by_level_field=level_field,
        by_week=by_week,
    )


def compute(ct) -> Results:
    """Return the Results of a ClassifiedTable (the engine's Run already holds them)."""
    return ct.run.results
