"""Shared fixtures: tiny Vietnamese dossier tables written to disk, and the Bắc Giang
sample generated once per test session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tthc_lib.engine.load import load
from tthc_lib.samples import generator as sample

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the parsed-export cache of the tests out of the user's home."""
    import os

    os.environ["TTHC_CACHE"] = str(tmp_path_factory.mktemp("cache"))
CANONICAL = ["ma_ho_so", "ma_tthc", "ten_tthc", "linh_vuc", "co_quan", "cap", "kenh_nop",
             "ngay_tiep_nhan", "ngay_hen_tra", "ngay_co_ket_qua"]


def write_csv(path: Path, rows: list[dict], header: list[str] | None = None,
              encoding: str = "utf-8") -> Path:
    """Write rows (dicts keyed by header) to a CSV file and return its path."""
    header = header or list(rows[0])
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path


def dossier(code: str, received: str, due: str, done: str = "", cap: str = "tinh",
            kenh: str = "truc_tuyen", field: str = "Hộ tịch", agency: str = "Sở Tư pháp") -> dict:
    """Return one canonical dossier row."""
    return {"ma_ho_so": code, "ma_tthc": "1.001193", "ten_tthc": "Đăng ký khai sinh",
            "linh_vuc": field, "co_quan": agency, "cap": cap, "kenh_nop": kenh,
            "ngay_tiep_nhan": received, "ngay_hen_tra": due, "ngay_co_ket_qua": done}


@pytest.fixture
def make_table(tmp_path):
    """Return a function that writes dossier rows to CSV and loads them."""
    def _make(rows, name="hs.csv", **kw):
        return load(write_csv(tmp_path / name, rows, **kw))
    return _make


@pytest.fixture(scope="session")
def bac_giang_csv(tmp_path_factory) -> Path:
    """The Bắc Giang 2023-Q3 sample export, generated once."""
    out = tmp_path_factory.mktemp("samples") / "bac-giang-2023-Q3.csv"
    return sample.write(sample.BAC_GIANG_2023_Q3, out)


@pytest.fixture(scope="session")
def bac_kan_csv(tmp_path_factory) -> Path:
    """The Bắc Kạn Department of Justice 2023 sample export, generated once."""
    out = tmp_path_factory.mktemp("samples") / "bac-kan-stp-2023.csv"
    return sample.write(sample.BAC_KAN_STP_2023, out)


def bundled_params(name: str, data: Path, tmp: Path) -> Path:
    """Return a copy of a bundled params file whose `data:` points at `data`."""
    import yaml

    src = Path(__file__).parent.parent / "params" / name
    raw = yaml.safe_load(src.read_text(encoding="utf-8"))
    raw["data"] = str(data)
    raw.pop("portal", None)  # the sample portal lists are made by `tthc sample`, not here
    out = tmp / name.replace("/", "-")
    out.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out
