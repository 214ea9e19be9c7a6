"""A province's shared export is read once per process (#23): the reports of its member
units (unit.agencies) in one batch worker select their dossiers from one table; each
selection counts only its agencies, closing one leaves the others usable, and a changed
file is read again."""

from __future__ import annotations

from tests.conftest import dossier, write_csv
from tthc_lib.core.periods import parse_period
from tthc_lib.engine import run
from tthc_lib.engine import sources as src
from tthc_lib.rules.policy import load_policy


def test_member_units_share_one_read_of_the_export(tmp_path, monkeypatch):
    rows = [dossier(f"A{i}", "2023-07-03", "2023-07-10", "2023-07-07", cap="xa",
                    agency="UBND xã A") for i in range(3)]
    rows += [dossier(f"B{i}", "2023-07-03", "2023-07-10", "2023-07-12", cap="xa",
                     agency="UBND xã B") for i in range(2)]
    path = write_csv(tmp_path / "chung.csv", rows)
    opened = []
    real = src.open_sources
    monkeypatch.setattr(src, "open_sources", lambda *a, **k: opened.append(1) or real(*a, **k))
    q3, tt01 = parse_period("2023-Q3"), load_policy("tt01")
    a = src.open_unit([src.Source(path)], agencies=("UBND xã A",))
    b = src.open_unit([src.Source(path)], agencies=("ubnd  XÃ b",))
    assert len(opened) == 1 and a.con is b.con
    a.close()  # the shared table stays open for b
    n = run(b, tt01, q3).results.indicators
    assert (n["received_total"], n["resolved_late"]) == (2, 2)
    assert run(a, tt01, q3).results.indicators["resolved_late"] == 0
    write_csv(path, rows[:4])  # the export changed: read again
    c = src.open_unit([src.Source(path)], agencies=("UBND xã B",))
    assert len(opened) == 2 and run(c, tt01, q3).results.indicators["received_total"] == 1
