"""The Dashboard's marketing part for a period: budget against actual spend by channel,
planned against actual leads by month, and the same months a year earlier for the ratios
(see ``planner.queries.dashboard`` for the rules all its parts follow).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from planner.db.plan import Plan
from planner.domain.periods import Month, PeriodRange
from planner.queries.channel_metrics import (
    DealResults,
    Figures,
    channel_metrics,
    deal_results,
    total,
)
from planner.queries.units import change_pct


@dataclass(frozen=True, slots=True)
class ChannelSpend:
    """One channel over the period: its budget, what it really cost (None: nothing
    recorded) and the budget of the months whose spend is recorded; then the same two
    over the period's complete months only (``MarketingView.complete``), which is what
    budget and spend are compared over."""

    channel_id: int
    name: str
    budget: Decimal
    actual: Decimal | None
    budget_compared: Decimal
    complete_budget: Decimal
    complete_actual: Decimal | None


@dataclass(frozen=True, slots=True)
class LeadsMonth:
    month: Month
    planned: int
    actual: int | None


@dataclass(frozen=True, slots=True)
class MarketingView:
    """Spend and leads of a period: per channel (those with a budget or spend in it) and
    per month, with all channels together in ``figures``. ``year_earlier`` holds the
    same months a year before, up to where the period stands now (the whole period once
    it is over), so the ratios compare like with like; None when no month of the period
    has begun."""

    period: PeriodRange
    channels: tuple[ChannelSpend, ...]
    leads: tuple[LeadsMonth, ...]
    figures: Figures
    year_earlier: Figures | None
    # What the deals said about the channels, this year and last: handed back through
    # ``marketing_view(reuse=...)`` while only channel figures change.
    deals: tuple[DealResults, DealResults | None]
    # The month in progress is not over: its actual figures are "so far" and are never
    # set against its plan. ``complete`` are the period's months before it (all of them
    # once the period is over), ``compared`` all channels over those months only: what
    # budget and spend, planned and actual leads are compared over. ``in_progress`` is
    # the month in progress when the period holds it, ``so_far`` its figures.
    complete: tuple[Month, ...]
    compared: Figures
    in_progress: Month | None
    so_far: Figures | None

    @property
    def cost_per_lead_change_pct(self) -> Decimal | None:
        """Actual cost per lead against the planned one (above zero: leads cost more)."""
        return change_pct(self.figures.cost_per_lead_actual, self.figures.cost_per_lead_plan)


def _months_of(rows: tuple[Figures, ...], months: list[Month], picked: list[Month]) -> Figures:
    return total(f for m, f in zip(months, rows, strict=True) if m in picked)


def marketing_view(
    plan: Plan, period: PeriodRange, *, today: dt.date, reuse: MarketingView | None = None
) -> MarketingView:
    """Budget against actual spend by channel, planned against actual leads by month.
    ``reuse`` (an earlier view) skips reading the deals again: pass it when only channel
    figures changed (the deal reads are most of the cost on a big plan)."""
    picked = period.months
    fy = period.fiscal_year
    current = Month.of(today)
    complete = [m for m in picked if m < current]
    known_now, known_before = (None, None) if reuse is None else reuse.deals
    if known_now is not None and known_now.fiscal_year != fy:
        known_now = known_before = None
    now = known_now or deal_results(plan, fy, today=today)
    rows = channel_metrics(plan, fy, today=today, deals=now)
    channels = []
    for row in rows[:-1]:
        f = _months_of(row.monthly, list(row.months), picked)
        if row.channel_id is not None and (f.planned_spend or f.actual_spend is not None):
            done = _months_of(row.monthly, list(row.months), complete)
            channels.append(
                ChannelSpend(
                    row.channel_id, row.name, f.planned_spend, f.actual_spend,
                    f.planned_spend_compared, done.planned_spend, done.actual_spend,
                )
            )  # fmt: skip
    everything = rows[-1]
    leads = tuple(
        LeadsMonth(m, f.planned_leads, f.actual_leads)
        for m, f in zip(everything.months, everything.monthly, strict=True)
        if m in period
    )
    figures = _months_of(everything.monthly, list(everything.months), picked)
    compared = _months_of(everything.monthly, list(everything.months), complete)
    in_progress = current if current in period else None
    so_far = None
    if in_progress is not None:
        so_far = _months_of(everything.monthly, list(everything.months), [in_progress])
    begun = [m for m in picked if m <= current]
    year_earlier = None
    then = None
    if begun:
        then = known_before or deal_results(plan, fy + -1, today=today)
        before = channel_metrics(plan, fy + -1, today=today, deals=then)[-1]
        shifted = [m + -12 for m in begun]
        year_earlier = _months_of(before.monthly, list(before.months), shifted)
    return MarketingView(
        period, tuple(channels), leads, figures, year_earlier, (now, then), tuple(complete),
        compared, in_progress, so_far,
    )  # fmt: skip
