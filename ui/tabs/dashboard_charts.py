"""The Dashboard's charts, drawn from ``planner.queries.dashboard`` views.

``ChartPanel`` holds a chart (built when first wanted) and its note. One function per
chart: it sets the categories, the value kind and the series (by role, so plan, actual
and forecast look as they do on every other tab) and returns the sentence shown under
the chart. Series names are what the legend and tooltips say.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from planner.domain.periods import Month
from planner.queries.channel_metrics import Figures
from planner.queries.dashboard import MarketingView, PipelineView, RevenueView
from ui.charts import ChartView, frame
from ui.charts.axes import month_label, month_labels, period_label
from ui.charts.funnel import FunnelChart, FunnelStep
from ui.charts.style import MUTED_TEXT
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

CHART_HEIGHT = 300
# The charts: object name and title, in page order (the last is the funnel).
CHARTS = (
    ("revenueChart", "Revenue: target, actual and forecast"),
    ("cumulativeChart", "Revenue so far against target (running totals)"),
    ("spendChart", "Marketing spend: budget and actual, by channel"),
    ("leadsChart", "Leads: planned and actual"),
    ("funnelChart", "Pipeline by stage"),
)


def chart_maker(index: int) -> Callable[[], QWidget]:
    """What builds chart ``index`` of ``CHARTS`` (a ``ChartView``, or the funnel)."""
    name, title = CHARTS[index]

    def make() -> QWidget:
        chart = FunnelChart(title) if name == "funnelChart" else ChartView(title)
        chart.setObjectName(name)
        return chart

    return make


class ChartPanel(QFrame):
    """A chart with the sentence that explains it underneath. The chart is built by
    ``build`` (``make`` is called then); until then an empty space of its height keeps
    the page's layout as it will be."""

    def __init__(self, make: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._make = make
        self.chart: QWidget | None = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED_TEXT};")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        # The room a chart and its note will take (most notes are two lines), so the page
        # keeps its height, and its scroll bar its end, when the chart is built as it
        # comes into view: dragged to the bottom, the page used to grow under the thumb.
        self._room = QWidget()
        note = 2 * self.note.fontMetrics().lineSpacing() + layout.spacing()
        self._room.setMinimumHeight(max(CHART_HEIGHT, frame.CHART_HEIGHT) + note)
        layout.addWidget(self._room)
        layout.addWidget(self.note)

    def build(self) -> QWidget:
        """The chart, built the first time."""
        if self.chart is None:
            chart = self._make()
            chart.setMinimumHeight(CHART_HEIGHT)
            self._layout.replaceWidget(self._room, chart)
            self._room.deleteLater()
            self.chart = chart
            if self.isVisible():
                # Shown and sized now, not on the next turn of the event loop: it is built
                # when it comes into view, or to be read or exported right away.
                chart.show()
                self._layout.activate()
        return self.chart

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))


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


def _span(months: tuple[Month, ...]) -> str:
    """ "Jan 2026 to Oct 2026" (or one month): the complete months a note speaks of."""
    first, last = month_label(months[0]), month_label(months[-1])
    return first if first == last else f"{first} to {last}"


def _spend_variance(f: Figures, fmt: Formats) -> str:
    """How far spend was over or under the budget of the months with spending entered."""
    variance, pct = f.spend_variance, f.spend_variance_pct
    if variance is None or pct is None:
        return ""
    way = "over" if variance > 0 else "under"
    if f.planned_spend_compared == f.planned_spend:
        return f" That is {fmt.percent(abs(pct))} {way} budget."
    return (
        f" The months with spending entered had a budget of "
        f"{fmt.money(f.planned_spend_compared)}: {fmt.percent(abs(pct))} {way}."
    )


def _in_progress(view: MarketingView, fmt: Formats, compared: bool) -> str:
    """What the month in progress has cost so far (it is never set against its budget)."""
    month, so_far = view.in_progress, view.so_far
    if month is None or so_far is None:
        return ""
    left_out = "so the bars leave it out" if compared else "so its spending is not compared yet"
    spent = (
        f"{fmt.money(so_far.actual_spend)} spent so far"
        if so_far.actual_spend is not None
        else "no spending entered yet"
    )
    return (
        f" {month_label(month)} is not over yet, {left_out}: {spent} of its "
        f"{fmt.money(so_far.planned_spend)} budget."
    )


def plot_spend(chart: ChartView, view: MarketingView, currency: str, fmt: Formats) -> str:
    """Budget against actual spend, channel by channel, over the period's complete months:
    the month in progress is not over, so its spend so far is told in the note, never set
    against its whole month's budget (as on the tiles and the Channels tab). A period with
    no complete month yet shows its budget alone."""
    label = period_label(view.period)
    if view.complete:
        shown = [c for c in view.channels if c.complete_budget or c.complete_actual is not None]
        budget = [c.complete_budget for c in shown]
        spent = [c.complete_actual for c in shown]
    else:
        shown = list(view.channels)
        budget, spent = [c.budget for c in shown], [None for _ in shown]
    chart.set_categories([c.name for c in shown])
    chart.set_value_kind("money", currency)
    _add(chart, "bars", BUDGET, budget, "budget", group=0, groups=2)
    _add(chart, "bars", SPENT, spent, "actual", group=1, groups=2)
    if not view.channels:
        return "Plan your channels' budgets on the Channels tab to see them here."
    whole = view.figures.planned_spend
    if not view.complete:
        return (f"Budget for {label}: {fmt.money(whole)}." + _in_progress(view, fmt, False)).strip()
    f = view.compared
    over = len(view.complete) == len(view.period.months)
    if over:
        if f.actual_spend is None:
            return f"Budget for {label}: {fmt.money(whole)}. No spending entered."
        text = f"Spent {fmt.money(f.actual_spend)} of the {fmt.money(whole)} budgeted for {label}."
        return text + _spend_variance(f, fmt)
    span = _span(view.complete)
    if f.actual_spend is None:
        text = f"{span}: budget {fmt.money(f.planned_spend)}, no spending entered."
    else:
        text = (
            f"{span}: spent {fmt.money(f.actual_spend)} of the "
            f"{fmt.money(f.planned_spend)} budgeted." + _spend_variance(f, fmt)
        )
    return (
        text + _in_progress(view, fmt, True)
        + f" The budget for {label} as a whole is {fmt.money(whole)}."
    )  # fmt: skip


def plot_leads(chart: ChartView, view: MarketingView, fmt: Formats, current: Month) -> str:
    """Planned against actual leads of all channels, month by month. The note compares
    the complete months only: the month in progress has its leads so far."""
    months = [m.month for m in view.leads]
    chart.set_categories(month_labels(months))
    chart.set_value_kind("count", label="Leads")
    planned = _unless_all_zero([Decimal(m.planned) for m in view.leads])
    _add(chart, "bars", PLANNED_LEADS, planned, "plan", group=0, groups=2)
    actual = [m.actual for m in view.leads]
    _add(chart, "bars", ACTUAL_LEADS, actual, "actual", group=1, groups=2)
    f = view.compared
    text = ""
    if f.actual_leads is not None:
        text = (
            f"{fmt.count(f.actual_leads)} leads against {fmt.count(f.planned_leads_compared)} "
            "planned for the same months."
        )
        if len(view.complete) < len(view.period.months):
            text = f"To the end of {month_label(view.complete[-1])}: {text}"
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


def plot_chart(
    index: int,
    chart: QWidget,
    view: RevenueView | MarketingView | PipelineView | None,
    fmt: Formats,
    current: Month,
) -> str | None:
    """Draw chart ``index`` of ``CHARTS`` from its view (None: not read yet, nothing
    drawn); the note to show under it."""
    if isinstance(chart, FunnelChart) and isinstance(view, PipelineView):
        return plot_funnel(chart, view, fmt.currency, fmt)
    if not isinstance(chart, ChartView):
        return None
    if isinstance(view, RevenueView):
        if index == 0:
            return plot_revenue(chart, view, fmt.currency, current)
        return plot_cumulative(chart, view, fmt.currency, fmt)
    if isinstance(view, MarketingView):
        if index == 2:
            return plot_spend(chart, view, fmt.currency, fmt)
        return plot_leads(chart, view, fmt, current)
    return None
