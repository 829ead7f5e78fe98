"""The Targets tab: the revenue aimed for in each month of the fiscal year, with quarter and
year totals, set against actual sales and the outlook for the year.

Targets are typed or pasted into the months table (or, with "Break down by", into a grid of
offerings, segments or reps against months, whose Total row is the months' targets). A
yearly figure can be spread over the months in one step, and closed months can be locked.
Reading (``reader``, no Qt) is apart from showing (``present``), so on a large plan the
figures are read off the GUI thread once they take long (see ``ui.tabs.base``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import Month, PeriodRange
from planner.queries import Breakdown, PeriodLevel, TargetOverview, target_overview
from planner.services.commands import Change
from planner.services.errors import ValidationError
from planner.services.targets import SpreadMethod, lock_months, set_yearly_target
from ui.charts import ChartView
from ui.charts.axes import month_labels, period_label
from ui.tabs.base import FiscalYearTab
from ui.tabs.targets_dialogs import LockMonthsDialog, YearlyTargetDialog
from ui.tabs.targets_models import BreakdownModel, lines_model
from ui.tabs.widgets import fit_columns, make_table
from ui.undo import PlanOperations

BREAKDOWNS = [
    (Breakdown.NONE, "None"),
    (Breakdown.OFFERING, "Offering"),
    (Breakdown.SEGMENT, "Segment"),
    (Breakdown.REP, "Sales rep"),
]


class TargetsTab(FiscalYearTab):
    title = "Targets"
    explanation = (
        "The revenue (and, if you like, the units) you aim to sell in each month of the "
        "fiscal year, optionally split by offering, segment or sales rep. Type or paste the "
        "months, or set a yearly target and spread it; beside each month you see what was "
        "really sold, how far ahead or behind that is, and where the year is likely to end."
    )
    watched: ClassVar[Change] = (
        Change.TARGETS | Change.ACTUALS | Change.OFFERINGS | Change.SEGMENTS | Change.REPS
    )

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.overview: TargetOverview | None = None
        self._locked_through: Month | None = None
        self._build_toolbar()
        self.model = lines_model(ops, self._is_locked)
        self.view = make_table(self.model, sortable=False, name="targetsTable")
        # Reached through the view (see ``breakdown_model``): hidden and empty without a
        # breakdown, it is not one of the tab's always-filled tables.
        self.breakdown_view = make_table(
            BreakdownModel(ops, self._is_locked), sortable=False, name="targetsBreakdown"
        )
        self.breakdown_view.hide()
        self.chart = ChartView("Revenue: target, actual and outlook")
        self.chart.setMinimumWidth(320)
        tables = QWidget()
        column = QVBoxLayout(tables)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.breakdown_view, 2)
        column.addWidget(self.view, 3)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.chart, 1)
        self.outlook = QLabel()
        self.outlook.setObjectName("targetsOutlook")
        self.outlook.setWordWrap(True)
        side.addWidget(self.outlook)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(tables)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1000, 450])  # the tables first: they are what is edited
        self.body.addWidget(self.splitter, 1)

    def _build_toolbar(self) -> None:
        bar = QHBoxLayout()
        label = QLabel("Break down by:")
        self.breakdown_box = QComboBox()
        self.breakdown_box.setObjectName("targetsBreakdownBy")
        self.breakdown_box.addItems([text for _, text in BREAKDOWNS])
        label.setBuddy(self.breakdown_box)
        self.breakdown_box.currentIndexChanged.connect(lambda _i: self._read(self.watched))
        self.yearly_button = QPushButton("Set yearly target…")
        self.yearly_button.clicked.connect(self.open_yearly_dialog)
        self.lock_button = QPushButton("Lock months…")
        self.lock_button.clicked.connect(self.open_lock_dialog)
        self.lock_note = QLabel()
        self.lock_note.setObjectName("targetsLockNote")
        for widget in (label, self.breakdown_box, self.yearly_button, self.lock_button):
            bar.addWidget(widget)
        bar.addWidget(self.lock_note)
        bar.addStretch(1)
        self.body.addLayout(bar)

    # -- reading -------------------------------------------------------------------------

    @property
    def breakdown_model(self) -> BreakdownModel:
        model = self.breakdown_view.model()
        assert isinstance(model, BreakdownModel)
        return model

    @property
    def breakdown(self) -> Breakdown:
        return BREAKDOWNS[max(self.breakdown_box.currentIndex(), 0)][0]

    def set_breakdown(self, breakdown: Breakdown) -> None:
        self.breakdown_box.setCurrentIndex([b for b, _ in BREAKDOWNS].index(breakdown))

    def _is_locked(self, month: Month) -> bool:
        return self._locked_through is not None and month <= self._locked_through

    def reader(self, changes: Change) -> Callable[[], TargetOverview]:
        plan, year, breakdown, today = self.ops.plan, self.fiscal_year, self.breakdown, self.today()
        return lambda: target_overview(plan, year, breakdown, today=today)

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, TargetOverview)
        self.model.set_formats(self.formats)
        self.breakdown_model.set_formats(self.formats)
        overview = numbers
        self.overview = overview
        self._locked_through = overview.locked_through
        self.model.set_rows(overview.lines)
        shown = overview.breakdown is not Breakdown.NONE
        self.breakdown_view.setVisible(shown)
        if shown:
            self.breakdown_model.show_year(
                overview.fiscal_year, overview.breakdown, overview.breakdown_rows
            )
        locked = overview.locked_through
        self.lock_note.setText(
            "" if locked is None else f"Locked up to {locked.name} {locked.year}."
        )
        self._show_outlook(overview)
        self._plot(overview)
        fit_columns(self.view)
        if shown:
            fit_columns(self.breakdown_view)
            self._fit_height(self.breakdown_view)

    @staticmethod
    def _fit_height(view: QTableView) -> None:
        """As tall as its rows (a few offerings should not leave a tall empty box)."""
        rows = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
        extra = view.horizontalHeader().height() + 2 * view.frameWidth()
        view.setMaximumHeight(rows + extra + view.horizontalScrollBar().sizeHint().height())

    def _show_outlook(self, overview: TargetOverview) -> None:
        year = overview.lines[-1]
        if overview.outlook is None:
            self.outlook.setText(
                f"Outlook for {overview.fiscal_year.label}: not available yet. "
                f"{overview.outlook_explanation}"
            )
            return
        gap = overview.outlook - year.target
        side = "above" if gap >= 0 else "below"
        self.outlook.setText(
            f"Outlook for {overview.fiscal_year.label}: {self.formats.money(overview.outlook)} "
            f"(actual so far plus forecast for the rest), {self.formats.money(abs(gap))} "
            f"{side} the target of {self.formats.money(year.target)}. "
            f"{overview.outlook_explanation}"
        )

    def period_changed(self, old: PeriodRange, new: PeriodRange) -> None:
        # The table keeps the whole year (it is where targets are typed); only the chart
        # follows a quarter or a few months, from figures already read.
        if self.overview is not None and old.fiscal_year == new.fiscal_year:
            self._plot(self.overview)
        else:
            self._read(Change.ALL)

    def _plot(self, overview: TargetOverview) -> None:
        period = self.period
        if period.fiscal_year != overview.fiscal_year:
            period = PeriodRange.year(overview.fiscal_year)
        lines = [line for line in overview.lines if line.level is PeriodLevel.MONTH]
        shown = [i for i, line in enumerate(lines) if line.first_month in period]
        months = [lines[i] for i in shown]
        chart = self.chart
        chart.clear()
        chart.set_title(f"Revenue: target, actual and outlook, {period_label(period)}")
        chart.set_categories(month_labels([m.first_month for m in months]))
        chart.set_value_kind("money", currency=self.formats.currency)
        actual = [_num(m.actual) for m in months]
        outlook = [_num(overview.outlook_months[i]) for i in shown]
        # A series with no value at all is left out rather than drawn as nothing.
        if any(v is not None for v in actual):
            chart.add_bars("Actual", actual, role="actual")
        chart.add_line("Target", [_num(m.target) for m in months], role="target")
        if any(v is not None for v in outlook):
            chart.add_line("Outlook", outlook, role="forecast", dashed=True)

    # -- actions -------------------------------------------------------------------------

    def set_yearly_target(self, amount: Decimal, method: SpreadMethod) -> str | None:
        """Spread ``amount`` over the selected year as one undo step; None when stored,
        else the reason it was refused."""
        try:
            with self.ops.plan.uow() as uow:
                command = set_yearly_target(
                    uow, self.fiscal_year, amount, method, today=self.today()
                )
        except ValidationError as exc:
            return str(exc)
        refusals: list[str] = []
        self.ops.failed.connect(refusals.append)
        try:
            stored = self.ops.run(command)
        finally:
            self.ops.failed.disconnect(refusals.append)
        return None if stored else (refusals[-1] if refusals else "It could not be stored.")

    def lock_through(self, month: Month | None) -> str | None:
        """Lock months up to ``month`` (None unlocks) as one undo step."""
        with self.ops.plan.uow() as uow:
            command = lock_months(uow, month)
        if command.old == command.new:
            return None
        return None if self.ops.run(command) else "The lock could not be stored."

    def yearly_dialog(self) -> YearlyTargetDialog:
        current = self.overview.lines[-1].target if self.overview else Decimal(0)
        return YearlyTargetDialog(self.fiscal_year, current, self.set_yearly_target, self)

    def open_yearly_dialog(self) -> None:
        self.yearly_dialog().exec()

    def lock_dialog(self) -> LockMonthsDialog:
        fy = self.fiscal_year
        months = (fy + -1).months + fy.months
        return LockMonthsDialog(months, self._locked_through, self.lock_through, self)

    def open_lock_dialog(self) -> None:
        self.lock_dialog().exec()


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
