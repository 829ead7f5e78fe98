"""The period selector above every fiscal-year tab: a fiscal year, then the whole year, one
of its quarters, or a run of its months.

"Fiscal year: [FY 2026/27]  Show: [Q2 (Oct–Dec)]" or "... Show: [Some months] from [Mar
2027] to [Jun 2027]". Every picker of a plan shows and sets the one shared
``PeriodState``: pick Q2 on the Dashboard and Targets, Channels and Actuals show Q2 too.
Switching years keeps the same stretch of the year (Q2 stays Q2).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodRange
from ui.charts.axes import month_label, month_name
from ui.period_state import PeriodState

WHOLE_YEAR = "Whole year"
SOME_MONTHS = "Some months"
_MONTHS_INDEX = 5  # after "Whole year" and the four quarters


class PeriodPicker(QWidget):
    """Shows ``state.period`` and sets it when the user picks. ``year_changed`` and
    ``period_changed`` repeat the state's changes for code that holds only the picker."""

    year_changed = Signal(object)  # FiscalYear
    period_changed = Signal(object)  # PeriodRange

    def __init__(self, state: PeriodState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._years: list[FiscalYear] = []
        self._shown_year = state.fiscal_year
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()  # the fiscal year ("combo": the name older tabs use)
        self.combo.setObjectName("fiscalYear")
        self.combo.setToolTip("The fiscal year every tab shows")
        self.range_box = QComboBox()
        self.range_box.setObjectName("periodRange")
        self.range_box.setToolTip(
            "Look at the whole year, one quarter, or a few months. Every tab follows your "
            "choice; tables of the whole year stay whole, charts and totals show the period."
        )
        self.from_box = QComboBox()
        self.from_box.setObjectName("periodFrom")
        self.from_box.setToolTip("The first month to show")
        self.to_box = QComboBox()
        self.to_box.setObjectName("periodTo")
        self.to_box.setToolTip("The last month to show (within the fiscal year)")
        year_label = QLabel("Fiscal year:")
        year_label.setBuddy(self.combo)
        show_label = QLabel("Show:")
        show_label.setBuddy(self.range_box)
        self.from_label = QLabel("from")
        self.from_label.setBuddy(self.from_box)
        self.to_label = QLabel("to")
        self.to_label.setBuddy(self.to_box)
        for widget in (year_label, self.combo, show_label, self.range_box, self.from_label,
                       self.from_box, self.to_label, self.to_box):  # fmt: skip
            layout.addWidget(widget)
        layout.addStretch(1)
        # Filling and setting the boxes from the state must not read back as a pick.
        self._showing = False
        self.combo.currentIndexChanged.connect(self._year_picked)
        self.range_box.currentIndexChanged.connect(self._range_picked)
        self.from_box.currentIndexChanged.connect(lambda _i: self._months_picked(moved="from"))
        self.to_box.currentIndexChanged.connect(lambda _i: self._months_picked(moved="to"))
        state.period_changed.connect(self._state_changed)
        self._show(state.period)

    # -- what tabs call --------------------------------------------------------------

    @property
    def period(self) -> PeriodRange:
        return self.state.period

    def set_years(self, years: Sequence[FiscalYear], current: FiscalYear | None = None) -> None:
        """Offer ``years`` (the selected year is always offered, in its place).
        ``current`` is accepted for the older picker's callers; the shared selection
        decides what is shown."""
        shown = self.state.fiscal_year
        offered = sorted({*years, shown}, key=lambda year: year.year)
        if offered != self._years:
            self._years = offered
            self._fill_years()

    def selected(self) -> FiscalYear | None:
        return self.state.fiscal_year

    def select(self, year: FiscalYear) -> None:
        """Show ``year`` (the same stretch of it as now) on every tab."""
        self.state.set_fiscal_year(year)

    def select_period(self, period: PeriodRange) -> None:
        self.state.set_period(period)

    # -- user picks --------------------------------------------------------------------

    def _year_picked(self, index: int) -> None:
        if not self._showing and 0 <= index < len(self._years):
            self.state.set_fiscal_year(self._years[index])

    def _range_picked(self, index: int) -> None:
        if self._showing or index < 0:
            return
        year = self.state.fiscal_year
        if index == 0:
            self.state.set_period(PeriodRange.year(year))
        elif 1 <= index <= 4:
            self.state.set_period(PeriodRange.quarter(year.quarters[index - 1]))
        else:
            # Start from what is shown (Q2 becomes its three months, ready to widen); from
            # the whole year, start with its first three months rather than all twelve.
            period = self.state.period
            if period.kind == "year":
                first = year.first_month
                period = PeriodRange.months_between(year, first, first + 2)
            self.state.set_period(period)
            self._show(self.state.period, months_mode=True)

    def _months_picked(self, moved: str) -> None:
        if self._showing:
            return
        year = self.state.fiscal_year
        months = year.months
        first = months[max(self.from_box.currentIndex(), 0)]
        last = months[max(self.to_box.currentIndex(), 0)]
        if first > last:  # keep the range valid: the other end follows the one moved
            first, last = (first, first) if moved == "from" else (last, last)
        self.state.set_period(PeriodRange.months_between(year, first, last))
        self._show(self.state.period, months_mode=True)

    # -- showing the state ---------------------------------------------------------------

    def _state_changed(self, period: PeriodRange) -> None:
        year_moved = period.fiscal_year != self._shown_year
        self._show(period)
        self.period_changed.emit(period)
        if year_moved:
            self.year_changed.emit(period.fiscal_year)

    def _show(self, period: PeriodRange, months_mode: bool = False) -> None:
        """Show ``period`` (not read back as a pick). ``months_mode`` keeps "Some months"
        chosen for a range that happens to be a whole quarter (the owner is still
        choosing months)."""
        self._showing = True
        try:
            self._show_now(period, months_mode)
        finally:
            self._showing = False

    def _show_now(self, period: PeriodRange, months_mode: bool) -> None:
        self._shown_year = period.fiscal_year
        if period.fiscal_year not in self._years:
            self._years = sorted({*self._years, period.fiscal_year}, key=lambda y: y.year)
            self._fill_years()
        self.combo.setCurrentIndex(self._years.index(period.fiscal_year))
        year = period.fiscal_year
        choices = [WHOLE_YEAR, *(_quarter_choice(q) for q in year.quarters), SOME_MONTHS]
        if [self.range_box.itemText(i) for i in range(self.range_box.count())] != choices:
            self.range_box.clear()
            self.range_box.addItems(choices)
        in_months = months_mode or period.kind == "months"
        shown_quarter = period.as_quarter
        if in_months:
            index = _MONTHS_INDEX
        elif shown_quarter is not None:
            index = shown_quarter.number
        else:
            index = 0
        self.range_box.setCurrentIndex(index)
        self._show_months(year, period.first, period.last)
        for widget in (self.from_label, self.from_box, self.to_label, self.to_box):
            widget.setVisible(in_months)

    def _show_months(self, year: FiscalYear, first: Month, last: Month) -> None:
        labels = [month_label(month) for month in year.months]
        for box, chosen in ((self.from_box, first), (self.to_box, last)):
            if [box.itemText(i) for i in range(box.count())] != labels:
                box.clear()
                box.addItems(labels)
            box.setCurrentIndex(year.months.index(chosen))

    def _fill_years(self) -> None:
        showing, self._showing = self._showing, True
        try:
            self.combo.clear()
            self.combo.addItems([year.label for year in self._years])
            shown = self.state.fiscal_year
            if shown in self._years:
                self.combo.setCurrentIndex(self._years.index(shown))
        finally:
            self._showing = showing


def _quarter_choice(quarter: FiscalQuarter) -> str:
    """ "Q2 (Oct–Dec)": the months say which quarter is meant when the year does not start
    in January."""
    first, last = quarter.first_month, quarter.last_month
    return f"Q{quarter.number} ({month_name(first.month)}–{month_name(last.month)})"
