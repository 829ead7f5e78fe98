"""The Segments tab: who the customers are, how large each group's market is, which
offerings and channels serve them, and what sales learned from them.

From top to bottom: the segments as a spreadsheet (edited in place, one undo step per
cell or paste), the selected segment in full beside a chart of market sizes, and the
feedback from sales per segment (wins, losses and why deals were lost), for all time or
one fiscal year. Reading (``reader``, no Qt) is apart from showing (``present``), so on a
large plan the feedback (every closed deal) is read off the GUI thread (``ui.tabs.base``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import FiscalYear
from planner.queries import (
    SegmentFeedback,
    SegmentLinkChoices,
    SegmentRow,
    closed_deal_years,
    current_fiscal_year,
    fiscal_years,
    segment_feedback,
    segment_link_choices,
    segments,
)
from planner.services.commands import Change
from planner.services.errors import NotFoundError, ValidationError
from planner.services.segments import (
    add_segment,
    delete_segment,
    move_segment,
    segment_dependents,
)
from ui.background import check_wanted
from ui.charts import ChartView
from ui.models.table import RowTableModel
from ui.tabs.base import PlanTab
from ui.tabs.segments_detail import SegmentDetail, build_and_run
from ui.tabs.segments_table import (
    COLUMN,
    FEEDBACK_COLUMNS,
    PRIORITY_COLUMN,
    PriorityDelegate,
    SegmentTableModel,
    feedback_sentence,
)
from ui.tabs.widgets import FiscalYearPicker, fit_columns
from ui.undo import PlanOperations
from ui.widgets import SearchBox, SheetView

# What each part of the tab shows, and so which changes make it read again.
_SEGMENT_CHANGES = Change.SEGMENTS | Change.OFFERINGS | Change.CHANNELS | Change.PROFILE
_FEEDBACK_CHANGES = Change.DEALS | Change.SEGMENTS | Change.LOST_REASONS | Change.PROFILE
# A read for no change at all: the feedback's year moved.
_YEAR_PICKED = Change.NONE


@dataclass(frozen=True)
class SegmentNumbers:
    """One read of the Segments tab; None: that part was not read again."""

    rows: list[SegmentRow] | None
    choices: SegmentLinkChoices | None
    years: list[FiscalYear] | None  # the years the feedback can cover
    current_year: FiscalYear | None
    feedback_year: FiscalYear | None  # the year the feedback was read for (None: all time)
    feedback: list[SegmentFeedback] | None


_LONG_TEXT_WIDTH = 220  # description and needs: a glimpse in the table, in full below it
_NAME_WIDTH = 170


class SegmentsTab(PlanTab):
    title = "Segments"
    explanation = (
        "The groups of customers you serve, what they need, and how large each market is. "
        "The total market (TAM) is what all potential customers spend a year, the "
        "serviceable market (SAM) is the part your offerings and channels can reach, and "
        "the obtainable market (SOM) is the part you can realistically win. The feedback "
        "from sales, below, shows where you win and why deals are lost."
    )
    watched: ClassVar[Change] = (
        Change.SEGMENTS | Change.OFFERINGS | Change.CHANNELS | Change.DEALS | Change.LOST_REASONS
    )
    # Reading the feedback from closed deals takes ~0.02 s of CPU on a small business's plan
    # (kept on the GUI thread) and 0.07-0.15 s on the 100,000-deal plan, which would block
    # the window for 0.2-0.3 s on a busy machine: such reads go to a worker.
    read_async_after: ClassVar[float] = 0.05

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.choices = SegmentLinkChoices((), ())
        self.feedback: dict[int | None, SegmentFeedback] = {}

        self.model = SegmentTableModel(ops)
        self.view = SheetView()
        self.view.setObjectName("segmentsTable")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(PRIORITY_COLUMN, PriorityDelegate(self.view))
        self.search = SearchBox(placeholder="Search segments…")
        self.search.setObjectName("segmentSearch")
        self.search.text_changed.connect(self._search)
        self.totals = QLabel()
        self.totals.setObjectName("segmentTotals")

        self.add_button = QPushButton("&Add segment")
        self.delete_button = QPushButton("&Delete segment…")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        self.add_button.clicked.connect(self.add_segment)
        self.delete_button.clicked.connect(self.delete_segment)
        self.up_button.clicked.connect(lambda: self.move_segment(-1))
        self.down_button.clicked.connect(lambda: self.move_segment(1))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.search)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.view, 1)
        top_layout.addWidget(self.totals)

        self.detail = SegmentDetail(ops)
        self.chart = ChartView("Market size per segment, a year")
        self.chart.setObjectName("segmentChart")
        self.pages = QTabWidget()
        self.pages.setObjectName("segmentPages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.detail, "Selected segment")
        self.pages.addTab(self.chart, "Market size chart")
        self.pages.addTab(self._feedback_page(), "Feedback from sales")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)

        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.model.dataChanged.connect(lambda *_: self._show_selected())
        self.model.modelReset.connect(self._show_selected)
        self.model.layoutChanged.connect(self._show_selected)

    def _feedback_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        about = QLabel(
            "How the deals with each segment ended: won or lost, and the reasons customers "
            "gave for saying no. A low win rate, or one reason that keeps coming back, tells "
            "you what to change in the offer, the price or the message."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        filters = QHBoxLayout()
        self.one_year = QCheckBox("Only deals closed in one fiscal year")
        self.one_year.setObjectName("feedbackOneYear")
        self.year_picker = FiscalYearPicker()
        self.year_picker.setEnabled(False)
        self.one_year.toggled.connect(self._one_year_toggled)
        self.year_picker.year_changed.connect(lambda _year: self._read(_YEAR_PICKED))
        filters.addWidget(self.one_year)
        filters.addWidget(self.year_picker)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.feedback_model = RowTableModel(FEEDBACK_COLUMNS)
        self.feedback_view = SheetView(select_rows=True)
        self.feedback_view.setObjectName("feedbackTable")
        self.feedback_view.setModel(self.feedback_model)
        self.feedback_view.clicked.connect(self._feedback_clicked)
        layout.addWidget(self.feedback_view, 1)
        return page

    # -- reading -------------------------------------------------------------------------

    def reader(self, changes: Change) -> Callable[[], SegmentNumbers]:
        plan, today, year = self.ops.plan, self.today(), self.feedback_year
        read_list = bool(changes & _SEGMENT_CHANGES)
        read_years = bool(changes & _FEEDBACK_CHANGES)
        read_feedback = read_years or changes == _YEAR_PICKED

        def read() -> SegmentNumbers:
            rows = choices = years = current = feedback = None
            if read_list:
                choices, rows = segment_link_choices(plan), segments(plan)
            if read_years:
                check_wanted()
                current = current_fiscal_year(plan, today)
                years = sorted({*fiscal_years(plan, today), *closed_deal_years(plan)})
            if read_feedback:
                check_wanted()
                feedback = segment_feedback(plan, year)
            return SegmentNumbers(rows, choices, years, current, year, feedback)

        return read

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, SegmentNumbers)
        self.model.set_formats(self.formats)
        self.feedback_model.set_formats(self.formats)
        if numbers.rows is not None and numbers.choices is not None:
            self.choices = numbers.choices
            self.model.set_rows(numbers.rows)
            self._fit(self.view)
            if not self.view.currentIndex().isValid() and self.model.rowCount():
                self.view.setCurrentIndex(self.model.index(0, 0))
            self._show_market()
        if numbers.years is not None and numbers.current_year is not None:
            self.year_picker.set_years(numbers.years, numbers.current_year)
        if numbers.feedback is not None:
            self.feedback = {row.id: row for row in numbers.feedback}
            self.feedback_model.set_rows(numbers.feedback)
            fit_columns(self.feedback_view, widest=600)  # the lost reasons in full
        self._show_selected()
        if numbers.feedback is not None and numbers.feedback_year != self.feedback_year:
            self._read(_YEAR_PICKED)  # the year read for is no longer offered

    def _fit(self, view: SheetView) -> None:
        fit_columns(view)
        header = view.horizontalHeader()
        for column in (COLUMN["Description"], COLUMN["Needs and pains"]):
            header.resizeSection(column, min(header.sectionSize(column), _LONG_TEXT_WIDTH))
        name = COLUMN["Segment"]  # room to type a name in a new segment's row
        header.resizeSection(name, max(header.sectionSize(name), _NAME_WIDTH))
        # Room for the segments (a few at least, at most eight before it scrolls).
        rows = min(max(self.model.rowCount(), 4), 8)
        height = header.height() + rows * view.verticalHeader().defaultSectionSize()
        view.setMinimumHeight(height + view.horizontalScrollBar().sizeHint().height() + 4)

    @property
    def feedback_year(self) -> FiscalYear | None:
        """The fiscal year the feedback covers; None for all time."""
        return self.year_picker.selected() if self.one_year.isChecked() else None

    def _one_year_toggled(self, checked: bool) -> None:
        self.year_picker.setEnabled(checked)
        self._read(_YEAR_PICKED)

    def _show_market(self) -> None:
        rows: list[SegmentRow] = self.model.rows
        self.chart.set_categories([s.name for s in rows])
        self.chart.set_value_kind("money", currency=self.formats.currency)
        sizes = (("Total market (TAM)", "tam"), ("Serviceable (SAM)", "sam"))
        for group, (name, role) in enumerate((*sizes, ("Obtainable (SOM)", "som"))):
            values = [getattr(s, role) for s in rows]
            self.chart.add_bars(name, values, role=role, group=group, groups=3)
        targeted = [s for s in rows if s.targeted]
        som = sum((s.som for s in targeted), Decimal(0))
        count = "1 targeted segment" if len(targeted) == 1 else f"{len(targeted)} targeted segments"
        self.totals.setText(
            f"Obtainable revenue a year (SOM) across {count}: {self.formats.money(som)}"
        )

    # -- the selected segment ------------------------------------------------------------

    def selected(self) -> SegmentRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_selected(self) -> None:
        segment = self.selected()
        row = self.feedback.get(segment.id) if segment is not None else None
        text = feedback_sentence(row, self.formats, self.feedback_year)
        self.detail.show_segment(segment, self.choices, text)
        self.delete_button.setEnabled(segment is not None)
        # Moving follows the owner's order, whatever the table is sorted or searched by.
        order = [s.id for s in self.model.rows]
        position = order.index(segment.id) if segment is not None else -1
        self.up_button.setEnabled(position > 0)
        self.down_button.setEnabled(0 <= position < len(order) - 1)

    def select_segment(self, segment_id: int | None, column: int = 0) -> QModelIndex:
        row = self.model.row_of_key(segment_id) if segment_id is not None else -1
        if row < 0:
            return QModelIndex()
        index = self.model.index(row, column)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return index

    def _feedback_clicked(self, index: QModelIndex) -> None:
        self.select_segment(self.feedback_model.row_at(index.row()).id)

    def _search(self, text: str) -> None:
        words = text.casefold()
        if not words:
            self.model.set_filter(None)
            return
        self.model.set_filter(lambda s: words in f"{s.name}\n{s.description}\n{s.needs}".casefold())

    # -- adding, deleting, moving --------------------------------------------------------

    def add_segment(self) -> None:
        """Add a segment at the end and start typing its name."""
        self.search.clear()
        command, _refusal = build_and_run(self.ops, add_segment)
        if command is None:
            return
        self.read_now()  # the new row, to select it, even while reads go to a worker
        index = self.select_segment(getattr(command, "new_id", None))
        if index.isValid():
            self.view.setFocus()
            self.view.edit(index)
            editor = self.view.indexWidget(index)
            if isinstance(editor, QLineEdit):
                editor.selectAll()  # the first key typed replaces "New segment"

    def delete_segment(self) -> None:
        """Delete the selected segment after asking; Edit > Undo brings it all back."""
        segment = self.selected()
        if segment is None:
            return
        try:
            with self.ops.plan.uow() as uow:
                used_by = segment_dependents(uow, segment.id)
        except (ValidationError, NotFoundError) as exc:  # e.g. targets in locked months
            self.ops.failed.emit(str(exc))
            return
        question = f"Delete the segment '{segment.name}'?"
        if used_by:
            question += (
                f" It is used by {used_by}. Its deals stay in the pipeline without a "
                "segment; its targets and links are deleted with it."
            )
        question += " Edit > Undo brings it back."
        answer = QMessageBox.question(
            self,
            "Delete segment",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        position = self.view.currentIndex().row()
        command, _refusal = build_and_run(self.ops, delete_segment, segment.id)
        self.read_now()
        if command is not None and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(min(position, self.model.rowCount() - 1), 0))

    def move_segment(self, offset: int) -> None:
        """Move the selected segment up (-1) or down (1) in the owner's order."""
        segment = self.selected()
        if segment is None:
            return
        header = self.view.horizontalHeader()
        if 0 <= header.sortIndicatorSection() < header.count():
            # Sorted by a column, a move would not show: go back to the owner's order first.
            self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        build_and_run(self.ops, move_segment, segment.id, offset)
        self.read_now()
        self.select_segment(segment.id, max(self.view.currentIndex().column(), 0))
