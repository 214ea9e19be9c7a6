"""The params YAML of one unit and period, as a typed `ReportSpec`.

```yaml
unit:
  slug: bac-giang              # folder name under outputs/
  name: UBND tỉnh Bắc Giang    # the reporting body, as on the title block
  short_name: tỉnh Bắc Giang   # used in sentences ("trên địa bàn tỉnh Bắc Giang")
  scope: toàn tỉnh             # optional: names the whole unit in section I.6
  title_scope: trên địa bàn tỉnh Bắc Giang   # optional: closes the title
  place: Bắc Giang             # optional: place before the date on the title block
  signer: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH   # optional: the title block, lines split at /
  signer_name: Nguyễn Văn A    # optional: who signs
period: 2023-Q3                # 2023-Q3, 2023-H1, 2023, or 2023-07-01..2023-09-30
data: data/samples/bac-giang-2023-Q3.csv   # relative to the params file or the project
sheet: null                    # optional: the XLSX sheet to read
profile: null                  # optional: source profile name or YAML (detected from headers)
catalog: null                  # optional: agency → level, procedure → field (YAML or CSV)
policy: tt01                   # optional: status policy name or YAML (tt01, dates-only, opencps)
report_date: 2023-09-20        # optional: the document's date (default: today)
number: 125/BC-UBND            # optional: the document number (blank line to fill by hand)
style: {annex: true}           # optional: data quality + provenance as an annex (false: omit)
portal: data/cong-dvcqg.csv    # optional: the national portal's dossier list, to reconcile with
index766: {ratings_total: 10240}   # optional: Decision 766 counts the export cannot give
figures:                       # optional: figures as published / typed by the analyst,
  received_total: 177681       # keyed by indicator id; checked against the data
text:                          # optional: the analyst's paragraphs, by section key
  intro: "..."
```
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.errors import InputError, did_you_mean, messages, unknown_keys
from ..core.fmt import number
from ..core.paths import find_workspace, regular_file, workspace
from ..core.periods import Period, PeriodError, parse_period
from ..core.schema import fold, nfc
from ..core.text import no_controls
from ..model.registry import REGISTRY
from ..model.sections import TEXT_KEYS
from ..rules.profiles import read_user_yaml

TOP_KEYS = {"unit", "period", "data", "sheet", "figures", "text", "interconnected_window",
            "previous", "style", "profile", "catalog", "policy", "report_date", "number",
            "index766", "portal", "predecessors", "members", "inbox"}
UNIT_KEYS = {"slug", "name", "short_name", "signer", "signer_name", "place", "scope",
             "title_scope", "kind", "groups_label", "agencies"}
UNIT_KINDS = ("province", "department", "commune")
STYLE_KEYS = {"pad_small_numbers", "annex"}
WINDOW_KEYS = {"start", "end"}
PREVIOUS_KEYS = {"data", "period", "sheet"}
NESTED = {"interconnected_window": WINDOW_KEYS, "previous": PREVIOUS_KEYS, "style": STYLE_KEYS}
REQUIRED_UNIT = ("slug", "name", "short_name")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


@dataclass(frozen=True)
class Unit:
    slug: str
    name: str
    short_name: str
    signer: str = ""
    signer_name: str = ""  # the person who signs, under the title block
    place: str = ""
    kind: str = "province"  # province | department (shows both I.6 views) | commune
    groups_label: str = ""  # department: "02 lĩnh vực nhóm TTHC liên thông do Sở quản lý"
    scope: str = ""  # "toàn tỉnh": how section I.6 names the whole unit
    title_scope: str = ""  # "trên địa bàn tỉnh Bắc Giang": closes the report's title

    @property
    def scope766(self) -> str:
        """The level of unit Decision 766 scores this one as: a commune (xa) or not (tinh)."""
        return "xa" if self.kind == "commune" else "tinh"

    @property
    def scope_phrase(self) -> str:
        return self.scope or f"của {self.short_name}"

    @property
    def title_phrase(self) -> str:
        return self.title_scope or f"của {self.short_name}"


@dataclass(frozen=True)
class ReportSpec:
    """Everything one report needs besides the dossier data itself."""

    path: Path
    unit: Unit
    period: Period
    data: Path | None  # the first (or only) export; None: consolidated from `members` alone
    sheet: str | None = None
    figures: dict[str, float] = field(default_factory=dict)
    text: dict[str, str] = field(default_factory=dict)
    interconnected_window: tuple[date, date] | None = None
    previous: tuple[Path, Period, str | None] | None = None  # data, period, sheet
    pad_small_numbers: bool = False
    raw: dict = field(default_factory=dict)
    profile: str | None = None  # a shipped profile's name or a resolved YAML path
    catalog: Path | None = None
    policy: str = "tt01"
    report_date: date | None = None  # the document's date (default: the day it is made)
    number: str = ""  # the document number, e.g. "125/BC-UBND"
    annex: bool = True  # data quality and provenance after the signature, as an annex
    index766: dict[str, int] = field(default_factory=dict)  # counts for the 766 index
    portal: Path | None = None  # the national portal's dossier list, to reconcile with
    sources: tuple = ()  # engine.sources.Source of every export when `data:` lists several
    agencies: tuple[str, ...] = ()  # a member unit's handling agencies in a shared export
    predecessors: tuple[tuple[str, date], ...] = ()  # (slug, last day it existed): a merger
    members: tuple = ()  # analysis.rollup.Member: the units whose reports this one consolidates
    inbox: Path | None = None  # a folder of the files members sent


def _err(path: Path, key: str, msg: str) -> InputError:
    return InputError("params_key", path=path, key=key, problem=msg)


def _resolve(path: Path, data: str) -> Path:
    """Return where a relative path in the params file points: beside the params file,
    else in the workspace (the current folder) — never in some other parent folder."""
    p = Path(data)
    if p.is_absolute():
        return p
    for base in (path.parent, workspace()):
        if (base / p).exists():
            return (base / p).resolve()
    return (path.parent / p).resolve()


SOURCE_KEYS = {"path", "profile", "catalog", "sheet"}
PREDECESSOR_KEYS = {"slug", "until"}
MEMBER_KEYS = {"slug", "name", "level", "file", "profile", "agencies"}
MEMBER_LEVELS = ("tinh", "huyen", "xa")


def _members(path: Path, raw, bad) -> tuple:
    """Return the member units a consolidating unit's report sums (params `members:`)."""
    from ..analysis.rollup import Member
    from ..rules.profiles import vocabulary

    out, seen = [], set()
    for where, item, slug in _units(raw, "members", MEMBER_KEYS, "các đơn vị thành viên",
                                    "{slug: so-tu-phap, name: Sở Tư pháp}", bad):
        name = item.get("name")
        if slug in seen:
            bad(f"{where}.slug", f"'{slug}' đã có ở một mục trước: mỗi đơn vị một mục.")
            continue
        seen.add(slug)
        if not isinstance(name, str) or not name.strip():
            bad(f"{where}.name", "bắt buộc: tên đơn vị như trên báo cáo của đơn vị.")
            continue
        name = nfc(no_controls(name)).strip()
        if fold(name) in seen:  # rows of form II.06 are named by it
            bad(f"{where}.name", f"'{name}' đã là tên của một đơn vị trước: mỗi đơn vị một "
                "tên riêng (hai xã cùng tên: ghi thêm tên huyện cũ, ví dụ 'UBND xã Tân Lập "
                "(Đại Từ)').")
            continue
        seen.add(fold(name))
        level = item.get("level") or vocabulary().level_of_agency(name)
        if level not in MEMBER_LEVELS:
            bad(f"{where}.level", f"cần là một trong {', '.join(MEMBER_LEVELS)} (dòng của đơn "
                "vị trong biểu II.06); không suy ra được từ tên "
                f"{_show(name)}." if not item.get("level") else
                f"cần là một trong {', '.join(MEMBER_LEVELS)}, gặp {_show(item['level'])}.")
            continue
        file = None
        if item.get("file") is not None:
            if not isinstance(item["file"], str):
                bad(f"{where}.file", "cần là đường dẫn tệp báo cáo đơn vị đã gửi (chuỗi).")
                continue
            file = _resolve(path, item["file"])
            if why := _file_problem(file, item["file"], "tệp báo cáo của đơn vị"):
                bad(f"{where}.file", why)
                continue
        profile = item.get("profile")
        if profile is not None and not isinstance(profile, str):
            bad(f"{where}.profile", "cần là tên hồ sơ biểu mẫu (ii06, opencps-thong-ke) hoặc "
                "đường dẫn tệp YAML.")
            continue
        if isinstance(profile, str) and profile.endswith((".yaml", ".yml")):
            profile = str(_resolve(path, profile))
        if profile is not None:
            from ..rules.forms import load_form_profile

            try:
                load_form_profile(profile)
            except InputError as exc:
                bad(f"{where}.profile", str(exc))
                continue
        agencies = item.get("agencies") or []
        if not isinstance(agencies, list) or not all(isinstance(a, str) and a.strip()
                                                     for a in agencies):
            bad(f"{where}.agencies", "cần là danh sách tên cơ quan giải quyết (chuỗi).")
            continue
        out.append(Member(slug, name, level, file, profile,
                          tuple(nfc(no_controls(a)).strip() for a in agencies)))
    return tuple(out)


def _units(raw, key: str, known: set[str], what: str, example: str, bad):
    """Yield (where, item, slug) for each mapping of a params list of units (`members:`,
    `predecessors:`) that has a valid slug; every other problem is named."""
    if raw is None:
        return
    if not isinstance(raw, list) or not raw:
        bad(key, f"cần là danh sách {what}, ví dụ [{example}].")
        return
    for i, item in enumerate(raw, start=1):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            bad(where, f"cần dạng {example}.")
            continue
        for k, problem in unknown_keys(item, known, where):
            bad(k, problem)
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            bad(f"{where}.slug", "cần là tên thư mục kết quả của đơn vị (ví dụ bac-kan).")
            continue
        yield where, item, slug


def _predecessors(raw, bad) -> tuple[tuple[str, date], ...]:
    """Return the units a merged unit replaced: (slug, the last day each existed)."""
    out = []
    for where, item, slug in _units(raw, "predecessors", PREDECESSOR_KEYS,
                                     "các đơn vị trước sáp nhập",
                                     "{slug: bac-kan, until: 2025-06-30}", bad):
        until = item.get("until")
        if not isinstance(until, date):
            try:
                until = date.fromisoformat(str(until))
            except ValueError:
                bad(f"{where}.until", f"cần là ngày cuối cùng đơn vị còn tồn tại, dạng "
                    f"2025-06-30, gặp {_show(until)}.")
                continue
        out.append((slug, until))
    return tuple(out)


def _source(path: Path, item, where: str, bad):
    """Return the Source of one item of a `data:` list, or None (its problems named)."""
    from ..engine.sources import Source

    if isinstance(item, str):
        item = {"path": item}
    if not isinstance(item, dict) or not isinstance(item.get("path"), str):
        bad(where, "cần là đường dẫn tệp (chuỗi) hoặc {path: tệp, profile: …, catalog: …, "
            "sheet: …}.")
        return None
    for key, problem in unknown_keys(item, SOURCE_KEYS, where):
        bad(key, problem)
    for key in ("profile", "catalog", "sheet"):
        if item.get(key) is not None and not isinstance(item[key], str):
            bad(f"{where}.{key}", "cần là một chuỗi.")
            return None
    data = _resolve(path, item["path"])
    if why := _file_problem(data, item["path"], "tệp dữ liệu"):
        bad(f"{where}.path", why + " " + _missing_data_hint(path, item["path"]))
        return None
    profile = item.get("profile")
    if profile and profile.endswith((".yaml", ".yml")):
        profile = str(_resolve(path, profile))
    catalog = _resolve(path, item["catalog"]) if item.get("catalog") else None
    if catalog is not None and (why := _file_problem(catalog, item["catalog"], "tệp")):
        bad(f"{where}.catalog", why)
        return None
    return Source(data, profile, catalog, item.get("sheet"))


def data_origin(params: Path, value: str) -> str:
    """Return where the params file's `data:` was found and by which rule, as the
    provenance says it: the path relative to the workspace (only the file name for a file
    outside it)."""
    p, ws = Path(value), workspace().resolve()
    if p.is_absolute():
        found, rule = p, "data_absolute"
    elif (params.parent / p).exists():
        found, rule = (params.parent / p).resolve(), "data_beside"
    else:
        found, rule = (ws / p).resolve(), "data_in_workspace"
    try:
        shown = found.relative_to(ws).as_posix()
    except ValueError:
        shown = found.name
    return messages()[rule].format(path=shown)


def _path_key(path: Path, raw: dict, key: str, what: str, bad) -> Path | None:
    """Return where the optional path key `key` points (None when it is absent, or not a
    string: then `bad` is told it needs the path of `what`)."""
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        bad(key, f"cần là đường dẫn {what} (chuỗi).")
        return None
    return _resolve(path, value)


def _file_problem(path: Path, value: str, what: str) -> str | None:
    """Return why `path` (written `value` in the params file) is not a readable file, or
    None."""
    try:
        regular_file(path, what)
    except InputError:
        if not path.exists():
            return (f"trỏ tới tệp không tồn tại: '{value}' (tìm cạnh tệp tham số và trong "
                    f"thư mục làm việc {workspace()}).")
        return f"trỏ tới '{value}', không phải một tệp đọc được."
    return None


def _missing_data_hint(path: Path, value: str) -> str:
    """Return what to do when a params file's `data:` is not found: run from the params
    file's own workspace when it has one, else make the samples or fix the path."""
    import os

    own = find_workspace(path.resolve().parent)
    if own is not None and own != workspace().resolve():
        rel, inside = os.path.relpath(own), path.resolve().relative_to(own)
        return (f"Tệp tham số thuộc thư mục làm việc '{rel}': chạy lệnh từ đó (`cd {rel}` rồi "
                f"`tthc report {inside}`), hoặc `tthc -C {rel} report {inside}`.")
    if "samples" in Path(value).parts:
        return "Chạy `tthc sample` để tạo dữ liệu mẫu, hoặc sửa đường dẫn."
    return "Sửa đường dẫn `data:` (tính từ thư mục của tệp tham số hoặc thư mục làm việc)."


def _show(value, limit: int = 60) -> str:
    """Return a params value as quoted in a message: its type for lists and tables, at most
    `limit` characters of text (a value is never printed whole)."""
    if isinstance(value, dict | list | tuple | set):
        return "một bảng" if isinstance(value, dict) else "một danh sách"
    if value is None:
        return "giá trị rỗng"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


_THOUSANDS = re.compile(r"^\d{1,3}(?:[. \u00a0]\d{3})+$|^\d+$")


def figure_value(key: str, value, percent: bool):
    """Return a typed figure as a number, or raise ValueError with the Vietnamese reason.
    Counts are non-negative integers: YAML reads an unquoted 1.842 as the decimal 1,842,
    so that is refused; a quoted "1.842" or "1 842" is 1842. Percentages may be decimals
    ("27,3" or 27.3)."""
    if isinstance(value, bool):
        raise ValueError(f"cần là một số, gặp {_show(value)}.")
    if isinstance(value, str):
        text = value.strip()
        if percent:
            try:
                value = float(text.replace("%", "").replace(",", ".").strip())
            except ValueError:
                raise ValueError(f"cần là một tỷ lệ phần trăm (ví dụ 27,3), gặp {_show(value)}."
                                 ) from None
        elif _THOUSANDS.match(text):
            value = int(re.sub(r"[. \u00a0]", "", text))
        else:
            raise ValueError(f"cần là một số nguyên không âm (ví dụ 1842 hoặc \"1.842\"), gặp "
                             f"{value!r}.")
    if not isinstance(value, int | float):
        raise ValueError(f"cần là một số, gặp {_show(value)}.")
    if not math.isfinite(value):
        raise ValueError(f"cần là một số hữu hạn, gặp {_show(value)}.")
    if value < 0:
        raise ValueError(f"không được âm, gặp {value}.")
    if percent and value > 100:
        raise ValueError(f"là một tỷ lệ phần trăm, không vượt 100, gặp {_show(value)}.")
    if not percent and isinstance(value, float):
        if not value.is_integer():
            digits = repr(value).split(".")[1]
            hint = repr(value).replace(".", "") if len(digits) == 3 else "số nguyên không " \
                "có dấu chấm"
            raise ValueError(f"YAML đọc {value!r} là số thập phân {str(value).replace('.', ',')}"
                             f"; viết {hint} hoặc \"{value!r}\" (trong ngoặc kép) nếu đó là "
                             "số có dấu chấm ngăn cách hàng nghìn.")
        value = int(value)
    return value


def read_params(path: Path) -> dict:
    """Return a params file's top-level table as YAML reads it (no aliases), or raise
    InputError naming the file."""
    return read_user_yaml(path, "tệp tham số", params_text(path))


def load_spec(path: str | Path) -> ReportSpec:
    """Return the ReportSpec read from a params YAML. Every problem is reported at once,
    each naming the file and the key (and the closest known key for a misspelt one)."""
    path = Path(path)
    raw = read_params(path)
    problems: list[str] = []

    def bad(key: str, msg: str) -> None:
        problems.append(str(_err(path, key, msg)))

    for key in raw:
        if key not in TOP_KEYS:
            bad(_show(key)[1:-1] if isinstance(key, str) else _show(key),
                f"không được hỗ trợ; các khóa hợp lệ: {sorted(TOP_KEYS)}."
                + did_you_mean(key, TOP_KEYS))
    for key in ("unit", "period", "data"):
        if key not in raw and not (key == "data" and raw.get("members")):
            bad(key, "bắt buộc nhưng chưa có (báo cáo tổng hợp từ các đơn vị thành viên: "
                "members:)." if key == "data" else "bắt buộc nhưng chưa có.")
    unit = raw.get("unit") if isinstance(raw.get("unit"), dict) else {}
    if "unit" in raw and not isinstance(raw["unit"], dict):
        bad("unit", "cần là một bảng (slug, name, short_name).")
    for key, problem in unknown_keys(unit, UNIT_KEYS, "unit"):
        bad(key, problem)
    for key, known in NESTED.items():  # every mapping refuses a key it does not know
        if isinstance(raw.get(key), dict):
            for where, problem in unknown_keys(raw[key], known, key):
                bad(where, problem)
    if "unit" in raw and isinstance(raw["unit"], dict):
        for key in REQUIRED_UNIT:
            if not isinstance(unit.get(key), str) or not unit[key].strip():
                bad(f"unit.{key}", "bắt buộc, cần là chuỗi không rỗng.")
        slug = unit.get("slug")
        if isinstance(slug, str) and slug.strip() and not SLUG.fullmatch(slug):
            bad("unit.slug", "cần là một tên an toàn: chữ thường không dấu, chữ số và dấu gạch "
                "ngang, tối đa 64 ký tự (ví dụ bac-giang); không được có '/', '..' hay ký tự "
                "khác.")
        for key, value in unit.items():
            if key in UNIT_KEYS and key not in (*REQUIRED_UNIT, "agencies") and \
                    not isinstance(value, str):
                bad(f"unit.{key}", f"cần là chuỗi, gặp {_show(value)}.")
        agencies = unit.get("agencies")
        if agencies is not None and (not isinstance(agencies, list) or not agencies or not all(
                isinstance(a, str) and a.strip() for a in agencies)):
            bad("unit.agencies", "cần là danh sách tên cơ quan giải quyết (chuỗi), ví dụ "
                "[UBND xã Đại Phúc]: báo cáo chỉ lấy hồ sơ của các cơ quan này trong tệp dữ liệu.")
        if unit.get("kind", "province") not in UNIT_KINDS:
            bad("unit.kind", f"cần là một trong {', '.join(UNIT_KINDS)}, gặp "
                f"{_show(unit.get('kind'))}.")
    period = None
    if "period" in raw:
        try:
            period = parse_period(raw["period"])
        except PeriodError as exc:
            bad("period", str(exc))
    data, sources = None, ()
    if "data" in raw:
        if isinstance(raw["data"], list) and raw["data"]:
            sources = tuple(filter(None, (_source(path, item, f"data[{i}]", bad)
                                          for i, item in enumerate(raw["data"], start=1))))
            data = sources[0].path if sources else None
            if len(sources) == 1:  # one item: the report reads it like a plain path
                sources = ()
        elif not isinstance(raw["data"], str):
            bad("data", "cần là đường dẫn tệp dữ liệu (chuỗi), hoặc danh sách các tệp (mỗi "
                "mục một đường dẫn hoặc {path, profile, catalog, sheet}).")
        else:
            data = _resolve(path, raw["data"])
            if why := _file_problem(data, raw["data"], "tệp dữ liệu"):
                bad("data", why + " " + _missing_data_hint(path, raw["data"]))
    figures = raw.get("figures") or {}
    if not isinstance(figures, dict):
        bad("figures", "cần là một bảng mã chỉ tiêu: số liệu.")
        figures = {}
    typed: dict[str, float] = {}
    for key, value in figures.items():
        if key not in REGISTRY:
            bad(f"figures.{key}", "không phải mã chỉ tiêu đã đăng ký (danh sách trong "
                "tthc_lib/model/registry.py)." + did_you_mean(key, REGISTRY))
            continue
        try:
            typed[key] = figure_value(key, value, REGISTRY[key].unit == "%")
        except ValueError as exc:
            bad(f"figures.{key}", str(exc))
    counts = _index766(raw.get("index766"), bad)
    for key, why in _parts_over_whole(typed, counts):
        bad(key, why)
    portal = _path_key(path, raw, "portal", "tệp danh sách hồ sơ của Cổng DVCQG", bad)
    if portal is not None and (why := _file_problem(portal, raw["portal"],
                                                     "tệp danh sách hồ sơ của Cổng")):
        bad("portal", why)
    text = raw.get("text") or {}
    if not isinstance(text, dict):
        bad("text", "cần là một bảng khóa: đoạn văn (chuỗi).")
        text = {}
    for key, value in text.items():
        if key not in TEXT_KEYS:
            bad(f"text.{key}", f"không phải mục văn bản đã biết; có: "
                f"{', '.join(sorted(TEXT_KEYS))}." + did_you_mean(key, TEXT_KEYS))
        elif not isinstance(value, str):
            bad(f"text.{key}", f"cần là một đoạn văn (chuỗi), gặp {_show(value)}.")
    window = previous = None
    for key, fn in (("interconnected_window", _window), ("previous", _previous)):
        try:
            got = fn(path, raw.get(key))
        except InputError as exc:
            problems.append(str(exc))
            continue
        window, previous = (got, previous) if key == "interconnected_window" else (window, got)
    style = raw.get("style") or {}
    if not isinstance(style, dict):
        bad("style", f"cần là một bảng với các khóa {', '.join(sorted(STYLE_KEYS))}.")
        style = {}
    style = {k: v for k, v in style.items() if k in STYLE_KEYS}
    for key, value in style.items():
        if not isinstance(value, bool):
            bad(f"style.{key}", f"cần là true hoặc false (không có ngoặc kép), gặp "
                f"{_show(value)}.")
    sheet = raw.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        bad("sheet", "cần là tên trang tính (chuỗi).")
    rules = {}
    for key in ("profile", "catalog", "policy"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            bad(key, "cần là tên (ví dụ tt01) hoặc đường dẫn tệp (chuỗi).")
            continue
        as_path = _resolve(path, value)
        if key == "catalog" or value.endswith((".yaml", ".yml", ".csv")):
            if why := _file_problem(as_path, value, "tệp"):
                bad(key, why)
                continue
            rules[key] = as_path if key == "catalog" else str(as_path)
        else:
            rules[key] = value
    problems += _check_rules(path, rules)
    report_date = raw.get("report_date")
    if report_date is not None and not isinstance(report_date, date):
        try:
            report_date = date.fromisoformat(str(report_date))
        except ValueError:
            bad("report_date", f"cần là ngày dạng 2023-09-20, gặp {_show(report_date)}.")
            report_date = None
    number = raw.get("number", "")
    if isinstance(number, bool) or not isinstance(number, str | int):
        bad("number", "cần là số hiệu văn bản, ví dụ \"125/BC-UBND\".")
        number = ""
    predecessors = _predecessors(raw.get("predecessors"), bad)
    members = _members(path, raw.get("members"), bad)
    inbox = _path_key(path, raw, "inbox", "thư mục chứa các tệp báo cáo đơn vị đã gửi", bad)
    if inbox is not None and not inbox.is_dir():
        bad("inbox", f"'{raw['inbox']}' không phải một thư mục (tìm cạnh tệp tham số và trong "
            f"thư mục làm việc {workspace()}).")
    if raw.get("inbox") is not None and not raw.get("members"):
        bad("inbox", "chỉ dùng cùng members: (các đơn vị thành viên).")
    if portal is not None and data is None:
        bad("portal", "cần data: (tệp hồ sơ của đơn vị) để đối chiếu với Cổng DVCQG.")
    if problems:
        head = f"Tệp tham số '{path}' có {len(problems)} lỗi:\n" if len(problems) > 1 else ""
        raise InputError(head + "\n".join(problems), code="params")
    agencies = tuple(nfc(no_controls(a)).strip() for a in unit.get("agencies") or ())
    return ReportSpec(path=path, unit=Unit(**{k: no_controls(v).strip()
                                              for k, v in unit.items() if k != "agencies"}),
                      period=period, data=data, sheet=sheet, figures=typed,
                      text={k: no_controls(v, keep_newlines=True) for k, v in text.items()},
                      interconnected_window=window,
                      previous=previous, pad_small_numbers=bool(style.get("pad_small_numbers")),
                      raw=raw, report_date=report_date,
                      number=no_controls(str(number or "")).strip(),
                      annex=bool(style.get("annex", True)), index766=counts, portal=portal,
                      sources=sources, agencies=agencies, predecessors=predecessors,
                      members=members, inbox=inbox, **rules)


MAX_PARAMS_BYTES = 1 << 20


def params_text(path: Path) -> str:
    """Return a params file's text: UTF-8 (with or without BOM), UTF-16 with a BOM, or
    Windows-1258 (Vietnamese Windows' own encoding), in NFC."""
    regular_file(path, "tệp tham số")
    if path.stat().st_size > MAX_PARAMS_BYTES:
        raise InputError("params_too_big", path=path, mb=MAX_PARAMS_BYTES >> 20)
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return unicodedata.normalize("NFC", raw.decode("utf-16"))
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise InputError("params_encoding", path=path)


def _parts_over_whole(figures: dict, counts: dict) -> list[tuple[str, str]]:
    """Return (params key, why) for every typed part larger than its typed whole: a ratio of
    the registry or a Decision 766 rule whose numerator and denominator are all typed (a rate
    over 100 % would be printed, or scored as full points)."""
    from ..analysis.index766 import method

    values = {f"figure:{k}": v for k, v in figures.items()}
    values |= {f"index766:{k}": v for k, v in counts.items()}
    pairs = [((f"figure:{i.numerator}",), (f"figure:{i.denominator}",), i.label_vi)
             for i in REGISTRY.values() if i.kind == "ratio" and i.source == "figure"]
    pairs += [(r.num, r.den, f"{r.label} (Bộ chỉ số 766)") for r in method().rules]
    out, seen = [], set()
    for num, den, label in pairs:
        if not all(ref in values for ref in (*num, *den)) or (num, den) in seen:
            continue
        seen.add((num, den))
        n, d = sum(values[r] for r in num), sum(values[r] for r in den)
        if n > d:
            key = " + ".join(_param_key(r) for r in num)
            out.append((key, messages()["part_over_whole"].format(
                part=number(n), whole=number(d), den=" + ".join(_param_key(r) for r in den),
                label=label)))
    return out


def _param_key(ref: str) -> str:
    kind, key = ref.split(":", 1)
    return ("figures." if kind == "figure" else "index766.") + key


def _index766(raw, bad) -> dict[str, int]:
    """Return the counts of the `index766:` block (Decision 766 indicators the dossiers cannot
    give), each a non-negative integer; unknown keys are named."""
    from ..analysis.index766 import method

    if raw is None:
        return {}
    if not isinstance(raw, dict):
        bad("index766", "cần là một bảng khóa: số đếm (xem tthc_lib/rules/index766.yaml).")
        return {}
    known = method().keys("index766")
    out = {}
    for key, value in raw.items():
        if key not in known:
            bad(f"index766.{key}", "không phải số đếm của Bộ chỉ số 766; có: "
                f"{', '.join(sorted(known))}." + did_you_mean(key, known))
            continue
        try:
            out[key] = figure_value(key, value, False)
        except ValueError as exc:
            bad(f"index766.{key}", str(exc))
    return out


def _check_rules(path: Path, rules: dict) -> list[str]:
    """Return a problem for an unknown profile or policy, or a bad catalogue."""
    from ..rules.catalog import load_catalog
    from ..rules.policy import load_policy
    from ..rules.profiles import load_profile

    out = []
    for key, loader in (("profile", load_profile), ("policy", load_policy),
                        ("catalog", load_catalog)):
        if key in rules:
            try:
                loader(rules[key])
            except InputError as exc:
                out.append(str(_err(path, key, f"không hợp lệ: {exc}")))
    return out


def _window(path: Path, raw) -> tuple[date, date] | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and set(raw) - WINDOW_KEYS:
        return None  # named by the unknown-key check
    try:
        start, end = (raw[k] if isinstance(raw[k], date) else date.fromisoformat(str(raw[k]))
                      for k in ("start", "end"))
    except (TypeError, KeyError, ValueError):
        raise _err(path, "interconnected_window", "cần dạng {start: 2023-07-10, end: "
                   "2023-08-31}.") from None
    if end < start:
        raise _err(path, "interconnected_window", "có ngày kết thúc trước ngày bắt đầu.")
    return start, end


def _previous(path: Path, raw) -> tuple[Path, Period, str | None] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not {"data", "period"} <= set(raw):
        raise _err(path, "previous", "cần dạng {data: tệp hồ sơ kỳ trước, period: 2023-Q2}.")
    try:
        period = parse_period(raw["period"])
    except PeriodError as exc:
        raise _err(path, "previous.period", str(exc)) from None
    data = _resolve(path, str(raw["data"]))
    if why := _file_problem(data, str(raw["data"]), "tệp dữ liệu"):
        raise _err(path, "previous.data", why)
    return data, period, raw.get("sheet")
