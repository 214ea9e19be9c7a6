from datetime import date, timedelta

import pytest

from tthc_lib.core.periods import PeriodError, parse_period, weeks


@pytest.mark.parametrize("code,start,end,label", [
    ("2023-Q3", date(2023, 6, 15), date(2023, 9, 14), "Quý III/2023"),
    ("2023-Q1", date(2022, 12, 15), date(2023, 3, 14), "Quý I/2023"),
    ("2023-Q4", date(2023, 9, 15), date(2023, 12, 14), "Quý IV/2023"),
    ("2023-H1", date(2022, 12, 15), date(2023, 6, 14), "6 tháng đầu năm 2023"),
    ("2023-H2", date(2023, 6, 15), date(2023, 12, 14), "6 tháng cuối năm 2023"),
    ("2023", date(2022, 12, 15), date(2023, 12, 14), "năm 2023"),
    ("2023-07-01..2023-09-30", date(2023, 7, 1), date(2023, 9, 30),
     "từ ngày 01/07/2023 đến ngày 30/09/2023"),
])
def test_cut_offs(code, start, end, label):
    p = parse_period(code)
    assert (p.start, p.end, p.label_vi) == (start, end, label)


def test_year_as_int_and_lowercase_quarter():
    assert parse_period(2023).start == date(2022, 12, 15)
    assert parse_period("2023-q3").code == "2023-Q3"


@pytest.mark.parametrize("bad", ["2023-Q5", "Q5/2023", "2023-09-30..2023-07-01",
                                 "2023-02-30..2023-03-01", ""])
def test_bad_period_says_which_forms_are_accepted(bad):
    with pytest.raises(PeriodError, match="Kỳ báo cáo"):
        parse_period(bad)


def test_two_level_government_has_no_district_from_july_2025():
    assert parse_period("2025-Q2").levels == ("tinh", "huyen", "xa")
    # 2025-Q3 runs 15/06–14/09/2025: it straddles 1/7/2025 and keeps the district row for
    # what the districts received before that day
    assert parse_period("2025-Q3").levels == ("tinh", "huyen", "xa")
    assert parse_period("2025-Q3").straddles_two_level
    assert parse_period("2025-Q4").levels == ("tinh", "xa")
    assert not parse_period("2025-Q4").straddles_two_level
    assert parse_period("2026").levels == ("tinh", "xa")


def test_weeks_cover_the_period_from_mondays():
    w = weeks(parse_period("2023-Q3"))
    assert w[0] == date(2023, 6, 12) and w[0].weekday() == 0
    assert w[-1] <= date(2023, 9, 14) < w[-1] + timedelta(days=7)


@pytest.mark.parametrize("text,code", [
    ("Q3/2023", "2023-Q3"), ("Quý III/2023", "2023-Q3"), ("quý 3 năm 2023", "2023-Q3"),
    ("QUÝ IV/2023", "2023-Q4"), ("q1-2024", "2024-Q1"),
    ("6 tháng đầu năm 2023", "2023-H1"), ("6 tháng cuối năm 2023", "2023-H2"),
    ("Sáu tháng đầu năm 2023", "2023-H1"), ("năm 2023", "2023"), ("Năm 2023", "2023"),
])
def test_vietnamese_period_spellings(text, code):
    assert parse_period(text).code == code


def test_a_period_owns_its_arithmetic():
    from tthc_lib.core.periods import parse_period as p

    q3 = p("2023-Q3")
    assert (q3.kind, q3.year, q3.number, q3.roman) == ("quarter", 2023, 3, "III")
    assert q3.previous().code == "2023-Q2" and q3.last_year().code == "2022-Q3"
    assert p("2023-Q1").previous().code == "2022-Q4" and p("2023-H1").previous().code == "2022-H2"
    assert p("2023").previous().code == "2022" and p("2023-H2").last_year().code == "2022-H2"
    cal = q3.calendar()
    assert (cal.start.isoformat(), cal.end.isoformat()) == ("2023-07-01", "2023-09-30")
    q4 = p("2023-Q4").calendar()
    assert (q4.start.isoformat(), q4.end.isoformat()) == ("2023-10-01", "2023-12-31")
    h2 = p("2023-H2").calendar()
    assert (h2.start.isoformat(), h2.end.isoformat()) == ("2023-07-01", "2023-12-31")
    days = p("2023-07-01..2023-07-31")
    assert days.kind == "range" and days.previous() is None and days.calendar() == days
