"""Vietnamese number, percent and date formatting (1.967; 99,3%; 15/06/2023), by Babel's
Vietnamese locale data (CLDR): '.' between thousands, ',' before decimals."""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal

LOCALE = "vi_VN"


def number(n: int | float | None, pad: bool = False) -> str:
    """Return an integer with '.' as thousands separator; `pad` writes 1–9 as 01–09,
    as administrative documents do."""
    if n is None:
        return "–"
    n = int(round(n))
    text = format_decimal(n, format="#,##0", locale=LOCALE)
    if pad and 0 < n < 10:
        text = f"0{text}"
    return text


def decimal(x: float | None, digits: int = 1) -> str:
    """Return a decimal with ',' as decimal mark and '.' between thousands."""
    if x is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(x, digits), format=pattern, locale=LOCALE)


def percent(x: float | None, digits: int = 1) -> str:
    """Return a percentage such as '99,4%' (x is already in percent)."""
    return "–" if x is None else f"{decimal(x, digits)}%"


def day(d: date) -> str:
    """Return a date as dd/mm/yyyy."""
    return f"{d:%d/%m/%Y}"
