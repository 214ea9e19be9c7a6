"""One engine for every input: the same dossiers as CSV, XLSX and Parquet give the same
figures, the cache gives what a fresh read gives, and a Parquet export (read in place,
checked by its first run) is refused or de-duplicated exactly like a CSV."""

import pandas as pd
import pytest

from tthc_lib.core.errors import InputError
from tthc_lib.core.periods import parse_period
from tthc_lib.engine.frame import classify
from tthc_lib.engine.load import load

from .conftest import FIXTURES, dossier, write_csv

Q3 = parse_period("2023-Q3")


def figures(path, **kw):
    return classify(load(path, **kw), Q3).run.results.to_json()


def test_csv_xlsx_parquet_and_cache_agree(tmp_path):
    src = FIXTURES / "small_export.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    df.to_excel(tmp_path / "x.xlsx", index=False)
    df.to_parquet(tmp_path / "x.parquet")
    typed = df.copy()
    for col in ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày có kết quả"):
        typed[col] = pd.to_datetime(typed[col], format="%d/%m/%Y %H:%M", errors="coerce")
    typed.to_parquet(tmp_path / "typed.parquet")
    fresh = figures(src, cache=False)
    assert figures(src) == fresh and figures(src) == fresh  # second: from the cache
    for other in ("x.xlsx", "x.parquet", "typed.parquet"):
        assert figures(tmp_path / other) == fresh, other


def test_bac_giang_sample_as_parquet_gives_the_seed_figures(bac_giang_csv, tmp_path):
    df = pd.read_csv(bac_giang_csv, dtype=str, keep_default_na=False)
    df.to_parquet(tmp_path / "bg.parquet")
    n = classify(load(tmp_path / "bg.parquet"), Q3).run.results.indicators
    assert (n["received_total"], n["resolved_total"]) == (177_681, 166_616)


def test_parquet_bad_values_and_duplicates(tmp_path):
    rows = [dossier("A", "2023-07-01", "2023-07-05"), dossier("B", "hôm qua", "2023-07-05")]
    pd.DataFrame(rows).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(InputError, match=r"dòng 3, cột 'Ngày tiếp nhận'.*gặp 'hôm qua'"):
        classify(load(tmp_path / "bad.parquet"), Q3)
    same = [dossier("A", "2023-07-01", "2023-07-05")] * 2 + [dossier("B", "2023-07-02",
                                                                     "2023-07-05")]
    pd.DataFrame(same).to_parquet(tmp_path / "dup.parquet")
    table = load(tmp_path / "dup.parquet")
    ct = classify(table, Q3)
    assert ct.run.results.indicators["received_total"] == 2
    assert table.dataset.identical_duplicates == 1
    differ = [dossier("A", "2023-07-01", "2023-07-05"), dossier("A", "2023-07-01", "2023-07-09")]
    pd.DataFrame(differ).to_parquet(tmp_path / "conflict.parquet")
    with pytest.raises(InputError, match="các dòng 2, 3 cùng mã nhưng khác nội dung"):
        classify(load(tmp_path / "conflict.parquet"), Q3)


def test_a_refused_file_is_never_cached(tmp_path, monkeypatch):
    from tthc_lib.core.paths import cache_dir

    monkeypatch.setenv("TTHC_CACHE", str(tmp_path / "cache"))
    bad = write_csv(tmp_path / "bad.csv", [dossier("A", "31/02/2023", "2023-07-05")])
    with pytest.raises(InputError):
        load(bad)
    assert not list(cache_dir().glob("*.parquet")) if cache_dir().exists() else True


def test_years_outside_1990_2100_and_a_tab_as_field_are_handled_once(make_table):
    with pytest.raises(InputError, match="gặp '1985-07-01'"):
        make_table([dossier("A", "1985-07-01", "2023-07-05")])
    with pytest.raises(InputError, match="gặp '2150-07-05'"):
        make_table([dossier("A", "2023-07-01", "2150-07-05")])
    table = make_table([dossier("A", "2023-07-01", "2023-07-05", field="\t")])
    assert classify(table, Q3).run.results.by_field == {
        "Chưa xác định lĩnh vực": classify(table, Q3).run.results.indicators}


@pytest.mark.parametrize("blank", ["  ", "\t", " \u00a0\t"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_code_of_spaces_only_is_empty(tmp_path, suffix, blank):
    rows = [dossier("A", "2023-07-01", "2023-07-05"), dossier(blank, "2023-07-01", "2023-07-05")]
    path = tmp_path / f"x{suffix}"
    if suffix == ".csv":
        write_csv(path, rows)
    else:
        pd.DataFrame(rows).to_parquet(path)
    with pytest.raises(InputError, match=r"dòng 3, cột 'Mã hồ sơ'.*không được để trống"):
        classify(load(path), Q3)


def test_a_parquet_with_blank_procedure_codes_counts_each_dossier_once(tmp_path):
    """A blank procedure code read as NULL in one row and '' in another is one catalogue key:
    the field lookup joins each dossier once (it joined them twice, and the duplicate-code
    count, made on the file, did not see it)."""
    from tthc_lib.rules.catalog import load_catalog

    rows = [dossier(c, "2023-07-01", "2023-07-05") | {"linh_vuc": None} for c in "ABCDE"]
    rows[1]["ma_tthc"], rows[2]["ma_tthc"] = None, ""
    pd.DataFrame(rows).to_parquet(tmp_path / "hs.parquet")
    cat = tmp_path / "cat.yaml"
    cat.write_text("thu_tuc: {Đăng ký khai sinh: Hộ tịch}\n", encoding="utf-8")
    for _ in range(2):  # the first run checks the file, the second trusts the verdict
        table = load(tmp_path / "hs.parquet", catalog=load_catalog(cat))
        n = classify(table, Q3).run.results
        assert n.indicators["received_total"] == 5 and table.dataset.identical_duplicates == 0
        assert n.by_field["Hộ tịch"]["received_total"] == 5


def test_a_large_csv_is_streamed_with_the_same_figures_and_rows(tmp_path, monkeypatch):
    import tthc_lib.io.read as read

    src = FIXTURES / "small_export.csv"
    whole = figures(src, cache=False)
    monkeypatch.setattr(read, "STREAM_BYTES", 1)  # every CSV counts as large
    assert figures(src, cache=False) == whole
    rows = [dossier("A", "2023-07-01", "2023-07-05") | {"Ghi chú": "dòng 1\ndòng 2"},
            dossier("B", "31/02/2023", "2023-07-05") | {"Ghi chú": "x"}]
    bad = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError, match=r"dòng 3, cột 'Ngày tiếp nhận'.*gặp '31/02/2023'"):
        load(bad, cache=False)
    legacy = tmp_path / "cp1258.csv"  # not UTF-8: read whole instead
    from .test_load import to_cp1258

    legacy.write_bytes(to_cp1258("ma_ho_so,co_quan,cap,kenh_nop,ngay_tiep_nhan,ngay_hen_tra,"
                                 "ngay_co_ket_qua\nA,Sở Tư pháp,tinh,truc_tuyen,2023-07-01,"
                                 "2023-07-05,\n"))
    assert load(legacy, cache=False).df["co_quan"][0] == "Sở Tư pháp"


def test_a_parquet_name_with_glob_characters_is_read_exactly(tmp_path):
    pd.DataFrame([dossier("A", "2023-07-01", "2023-07-05")]).to_parquet(tmp_path / "hs[1].parquet")
    pd.DataFrame([dossier(c, "2023-07-01", "2023-07-05") for c in "BCDE"]).to_parquet(
        tmp_path / "hs1.parquet")  # what the glob hs[1] would match
    n = classify(load(tmp_path / "hs[1].parquet"), Q3).run.results.indicators
    assert n["received_total"] == 1
