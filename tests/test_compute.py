"""Identities of form II.06 on random tables (hypothesis), and breakdowns adding up."""

from datetime import date, timedelta

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tthc_lib.analysis.checks import identities
from tthc_lib.core.periods import parse_period
from tthc_lib.engine.frame import classify
from tthc_lib.engine.load import load_frame
from tthc_lib.model.registry import COUNTS, IDENTITIES
from tthc_lib.model.results import compute

from .conftest import dossier

Q3 = parse_period("2023-Q3")
BASE = date(2023, 4, 1)

rows = st.lists(st.tuples(
    st.integers(0, 200),               # received: days after 1/4/2023
    st.integers(0, 40),                # due: days after receipt
    st.one_of(st.none(), st.integers(0, 60)),  # result: days after receipt, or none
    st.sampled_from(["tinh", "huyen", "xa"]),
    st.sampled_from(["truc_tuyen", "truc_tiep", "buu_chinh"]),
    st.sampled_from(["Hộ tịch", "Đất đai", "Chứng thực"]),
), min_size=1, max_size=60)


@given(spec=rows)
def test_identities_hold_for_any_table(spec):
    res = compute(classify(load_frame(pd.DataFrame(_rows(spec))), Q3))
    for values in [res.indicators, *res.by_level.values(), *res.by_field.values()]:
        for left, parts in IDENTITIES:
            assert values[left] == sum(values[p] for p in parts)
    for c in COUNTS:
        breakdowns = [*res.by_level.values(), *res.by_field.values(), *res.by_agency.values()]
        if res.indicators[c.id] is None:  # no source column: absent everywhere, never 0
            assert all(v[c.id] is None for v in breakdowns)
            continue
        assert sum(v[c.id] for v in res.by_level.values()) == res.indicators[c.id]
        assert sum(v[c.id] for v in res.by_field.values()) == res.indicators[c.id]
        assert sum(v[c.id] for v in res.by_agency.values()) == res.indicators[c.id]
    assert all(f.ok for f in identities(res))


def _rows(spec):
    out = []
    for i, (r, d, f, cap, kenh, field) in enumerate(spec):
        rd = BASE + timedelta(days=r)
        out.append(dossier(f"HS{i}", received=rd.isoformat(),
                           due=(rd + timedelta(days=d)).isoformat(),
                           done="" if f is None else (rd + timedelta(days=f)).isoformat(),
                           cap=cap, kenh=kenh, field=field))
    return out


@given(spec=rows)
def test_splitting_by_level_and_adding_up_gives_the_total(spec):
    whole = compute(classify(load_frame(pd.DataFrame(_rows(spec))), Q3))
    summed = {c.id: 0 for c in COUNTS}
    for lv in ("tinh", "huyen", "xa"):
        part = [r for r in _rows(spec) if r["cap"] == lv]
        if not part:
            continue
        res = compute(classify(load_frame(pd.DataFrame(part)), Q3))
        for c in COUNTS:
            summed[c.id] += res.indicators[c.id] or 0
    assert summed == {c.id: whole.indicators[c.id] or 0 for c in COUNTS}


def test_rates_are_percent_and_none_without_denominator(make_table):
    rows = [dossier("A", "2023-07-03", "2023-07-10", "2023-07-05"),
            dossier("B", "2023-07-03", "2023-07-10", "2023-07-12", kenh="truc_tiep")]
    res = compute(classify(make_table(rows), Q3))
    assert res.indicators["on_time_rate"] == 50.0
    assert res.indicators["online_rate"] == 50.0
    assert res.by_level["huyen"]["on_time_rate"] is None
    assert res.by_level["huyen"]["received_total"] == 0
