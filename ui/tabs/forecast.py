"""The Forecast tab: where revenue is heading, how far to trust it, and what closes a gap.

One chart shows the actual revenue so far (bars), the forecast (dashed) with its likely
range, the weighted open deals and the targets; a second chart shows the worse, likely and
better scenarios. The owner picks the offering (or all), the method and the scenario; the
table lists each forecast month and quarter against its target. Everything shown comes from
``planner.queries.pipeline_forecast.forecast_outlook``; this module only lays it out.
Reading (``reader``: the outlook for the pickers' choices, no Qt) is apart from showing
(``present``), so on a large plan the forecast is worked out off the GUI thread (see
``ui.tabs.base``), after an edit and after a picker moved alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import Plan
from planner.forecasting import METHOD_NAMES, description
from planner.queries import offerings
from planner.queries.forecast import monthly_targets
from planner.queries.pipeline_forecast import (
    Averages,
    ForecastOutlook,
    OutlookRow,
    forecast_outlook,
)
from planner.services.commands import Change
from ui.charts import ChartView
from ui.charts.axes import month_labels
from ui.charts.style import BACKGROUND
from ui.models.table import Column, Kind, RowTableModel
from ui.tabs.base import PlanTab
from ui.tabs.widgets import fit_columns, heading, make_table
from ui.undo import PlanOperations

HISTORY_SHOWN = 24  # months of actual revenue drawn before the forecast
SCENARIOS = (("interval", "Forecast range"), ("win rate", "Win rates lower / higher"))

OUTLOOK_COLUMNS: list[Column[OutlookRow]] = [
    Column("Period", lambda r: r.label),
    Column("Forecast", lambda r: r.forecast, Kind.MONEY),
    Column("Likely low", lambda r: r.low, Kind.MONEY),
    Column("Likely high", lambda r: r.high, Kind.MONEY),
    Column(
        "Open deals (weighted)", lambda r: r.pipeline, Kind.MONEY,
        tooltip="Open deals expected to close that month, times their probability.",
    ),
    Column("Target", lambda r: r.target, Kind.MONEY),
    Column(
        "Gap", lambda r: r.gap, Kind.MONEY,
        tooltip="Target minus forecast: above zero, the forecast falls short of the target.",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class ForecastNumbers:
    """One read of the Forecast tab: the outlook, and the targets of the months shown
    before it (drawn beside the actual revenue)."""

    outlook: ForecastOutlook
    past_targets: list[Decimal | None]


def read_forecast(
    plan: Plan,
    *,
    offering_id: int | None,
    horizon: int,
    method: str,
    scenario: str,
    win_rate_change: int,
    today: dt.date,
    known_averages: Averages | None,
) -> ForecastNumbers:
    """The outlook for these choices. No Qt: this may run on a worker thread."""
    outlook = forecast_outlook(
        plan, offering_id=offering_id, horizon=horizon, method=method, scenario=scenario,
        win_rate_change=win_rate_change, today=today, known_averages=known_averages,
    )  # fmt: skip
    revenue = outlook.revenue
    past = tuple(revenue.history_months[-HISTORY_SHOWN:]) if revenue.history else ()
    targets = list(monthly_targets(plan, past, revenue.offering_id)) if past else []
    return ForecastNumbers(outlook, targets)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


def _label(name: str) -> QLabel:
    label = _named(QLabel(), name)
    label.setWordWrap(True)
    return label


def _spin(name: str, low: int, high: int, value: int) -> QSpinBox:
    spin = _named(QSpinBox(), name)
    spin.setRange(low, high)
    spin.setValue(value)
    return spin


def _row(layout: QHBoxLayout, *fields: tuple[str, QWidget]) -> QHBoxLayout:
    """Pickers in a row, each after its label ("" for none), pushed to the left."""
    for text, widget in fields:
        if text:
            layout.addWidget(QLabel(text))
        layout.addWidget(widget)
    layout.addStretch(1)
    return layout


def method_label(name: str) -> str:
    return "Auto (best for your figures)" if name == "auto" else name.capitalize()


class ForecastTab(PlanTab):
    title = "Forecast"
    explanation = (
        "What the coming months are likely to bring, worked out from your actual revenue so "
        "far, beside what your open deals are worth. A forecast is not a target: it shows "
        "where you are heading if things go on as they have, so you can act early when it "
        "falls short."
    )
    watched: ClassVar[Change] = (
        Change.ACTUALS | Change.TARGETS | Change.DEALS | Change.STAGES | Change.OFFERINGS
        | Change.CHANNEL_MONTHS
    )  # fmt: skip
    # Fitting the forecast takes up to ~0.13 s of CPU on a small business's plan (kept on
    # the GUI thread, at once) and 0.3-0.5 s on the 100,000-deal plan (sent to a worker).
    read_async_after: ClassVar[float] = 0.2

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.outlook: ForecastOutlook | None = None
        # Won-deal and channel averages for the gap: re-read on a refresh, not on every
        # change of the pickers (they depend on none of them).
        self._averages: Averages | None = None
        controls = QHBoxLayout()
        self.offering = _named(QComboBox(), "forecastOffering")
        self.method_picker = _named(QComboBox(), "forecastMethodPicker")
        for index, name in enumerate(METHOD_NAMES):
            self.method_picker.addItem(method_label(name), name)
            self.method_picker.setItemData(index, description(name), Qt.ItemDataRole.ToolTipRole)
        self.horizon = _spin("forecastHorizon", 3, 24, 12)
        self.horizon.setSuffix(" months")
        self.scenario = _named(QComboBox(), "forecastScenario")
        for key, label in SCENARIOS:
            self.scenario.addItem(label, key)
        self.change = _spin("forecastChange", 5, 50, 20)
        self.change.setPrefix("± ")
        self.change.setSuffix(" %")
        self.change.setToolTip("How much lower and higher the win rates are in the scenarios.")
        # What to forecast, over the whole tab; the scenario pickers sit over the chart they
        # change. In one row they made the window at least 1,090 pixels wide.
        _row(controls, ("Revenue of", self.offering), ("Method", self.method_picker),
             ("Ahead", self.horizon))  # fmt: skip
        self.body.addLayout(controls)
        self.method_help = _label("forecastMethodHelp")
        self.method = _label("forecastMethod")
        self.body.addWidget(self.method_help)
        self.body.addWidget(self.method)

        self.chart = ChartView(title="Actual revenue, forecast and targets")
        self.scenario_chart = ChartView(title="Scenarios: worse, likely, better")
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.chart)
        charts.addWidget(self._scenario_pane())
        charts.setStretchFactor(0, 3)
        charts.setStretchFactor(1, 2)
        self.model = RowTableModel(OUTLOOK_COLUMNS, key=lambda r: r.label)
        self.table = make_table(self.model, name="forecastTable")
        self.gap_text = _label("forecastGap")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(heading("Forecast against target, month by month and quarter"))
        lower_layout.addWidget(self.table, 1)
        lower_layout.addWidget(self.gap_text)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.body.addWidget(split, 1)

        self.offering.currentIndexChanged.connect(self._recompute)
        self.method_picker.currentIndexChanged.connect(self._recompute)
        self.horizon.valueChanged.connect(self._recompute)
        self.scenario.currentIndexChanged.connect(self._recompute)
        self.change.valueChanged.connect(self._recompute)
        self._show_choices()

    def _scenario_pane(self) -> QWidget:
        """The scenario pickers over the scenario chart, on its white: one card, level with
        the chart beside it (the pickers change only this chart)."""
        pane = QWidget()
        palette = pane.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(BACKGROUND))
        pane.setPalette(palette)
        pane.setAutoFillBackground(True)
        pickers = _row(QHBoxLayout(), ("Scenarios", self.scenario), ("", self.change))
        pickers.setContentsMargins(8, 6, 8, 0)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(pickers)
        layout.addWidget(self.scenario_chart, 1)
        return pane

    # -- reading -------------------------------------------------------------------------

    def reader(self, changes: Change) -> Callable[[], ForecastNumbers]:
        # ``Change.NONE``: only a picker moved, and the won-deal and channel averages stand.
        if changes:
            self._averages = None
        # The offerings (a short list) are read here, on the GUI thread: the picker must
        # hold the right choice before the read captures it.
        if changes & Change.OFFERINGS or self.offering.count() == 0:
            self._fill_offerings()
        plan, offering_id, today = self.ops.plan, self.offering.currentData(), self.today()
        horizon, change = self.horizon.value(), self.change.value()
        method, scenario = str(self.method_picker.currentData()), str(self.scenario.currentData())
        averages = self._averages

        def read() -> ForecastNumbers:
            return read_forecast(
                plan, offering_id=offering_id, horizon=horizon, method=method,
                scenario=scenario, win_rate_change=change, today=today,
                known_averages=averages,
            )  # fmt: skip

        return read

    def _fill_offerings(self) -> None:
        keep = self.offering.currentData()
        self.offering.blockSignals(True)
        self.offering.clear()
        self.offering.addItem("All offerings", None)
        for row in offerings(self.ops.plan):
            if not row.archived:
                self.offering.addItem(row.name, row.id)
        found = self.offering.findData(keep)
        self.offering.setCurrentIndex(max(found, 0))
        self.offering.blockSignals(False)

    def _recompute(self) -> None:
        """A picker moved: work the forecast out again for the new choices."""
        self._show_choices()
        self._read(Change.NONE)

    def _show_choices(self) -> None:
        """What the method picked does; the win rate change only for its scenario."""
        method = str(self.method_picker.currentData())
        self.method_help.setText(f"{method_label(method)}: {description(method)}")
        self.change.setEnabled(str(self.scenario.currentData()) == "win rate")

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, ForecastNumbers)
        self.model.set_formats(self.formats)
        outlook = numbers.outlook
        self._averages = outlook.averages
        self.outlook = outlook
        self.method.setText(outlook.revenue.sentence)
        if not outlook.revenue.history:
            self.model.set_rows([])
            self.chart.clear()
            self.scenario_chart.clear()
            self.gap_text.clear()
            return
        self.model.set_rows([*outlook.months, *outlook.quarters])
        fit_columns(self.table)
        self._plot(outlook, numbers.past_targets)
        self.gap_text.setText(self.gap_sentence(outlook))

    # -- showing -------------------------------------------------------------------------

    def _plot(self, outlook: ForecastOutlook, past_targets: list[Decimal | None]) -> None:
        revenue = outlook.revenue
        past_months = revenue.history_months[-HISTORY_SHOWN:]
        past = revenue.history[-HISTORY_SHOWN:]
        gap: list[float | None] = [None] * len(past)
        ahead: list[float | None] = [None] * len(revenue.months)
        chart = self.chart
        chart.clear()
        chart.set_categories(month_labels([*past_months, *revenue.months]))
        chart.set_value_kind("money", currency=self.formats.currency)
        if past:
            chart.add_bars("Actual revenue", [*map(_num, past), *ahead], role="actual")
        chart.add_band(
            f"Likely range ({revenue.level}%)",
            [*gap, *map(_num, revenue.lower)],
            [*gap, *map(_num, revenue.upper)],
            role="forecast",
        )
        chart.add_line("Forecast", [*gap, *map(_num, revenue.mean)], role="forecast", dashed=True)
        chart.add_line(
            "Open deals (weighted)",
            [*gap, *map(_num, outlook.pipeline.weighted)],
            role="pipeline",
        )
        all_targets = [*map(_num, past_targets), *map(_num, revenue.targets)]
        if any(t is not None for t in all_targets):
            chart.add_line("Target", all_targets, role="target")

        scenarios = self.scenario_chart
        scenarios.clear()
        scenarios.set_categories(month_labels(revenue.months))
        scenarios.set_value_kind("money", currency=self.formats.currency)
        scenarios.add_line("Worse", [*map(_num, outlook.worse)], role="worse")
        scenarios.add_line("Likely", [*map(_num, outlook.likely)], role="forecast", dashed=True)
        scenarios.add_line("Better", [*map(_num, outlook.better)], role="better")

    def gap_sentence(self, outlook: ForecastOutlook) -> str:
        """What it would take to reach the targets of the forecast months."""
        plan = outlook.gap_plan
        money = self.formats.money
        if not any(t is not None for t in outlook.revenue.targets):
            return "Set monthly targets on the Targets tab to see how the forecast measures up."
        if plan.gap <= 0:
            return (
                f"Over the months with targets, the forecast is {money(-plan.gap)} above them: "
                "on course."
            )
        parts = [f"Over the months with targets, the forecast falls {money(plan.gap)} short."]
        if plan.deals is not None and plan.average_won and plan.win_rate_pct is not None:
            parts.append(
                f"To close the gap: {plan.deals:,} more deals at the average won deal size "
                f"({money(plan.average_won)}) and win rate ({plan.win_rate_pct:.0f}%)."
            )
        else:
            parts.append("Win or lose a few deals to learn the deals it would take.")
        if plan.leads is not None and plan.cost_per_lead is not None:
            cost = money(plan.leads_cost) if plan.leads_cost is not None else ""
            parts.append(
                f"Or {plan.leads:,} more leads at the channels' average cost per lead "
                f"({money(plan.cost_per_lead)}), about {cost} in all."
            )
        return " ".join(parts)
