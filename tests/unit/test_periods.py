import datetime as dt

import pytest

from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodError, month_range


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
