"""Golden files for rendered tables and narrative. Regenerate with UPDATE_GOLDEN=1 after a
deliberate change, and review the diff."""

import os
from pathlib import Path

import pytest

from tthc_lib.core.periods import parse_period
from tthc_lib.engine.frame import classify
from tthc_lib.engine.load import load
from tthc_lib.model.results import compute
from tthc_lib.model.sections import BY_KEY
from tthc_lib.report.narrative import ii06_rows, render, results_view

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = FIXTURES / "golden"


@pytest.fixture(scope="module")
def results():
    return compute(classify(load(FIXTURES / "small_export.csv"), parse_period("2023-Q3")))


def check(name: str, html: str):
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_small_export_figures(results):
    n = results.indicators
    assert (n["received_total"], n["received_new"], n["carried_over"]) == (6, 5, 1)
    assert (n["resolved_early"], n["resolved_on_time"], n["resolved_late"]) == (1, 2, 1)
    assert (n["pending_in_time"], n["pending_overdue"]) == (1, 1)


def test_ii06_table_golden(results):
    from tthc_lib.rules.policy import load_policy

    check("ii06_small.html", render("ii06_table.html.j2", rows=ii06_rows(results),
                                    notes=load_policy("tt01").header_notes,
                                    scope="toàn tỉnh", period_label="Quý III/2023"))


def test_section_results_golden(results):
    view = results_view("a", "Tình hình, kết quả giải quyết TTHC toàn tỉnh", results)
    check("i6_small.html", render("s_results.html.j2", s=BY_KEY["results"], num=6,
                                  views=[view], postal=None, postal_letter="", window=None,
                                  t={"results": "", "interconnected": ""}))


@pytest.fixture(scope="module")
def small_report(tmp_path_factory):
    """The small export's report, as a params file makes it, on a fixed date."""
    from datetime import datetime

    from tthc_lib.report.build import build_report

    tmp = tmp_path_factory.mktemp("golden")
    (tmp / "2023-Q3.yaml").write_text(
        "unit: {slug: demo, name: UBND tỉnh Demo, short_name: tỉnh Demo}\nperiod: 2023-Q3\n"
        f"data: {FIXTURES / 'small_export.csv'}\n", encoding="utf-8")
    return build_report(tmp / "2023-Q3.yaml", now=datetime(2023, 10, 5, 9, 30))


def test_annex_golden(small_report):
    """The annex: data quality, the status table, the presets side by side, provenance."""
    html = small_report.annex_html()
    html = html.replace(str(FIXTURES), "FIXTURES")  # the params text shows the data path
    check("annex_small.html", html)


def test_reconciliation_section_golden(tmp_path):
    from datetime import datetime

    from tests.test_reconcile import _files, _params
    from tthc_lib.report.build import build_report

    _files(tmp_path)
    check("reconcile_small.html",
          build_report(_params(tmp_path, "cong.csv"), now=datetime(2023, 10, 5)).reconcile_html())


@pytest.mark.parametrize("preset", ["tt01", "dates-only", "opencps", "cong-dvcqg"])
def test_classification_sql_snapshot(preset):
    """The SQL each policy compiles to: a change of the counting rules shows as a diff."""
    from datetime import date

    from tthc_lib.engine import classify_sql
    from tthc_lib.rules.policy import load_policy

    sql = classify_sql(load_policy(preset), parse_period("2023-Q3"), date(2023, 10, 5))
    check(f"classify_{preset}.sql", "\n".join(line.rstrip() for line in sql.splitlines()) + "\n")
