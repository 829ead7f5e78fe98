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
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.db.models import (
    ActualSale,
    BusinessProfile,
    ChannelMonth,
    Offering,
    SalesRep,
    Segment,
    Target,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor, to_minor
from planner.domain.periods import FiscalYear, Month
from planner.queries.forecast import simple_forecast
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


# -- the Targets tab: attainment, outlook and breakdowns ---------------------------------

BREAKDOWN_RULE = """A breakdown divides the business-wide target of a month: its parts (one
per offering, segment or sales rep) plus, where they do not cover it all, a "Not assigned"
remainder, so the parts always add up to the month's total. The total is the business-wide
record (the rule of ``_month_targets``). Raising a part takes from the remainder first and
raises the total only beyond it; once a month is fully assigned, its total is the sum of its
parts and follows them (planner.services.targets keeps this on every edit)."""


class Breakdown(StrEnum):
    NONE = "none"
    OFFERING = "offering"
    SEGMENT = "segment"
    REP = "rep"


class BreakdownRowKind(StrEnum):
    PART = "part"
    REST = "rest"  # not assigned to any part
    TOTAL = "total"


@dataclass(frozen=True, slots=True)
class TargetLine:
    """A month, quarter or the year: target, actual, variance, attainment and outlook."""

    label: str
    level: PeriodLevel
    first_month: Month
    last_month: Month
    target: Decimal
    target_units: int | None
    actual: Decimal | None
    variance: Decimal | None  # over the complete months with actuals, as in ``targets``
    variance_pct: Decimal | None
    attainment_pct: Decimal | None  # actual / target of those same months
    outlook: Decimal | None  # actual of complete months + forecast of the rest
    locked: bool  # every month of the period is locked


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One part of a breakdown (or the remainder, or the total) month by month."""

    item_id: int | None
    name: str
    kind: BreakdownRowKind
    months: tuple[Decimal, ...]  # one per month of the fiscal year
    year: Decimal


@dataclass(frozen=True, slots=True)
class TargetOverview:
    fiscal_year: FiscalYear
    lines: list[TargetLine]
    breakdown: Breakdown
    breakdown_rows: list[BreakdownRow]
    locked_through: Month | None
    outlook_months: tuple[Decimal | None, ...]  # forecast of each month not complete yet
    outlook: Decimal | None  # the year: actual so far plus forecast for the rest
    outlook_explanation: str


def _attainment(
    done: list[Month], target: dict[Month, int], actual: dict[Month, int]
) -> Decimal | None:
    """Actual as a percentage of target over the complete months with actuals."""
    whole = sum(target.get(m, 0) for m in done)
    if not done or not whole:
        return None
    return (Decimal(sum(actual[m] for m in done) * 100) / whole).quantize(Decimal("0.1"))


def _breakdown_rows(
    session: Session, fy: FiscalYear, breakdown: Breakdown, totals: dict[Month, int]
) -> list[BreakdownRow]:
    if breakdown is Breakdown.NONE:
        return []
    choices: dict[Breakdown, tuple[type[Offering] | type[Segment] | type[SalesRep], Any]] = {
        Breakdown.OFFERING: (Offering, Target.offering_id),
        Breakdown.SEGMENT: (Segment, Target.segment_id),
        Breakdown.REP: (SalesRep, Target.owner_id),
    }
    model, column = choices[breakdown]
    others = [
        c for c in (Target.offering_id, Target.segment_id, Target.owner_id) if c is not column
    ]
    items = session.execute(select(model.id, model.name).order_by(model.position, model.name))
    names: dict[int, str] = {item_id: name for item_id, name in items}
    parts: dict[int, dict[Month, int]] = {item_id: {} for item_id in names}
    stmt = select(Target.month, column, Target.revenue_minor).where(
        Target.month >= fy.first_month, Target.month <= fy.last_month,
        column.is_not(None), *(c.is_(None) for c in others),
    )  # fmt: skip
    for month, item_id, minor in session.execute(stmt):
        if item_id is None:
            continue
        by_month = parts.setdefault(item_id, {})
        by_month[month] = by_month.get(month, 0) + minor
    rows, assigned = [], dict.fromkeys(fy.months, 0)
    for item_id, by_month in parts.items():
        values = [by_month.get(m, 0) for m in fy.months]
        for m, v in zip(fy.months, values, strict=True):
            assigned[m] += v
        rows.append(_breakdown_row(item_id, names.get(item_id, "?"), BreakdownRowKind.PART, values))
    rest = [totals.get(m, 0) - assigned[m] for m in fy.months]
    if any(rest):
        rows.append(_breakdown_row(None, "Not assigned", BreakdownRowKind.REST, rest))
    total = [totals.get(m, 0) for m in fy.months]
    rows.append(_breakdown_row(None, "Total", BreakdownRowKind.TOTAL, total))
    return rows


def _breakdown_row(
    item_id: int | None, name: str, kind: BreakdownRowKind, values: list[int]
) -> BreakdownRow:
    return BreakdownRow(
        item_id, name, kind, tuple(from_minor(v) for v in values), from_minor(sum(values))
    )


def target_overview(
    plan: Plan,
    fiscal_year: FiscalYear | int | None = None,
    breakdown: Breakdown = Breakdown.NONE,
    *,
    today: dt.date | None = None,
) -> TargetOverview:
    """Everything the Targets tab shows for one fiscal year (see BREAKDOWN_RULE)."""
    today = today or dt.date.today()
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        target, target_units = _month_targets(session, fy)
        actual, _ = _month_actuals(session, fy)
        rows = _breakdown_rows(session, fy, breakdown, target)
        profile = session.get(BusinessProfile, 1)
        locked = None if profile is None else profile.locked_through
    forecast = simple_forecast(plan, today)
    current = Month.of(today)
    by_month = {f.month: to_minor(f.forecast) for f in forecast.months}
    start = forecast.months[0].month if forecast.months else current
    expected: dict[Month, int | None] = {
        m: actual.get(m, 0) if m < start else by_month.get(m) for m in fy.months
    }
    lines = []
    for label, level, months in _periods(fy, current):
        actual_minor = _known_sum([actual.get(m) for m in months])
        variance, pct = _variance(months, target, actual, current)
        done = [m for m in months if m in actual and m < current]
        parts = [expected[m] for m in months]
        lines.append(
            TargetLine(
                label=label, level=level, first_month=months[0], last_month=months[-1],
                target=from_minor(sum(target.get(m, 0) for m in months)),
                target_units=_known_sum([target_units.get(m) for m in months]),
                actual=None if actual_minor is None else from_minor(actual_minor),
                variance=variance, variance_pct=pct,
                attainment_pct=_attainment(done, target, actual),
                outlook=None if None in parts else from_minor(sum(p or 0 for p in parts)),
                locked=locked is not None and months[-1] <= locked,
            )
        )  # fmt: skip
    # Months first, then quarters and the year: a column of twelve figures pasted from a
    # spreadsheet then lands on the twelve months.
    lines.sort(key=lambda line: line.level is not PeriodLevel.MONTH)
    outlook_months = tuple(
        None if m < start or by_month.get(m) is None else from_minor(by_month[m]) for m in fy.months
    )
    return TargetOverview(
        fy,
        lines,
        breakdown,
        rows,
        locked,
        outlook_months,
        lines[-1].outlook,
        forecast.explanation,
    )
