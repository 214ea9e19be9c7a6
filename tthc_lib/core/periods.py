"""Reporting periods and their data cut-offs (Decree 09/2019/NĐ-CP).

A quarter runs from the 15th of the month before it to the 14th of its last month;
six months from 15/12 of the previous year to 14/06; a year from 15/12 of the previous
year to 14/12. Days are inclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import Shown

TWO_LEVEL_FROM = date(2025, 7, 1)  # two-level local government: no district level after this
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(Shown, ValueError):
    """A period string that does not parse."""


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days with the label the reports use."""

    code: str
    start: date
    end: date
    label_vi: str

    @property
    def levels(self) -> tuple[str, ...]:
        """Administrative levels of the period's form II.06: no huyện in a period that starts
        on or after 1/7/2025; a period straddling that day keeps the district row for what
        the districts received before it."""
        if self.start >= TWO_LEVEL_FROM:
            return ("tinh", "xa")
        return ("tinh", "huyen", "xa")

    @property
    def straddles_two_level(self) -> bool:
        """True when the period begins before 1/7/2025 and ends on or after it."""
        return self.start < TWO_LEVEL_FROM <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @property
    def kind(self) -> str:
        """"quarter", "half", "year" or "range" (a range of days)."""
        for kind, rx in (("quarter", _QUARTER), ("half", _HALF), ("year", _YEAR)):
            if rx.match(self.code):
                return kind
        return "range"

    @property
    def year(self) -> int:
        """The year the period is named after (2023 for 2023-Q3, whose days start in June)."""
        return int(self.code[:4]) if self.kind != "range" else self.end.year

    @property
    def number(self) -> int | None:
        """The quarter (1–4) or half (1–2) within its year; None for a year or a range."""
        return int(self.code[-1]) if self.kind in ("quarter", "half") else None

    @property
    def roman(self) -> str | None:
        """The quarter in Roman numerals, as the reports write it (III for 2023-Q3)."""
        return ROMAN[self.number] if self.kind == "quarter" else None

    def previous(self) -> Period | None:
        """The period of the same kind just before (2023-Q2 for 2023-Q3; 2022-H2 for
        2023-H1); None for a range of days."""
        if self.kind == "range":
            return None
        if self.kind == "year":
            return _parse(str(self.year - 1))
        n, last = self.number, 4 if self.kind == "quarter" else 2
        tag = "Q" if self.kind == "quarter" else "H"
        return _parse(f"{self.year}-{tag}{n - 1}" if n > 1 else f"{self.year - 1}-{tag}{last}")

    def parts(self) -> list[list[Period]]:
        """The ways consecutive shorter periods tile this one, finest first: a year's four
        quarters, then its two halves; a half's two quarters; none for a quarter or a range
        (a year built from its quarters covers exactly the year's days)."""
        y = self.year
        if self.kind == "year":
            return [[_parse(f"{y}-Q{n}") for n in range(1, 5)],
                    [_parse(f"{y}-H{n}") for n in (1, 2)]]
        if self.kind == "half":
            return [[_parse(f"{y}-Q{n}") for n in ((1, 2) if self.number == 1 else (3, 4))]]
        return []

    def last_year(self) -> Period | None:
        """The same period a year earlier (2022-Q3 for 2023-Q3); None for a range."""
        return None if self.kind == "range" else _parse(f"{self.year - 1}{self.code[4:]}")

    def calendar(self) -> Period:
        """The same period in calendar months, as the national portal counts it
        (2023-Q3: 1/7–30/9/2023); a range of days is its own calendar window."""
        y, n = self.year, self.number
        if self.kind == "quarter":
            start, after = date(y, 3 * n - 2, 1), date(y + (n == 4), (3 * n) % 12 + 1, 1)
        elif self.kind == "half":
            start, after = date(y, 6 * n - 5, 1), date(y + (n == 2), 7 if n == 1 else 1, 1)
        elif self.kind == "year":
            start, after = date(y, 1, 1), date(y + 1, 1, 1)
        else:
            return self
        return Period(self.code, start, after - timedelta(days=1), self.label_vi)


_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.I)
_HALF = re.compile(r"^(\d{4})-H([12])$", re.I)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def _d(y: int, m: int, d: int) -> date:
    return date(y, m, d)


_ROMAN_IN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Vietnamese spellings, matched on the folded text (no diacritics, lower case)
_VI_QUARTER = re.compile(r"^(?:quy|q)\s*([1-4]|iv|i{1,3})\s*(?:/|-|nam)\s*(\d{4})$")
_VI_HALF = re.compile(r"^(?:6|sau) thang (dau|cuoi)(?: nam)?\s*/?\s*(\d{4})$")
_VI_YEAR = re.compile(r"^nam (\d{4})$")


def _canonical_code(text: str) -> str:
    """Return `2023-Q3` for "Q3/2023", "Quý III/2023", "quý 3 năm 2023"; `2023-H1` for
    "6 tháng đầu năm 2023"; `2023` for "năm 2023"; other text unchanged."""
    from .schema import fold

    key = fold(text)
    if m := _VI_QUARTER.match(key):
        q = int(m[1]) if m[1].isdigit() else _ROMAN_IN[m[1]]
        return f"{m[2]}-Q{q}"
    if m := _VI_HALF.match(key):
        return f"{m[2]}-H{1 if m[1] == 'dau' else 2}"
    if m := _VI_YEAR.match(key):
        return m[1]
    return text


# the years a dossier date or a period may fall in; anything else is a typing error
YEARS = (1990, 2100)


def parse_period(text: str | int) -> Period:
    """Return the Period for `2023-Q3`, `2023-H1`, `2023` or `2023-07-01..2023-09-30`, or
    their Vietnamese spellings (`Q3/2023`, `Quý III/2023`, `6 tháng đầu năm 2023`,
    `năm 2023`)."""
    code = _canonical_code(str(text).strip()[:100])
    years = [int(y) for y in re.findall(r"\d{4}", code)]
    if years and not all(YEARS[0] < y <= YEARS[1] for y in years):
        raise PeriodError(f"Kỳ báo cáo '{code}': năm cần trong khoảng {YEARS[0] + 1}–"
                          f"{YEARS[1]}.")
    return _parse(code)


def _parse(code: str) -> Period:
    if m := _QUARTER.match(code):
        y, q = int(m[1]), int(m[2])
        last_month = 3 * q
        first = last_month - 3  # the month before the quarter (0 = December of y-1)
        start = _d(y - 1, 12, 15) if first == 0 else _d(y, first, 15)
        return Period(f"{y}-Q{q}", start, _d(y, last_month, 14), f"Quý {ROMAN[q]}/{y}")
    if m := _HALF.match(code):
        y, h = int(m[1]), int(m[2])
        if h == 1:
            return Period(f"{y}-H1", _d(y - 1, 12, 15), _d(y, 6, 14), f"6 tháng đầu năm {y}")
        return Period(f"{y}-H2", _d(y, 6, 15), _d(y, 12, 14), f"6 tháng cuối năm {y}")
    if m := _YEAR.match(code):
        y = int(m[1])
        return Period(str(y), _d(y - 1, 12, 15), _d(y, 12, 14), f"năm {y}")
    if m := _RANGE.match(code):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError as exc:
            raise PeriodError(f"Kỳ báo cáo '{code}': ngày không hợp lệ ({exc}).") from None
        if end < start:
            raise PeriodError(f"Kỳ báo cáo '{code}': ngày kết thúc trước ngày bắt đầu.")
        label = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
        return Period(code, start, end, label)
    raise PeriodError(
        f"Kỳ báo cáo '{code}' không hợp lệ. Dùng một trong các dạng: 2023-Q3 hoặc Quý III/2023 "
        "(quý), 2023-H1 hoặc 6 tháng đầu năm 2023 (6 tháng), 2023 hoặc năm 2023 (năm), "
        "2023-07-01..2023-09-30 (khoảng ngày)."
    )


def weeks(period: Period) -> list[date]:
    """Return the Monday of every week that overlaps the period, in order."""
    first = period.start - timedelta(days=period.start.weekday())
    out, d = [], first
    while d <= period.end:
        out.append(d)
        d += timedelta(days=7)
    return out
