"""Read-only view of the marketing mix: offerings with their 4Ps, margins and links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from planner.db.models import (
    Channel,
    Offering,
    OfferingChannel,
    Segment,
    SegmentOffering,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor


@dataclass(frozen=True, slots=True)
class OfferingRow:
    """An offering with its marketing mix; money in the plan's currency."""

    id: int
    name: str
    archived: bool
    # Product
    description: str
    target_customers: str
    value_proposition: str
    features: str
    lifecycle_stage: str
    # Price
    list_price: Decimal
    unit_cost: Decimal
    margin: Decimal
    margin_pct: Decimal | None  # of the list price; None when the price is zero
    pricing_approach: str
    discount_policy: str
    # Place
    place: str
    sold_through: tuple[str, ...]  # channels that sell it
    # Promotion
    promotion_message: str
    promotion_tactics: str
    promoted_by: tuple[str, ...]  # channels that promote it
    segments: tuple[str, ...]  # segments it serves


def offerings(plan: Plan) -> list[OfferingRow]:
    """Every offering in the owner's order, archived ones last."""
    with plan.session() as session:
        sells: dict[int, list[str]] = defaultdict(list)
        promotes: dict[int, list[str]] = defaultdict(list)
        links = session.execute(
            select(OfferingChannel.offering_id, Channel.name, OfferingChannel.sells,
                   OfferingChannel.promotes)
            .join(Channel, Channel.id == OfferingChannel.channel_id)
            .order_by(Channel.position, Channel.name)
        )  # fmt: skip
        for offering_id, channel, sold, promoted in links:
            if sold:
                sells[offering_id].append(channel)
            if promoted:
                promotes[offering_id].append(channel)
        served: dict[int, list[str]] = defaultdict(list)
        for offering_id, segment in session.execute(
            select(SegmentOffering.offering_id, Segment.name)
            .join(Segment, Segment.id == SegmentOffering.segment_id)
            .order_by(Segment.position, Segment.name)
        ):
            served[offering_id].append(segment)
        rows = []
        query = select(Offering).order_by(Offering.archived, Offering.position, Offering.name)
        for o in session.scalars(query):
            price, cost = from_minor(o.list_price_minor), from_minor(o.unit_cost_minor)
            margin = price - cost
            margin_pct = (margin * 100 / price).quantize(Decimal("0.1")) if price else None
            rows.append(
                OfferingRow(
                    id=o.id,
                    name=o.name,
                    archived=o.archived,
                    description=o.description,
                    target_customers=o.target_customers,
                    value_proposition=o.value_proposition,
                    features=o.features,
                    lifecycle_stage=o.lifecycle_stage,
                    list_price=price,
                    unit_cost=cost,
                    margin=margin,
                    margin_pct=margin_pct,
                    pricing_approach=o.pricing_approach,
                    discount_policy=o.discount_policy,
                    place=o.place,
                    sold_through=tuple(sells[o.id]),
                    promotion_message=o.promotion_message,
                    promotion_tactics=o.promotion_tactics,
                    promoted_by=tuple(promotes[o.id]),
                    segments=tuple(served[o.id]),
                )
            )
        return rows
