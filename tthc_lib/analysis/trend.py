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
    summed: tuple[str, ...] = ()  # the predecessor units whose results were summed

    def to_json(self) -> dict:
        """The comparison as results.json keeps it."""
        return {"code": self.code, "label": self.label, "indicators": self.values,
                "summed": list(self.summed)}


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
    notes: list[str] = field(default_factory=list)  # predecessors without results


def history(outputs: Path, slug: str, current: Point,
            predecessors: tuple[tuple[str, date], ...] = ()) -> History:
    """Return the unit's earlier periods of the same kind found in outputs/<slug>/, oldest
    first, at most MAX_PERIODS − 1 of them; a results.json that does not read or does not
    have the declared shape is skipped and named. For a period that ended while the
    unit's `predecessors` (slug, the last day each existed) still existed, the point is
    their results summed (the registry's roll-up rule); a predecessor without results for
    a compared period is named, never counted as zero."""
    kind = _kind(current.code)
    folder = Path(outputs) / slug
    if kind is None:
        return History([])
    points, skipped = [], []
    for res in sorted(folder.glob("*/results.json")) if folder.is_dir() else ():
        if _kind(res.parent.name) != kind or res.parent.name == current.code:
            continue
        try:
            point = _point(read_published(res))
        except ShapeError as exc:
            skipped.append((res.relative_to(outputs).as_posix(), str(exc)))
            continue
        if point.start < current.start:
            points.append(point)
    if predecessors:
        more, notes = _predecessor_points(Path(outputs), current, kind, predecessors,
                                          {p.code for p in points})
        points += more
    else:
        notes = []
    points.sort(key=lambda p: p.start)
    return History(points[-(MAX_PERIODS - 1):], skipped, notes)


def _predecessor_points(outputs: Path, current: Point, kind: str,
                        predecessors: tuple[tuple[str, date], ...], own: set[str]):
    """The points of periods before the merger, each the sum of the predecessors' results,
    and the notes on predecessors whose results are missing for a compared period."""
    from ..core.errors import messages
    from ..model.results import summed

    cur = parse_period(current.code)
    compared = {p.code for p in (cur.previous(), cur.last_year()) if p is not None}
    codes = set(compared)
    for pred, _ in predecessors:
        codes |= {r.parent.name for r in (outputs / pred).glob("*/results.json")
                  if _kind(r.parent.name) == kind}
    points, notes = [], []
    for code in sorted(codes - own):
        period = parse_period(code)
        existing = [pred for pred, until in predecessors if period.end <= until]
        if not existing or period.start >= cur.start:
            continue
        found, missing = [], []
        for pred in existing:
            try:
                found.append(read_published(outputs / pred / code / "results.json"))
            except ShapeError:
                missing.append(pred)
        if missing:
            if code in compared:
                notes.append(messages()["predecessor_missing"].format(
                    period=period.label_vi, units=", ".join(missing)))
            continue
        values = summed([p.indicators for p in found])
        late: dict[str, int | None] = {}
        for p in found:
            for name, v in p.breakdowns["by_field"].items():
                n = v.get("resolved_late")
                late[name] = None if n is None or late.get(name, 0) is None else \
                    late.get(name, 0) + n
        points.append(Point(code, period.label_vi, period.start, period.end,
                            {k: values.get(k) for k in HEADLINE}, late,
                            tuple(p.unit["name"] for p in found)))
    return points, notes


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


def trend(results: Results, label: str, code: str, outputs: Path, slug: str,
          predecessors: tuple[tuple[str, date], ...] = ()
          ) -> tuple[Trend | None, list[str]]:
    """Return the Trend of this run against the unit's earlier reports (and its
    predecessors' before a merger; None when there is no earlier period of the same kind)
    and the sentences the annex says about earlier results not used."""
    from ..core.errors import messages

    current = point_of(results, label, code)
    found = history(outputs, slug, current, predecessors)
    unused = [messages()["results_skipped"].format(path=f, reason=why)
              for f, why in found.skipped] + found.notes
    return (Trend(found.points + [current]) if found.points else None), unused
