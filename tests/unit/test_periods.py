import datetime as dt

import pytest

from planner.domain.periods import (
    FiscalQuarter,
    FiscalYear,
    Month,
    PeriodError,
    PeriodRange,
    month_range,
)


def test_month_arithmetic_and_text() -> None:
    m = Month(2026, 11)
    assert str(m) == "2026-11"
    assert m + 2 == Month(2027, 1)
    assert m + -11 == Month(2025, 12)
    assert Month(2027, 1) - Month(2026, 11) == 2
    assert Month.parse("2026-03") == Month(2026, 3)
    assert Month.of(dt.date(2024, 2, 29)).last_day == dt.date(2024, 2, 29)
    assert Month(2026, 12).last_day == dt.date(2026, 12, 31)
    assert Month(2026, 1).short_label == "Jan 2026"
    assert sorted([Month(2026, 2), Month(2025, 12)]) == [Month(2025, 12), Month(2026, 2)]
    assert len(list(month_range(Month(2025, 11), Month(2026, 2)))) == 4


@pytest.mark.parametrize("text", ["2026-13", "2026-3", "26-03", "March", ""])
def test_month_parse_refuses(text: str) -> None:
    with pytest.raises(PeriodError):
        Month.parse(text)


def test_calendar_fiscal_year() -> None:
    fy = FiscalYear(2026)
    assert fy.label == "FY 2026"
    assert fy.first_month == Month(2026, 1) and fy.last_month == Month(2026, 12)
    assert [q.first_month for q in fy.quarters] == [Month(2026, m) for m in (1, 4, 7, 10)]


def test_fiscal_year_starting_in_july() -> None:
    assert FiscalYear.containing(Month(2026, 6), 7) == FiscalYear(2025, 7)
    fy = FiscalYear.containing(dt.date(2026, 11, 23), 7)
    assert fy == FiscalYear(2026, 7)
    assert fy.label == "FY 2026/27"
    assert fy.last_month == Month(2027, 6)
    assert Month(2027, 6) in fy and Month(2027, 7) not in fy
    q = FiscalQuarter.containing(Month(2026, 11), 7)
    assert (q.fiscal_year, q.number) == (fy, 2)
    assert q.months == [Month(2026, 10), Month(2026, 11), Month(2026, 12)]
    assert q.label == "Q2 FY 2026/27"


def test_quarter_navigation_and_parse() -> None:
    q = FiscalQuarter.parse("2026-Q1", 4)
    assert q.first_month == Month(2026, 4)
    assert q.previous() == FiscalQuarter(FiscalYear(2025, 4), 4)
    assert q.previous().next() == q
    assert str(q) == "2026-Q1"
    with pytest.raises(PeriodError):
        FiscalQuarter.parse("2026-Q5", 1)
    with pytest.raises(PeriodError):
        FiscalYear(2026, 13)


@pytest.mark.parametrize("start", range(1, 13))
def test_every_month_is_in_exactly_one_quarter(start: int) -> None:
    fy = FiscalYear(2026, start)
    months = [m for q in fy.quarters for m in q.months]
    assert months == fy.months
    for m in fy.months:
        assert FiscalQuarter.containing(m, start).fiscal_year == fy


# -- PeriodRange -------------------------------------------------------------------------


def test_period_range_year_quarter_and_months() -> None:
    fy = FiscalYear(2026, 7)
    year = PeriodRange.year(fy)
    assert (year.kind, year.label) == ("year", "FY 2026/27")
    assert year.months == fy.months and len(year.months) == 12
    q2 = PeriodRange.quarter(fy.quarters[1])
    assert (q2.kind, q2.label) == ("quarter", "Q2 FY 2026/27")
    assert q2.months == [Month(2026, 10), Month(2026, 11), Month(2026, 12)]
    assert q2.as_quarter == FiscalQuarter(fy, 2)
    spring = PeriodRange.months_between(fy, Month(2027, 3), Month(2027, 6))
    assert (spring.kind, spring.label) == ("months", "Mar–Jun 2027")
    assert spring.months == [Month(2027, m) for m in (3, 4, 5, 6)]
    assert spring.as_quarter is None
    assert Month(2027, 4) in spring and Month(2027, 7) not in spring


def test_period_range_kind_follows_the_months() -> None:
    fy = FiscalYear(2026, 7)
    # Three months that are exactly the second quarter are that quarter, so the pickers
    # and labels agree however the owner chose them.
    same = PeriodRange.months_between(fy, Month(2026, 10), Month(2026, 12))
    assert same == PeriodRange.quarter(FiscalQuarter(fy, 2)) and same.kind == "quarter"
    # Three months not on a quarter boundary stay months.
    assert PeriodRange.months_between(fy, Month(2026, 8), Month(2026, 10)).kind == "months"
    whole = PeriodRange.months_between(fy, fy.first_month, fy.last_month)
    assert whole == PeriodRange.year(fy) and whole.kind == "year"


def test_period_range_labels_across_calendar_years_and_single_months() -> None:
    fy = FiscalYear(2026, 7)
    assert PeriodRange.months_between(fy, Month(2026, 11), Month(2027, 2)).label == (
        "Nov 2026–Feb 2027"
    )
    assert PeriodRange.months_between(fy, Month(2027, 3), Month(2027, 3)).label == "Mar 2027"
    assert PeriodRange.year(FiscalYear(2026)).label == "FY 2026"
    assert PeriodRange.quarter(FiscalQuarter(FiscalYear(2026), 4)).label == "Q4 FY 2026"


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (Month(2027, 3), Month(2027, 2)),  # reversed
        (Month(2026, 6), Month(2026, 9)),  # starts before the year
        (Month(2027, 5), Month(2027, 7)),  # ends after it
    ],
)
def test_period_range_refuses_months_outside_the_year(first: Month, last: Month) -> None:
    with pytest.raises(PeriodError):
        PeriodRange.months_between(FiscalYear(2026, 7), first, last)


def test_period_range_in_another_year_keeps_its_place() -> None:
    fy = FiscalYear(2026, 7)
    q2 = PeriodRange.quarter(FiscalQuarter(fy, 2))
    assert q2.in_year(fy + 1) == PeriodRange.quarter(FiscalQuarter(fy + 1, 2))
    spring = PeriodRange.months_between(fy, Month(2027, 3), Month(2027, 6))
    assert spring.in_year(fy + -1).months == [Month(2026, m) for m in (3, 4, 5, 6)]
    # A year re-cut to start in April: the same positions (months 9 to 12) of that year.
    assert spring.in_year(FiscalYear(2026, 4)).months == [
        Month(2026, 12), Month(2027, 1), Month(2027, 2), Month(2027, 3)
    ]  # fmt: skip
    assert PeriodRange.year(fy).in_year(FiscalYear(2026, 4)) == PeriodRange.year(
        FiscalYear(2026, 4)
    )
