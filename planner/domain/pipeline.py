"""Pipeline rules: deal status, probability and weighted value."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from planner.domain.money import round_money


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


LIFECYCLE_STAGES = ("Introduction", "Growth", "Maturity", "Decline")
PRICING_APPROACHES = ("Cost-plus", "Value-based", "Competitive", "Penetration", "Premium")
CHANNEL_KINDS = (
    "Search ads", "Social", "Email", "Events", "Referrals", "Partners", "Print",
    "Shop or direct", "Website", "Other",
)  # fmt: skip


def effective_probability(own: int | None, stage_default: int, status: DealStatus) -> int:
    """The deal's own probability when set, else its stage's; 100 when won, 0 when lost."""
    if status is DealStatus.WON:
        return 100
    if status is DealStatus.LOST:
        return 0
    return stage_default if own is None else own


def weighted_value(amount: Decimal, probability_pct: int) -> Decimal:
    """Amount x probability, rounded to hundredths."""
    return round_money(amount * Decimal(probability_pct) / 100)


def validate_probability(value: int) -> int:
    if not 0 <= value <= 100:
        raise ValueError(f"A probability is between 0 and 100 %, not {value}.")
    return value
