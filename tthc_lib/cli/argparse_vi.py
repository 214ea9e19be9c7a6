"""argparse in Vietnamese: its own words (usage, errors, help) translated through the
gettext hook argparse calls, and "did you mean" for a mistyped command or option."""

from __future__ import annotations

import argparse
import difflib
import re
import sys

VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in phiên bản rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không nhận ra: %s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "không có lựa chọn %(value)r (có: %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không phải %(type)s",
    "ambiguous option: %(option)s could match %(matches)s":
        "tùy chọn %(option)s không rõ: có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "subcommands": "lệnh",
}
TYPES = {"int": "số nguyên", "float": "số"}


def _vi(message: str) -> str:
    return VI.get(message, message)


argparse._ = _vi  # argparse looks `_` up at call time: every message it prints goes here


def _options(parser: argparse.ArgumentParser) -> list[str]:
    """Return every option string of `parser` and its subcommands."""
    out = []
    for action in parser._actions:
        out += action.option_strings
        choices = getattr(action, "choices", None)
        for sub in choices.values() if isinstance(choices, dict) else ():
            if isinstance(sub, argparse.ArgumentParser):
                out += _options(sub)
    return out


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese, shows examples verbatim and suggests the
    closest command or option on a typo."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help=_vi(
            "show this help message and exit"))

    def error(self, message: str):
        for eng, vi in TYPES.items():
            message = message.replace(f"không phải {eng}", f"không phải {vi}")
        choice = re.search(r"không có lựa chọn '([^']*)' \(có: (.*)\)", message)
        if choice:
            close = difflib.get_close_matches(choice[1], [c.strip(" '") for c in
                                                          choice[2].split(",")], n=1)
            if close:
                message += f". Có phải là '{close[0]}'?"
        unknown = re.match(r"không nhận ra: (\S+)", message)
        if unknown:
            options = _options(self)
            close = difflib.get_close_matches(unknown[1], options, n=1)
            if close:
                message += f". Có phải là '{close[0]}'?"
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\n")
