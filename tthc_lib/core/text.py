"""Text from input as it may be shown: NFC, no control characters, and no personal data.

Field and agency names come from the export and reach every output. A name is cleaned
once per distinct value: control characters (an Excel line break is a vertical tab) become
spaces, runs of spaces one space, and anything shaped like an e-mail address, a telephone
number or an identity number (9 or 12 digits) is masked, so a citizen's contact typed into
the wrong column never reaches a report.
"""

from __future__ import annotations

import re
import unicodedata

MASK = "[đã che]"

# C0 and C1 control characters and the Unicode line/paragraph separators
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese phones: 0 or +84 then 9-10 digits, in groups separated by spaces, dots, dashes
_PHONE = re.compile(r"(?<![\w.+])(?:\+\s?84|\(?0)(?:[\s.()-]{0,2}\d){8,10}(?![\d.]?\d)")
_ID = re.compile(r"(?<![\d.])(?:\d{12}|\d{9})(?![\d.]?\d)")


def no_controls(text: str, keep_newlines: bool = False) -> str:
    """Return `text` in NFC with control characters replaced: vertical tabs and form feeds
    (Excel's line breaks) by a newline when `keep_newlines`, everything else by a space."""
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " ").replace("\x00", ""))
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
        return "\n".join(_CONTROLS.sub(" ", line) for line in text.split("\n"))
    return _CONTROLS.sub(" ", text)


def mask(text: str) -> tuple[str, int]:
    """Return `text` with e-mail addresses, phone and identity numbers masked, and how many
    were masked."""
    count = 0
    for pattern in (_EMAIL, _PHONE, _ID):
        text, n = pattern.subn(MASK, text)
        count += n
    return text, count


def display(text: str) -> str:
    """Return a name from input as it is shown: NFC, one space between words, no control
    characters, personal data masked."""
    return mask(_SPACES.sub(" ", no_controls(text)).strip())[0]


def is_masked(raw: str) -> bool:
    """Return True when showing `raw` masks something in it."""
    return mask(no_controls(raw))[1] > 0


def text_cell(ws, row: int, col: int, text: str):
    """Write text that may come from input (a field or agency name) as text, never as a
    formula: openpyxl turns any string starting with '=' into one."""
    cell = ws.cell(row, col)
    cell.value = text
    if isinstance(text, str):
        cell.data_type = "s"
    return cell
