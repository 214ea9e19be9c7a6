"""Bad input: one exception, and violations with a code and a Vietnamese message template.

A violation names the row as the user sees it in the file, the column, what was expected
and what was found. Values are only ever quoted from canonical (non-personal) columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAX_LISTED = 10

# code -> message template ({expected}, {found}, {detail} are filled in)
TEMPLATES = {
    "bad_date": "cần {expected}",
    "empty": "cần {expected} (không được để trống)",
    "unknown_value": "cần một trong {detail} ({expected})",
    "duplicate_code": "mã hồ sơ không trùng (các dòng {detail} cùng mã nhưng khác nội dung)",
    "headers_disagree": "hai cột cùng nghĩa phải giống nhau; {detail} ghi khác",
    "level_not_in_period": "cấp {detail} (từ 01/07/2025 không còn cấp huyện)",
}


class Shown:
    """An error whose message is the whole story: IPython (JupyterLab, papermill's output
    notebook) prints the Vietnamese message instead of a traceback, as the command line
    does."""

    def _render_traceback_(self) -> list[str]:
        return [f"Lỗi: {self}"]


class InputError(Shown, Exception):
    """Bad input: the message is complete, user-facing and free of personal data.

    `InputError("file_missing", what=…, path=…)`: a code of rules/messages.yaml and its
    fields — the Vietnamese sentence is the catalogue's template; `fields` are kept for
    callers (never a personal value). A whole sentence is still accepted while the older
    call sites move to codes."""

    def __init__(self, message: str, /, code: str = "input", **fields):
        if message in messages():
            code, message = message, messages()[message].format(**fields)
        elif fields:
            raise KeyError(f"no message {message!r} in rules/messages.yaml")
        super().__init__(message)
        self.code = code
        self.fields = fields


def trusted_yaml(text: str):
    """Parse a shipped rules file (trusted) with libyaml's C loader when installed."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def messages() -> dict[str, str]:
    """Return the catalogue of user-facing messages, by code (rules/messages.yaml)."""

    path = Path(__file__).resolve().parent.parent / "rules" / "messages.yaml"
    return trusted_yaml(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Problem:
    """One violation: (row, column, code) with what was expected and found."""

    row: int | None
    column: str | None
    expected: str
    found: str | None = None
    code: str = "bad_value"
    detail: str = ""

    def text(self, quote: bool = True) -> str:
        """The problem as a message line; `quote=False` leaves out the value found (for
        what is written to the outputs folder)."""
        from .schema import BY_NAME

        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column is not None:
            col = BY_NAME.get(self.column)
            where.append(f"cột '{col.label_vi}' ({self.column})" if col else f"cột '{self.column}'")
        template = TEMPLATES.get(self.code, "cần {expected}")
        what = template.format(expected=self.expected, detail=self.detail, found=self.found)
        found = f", gặp {_quote(self.found)}" if self.found is not None and quote else ""
        return f"{', '.join(where)}: {what}{found}"


def _quote(value: str, limit: int = 80) -> str:
    """Return a found value as quoted in a message: masked, on one line, at most `limit`
    characters."""
    from .text import display

    shown = display(str(value))
    return repr(shown if len(shown) <= limit else shown[:limit] + "…")


def raise_problems(path: Path | str, problems: list[Problem], total: int | None = None,
                   hint: str = "", summary: str = "") -> None:
    """Raise one InputError that lists the first problems and how many there are. The error
    also carries `summary`: the refusal in counts, never a value from the file, for pages
    that are shared (the message itself may quote values, for the analyst's terminal)."""
    total = total if total is not None else len(problems)
    name = Path(path).name
    lines = [f"Tệp '{name}': dữ liệu không đúng quy cách ({total} lỗi)."]
    lines += [f"  - {p.text()}" for p in problems[:MAX_LISTED]]
    if total > MAX_LISTED:
        lines.append(f"  … và {total - MAX_LISTED} lỗi khác.")
    if hint:
        lines.append(hint)
    exc = InputError("\n".join(lines), code=problems[0].code if problems else "input")
    # the same refusal without the values found: rows and columns only, for the outputs
    # folder (a failed notebook, batch.json), which may be shared
    exc.shared = "\n".join([lines[0], *(f"  - {p.text(quote=False)}"
                                        for p in problems[:MAX_LISTED]), *lines[1 + min(
                                            len(problems), MAX_LISTED):]])
    from .schema import BY_NAME

    columns = dict.fromkeys(BY_NAME[p.column].label_vi if p.column in BY_NAME else str(p.column)
                            for p in problems)
    exc.summary = summary or messages()["refusal_summary"].format(
        total=total, columns=", ".join(f"'{c}'" for c in columns))
    raise exc


@cache
def _yaml_causes() -> tuple[tuple[str, str], ...]:

    path = Path(__file__).resolve().parent.parent / "rules" / "yaml_errors.yaml"
    return tuple((c["match"], c["vi"]) for c in trusted_yaml(path.read_text("utf-8")))


def yaml_problem(exc, text: str | None = None) -> str:
    """Return a YAML syntax error as the user should read it: the line and column, and in
    Vietnamese the usual cause and the fix (from rules/yaml_errors.yaml), never PyYAML's
    English alone. The file's text is never quoted (it may hold personal data)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"dòng {mark.line + 1}, cột {mark.column + 1}: " if mark is not None else ""
    context = " ".join(str(getattr(exc, k, "") or "") for k in ("context", "problem"))
    if problem := getattr(exc, "problem", None):
        if not problem.isascii():  # our own Vietnamese problem (the aliases refused)
            return where + problem
    said = next((vi for match, vi in _yaml_causes() if match in context), None)
    said = said or f"cú pháp YAML không đúng ({getattr(exc, 'problem', None) or 'không rõ'})."
    opened = _unclosed_quote(text, mark.line) if text and mark is not None else None
    if opened is not None and opened < mark.line:  # the error shows far below its cause
        said += f" Có thể do dấu ngoặc kép mở ở dòng {opened + 1} chưa đóng."
    return where + said


def _unclosed_quote(text: str, upto: int) -> int | None:
    """Return the first line (0-based, up to `upto`) with an odd number of double quotes."""
    for i, line in enumerate(text.splitlines()[: upto + 1]):
        if (line.count('"') - line.count('\\"')) % 2:
            return i
    return None


def did_you_mean(key, known) -> str:
    """Return " Có phải là 'x'?" for the known key a misspelt one most likely meant (two
    letters swapped, or close by spelling), or ''."""
    import difflib

    key = str(key)
    swapped = [k for k in sorted(map(str, known)) if len(k) == len(key) and sorted(k) ==
               sorted(key) and sum(a != b for a, b in zip(k, key, strict=True)) == 2]
    close = swapped or difflib.get_close_matches(key, sorted(map(str, known)), n=1, cutoff=0.7)
    return messages()["did_you_mean"].format(key=close[0]) if close else ""


def unknown_keys(mapping: dict, known, where: str = "") -> list[tuple[str, str]]:
    """Return (the key's whole path, the problem) for every key of `mapping` not in
    `known`: a misspelt key is refused, never ignored."""
    listed = ", ".join(sorted(map(str, known)))
    return [(f"{where}.{k}" if where else str(k),
             messages()["unknown_key"].format(known=listed) + did_you_mean(k, known))
            for k in mapping if k not in known]
