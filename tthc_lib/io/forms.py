"""Read a member unit's report that is not a tthc-report results.json: a form II.06 sheet
(forms.xlsx, a provincial system's II.06a) or a statistics table (OpenCPS), through a form
profile (`rules/forms/*.yaml`). What is read is kept as the file has it — rows, banner,
cells — for the roll-up to check and sum; nothing is summed or corrected here."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.errors import InputError
from ..core.periods import Period, PeriodError, parse_period
from ..core.schema import fold, nfc
from ..core.text import no_controls
from ..model.registry import II06_NUMBER, REGISTRY
from ..rules.forms import FormProfile, builtin_form_profiles, load_form_profile
from .read import _letters, _utf8, refuse_uncomputed, xlsx_grids

BY_NUMBER = {n: ind for ind, n in II06_NUMBER.items()}
ROMAN = re.compile(r"^[IVXLC]+\.?$")
DAYS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
NUMBER_ROWS = 40  # the row of column numbers is near the top


@dataclass
class FormRow:
    """One row of a member's form: its name, kind (group, detail, total) and counts."""

    row: int  # as the file numbers it
    name: str
    kind: str
    values: dict[str, int | None]
    unit: str = ""  # a statistics table: the agency of the row
    month: tuple[int, int] | None = None  # a statistics table: (year, month)


@dataclass
class MemberFile:
    """What one member's file holds, read through a form profile."""

    path: Path
    profile: str
    shape: str = "form"  # form (II.06 sheet) | rows (a statistics table)
    sheet: str | None = None
    unit: str | None = None  # "Đơn vị báo cáo" of the banner
    period_text: str | None = None
    period: Period | None = None
    rows: list[FormRow] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)
    columns: tuple[int, ...] = ()  # the form's numbered columns found (3 … 13)

    @property
    def total(self) -> FormRow | None:
        """The form's total row (a statistics table has none)."""
        return next((r for r in self.rows if r.kind == "total"), None)


BLANK = ("", "-", "–", "—")  # how forms leave a cell without a figure


def _as_count(text) -> int | None:
    """A cell's count ("1.234", "1 234" and 1234 are 1234), or None when it holds none."""
    if text is None:
        return None
    t = re.sub(r"(?<=\d)[. ](?=\d{3}(?!\d))", "", str(text).strip().replace("\u00a0", " "))
    return int(float(t)) if re.fullmatch(r"\d+(\.0+)?", t) else None


def _count(text, path: Path, sheet: str, row: int, col: int) -> int | None:
    """Return a form cell as a count: blank is absent; anything else that is not a count is
    refused, naming the cell."""
    value = _as_count(text)
    if value is None and text is not None and str(text).strip() not in BLANK:
        raise InputError("form_cell_not_number", name=path.name, sheet=sheet,
                         cell=f"{_letters(col)}{row}")
    return value


def _is_number(text) -> bool:
    """Whether a form cell holds a count (1234, "1.234", "1 234")."""
    return _as_count(text) is not None


def banner_unit(path: Path) -> str | None:
    """Return the "Đơn vị báo cáo" an XLSX form's banner names (without reading its rows:
    a file whose figures cannot be read is still known by whom it is from), or None."""
    grids, _ = xlsx_grids(path)
    for p in builtin_form_profiles().values():
        if p.shape != "form":
            continue
        for name in _sheet_order(list(grids), p):
            found = _number_row(grids[name])
            if found is not None:
                return _banner(grids[name], found[0], p).get("unit")
    return None


def _number_row(grid: list[list]) -> tuple[int, dict[int, int]] | None:
    """Return (index, {column index: form column number}) of the row (1) (2) … (13)."""
    for i, row in enumerate(grid[:NUMBER_ROWS]):
        found = {}
        for j, v in enumerate(row):
            m = re.fullmatch(r"\(?(\d{1,2})\)?", str(v).strip()) if v is not None else None
            if m and int(m.group(1)) not in found.values():
                found[j] = int(m.group(1))
        order = [found[j] for j in sorted(found)]
        if set(range(1, 14)) <= set(order) and order == sorted(order):
            return i, found
    return None


def _at(row: list, j: int | None):
    """The cell at index j of a row (None past its end, or for no column)."""
    return row[j] if j is not None and j < len(row) else None


def _banner(grid: list[list], upto: int, profile: FormProfile) -> dict[str, str]:
    out = {}
    for row in grid[:upto]:
        for v in row:
            if not isinstance(v, str):
                continue
            for key, words in profile.banner.items():
                for w in words:
                    if key not in out and fold(v).startswith(fold(w)):
                        out[key] = nfc(no_controls(v.split(":", 1)[1] if ":" in v else ""))
                        out[key] = out[key].strip()
    return out


def banner_period(text: str | None) -> Period | None:
    """Return the period a banner names: its label ("Quý III/2026") when its dates "(từ ngày
    15/06/2026 đến ngày 14/09/2026)" agree, else those dates; None when it names none."""
    if not text:
        return None
    try:
        named = parse_period(text.split("(")[0].strip())
    except PeriodError:
        named = None
    days = DAYS.findall(text)
    if len(days) < 2:
        return named
    (d1, m1, y1), (d2, m2, y2) = days[:2]
    try:
        start, end = date(int(y1), int(m1), int(d1)), date(int(y2), int(m2), int(d2))
        dated = parse_period(f"{start.isoformat()}..{end.isoformat()}")
    except (ValueError, PeriodError):
        return named
    return named if named and (named.start, named.end) == (start, end) else dated


def _sheet_order(names: list[str], profile: FormProfile) -> list[str]:
    wanted = [fold(s) for s in profile.sheets]
    first = [n for n in names if fold(n) in wanted]
    return first + [n for n in names if n not in first]


def read_form(path: Path, profile: FormProfile) -> MemberFile | None:
    """Return the II.06 form of an XLSX read through a `form` profile, or None when no sheet
    has the row of column numbers."""
    grids, uncomputed = xlsx_grids(path)
    for name in _sheet_order(list(grids), profile):
        grid = grids[name]
        found = _number_row(grid)
        if found is None:
            continue
        i, numbers = found
        refuse_uncomputed(path, uncomputed.get(name, []), i + 1)
        col_of = {n: j for j, n in numbers.items()}
        name_col = col_of.get(profile.name_column, profile.name_column - 1)
        stt_col = col_of.get(1, 0)
        banner = _banner(grid, i, profile)
        out = MemberFile(path, profile.name, "form", name, banner.get("unit"),
                         banner.get("period"),
                         banner_period(banner.get("period")),
                         columns=tuple(sorted(n for n in numbers.values() if n in BY_NUMBER)))
        for r, row in enumerate(grid[i + 1:], start=i + 2):
            cells = {BY_NUMBER[n]: _at(row, j) for j, n in numbers.items() if n in BY_NUMBER}
            if not any(_is_number(v) for v in cells.values()):
                continue  # a blank row, a note, the signature block: no figure in it
            values = {ind: _count(cells[ind], path, name, r, col_of[II06_NUMBER[ind]] + 1)
                      for ind in cells}
            label = nfc(no_controls(str(_at(row, name_col) or ""))).strip()
            stt = str(_at(row, stt_col) or "").strip()
            if profile.is_subtotal(label):
                continue  # a group's own subtotal ("Cộng"): the group row already has it
            if profile.is_total(label) or profile.is_total(stt):
                kind = "total"
            elif profile.is_group(label) or ROMAN.match(stt):
                kind = "group"
            else:
                kind = "detail"
            out.rows.append(FormRow(r, label, kind, values))
            if kind == "total":
                break  # what follows the total row (notes, signatures) is not the form's
        out.figures = _figure_sheets(path, grids, profile)
        return out
    return None


def _figure_sheets(path: Path, grids: dict, profile: FormProfile) -> dict[str, float]:
    """Return the typed figures of forms.xlsx's other sheets, by the registry's labels."""
    spec = profile.figures
    if not spec:
        return {}
    labels = {fold(i.label_vi): i.id for i in REGISTRY.values()
              if i.source == "figure" and i.kind == "count"}
    lc, vc = spec.get("label_column", 2) - 1, spec.get("value_column", 3) - 1
    out = {}
    for sheet in spec.get("sheets", ()):
        for r, row in enumerate(grids.get(sheet, ()), start=1):
            label = _at(row, lc)
            ind = labels.get(fold(str(label))) if label else None
            if ind is not None:
                value = _count(_at(row, vc), path, sheet, r, vc + 1)
                if value is not None:
                    out[ind] = value
    return out


def _pick(headers: list[str], words: tuple[str, ...]) -> int | None:
    folded = [fold(h) for h in headers]
    for w in words:
        if fold(w) in folded:
            return folded.index(fold(w))
    return None


def read_rows(path: Path, profile: FormProfile) -> MemberFile | None:
    """Return a statistics table (one row per agency, field and month) read through a
    `rows` profile, or None when its headers are not the profile's."""
    text = _utf8(path.read_bytes(), path).decode("utf-8")
    first = text.split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=first.count)
    lines = list(csv.reader(text.splitlines(), delimiter=sep))
    if not lines:
        return None
    headers = lines[0]
    cols = {ind: _pick(headers, words) for ind, words in profile.columns.items()}
    cols = {k: v for k, v in cols.items() if v is not None}
    unit = _pick(headers, profile.unit)
    if unit is None or len(cols) < 3:
        return None
    domain, year, month = (_pick(headers, w) for w in (profile.domain, profile.year,
                                                         profile.month))
    out = MemberFile(path, profile.name, "rows")
    for r, line in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in line):
            continue
        values = {ind: _count(_at(line, j), path, "", r, j + 1) for ind, j in cols.items()}
        ym = None
        if year is not None and month is not None:
            y, m = (_count(_at(line, j), path, "", r, j + 1) for j in (year, month))
            ym = (y, m) if y and m and 1 <= m <= 12 else None
        field_name = nfc(no_controls(_at(line, domain) or "")).strip()
        out.rows.append(FormRow(r, field_name, "detail" if field_name else "group", values,
                                unit=nfc(no_controls(_at(line, unit) or "")).strip(), month=ym))
    return out


def read_member_file(path: Path, profile: str | None = None) -> MemberFile:
    """Return a member's form or statistics table: through `profile` when given, else the
    first shipped profile that reads it (XLSX: a sheet with the row of column numbers; CSV:
    the profile's headers)."""
    profiles = [load_form_profile(profile)] if profile else list(
        builtin_form_profiles().values())
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    for p in profiles:
        if (p.shape == "form") != xlsx:
            continue
        got = read_form(path, p) if xlsx else read_rows(path, p)
        if got is not None:
            return got
    raise InputError("member_file_unknown", name=path.name,
                     shapes="; ".join(p.label for p in profiles))
