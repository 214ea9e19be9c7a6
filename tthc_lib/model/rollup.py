"""Roll-up: the figures of several units (or of several sub-periods) combined by each
indicator's declared rule (`Indicator.rollup`), never by a rule written here per indicator.

Over units, a count is summed (a catalogue figure, `own`, is not: it is the consolidating
unit's own); over sub-periods, activity is summed, a stock is the last sub-period's, an
opening stock the first's. A ratio is always recomputed from its rolled-up parts."""

from __future__ import annotations

from .registry import COUNTS, FIGURES, IDENTITIES, INDICATORS, REGISTRY
from .results import Values, rate


def _ratios(values: dict, kinds: tuple = ("data", "figure")) -> dict:
    for ind in INDICATORS:
        if ind.kind == "ratio" and ind.source in kinds:
            values[ind.id] = rate(values.get(ind.numerator), values.get(ind.denominator))
    return values


def complete(given: dict) -> Values:
    """Return every data indicator from the counts a form gives (its numbered columns): a
    count the form lacks is derived from an identity whose parts it has (received_new =
    (4) + (5)), else absent (None), never 0; ratios recomputed."""
    values: dict = {c.id: given.get(c.id) for c in COUNTS}
    for left, parts in IDENTITIES:
        if values[left] is None and all(values[p] is not None for p in parts):
            values[left] = sum(values[p] for p in parts)
    return _ratios(values, ("data",))


def figures_over_units(parts: dict[str, dict], own: dict) -> tuple[dict, dict[str, list[str]]]:
    """Return the typed figures of a consolidated unit from its members' (`parts`: member
    name → figures) and its `own`: a summed figure is the sum over the members that reported
    it; a catalogue figure (`own`) is the unit's own; figure ratios recomputed. Also return,
    per summed figure, the members that did not report it (named, never counted as 0)."""
    values: dict = {}
    lacking: dict[str, list[str]] = {}
    for ind in FIGURES:
        if ind.kind != "count":
            continue
        if ind.rollup == "own":
            if own.get(ind.id) is not None:
                values[ind.id] = own[ind.id]
            continue
        have = {name: f[ind.id] for name, f in parts.items() if f.get(ind.id) is not None}
        if have:
            values[ind.id] = sum(have.values())
            if len(have) < len(parts):
                lacking[ind.id] = [name for name in parts if name not in have]
    for ind in FIGURES:
        if ind.kind == "ratio" and ind.numerator in values and ind.denominator in values:
            values[ind.id] = rate(values[ind.numerator], values[ind.denominator])
    return values, lacking


def over_time(parts: list[dict]) -> dict:
    """Return one period's indicators from its consecutive sub-periods' (oldest first): a
    count of activity is summed, a stock is the last sub-period's, an opening stock the
    first's, a catalogue figure the last's; a count of every dossier the period touched
    (`period`) is derived where an identity gives it (received = new + carried over) and
    absent otherwise. A count absent in any sub-period is absent."""
    out: dict = {}
    for ind in INDICATORS:
        if ind.kind != "count":
            continue
        values = [p.get(ind.id) for p in parts]
        if not parts or any(v is None for v in values):
            out[ind.id] = None
        elif ind.rollup == "sum":
            out[ind.id] = sum(values)
        elif ind.rollup in ("stock", "own"):
            out[ind.id] = values[-1]
        elif ind.rollup == "opening":
            out[ind.id] = values[0]
        else:
            out[ind.id] = None
    for left, terms in IDENTITIES:
        if out.get(left) is None and REGISTRY[left].rollup == "period" and \
                all(out.get(t) is not None for t in terms):
            out[left] = sum(out[t] for t in terms)
    return _ratios(out)
