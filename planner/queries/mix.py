"""Read-only view of the marketing mix: offerings with their 4Ps, margins and links.

``offerings`` lists every offering for the Marketing mix list (and for other tabs that
name offerings); ``offering_detail`` adds, for the one offering being edited, every
segment and channel the owner could link it to, with the link state and promotion
budgets. Both read in a fixed handful of queries, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select

from planner.db.models import (
    Channel,
    Offering,
    OfferingChannel,
    Segment,
    SegmentOffering,
)
from planner.db.plan import Plan
from planner.domain.margin import margin as margin_of
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
    position: int = 0
    promotion_budget: Decimal = Decimal("0.00")  # yearly, over the channels promoting it


@dataclass(frozen=True, slots=True)
class SegmentLink:
    """A segment the offering could serve, and whether it does."""

    id: int
    name: str
    description: str
    targeted: bool  # the owner actively goes after this segment
    linked: bool


@dataclass(frozen=True, slots=True)
class ChannelLink:
    """A channel and its part in selling and promoting one offering."""

    id: int
    name: str
    kind: str
    archived: bool
    sells: bool
    promotes: bool
    yearly_budget: Decimal


@dataclass(frozen=True, slots=True)
class OfferingDetail:
    """One offering with every segment and channel it could be linked to."""

    offering: OfferingRow
    segments: tuple[SegmentLink, ...]
    channels: tuple[ChannelLink, ...]

    @property
    def promotion_budget(self) -> Decimal:
        """Yearly budget over the channels that promote the offering."""
        return sum((c.yearly_budget for c in self.channels if c.promotes), Decimal("0.00"))


def _row(o: Offering, sells: list[str], promotes: list[str], served: list[str],
         budget: int) -> OfferingRow:  # fmt: skip
    price, cost = from_minor(o.list_price_minor), from_minor(o.unit_cost_minor)
    figures = margin_of(price, cost)
    return OfferingRow(
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
        margin=figures.amount,
        margin_pct=figures.percent,
        pricing_approach=o.pricing_approach,
        discount_policy=o.discount_policy,
        place=o.place,
        sold_through=tuple(sells),
        promotion_message=o.promotion_message,
        promotion_tactics=o.promotion_tactics,
        promoted_by=tuple(promotes),
        segments=tuple(served),
        position=o.position,
        promotion_budget=from_minor(budget),
    )


def offerings(plan: Plan, offering_id: int | None = None) -> list[OfferingRow]:
    """Every offering in the owner's order, archived ones last (or only ``offering_id``)."""
    with plan.session() as session:
        sells: dict[int, list[str]] = defaultdict(list)
        promotes: dict[int, list[str]] = defaultdict(list)
        budgets: dict[int, int] = defaultdict(int)
        links = (
            select(OfferingChannel.offering_id, Channel.name, OfferingChannel.sells,
                   OfferingChannel.promotes, OfferingChannel.yearly_budget_minor)
            .join(Channel, Channel.id == OfferingChannel.channel_id)
            .order_by(Channel.position, Channel.name)
        )  # fmt: skip
        served_query = (
            select(SegmentOffering.offering_id, Segment.name)
            .join(Segment, Segment.id == SegmentOffering.segment_id)
            .order_by(Segment.position, Segment.name)
        )
        query = select(Offering).order_by(
            Offering.archived, Offering.position, Offering.name, Offering.id
        )
        if offering_id is not None:
            links = links.where(OfferingChannel.offering_id == offering_id)
            served_query = served_query.where(SegmentOffering.offering_id == offering_id)
            query = query.where(Offering.id == offering_id)
        for owner, channel, sold, promoted, budget in session.execute(links):
            if sold:
                sells[owner].append(channel)
            if promoted:
                promotes[owner].append(channel)
                budgets[owner] += budget
        served: dict[int, list[str]] = defaultdict(list)
        for owner, segment in session.execute(served_query):
            served[owner].append(segment)
        return [
            _row(o, sells[o.id], promotes[o.id], served[o.id], budgets[o.id])
            for o in session.scalars(query)
        ]


def offering_detail(plan: Plan, offering_id: int) -> OfferingDetail | None:
    """The offering with every segment and every channel (archived channels only when
    linked to it) and how each is linked; None when the offering no longer exists."""
    found = offerings(plan, offering_id)
    if not found:
        return None
    with plan.session() as session:
        linked = set(
            session.scalars(
                select(SegmentOffering.segment_id).where(SegmentOffering.offering_id == offering_id)
            )
        )
        segment_links = tuple(
            SegmentLink(s.id, s.name, s.description, s.targeted, s.id in linked)
            for s in session.scalars(select(Segment).order_by(Segment.position, Segment.name))
        )
        channel_rows = session.execute(
            select(Channel, OfferingChannel)
            .outerjoin(
                OfferingChannel,
                (OfferingChannel.channel_id == Channel.id)
                & (OfferingChannel.offering_id == offering_id),
            )
            .where(or_(Channel.archived.is_(False), OfferingChannel.offering_id.is_not(None)))
            .order_by(Channel.position, Channel.name)
        ).all()
        channel_links = tuple(
            ChannelLink(
                id=channel.id,
                name=channel.name,
                kind=channel.kind,
                archived=channel.archived,
                sells=bool(link and link.sells),
                promotes=bool(link and link.promotes),
                yearly_budget=from_minor(link.yearly_budget_minor if link else 0),
            )
            for channel, link in channel_rows
        )
    return OfferingDetail(found[0], segment_links, channel_links)
