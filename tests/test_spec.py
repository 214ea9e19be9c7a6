"""Params YAML validation: every mistake names the file and the key."""

import pytest

from tthc_lib.load import InputError
from tthc_lib.spec import load_spec

from .conftest import dossier, write_csv

GOOD = """\
unit: {slug: demo, name: UBND tỉnh Demo, short_name: tỉnh Demo}
period: 2023-Q3
data: hs.csv
"""


@pytest.fixture
def params(tmp_path):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])

    def _write(text):
        p = tmp_path / "p.yaml"
        p.write_text(text, encoding="utf-8")
        return p
    return _write


def test_good_params(params):
    spec = load_spec(params(GOOD + "figures: {received_total: 1}\ntext: {intro: Mở đầu}\n"))
    assert spec.unit.slug == "demo" and spec.period.code == "2023-Q3"
    assert spec.data.name == "hs.csv" and spec.figures == {"received_total": 1}


@pytest.mark.parametrize("extra,key", [
    ("colour: red\n", "'colour'"),
    ("figures: {recieved_total: 5}\n", "'figures.recieved_total'"),
    ("figures: {received_total: nhiều}\n", "'figures.received_total'"),
    ("figures: {received_total: -3}\n", "'figures.received_total'"),
])
def test_wrong_keys_and_values_are_named(params, extra, key):
    with pytest.raises(InputError, match=key):
        load_spec(params(GOOD + extra))


def test_bad_period_and_missing_data(params):
    with pytest.raises(InputError, match="'period'"):
        load_spec(params(GOOD.replace("2023-Q3", "quý 3")))
    with pytest.raises(InputError, match="'data'.*tthc sample"):
        load_spec(params(GOOD.replace("hs.csv", "khong-co.csv")))
    with pytest.raises(InputError, match="'unit.name'"):
        load_spec(params(GOOD.replace("name: UBND tỉnh Demo, ", "")))
