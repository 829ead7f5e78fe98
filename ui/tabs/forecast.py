"""The Forecast tab: monthly revenue so far, and a simple forecast of the next twelve months."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from planner.domain.periods import FiscalYear, Month
from planner.queries import MonthlyRevenue, revenue_history, simple_forecast, targets
from planner.queries.targets import PeriodLevel
from planner.services.commands import Change
from ui.models.table import Column, Kind, RowTableModel
from ui.tabs.base import PlanTab
from ui.tabs.widgets import fit_columns, heading, make_table
from ui.undo import PlanOperations


@dataclass(frozen=True, slots=True)
class ForecastLine:
    month: Month
    forecast: Decimal
    last_year: Decimal
    target: Decimal | None

    @property
    def id(self) -> Month:
        return self.month


FORECAST_COLUMNS: list[Column[ForecastLine]] = [
    Column("Month", lambda f: f.month, Kind.MONTH),
    Column("Forecast", lambda f: f.forecast, Kind.MONEY),
    Column("Same month last year", lambda f: f.last_year, Kind.MONEY),
    Column("Target", lambda f: f.target, Kind.MONEY),
]

HISTORY_COLUMNS: list[Column[MonthlyRevenue]] = [
    Column("Month", lambda h: h.month, Kind.MONTH),
    Column("Actual revenue", lambda h: h.revenue, Kind.MONEY),
]


class ForecastTab(PlanTab):
    title = "Forecast"
    explanation = (
        "What the coming twelve months are likely to bring, worked out from your actual "
        "revenue so far. A forecast is not a target: it shows where you are heading if "
        "things go on as they have, so you can act early when it falls short."
    )
    watched: ClassVar[Change] = Change.ACTUALS | Change.TARGETS

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.method = QLabel()
        self.method.setObjectName("forecastMethod")
        self.method.setWordWrap(True)
        self.body.addWidget(self.method)
        self.forecast_model = RowTableModel(FORECAST_COLUMNS, key=lambda f: f.month)
        self.forecast_view = make_table(self.forecast_model, name="forecastTable")
        self.history_model = RowTableModel(HISTORY_COLUMNS, key=lambda h: h.month)
        self.history_view = make_table(self.history_model, name="historyTable")
        self.history_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # latest first
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for title, view in (
            ("Next twelve months", self.forecast_view),
            ("Actual revenue by month", self.history_view),
        ):
            pane = QWidget()
            layout = QVBoxLayout(pane)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(heading(title))
            layout.addWidget(view, 1)
            splitter.addWidget(pane)
        self.body.addWidget(splitter, 1)

    def refresh(self, changes: Change) -> None:
        plan = self.ops.plan
        self.forecast_model.set_formats(self.formats)
        self.history_model.set_formats(self.formats)
        if not changes & (self.watched | Change.PROFILE):
            return
        self.history_model.set_rows(revenue_history(plan))
        forecast = simple_forecast(plan, self.today())
        self.method.setText(forecast.explanation)
        targets_by_month: dict[Month, Decimal] = {}
        start = self.profile.fiscal_start_month if self.profile else 1
        years = {FiscalYear.containing(f.month, start) for f in forecast.months}
        for fy in sorted(years):
            for row in targets(plan, fy):
                if row.level is PeriodLevel.MONTH and row.target:
                    targets_by_month[row.first_month] = row.target
        self.forecast_model.set_rows(
            [
                ForecastLine(f.month, f.forecast, f.same_month_last_year,
                             targets_by_month.get(f.month))
                for f in forecast.months
            ]
        )  # fmt: skip
        fit_columns(self.forecast_view)
        fit_columns(self.history_view)
