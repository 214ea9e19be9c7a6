"""The registry's indicators compiled to SQL aggregates over a classified relation, for the
questions the cube does not answer (by week of result, late dossiers per agency and field):
the same `where` on the declared dimension values, the same ratio, written once here."""

from __future__ import annotations

from ..io.read import lit
from ..model.registry import REGISTRY


def where_sql(indicator: str) -> str:
    """Return the SQL condition of a count indicator (its `where` over the dimensions)."""
    ind = REGISTRY[indicator]
    if ind.kind != "count" or ind.source != "data":
        raise ValueError(f"{indicator}: not a count of the dossier table")
    parts = [f"{dim} IN ({', '.join(lit(v) for v in values)})"
             for dim, values in ind.where.items()]
    return " AND ".join(parts) or "true"


def count_sql(indicator: str, also: str = "") -> str:
    """Return the SQL aggregate counting the rows of a count indicator (and of `also`, a
    further condition, when given)."""
    return f"count(*) FILTER (WHERE {where_sql(indicator)}{f' AND {also}' if also else ''})"


def ratio_sql(numerator: str, denominator: str) -> str:
    """Return the SQL percent of two count indicators (NULL when the denominator is 0), as
    `model.results.rate` computes a ratio indicator from the cube."""
    return f"100.0 * {count_sql(numerator)} / nullif({count_sql(denominator)}, 0)"


def indicator_sql(indicator: str) -> str:
    """Return the SQL aggregate of any data indicator of the registry."""
    ind = REGISTRY[indicator]
    if ind.kind == "ratio":
        return ratio_sql(ind.numerator, ind.denominator)
    return count_sql(indicator)
