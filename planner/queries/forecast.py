"""A simple, honest revenue forecast: seasonal naive with this year's growth.

Each coming month is forecast as the same month a year earlier, scaled by how this fiscal
year has gone so far against the same months of the year before. It needs twelve months
of history and nothing else, which makes it easy to explain and hard to get badly wrong;
the forecasting engine of a later release replaces it with fitted models and back-tests.

Only complete months count as history: the forecast starts with the current month, or
earlier when the latest actuals are older (the first month without actuals).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from planner.db.plan import Plan
from planner.domain.money import round_money
from planner.domain.periods import FiscalYear, Month
from planner.queries.actuals import revenue_history
from planner.queries.profile import profile_summary

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
    return seasonal_naive(history, start, profile_summary(plan).fiscal_start_month)
