"""Answers from the cache (#23): a re-run of `tthc compute` on an unchanged export, with
the same options on the same day, prints what the first run printed without computing; a
changed file, option or failure is never answered from it. A Parquet export's checks are
kept by the file's identity."""

from __future__ import annotations

import importlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import dossier, write_csv

cli = importlib.import_module("tthc_lib.cli.main")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TTHC_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _rows(n: int = 4, late: bool = False) -> list[dict]:
    return [dossier(f"A{i}", "2023-07-03", "2023-07-10", "2023-07-20" if late and i == 0
                    else "2023-07-07") for i in range(n)]


def test_a_rerun_is_answered_from_the_cache_and_a_change_is_not(tmp_path, cache, capsys,
                                                                monkeypatch):
    data = write_csv(tmp_path / "hs.csv", _rows())
    args = ["compute", str(data), "-p", "2023-Q3", "--json"]
    assert cli.main(args) == 0
    first = capsys.readouterr()

    def computed(_args):
        raise AssertionError("computed again")

    monkeypatch.setattr(cli, "_compute_now", computed)
    assert cli.main(args) == 0
    again = capsys.readouterr()
    assert (again.out, again.err) == (first.out, first.err)
    monkeypatch.undo()
    monkeypatch.setenv("TTHC_CACHE", str(cache))
    assert cli.main([*args[:-1]]) == 0  # another option: computed (the plain table)
    assert "Chỉ tiêu" in capsys.readouterr().out
    write_csv(data, _rows(late=True))  # the file changed
    assert cli.main(args) == 0
    assert capsys.readouterr().out != first.out


def test_a_failure_is_never_kept(tmp_path, cache, capsys):
    bad = write_csv(tmp_path / "bad.csv", [dict(_rows()[0], ngay_tiep_nhan="hôm qua")])
    for _ in range(2):  # refused each time, with its message: nothing was kept
        assert cli.main(["compute", str(bad), "-p", "2023-Q3"]) == 2
        assert "ngay_tiep_nhan" in capsys.readouterr().err
    assert not list((cache / "answers").glob("*.json"))


def test_a_parquet_exports_checks_are_kept_by_its_identity(tmp_path, cache, capsys):
    rows = _rows()
    table = pa.table({k: [r[k] for r in rows] for k in rows[0]})
    data = tmp_path / "hs.parquet"
    pq.write_table(table, data)
    assert cli.main(["compute", str(data), "-p", "2023-Q3"]) == 0
    assert list(cache.glob("checked-*.json"))  # passed: kept
    dup = pa.table({k: [r[k] for r in rows] + [rows[0][k] if k != "co_quan" else "Sở khác"]
                    for k in rows[0]})
    pq.write_table(dup, data)  # the same path, another file: checked again, and refused
    assert cli.main(["compute", str(data), "-p", "2023-Q2"]) == 2
    assert "A0" in capsys.readouterr().err


def test_what_runs_keep_is_in_the_outputs_folder_and_nowhere_else(tmp_path, monkeypatch,
                                                                     capsys):
    """Without TTHC_CACHE, a workspace keeps parsed exports and answers in outputs/.cache;
    outside a workspace nothing is kept, anywhere (the home folder included)."""
    monkeypatch.delenv("TTHC_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    loose = tmp_path / "loose"
    loose.mkdir()
    data = write_csv(loose / "hs.csv", _rows())
    monkeypatch.chdir(loose)
    assert cli.main(["compute", str(data), "-p", "2023-Q3"]) == 0
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["hs.csv"]
    ws = tmp_path / "ws"
    assert cli.main(["init", str(ws)]) == 0
    monkeypatch.chdir(ws)
    assert cli.main(["compute", str(data), "-p", "2023-Q3"]) == 0
    kept = ws / "outputs" / ".cache"
    assert list(kept.glob("ds-*.parquet")) and list((kept / "answers").glob("*.json"))
    assert not (tmp_path / "home").exists()
