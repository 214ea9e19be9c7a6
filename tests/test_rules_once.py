"""A rule is written once: declared values are the values the engine gives, registry filters
name declared values only, and the national status labels live in the rules, not in Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_policy_oracle import ORACLE, PRESETS, Q3, oracle_table  # noqa: F401
from tthc_lib.engine.frame import classify
from tthc_lib.model.dims import VALUES
from tthc_lib.model.registry import REGISTRY, count
from tthc_lib.rules.policy import load_policy
from tthc_lib.rules.profiles import vocabulary

PACKAGE = Path(__file__).parent.parent / "tthc_lib"


def test_a_registry_filter_naming_an_undeclared_value_is_refused():
    with pytest.raises(ValueError, match="ontime"):
        count("x", "x", "(1)", outcome="ontime")
    with pytest.raises(ValueError, match="kenh"):
        count("x", "x", "(1)", kenh="online")


def test_every_registry_filter_names_declared_values():
    for ind in REGISTRY.values():
        for dim, allowed in ind.where.items():
            assert set(allowed) <= set(VALUES[dim]), ind.id


@pytest.mark.parametrize("preset", PRESETS)
def test_the_engine_gives_only_declared_values(preset, oracle_table):  # noqa: F811
    ct = classify(oracle_table, Q3, policy=load_policy(preset))
    cube = ct.run.cube
    for dim, values in VALUES.items():
        assert set(map(str, cube[dim])) <= set(values), (preset, dim)
    assert len(ORACLE) == len(oracle_table.dataset.frame())


def test_no_national_status_label_is_written_in_python():
    labels = set(vocabulary().status_labels.values())
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = [label for label in labels if label in text]
        assert not found, (path.name, found)


def test_coded_errors_take_their_sentence_from_the_catalogue():
    import re

    from tthc_lib.core.errors import InputError, messages

    err = InputError("file_missing", what="tệp dữ liệu", path="data/x.csv")
    assert err.code == "file_missing" and str(err) == "Không tìm thấy tệp dữ liệu 'data/x.csv'."
    with pytest.raises(KeyError):
        InputError("no_such_code", path="x")
    used, named = set(), set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'InputError\("([a-z0-9_]+)"', text))
        used |= set(re.findall(r'messages\(\)\["([a-z0-9_]+)"\]', text))
        named |= set(re.findall(r'"([a-z0-9_]+)"', text))  # a code held in a variable first
    assert used <= set(messages()), used - set(messages())  # every code has its sentence
    unused = set(messages()) - used - named
    assert not unused, unused  # and every sentence is used


def test_every_reason_the_engine_gives_has_a_label():
    import re

    from tthc_lib.core.periods import parse_period
    from tthc_lib.engine import classify_sql
    from tthc_lib.rules.labels import labels

    sql = classify_sql(load_policy("tt01"), parse_period("2023-Q3"), parse_period("2023-Q3").end)
    block = sql[sql.index("CASE"):sql.index("AS reason")]
    reasons = set(re.findall(r"THEN '(\w+)'", block)) - {"missing_receipt"}  # refused, not left out
    assert reasons and reasons <= set(labels("reason")), reasons - set(labels("reason"))
    treats = set(re.findall(r"'(\w+)' AS treat|treat (?:=|IN \() ?'(\w+)'", sql))
    assert {t for pair in treats for t in pair if t} <= set(labels("treatment"))
