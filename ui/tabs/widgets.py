"""Small widgets the tabs share: the fiscal-year selector, tables, headings, and the message
shown at a cell when an edit is refused. (Headline figures: dashboard_tiles.KpiTile.)"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QWidget,
)

from planner.domain.periods import FiscalYear
from ui.models.table import RowTableModel
from ui.widgets.sheet import SheetView
from ui.widgets.sheet import show_cell_message as show_cell_message  # tabs import it here


class FiscalYearPicker(QWidget):
    """ "Fiscal year: [FY 2026/27]". Emits ``year_changed`` when the user picks a year."""

    year_changed = Signal(object)  # FiscalYear

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setObjectName("fiscalYear")
        label = QLabel("Fiscal year:")
        label.setBuddy(self.combo)
        layout.addWidget(label)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self._years: list[FiscalYear] = []
        self.combo.currentIndexChanged.connect(self._picked)

    def set_years(self, years: Sequence[FiscalYear], current: FiscalYear) -> None:
        """Offer ``years``; keep the chosen year when still offered, else ``current``."""
        chosen = self.selected()
        keep = next((y for y in years if chosen is not None and y.year == chosen.year), None)
        self._years = list(years)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([year.label for year in self._years])
        target = keep or current
        self.combo.setCurrentIndex(self._years.index(target) if target in self._years else 0)
        self.combo.blockSignals(False)

    def selected(self) -> FiscalYear | None:
        index = self.combo.currentIndex()
        return self._years[index] if 0 <= index < len(self._years) else None

    def select(self, year: FiscalYear) -> None:
        self.combo.setCurrentIndex(self._years.index(year))

    def _picked(self, index: int) -> None:
        if 0 <= index < len(self._years):
            self.year_changed.emit(self._years[index])


class ClosedPeriodCombo(QComboBox):
    """The fiscal years deals were closed in, newest first, then "All time" (``None``).

    ``label`` words a year ("FY 2026", "Closed in FY 2026"). ``set_years`` keeps the
    chosen year when it is still offered, else picks the current year, without emitting
    ``currentIndexChanged`` (the caller is reloading already).
    """

    ALL_TIME = "All time"

    def __init__(
        self,
        label: Callable[[FiscalYear], str] = lambda year: year.label,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._label = label
        self._years: list[FiscalYear | None] = []

    def set_years(self, current: FiscalYear, closed: Sequence[FiscalYear]) -> None:
        years: list[FiscalYear | None] = [
            *sorted({current, *closed}, key=lambda year: -year.year),
            None,
        ]
        if years == self._years:
            return
        chosen = self.chosen() if self._years else current
        self.blockSignals(True)
        self.clear()
        self.addItems([self.ALL_TIME if y is None else self._label(y) for y in years])
        self._years = years
        self.setCurrentIndex(years.index(chosen if chosen in years else current))
        self.blockSignals(False)

    def chosen(self) -> FiscalYear | None:
        """The year picked, or None for all time (also before any years are set)."""
        index = self.currentIndex()
        return self._years[index] if 0 <= index < len(self._years) else None


def make_table(
    model: RowTableModel, *, sortable: bool = True, name: str = "", select_rows: bool = False
) -> SheetView:
    """A spreadsheet-like table on ``model`` (see ``SheetView``): cells selected one by one
    unless ``select_rows``, header clicks sorting the model (unsorted at first) when
    ``sortable``, refused edits shown at the cell."""
    view = SheetView(sortable=sortable, select_rows=select_rows)
    if name:
        view.setObjectName(name)
    view.setModel(model)
    return view


def fit_columns(view: QTableView, widest: int = 320) -> None:
    """Size columns to their contents once, capped so long text does not push the rest away.

    Only the first rows are measured, which keeps this instant on 100,000 deals.
    """
    header = view.horizontalHeader()
    header.setResizeContentsPrecision(50)
    view.resizeColumnsToContents()
    for section in range(header.count()):
        if header.sectionSize(section) > widest:
            header.resizeSection(section, widest)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label
