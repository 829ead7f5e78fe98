"""Units shared by queries: stored percentages are basis points (1/100 of a %); shown ones
are worked out to a tenth (``percent``, ``change_pct``)."""

from __future__ import annotations

from decimal import Decimal

BP_PER_PERCENT = 100
BP_PER_WHOLE = Decimal(10000)


def percent_from_bp(bp: int) -> Decimal:
    """Basis points as a percentage with two decimals: 1250 -> Decimal('12.50')."""
    return (Decimal(bp) / BP_PER_PERCENT).quantize(Decimal("0.01"))


_TENTH = Decimal("0.1")


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_TENTH)


def change_pct(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """How far ``now`` is above (+) or below (-) ``before``, in percent of ``before``."""
    if now is None or before is None or not before:
        return None
    return ((now - before) * 100 / before).quantize(_TENTH)
