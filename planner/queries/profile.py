"""The business profile as the tabs read it, and which fiscal years a plan covers.

Every query in ``planner.queries`` takes an open ``Plan`` and reads through its own
short read-only session, so a caller never holds a session between reads. Fiscal years
follow the profile's start month; the "current" one is the year containing ``today``
(the real date unless a caller, such as a test, passes one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planner.db.models import ActualSale, BusinessProfile, ChannelMonth, SalesRep, Target
from planner.db.plan import Plan
from planner.domain.money import currency_digits
from planner.domain.periods import FiscalYear, Month


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    """What views need from the profile: the name, money formatting and the fiscal calendar."""

    name: str
    currency: str
    currency_digits: int
    fiscal_start_month: int
    reps: tuple[str, ...]


def _profile(session: Session) -> BusinessProfile:
    profile = session.get(BusinessProfile, 1)
    assert profile is not None, "a plan always has its profile row"
    return profile


def fiscal_start(session: Session) -> int:
    """The month (1-12) in which the plan's fiscal year starts."""
    return _profile(session).fiscal_start_month


def fiscal_start_month(plan: Plan) -> int:
    """``fiscal_start`` in a session of its own: for a query that needs the fiscal calendar
    and nothing else of the profile (``profile_summary`` reads the sales reps too)."""
    with plan.session() as session:
        return fiscal_start(session)


def resolve_fiscal_year(
    session: Session, fiscal_year: FiscalYear | int | None, today: dt.date | None
) -> FiscalYear:
    """A ``FiscalYear`` as given, a year number in the plan's calendar, or the current year."""
    if isinstance(fiscal_year, FiscalYear):
        return fiscal_year
    start = fiscal_start(session)
    if fiscal_year is None:
        return FiscalYear.containing(today or dt.date.today(), start)
    return FiscalYear(fiscal_year, start)


def profile_summary(plan: Plan) -> ProfileSummary:
    with plan.session() as session:
        profile = _profile(session)
        reps = session.scalars(
            select(SalesRep.name)
            .where(SalesRep.active.is_(True))
            .order_by(SalesRep.position, SalesRep.id)
        )
        return ProfileSummary(
            name=profile.name,
            currency=profile.currency,
            currency_digits=currency_digits(profile.currency),
            fiscal_start_month=profile.fiscal_start_month,
            reps=tuple(reps),
        )


def current_fiscal_year(plan: Plan, today: dt.date | None = None) -> FiscalYear:
    """The fiscal year containing ``today`` (the real date when not given)."""
    with plan.session() as session:
        return resolve_fiscal_year(session, None, today)


def fiscal_years(plan: Plan, today: dt.date | None = None) -> list[FiscalYear]:
    """Every fiscal year from the first with targets, actuals or channel figures to the last,
    always including the current and the next one (to plan ahead), oldest first: the
    choices of a year selector."""
    with plan.session() as session:
        current = resolve_fiscal_year(session, None, today)
        start = current.start_month
        first, last = current, current + 1
        for column in (Target.month, ActualSale.month, ChannelMonth.month):
            low, high = session.execute(select(func.min(column), func.max(column))).one()
            for month in (low, high):
                if isinstance(month, Month):
                    year = FiscalYear.containing(month, start)
                    first, last = min(first, year), max(last, year)
        return [FiscalYear(year, start) for year in range(first.year, last.year + 1)]
