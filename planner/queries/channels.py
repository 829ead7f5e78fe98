"""Read-only views of channels: the channel list with what it sourced, the month grid, the
figures its variances compare (the month in progress left out), and last year's seasonal
shapes for spreading a yearly budget."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import case, func, select

from planner.db.models import (
    ActualSale,
    Channel,
    ChannelMonth,
    Deal,
    Segment,
    SegmentChannel,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalYear, Month
from planner.queries.channel_metrics import ChannelYear, Figures, channel_metrics, figures_of
from planner.queries.channel_metrics import total as total_of
from planner.queries.profile import resolve_fiscal_year


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


@dataclass(frozen=True, slots=True)
class SeasonalShapes:
    """Last year's monthly figures a yearly budget can be spread like: one channel's actual
    spend and the whole business's actual revenue, month by month of ``last_year`` (None
    where nothing was recorded)."""

    last_year: FiscalYear
    channel_spend: tuple[Decimal | None, ...]
    revenue: tuple[Decimal | None, ...]


def seasonal_shapes(
    plan: Plan, fiscal_year: FiscalYear | int | None, channel_id: int | None
) -> SeasonalShapes:
    """The shapes of the fiscal year before ``fiscal_year`` (for planning this one);
    ``channel_id`` None gives all channels' spend together."""
    with plan.session() as session:
        last_year = resolve_fiscal_year(session, fiscal_year, None) + -1
        months = last_year.months
        stmt = (
            select(ActualSale.month, func.sum(ActualSale.revenue_minor))
            .where(ActualSale.month >= months[0], ActualSale.month <= months[-1])
            .group_by(ActualSale.month)
        )
        revenue = {month: int(minor) for month, minor in session.execute(stmt)}
    row = figures_of(channel_metrics(plan, last_year), channel_id)
    spend = tuple(f.actual_spend for f in row.monthly) if row else (None,) * 12
    return SeasonalShapes(
        last_year,
        spend,
        tuple(None if m not in revenue else from_minor(revenue[m]) for m in months),
    )


def compared_periods(year: ChannelYear, current: Month) -> tuple[Figures, ...]:
    """The figures a channel's variances (actual against plan) are worked out from, for
    the twelve months, four quarters and the year of ``year.periods``.

    The month in progress (``current``) is not over: its actual spend and leads are what
    was recorded so far, and set against the whole month's plan they would read as "under
    budget". As everywhere in the app it is shown so far and not compared: here it
    compares nothing, so its own variance is empty and its quarter and year compare the
    other months only. Every other figure is as in ``year``."""
    monthly = tuple(
        replace(f, actual_spend=None, actual_leads=None, planned_spend_compared=Decimal("0.00"),
                planned_leads_compared=0) if month == current else f
        for month, f in zip(year.months, year.monthly, strict=True)
    )  # fmt: skip
    if monthly == year.monthly:
        return year.periods
    quarterly = tuple(total_of(monthly[q * 3 : q * 3 + 3]) for q in range(4))
    return (*monthly, *quarterly, total_of(quarterly))
