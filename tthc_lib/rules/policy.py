"""Status policies: how each dossier status counts in form II.06, as data.

A policy (`rules/policies/*.yaml`, or a user's file) says for each national status code
(1–10) how a dossier in that status counts, plus the switches every system decides
differently: calendar days or timestamps, no due date, a pending dossier due on the last
day, which date is the result date. The engine compiles it to SQL (`engine.classify_sql`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..core.errors import InputError, unknown_keys
from .labels import labels
from .profiles import RULES, read_user_yaml, read_yaml_text

TREATMENTS = labels("treatment")  # how a status may count, and what the report says of it
SWITCHES = {
    "compare": ("day", "timestamp"),
    "no_due_date": ("on_time", "not_counted"),
    "due_on_last_day": ("in_time", "overdue"),
    "result_date": ("end_of_processing", "handover"),
}
STATUS_CODES = tuple(str(i) for i in range(1, 11))


@dataclass(frozen=True)
class Policy:
    """One counting policy."""

    name: str
    label: str
    source: str
    compare: str
    no_due_date: str
    due_on_last_day: str
    result_date: str
    use_status: bool
    statuses: dict[str, str] = field(default_factory=dict)  # code -> treatment
    header_notes: dict[str, str] = field(default_factory=dict)

    def treatment(self, code: str | None) -> str:
        """Return how a dossier of status `code` counts (no status: by its dates)."""
        if not self.use_status or code is None:
            return "by_dates"
        return self.statuses.get(code, "by_dates")


def _parse(raw: dict, where: str) -> Policy:
    problems = []
    if not isinstance(raw, dict):
        raise InputError("policy_not_table", where=where)
    known = {"name", "label", "source", "use_status", "statuses", "header_notes", *SWITCHES}
    problems += [f"{k}: {msg}" for k, msg in unknown_keys(raw, known)]
    notes = raw.get("header_notes") or {}
    if isinstance(notes, dict):
        from ..model.registry import REGISTRY

        problems += [f"{k}: {msg}" for k, msg in unknown_keys(notes, REGISTRY, "header_notes")]
    values = {}
    for key, allowed in SWITCHES.items():
        v = raw.get(key, allowed[0])
        if v not in allowed:
            problems.append(f"{key}: cần một trong {', '.join(allowed)}, gặp {v!r}")
        values[key] = v
    if not isinstance(raw.get("use_status", True), bool):
        problems.append(f"use_status: cần true hoặc false (không có ngoặc kép), gặp "
                        f"{raw['use_status']!r}")
    if not isinstance(raw.get("statuses") or {}, dict):
        problems.append("statuses: cần một bảng mã trạng thái: cách tính")
        raw = {**raw, "statuses": {}}
    statuses = {str(k): v for k, v in (raw.get("statuses") or {}).items()}
    for code, treat in statuses.items():
        if code not in STATUS_CODES:
            problems.append(f"statuses.{code}: mã trạng thái phải là 1–10")
        if not isinstance(treat, str) or treat not in TREATMENTS:
            problems.append(f"statuses.{code}: cần một trong {', '.join(TREATMENTS)}, gặp "
                            f"{treat!r}")
    if problems:
        raise InputError("policy_invalid", where=where,
                         problems="\n".join(f"  - {p}" for p in problems))
    return Policy(name=str(raw.get("name") or Path(where).stem), label=str(raw.get("label", "")),
                  source=str(raw.get("source", "")), use_status=bool(raw.get("use_status", True)),
                  statuses=statuses, header_notes=dict(raw.get("header_notes") or {}), **values)


@cache
def builtin_policies() -> dict[str, Policy]:
    """Return the shipped policies (presets), by name; tt01 first."""
    out = {}
    for path in sorted((RULES / "policies").glob("*.yaml"), key=lambda p: (p.stem != "tt01",
                                                                          p.stem)):
        p = _parse(read_yaml_text(path.read_text(encoding="utf-8")), path.name)
        out[p.name] = p
    return out


DEFAULT = "tt01"


def load_policy(name_or_path: str | None) -> Policy:
    """Return a preset by name (default tt01) or a user's policy YAML file."""
    shipped = builtin_policies()
    name_or_path = name_or_path or DEFAULT
    if name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path)
    if not path.exists():
        raise InputError("policy_unknown", name=name_or_path, shipped=", ".join(shipped))
    return _parse(read_user_yaml(path, "tệp chính sách đếm"), path.name)
