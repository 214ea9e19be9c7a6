"""Evaluate the registry over a classified table: totals and breakdowns.

The table is first reduced to a small cube (one row per combination of breakdown key,
intake, channel group and outcome, with a count); every count indicator is a filtered sum
over that cube, every ratio a division of two indicators. A different engine only has to
produce the same cube.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .classify import ATTRIBUTES, CHANNEL_GROUP, INTAKE, OUTCOME, WEEK, ClassifiedTable
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


def cube(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return counts of dossiers per (keys..., intake, channel group, outcome)."""
    return (df.groupby([*keys, *DIMS], observed=True, sort=False).size()
            .rename("n").reset_index())


def rate(num, den) -> float | None:
    """Return num / den in percent, or None when the denominator is 0 or missing."""
    return None if not den else 100.0 * num / den


def indicator_matrix(cb: pd.DataFrame) -> pd.DataFrame:
    """Return, for each cube row, how much it adds to every count indicator (n or 0)."""
    n = cb["n"].to_numpy()
    cols = {}
    for ind in COUNTS:
        mask = np.ones(len(cb), dtype=bool)
        for col, allowed in ind.where.items():
            mask &= cb[col].isin(allowed).to_numpy()
        cols[ind.id] = np.where(mask, n, 0)
    return pd.DataFrame(cols, index=cb.index)


def _with_ratios(counts: dict[str, int]) -> Values:
    out: Values = {k: int(v) for k, v in counts.items()}
    for ind in RATIOS:
        out[ind.id] = rate(out[ind.numerator], out[ind.denominator])
    return out


def evaluate(matrix: pd.DataFrame, keys: pd.DataFrame | None) -> dict:
    """Return {key: values} of every registry indicator, summing the matrix by `keys`
    (or one Values for the whole table when `keys` is None)."""
    if keys is None:
        return _with_ratios(matrix.sum().to_dict())
    grouped = matrix.groupby([keys[c] for c in keys.columns], sort=True).sum()
    return {k: _with_ratios(row) for k, row in grouped.to_dict("index").items()}


def _zero() -> Values:
    return _with_ratios({c.id: 0 for c in COUNTS})


KEYS = [C.cap, C.linh_vuc, C.co_quan]


def compute(ct: ClassifiedTable) -> Results:
    """Return the Results of every registry indicator for a classified table."""
    df = ct.df
    base = cube(df, KEYS)
    new = df[df[INTAKE] == "new"]
    weeks = new.groupby([WEEK, CHANNEL_GROUP], observed=True).size().rename("n").reset_index()
    return results_from_cube(base, weeks, ct.period)


def results_from_cube(base: pd.DataFrame, weeks: pd.DataFrame, period) -> Results:
    """Return the Results from the cube (counts per level, field, agency and every
    classification dimension) and the weekly counts of new dossiers by channel group. Any
    engine that produces these two small tables gets the same indicators."""
    base = base.copy()
    for col in KEYS:
        base[col] = base[col].astype(str)
    m = indicator_matrix(base)
    levels = {lv: _zero() for lv in LEVELS if lv in period.levels}
    levels.update(evaluate(m, base[[C.cap]]))
    level_field: dict[str, dict[str, Values]] = {lv: {} for lv in levels}
    for (lv, fv), values in evaluate(m, base[[C.cap, C.linh_vuc]]).items():
        level_field[lv][fv] = values
    by_week = []
    if len(weeks):
        wk = weeks.pivot_table(index=WEEK, columns=CHANNEL_GROUP, values="n", aggfunc="sum",
                               fill_value=0, observed=True)
        for monday, row in wk.sort_index().iterrows():
            by_week.append({"week": pd.Timestamp(monday).date().isoformat(),
                            "online": int(row.get("online", 0)),
                            "offline": int(row.get("offline", 0))})
    return Results(
        period=period,
        indicators=evaluate(m, None) if len(base) else _zero(),
        by_level=levels,
        by_field=evaluate(m, base[[C.linh_vuc]]),
        by_agency=evaluate(m, base[[C.co_quan]]),
        by_level_field=level_field,
        by_week=by_week,
    )
