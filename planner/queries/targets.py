"""Targets against actuals, month by month with quarter and year totals.

The business-wide target of a month is the sum of its targets that name no offering,
segment or rep. A month that only has detailed targets uses the finest single kind it
has, in the order offering, segment, rep, so a month is never counted twice.

Variance compares like with like: a quarter or year total sets its actual revenue
against the targets of the complete months that have actuals: future months do not count
as misses, and the month in progress (today's) shows its actual so far, labelled "so far",
but no variance, because a half-month of sales set against a whole month's target would
read as a miss that is not one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.db.models import ActualSale, ChannelMonth, Target
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalYear, Month
from planner.queries.profile import resolve_fiscal_year


class PeriodLevel(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class TargetRow:
    """Target and actual revenue (and units) of a month, a quarter or the year."""

    label: str  # "Jan 2026", "Q1 FY 2026", "FY 2026 total"
    level: PeriodLevel
    first_month: Month
    last_month: Month
    target: Decimal
    target_units: int | None
    actual: Decimal | None  # None until any actual is recorded for the period
    actual_units: int | None
    variance: Decimal | None  # actual - target of the months with actuals
    variance_pct: Decimal | None  # variance as a percentage of that target


@dataclass(frozen=True, slots=True)
class PlanVsActualRow:
    """Revenue, marketing spend and leads, planned against actual, for one period."""

    label: str
    level: PeriodLevel
    first_month: Month
    last_month: Month
    target: Decimal
    actual: Decimal | None
    variance: Decimal | None
    variance_pct: Decimal | None
    planned_spend: Decimal
    actual_spend: Decimal | None
    planned_leads: int
    actual_leads: int | None


def _periods(fy: FiscalYear, current: Month) -> Iterator[tuple[str, PeriodLevel, list[Month]]]:
    """Each month, each quarter after its months, then the year."""
    for quarter in fy.quarters:
        for month in quarter.months:
            label = f"{month.short_label} (so far)" if month == current else month.short_label
            yield label, PeriodLevel.MONTH, [month]
        yield quarter.label, PeriodLevel.QUARTER, quarter.months
    yield f"{fy.label} total", PeriodLevel.YEAR, fy.months


def _known_sum(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _variance(
    months: list[Month], target: dict[Month, int], actual: dict[Month, int], current: Month
) -> tuple[Decimal | None, Decimal | None]:
    with_actual = [m for m in months if m in actual and m < current]
    if not with_actual:
        return None, None
    compared = sum(target.get(m, 0) for m in with_actual)
    variance = sum(actual[m] for m in with_actual) - compared
    pct = (Decimal(variance * 100) / compared).quantize(Decimal("0.1")) if compared else None
    return from_minor(variance), pct


def _month_targets(session: Session, fy: FiscalYear) -> tuple[dict[Month, int], dict[Month, int]]:
    """Business-wide target revenue and units per month (see the module docstring)."""
    revenue: dict[Month, dict[int, int]] = defaultdict(dict)
    units: dict[Month, dict[int, int]] = defaultdict(dict)
    stmt = select(
        Target.month, Target.offering_id, Target.segment_id, Target.owner_id,
        Target.revenue_minor, Target.units,
    ).where(Target.month >= fy.first_month, Target.month <= fy.last_month)  # fmt: skip
    for month, offering, segment, owner, minor, count in session.execute(stmt):
        named = [offering is not None, segment is not None, owner is not None]
        # 0 = business-wide, 1 = per offering, 2 = per segment, 3 = per rep, 4 = mixed
        kind = 0 if not any(named) else (named.index(True) + 1 if sum(named) == 1 else 4)
        revenue[month][kind] = revenue[month].get(kind, 0) + minor
        if count is not None:
            units[month][kind] = units[month].get(kind, 0) + count
    month_revenue, month_units = {}, {}
    for month, by_kind in revenue.items():
        kind = min(by_kind)
        month_revenue[month] = by_kind[kind]
        if kind in units.get(month, {}):
            month_units[month] = units[month][kind]
    return month_revenue, month_units


def _month_actuals(session: Session, fy: FiscalYear) -> tuple[dict[Month, int], dict[Month, int]]:
    revenue, units = {}, {}
    stmt = (
        select(ActualSale.month, func.sum(ActualSale.revenue_minor), func.sum(ActualSale.units))
        .where(ActualSale.month >= fy.first_month, ActualSale.month <= fy.last_month)
        .group_by(ActualSale.month)
    )
    for month, minor, count in session.execute(stmt):
        revenue[month] = int(minor)
        if count is not None:
            units[month] = int(count)
    return revenue, units


def targets(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> list[TargetRow]:
    """Months of the fiscal year with quarter subtotals after each quarter and the year last."""
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        target, target_units = _month_targets(session, fy)
        actual, actual_units = _month_actuals(session, fy)
    current = Month.of(today or dt.date.today())
    rows = []
    for label, level, months in _periods(fy, current):
        actual_minor = _known_sum([actual.get(m) for m in months])
        variance, pct = _variance(months, target, actual, current)
        rows.append(
            TargetRow(
                label=label,
                level=level,
                first_month=months[0],
                last_month=months[-1],
                target=from_minor(sum(target.get(m, 0) for m in months)),
                target_units=_known_sum([target_units.get(m) for m in months]),
                actual=None if actual_minor is None else from_minor(actual_minor),
                actual_units=_known_sum([actual_units.get(m) for m in months]),
                variance=variance,
                variance_pct=pct,
            )
        )
    return rows


def plan_vs_actual(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> list[PlanVsActualRow]:
    """Like ``targets``, with planned and actual marketing spend and leads of all channels."""
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        target, _ = _month_targets(session, fy)
        actual, _ = _month_actuals(session, fy)
        planned_spend: dict[Month, int] = defaultdict(int)
        planned_leads: dict[Month, int] = defaultdict(int)
        actual_spend: dict[Month, int] = {}
        actual_leads: dict[Month, int] = {}
        in_year = (ChannelMonth.month >= fy.first_month, ChannelMonth.month <= fy.last_month)
        stmt = select(
            ChannelMonth.month, ChannelMonth.planned_spend_minor, ChannelMonth.actual_spend_minor,
            ChannelMonth.planned_leads, ChannelMonth.actual_leads,
        ).where(*in_year)  # fmt: skip
        for month, p_spend, a_spend, p_leads, a_leads in session.execute(stmt):
            planned_spend[month] += p_spend
            planned_leads[month] += p_leads
            if a_spend is not None:
                actual_spend[month] = actual_spend.get(month, 0) + a_spend
            if a_leads is not None:
                actual_leads[month] = actual_leads.get(month, 0) + a_leads
    current = Month.of(today or dt.date.today())
    rows = []
    for label, level, months in _periods(fy, current):
        actual_minor = _known_sum([actual.get(m) for m in months])
        spend_minor = _known_sum([actual_spend.get(m) for m in months])
        variance, pct = _variance(months, target, actual, current)
        rows.append(
            PlanVsActualRow(
                label=label,
                level=level,
                first_month=months[0],
                last_month=months[-1],
                target=from_minor(sum(target.get(m, 0) for m in months)),
                actual=None if actual_minor is None else from_minor(actual_minor),
                variance=variance,
                variance_pct=pct,
                planned_spend=from_minor(sum(planned_spend[m] for m in months)),
                actual_spend=None if spend_minor is None else from_minor(spend_minor),
                planned_leads=sum(planned_leads[m] for m in months),
                actual_leads=_known_sum([actual_leads.get(m) for m in months]),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class RevenueToDate:
    """Revenue of a fiscal year so far against the target of the same months."""

    fiscal_year: FiscalYear
    through: Month | None  # last month counted; None before the first month is complete
    actual: Decimal
    target: Decimal
    variance: Decimal
    variance_pct: Decimal | None


def revenue_to_date(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> RevenueToDate:
    """Actual revenue against target over the complete months of the year so far: from its
    first month through the month before today's (the whole year once it has ended). The
    current month is left out because its actuals are not complete and would be set
    against a whole month's target."""
    today = today or dt.date.today()
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        target, _ = _month_targets(session, fy)
        actual, _ = _month_actuals(session, fy)
    last_complete = Month.of(today) + -1
    through = None if last_complete < fy.first_month else min(last_complete, fy.last_month)
    months = [m for m in fy.months if through is not None and m <= through]
    actual_minor = sum(actual.get(m, 0) for m in months)
    target_minor = sum(target.get(m, 0) for m in months)
    variance = actual_minor - target_minor
    pct = (
        (Decimal(variance * 100) / target_minor).quantize(Decimal("0.1")) if target_minor else None
    )
    return RevenueToDate(
        fy, through, from_minor(actual_minor), from_minor(target_minor), from_minor(variance), pct
    )
