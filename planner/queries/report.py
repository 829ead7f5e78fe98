"""Every number of the printed quarterly report, for one fiscal quarter, with no Qt.

The report is what an owner hands to a partner, the bank or the accountant: revenue
against target and forecast month by month, the year so far and its outlook, marketing
spend and leads per channel, the pipeline at the quarter's end, the deals won and lost,
the forecast for the next quarter, and three to five plain sentences drawn from those
numbers (worded by ``planner.queries.report_highlights``). The existing queries do the
arithmetic wherever they fit (``targets``, ``revenue_to_date``, ``target_overview``,
``channel_metrics``, ``revenue_forecast``);
this module adds only what they do not cover: offerings within one quarter, and, in
``planner.queries.report_sales``, the deals won and lost in it and the pipeline as it
stood on the quarter's last day (rebuilt from each deal's history).

The "forecast" of a month in the quarter is the forecast made at the quarter's start from
the months before it, so a finished quarter still shows how well it was foreseen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select

from planner.db.models import ActualSale, Offering, Target
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalQuarter, Month
from planner.queries.channel_metrics import ALL_CHANNELS, Figures, channel_metrics
from planner.queries.channels import compared_periods
from planner.queries.forecast import RevenueForecast, revenue_forecast
from planner.queries.profile import fiscal_start_month, fiscal_years, profile_summary
from planner.queries.report_highlights import highlights
from planner.queries.report_sales import TOP_REASONS as TOP_REASONS
from planner.queries.report_sales import ReasonLine as ReasonLine
from planner.queries.report_sales import StageLine as StageLine
from planner.queries.report_sales import closed_in, pct, pipeline_on
from planner.queries.targets import PeriodLevel, RevenueToDate, revenue_to_date, target_overview
from planner.queries.targets import targets as target_rows

FORECAST_LEVEL = 80  # percent: the range the next quarter's forecast shows


@dataclass(frozen=True, slots=True)
class RevenueLine:
    """Target, actual and forecast revenue of a month of the quarter (or the quarter).
    Variance compares complete months only, as the Targets tab does."""

    label: str
    target: Decimal
    actual: Decimal | None
    forecast: Decimal | None
    variance: Decimal | None
    variance_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class OfferingLine:
    """One offering's revenue in the quarter against its own target (None: no target)."""

    name: str
    target: Decimal | None
    actual: Decimal
    variance_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class ChannelLine:
    """A channel (or all channels) over the quarter. ``compared`` is what its variances
    (spent against budget, leads against plan) are worked out from: the same figures, but
    in a quarter not over yet the month in progress is left out of them, as everywhere in
    the app (``planner.queries.channels.compared_periods``)."""

    name: str
    figures: Figures
    is_total: bool = False
    compared: Figures | None = None

    @property
    def variances(self) -> Figures:
        return self.figures if self.compared is None else self.compared


@dataclass(frozen=True, slots=True)
class ForecastLine:
    """A month of the next quarter (or its total): actual where the month is complete,
    else the forecast with its likely range (None without the history to forecast from)."""

    label: str
    forecast: Decimal | None
    low: Decimal | None
    high: Decimal | None
    target: Decimal | None
    is_actual: bool = False


@dataclass(frozen=True, slots=True)
class QuarterReport:
    business: str
    currency: str
    quarter: FiscalQuarter
    today: dt.date
    months: tuple[RevenueLine, ...]
    total: RevenueLine
    offerings: tuple[OfferingLine, ...]
    year_to_date: RevenueToDate
    year_target: Decimal
    year_outlook: Decimal | None
    outlook_explanation: str
    channels: tuple[ChannelLine, ...]  # the total last
    pipeline_date: dt.date
    stages: tuple[StageLine, ...]
    pipeline_total: StageLine
    won_deals: int
    won_amount: Decimal
    lost_deals: int
    lost_amount: Decimal
    win_rate_pct: Decimal | None
    lost_reasons: tuple[ReasonLine, ...]  # the most common first, at most TOP_REASONS
    next_quarter: FiscalQuarter
    next_months: tuple[ForecastLine, ...]
    next_total: ForecastLine
    forecast_sentence: str
    forecast_level: int
    highlights: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """The quarter is over (a report on the current quarter is a report so far)."""
        return self.quarter.last_month.last_day < self.today


def last_completed_quarter(plan: Plan, today: dt.date | None = None) -> FiscalQuarter:
    """The fiscal quarter before the one containing ``today``: the report's default."""
    start = fiscal_start_month(plan)
    return FiscalQuarter.containing(today or dt.date.today(), start).previous()


def report_quarters(plan: Plan, today: dt.date | None = None) -> list[FiscalQuarter]:
    """The quarters a report can be made for, newest first: from the first fiscal year with
    figures through the current quarter."""
    today = today or dt.date.today()
    start = fiscal_start_month(plan)
    current = FiscalQuarter.containing(today, start)
    quarters = [q for fy in fiscal_years(plan, today) for q in fy.quarters if q <= current]
    return sorted(quarters, reverse=True)


def _forecast(plan: Plan, through: Month, today: dt.date) -> RevenueForecast | None:
    """The forecast made on ``today`` (from the complete months before it), far enough
    ahead to reach ``through``; None without history or when ``through`` is already past."""
    with plan.session() as session:
        last_actual = session.scalar(select(func.max(ActualSale.month)))
    start = Month.of(today)
    if last_actual is not None:
        start = min(start, last_actual + 1)
    if through < start:
        return None
    result = revenue_forecast(plan, horizon=through - start + 1, level=FORECAST_LEVEL, today=today)
    return result if result.history else None


def _by_month(result: RevenueForecast | None) -> dict[Month, tuple[Decimal, Decimal, Decimal]]:
    if result is None:
        return {}
    rows = zip(result.months, result.mean, result.lower, result.upper, strict=True)
    return {m: (mean, low, high) for m, mean, low, high in rows}


def _revenue_lines(
    plan: Plan, quarter: FiscalQuarter, today: dt.date
) -> tuple[tuple[RevenueLine, ...], RevenueLine]:
    rows = target_rows(plan, quarter.fiscal_year, today=today)
    made_at_start = _by_month(_forecast(plan, quarter.last_month, quarter.first_month.first_day))
    lines: list[RevenueLine] = []
    for row in rows:
        if row.level is PeriodLevel.MONTH and row.first_month in quarter.months:
            forecast = made_at_start.get(row.first_month)
            lines.append(
                RevenueLine(
                    row.label, row.target, row.actual, None if forecast is None else forecast[0],
                    row.variance, row.variance_pct,
                )
            )  # fmt: skip
    quarter_row = next(
        r for r in rows if r.level is PeriodLevel.QUARTER and r.first_month == quarter.first_month
    )
    forecasts = [line.forecast for line in lines]
    total = RevenueLine(
        f"{quarter.label} total", quarter_row.target, quarter_row.actual,
        None if None in forecasts else sum((f or Decimal(0) for f in forecasts), Decimal(0)),
        quarter_row.variance, quarter_row.variance_pct,
    )  # fmt: skip
    return tuple(lines), total


def _offering_lines(plan: Plan, quarter: FiscalQuarter, today: dt.date) -> tuple[OfferingLine, ...]:
    """Each offering's quarter against the targets that name it (and nothing else). As on
    the Targets tab, the variance sets the actual sales of the complete months against
    those months' target only, so a quarter in progress is not read as a miss."""
    first, last = quarter.first_month, quarter.last_month
    current = Month.of(today)
    with plan.session() as session:
        actual: dict[tuple[int | None, Month], int] = {
            (offering_id, month): int(minor)
            for offering_id, month, minor in session.execute(
                select(ActualSale.offering_id, ActualSale.month, func.sum(ActualSale.revenue_minor))
                .where(ActualSale.month >= first, ActualSale.month <= last)
                .group_by(ActualSale.offering_id, ActualSale.month)
            )
        }
        target: dict[tuple[int | None, Month], int] = {
            (offering_id, month): int(minor)
            for offering_id, month, minor in session.execute(
                select(Target.offering_id, Target.month, func.sum(Target.revenue_minor))
                .where(Target.month >= first, Target.month <= last)
                .where(Target.offering_id.is_not(None), Target.segment_id.is_(None))
                .where(Target.owner_id.is_(None))
                .group_by(Target.offering_id, Target.month)
            )
        }
        offerings = list(
            session.execute(
                select(Offering.id, Offering.name).order_by(Offering.position, Offering.name)
            )
        )
    lines = []
    for offering_id, name in offerings:
        sold = [actual[k] for m in quarter.months if (k := (offering_id, m)) in actual]
        goals = [target[k] for m in quarter.months if (k := (offering_id, m)) in target]
        if not sold and not goals:
            continue
        done = [m for m in quarter.months if (offering_id, m) in actual and m < current]
        compared = sum(target.get((offering_id, m), 0) for m in done)
        reached = sum(actual[(offering_id, m)] for m in done)
        variance = pct(from_minor(reached - compared), from_minor(compared)) if done else None
        lines.append(
            OfferingLine(
                name, from_minor(sum(goals)) if goals else None, from_minor(sum(sold)), variance
            )
        )
    return tuple(lines)


def _channel_lines(plan: Plan, quarter: FiscalQuarter, today: dt.date) -> tuple[ChannelLine, ...]:
    rows = channel_metrics(plan, quarter.fiscal_year, today=today)
    current = Month.of(today)
    lines = []
    for row in rows:
        figures = row.quarterly[quarter.number - 1]
        compared = compared_periods(row, current)[12 + quarter.number - 1]
        used = figures.planned_spend or figures.actual_spend or figures.planned_leads
        if row.is_total or used or figures.actual_leads or figures.deals_won:
            name = ALL_CHANNELS if row.is_total else row.name
            lines.append(ChannelLine(name, figures, row.is_total, compared))
    return tuple(lines)


def _next_quarter(
    plan: Plan, quarter: FiscalQuarter, today: dt.date
) -> tuple[tuple[ForecastLine, ...], ForecastLine, str]:
    """The quarter after ``quarter``: complete months as recorded, the rest forecast."""
    nxt = quarter.next()
    result = _forecast(plan, nxt.last_month, today)
    ahead = _by_month(result)
    rows = target_rows(plan, nxt.fiscal_year, today=today)
    goals = {r.first_month: r.target for r in rows if r.level is PeriodLevel.MONTH}
    actual = {r.first_month: r.actual for r in rows if r.level is PeriodLevel.MONTH}
    current = Month.of(today)
    lines = []
    for month in nxt.months:
        goal = goals.get(month) or None
        if month in ahead:
            mean, low, high = ahead[month]
            lines.append(ForecastLine(month.short_label, mean, low, high, goal))
        elif month < current:
            known = actual.get(month) or Decimal("0.00")
            lines.append(ForecastLine(month.short_label, known, known, known, goal, True))
        else:
            lines.append(ForecastLine(month.short_label, None, None, None, goal))
    targets = [line.target for line in lines]

    def total_of(values: list[Decimal | None]) -> Decimal | None:
        return None if None in values else sum((v or Decimal(0) for v in values), Decimal("0.00"))

    total = ForecastLine(
        f"{nxt.label} total",
        total_of([line.forecast for line in lines]),
        total_of([line.low for line in lines]),
        total_of([line.high for line in lines]),
        None if all(t is None for t in targets) else total_of([t or Decimal(0) for t in targets]),
        all(line.is_actual for line in lines),
    )
    sentence = (
        result.sentence
        if result is not None
        else ("There is too little history of actual sales to forecast from yet.")
    )
    return tuple(lines), total, sentence


REPORT_PARTS = 7  # the reads quarter_report's ``progress`` counts


def quarter_report(
    plan: Plan,
    quarter: FiscalQuarter | None = None,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> QuarterReport:
    """Everything the quarterly report shows (default: the last completed quarter).

    ``progress(parts done, REPORT_PARTS)`` is called before each part of the read and may
    raise to stop it there (the window's Cancel); the read only reads, so nothing is left."""
    step = progress or (lambda _done, _total: None)
    today = today or dt.date.today()
    step(0, REPORT_PARTS)
    profile = profile_summary(plan)
    if quarter is None:
        quarter = last_completed_quarter(plan, today)
    months, total = _revenue_lines(plan, quarter, today)
    step(1, REPORT_PARTS)
    # The year so far runs to the quarter's end (or today, for the current quarter).
    ytd_day = min(today, (quarter.last_month + 1).first_day)
    ytd = revenue_to_date(plan, quarter.fiscal_year, today=ytd_day)
    overview = target_overview(plan, quarter.fiscal_year, today=today)
    year_line = overview.lines[-1]
    pipeline_date = min(today, quarter.last_month.last_day)
    step(2, REPORT_PARTS)
    stages, pipeline_total = pipeline_on(plan, pipeline_date)
    step(3, REPORT_PARTS)
    closed = closed_in(plan, quarter)
    win_rate = pct(Decimal(closed.won), Decimal(closed.won + closed.lost))
    step(4, REPORT_PARTS)
    next_months, next_total, sentence = _next_quarter(plan, quarter, today)
    step(5, REPORT_PARTS)
    offerings = _offering_lines(plan, quarter, today)
    step(6, REPORT_PARTS)
    channels = _channel_lines(plan, quarter, today)
    report = QuarterReport(
        business=profile.name, currency=profile.currency, quarter=quarter, today=today,
        months=months, total=total, offerings=offerings,
        year_to_date=ytd, year_target=year_line.target, year_outlook=overview.outlook,
        outlook_explanation=overview.outlook_explanation,
        channels=channels, pipeline_date=pipeline_date,
        stages=stages, pipeline_total=pipeline_total, won_deals=closed.won,
        won_amount=from_minor(closed.won_minor), lost_deals=closed.lost,
        lost_amount=from_minor(closed.lost_minor), win_rate_pct=win_rate,
        lost_reasons=closed.reasons, next_quarter=quarter.next(), next_months=next_months,
        next_total=next_total, forecast_sentence=sentence, forecast_level=FORECAST_LEVEL,
        highlights=(),
    )  # fmt: skip
    return replace(report, highlights=highlights(report))
