"""Paths in one place, anchored at the project root."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
NOTEBOOK = ROOT / "notebooks" / "report.py"
PARAMS = ROOT / "params"
OUTPUTS = ROOT / "outputs"


def report_dir(outputs: Path, unit_slug: str, period_code: str) -> Path:
    """Return outputs/<unit>/<period>/, where one report's files go."""
    return outputs / unit_slug / period_code


def cache_dir() -> Path:
    """Return the folder of parsed-export caches (TTHC_CACHE, else ~/.cache/tthc-report)."""
    return Path(os.environ.get("TTHC_CACHE") or Path.home() / ".cache" / "tthc-report")
