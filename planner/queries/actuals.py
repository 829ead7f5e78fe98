"""What was really sold: per offering and month in a fiscal year, and the monthly history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from planner.db.models import ActualSale, Offering
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalYear, Month, month_range
from planner.queries.profile import resolve_fiscal_year
from planner.services.locks import locked_through as locked_through  # one reader of the lock

UNASSIGNED = "Not linked to an offering"
ALL_OFFERINGS = "All offerings"


@dataclass(frozen=True, slots=True)
class OfferingActuals:
    """One offering's actual revenue and units for each month of a fiscal year.

    ``revenue[i]`` and ``units[i]`` belong to ``months[i]``; None where nothing was recorded.
    The last row of ``monthly_actuals`` is the total of all rows (``is_total``).
    """

    offering_id: int | None
    offering: str
    months: tuple[Month, ...]
    revenue: tuple[Decimal | None, ...]
    units: tuple[int | None, ...]
    revenue_total: Decimal
    units_total: int | None
    is_total: bool = False


def _known_sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def monthly_actuals(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> list[OfferingActuals]:
    """Every active offering (and any other with sales that year), sales not linked to an
    offering when there are some, then the total."""
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        months = fy.months
        revenue: dict[int | None, dict[Month, int]] = defaultdict(dict)
        units: dict[int | None, dict[Month, int]] = defaultdict(dict)
        stmt = (
            select(
                ActualSale.offering_id,
                ActualSale.month,
                func.sum(ActualSale.revenue_minor),
                func.sum(ActualSale.units),
            )
            .where(ActualSale.month >= fy.first_month, ActualSale.month <= fy.last_month)
            .group_by(ActualSale.offering_id, ActualSale.month)
        )
        for offering_id, month, minor, count in session.execute(stmt):
            revenue[offering_id][month] = int(minor)
            if count is not None:
                units[offering_id][month] = int(count)
        names: list[tuple[int | None, str]] = [
            (o.id, o.name)
            for o in session.scalars(
                select(Offering).order_by(Offering.archived, Offering.position, Offering.name)
            )
            if not o.archived or o.id in revenue
        ]
    if None in revenue:
        names.append((None, UNASSIGNED))

    def row(
        key: int | None, name: str, rev: dict[Month, int], cnt: dict[Month, int], total: bool
    ) -> OfferingActuals:
        return OfferingActuals(
            offering_id=key,
            offering=name,
            months=tuple(months),
            revenue=tuple(None if m not in rev else from_minor(rev[m]) for m in months),
            units=tuple(cnt.get(m) for m in months),
            revenue_total=from_minor(sum(rev.values())),
            units_total=_known_sum([cnt.get(m) for m in months]),
            is_total=total,
        )

    rows = [row(key, name, revenue.get(key, {}), units.get(key, {}), False) for key, name in names]
    total_revenue: dict[Month, int] = {}
    total_units: dict[Month, int] = {}
    for key in revenue:
        for month, minor in revenue[key].items():
            total_revenue[month] = total_revenue.get(month, 0) + minor
        for month, count in units[key].items():
            total_units[month] = total_units.get(month, 0) + count
    rows.append(row(None, ALL_OFFERINGS, total_revenue, total_units, True))
    return rows


@dataclass(frozen=True, slots=True)
class MonthlyRevenue:
    month: Month
    revenue: Decimal


def revenue_history(plan: Plan) -> list[MonthlyRevenue]:
    """Total actual revenue per month, oldest first, from the first month with actuals to
    the last; a month in between with nothing recorded counts as zero."""
    with plan.session() as session:
        stmt = (
            select(ActualSale.month, func.sum(ActualSale.revenue_minor))
            .group_by(ActualSale.month)
            .order_by(ActualSale.month)
        )
        totals = {month: int(minor) for month, minor in session.execute(stmt)}
    if not totals:
        return []
    first, last = min(totals), max(totals)
    return [MonthlyRevenue(m, from_minor(totals.get(m, 0))) for m in month_range(first, last)]
