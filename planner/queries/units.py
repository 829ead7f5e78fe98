"""Stored units shared by queries: percentages are kept as basis points (1/100 of a %)."""

from __future__ import annotations

from decimal import Decimal

BP_PER_PERCENT = 100
BP_PER_WHOLE = Decimal(10000)


def percent_from_bp(bp: int) -> Decimal:
    """Basis points as a percentage with two decimals: 1250 -> Decimal('12.50')."""
    return (Decimal(bp) / BP_PER_PERCENT).quantize(Decimal("0.01"))
