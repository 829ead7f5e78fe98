"""A simple, honest revenue forecast: seasonal naive with this year's growth.

Each coming month is forecast as the same month a year earlier, scaled by how this fiscal
year has gone so far against the same months of the year before. It needs twelve months
of history and nothing else, which makes it easy to explain and hard to get badly wrong;
the Targets tab's outlook uses it.

Only complete months count as history: the forecast starts with the current month, or
earlier when the latest actuals are older (the first month without actuals).

``revenue_forecast`` is the fitted forecast of the Forecast tab and the ``forecast`` command:
the complete months of actual revenue (the whole business or one offering) go to
``planner.forecasting.forecast``; it returns the forecast months with their range, the
targets of those months and one plain sentence on the method and how it did on the past.
``close_the_gap`` turns a shortfall into deals or leads an owner can act on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select

from planner.db.models import ActualSale, Offering, Target
from planner.db.plan import Plan
from planner.domain.money import from_minor, round_money
from planner.domain.periods import FiscalYear, Month, month_range
from planner.queries.actuals import revenue_history
from planner.queries.profile import fiscal_start_month

HORIZON = 12


@dataclass(frozen=True, slots=True)
class ForecastMonth:
    month: Month
    forecast: Decimal
    same_month_last_year: Decimal


@dataclass(frozen=True, slots=True)
class SimpleForecast:
    """The forecast months (empty when there is too little history) and one line saying how
    they were made."""

    months: tuple[ForecastMonth, ...]
    growth_factor: Decimal | None  # None when no growth could be measured (1 is then used)
    growth_from: Month | None  # the months whose growth was measured
    growth_to: Month | None
    explanation: str

    @property
    def growth_pct(self) -> Decimal | None:
        if self.growth_factor is None:
            return None
        return ((self.growth_factor - 1) * 100).quantize(Decimal("0.1"))


def _growth_window(start: Month, fiscal_start_month: int) -> list[Month]:
    """The months of this fiscal year before ``start``; the twelve before it when ``start``
    opens the fiscal year."""
    fy = FiscalYear.containing(start, fiscal_start_month)
    elapsed = [m for m in fy.months if m < start]
    return elapsed or [start + offset for offset in range(-12, 0)]


def seasonal_naive(
    history: Mapping[Month, Decimal],
    start: Month,
    fiscal_start_month: int,
    horizon: int = HORIZON,
) -> SimpleForecast:
    """Forecast ``horizon`` months from ``start`` with the history before ``start``."""
    past = {m: v for m, v in history.items() if m < start}
    basis = [start + (offset - 12) for offset in range(horizon)]
    if any(m not in past for m in basis):
        return SimpleForecast(
            (), None, None, None,
            "A forecast needs the actual revenue of each of the last twelve months; "
            "enter them in Actuals and it appears here.",
        )  # fmt: skip
    window = _growth_window(start, fiscal_start_month)
    a_year_earlier = [m + -12 for m in window]
    factor: Decimal | None = None
    if all(m in past for m in window + a_year_earlier):
        before = sum((past[m] for m in a_year_earlier), Decimal(0))
        if before > 0:
            factor = sum((past[m] for m in window), Decimal(0)) / before
    scale = Decimal(1) if factor is None else factor
    months = tuple(
        ForecastMonth(start + offset, round_money(past[m] * scale), past[m])
        for offset, m in enumerate(basis)
    )
    if factor is None:
        explanation = (
            "Simple forecast: each coming month is the same month last year; there is no "
            "year-earlier revenue to measure this year's growth against."
        )
    else:
        change = ((factor - 1) * 100).quantize(Decimal("0.1"))
        direction = "raised" if change >= 0 else "lowered"
        explanation = (
            f"Simple forecast: each coming month is the same month last year, {direction} by "
            f"{abs(change)}%, the change from {window[0].short_label} to "
            f"{window[-1].short_label} against the same months a year earlier."
        )
    return SimpleForecast(
        months,
        factor,
        window[0] if factor is not None else None,
        window[-1] if factor is not None else None,
        explanation,
    )


def simple_forecast(plan: Plan, today: dt.date | None = None) -> SimpleForecast:
    """The seasonal naive forecast of the plan's total revenue for the next twelve months."""
    history = {row.month: row.revenue for row in revenue_history(plan)}
    start = Month.of(today or dt.date.today())
    if history:
        start = min(start, max(history) + 1)
    return seasonal_naive(history, start, fiscal_start_month(plan))


class ForecastInputError(ValueError):
    """A forecast was asked for with an unknown offering or method; str is one sentence."""


@dataclass(frozen=True, slots=True)
class RevenueForecast:
    offering_id: int | None
    offering: str  # "All offerings" for the total
    history_months: tuple[Month, ...]
    history: tuple[Decimal, ...]
    months: tuple[Month, ...]
    mean: tuple[Decimal, ...]
    lower: tuple[Decimal, ...]
    upper: tuple[Decimal, ...]
    targets: tuple[Decimal | None, ...]
    method: str  # the method actually used
    requested: str
    level: int
    sentence: str


def offering_id_by_name(plan: Plan, name: str) -> int:
    """The id of the offering called ``name`` (any case); ForecastInputError otherwise."""
    with plan.session() as session:
        found = session.scalars(
            select(Offering.id).where(func.lower(Offering.name) == name.strip().lower())
        ).first()
        if found is None:
            names = ", ".join(session.scalars(select(Offering.name).order_by(Offering.name)))
            raise ForecastInputError(
                f"There is no offering called '{name}'; the plan has: {names or 'none'}."
            )
        return int(found)


def _actuals(plan: Plan, offering_id: int | None) -> tuple[dict[Month, int], Month | None, str]:
    with plan.session() as session:
        last_any = session.scalar(select(func.max(ActualSale.month)))
        stmt = select(ActualSale.month, func.sum(ActualSale.revenue_minor)).group_by(
            ActualSale.month
        )
        name = "All offerings"
        if offering_id is not None:
            stmt = stmt.where(ActualSale.offering_id == offering_id)
            offering = session.get(Offering, offering_id)
            if offering is None:
                raise ForecastInputError("That offering is no longer in the plan.")
            name = offering.name
        return {m: int(v) for m, v in session.execute(stmt)}, last_any, name


def monthly_targets(
    plan: Plan, months: tuple[Month, ...], offering_id: int | None
) -> list[Decimal | None]:
    if not months:
        return []
    if offering_id is None:
        # Imported here: planner.queries.targets imports this module for its outlook.
        from planner.queries.targets import PeriodLevel, targets

        start = fiscal_start_month(plan)
        by_month: dict[Month, Decimal] = {}
        for fy in sorted({FiscalYear.containing(m, start) for m in months}):
            for row in targets(plan, fy):
                if row.level is PeriodLevel.MONTH and row.target:
                    by_month[row.first_month] = row.target
        return [by_month.get(m) for m in months]
    with plan.session() as session:
        stmt = (
            select(Target.month, func.sum(Target.revenue_minor))
            .where(Target.offering_id == offering_id, Target.segment_id.is_(None))
            .where(Target.owner_id.is_(None), Target.month >= months[0])
            .where(Target.month <= months[-1])
            .group_by(Target.month)
        )
        found = {m: from_minor(int(v)) for m, v in session.execute(stmt) if v}
    return [found.get(m) for m in months]


_PLAIN_NAMES = {"theta": "Theta", "ses": "simple smoothing", "snaive": "seasonal naive"}


def method_sentence(
    method: str, components: list[str], smape: float | None, note: str, periods: int = 0
) -> str:
    """ "Auto combined Theta and damped trend. Over the last 12 months ... off by 8% ..."."""
    if method == "auto" and components:
        names = [_PLAIN_NAMES.get(c, c) for c in components]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        first = f"Auto combined {joined}."
    else:
        first = f"Method used: {method}."
    if smape is not None:
        span = "the last month" if periods == 1 else f"the last {periods} months"
        return (
            f"{first} Over {span} this method would have been off by {smape:.0f}% on average "
            "(forecast from the month before them)."
        )
    return f"{first} {note}".strip() if note else first


def revenue_forecast(
    plan: Plan,
    *,
    offering_id: int | None = None,
    horizon: int = 12,
    method: str = "auto",
    level: int = 80,
    today: dt.date | None = None,
) -> RevenueForecast:
    """Forecast ``horizon`` months of actual revenue (total, or one offering) from the
    complete months: the forecast starts with the current month, or earlier when the latest
    actuals of the plan are older (the month after them)."""
    from planner.forecasting import METHOD_NAMES, forecast

    if method not in METHOD_NAMES:
        raise ForecastInputError(
            f"'{method}' is not a forecasting method; choose one of: {', '.join(METHOD_NAMES)}."
        )
    actual, last_any, name = _actuals(plan, offering_id)
    start = Month.of(today or dt.date.today())
    if last_any is not None:
        start = min(start, last_any + 1)
    past = [m for m in actual if m < start]
    history_months = tuple(month_range(min(past), start + -1)) if past else ()
    history = tuple(from_minor(actual.get(m, 0)) for m in history_months)
    months = tuple(start + i for i in range(horizon))
    # At least a year ahead, so "over the last 12 months ... off by" is checked on a full year
    # whatever the horizon shown; the months beyond the horizon are dropped.
    full = forecast([float(v) for v in history], max(horizon, 12), method=method, level=level)
    result = replace(
        full, mean=full.mean[:horizon], lower=full.lower[:horizon], upper=full.upper[:horizon]
    )

    def money(values: list[float]) -> tuple[Decimal, ...]:
        return tuple(round_money(Decimal(repr(max(v, 0.0)))) for v in values)

    smape = result.backtest_smape
    if smape is not None:
        smape = float(smape)
    sentence = method_sentence(
        result.method, list(result.components), smape, result.note, result.backtest_periods
    )
    if not history:
        sentence = (
            "There is no actual revenue of a complete month yet: enter it on the Actuals tab "
            "and the forecast appears here."
        )
    return RevenueForecast(
        offering_id, name, history_months, history, months, money(result.mean),
        money(result.lower), money(result.upper), tuple(monthly_targets(plan, months, offering_id)),
        result.method, method, level, sentence,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class GapPlan:
    """What closing a shortfall would take; None where the plan lacks the figures."""

    gap: Decimal
    deals: int | None
    average_won: Decimal | None
    win_rate_pct: Decimal | None
    leads: int | None
    cost_per_lead: Decimal | None
    leads_cost: Decimal | None


def close_the_gap(
    gap: Decimal,
    *,
    average_won: Decimal | None,
    win_rate_pct: Decimal | None,
    won_per_lead: Decimal | None,
    cost_per_lead: Decimal | None,
) -> GapPlan:
    """More deals: each new deal brings average_won x win rate on average, so
    deals = ceil(gap / (average_won x rate)). More leads: each lead brings
    average_won x won_per_lead, so leads = ceil(gap / that), costing leads x cost_per_lead."""
    deals = leads = None
    leads_cost = None
    if gap > 0 and average_won and win_rate_pct:
        deals = math.ceil(gap / (average_won * win_rate_pct / 100))
    if gap > 0 and average_won and won_per_lead:
        leads = math.ceil(gap / (average_won * won_per_lead))
        if cost_per_lead is not None:
            leads_cost = round_money(cost_per_lead * leads)
    return GapPlan(gap, deals, average_won, win_rate_pct, leads, cost_per_lead, leads_cost)
