"""Margin rules: what one sale leaves after the cost of delivering it.

The margin is the list price minus the unit cost; its percentage is taken of the price
(what an owner reads on a price tag), not of the cost (which would be the mark-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Margin:
    """Price minus cost, in money and as a share of the price (None when the price is 0)."""

    amount: Decimal
    percent: Decimal | None

    @property
    def is_loss(self) -> bool:
        return self.amount < 0


def margin(price: Decimal, cost: Decimal) -> Margin:
    """Margin of selling at ``price`` what costs ``cost``; the percentage to one decimal.

    >>> margin(Decimal("6.50"), Decimal("2.60"))
    Margin(amount=Decimal('3.90'), percent=Decimal('60.0'))
    """
    amount = price - cost
    if not price:
        return Margin(amount, None)
    percent = (amount * 100 / price).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return Margin(amount, percent)
