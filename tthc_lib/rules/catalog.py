"""The catalogue: agency → level and procedure → field, for exports without those columns.

A YAML file with two mappings, `co_quan:` (agency name → tinh | huyen | xa) and `thu_tuc:`
(procedure code or name → field), or a CSV with columns `co_quan,cap` and/or
`thu_tuc,linh_vuc`. Keys match whatever the case, diacritics or spacing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import InputError, unknown_keys
from ..core.paths import regular_file
from ..core.schema import LEVELS, fold, nfc
from .profiles import read_user_yaml, vocabulary


@dataclass(frozen=True)
class Catalog:
    """Folded agency name → level, folded procedure code or name → field."""

    levels: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    source: str = ""
    sha256: str = ""

    def level(self, agency: str) -> tuple[str | None, str]:
        """Return (level, how it was found: catalogue | name) for an agency name."""
        key = fold(agency)
        if key in self.levels:
            return self.levels[key], "catalogue"
        by_name = vocabulary().level_of_agency(agency)
        return (by_name, "name") if by_name else (None, "")

    def field_of(self, code: str, name: str) -> str | None:
        """Return the field of a procedure by its code, else by its name."""
        return self.fields.get(fold(code)) or self.fields.get(fold(name))


EMPTY = Catalog()


def _level(value: str, where: str, problems: list[str]) -> str:
    code = vocabulary().tables["cap"].get(fold(value))
    if code not in LEVELS:
        problems.append(f"{where}: cần tinh, huyen hoặc xa, gặp {value!r}")
    return code or ""


def load_catalog(path: str | Path | None) -> Catalog:
    """Return the catalogue read from a YAML or CSV file (EMPTY when `path` is None)."""
    if not path:
        return EMPTY
    path = Path(path)
    data = regular_file(path, "tệp danh mục").read_bytes()
    problems: list[str] = []
    agencies, procedures = {}, {}
    text = data.decode("utf-8-sig", errors="replace")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        headers = [h for h in reader.fieldnames or [] if h is not None]
        known = ("co quan", "cap", "thu tuc", "linh vuc")
        problems += [f"cột '{h}': {msg}" for h, msg in unknown_keys(
            {fold(h): h for h in headers}, known)]
        if problems:
            raise InputError("catalog_invalid", name=path.name,
                             problems="\n".join(f"  - {p}" for p in problems))
        if not {"co quan", "thu tuc"} & {fold(h) for h in headers}:
            raise InputError("catalog_csv_columns", name=path.name, headers=", ".join(headers))
        for i, row in enumerate(reader, start=2):
            if None in row:  # more cells than headers
                problems.append(f"dòng {i}: nhiều ô hơn số cột của dòng tiêu đề")
            row = {fold(k): (v or "").strip() for k, v in row.items()
                   if k is not None and isinstance(v, str | None)}
            if row.get("co quan"):
                agencies[fold(row["co quan"])] = _level(row.get("cap", ""), f"dòng {i}", problems)
            if row.get("thu tuc") and row.get("linh vuc"):
                procedures[fold(row["thu tuc"])] = nfc(row["linh vuc"])
    else:
        raw = read_user_yaml(path, "tệp danh mục", text, table=False) or {}
        if not isinstance(raw, dict):
            raise InputError("catalog_shape", name=path.name)
        problems += [f"{k}: {msg}" for k, msg in unknown_keys(raw, ("co_quan", "thu_tuc"))]
        for name, level in (raw.get("co_quan") or {}).items():
            agencies[fold(str(name))] = _level(str(level), f"co_quan.{name}", problems)
        for key, fld in (raw.get("thu_tuc") or {}).items():
            procedures[fold(str(key))] = nfc(str(fld))
    if problems:
        raise InputError("catalog_invalid", name=path.name,
                         problems="\n".join(f"  - {p}" for p in problems[:10]))
    return Catalog(agencies, procedures, path.name, hashlib.sha256(data).hexdigest())
