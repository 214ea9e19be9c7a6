"""Classification edge cases for 2023-Q3 (15/06/2023 – 14/09/2023)."""

import pytest

from tthc_lib.core.periods import parse_period
from tthc_lib.engine.frame import INTAKE, OUTCOME, classify

from .conftest import dossier

Q3 = parse_period("2023-Q3")


def one(make_table, **kw):
    ct = classify(make_table([dossier("HS1", **kw)]), Q3)
    if ct.df.empty:
        return None, next(iter(ct.excluded))
    return ct.df[INTAKE][0], ct.df[OUTCOME][0]


@pytest.mark.parametrize("kw,expected", [
    # received on the first day is new; the day before is carried over
    (dict(received="2023-06-15 08:00", due="2023-06-20", done="2023-06-19"), ("new", "early")),
    (dict(received="14/06/2023 16:59", due="2023-06-20", done="2023-06-19"),
     ("carried", "early")),
    # result at 23:59 on the due day is on time (calendar days, time ignored)
    (dict(received="2023-07-03 14:05", due="2023-07-10 08:00", done="2023-07-10 23:59"),
     ("new", "on_time")),
    (dict(received="2023-07-03", due="2023-07-10", done="2023-07-11 00:01"), ("new", "late")),
    # carried over and finished in the period
    (dict(received="2023-05-20", due="2023-06-30", done="2023-06-15"), ("carried", "early")),
    # finished after the end: pending at the end; in time iff due >= end
    (dict(received="2023-09-01", due="2023-09-14", done="2023-09-15"),
     ("new", "pending_in_time")),
    (dict(received="2023-09-01", due="2023-09-13", done="2023-09-20"),
     ("new", "pending_overdue")),
    (dict(received="2023-09-14 17:30", due="2023-09-20"), ("new", "pending_in_time")),
    (dict(received="2023-04-01", due="2023-04-20"), ("carried", "pending_overdue")),
])
def test_status_is_derived_from_dates(make_table, kw, expected):
    assert one(make_table, **kw) == expected


@pytest.mark.parametrize("kw,reason", [
    (dict(received="2023-09-15 07:00", due="2023-09-20"), "received_after_end"),
    (dict(received="2023-06-01", due="2023-06-20", done="2023-06-14 23:59"),
     "finished_before_start"),
    (dict(received="2023-07-05", due="2023-07-10", done="2023-07-04"), "result_before_receipt"),
    (dict(received="2023-07-05", due="2023-07-04", done="2023-07-06"), "due_before_receipt"),
])
def test_out_of_scope_and_broken_rows_are_excluded_with_a_reason(make_table, kw, reason):
    assert one(make_table, **kw) == (None, reason)


def test_a_computed_label_in_the_status_column_is_not_trusted(make_table):
    from tthc_lib.engine.load import InputError
    from tthc_lib.rules.policy import load_policy

    row = dossier("HS1", received="2023-07-03", due="2023-07-10", done="2023-07-12")
    row["trang_thai"] = "Đúng hạn"  # not a dossier status: refused under a status policy
    table = make_table([row])
    with pytest.raises(InputError, match=r"cột 'Trạng thái' \(trang_thai\).*gặp 'Đúng hạn'"):
        classify(table, Q3)
    ct = classify(table, Q3, policy=load_policy("dates-only"))  # statuses ignored
    assert ct.df[OUTCOME][0] == "late"
    row["trang_thai"] = "Đã trả kết quả"  # a real status: the dates still decide "late"
    assert classify(make_table([row]), Q3).df[OUTCOME][0] == "late"


def test_district_rows_in_a_two_level_period_are_counted_at_an_unknown_level(make_table):
    rows = [dossier("HS1", received="2025-08-01", due="2025-08-05", cap="huyen")]
    df = classify(make_table(rows), parse_period("2025-Q4"))
    assert list(df.df["cap"]) == ["chua_ro"] and list(df.df["reason"]) == [""]
    assert df.run.stale_agencies[0]["dossiers"] == 1
