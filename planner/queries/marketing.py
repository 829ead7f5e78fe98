"""Read-only views of the marketing side: offerings (the 4Ps), segments and channels."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from planner.db.models import (
    Channel,
    ChannelMonth,
    Deal,
    Offering,
    OfferingChannel,
    Segment,
    SegmentChannel,
    SegmentOffering,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor, round_money
from planner.domain.periods import FiscalYear, Month
from planner.queries.profile import resolve_fiscal_year

_BP_PER_PERCENT = 100
_BP_PER_WHOLE = Decimal(10000)


def _percent(bp: int) -> Decimal:
    """Basis points as a percentage with two decimals: 1250 -> Decimal('12.50')."""
    return (Decimal(bp) / _BP_PER_PERCENT).quantize(Decimal("0.01"))


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


def segments(plan: Plan) -> list[SegmentRow]:
    """Every segment in the owner's order."""
    with plan.session() as session:
        offered: dict[int, list[str]] = defaultdict(list)
        for segment_id, name in session.execute(
            select(SegmentOffering.segment_id, Offering.name)
            .join(Offering, Offering.id == SegmentOffering.offering_id)
            .order_by(Offering.position, Offering.name)
        ):
            offered[segment_id].append(name)
        reached: dict[int, list[str]] = defaultdict(list)
        for segment_id, name in session.execute(
            select(SegmentChannel.segment_id, Channel.name)
            .join(Channel, Channel.id == SegmentChannel.channel_id)
            .order_by(Channel.position, Channel.name)
        ):
            reached[segment_id].append(name)
        rows = []
        for s in session.scalars(select(Segment).order_by(Segment.position, Segment.name)):
            yearly = from_minor(s.yearly_value_minor)
            tam = yearly * s.customers
            sam = round_money(tam * s.serviceable_bp / _BP_PER_WHOLE)
            som = round_money(sam * s.obtainable_bp / _BP_PER_WHOLE)
            rows.append(
                SegmentRow(
                    id=s.id,
                    name=s.name,
                    description=s.description,
                    needs=s.needs,
                    customers=s.customers,
                    yearly_value=yearly,
                    serviceable_pct=_percent(s.serviceable_bp),
                    obtainable_pct=_percent(s.obtainable_bp),
                    growth_pct=_percent(s.growth_bp),
                    priority=s.priority,
                    targeted=s.targeted,
                    tam=tam,
                    sam=sam,
                    som=som,
                    offerings=tuple(offered[s.id]),
                    channels=tuple(reached[s.id]),
                )
            )
        return rows


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """A channel, and what the deals it brought in became (all time)."""

    id: int
    name: str
    kind: str
    notes: str
    archived: bool
    segments: tuple[str, ...]
    deals: int  # deals that came from this channel
    won_deals: int
    won_revenue: Decimal


def channels(plan: Plan) -> list[ChannelRow]:
    """Every channel in the owner's order, archived ones last."""
    with plan.session() as session:
        reached: dict[int, list[str]] = defaultdict(list)
        for channel_id, name in session.execute(
            select(SegmentChannel.channel_id, Segment.name)
            .join(Segment, Segment.id == SegmentChannel.segment_id)
            .order_by(Segment.position, Segment.name)
        ):
            reached[channel_id].append(name)
        won = Deal.status == "won"
        sourced = {
            channel_id: (count, won_count or 0, won_minor or 0)
            for channel_id, count, won_count, won_minor in session.execute(
                select(
                    Deal.channel_id,
                    func.count(),
                    func.sum(case((won, 1), else_=0)),
                    func.sum(case((won, Deal.amount_minor), else_=0)),
                )
                .where(Deal.channel_id.is_not(None))
                .group_by(Deal.channel_id)
            )
        }
        rows = []
        query = select(Channel).order_by(Channel.archived, Channel.position, Channel.name)
        for c in session.scalars(query):
            count, won_count, won_minor = sourced.get(c.id, (0, 0, 0))
            rows.append(
                ChannelRow(
                    id=c.id,
                    name=c.name,
                    kind=c.kind,
                    notes=c.notes,
                    archived=c.archived,
                    segments=tuple(reached[c.id]),
                    deals=count,
                    won_deals=won_count,
                    won_revenue=from_minor(won_minor),
                )
            )
        return rows


@dataclass(frozen=True, slots=True)
class ChannelMonthRow:
    """One channel in one month. ``id`` is None when nothing was entered for that month yet;
    actual figures are None until they are known."""

    id: int | None
    channel_id: int
    channel: str
    month: Month
    planned_spend: Decimal
    actual_spend: Decimal | None
    planned_leads: int
    actual_leads: int | None


def channel_months(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> list[ChannelMonthRow]:
    """For every channel (active, or archived with figures this year) and every month of
    the fiscal year, in channel order then month order."""
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        entered = {
            (cm.channel_id, cm.month): cm
            for cm in session.scalars(
                select(ChannelMonth).where(
                    ChannelMonth.month >= fy.first_month, ChannelMonth.month <= fy.last_month
                )
            )
        }
        with_figures = {channel_id for channel_id, _ in entered}
        rows = []
        query = select(Channel).order_by(Channel.archived, Channel.position, Channel.name)
        for channel in session.scalars(query):
            if channel.archived and channel.id not in with_figures:
                continue
            for month in fy.months:
                cm = entered.get((channel.id, month))
                if cm is None:
                    rows.append(
                        ChannelMonthRow(None, channel.id, channel.name, month, Decimal("0.00"),
                                        None, 0, None)
                    )  # fmt: skip
                    continue
                actual = cm.actual_spend_minor
                rows.append(
                    ChannelMonthRow(
                        id=cm.id,
                        channel_id=channel.id,
                        channel=channel.name,
                        month=month,
                        planned_spend=from_minor(cm.planned_spend_minor),
                        actual_spend=None if actual is None else from_minor(actual),
                        planned_leads=cm.planned_leads,
                        actual_leads=cm.actual_leads,
                    )
                )
        return rows
