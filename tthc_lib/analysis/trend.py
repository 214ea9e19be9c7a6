"""Trends: this period against the unit's earlier reports in the outputs folder.

Each published report keeps its figures in results.json (totals and breakdowns by level,
field and agency: small), so a trend over eight quarters reads eight small files, never the
eight exports again. Periods of the same kind (quarters with quarters, years with years) are
compared: with the previous period and with the same period a year earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..core.periods import PeriodError, parse_period
from ..model.published import Published, ShapeError, read_published
from ..model.results import Results

HEADLINE = ("received_total", "resolved_total", "resolved_late", "pending_overdue",
            "on_time_rate", "online_rate")
MAX_PERIODS = 8


def _kind(code: str) -> str | None:
    """The kind of a period code (quarter, half, year), None for a range or junk."""
    try:
        kind = parse_period(code).kind
    except PeriodError:
        return None
    return None if kind == "range" else kind


@dataclass
class Point:
    """One period's figures: its label, start and the indicators used for trends."""

    code: str
    label: str
    start: date
    end: date
    values: dict[str, float | None]
    late_by_field: dict[str, int | None] = field(default_factory=dict)


def _point(pub: Published) -> Point:
    late = {f: v.get("resolved_late") for f, v in pub.breakdowns["by_field"].items()}
    return Point(pub.period["code"], pub.period["label"], pub.start, pub.end,
                 {k: pub.indicators.get(k) for k in HEADLINE}, late)


def point_of(results: Results, label: str, code: str) -> Point:
    """Return this run's Point."""
    return Point(code, label, results.period.start, results.period.end,
                 {k: results.indicators.get(k) for k in HEADLINE},
                 {f: v.get("resolved_late") for f, v in results.by_field.items()})


@dataclass
class History:
    """The unit's earlier periods of the same kind, and the results.json files skipped
    (path relative to the outputs folder, why), which the report names in its annex."""

    points: list[Point]
    skipped: list[tuple[str, str]] = field(default_factory=list)


def history(outputs: Path, slug: str, current: Point) -> History:
    """Return the unit's earlier periods of the same kind found in outputs/<slug>/, oldest
    first, at most MAX_PERIODS − 1 of them; a results.json that does not read or does not
    have the declared shape is skipped and named."""
    kind = _kind(current.code)
    folder = Path(outputs) / slug
    if kind is None or not folder.is_dir():
        return History([])
    points, skipped = [], []
    for res in sorted(folder.glob("*/results.json")):
        if _kind(res.parent.name) != kind or res.parent.name == current.code:
            continue
        try:
            point = _point(read_published(res))
        except ShapeError as exc:
            skipped.append((res.relative_to(outputs).as_posix(), str(exc)))
            continue
        if point.start < current.start:
            points.append(point)
    points.sort(key=lambda p: p.start)
    return History(points[-(MAX_PERIODS - 1):], skipped)


@dataclass
class Trend:
    """The series (oldest first, this period last) and the two comparisons."""

    points: list[Point]

    @property
    def current(self) -> Point:
        return self.points[-1]

    @property
    def previous(self) -> Point | None:
        """The period that ends the day before this one starts."""
        want = self.current.start - timedelta(days=1)
        return next((p for p in self.points[:-1] if p.end == want), None)

    @property
    def last_year(self) -> Point | None:
        """The same period a year earlier (2022-Q3 for 2023-Q3)."""
        try:
            want = parse_period(self.current.code).last_year()
        except PeriodError:
            return None
        return next((p for p in self.points[:-1] if want and p.code == want.code), None)

    def change(self, other: Point | None, key: str) -> float | None:
        """This period's value minus the other period's (None when either is missing)."""
        if other is None:
            return None
        a, b = other.values.get(key), self.current.values.get(key)
        return None if a is None or b is None else b - a

    def lateness_growth(self, top: int = 3) -> list[tuple[str, int, int]]:
        """Fields whose late dossiers grew most against the previous period:
        (field, before, now), the biggest growth first."""
        prev = self.previous
        if prev is None:
            return []
        grown = []
        for name, now in self.current.late_by_field.items():
            before = prev.late_by_field.get(name) or 0
            if now is not None and now > before:
                grown.append((name, int(before), int(now)))
        return sorted(grown, key=lambda g: (g[1] - g[2], g[0]))[:top]


def trend(results: Results, label: str, code: str, outputs: Path, slug: str
          ) -> tuple[Trend | None, list[tuple[str, str]]]:
    """Return the Trend of this run against the unit's earlier reports (None when there is
    no earlier period of the same kind) and the earlier results.json files skipped."""
    current = point_of(results, label, code)
    found = history(outputs, slug, current)
    return (Trend(found.points + [current]) if found.points else None), found.skipped
