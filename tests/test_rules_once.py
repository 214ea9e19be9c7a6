"""A rule is written once: declared values are the values the engine gives, registry filters
name declared values only, and the national status labels live in the rules, not in Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_policy_oracle import ORACLE, PRESETS, Q3, oracle_table  # noqa: F401
from tthc_lib.classify import classify
from tthc_lib.dims import VALUES
from tthc_lib.policy import load_policy
from tthc_lib.profiles import vocabulary
from tthc_lib.registry import REGISTRY, count

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
