"""What the open deals are worth, month by month: the pipeline forecast.

Each open deal counts at its amount times its probability (its own, else its stage's) in the
month it is expected to close. A deal whose close date has passed counts in the current
month (it is still open, so it can still close now); a deal without a close date is left
out and counted, so the screen can say so. ``win_rate_change`` scales every probability
by that many percent (capped at 100 %) for the worse/better scenarios.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from planner.db.models import Deal, Stage
from planner.db.plan import Plan
from planner.domain.money import round_money
from planner.domain.periods import FiscalQuarter, Month, month_range
from planner.queries.forecast import (
    GapPlan,
    RevenueForecast,
    close_the_gap,
    monthly_targets,
    revenue_forecast,
)
from planner.queries.profile import fiscal_start_month


@dataclass(frozen=True, slots=True)
class PipelineForecast:
    """Weighted open-deal value per month, ``weighted[i]`` for ``months[i]``."""

    months: tuple[Month, ...]
    weighted: tuple[Decimal, ...]
    deals: tuple[int, ...]  # open deals expected to close in each month
    later: Decimal  # weighted value expected after the last month
    undated: int  # open deals without an expected close date (left out)

    @property
    def total(self) -> Decimal:
        return sum(self.weighted, Decimal(0))


def pipeline_forecast(
    plan: Plan,
    *,
    start: Month | None = None,
    horizon: int = 12,
    offering_id: int | None = None,
    win_rate_change: int = 0,
    today: dt.date | None = None,
) -> PipelineForecast:
    """Open deals weighted by probability, by expected close month, from ``start`` (the
    current month unless given) for ``horizon`` months."""
    current = Month.of(today or dt.date.today())
    first = start or current
    months = tuple(first + i for i in range(horizon))
    scale = Decimal(100 + win_rate_change) / 100
    minor = [Decimal(0)] * horizon
    counts = [0] * horizon
    later = Decimal(0)
    undated = 0
    # Summed in SQL by close month (100,000 deals stay quick); a probability scaled past
    # 100 % is capped there. Overdue months are folded into the first month below.
    probability = func.coalesce(Deal.probability, Stage.probability) * float(scale)
    capped = func.min(probability, 100.0)
    close_month = func.substr(Deal.expected_close, 1, 7)
    stmt = (
        select(close_month, func.sum(Deal.amount_minor * capped), func.count())
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.status == "open")
        .group_by(close_month)
    )
    if offering_id is not None:
        stmt = stmt.where(Deal.offering_id == offering_id)
    with plan.session() as session:
        rows = session.execute(stmt).all()
    for month_text, value_minor_pct, count in rows:
        if month_text is None:
            undated += int(count)
            continue
        month = max(Month.parse(month_text), current, first)
        value = Decimal(repr(float(value_minor_pct or 0))) / 100
        index = month - first
        if index >= horizon:
            later += value
        else:
            minor[index] += value
            counts[index] += int(count)
    return PipelineForecast(
        months,
        tuple(round_money(v / 100) for v in minor),
        tuple(counts),
        round_money(later / 100),
        undated,
    )


# --- the Forecast tab's whole picture ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutlookRow:
    """One month or quarter: forecast, its range, the pipeline, the target and the gap."""

    label: str
    is_quarter: bool
    forecast: Decimal
    low: Decimal
    high: Decimal
    pipeline: Decimal | None  # None for a quarter
    target: Decimal | None
    gap: Decimal | None  # target - forecast; above zero: the forecast falls short

    @property
    def id(self) -> str:
        return self.label


@dataclass(frozen=True, slots=True)
class Averages:
    """The figures a gap is turned into deals or leads with (None: not known yet)."""

    average_won: Decimal | None
    win_rate_pct: Decimal | None
    won_per_lead: Decimal | None
    cost_per_lead: Decimal | None


@dataclass(frozen=True, slots=True)
class ForecastOutlook:
    revenue: RevenueForecast
    pipeline: PipelineForecast
    months: tuple[OutlookRow, ...]
    quarters: tuple[OutlookRow, ...]
    worse: tuple[Decimal, ...]
    likely: tuple[Decimal, ...]
    better: tuple[Decimal, ...]
    averages: Averages
    gap_plan: GapPlan  # for the total gap over the forecast months


def _gap(target: Decimal | None, forecast: Decimal) -> Decimal | None:
    return None if target is None else target - forecast


def averages(plan: Plan, today: dt.date | None = None) -> Averages:
    """Average won deal and win rate over all closed deals; leads per won deal and cost per
    lead from the channels' figures of this fiscal year (last year's while this one has
    no leads)."""
    from planner.queries.channel_metrics import channel_metrics
    from planner.queries.profile import current_fiscal_year
    from planner.queries.winloss import win_loss

    total = win_loss(plan, all_time=True).total
    fy = current_fiscal_year(plan, today)
    won_per_lead = cost_per_lead = None
    for year in (fy, fy + -1):
        figures = channel_metrics(plan, year, today=today)[-1].year
        leads = figures.actual_leads or figures.planned_leads
        if leads and figures.deals_won:
            won_per_lead = Decimal(figures.deals_won) / leads
            cost_per_lead = figures.cost_per_lead_actual or figures.cost_per_lead_plan
            break
    return Averages(total.average_won, total.win_rate, won_per_lead, cost_per_lead)


def forecast_outlook(
    plan: Plan,
    *,
    offering_id: int | None = None,
    horizon: int = 12,
    method: str = "auto",
    level: int = 80,
    scenario: str = "interval",
    win_rate_change: int = 20,
    today: dt.date | None = None,
    known_averages: Averages | None = None,
) -> ForecastOutlook:
    """Everything the Forecast tab shows. ``scenario`` "interval": worse/better are the
    forecast range; "win rate": the forecast minus/plus what win rates ``win_rate_change``
    % lower/higher would take from/add to the pipeline's weighted value. ``known_averages``
    reuses an earlier ``averages(plan)`` (they do not depend on the choices above)."""
    revenue = revenue_forecast(
        plan, offering_id=offering_id, horizon=horizon, method=method, level=level, today=today
    )
    start = revenue.months[0] if revenue.months else Month.of(today or dt.date.today())
    common = {"start": start, "horizon": horizon, "offering_id": offering_id, "today": today}
    pipe = pipeline_forecast(plan, **common)  # type: ignore[arg-type]
    rows = tuple(
        OutlookRow(m.short_label, False, f, lo, hi, p, t, _gap(t, f))
        for m, f, lo, hi, p, t in zip(
            revenue.months, revenue.mean, revenue.lower, revenue.upper, pipe.weighted,
            revenue.targets, strict=True,
        )
    )  # fmt: skip
    if scenario == "win rate":
        down = pipeline_forecast(plan, win_rate_change=-win_rate_change, **common)  # type: ignore[arg-type]
        up = pipeline_forecast(plan, win_rate_change=win_rate_change, **common)  # type: ignore[arg-type]
        worse = tuple(
            max(f + d - p, Decimal(0))
            for f, d, p in zip(revenue.mean, down.weighted, pipe.weighted, strict=True)
        )
        better = tuple(
            f + u - p for f, u, p in zip(revenue.mean, up.weighted, pipe.weighted, strict=True)
        )
    else:
        worse, better = revenue.lower, revenue.upper
    total_target = [t for t in revenue.targets if t is not None]
    target_sum = sum(total_target, Decimal(0))
    forecast_sum = sum(
        (f for f, t in zip(revenue.mean, revenue.targets, strict=True) if t is not None),
        Decimal(0),
    )
    found = known_averages or averages(plan, today)
    plan_gap = close_the_gap(
        target_sum - forecast_sum,
        average_won=found.average_won,
        win_rate_pct=found.win_rate_pct,
        won_per_lead=found.won_per_lead,
        cost_per_lead=found.cost_per_lead,
    )
    return ForecastOutlook(
        revenue, pipe, rows, _quarters(plan, revenue), worse, revenue.mean, better, found,
        plan_gap,
    )  # fmt: skip


def _quarters(plan: Plan, revenue: RevenueForecast) -> tuple[OutlookRow, ...]:
    """Quarters whose months all lie within the history and the forecast; the months
    already over count with their actual revenue (and no range)."""
    if not revenue.months:
        return ()
    start_month = fiscal_start_month(plan)
    known = dict(zip(revenue.history_months, revenue.history, strict=True))
    ahead = {
        m: (f, lo, hi, t)
        for m, f, lo, hi, t in zip(
            revenue.months, revenue.mean, revenue.lower, revenue.upper, revenue.targets,
            strict=True,
        )
    }  # fmt: skip
    quarter_targets = _quarter_targets(plan, revenue)
    out: list[OutlookRow] = []
    quarter = FiscalQuarter.containing(revenue.months[0], start_month)
    while quarter.last_month <= revenue.months[-1]:
        f = lo = hi = Decimal(0)
        for m in quarter.months:
            if m in ahead:
                f, lo, hi = f + ahead[m][0], lo + ahead[m][1], hi + ahead[m][2]
            else:
                done = known.get(m, Decimal(0))
                f, lo, hi = f + done, lo + done, hi + done
        target = quarter_targets.get(quarter)
        out.append(OutlookRow(quarter.label, True, f, lo, hi, None, target, _gap(target, f)))
        quarter = quarter.next()
    return tuple(out)


def _quarter_targets(plan: Plan, revenue: RevenueForecast) -> dict[FiscalQuarter, Decimal]:
    start_month = fiscal_start_month(plan)
    first = FiscalQuarter.containing(revenue.months[0], start_month).first_month
    months = tuple(month_range(first, revenue.months[-1]))
    found = dict(zip(months, monthly_targets(plan, months, revenue.offering_id), strict=True))
    sums: dict[FiscalQuarter, Decimal] = {}
    for month, target in found.items():
        if target is not None:
            q = FiscalQuarter.containing(month, start_month)
            sums[q] = sums.get(q, Decimal(0)) + target
    return sums
