"""Source profiles and the shared value vocabulary: how a one-stop system's export is read.

A profile is data (`rules/profiles/*.yaml`, or a user's own file): which headers mean each
canonical column (highest priority first), extra value codes for some columns, the date
formats it writes and its time zone. `detect` picks the profile from a file's headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..core.errors import InputError, did_you_mean, trusted_yaml, unknown_keys, yaml_problem
from ..core.schema import BY_NAME, COLUMNS, RESULT_DATES, C, Kind, fold, is_personal_header

RULES = Path(__file__).resolve().parent
TIMEZONES = ("local", "utc")

# Every date format the engine accepts, whatever the profile; a profile's own formats are
# tried first (a column is parsed with the format most of its values use).
DATE_FORMATS = (
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
    "%d-%m-%Y", "%Y%m%d%H%M%S", "%Y%m%d", "%H:%M %d/%m/%Y", "%H:%M:%S %d/%m/%Y",
    "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M %p", "%I:%M:%S %p %d/%m/%Y", "%I:%M %p %d/%m/%Y",
)
OFFSET_FORMATS = ("%Y-%m-%dT%H:%M:%S.%g%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z",
                  "%Y-%m-%dT%H:%M:%S.%f%z")


def _problem(where: str, text: str) -> str:
    return f"{where}: {text}"


@dataclass(frozen=True)
class Profile:
    """How one kind of export is read."""

    name: str
    label: str
    source: str
    timezone: str
    date_formats: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]  # canonical -> headers, highest priority first
    personal: tuple[str, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {fold: code}

    def headers(self) -> dict[str, tuple[str, int]]:
        """Return {folded header: (canonical column, priority)}."""
        return {fold(h): (canon, i) for canon, hs in self.columns.items()
                for i, h in enumerate(hs)}

    def formats(self) -> tuple[str, ...]:
        """Return the profile's date formats first, then every other accepted one."""
        own = tuple(f for f in self.date_formats if "%z" not in f)
        return own + tuple(f for f in DATE_FORMATS if f not in own)


def _parse_profile(raw: dict, where: str) -> Profile:
    """Return a Profile from its YAML mapping; every problem is reported at once."""
    problems = []
    if not isinstance(raw, dict):
        raise InputError("profile_not_table", where=where)
    known = {"name", "label", "source", "timezone", "date_formats", "columns", "personal",
             "values"}
    problems += [_problem(where, f"{k}: {msg}") for k, msg in unknown_keys(raw, known)]
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict) or not columns:
        problems.append(_problem(where, "'columns' phải liệt kê tiêu đề của từng cột chuẩn"))
        columns = {}
    for canon, heads in columns.items():
        if canon not in BY_NAME:
            problems.append(_problem(where, f"columns.{canon}: không phải cột chuẩn (có: "
                                            f"{', '.join(BY_NAME)})."
                                     + did_you_mean(canon, BY_NAME)))
        if not isinstance(heads, list) or not all(isinstance(h, str) and h for h in heads):
            problems.append(_problem(where, f"columns.{canon}: cần danh sách tiêu đề"))
    tz = raw.get("timezone", "local")
    if tz not in TIMEZONES:
        problems.append(_problem(where, f"timezone: cần local hoặc utc, gặp {tz!r}"))
    formats = raw.get("date_formats") or []
    if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f
                                                for f in formats):
        problems.append(_problem(where, "date_formats: cần danh sách định dạng như "
                                        "'%d/%m/%Y %H:%M:%S'"))
        formats = []
    values: dict[str, dict[str, str]] = {}
    for canon, table in (raw.get("values") or {}).items():
        col = BY_NAME.get(canon)
        codes = _codes(col.kind) if col else None
        if not codes:
            problems.append(_problem(where, f"values.{canon}: cột này không có bảng mã"))
            continue
        values[canon] = {}
        if not isinstance(table, dict):
            problems.append(_problem(where, f"values.{canon}: cần một bảng mã: [các cách ghi]"))
            continue
        for code, names in table.items():
            if str(code) not in codes:
                problems.append(_problem(where, f"values.{canon}.{code}: cần một trong "
                                                f"{', '.join(codes)} (mã chuẩn ở bên trái, "
                                                "các cách ghi trong tệp ở bên phải)"))
            if not isinstance(names, list | type(None)):
                problems.append(_problem(where, f"values.{canon}.{code}: cần danh sách các "
                                                "cách ghi, ví dụ [\"Đã trả (bưu điện)\"]"))
                continue
            for n in names or []:
                values[canon][fold(str(n))] = str(code)
    if problems:
        raise InputError("profile_invalid", problems="\n".join(f"  - {p}" for p in problems))
    return Profile(
        name=str(raw.get("name") or Path(where).stem), label=str(raw.get("label", "")),
        source=str(raw.get("source", "")), timezone=tz, date_formats=tuple(formats),
        columns={k: tuple(v) for k, v in columns.items()},
        personal=tuple(raw.get("personal") or ()), values=values)


def read_yaml_text(text: str):
    """Parse YAML safely, with libyaml's C loader when it is installed (10× faster)."""
    return trusted_yaml(text)


# The national portal's dossier list names no agency: the one export that may lack it (read
# for `tthc reconcile`, recognised by `tthc inspect`).
PORTAL_OPTIONAL = frozenset({C.co_quan})


class NoAliasLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses anchors and aliases (no "billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "tệp không được dùng bí danh YAML (*…/&…)", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"khóa '{key}' có hai lần (lần đầu ở dòng {seen[key]}): "
                    "giá trị của lần đầu sẽ bị bỏ mất; gộp hai mục làm một", key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)


def read_user_yaml(path: Path, what: str, text: str | None = None, table: bool = True):
    """Return a user's YAML file (params, profile, policy, catalogue) as read by the one
    loader: a regular file, UTF-8 (with or without BOM) unless `text` is given, no
    aliases, a table at the top when `table`; problems in Vietnamese with line and column.
    `what` names the file for messages ("tệp tham số")."""
    from ..core.paths import regular_file

    names = {"What": what[:1].upper() + what[1:], "name": Path(path).name}
    try:
        if text is None:
            text = regular_file(Path(path), what).read_text(encoding="utf-8-sig")
        raw = yaml.load(text, Loader=NoAliasLoader)
    except UnicodeDecodeError:
        raise InputError("yaml_not_utf8", **names) from None
    except yaml.YAMLError as exc:
        raise InputError("yaml_invalid", problem=yaml_problem(exc, text), **names) from None
    if table and not isinstance(raw if raw is not None else {}, dict):
        raise InputError("yaml_not_table", **names)
    return raw if raw is not None or not table else {}


def _read_yaml(path: Path) -> dict:
    """A shipped rules file (trusted: the fast C loader)."""
    return read_yaml_text(path.read_text(encoding="utf-8"))


def shipped(folder: str, parse) -> dict:
    """Return the rules files shipped in `rules/<folder>/`, each parsed by `parse(raw,
    file name)` (an object with a `name`), by name."""
    out = {}
    for path in sorted((RULES / folder).glob("*.yaml")):
        p = parse(_read_yaml(path), path.name)
        out[p.name] = p
    return out


@cache
def builtin_profiles() -> dict[str, Profile]:
    """Return the profiles shipped in the package, by name."""
    return shipped("profiles", _parse_profile)


def load_profile(name_or_path: str) -> Profile:
    """Return a shipped profile by name, or a user's profile YAML file."""
    shipped = builtin_profiles()
    if name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        return _parse_profile(read_user_yaml(path, "tệp hồ sơ nguồn"), path.name)
    raise InputError("profile_unknown", name=name_or_path, shipped=", ".join(shipped))


# ---------------------------------------------------------------- the shared vocabulary


@dataclass(frozen=True)
class Vocabulary:
    """Value tables (folded value -> code) per column kind, status labels, level rules."""

    tables: dict[str, dict[str, str]]
    status_labels: dict[str, str]
    level_rules: tuple[tuple[re.Pattern, str], ...]

    def table(self, column: str, profile: Profile | None = None) -> dict[str, str]:
        """Return the value table of a column: the shared one plus the profile's codes."""
        kind = BY_NAME[column].kind
        base = self.tables.get(_VOCAB_KEY.get(kind, ""), {})
        extra = profile.values.get(column, {}) if profile else {}
        return base | extra

    def level_of_agency(self, name: str) -> str | None:
        """Return the level an agency's name implies (UBND xã … → xa), or None."""
        key = fold(name)
        return next((level for rx, level in self.level_rules if rx.search(key)), None)


_VOCAB_KEY = {Kind.LEVEL: "cap", Kind.CHANNEL: "kenh_nop", Kind.SERVICE: "muc_do_dvc",
              Kind.FLAG: "flag", Kind.STATUS: "trang_thai"}


def _codes(kind: Kind) -> tuple[str, ...]:
    return tuple(vocabulary_raw().get(_VOCAB_KEY.get(kind, ""), {}) or ())


@cache
def vocabulary_raw() -> dict:
    return _read_yaml(RULES / "vocab.yaml")


@cache
def vocabulary() -> Vocabulary:
    """Return the shared vocabulary (rules/vocab.yaml)."""
    raw = vocabulary_raw()
    tables = {}
    for key in _VOCAB_KEY.values():
        tables[key] = {}
        for code, names in raw[key].items():
            tables[key][fold(str(code))] = str(code)
            for n in names:
                tables[key][fold(str(n))] = str(code)
    rules = tuple((re.compile(r["pattern"]), r["level"]) for r in raw["level_by_name"])
    return Vocabulary(tables, {str(k): v for k, v in raw["status_labels"].items()}, rules)


# ---------------------------------------------------------------- headers → columns


@dataclass(frozen=True)
class Resolution:
    """How one profile reads a file's headers."""

    profile: Profile
    columns: dict[str, int]  # canonical -> index of the header read (highest priority)
    also: dict[str, tuple[int, ...]]  # canonical -> other headers meaning the same
    personal: tuple[int, ...]
    extra: tuple[int, ...]

    @property
    def recognised(self) -> int:
        """Return how many of the file's headers this profile reads."""
        return len(set(self.columns.values())) + sum(len(v) for v in self.also.values())

    @property
    def missing(self) -> list[str]:
        """Return the required columns (and 'a result date') the file does not have."""
        out = [c.name for c in COLUMNS if c.required and c.name not in self.columns]
        if not any(d in self.columns for d in RESULT_DATES):
            out.append(RESULT_DATES[0])
        return out


def resolve(headers: list[str], profile: Profile) -> Resolution:
    """Return how `profile` reads `headers` (by folded header; ties: the profile's order)."""
    table = profile.headers()
    personal_keys = {fold(h) for h in profile.personal}
    found: dict[str, list[tuple[int, int]]] = {}
    personal, extra = [], []
    for i, h in enumerate(headers):
        key = fold(h)
        if key in table:
            canon, prio = table[key]
            found.setdefault(canon, []).append((prio, i))
        elif key in personal_keys or is_personal_header(h, set(table)):
            personal.append(i)
        elif key:
            extra.append(i)
    columns, also = {}, {}
    for canon, hits in found.items():
        hits.sort()
        columns[canon] = hits[0][1]
        if len(hits) > 1:
            also[canon] = tuple(i for _, i in hits[1:])
    if C.co_quan not in columns and C.noi_tiep_nhan in columns:
        columns[C.co_quan] = columns[C.noi_tiep_nhan]  # counted by the receiving unit
    return Resolution(profile, columns, also, tuple(personal), tuple(extra))


def known_headers() -> set[str]:
    """Return every folded header some shipped profile reads (to find a header row)."""
    return {k for p in builtin_profiles().values() for k in p.headers()}


def detect(headers: list[str], forced: Profile | None = None, source: str = "",
           optional: frozenset[str] = frozenset()) -> Resolution:
    """Return the resolution of the profile that reads the file: `forced` when given, else
    the shipped profile that recognises most headers and has every required column; among
    equals the narrowest (fewest known headers). `optional`: required columns this file
    may lack (the portal's dossier list names no agency). Raise InputError when none fits
    or two equally good profiles would read the file differently."""
    def missing(r: Resolution) -> list[str]:
        return [c for c in r.missing if c not in optional]

    if forced is not None:
        res = resolve(headers, forced)
        if missing(res):
            raise _missing_error(res, headers, source, missing(res))
        return res
    results = [resolve(headers, p) for p in builtin_profiles().values()]
    usable = [r for r in results if not missing(r)]
    if not usable:
        best = max(results, key=lambda r: len(r.columns))
        raise _missing_error(best, headers, source, missing(best))
    top = max(r.recognised for r in usable)
    best = [r for r in usable if r.recognised == top]
    best.sort(key=lambda r: len(r.profile.headers()))
    if len(best) > 1 and len(best[0].profile.headers()) == len(best[1].profile.headers()):
        names = ", ".join(r.profile.name for r in best)
        raise InputError("profile_ambiguous", source=source, names=names)
    return best[0]


def _missing_error(res: Resolution, headers: list[str], source: str,
                   missing: list[str]) -> InputError:
    names = ", ".join(f"'{BY_NAME[c].label_vi}' ({c})" for c in missing)
    readable = ", ".join(repr(str(headers[i])) for i in res.columns.values())
    return InputError("missing_columns", source=source, names=names, profile=res.profile.name,
                      headers=readable or "không có")
