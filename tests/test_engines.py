"""The DuckDB engine and the pandas engine give the same figure for every indicator and
every breakdown (one registry, two ways to build the cube)."""

from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tthc_lib.classify import classify
from tthc_lib.compute import compute
from tthc_lib.engine_duckdb import Unsupported, compute_file
from tthc_lib.load import load
from tthc_lib.periods import parse_period

from .conftest import FIXTURES, dossier, write_csv
from .test_compute import BASE

Q3 = parse_period("2023-Q3")


def both(path, period=Q3):
    fast, excluded = compute_file(path, period)
    ct = classify(load(path), period)
    return fast.to_json(), compute(ct).to_json(), excluded, ct.excluded


def test_same_figures_on_the_bac_giang_sample_csv_and_parquet(bac_giang_csv, tmp_path):
    fast, slow, ex_fast, ex_slow = both(bac_giang_csv)
    assert fast == slow and ex_fast == ex_slow
    again, _ = compute_file(bac_giang_csv, Q3)  # from the content-hash cache this time
    assert again.to_json() == slow
    parquet = tmp_path / "bg.parquet"
    load(bac_giang_csv).df.drop(columns="_row").to_parquet(parquet)
    assert compute_file(parquet, Q3)[0].to_json() == slow


def test_same_figures_on_the_department_sample(bac_kan_csv):
    fast, slow, _, _ = both(bac_kan_csv, parse_period("2023"))
    assert fast == slow


def test_same_figures_on_the_small_export():
    fast, slow, _, _ = both(FIXTURES / "small_export.csv")
    assert fast == slow


rows = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 40),
                          st.one_of(st.none(), st.integers(-3, 60)),
                          st.sampled_from(["Cấp tỉnh", "huyen", "XA"]),
                          st.sampled_from(["Trực tuyến", "truc_tiep", "Bưu chính công ích"])),
                min_size=1, max_size=40)


@settings(max_examples=25)
@given(spec=rows)
def test_same_figures_on_random_tables(tmp_path_factory, spec):
    out = []
    for i, (r, d, f, cap, kenh) in enumerate(spec):
        rd = BASE + timedelta(days=r)
        out.append(dossier(f"HS{i}", rd.strftime("%d/%m/%Y"),
                           (rd + timedelta(days=d)).isoformat(),
                           "" if f is None else (rd + timedelta(days=f)).isoformat(),
                           cap=cap, kenh=kenh, field=["Hộ tịch", "Đất đai"][i % 2]))
    path = write_csv(tmp_path_factory.mktemp("e") / "x.csv", out)
    fast, slow, ex_fast, ex_slow = both(path)
    assert fast == slow and ex_fast == ex_slow


def test_bad_files_are_left_to_the_pandas_loader(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [dossier("A", "31/02/2023", "2023-07-05")])
    with pytest.raises(Unsupported):
        compute_file(bad, Q3)
    dup = write_csv(tmp_path / "dup.csv", [dossier("A", "2023-07-01", "2023-07-05")] * 2)
    with pytest.raises(Unsupported):
        compute_file(dup, Q3)
    bad_pq = tmp_path / "bad.parquet"
    pd.DataFrame([dossier("A", "2023-07-01", "2023-07-05"),
                  dossier("B", "hôm qua", "2023-07-05")]).to_parquet(bad_pq)
    with pytest.raises(Unsupported):
        compute_file(bad_pq, Q3)
    from tthc_lib.engine_duckdb import _sha256, cache_dir

    for f in (bad, dup):  # nothing is cached for a refused file
        assert not (cache_dir() / f"{_sha256(f)}.parquet").exists()
