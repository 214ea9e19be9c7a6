"""Fill the narrative templates. Each function returns an HTML fragment (str)."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import fmt
from ..compute import Results
from ..registry import FORM_II06_COLUMNS
from ..schema import LEVEL_LABELS

TEMPLATES = Path(__file__).parent / "templates"
ROMAN = ("I", "II", "III", "IV", "V")


@cache
def env() -> Environment:
    e = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    e.filters["so"] = fmt.number
    e.filters["so2"] = lambda n: fmt.number(n, pad=True)
    e.filters["pct"] = fmt.percent
    return e


def render(template: str, **context) -> str:
    """Return the NFC-normalised HTML of `template` filled with `context`."""
    html = env().get_template(template).render(**context)
    return unicodedata.normalize("NFC", html)


def late_fields(results: Results, top: int = 2) -> tuple[int, list[dict]]:
    """Return the number of late + overdue dossiers and the fields with the most of them."""
    counts = {f: v["resolved_late"] + v["pending_overdue"] for f, v in results.by_field.items()}
    total = sum(counts.values())
    if not total:
        return 0, []
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return total, [{"name": f if f.lower().startswith("nhóm") else f"lĩnh vực {f}",
                    "count": c, "share": 100.0 * c / total} for f, c in ranked if c]


def section_i6_context(results: Results, scope: str) -> dict:
    """Return the template context of section I.6 (results of handling dossiers)."""
    total, fields = late_fields(results)
    return {
        "scope": scope,
        "start": fmt.day(results.period.start),
        "end": fmt.day(results.period.end),
        "n": results.indicators,
        "levels": [{"label": LEVEL_LABELS[lv], "v": v} for lv, v in results.by_level.items()],
        "late_total": total,
        "late_fields": fields,
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
