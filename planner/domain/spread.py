"""Spreading a yearly figure over months: evenly, or in the shape of another year.

An owner thinks "€6,000 for search ads next year" and the plan needs twelve monthly
figures that add up to exactly that. Amounts are handed out in whole steps (a whole
currency unit is 100 minor units, a lead is 1) by the largest-remainder method: every
month first gets the whole steps of its exact share, and the steps left over go to the
months whose shares lost most in that rounding (the earlier month on a tie). So the parts
always sum to the total, and no part is more than one step away from its exact share.

A total that is not a whole number of steps (€1,000.50) keeps its odd cents on the month
with the largest share, so the sum is still exact. Negative totals are refused; a shape
with nothing to go by (empty, all zero) falls back to an even spread.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

Weight = int | float | Decimal | Fraction | None


class SpreadError(ValueError):
    """A figure that cannot be spread; the message says why in plain words."""


def _weights(shape: Sequence[Weight]) -> list[Fraction]:
    """The shape as exact non-negative weights; even weights when it has nothing to go by.

    Negative or unknown values (a month of refunds, a month not recorded) count as zero:
    they say "little happened then", not "take money away".
    """
    weights = [Fraction(w) if w is not None and w > 0 else Fraction(0) for w in shape]
    if sum(weights) == 0:
        return [Fraction(1)] * len(shape)
    return weights


def largest_remainder(total: int, weights: Sequence[Weight], step: int = 1) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` into multiples of ``step``
    (plus the part of ``total`` that is not a whole step, kept on the largest share).

    >>> largest_remainder(1000, [1] * 12)
    [84, 84, 84, 84, 83, 83, 83, 83, 83, 83, 83, 83]
    """
    if total < 0:
        raise SpreadError("A negative amount cannot be spread; enter zero or more.")
    if step < 1:
        raise SpreadError("The rounding step must be at least 1.")
    parts = len(weights)
    if parts == 0:
        raise SpreadError("There are no months to spread over.")
    exact = _weights(weights)
    whole_steps, odd = divmod(total, step)
    scale = sum(exact)
    quotas = [whole_steps * w / scale for w in exact]
    counts = [q.numerator // q.denominator for q in quotas]
    left = whole_steps - sum(counts)
    # Largest fractional remainder first; the earlier month first on a tie.
    order = sorted(range(parts), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    result = [c * step for c in counts]
    if odd:
        largest = max(range(parts), key=lambda i: (exact[i], -i))
        result[largest] += odd
    return result


def spread_evenly(total: int, parts: int = 12, step: int = 1) -> list[int]:
    """``total`` in ``parts`` near-equal multiples of ``step`` that sum to it exactly."""
    return largest_remainder(total, [1] * parts, step)


def spread_by_shape(total: int, shape: Sequence[Weight], step: int = 1) -> list[int]:
    """``total`` in proportion to ``shape`` (last year's spend or revenue per month);
    evenly when the shape is all zero or unknown."""
    return largest_remainder(total, shape, step)


def shape_shares(shape: Sequence[Weight]) -> list[Decimal]:
    """Each month's share of the shape in percent (even shares when it has nothing to go by),
    for showing the owner what a seasonal spread will do."""
    weights = _weights(shape) if shape else []
    scale = sum(weights)
    shares = [w * 100 / scale for w in weights]
    return [Decimal(s.numerator) / Decimal(s.denominator) for s in shares]
