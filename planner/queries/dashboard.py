"""What the Dashboard shows for a period: revenue against target and forecast, marketing
spend and leads against plan, the pipeline as a funnel, and the headline figures.

Each function reads one part, so the Dashboard re-reads only the part an edit touched:
``revenue_view`` (targets, actuals, forecast), ``marketing_view`` (channel months and the
deals they sourced; it lives in ``planner.queries.dashboard_marketing`` and is named here
too), ``pipeline_view`` (deals by stage, win rate, what the open deals cover). They build
on the queries the tabs use (``targets``, ``channel_metrics``, ``revenue_forecast``,
``pipeline_forecast``) so the Dashboard never disagrees with them.

The rules are the app's: the month in progress shows its actual "so far" and is never
compared with its target; variances and attainment count the complete months that have
actual revenue; the forecast starts where the complete months end. A figure that cannot be
worked out (nothing to divide by, no history) is None, never a made-up zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from planner.db.models import Deal, Stage
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import Month, PeriodRange

# The marketing part lives in its own module; its names are this module's too.
from planner.queries.dashboard_marketing import ChannelSpend as ChannelSpend
from planner.queries.dashboard_marketing import LeadsMonth as LeadsMonth
from planner.queries.dashboard_marketing import MarketingView as MarketingView
from planner.queries.dashboard_marketing import marketing_view as marketing_view
from planner.queries.forecast import HORIZON, revenue_forecast
from planner.queries.hints import STATUS_UNINDEXED
from planner.queries.pipeline_forecast import pipeline_forecast
from planner.queries.targets import PeriodLevel, targets
from planner.queries.units import change_pct as change_pct
from planner.queries.units import percent as percent

# -- revenue ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RevenueMonth:
    """One month of the period: target, actual (so far, in the current month), forecast.

    ``forecast``/``low``/``high`` are set from the first forecast month on. The cumulative
    figures run from the period's first month: ``cumulative_actual`` over complete months
    only (None from the month in progress on), ``cumulative_outlook`` (complete months'
    actual plus the forecast) from the first forecast month on.
    """

    month: Month
    current: bool  # the month in progress: its actual is "so far"
    complete: bool  # over (before the month in progress)
    target: Decimal
    actual: Decimal | None
    forecast: Decimal | None
    low: Decimal | None
    high: Decimal | None
    cumulative_target: Decimal
    cumulative_actual: Decimal | None
    cumulative_outlook: Decimal | None


@dataclass(frozen=True, slots=True)
class RevenueView:
    """Revenue of a period month by month, and its totals.

    ``actual``, ``compared_target``, ``variance`` and ``attainment_pct`` cover the complete
    months with actual revenue (``through`` is the last of them; None when there is none).
    ``outlook`` is the actual of the complete months plus the forecast of the others; None
    when a month has neither (too little history to forecast).
    """

    period: PeriodRange
    months: tuple[RevenueMonth, ...]
    through: Month | None
    actual: Decimal
    compared_target: Decimal
    variance: Decimal | None
    variance_pct: Decimal | None
    attainment_pct: Decimal | None
    target: Decimal  # the whole period
    recorded: Decimal  # every actual of the period, the month in progress included
    outlook: Decimal | None
    outlook_pct: Decimal | None  # outlook as a percentage of the period's target
    forecast_from: Month | None  # the first forecast month (None: no forecast)
    forecast_note: str  # how the forecast was made, in one or two sentences

    @property
    def still_needed(self) -> Decimal:
        """What the period's target still needs beyond the revenue recorded so far."""
        return max(self.target - self.recorded, Decimal(0))


def revenue_view(plan: Plan, period: PeriodRange, *, today: dt.date) -> RevenueView:
    """Target, actual and forecast revenue of every month of ``period`` (see RevenueView)."""
    current = Month.of(today)
    rows = {
        row.first_month: row
        for row in targets(plan, period.fiscal_year, today=today)
        if row.level is PeriodLevel.MONTH and row.first_month in period
    }
    horizon = period.last - current + 1
    forecast: dict[Month, tuple[Decimal, Decimal, Decimal]] = {}
    note = "The period is over, so there is nothing left to forecast."
    forecast_from: Month | None = None
    if horizon > 0:
        # The Forecast tab's twelve months (its range depends on the horizon, and the two
        # tabs must agree), longer only for a period that ends later.
        fitted = revenue_forecast(plan, horizon=max(HORIZON, horizon), today=today)
        if fitted.months and fitted.months[-1] < period.last:  # late actuals: it starts earlier
            longer = len(fitted.months) + (period.last - fitted.months[-1])
            fitted = revenue_forecast(plan, horizon=longer, today=today)
        note = fitted.sentence
        if fitted.history:
            for m, *guess in zip(
                fitted.months, fitted.mean, fitted.lower, fitted.upper, strict=True
            ):
                if m in period:
                    forecast[m] = (guess[0], guess[1], guess[2])
            forecast_from = min(forecast) if forecast else None
    months: list[RevenueMonth] = []
    cum_target = Decimal(0)
    cum_actual: Decimal | None = None
    ended = False  # the running actual stops at the month in progress
    outlook: Decimal | None = Decimal(0)
    done_actual = done_target = Decimal(0)
    through: Month | None = None
    for m in period.months:
        row = rows[m]
        complete = m < current
        found = forecast.get(m)
        cum_target += row.target
        ended = ended or not complete
        if ended:
            cum_actual = None
        elif row.actual is not None or cum_actual is not None:
            # Starts with the first recorded month; a gap after it counts as nothing sold.
            cum_actual = (cum_actual or Decimal(0)) + (row.actual or 0)
        if complete and row.actual is not None:
            done_actual += row.actual
            done_target += row.target
            through = m
        if found is not None and outlook is not None:
            outlook += found[0]
        elif complete and outlook is not None:
            outlook += row.actual or 0
        else:
            outlook = None
        mean: Decimal | None = None
        low: Decimal | None = None
        high: Decimal | None = None
        if found is not None:
            mean, low, high = found
        months.append(
            RevenueMonth(
                m, m == current, complete, row.target, row.actual, mean, low, high,
                cum_target, cum_actual, outlook if found is not None else None,
            )
        )  # fmt: skip
    target = sum((r.target for r in months), Decimal(0))
    recorded = sum((r.actual or Decimal(0) for r in months), Decimal(0))
    variance = done_actual - done_target if through is not None else None
    return RevenueView(
        period, tuple(months), through, done_actual, done_target, variance,
        None if variance is None else percent(variance, done_target),
        None if through is None else percent(done_actual, done_target),
        target, recorded, outlook, None if outlook is None else percent(outlook, target),
        forecast_from, note,
    )  # fmt: skip


# -- pipeline --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunnelStage:
    """A step of the funnel: an open stage with the open deals in it now, or the deals
    won in the period (``won`` True)."""

    stage_id: int | None
    name: str
    deals: int
    amount: Decimal
    weighted: Decimal = Decimal(0)  # amount x chance of closing (won deals: the amount)
    won: bool = False


@dataclass(frozen=True, slots=True)
class WinRate:
    won: int
    lost: int

    @property
    def rate_pct(self) -> Decimal | None:
        return percent(self.won, self.won + self.lost)


@dataclass(frozen=True, slots=True)
class PipelineView:
    """The open pipeline now (by stage, weighted), the deals closed in the period, and
    the weighted value of the open deals expected to close in what is left of it."""

    period: PeriodRange
    funnel: tuple[FunnelStage, ...]  # open stages in pipeline order, then won
    open_deals: int
    open_amount: Decimal
    weighted_open: Decimal
    expected_in_period: Decimal | None  # None when the period is over
    win_rate: WinRate
    win_rate_year_earlier: WinRate | None  # the same months a year before, so far

    @property
    def win_rate_change(self) -> Decimal | None:
        """The change in win rate from a year earlier, in percentage points."""
        now = self.win_rate.rate_pct
        before = None if self.win_rate_year_earlier is None else self.win_rate_year_earlier.rate_pct
        return None if now is None or before is None else now - before


def _closed(plan: Plan, first: Month, last: Month) -> tuple[WinRate, int, int]:
    """Deals closed from ``first`` to ``last``: the win rate, deals won and their amount."""
    stmt = (
        select(Deal.status, func.count(), func.sum(Deal.amount_minor))
        .where(STATUS_UNINDEXED.in_(("won", "lost")))
        .where(Deal.closed_on >= first.first_day, Deal.closed_on <= last.last_day)
        .group_by(Deal.status)
    )
    with plan.session() as session:
        found = {status: (int(n), int(minor or 0)) for status, n, minor in session.execute(stmt)}
    won, won_minor = found.get("won", (0, 0))
    lost, _ = found.get("lost", (0, 0))
    return WinRate(won, lost), won, won_minor


def _weighted_minor(amount: Any, probability: Any) -> Any:
    """``pipeline.weighted_minor`` in SQL: amount x probability in hundredths, rounded half
    to even per deal, so the sum matches the Pipeline tab's to the cent."""
    product = amount * probability
    whole, rest = product / 100, product % 100
    up = or_(rest > 50, and_(rest == 50, whole % 2 == 1))
    return whole + case((up, 1), else_=0)


def pipeline_view(plan: Plan, period: PeriodRange, *, today: dt.date) -> PipelineView:
    """The funnel, the weighted pipeline and the win rate for ``period`` (PipelineView).
    One grouped read gives every stage's open deals, so this stays quick on big plans."""
    probability = func.coalesce(Deal.probability, Stage.probability)
    # The open deals (found through the status index) summed per stage, then every stage
    # beside its sums: a third of the deals are read, not every deal of every stage.
    by_stage = (
        select(
            Deal.stage_id, func.count().label("n"), func.sum(Deal.amount_minor).label("minor"),
            func.sum(_weighted_minor(Deal.amount_minor, probability)).label("weighted"),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.status == "open")
        .group_by(Deal.stage_id)
        .subquery()
    )  # fmt: skip
    stages = (
        select(
            Stage.id, Stage.name, Stage.is_won, Stage.is_lost,
            func.coalesce(by_stage.c.n, 0), by_stage.c.minor, by_stage.c.weighted,
        )
        .outerjoin(by_stage, by_stage.c.stage_id == Stage.id)
        .order_by(Stage.position, Stage.id)
    )  # fmt: skip
    funnel: list[FunnelStage] = []
    open_deals = open_minor = weighted_minor = 0
    with plan.session() as session:
        for stage_id, name, is_won, is_lost, n, minor, weighted in session.execute(stages):
            open_deals += int(n)
            open_minor += int(minor or 0)
            weighted_minor += int(weighted or 0)
            if not (is_won or is_lost):
                funnel.append(
                    FunnelStage(
                        stage_id, name, int(n), from_minor(int(minor or 0)),
                        weighted=from_minor(int(weighted or 0)),
                    )
                )  # fmt: skip
    rate, won, won_minor = _closed(plan, period.first, period.last)
    won_amount = from_minor(won_minor)
    funnel.append(FunnelStage(None, "Won", won, won_amount, weighted=won_amount, won=True))
    current = Month.of(today)
    expected = None
    if period.last >= current:
        # From now, not from the period's start: deals due before a period that lies
        # ahead belong to the months before it (overdue ones count in the current month).
        ahead = pipeline_forecast(
            plan, start=current, horizon=period.last - current + 1, today=today
        )
        expected = sum(
            (w for m, w in zip(ahead.months, ahead.weighted, strict=True) if m in period),
            Decimal(0),
        )
    before = None
    if period.first <= current:
        before, _, _ = _closed(plan, period.first + -12, min(period.last, current) + -12)
    return PipelineView(
        period, tuple(funnel), open_deals, from_minor(open_minor), from_minor(weighted_minor),
        expected, rate, before,
    )  # fmt: skip
