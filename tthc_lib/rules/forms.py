"""Form profiles: how a member unit's report is read (`rules/forms/*.yaml`), as a source
profile says how a dossier export is read. A `form` profile reads a sheet with a banner, a
row of column numbers (1)…(13) and a total row (form II.06 of any system); a `rows` profile
reads a statistics table, one row per agency (and field), columns named by header words."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _default
from functools import cache
from pathlib import Path

from ..core.errors import InputError, unknown_keys
from ..core.schema import fold
from ..model.registry import REGISTRY
from .profiles import read_user_yaml, shipped

SHAPES = ("form", "rows")
KEYS = {"name", "label", "shape", "sheets", "banner", "name_column", "total", "subtotal",
        "groups",
        "figures", "unit", "field", "year", "month", "columns"}
FIGURE_KEYS = {"sheets", "label_column", "value_column"}


@dataclass(frozen=True)
class FormProfile:
    """How one shape of member report is read."""

    name: str
    label: str
    shape: str
    sheets: tuple[str, ...] = ()
    banner: dict[str, tuple[str, ...]] = _default(default_factory=dict)  # unit|period -> words
    name_column: int = 2
    total: tuple[str, ...] = ()  # a row whose name starts with one of these is the total
    subtotal: tuple[str, ...] = ()  # a group's subtotal row, named exactly so: not a row
    groups: tuple[str, ...] = ()
    figures: dict = _default(default_factory=dict)
    unit: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()  # the field (lĩnh vực) column's headers
    year: tuple[str, ...] = ()
    month: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] = _default(default_factory=dict)  # indicator -> headers

    def is_total(self, name: str) -> bool:
        """Whether a row name is the form's total row ("Tổng cộng", "TỔNG CỘNG:", "Tổng số
        (I+II)", "Tổng cộng toàn xã")."""
        key = fold(name).rstrip(":")
        return any(key == fold(t) or (" " in t and key.startswith(
            (fold(t) + " ", fold(t) + ":", fold(t) + "("))) for t in self.total)

    def is_subtotal(self, name: str) -> bool:
        """Whether a row is a group's subtotal ("Cộng"), which the form repeats."""
        return fold(name).rstrip(":") in {fold(t) for t in self.subtotal}

    def is_group(self, name: str) -> bool:
        """Whether a row name heads a group of rows (a level: departments, communes)."""
        return fold(name) in {fold(g) for g in self.groups}


def _words(raw, where: str, problems: list) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str) and w for w in raw):
        problems.append(f"{where}: cần danh sách chuỗi.")
        return ()
    return tuple(raw)


def parse_form_profile(raw, where: str) -> FormProfile:
    """Return a FormProfile from its YAML mapping; every problem is reported at once."""
    if not isinstance(raw, dict):
        raise InputError("profile_not_table", where=where)
    problems = [f"{k}: {msg}" for k, msg in unknown_keys(raw, KEYS)]
    shape = raw.get("shape")
    if shape not in SHAPES:
        problems.append(f"shape: cần một trong {', '.join(SHAPES)}, gặp {shape!r}.")
    banner = raw.get("banner") or {}
    if not isinstance(banner, dict):
        problems.append("banner: cần bảng {unit: [...], period: [...]}.")
        banner = {}
    problems += [f"banner.{k}: {msg}" for k, msg in unknown_keys(banner, {"unit", "period"})]
    figures = raw.get("figures") or {}
    if not isinstance(figures, dict):
        problems.append("figures: cần bảng {sheets, label_column, value_column}.")
        figures = {}
    problems += [f"figures.{k}: {msg}" for k, msg in unknown_keys(figures, FIGURE_KEYS)]
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append("columns: cần bảng mã chỉ tiêu: [tiêu đề].")
        columns = {}
    for key in columns:
        if key not in REGISTRY or REGISTRY[key].source != "data" or \
                REGISTRY[key].kind != "count":
            problems.append(f"columns.{key}: không phải số đếm hồ sơ của sổ chỉ tiêu.")
    if shape == "rows" and not (columns and raw.get("unit")):
        problems.append("shape rows cần 'unit' (tiêu đề cột cơ quan) và 'columns'.")
    name_column = raw.get("name_column", 2)
    if not isinstance(name_column, int) or isinstance(name_column, bool) or name_column < 1:
        problems.append("name_column: cần số thứ tự cột (1, 2, …).")
        name_column = 2
    out = FormProfile(
        name=str(raw.get("name") or Path(where).stem), label=str(raw.get("label", "")),
        shape=str(shape), sheets=_words(raw.get("sheets"), "sheets", problems),
        banner={k: _words(v, f"banner.{k}", problems) for k, v in banner.items()},
        name_column=name_column, total=_words(raw.get("total"), "total", problems),
        subtotal=_words(raw.get("subtotal"), "subtotal", problems),
        groups=_words(raw.get("groups"), "groups", problems), figures=dict(figures),
        unit=_words(raw.get("unit"), "unit", problems),
        domain=_words(raw.get("field"), "field", problems),
        year=_words(raw.get("year"), "year", problems),
        month=_words(raw.get("month"), "month", problems),
        columns={k: _words(v, f"columns.{k}", problems) for k, v in columns.items()})
    if problems:
        raise InputError("form_profile_invalid", where=where,
                         problems="\n".join(f"  - {p}" for p in problems))
    return out


@cache
def builtin_form_profiles() -> dict[str, FormProfile]:
    """Return the form profiles shipped in the package, by name."""
    return shipped("forms", parse_form_profile)


def load_form_profile(name_or_path: str) -> FormProfile:
    """Return a shipped form profile by name, or a user's form profile YAML file."""
    shipped = builtin_form_profiles()
    if name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_form_profile(read_user_yaml(path, "tệp hồ sơ biểu mẫu"), path.name)
    raise InputError("form_profile_unknown", name=name_or_path, shipped=", ".join(shipped))
