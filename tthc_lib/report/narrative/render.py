"""Fill the narrative templates. Each function returns an HTML fragment (str)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape

from ...core import fmt
from ...core.schema import LEVEL_LABELS, nfc
from ...model.registry import FORM_II06_COLUMNS
from ...model.results import Results, Values

TEMPLATES = Path(__file__).parent / "templates"
ROMAN = ("I", "II", "III", "IV", "V")


@pass_context
def _so(ctx, n):
    return fmt.number(n, pad=bool(ctx.get("pad", False)))


def paras(text: str | None) -> list[str]:
    """Return the paragraphs of an analyst's text (blank lines separate paragraphs)."""
    if not text:
        return []
    return [nfc(re.sub(r"\s*\n\s*", " ", p)) for p in re.split(r"\n\s*\n", text) if p.strip()]


@cache
def env() -> Environment:
    e = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    e.filters["so"] = _so
    e.filters["pct"] = fmt.percent
    e.filters["dec"] = lambda x, digits=2: fmt.decimal(x, digits).removesuffix(",00")
    e.filters["pts"] = lambda x: fmt.decimal(x, 2)
    e.globals["paras"] = paras
    return e


def render(template: str, **context) -> str:
    """Return the NFC-normalised HTML of `template` filled with `context`."""
    html = env().get_template(template).render(**context)
    return unicodedata.normalize("NFC", html)


def ranked_late(breakdown: dict[str, Values], top: int = 2, prefix: str = "") -> \
        tuple[int, list[dict]]:
    """Return the late + overdue total and the `top` keys with the most of them, with
    their share of that total."""
    counts = {k: (v["resolved_late"] or 0) + (v["pending_overdue"] or 0)  # None: not given
              for k, v in breakdown.items()}
    total = sum(counts.values())
    if not total:
        return 0, []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return total, [{"name": k if not prefix or k.lower().startswith("nhóm") else f"{prefix}{k}",
                    "count": c, "share": 100.0 * c / total} for k, c in ranked if c]


def results_view(letter: str, heading: str, results: Results, levels: bool = True,
                 carried_split: bool = False) -> dict:
    """Return one view (a, b, …) of the dossier results for the results template."""
    total, fields = ranked_late(results.by_field, prefix="lĩnh vực ")
    n = results.indicators
    return {
        "letter": letter, "heading": heading, "n": n, "late_total": total,
        "late_fields": fields,
        "levels": [{"label": LEVEL_LABELS[lv], "v": v} for lv, v in results.by_level.items()]
        if levels else [],
        "carried_split": {"online": n["carried_over_online"],
                          "offline": n["carried_over_offline"]} if carried_split else None,
    }


def ii06_rows(results: Results) -> list[dict]:
    """Return the rows of form II.06: per level a total row then its fields, then the total."""
    rows = []
    for i, (lv, values) in enumerate(results.by_level.items()):
        rows.append({"kind": "level", "stt": ROMAN[i], "name": LEVEL_LABELS[lv],
                     "cells": [values[c] for c in FORM_II06_COLUMNS]})
        for j, (field, fv) in enumerate(results.by_level_field.get(lv, {}).items(), start=1):
            rows.append({"kind": "field", "stt": str(j), "name": field,
                         "cells": [fv[c] for c in FORM_II06_COLUMNS]})
    rows.append({"kind": "total", "stt": "", "name": "Tổng cộng",
                 "cells": [results.indicators[c] for c in FORM_II06_COLUMNS]})
    return rows
