"""The Dashboard's charts, drawn from ``planner.queries.dashboard`` views.

One function per chart: it sets the categories, the value kind and the series (by role,
so plan, actual and forecast look as they do on every other tab) and returns the
sentence shown under the chart. Series names are what the legend and tooltips say.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner.domain.periods import Month
from planner.queries.dashboard import MarketingView, PipelineView, RevenueView
from ui.charts import ChartView
from ui.charts.axes import month_label, month_labels, period_label
from ui.charts.funnel import FunnelChart, FunnelStep
from ui.models.formats import Formats

# Series names: the legend, the tooltips and the tests read them.
ACTUAL = "Actual"
TARGET = "Target"
FORECAST = "Forecast"
FORECAST_RANGE = "Likely range"
CUMULATIVE_TARGET = "Target, running total"
CUMULATIVE_ACTUAL = "Actual, running total"
CUMULATIVE_OUTLOOK = "Outlook (actual + forecast)"
BUDGET = "Budget"
SPENT = "Actual spend"
PLANNED_LEADS = "Planned leads"
ACTUAL_LEADS = "Actual leads"


def _so_far(months: list[Month], current: Month) -> str:
    if current in months:
        return f" {month_label(current)} is not over yet: its bar shows the figure so far."
    return ""


def _unless_all_zero(values: list[Decimal]) -> list[Decimal | None]:
    """A plan without targets (or budgets) draws no line of zeros: the chart says it has
    no data yet instead."""
    return list(values) if any(values) else [None] * len(values)


def _add(chart: ChartView, kind: str, name: str, values: list[Any], role: str, **how: Any) -> None:
    """Add a series only when it has a figure: an empty line would draw nothing anyway
    (and its markers trip over an all-empty range in pyqtgraph)."""
    if all(v is None for v in values):
        return
    if kind == "line":
        chart.add_line(name, values, role, **how)
    else:
        chart.add_bars(name, values, role, **how)


def plot_revenue(chart: ChartView, view: RevenueView, currency: str, current: Month) -> str:
    """Bars for actual revenue, a line for the target, a dashed line and a band for the
    forecast, month by month."""
    months = [m.month for m in view.months]
    chart.set_categories(month_labels(months))
    chart.set_value_kind("money", currency)
    if view.forecast_from is not None:
        # The band first: it sits behind the bars and lines.
        chart.add_band(FORECAST_RANGE, [m.low for m in view.months], [m.high for m in view.months])
    _add(chart, "bars", ACTUAL, [m.actual for m in view.months], "actual")
    _add(chart, "line", TARGET, _unless_all_zero([m.target for m in view.months]), "target")
    if view.forecast_from is not None:
        chart.add_line(FORECAST, [m.forecast for m in view.months], "forecast")
    note = view.forecast_note if view.forecast_from is not None else ""
    return (note + _so_far(months, current)).strip()


def plot_cumulative(chart: ChartView, view: RevenueView, currency: str, fmt: Formats) -> str:
    """Running totals from the period's first month: target, actual (complete months)
    and the outlook (actual so far plus the forecast)."""
    chart.set_categories(month_labels([m.month for m in view.months]))
    chart.set_value_kind("money", currency)
    _add(chart, "bars", CUMULATIVE_ACTUAL, [m.cumulative_actual for m in view.months], "actual")
    running_target = _unless_all_zero([m.cumulative_target for m in view.months])
    _add(chart, "line", CUMULATIVE_TARGET, running_target, "target")
    if view.forecast_from is not None:
        chart.add_line(CUMULATIVE_OUTLOOK, [m.cumulative_outlook for m in view.months], "forecast")
    label = period_label(view.period)
    parts = []
    if view.attainment_pct is not None and view.through is not None:
        parts.append(
            f"Through {month_label(view.through)} you reached "
            f"{fmt.percent(view.attainment_pct)} of the target for those months."
        )
    if view.outlook is not None and view.outlook_pct is not None and view.forecast_from:
        parts.append(
            f"With the forecast, {label} is heading for {fmt.money(view.outlook)}: "
            f"{fmt.percent(view.outlook_pct)} of its {fmt.money(view.target)} target."
        )
    return " ".join(parts)


def plot_spend(chart: ChartView, view: MarketingView, currency: str, fmt: Formats) -> str:
    """Budget against actual spend, channel by channel."""
    chart.set_categories([c.name for c in view.channels])
    chart.set_value_kind("money", currency)
    _add(chart, "bars", BUDGET, [c.budget for c in view.channels], "budget", group=0, groups=2)
    _add(chart, "bars", SPENT, [c.actual for c in view.channels], "actual", group=1, groups=2)
    f = view.figures
    label = period_label(view.period)
    if not view.channels:
        return "Plan your channels' budgets on the Channels tab to see them here."
    if f.actual_spend is None:
        return f"Budget for {label}: {fmt.money(f.planned_spend)}. No spending entered yet."
    text = (
        f"Spent {fmt.money(f.actual_spend)} of the {fmt.money(f.planned_spend)} budgeted "
        f"for {label}."
    )
    variance, pct = f.spend_variance, f.spend_variance_pct
    if variance is not None and pct is not None:
        way = "over" if variance > 0 else "under"
        text += (
            f" The months with spending entered had a budget of "
            f"{fmt.money(f.planned_spend_compared)}: {fmt.percent(abs(pct))} {way}."
        )
    return text


def plot_leads(chart: ChartView, view: MarketingView, fmt: Formats, current: Month) -> str:
    """Planned against actual leads of all channels, month by month."""
    months = [m.month for m in view.leads]
    chart.set_categories(month_labels(months))
    chart.set_value_kind("count", label="Leads")
    planned = _unless_all_zero([Decimal(m.planned) for m in view.leads])
    _add(chart, "bars", PLANNED_LEADS, planned, "plan", group=0, groups=2)
    actual = [m.actual for m in view.leads]
    _add(chart, "bars", ACTUAL_LEADS, actual, "actual", group=1, groups=2)
    f = view.figures
    text = ""
    if f.actual_leads is not None:
        text = (
            f"{fmt.count(f.actual_leads)} leads against {fmt.count(f.planned_leads_compared)} "
            "planned for the same months."
        )
    return (text + _so_far(months, current)).strip()


def plot_funnel(chart: FunnelChart, view: PipelineView, currency: str, fmt: Formats) -> str:
    """Open deals by stage now, then the deals won in the period."""
    label = period_label(view.period)
    steps = [
        FunnelStep(
            f"Won in {label}" if s.won else s.name, s.deals, s.amount,
            "actual" if s.won else "forecast",
        )
        for s in view.funnel
    ]  # fmt: skip
    chart.set_currency(currency)
    chart.set_steps(
        steps, [("Open deals, by stage now", "forecast"), (f"Won in {label}", "actual")]
    )
    open_value = sum((s.amount for s in view.funnel if not s.won), Decimal(0))
    if not view.open_deals:
        return "No open deals. Add them on the Pipeline tab."
    return (
        f"{fmt.count(view.open_deals)} open deals worth {fmt.money(open_value)}; weighted by "
        f"their chance of closing, {fmt.money(view.weighted_open)}."
    )
