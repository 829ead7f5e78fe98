from decimal import Decimal

import pytest

from planner.domain.money import (
    MoneyError,
    format_money,
    from_minor,
    parse_money,
    round_money,
    to_minor,
)


@pytest.mark.parametrize(
    ("amount", "minor"),
    [("0", 0), ("12.34", 1234), ("0.005", 1), ("-0.005", -1), ("1000000", 100000000), (7, 700)],
)
def test_to_minor_rounds_half_up(amount: str, minor: int) -> None:
    assert to_minor(amount) == minor


def test_round_trip_is_exact() -> None:
    for minor in (0, 1, 99, 100, 123456789, -5):
        assert to_minor(from_minor(minor)) == minor
    assert from_minor(1234) == Decimal("12.34")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.5", "1234.5"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("€ 1 234,50", "1234.50"),
        ("$12", "12"),
        ("-20", "-20"),
        ("(20.5)", "-20.5"),
        ("12,5", "12.5"),
        ("1,250", "1250"),
        ("1'000.25", "1000.25"),
    ],
)
def test_parse_money_reads_what_people_type(text: str, value: str) -> None:
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "12..3", "NaN", "Infinity", "1.2.3,4x"])
def test_parse_money_refuses_non_amounts(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_money(text)


def test_to_minor_refuses_nan() -> None:
    with pytest.raises(MoneyError):
        to_minor(Decimal("NaN"))


def test_round_money_and_format() -> None:
    assert round_money(Decimal("2.345")) == Decimal("2.34")
    assert round_money(Decimal("2.355")) == Decimal("2.36")
    assert format_money(Decimal("1234.5"), "EUR") == "EUR 1,234.50"
    assert format_money(Decimal("1234.5"), "JPY") == "JPY 1,235"
