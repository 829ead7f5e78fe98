"""Read-only view of segments: who the customers are and how large each market is (TAM/SAM/SOM),
and the offerings and channels a segment can be linked to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from planner.db.models import (
    Channel,
    Offering,
    Segment,
    SegmentChannel,
    SegmentOffering,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor, round_money
from planner.queries.units import BP_PER_WHOLE, percent_from_bp


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """A segment and its market size: TAM = customers x yearly value, SAM = TAM x
    serviceable share, SOM = SAM x obtainable share (shares in percent)."""

    id: int
    name: str
    description: str
    needs: str
    customers: int
    yearly_value: Decimal
    serviceable_pct: Decimal
    obtainable_pct: Decimal
    growth_pct: Decimal
    priority: int  # 1 high, 2 medium, 3 low
    targeted: bool
    tam: Decimal
    sam: Decimal
    som: Decimal
    offerings: tuple[str, ...]
    channels: tuple[str, ...]
    offering_ids: frozenset[int] = frozenset()
    channel_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """An offering or channel a segment can be linked to."""

    id: int
    name: str
    archived: bool


@dataclass(frozen=True, slots=True)
class SegmentLinkChoices:
    """Every offering and channel, in the owner's order, for the lists of links."""

    offerings: tuple[LinkChoice, ...]
    channels: tuple[LinkChoice, ...]


def segments(plan: Plan) -> list[SegmentRow]:
    """Every segment in the owner's order."""
    with plan.session() as session:
        offered: dict[int, list[str]] = defaultdict(list)
        offered_ids: dict[int, set[int]] = defaultdict(set)
        for segment_id, offering_id, name in session.execute(
            select(SegmentOffering.segment_id, Offering.id, Offering.name)
            .join(Offering, Offering.id == SegmentOffering.offering_id)
            .order_by(Offering.position, Offering.name)
        ):
            offered[segment_id].append(name)
            offered_ids[segment_id].add(offering_id)
        reached: dict[int, list[str]] = defaultdict(list)
        reached_ids: dict[int, set[int]] = defaultdict(set)
        for segment_id, channel_id, name in session.execute(
            select(SegmentChannel.segment_id, Channel.id, Channel.name)
            .join(Channel, Channel.id == SegmentChannel.channel_id)
            .order_by(Channel.position, Channel.name)
        ):
            reached[segment_id].append(name)
            reached_ids[segment_id].add(channel_id)
        rows = []
        for s in session.scalars(select(Segment).order_by(Segment.position, Segment.name)):
            yearly = from_minor(s.yearly_value_minor)
            tam = yearly * s.customers
            sam = round_money(tam * s.serviceable_bp / BP_PER_WHOLE)
            som = round_money(sam * s.obtainable_bp / BP_PER_WHOLE)
            rows.append(
                SegmentRow(
                    id=s.id,
                    name=s.name,
                    description=s.description,
                    needs=s.needs,
                    customers=s.customers,
                    yearly_value=yearly,
                    serviceable_pct=percent_from_bp(s.serviceable_bp),
                    obtainable_pct=percent_from_bp(s.obtainable_bp),
                    growth_pct=percent_from_bp(s.growth_bp),
                    priority=s.priority,
                    targeted=s.targeted,
                    tam=tam,
                    sam=sam,
                    som=som,
                    offerings=tuple(offered[s.id]),
                    channels=tuple(reached[s.id]),
                    offering_ids=frozenset(offered_ids[s.id]),
                    channel_ids=frozenset(reached_ids[s.id]),
                )
            )
        return rows


def segment_link_choices(plan: Plan) -> SegmentLinkChoices:
    """Every offering and every channel (archived ones too, marked), in the owner's order."""
    with plan.session() as session:
        offerings = session.execute(
            select(Offering.id, Offering.name, Offering.archived).order_by(
                Offering.position, Offering.name
            )
        )
        offering_choices = tuple(LinkChoice(i, n, bool(a)) for i, n, a in offerings)
        channels = session.execute(
            select(Channel.id, Channel.name, Channel.archived).order_by(
                Channel.position, Channel.name
            )
        )
        channel_choices = tuple(LinkChoice(i, n, bool(a)) for i, n, a in channels)
    return SegmentLinkChoices(offering_choices, channel_choices)
