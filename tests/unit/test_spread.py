"""Spreading a yearly figure over months: exact sums, whole steps, shapes worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.domain.spread import (
    SpreadError,
    largest_remainder,
    shape_shares,
    spread_by_shape,
    spread_evenly,
)


def test_even_spread_of_1000_over_12_months() -> None:
    parts = spread_evenly(1000)
    # 1000 / 12 = 83.33...: twelve 83s leave 4 over, which go to the first four months.
    assert parts == [84, 84, 84, 84, 83, 83, 83, 83, 83, 83, 83, 83]
    assert sum(parts) == 1000


def test_even_spread_in_whole_currency_units() -> None:
    # €1,000 in minor units, handed out in whole euros.
    parts = spread_evenly(100_000, 12, step=100)
    assert parts == [8400] * 4 + [8300] * 8
    assert all(p % 100 == 0 for p in parts)
    assert sum(parts) == 100_000


def test_odd_cents_stay_on_the_largest_share() -> None:
    # €1,000.50: the 50 cents cannot be whole euros; they go to the first of the largest.
    parts = spread_evenly(100_050, 12, step=100)
    assert parts[0] == 8450 and parts[1:4] == [8400] * 3 and parts[4:] == [8300] * 8
    assert sum(parts) == 100_050
    shaped = spread_by_shape(1_001, [1, 3, 0, 0], step=10)
    # 100 steps of 10: 25 and 75 steps; the odd unit joins the largest share (month 2).
    assert shaped == [250, 751, 0, 0]


def test_seasonal_spread_by_hand() -> None:
    # Last year: 100, 200, 300, 400 and nothing else; total to spread 1,500.
    shape = [100, 200, 300, 400] + [0] * 8
    assert spread_by_shape(1500, shape) == [150, 300, 450, 600] + [0] * 8
    # Shares 1/6, 2/6, 3/6 of 100: exact 16.67, 33.33, 50 -> floors 16, 33, 50 (99);
    # the one left over goes to the largest remainder (0.67, the first month).
    assert spread_by_shape(100, [1, 2, 3]) == [17, 33, 50]
    # Decimal money shapes (last year's spend in euros) work the same.
    assert spread_by_shape(10, [Decimal("2.50"), Decimal("7.50")]) == [3, 7]  # 2.5 -> 3 (tie)


def test_largest_remainder_ties_go_to_the_earlier_month() -> None:
    assert largest_remainder(5, [1, 1, 1, 1]) == [2, 1, 1, 1]
    assert largest_remainder(2, [1, 1, 1]) == [1, 1, 0]


@pytest.mark.parametrize(
    "shape",
    [[0] * 12, [None] * 12, [Decimal(0)] * 6 + [None] * 6, [-5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
)
def test_empty_or_zero_shapes_fall_back_to_even(shape: list[object]) -> None:
    assert spread_by_shape(1000, shape) == spread_evenly(1000)  # type: ignore[arg-type]


def test_negative_months_in_a_shape_count_as_nothing() -> None:
    # A month of refunds (-50) gets no budget rather than a negative one.
    assert spread_by_shape(90, [-50, 100, 200]) == [0, 30, 60]


def test_negative_totals_are_refused() -> None:
    with pytest.raises(SpreadError, match="negative"):
        spread_evenly(-1)
    with pytest.raises(SpreadError, match="negative"):
        spread_by_shape(-100, [1, 2, 3])


def test_bad_shapes_and_steps_are_refused() -> None:
    with pytest.raises(SpreadError, match="no months"):
        largest_remainder(10, [])
    with pytest.raises(SpreadError, match="at least 1"):
        largest_remainder(10, [1, 1], step=0)


def test_zero_spreads_to_zeros() -> None:
    assert spread_evenly(0, 3) == [0, 0, 0]


def test_shape_shares_in_percent() -> None:
    assert shape_shares([1, 1, 2]) == [Decimal(25), Decimal(25), Decimal(50)]
    assert shape_shares([0, 0]) == [Decimal(50), Decimal(50)]
