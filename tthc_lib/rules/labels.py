"""The Vietnamese labels of the values the engine gives each dossier (why it is left out,
how a status counts, where its level and field came from), declared once in labels.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

KINDS = ("reason", "treatment", "level_from", "field_from")


@cache
def _all() -> dict[str, dict[str, str]]:
    from .profiles import read_yaml_text

    text = (Path(__file__).resolve().parent / "labels.yaml").read_text(encoding="utf-8")
    return read_yaml_text(text)


def labels(kind: str) -> dict[str, str]:
    """Return the labels of one kind of value (`reason`, `treatment`, `level_from`,
    `field_from`), by value, in their declared order."""
    if kind not in KINDS:
        raise KeyError(kind)
    return dict(_all()[kind])
