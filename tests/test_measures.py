"""The registry compiled to SQL (engine.measures) gives, over the classified relation, every
data indicator exactly as the cube and `Results` do: explore's questions count by the same
definitions as the report."""

from __future__ import annotations

import math

import pytest

from tests.test_policy_oracle import PRESETS, Q3, oracle_table  # noqa: F401
from tthc_lib.engine.frame import classify
from tthc_lib.engine.measures import count_sql, indicator_sql, where_sql
from tthc_lib.model.registry import REGISTRY
from tthc_lib.model.results import ratio_of_outcomes
from tthc_lib.rules.policy import load_policy

DATA = [i for i in REGISTRY.values() if i.source == "data"]


@pytest.mark.parametrize("preset", PRESETS)
def test_every_data_indicator_in_sql_equals_the_results(preset, oracle_table):  # noqa: F811
    ct = classify(oracle_table, Q3, policy=load_policy(preset))
    con = oracle_table.dataset.con
    sql = ", ".join(f"{indicator_sql(i.id)} AS {i.id}" for i in DATA)
    row = con.execute(f"SELECT {sql} FROM ({ct.run_sql()}) WHERE reason = ''").fetchone()
    got = dict(zip([i.id for i in DATA], row, strict=True))
    want = ct.run.results.indicators
    for ind in DATA:
        if want[ind.id] is None:  # no source column ("không có dữ liệu"), or a ratio over 0
            assert set(ind.where) & ct.run.absent or ind.kind == "ratio", (preset, ind.id)
            continue
        assert math.isclose(got[ind.id], want[ind.id]), (preset, ind.id)


def test_a_count_indicator_compiles_its_declared_filter():
    assert where_sql("resolved_not_late") == "outcome IN ('early', 'on_time')"
    assert count_sql("received_total") == "count(*) FILTER (WHERE true)"
    with pytest.raises(ValueError):
        where_sql("fb_new")  # typed in the params YAML, not counted from dossiers


def test_a_rate_from_counts_by_outcome_is_the_registry_rate():
    counts = {"early": 3, "on_time": 5, "late": 2, "pending_in_time": 9}
    assert ratio_of_outcomes("on_time_rate", counts) == 80.0
    assert ratio_of_outcomes("on_time_rate", {"pending_in_time": 4}) is None


@pytest.mark.parametrize("preset", PRESETS)
def test_a_headline_query_equals_a_full_run(preset, oracle_table):  # noqa: F811
    """engine.run.headline (the reconciliation's steps: one aggregate query) gives every
    data indicator exactly as a full run, absent ones absent."""
    from tthc_lib.engine import run
    from tthc_lib.engine.run import headline

    ds, policy = oracle_table.dataset, load_policy(preset)
    ids = tuple(i.id for i in DATA)
    got = headline(ds, policy, Q3, None, ids)
    want = run(ds, policy, Q3).results.indicators
    for i in ids:
        assert (got[i] is None) == (want[i] is None), (preset, i)
        assert got[i] is None or math.isclose(got[i], want[i]), (preset, i)
