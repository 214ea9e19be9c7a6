"""Roll-up: a province (or any unit) consolidates its members' reports.

Each member's report is found (its tthc-report results.json in the outputs folder, a file it
sent, or a file in the inbox folder), read (results.json through the one reader of published
results; a form or a statistics table through a form profile), checked (the form's
identities, named by column number: "(3) ≠ (4)+(5)+(6): 935 ≠ 927"; the total row against its
rows; the period), and summed by each indicator's declared roll-up rule
(`model.rollup`). A member that sent nothing is named, never counted as zero."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from pathlib import Path

from ..core import fmt
from ..core.errors import InputError, did_you_mean, messages
from ..core.periods import Period, PeriodError, parse_period
from ..core.schema import LEVELS, UNKNOWN_FIELD, fold
from ..io.forms import FormRow, MemberFile, read_member_file
from ..model.published import ShapeError, read_published
from ..model.registry import (
    COUNTS,
    FIGURES,
    FORM_II06_COLUMNS,
    IDENTITIES,
    II06_NUMBER,
    REGISTRY,
    identity_parts,
)
from ..model.results import Results, Values, summed
from ..model.rollup import complete, figures_over_units, over_time

STATUSES = ("received", "inconsistent", "period_mismatch", "duplicate", "unreadable", "missing")
COUNTED = ("received", "inconsistent", "duplicate")  # whose figures are summed
SUFFIXES = (".json", ".xlsx", ".xlsm", ".csv")


@dataclass(frozen=True)
class Member:
    """A member unit as the consolidating unit's params declare it."""

    slug: str
    name: str
    level: str  # tinh | huyen | xa: the group of its row in form II.06
    file: Path | None = None  # the file it sent; default: its results.json in outputs
    profile: str | None = None  # the form profile of that file (default: detected)
    agencies: tuple[str, ...] = ()  # its handling agencies in the province's own export

    def names(self) -> set[str]:
        """The folded names a file may give this member by."""
        return {fold(n) for n in (self.slug, self.name, *self.agencies)}


@dataclass
class Submission:
    """One member's report as read: its figures and what is wrong with it."""

    path: Path
    kind: str  # results | form | rows
    period: Period | None
    unit_name: str | None
    values: Values
    by_field: dict[str, Values]
    figures: dict[str, float]
    given: tuple[str, ...]  # the II.06 indicators the file itself gives
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    period_text: str | None = None  # the period as the file writes it


@dataclass
class MemberStatus:
    """How one member stands: its status, the submission used, what is wrong."""

    member: Member
    status: str
    used: Submission | None = None
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # against the province's dossiers

    @property
    def counted(self) -> bool:
        return self.status in COUNTED and self.used is not None

    @property
    def label(self) -> str:
        """The status in Vietnamese."""
        return STATUS_VI[self.status]

    def to_json(self, base: Path) -> dict:
        used = self.used
        return {"slug": self.member.slug, "name": self.member.name, "level": self.member.level,
                "status": self.status, "status_vi": self.label,
                "file": _shown(used.path, base) if used else None,
                "files": [_shown(f, base) for f in self.files],
                "period": used.period.code if used and used.period else None,
                "problems": self.problems, "differences": self.differences,
                "ii06": {k: used.values.get(k) for k in FORM_II06_COLUMNS} if used else None}


STATUS_VI = {"received": "đã nhận", "inconsistent": "số liệu không khớp",
             "period_mismatch": "sai kỳ báo cáo", "duplicate": "nhiều tệp",
             "unreadable": "tệp không đọc được", "missing": "chưa gửi"}


def _shown(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


def _term(ind: str) -> str:
    n = II06_NUMBER.get(ind)
    return f"({n})" if n else REGISTRY[ind].label_vi.lower()


def identity_problems(values: dict, where: str = "") -> list[str]:
    """Return each failed II.06 identity among the counts a member gave, named by the form's
    column numbers: "(3) ≠ (4)+(5)+(6): 935 ≠ 927" (a term the member does not give is not
    checked; a status only some policies produce may be left out, as the form does)."""
    out = []
    for left, parts in IDENTITIES:
        parts = identity_parts(values, parts)
        if values.get(left) is None or any(values.get(p) is None for p in parts):
            continue
        total = sum(values[p] for p in parts)
        if values[left] != total:
            out.append(f"{where}{_term(left)} ≠ {'+'.join(_term(p) for p in parts)}: "
                       f"{fmt.number(values[left])} ≠ {fmt.number(total)}")
    return out


def _rows_problems(form: MemberFile) -> list[str]:
    """Return where the form's total row is not the sum of its rows (of its groups when it
    has groups, each group the sum of its rows), per column."""
    out = []
    total = form.total
    groups = [r for r in form.rows if r.kind == "group"]
    spans: list[tuple[FormRow, list[FormRow]]] = []
    current: tuple[FormRow, list[FormRow]] | None = None
    for r in form.rows:
        if r.kind == "group":
            current = (r, [])
            spans.append(current)
        elif r.kind == "detail" and current is not None:
            current[1].append(r)
    details = [r for r in form.rows if r.kind == "detail"]
    checks = [(total, groups or details)] if total else []
    checks += [(g, rows) for g, rows in spans if rows]
    for whole, rows in checks:
        for ind in FORM_II06_COLUMNS:
            parts = [r.values.get(ind) for r in rows]
            if whole.values.get(ind) is None or any(p is None for p in parts):
                continue
            if whole.values[ind] != sum(parts):
                out.append(messages()["rollup_rows_sum"].format(
                    row=whole.name or whole.row, column=_term(ind),
                    value=fmt.number(whole.values[ind]), total=fmt.number(sum(parts)),
                    n=len(rows)))
    return out


def _by_field(rows: list[FormRow]) -> dict[str, Values]:
    grouped: dict[str, list[dict]] = {}
    for r in rows:
        grouped.setdefault(r.name or UNKNOWN_FIELD, []).append(complete(r.values))
    return {name: summed(parts) for name, parts in grouped.items()}


def _from_form(form: MemberFile) -> Submission:
    total = form.total
    groups = [r for r in form.rows if r.kind == "group"]
    details = [r for r in form.rows if r.kind == "detail"]
    notes = []
    if total is not None:
        given = {k: v for k, v in total.values.items() if v is not None}
    else:  # no total row: the sum of the groups (or rows), said
        rows = groups or details
        given = {k: v for k, v in summed([complete(r.values) for r in rows]).items()
                 if k in FORM_II06_COLUMNS and v is not None}
        notes.append(messages()["rollup_no_total"])
    problems = identity_problems(given, "")
    problems += _rows_problems(form)
    return Submission(form.path, "form", form.period, form.unit, complete(given),
                      _by_field(details), dict(form.figures), tuple(given), problems, notes,
                      form.period_text)


def _from_rows(form: MemberFile, rows: list[FormRow], period: Period) -> Submission:
    """A statistics table's rows of one member (calendar months, as such tables count): per
    month, each agency's total row (no field) or else the sum of its rows by field, summed
    over the member's agencies; the months of the period's calendar window rolled up over
    time (activity summed, pending the last month's, carried over the first month's)."""
    window = period.calendar()
    wanted = _months(window)
    inside = [r for r in rows if r.month is None or r.month in wanted]
    notes = [messages()["rollup_calendar"].format(start=fmt.day(window.start),
                                                  end=fmt.day(window.end))]
    if len(inside) < len(rows):
        notes.append(messages()["rollup_months_left"].format(n=len(rows) - len(inside)))
    by_month: dict = {}
    for r in inside:
        by_month.setdefault(r.month, {}).setdefault(r.unit, []).append(r)
    problems, months, fields = [], [], {}
    zero = complete({c.id: 0 for c in COUNTS})
    for month in sorted(by_month, key=lambda m: m or (0, 0)):
        agencies = []
        for unit_rows in by_month[month].values():
            totals = [r for r in unit_rows if r.kind == "group"]
            for r in totals or unit_rows:
                problems += identity_problems(r.values, f"dòng {r.row}: ")
            agencies.append(summed([complete(r.values) for r in totals or unit_rows]))
        months.append(summed(agencies))
        for r in (r for unit_rows in by_month[month].values() for r in unit_rows
                  if r.kind == "detail"):
            fields.setdefault(r.name, {}).setdefault(month, []).append(complete(r.values))
    order = sorted(by_month, key=lambda m: m or (0, 0))
    values = over_time(months) if months else complete({})
    by_field = {name: over_time([summed(got[m]) if m in got else zero for m in order])
                for name, got in fields.items()}
    values = {k: v for k, v in values.items() if REGISTRY[k].source == "data"}
    given = tuple(k for k in FORM_II06_COLUMNS if values.get(k) is not None)
    found: Period | None = period
    present = {r.month for r in rows if r.month}
    if present and not present & wanted:  # every row of another period: the months it covers
        (y1, m1), (y2, m2) = min(present), max(present)
        last = calendar.monthrange(y2, m2)[1]
        found = parse_period(f"{y1}-{m1:02d}-01..{y2}-{m2:02d}-{last:02d}")
    elif present and wanted - _file_months(form):
        missing = ", ".join(f"{m:02d}/{y}" for y, m in sorted(wanted - _file_months(form)))
        problems.append(messages()["rollup_months_missing"].format(months=missing))
    return Submission(form.path, "rows", found, rows[0].unit if rows else None, values,
                      by_field, {}, given, problems, notes)


def _months(period: Period) -> set[tuple[int, int]]:
    """The (year, month) pairs a calendar window covers."""
    out, y, m = set(), period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        out.add((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _file_months(form: MemberFile) -> set[tuple[int, int]]:
    """The months a statistics table has rows for (any agency)."""
    return {r.month for r in form.rows if r.month}


def _from_results(path: Path) -> Submission:
    pub = read_published(path)
    values = complete(pub.indicators)
    raw_figures = pub.raw.get("figures")
    figures = {k: v for k, v in (raw_figures if isinstance(raw_figures, dict) else {}).items()
               if k in REGISTRY and REGISTRY[k].source == "figure"
               and REGISTRY[k].kind == "count" and isinstance(v, int | float)}
    given = tuple(k for k in FORM_II06_COLUMNS if values.get(k) is not None)
    period = parse_period(f"{pub.period['start']}..{pub.period['end']}")
    try:  # its own code ("2023-Q2") when that names the same days: the message reads better
        named = parse_period(pub.period["code"])
        period = named if (named.start, named.end) == (period.start, period.end) else period
    except PeriodError:
        pass
    return Submission(path, "results", period, pub.unit.get("name"), values,
                      dict(pub.breakdowns["by_field"]), figures, given,
                      identity_problems(values))


def _read(path: Path, member: Member, period: Period) -> Submission:
    """Return the member's submission in `path`, or raise InputError saying why it cannot
    be read (whatever went wrong in a file a member sent: one file never stops the roll-up
    of the others, and never shows a traceback)."""
    try:
        return _parse(path, member, period)
    except (InputError, ShapeError):
        raise
    except Exception as exc:  # a damaged or hostile file: csv, zip, XML, dates, …
        raise InputError("member_file_unreadable", name=path.name,
                         why=type(exc).__name__) from None


def _parse(path: Path, member: Member, period: Period) -> Submission:
    if path.suffix.lower() == ".json":
        return _from_results(path)
    form = read_member_file(path, member.profile)
    if form.shape == "rows":  # a statistics table: this member's rows
        rows = [r for r in form.rows if fold(r.unit) in member.names()]
        if not rows and len({r.unit for r in form.rows}) == 1:
            rows = form.rows
        if not rows:
            raise InputError("rollup_member_not_in_file", name=path.name, member=member.name)
        return _from_rows(form, rows, period)
    return _from_form(form)


def _same_period(s: Submission, b: Period) -> bool:
    """Whether a submission is of period `b` (one that names no period is taken as `b`, and
    said; one whose named period cannot be read is not)."""
    if s.period is None:
        return not s.period_text
    return (s.period.start, s.period.end) == (b.start, b.end)


@dataclass
class Rollup:
    """The members of a consolidating unit for one period, each with its status."""

    period: Period
    members: list[MemberStatus]
    unknown_files: list[tuple[Path, str]] = field(default_factory=list)  # (file, why)
    base: Path = field(default_factory=Path.cwd)

    @property
    def counted(self) -> list[MemberStatus]:
        return [m for m in self.members if m.counted]

    @property
    def missing(self) -> list[MemberStatus]:
        """The members whose figures are not in the sums (nothing usable received)."""
        return [m for m in self.members if not m.counted]

    @property
    def ok(self) -> bool:
        """Whether every member sent one report of this period whose figures add up."""
        return all(m.status == "received" for m in self.members) and not self.unknown_files

    def results(self) -> Results:
        """The consolidated Results: each level the sum of its members (a row per member in
        form II.06, members that sent nothing listed without figures), fields summed over
        the members that give them (a member without a field breakdown under "Chưa xác định
        lĩnh vực"), every count summed by the registry's rule, ratios recomputed."""
        counted = self.counted
        by_level, level_rows = {}, {}
        for lv in LEVELS:  # a member's level is one of them (the params refuse others)
            at = [m for m in self.members if m.member.level == lv]
            if not at:
                continue
            by_level[lv] = summed([m.used.values for m in at if m.counted])
            level_rows[lv] = {_row_name(m): m.used.values if m.counted else summed([])
                              for m in at}
        fields: dict[str, list[dict]] = {}
        for m in counted:
            for name, values in (m.used.by_field or {UNKNOWN_FIELD: m.used.values}).items():
                fields.setdefault(name, []).append(values)
        return Results(period=self.period,
                       indicators=summed([m.used.values for m in counted]),
                       by_level=by_level,
                       by_field={k: summed(v) for k, v in sorted(fields.items())},
                       by_agency={m.member.name: m.used.values for m in counted},
                       by_level_field=level_rows)

    def figures(self, own: dict) -> tuple[dict, dict[str, list[str]]]:
        """The consolidated typed figures: summed over the members that reported each one,
        catalogue figures from `own`; and per figure the members that did not report it."""
        return figures_over_units({m.member.name: m.used.figures for m in self.counted}, own)

    def typed_findings(self, own: dict) -> list[str]:
        """Where the consolidating unit typed a summed figure that is not its members' sum."""
        values, _ = self.figures({})
        out = []
        for ind in FIGURES:
            if ind.kind == "count" and ind.rollup != "own" and ind.id in own and \
                    ind.id in values and own[ind.id] != values[ind.id]:
                out.append(messages()["rollup_typed_differs"].format(
                    label=ind.label_vi, typed=fmt.number(own[ind.id]),
                    summed=fmt.number(values[ind.id]), n=len(self.counted)))
        return out

    def check_against(self, by_agency: dict[str, Values]) -> None:
        """Compare each counted member's II.06 with the dossiers of its agencies in the
        consolidating unit's own export (`by_agency` of its Results); a difference makes
        the member inconsistent."""
        folded = {fold(k): v for k, v in by_agency.items()}
        for m in self.counted:
            names = m.member.agencies or (m.member.name,)
            found = [folded[fold(a)] for a in names if fold(a) in folded]
            if not found:
                m.differences.append(messages()["rollup_no_dossiers"].format(
                    agencies="; ".join(names)))
                continue
            data = summed(found)
            for ind in m.used.given:
                if data.get(ind) is not None and data[ind] != m.used.values[ind]:
                    m.differences.append(messages()["rollup_differs"].format(
                        column=_term(ind), reported=fmt.number(m.used.values[ind]),
                        data=fmt.number(data[ind])))
            if m.differences and m.status == "received":
                m.status = "inconsistent"

    def summary(self) -> str:
        """One Vietnamese sentence: how many members sent what."""
        counts = {s: sum(m.status == s for m in self.members) for s in STATUSES}
        parts = [f"{counts[s]} {STATUS_VI[s]}" for s in STATUSES if counts[s]]
        return messages()["rollup_summary"].format(
            n=len(self.members), parts=", ".join(parts), period=self.period.label_vi)

    def to_json(self) -> dict:
        """The roll-up as `tthc rollup --json` prints it and results.json keeps it."""
        total = summed([m.used.values for m in self.counted])
        return {"period": self.period.code, "ok": self.ok,
                "members": [m.to_json(self.base) for m in self.members],
                "missing": [m.member.name for m in self.missing],
                "unknown_files": [_shown(f, self.base) for f, _ in self.unknown_files],
                "unknown_why": self.unknown_why(),
                "ii06": {k: total[k] for k in FORM_II06_COLUMNS}}

    def unknown_why(self) -> dict[str, str]:
        """The inbox's files that belong to no member (as shown), and why."""
        return {_shown(f, self.base): why for f, why in self.unknown_files}


def _row_name(m: MemberStatus) -> str:
    return m.member.name if m.counted else f"{m.member.name} ({STATUS_VI[m.status]})"


def _inbox_files(inbox: Path | None) -> list[Path]:
    if inbox is None or not inbox.is_dir():
        return []
    return sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not p.name.startswith((".", "~$")))


def _claims(path: Path, members: list[Member]) -> tuple[list[Member], str]:
    """The members a file in the inbox is from — results.json by slug or name, a form by its
    "Đơn vị báo cáo" (read from the banner even when its figures cannot be read: the member
    then learns why), a statistics table by the agencies of its rows — and, when none, why."""
    from ..io.forms import banner_unit

    try:
        if path.suffix.lower() == ".json":
            pub = read_published(path)
            names = {pub.unit.get("slug", ""), pub.unit.get("name", "")}
        else:
            form = read_member_file(path)
            names = {r.unit for r in form.rows if r.unit} or {form.unit or ""}
    except Exception as exc:  # a damaged file: told to no one, or to the unit it names
        if not isinstance(exc, InputError | ShapeError):
            exc = InputError("member_file_unreadable", name=path.name,
                             why=type(exc).__name__)
        try:
            unit = banner_unit(path) if path.suffix.lower() in (".xlsx", ".xlsm") else None
        except Exception:  # noqa: BLE001 — not even its banner reads: the file is named
            unit = None
        if not unit:
            return [], messages()["rollup_inbox_unreadable"].format(why=exc)
        names = {unit}
    owners = [m for m in members if m.names() & {fold(n) for n in names}]
    if owners:
        return owners, ""
    named = "; ".join(sorted(n for n in names if n)) or "–"
    hint = did_you_mean(sorted(names)[0], [m.name for m in members]) if names else ""
    return [], messages()["rollup_inbox_unknown"].format(names=named) + hint


def collect(members: list[Member], period: Period, outputs: Path, inbox: Path | None = None,
            base: Path | None = None) -> Rollup:
    """Return each member's status for `period`: its report found (its `file`, else its
    results.json in `outputs`, and any file of the `inbox` folder that names it), read and
    checked; `base` is the folder file names are shown from."""
    from ..core.paths import report_dir

    declared = {m.file.resolve(): m for m in members if m.file}
    inbox_files = [f for f in _inbox_files(inbox) if f.resolve() not in declared]
    claimed: dict[str, list[Path]] = {m.slug: [] for m in members}
    unknown = []
    for f in inbox_files:
        owners, why = _claims(f, members)
        for m in owners:
            claimed[m.slug].append(f)
        if not owners:
            unknown.append((f, why))
    out = []
    for m in members:
        default = report_dir(outputs, m.slug, period.code) / "results.json"
        paths = [m.file] if m.file else ([default] if default.is_file() else [])
        paths += [f for f in claimed[m.slug] if f not in paths]
        built = None if paths else _from_parts(outputs, m, period)
        out.append(MemberStatus(m, "inconsistent" if built.problems else "received", built,
                                [built.path], built.problems + built.notes)
                   if built else _status(m, paths, period))
    _one_file_one_member(out)
    return Rollup(period, out, unknown, base or Path.cwd())


def _one_file_one_member(statuses: list[MemberStatus]) -> None:
    """A report file (not a statistics table, which holds several agencies) used for two
    members is counted for the first only; every member using it is told."""
    users: dict[Path, list[MemberStatus]] = {}
    for st in statuses:
        if st.used is not None and st.used.kind != "rows":
            users.setdefault(st.used.path.resolve(), []).append(st)
    for path, sts in users.items():
        if len(sts) < 2:
            continue
        names = ", ".join(st.member.name for st in sts)
        for st in sts:
            st.problems.insert(0, messages()["rollup_file_shared"].format(name=path.name,
                                                                           members=names))
        for st in sts[1:]:
            st.status, st.used = "duplicate", None


def _from_parts(outputs: Path, member: Member, period: Period) -> Submission | None:
    """A member's report for a year (or half) built from its reports of the sub-periods
    that tile it (quarters, else halves) by the registry's rules over time — activity
    summed, stocks the last sub-period's, opening stocks the first's; None when one is
    missing or unreadable."""
    from ..core.paths import report_dir

    for parts in period.parts():
        files = [report_dir(outputs, member.slug, p.code) / "results.json" for p in parts]
        if not all(f.is_file() for f in files):
            continue
        try:
            subs = [_read(f, member, p) for f, p in zip(files, parts, strict=True)]
        except (InputError, ShapeError):
            continue
        values = over_time([s.values | s.figures for s in subs])
        names = sorted({k for s in subs for k in s.by_field})
        zero = complete({c.id: 0 for c in COUNTS})  # a field without dossiers that quarter
        by_field = {n: over_time([s.by_field.get(n, zero) for s in subs]) for n in names}
        figures = {k: v for k, v in values.items() if k in REGISTRY and
                   REGISTRY[k].source == "figure" and v is not None}
        note = messages()["rollup_from_parts"].format(
            parts=", ".join(p.label_vi for p in parts))
        problems = [p for s in subs for p in s.problems]
        return Submission(files[-1], "results", period, subs[-1].unit_name,
                          {k: v for k, v in values.items() if REGISTRY[k].source == "data"},
                          by_field, figures, subs[0].given, problems, [note])
    return None


def _status(m: Member, paths: list[Path], period: Period) -> MemberStatus:
    if not paths:
        return MemberStatus(m, "missing")
    read, problems = [], []
    for p in paths:
        try:
            read.append(_read(p, m, period))
        except (InputError, ShapeError) as exc:
            problems.append(f"{p.name}: {exc}")
    right = [s for s in read if _same_period(s, period)]
    wrong = [s for s in read if s not in right]
    for s in wrong:
        problems.append(messages()["rollup_other_period"].format(
            name=s.path.name, found=s.period.label_vi if s.period else s.period_text,
            want=period.label_vi))
    if not right:
        return MemberStatus(m, "period_mismatch" if wrong else "unreadable", None, paths,
                            problems)
    used = max(right, key=lambda s: s.path.stat().st_mtime)  # the newest file is used
    no_period = used.period is None
    used.period = period
    problems += used.problems
    # figures that do not add up matter more than a second file (named in the problems)
    status = "inconsistent" if used.problems else ("duplicate" if len(right) > 1 else
                                                   "received")
    if len(right) > 1:
        problems.insert(0, messages()["rollup_duplicate"].format(
            files=", ".join(s.path.name for s in right), used=used.path.name))
    if no_period:
        problems.append(messages()["rollup_no_period"].format(name=used.path.name))
    return MemberStatus(m, status, used, paths, problems + used.notes)
