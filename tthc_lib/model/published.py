"""results.json: what a finished report publishes of its figures, in a declared and
versioned shape, and the one reader of it (trends, the outputs index and the roll-up of
members' reports read earlier results only through `read_published`).

An earlier file that does not have the shape (edited by hand, cut short, written by a newer
version) is refused with the reason, naming the key; the callers skip it and say so."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.errors import messages

SHAPE = "tthc-report/results"
VERSION = 1
BREAKDOWNS = ("by_level", "by_field", "by_agency")


class ShapeError(ValueError):
    """A results.json that cannot be used, and why (Vietnamese, naming the key)."""


def _shape(code: str, **fields) -> ShapeError:
    return ShapeError(messages()[code].format(**fields))


@dataclass(frozen=True)
class Published:
    """One published report's figures, as results.json holds them."""

    path: Path
    unit: dict
    period: dict  # code, label, start, end (ISO dates)
    indicators: dict
    breakdowns: dict  # by_level | by_field | by_agency -> name -> indicator -> value
    raw: dict

    @property
    def start(self) -> date:
        return date.fromisoformat(self.period["start"])

    @property
    def end(self) -> date:
        return date.fromisoformat(self.period["end"])


def stamp(summary: dict) -> dict:
    """Return the summary a report writes, with the shape's name and version first."""
    return {"shape": SHAPE, "version": VERSION, **summary}


def _values(value, where: str) -> dict:
    from .registry import REGISTRY

    if not isinstance(value, dict):
        raise _shape("results_not_values", key=where)
    for key, v in value.items():
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise _shape("results_not_number", key=f"{where}.{key}")
        ind = REGISTRY.get(key)
        if ind is not None and (v < 0 or (ind.kind == "ratio" and v > 100)):
            raise _shape("results_out_of_range", key=f"{where}.{key}", value=v,
                         allowed="0–100" if ind.kind == "ratio" else "≥ 0")
    return value


def _table(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise _shape("results_not_table", key=where)
    return value


def parse_published(raw, path: Path) -> Published:
    """Return the Published figures of a parsed results.json, or raise ShapeError."""
    raw = _table(raw, "(tệp)")
    if raw.get("shape", SHAPE) != SHAPE:
        raise _shape("results_other_shape", shape=repr(raw.get("shape")))
    version = raw.get("version", VERSION)  # files of before the shape was versioned: version 1
    if not isinstance(version, int) or version > VERSION:
        raise _shape("results_newer", version=repr(version), known=VERSION)
    unit, period = _table(raw.get("unit"), "unit"), _table(raw.get("period"), "period")
    for where, table, keys in (("unit", unit, ("slug", "name")),
                               ("period", period, ("code", "label", "start", "end"))):
        for key in keys:
            if not isinstance(table.get(key), str):
                raise _shape("results_not_text", key=f"{where}.{key}")
    for key in ("start", "end"):
        try:
            date.fromisoformat(period[key])
        except ValueError:
            raise _shape("results_not_date", key=f"period.{key}") from None
    results = _table(raw.get("results"), "results")
    indicators = _values(results.get("indicators"), "results.indicators")
    breakdowns = {}
    for name in BREAKDOWNS:
        table = _table(results.get(name, {}), f"results.{name}")
        breakdowns[name] = {k: _values(v, f"results.{name}.{k}") for k, v in table.items()}
    return Published(path, unit, period, indicators, breakdowns, raw)


def read_published(path: Path) -> Published:
    """Return the figures of a results.json, or raise ShapeError saying why it cannot be
    used (unreadable, not JSON, or not the declared shape)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _shape("results_unreadable", why=type(exc).__name__) from None
    except ValueError:
        raise _shape("results_not_json") from None
    return parse_published(raw, Path(path))
