"""What each channel cost and brought in, per month, quarter and fiscal year.

For every channel (and all channels together) and every period of a fiscal year this
gives the planned and actual spend and leads, the deals the channel sourced and won and
the revenue those won deals brought, with the figures an owner judges a channel by:
cost per lead (plan and actual), cost per customer won and return on spend.

Deals are counted by two SQL ``GROUP BY`` reads (sourced by creation month, won by
closing month), so the figures stay quick on a plan with 100,000 deals.

Actuals are compared with the plan of the same months only: in a quarter where two
months' actual spend is entered, the variance is that spend minus those two months'
plan, not minus the whole quarter's. A month in progress therefore never looks like an
underspend merely because it is not over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement

from planner.db.models import Channel, ChannelMonth, Deal
from planner.db.plan import Plan
from planner.domain.money import from_minor, round_money
from planner.domain.periods import FiscalYear, Month
from planner.queries.hints import CHANNEL_UNINDEXED, STATUS_UNINDEXED
from planner.queries.profile import resolve_fiscal_year

ALL_CHANNELS = "All channels"
N = TypeVar("N", int, Decimal)
_ZERO = Decimal("0.00")


def _ratio(top: Decimal, bottom: Decimal | int) -> Decimal:
    return Decimal(top) / Decimal(bottom)


@dataclass(frozen=True, slots=True)
class Figures:
    """Plan, actual and results of one channel (or all) over one period.

    Actual figures are None while nothing is recorded for any month of the period.
    ``*_compared`` is the plan of the months whose actual figure is recorded: what the
    actual is set against in the variances.
    """

    planned_spend: Decimal = _ZERO
    actual_spend: Decimal | None = None
    planned_leads: int = 0
    actual_leads: int | None = None
    deals_sourced: int = 0
    deals_won: int = 0
    revenue_won: Decimal = _ZERO
    planned_spend_compared: Decimal = _ZERO
    planned_leads_compared: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            planned_spend=self.planned_spend + other.planned_spend,
            actual_spend=_add_known(self.actual_spend, other.actual_spend),
            planned_leads=self.planned_leads + other.planned_leads,
            actual_leads=_add_known(self.actual_leads, other.actual_leads),
            deals_sourced=self.deals_sourced + other.deals_sourced,
            deals_won=self.deals_won + other.deals_won,
            revenue_won=self.revenue_won + other.revenue_won,
            planned_spend_compared=self.planned_spend_compared + other.planned_spend_compared,
            planned_leads_compared=self.planned_leads_compared + other.planned_leads_compared,
        )

    @property
    def spend_variance(self) -> Decimal | None:
        """Actual minus planned spend (above zero: more was spent than planned)."""
        if self.actual_spend is None:
            return None
        return self.actual_spend - self.planned_spend_compared

    @property
    def spend_variance_pct(self) -> Decimal | None:
        """The spend variance as a percentage of the plan it is compared with."""
        variance = self.spend_variance
        if variance is None or not self.planned_spend_compared:
            return None
        return _ratio(variance * 100, self.planned_spend_compared)

    @property
    def leads_variance(self) -> int | None:
        """Actual minus planned leads (above zero: more leads than planned)."""
        if self.actual_leads is None:
            return None
        return self.actual_leads - self.planned_leads_compared

    @property
    def leads_variance_pct(self) -> Decimal | None:
        variance = self.leads_variance
        if variance is None or not self.planned_leads_compared:
            return None
        return _ratio(Decimal(variance * 100), self.planned_leads_compared)

    @property
    def cost_per_lead_plan(self) -> Decimal | None:
        """Planned spend / planned leads; None when no leads are planned."""
        if not self.planned_leads:
            return None
        return round_money(_ratio(self.planned_spend, self.planned_leads))

    @property
    def cost_per_lead_actual(self) -> Decimal | None:
        """Actual spend / actual leads; None without actual spend or leads."""
        if self.actual_spend is None or not self.actual_leads:
            return None
        return round_money(_ratio(self.actual_spend, self.actual_leads))

    @property
    def cost_per_customer(self) -> Decimal | None:
        """Actual spend / deals won; None without actual spend or won deals."""
        if self.actual_spend is None or not self.deals_won:
            return None
        return round_money(_ratio(self.actual_spend, self.deals_won))

    @property
    def return_on_spend(self) -> Decimal | None:
        """Revenue won for each unit of actual spend (10 means €10 won per €1 spent)."""
        if not self.actual_spend:
            return None
        return _ratio(self.revenue_won, self.actual_spend)


def _add_known(a: N | None, b: N | None) -> N | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def total(figures: Iterable[Figures]) -> Figures:
    """The sum of ``figures`` (a quarter of months, a year, all channels)."""
    result = Figures()
    for f in figures:
        result = result + f
    return result


@dataclass(frozen=True, slots=True)
class ChannelYear:
    """One channel's figures (``channel_id`` None: all channels together) in a fiscal year.

    ``ids[i]`` is the stored record of ``months[i]`` (None while nothing is entered).
    ``periods`` lists the twelve months, the four quarters and the year, in that order.
    """

    channel_id: int | None
    name: str
    kind: str
    archived: bool
    fiscal_year: FiscalYear
    months: tuple[Month, ...]
    ids: tuple[int | None, ...]
    monthly: tuple[Figures, ...]
    quarterly: tuple[Figures, ...]
    year: Figures

    @property
    def periods(self) -> tuple[Figures, ...]:
        return (*self.monthly, *self.quarterly, self.year)

    @property
    def is_total(self) -> bool:
        return self.channel_id is None


def _year(
    channel_id: int | None,
    name: str,
    kind: str,
    archived: bool,
    fy: FiscalYear,
    ids: Sequence[int | None],
    monthly: Sequence[Figures],
) -> ChannelYear:
    quarterly = tuple(total(monthly[q * 3 : q * 3 + 3]) for q in range(4))
    return ChannelYear(
        channel_id, name, kind, archived, fy, tuple(fy.months), tuple(ids), tuple(monthly),
        quarterly, total(quarterly),
    )  # fmt: skip


def _month_of(column: InstrumentedAttribute[Any]) -> ColumnElement[str]:
    """'YYYY-MM' of a date column (SQLite stores dates as 'YYYY-MM-DD' text)."""
    return func.substr(column, 1, 7)


@dataclass(frozen=True, slots=True)
class DealResults:
    """What the pipeline says about channels in one fiscal year: deals sourced per
    (channel, 'YYYY-MM' created) and (count, amount in minor units) won per (channel,
    'YYYY-MM' closed). Read once and handed back to ``channel_metrics`` while only
    channel figures change (the deal reads are most of its cost on a big plan)."""

    fiscal_year: FiscalYear
    sourced: dict[tuple[int | None, str], int]
    won: dict[tuple[int | None, str], tuple[int, int]]


# SQLite's ``+column``: the same value, without the index on it. The plan keeps no
# statistics for SQLite's planner, which then reads a year's deals through the channel or
# status index (most deals, one row lookup each): a plain pass or the close-date index is
# two to three times quicker on 100,000 deals.


def _deal_results(session: Session, fy: FiscalYear) -> DealResults:
    first, last = fy.first_month.first_day, fy.last_month.last_day
    created = _month_of(Deal.created_on)
    sourced = {
        (channel_id, month): n
        for channel_id, month, n in session.execute(
            select(Deal.channel_id, created, func.count())
            .where(
                CHANNEL_UNINDEXED.is_not(None),
                Deal.created_on >= first,
                Deal.created_on <= last,
            )
            .group_by(created, Deal.channel_id)
        )
    }
    closed = _month_of(Deal.closed_on)
    won = {
        (channel_id, month): (n, amount or 0)
        for channel_id, month, n, amount in session.execute(
            select(Deal.channel_id, closed, func.count(), func.sum(Deal.amount_minor))
            .where(
                CHANNEL_UNINDEXED.is_not(None),
                STATUS_UNINDEXED == "won",
                Deal.closed_on >= first,
                Deal.closed_on <= last,
            )
            .group_by(Deal.channel_id, closed)
        )
    }
    return DealResults(fy, sourced, won)


def deal_results(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> DealResults:
    """The deals each channel sourced and won, per month of the fiscal year."""
    with plan.session() as session:
        return _deal_results(session, resolve_fiscal_year(session, fiscal_year, today))


def channel_metrics(
    plan: Plan,
    fiscal_year: FiscalYear | int | None = None,
    *,
    today: dt.date | None = None,
    every_channel: bool = False,
    deals: DealResults | None = None,
) -> list[ChannelYear]:
    """Every active channel (and every archived one with figures or deals in the year; all
    archived ones with ``every_channel``) in the owner's order, then all channels together
    as the last row. ``deals`` reuses an earlier ``deal_results`` of the same year."""
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        entered: dict[tuple[int, Month], ChannelMonth] = {
            (cm.channel_id, cm.month): cm
            for cm in session.scalars(
                select(ChannelMonth).where(
                    ChannelMonth.month >= fy.first_month, ChannelMonth.month <= fy.last_month
                )
            )
        }
        if deals is None or deals.fiscal_year != fy:
            deals = _deal_results(session, fy)
        sourced, won = deals.sourced, deals.won
        active_in_year = {c for c, _ in entered} | {c for c, _ in sourced} | {c for c, _ in won}
        query = (
            select(Channel)
            .where(
                or_(
                    Channel.archived.is_(False),
                    Channel.id.in_(active_in_year),
                    literal(every_channel),
                )
            )
            .order_by(Channel.archived, Channel.position, Channel.name)
        )
        rows: list[ChannelYear] = []
        for channel in session.scalars(query):
            ids: list[int | None] = []
            monthly: list[Figures] = []
            for month in fy.months:
                cm = entered.get((channel.id, month))
                key = (channel.id, str(month))
                won_count, won_minor = won.get(key, (0, 0))
                ids.append(None if cm is None else cm.id)
                monthly.append(_month_figures(cm, sourced.get(key, 0), won_count, won_minor))
            rows.append(
                _year(channel.id, channel.name, channel.kind, channel.archived, fy, ids, monthly)
            )
        all_monthly = [total(r.monthly[i] for r in rows) for i in range(12)]
        rows.append(_year(None, ALL_CHANNELS, "", False, fy, [None] * 12, all_monthly))
        return rows


def _month_figures(
    cm: ChannelMonth | None, sourced: int, won_count: int, won_minor: int
) -> Figures:
    revenue = from_minor(won_minor)
    if cm is None:
        return Figures(deals_sourced=sourced, deals_won=won_count, revenue_won=revenue)
    spend = cm.actual_spend_minor
    return Figures(
        planned_spend=from_minor(cm.planned_spend_minor),
        actual_spend=None if spend is None else from_minor(spend),
        planned_leads=cm.planned_leads,
        actual_leads=cm.actual_leads,
        deals_sourced=sourced,
        deals_won=won_count,
        revenue_won=revenue,
        planned_spend_compared=from_minor(cm.planned_spend_minor if spend is not None else 0),
        planned_leads_compared=cm.planned_leads if cm.actual_leads is not None else 0,
    )


def figures_of(rows: Sequence[ChannelYear], channel_id: int | None) -> ChannelYear | None:
    """The row of ``channel_id`` (None: all channels) in ``channel_metrics`` output."""
    return next((r for r in rows if r.channel_id == channel_id), None)
