"""Property-based tests (hypothesis) of money, periods and the import parsers.

Each property states a rule that must hold for every value, not just the examples in the
other tests: round trips (format then parse gives the amount back; str then parse gives
the month back), period arithmetic (a fiscal year is its four quarters, twelve months in
a row), and that parsers given any text either return a sane value or raise their own
``ValueError``, never anything else. Runs are derandomized, so the suite is repeatable.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.money import (
    CURRENCIES,
    currency_digits,
    format_money,
    from_minor,
    parse_money,
    to_minor,
)
from planner.domain.periods import (
    FiscalQuarter,
    FiscalYear,
    Month,
    PeriodRange,
    month_range,
)
from planner.io.values import (
    MAX_AMOUNT,
    detect_decimal_mark,
    guess_date_order,
    header_signature,
    line_key,
    parse_amount,
    parse_date,
)

# Derandomized (the same examples every run, so the suite is repeatable) and without an
# example database, so no run depends on files left by an earlier one.
repeatable = settings(
    derandomize=True,
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

# Up to a hundred billion: well inside what the planner takes (domain.money.MAX_AMOUNT).
minor_units = st.integers(min_value=-(10**13), max_value=10**13)
cents = minor_units.map(lambda m: Decimal(m) / 100)
months = st.builds(Month, st.integers(1960, 2200), st.integers(1, 12))
start_months = st.integers(1, 12)
dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))
# Text as exports and users produce it: digits, separators, signs, symbols, letters, noise.
messy_text = st.text(
    alphabet=st.sampled_from(list("0123456789.,-+()' €$£¥kr/:EeNnAaIiFf\u00a0\u2212\t٣²")),
    max_size=30,
) | st.text(max_size=30)


# -- money --------------------------------------------------------------------------------


@repeatable
@given(minor_units)
def test_minor_units_round_trip(minor: int) -> None:
    assert to_minor(from_minor(minor)) == minor


@repeatable
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_to_minor_rounds_half_up_to_the_cent(amount: Decimal) -> None:
    expected = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert from_minor(to_minor(amount)) == expected
    assert abs(from_minor(to_minor(amount)) - amount) <= Decimal("0.005")


@repeatable
@given(cents, st.sampled_from(sorted(CURRENCIES)))
def test_formatted_money_parses_back(amount: Decimal, code: str) -> None:
    shown = format_money(amount, code)
    assert shown.startswith(f"{code} ")
    digits = currency_digits(code)
    expected = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert parse_money(shown.removeprefix(f"{code} ")) == expected


@repeatable
@given(cents.filter(lambda d: d >= 0))
def test_user_typed_amounts_parse(amount: Decimal) -> None:
    english = f"{amount:,.2f}"
    german = english.replace(",", " ").replace(".", ",")  # "1 234,50"
    assert parse_money(english) == amount
    assert parse_money(german) == amount
    assert parse_money(f"€ {english}") == amount
    assert parse_money(f"-{english}") == -amount
    assert parse_money(f"({english})") == -amount


@repeatable
@given(messy_text)
def test_parse_money_returns_a_finite_amount_or_refuses(text: str) -> None:
    try:
        value = parse_money(text)
    except ValueError as exc:
        assert str(exc)  # a message for the user
    else:
        assert value.is_finite()


# -- periods ------------------------------------------------------------------------------


@repeatable
@given(months, st.integers(-600, 600))
def test_month_arithmetic(month: Month, shift: int) -> None:
    later = Month.from_index(month.index + shift)
    assert month + shift == later
    assert later - month == shift
    assert later + -shift == month
    assert (later > month) == (shift > 0)


@repeatable
@given(months)
def test_month_text_and_days(month: Month) -> None:
    assert Month.parse(str(month)) == month
    assert Month.of(month.first_day) == month == Month.of(month.last_day)
    assert month.last_day + dt.timedelta(days=1) == (month + 1).first_day
    assert 28 <= month.last_day.day <= 31


@repeatable
@given(months, months)
def test_month_range_counts_every_month_once(a: Month, b: Month) -> None:
    first, last = min(a, b), max(a, b)
    if last - first > 1200:
        last = first + 1200
    run = list(month_range(first, last))
    assert len(run) == last - first + 1
    assert run[0] == first and run[-1] == last
    assert all(later - earlier == 1 for earlier, later in itertools.pairwise(run))


@repeatable
@given(months, start_months)
def test_fiscal_year_is_its_four_quarters(month: Month, start: int) -> None:
    fy = FiscalYear.containing(month, start)
    assert month in fy
    assert fy.first_month.month == start
    assert len(fy.months) == 12 and fy.last_month - fy.first_month == 11
    assert [m for q in fy.quarters for m in q.months] == fy.months
    quarter = FiscalQuarter.containing(month, start)
    assert quarter.fiscal_year == fy
    assert month in quarter.months
    assert FiscalQuarter.parse(str(quarter), start) == quarter
    assert quarter.next().previous() == quarter
    assert quarter.previous().next() == quarter
    assert FiscalYear.containing(month.first_day, start) == fy


@repeatable
@given(months, start_months, st.integers(0, 11), st.integers(0, 11), st.integers(-5, 5))
def test_period_range_moves_between_years(
    month: Month, start: int, a: int, b: int, years: int
) -> None:
    fy = FiscalYear.containing(month, start)
    first, last = fy.first_month + min(a, b), fy.first_month + max(a, b)
    period = PeriodRange.months_between(fy, first, last)
    moved = period.in_year(fy + years)
    assert moved.months == [m + 12 * years for m in period.months]
    assert moved.in_year(fy) == period
    assert moved.kind == period.kind
    assert all(m in period for m in period.months)


# -- the import parsers ----------------------------------------------------------------------


def _english(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _german(amount: Decimal) -> str:
    return _english(amount).replace(",", "_").replace(".", ",").replace("_", ".")


@repeatable
@given(cents)
def test_parse_amount_reads_both_decimal_marks(amount: Decimal) -> None:
    size = abs(amount)
    sign = "-" if amount < 0 else ""
    assert parse_amount(f"{sign}{_english(size)}", ".") == amount
    assert parse_amount(f"{sign}{_german(size)}", ",") == amount
    assert parse_amount(f"€ {sign}{_german(size)}", ",") == amount
    assert parse_amount(f"{_english(size)}-", ".") == -size
    assert parse_amount(f"({_english(size)})", ".") == -size
    assert parse_amount(f"{size:.2f} EUR", ".") == size


@repeatable
@given(messy_text, st.sampled_from([".", ","]))
def test_parse_amount_returns_a_sane_amount_or_refuses(text: str, mark: str) -> None:
    try:
        value = parse_amount(text, mark)  # type: ignore[arg-type]
    except ValueError as exc:
        assert str(exc) and len(str(exc)) < 80
    else:
        assert value.is_finite() and abs(value) <= MAX_AMOUNT


@repeatable
@given(st.lists(cents.filter(lambda d: d > 0), min_size=1, max_size=20), st.booleans())
def test_detect_decimal_mark_of_a_column(amounts: list[Decimal], german: bool) -> None:
    column = [_german(a) if german else _english(a) for a in amounts]
    assert detect_decimal_mark(column) == ("," if german else ".")


@repeatable
@given(dates, st.sampled_from(["DMY", "MDY", "YMD"]))
def test_unambiguous_dates_parse_in_any_order(day: dt.date, order: str) -> None:
    assert parse_date(day.isoformat(), order) == day  # type: ignore[arg-type]
    assert parse_date(day.strftime("%Y%m%d"), order) == day  # type: ignore[arg-type]
    assert parse_date(f"{day.day} {day.strftime('%b')} {day.year}", order) == day  # type: ignore[arg-type]
    assert parse_date(f"{day.strftime('%B')} {day.day}, {day.year}", order) == day  # type: ignore[arg-type]
    assert parse_date(f"{day.isoformat()} 14:30:00", order) == day  # type: ignore[arg-type]


@repeatable
@given(dates)
def test_numeric_dates_follow_the_order(day: dt.date) -> None:
    assert parse_date(f"{day.day:02d}.{day.month:02d}.{day.year}", "DMY") == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}", "MDY") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year % 100:02d}", "DMY") == day.replace(
        year=2000 + day.year % 100
    )


@repeatable
@given(st.lists(dates, min_size=1, max_size=15))
def test_guess_date_order_of_a_column(days: list[dt.date]) -> None:
    day_first = [f"{d.day}/{d.month}/{d.year}" for d in days]
    month_first = [f"{d.month}/{d.day}/{d.year}" for d in days]
    if any(d.day > 12 for d in days):
        assert guess_date_order(day_first) == ("DMY", True)
        assert guess_date_order(month_first) == ("MDY", True)
    assert guess_date_order([d.isoformat() for d in days]) == ("YMD", True)
    dotted = [f"{d.day:02d}.{d.month:02d}.{d.year}" for d in days]
    assert guess_date_order(dotted)[0] == "DMY"
    # Whatever a column holds, the guess reads every value the same way.
    order, _certain = guess_date_order(day_first, "MDY")
    for text, day in zip(day_first, days, strict=True):
        if order == "DMY":
            assert parse_date(text, order) == day


@repeatable
@given(messy_text, st.sampled_from(["DMY", "MDY", "YMD"]))
def test_parse_date_returns_a_date_or_refuses(text: str, order: str) -> None:
    try:
        day = parse_date(text, order)  # type: ignore[arg-type]
    except ValueError as exc:
        assert str(exc) and len(str(exc)) < 80
    else:
        assert isinstance(day, dt.date)


@repeatable
@given(
    st.lists(st.text(alphabet=string.ascii_letters + string.digits + " ", max_size=12), max_size=6),
    st.sampled_from([" ", "  ", "\t"]),
)
def test_line_keys_ignore_case_and_spacing(cells: list[str], space: str) -> None:
    noisy = [f" {space.join(c.split()).upper()} " for c in cells]
    assert line_key("actuals", cells) == line_key("actuals", noisy)
    assert header_signature(cells) == header_signature(noisy)
    assert line_key("actuals", cells) != line_key("deals", cells)


@pytest.mark.parametrize("text", ["5 Mar 99999999999999999999", "99999999999999999999-1-1"])
def test_absurd_years_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)
