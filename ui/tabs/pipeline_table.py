"""The pipeline as a table: filters, a search, the deals, the totals of what is shown, and the
buttons that add, edit, win, lose and reopen a deal.

The table reads rows on demand (``LazyTableModel``): the database filters and sorts the
deals (``planner.queries.pipeline_paging.deal_ids``, a fraction of a second on 100,000
deals) and the table reads only the pages of rows it shows, through the ``read_rows``
function its tab hands it. The totals of what is shown are summed in SQL as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.pipeline import DealStatus
from planner.queries import DealChoices, DealRow, deal_choices
from planner.queries.pipeline_paging import (
    SORTS,
    DealFilter,
    DealTotals,
    FilterNames,
    deal_ids,
    deal_totals,
    filter_names,
)
from ui.models.formats import Formats
from ui.tabs import base as tabs_base
from ui.tabs.pipeline_columns import DEAL_COLUMNS as DEAL_COLUMNS
from ui.tabs.pipeline_columns import NEEDS_ATTENTION as NEEDS_ATTENTION
from ui.tabs.pipeline_columns import DealTableModel, deal_command
from ui.tabs.widgets import make_table
from ui.undo import PlanOperations
from ui.widgets import SearchBox

STATUS_CHOICES = (
    ("All deals", None),
    ("Open", DealStatus.OPEN),
    ("Won", DealStatus.WON),
    ("Lost", DealStatus.LOST),
)
_NO_DATE = QDate(2000, 1, 1)  # a date edit at this minimum shows "Any"

# The database's sort order for each column: ``SORTS`` lists them in the columns' order
# (tests/gui/test_pipeline_large.py sorts by every column and checks the result).
_COLUMN_SORTS = dict(enumerate(SORTS))
# Above this many deals, the search waits for a pause in typing before it asks again.
_TYPING_PAUSE_FROM = 20_000


@dataclass(frozen=True)
class TableRead:
    """What the table shows after a change, read in one go: the filter lists' choices,
    the ordered ids of the deals shown, one page of their rows and the totals."""

    choices: DealChoices
    names: FilterNames
    keys: list[int]
    page: int
    rows: Sequence[DealRow]
    totals: DealTotals


TableReader = Callable[[], TableRead]


def _date(edit: QDateEdit) -> dt.date | None:
    q = edit.date()
    return None if q == _NO_DATE else dt.date(q.year(), q.month(), q.day())


class DealTable(QWidget):
    """Filters, search, the deals table, totals and the deal buttons.

    ``read_rows(ids)`` returns the rows of those deals (the tab reads them, as of its
    today); ``today()`` is the day ages and staleness are counted to. ``reload()`` reads
    the table again after the plan changed."""

    new_requested = Signal()
    edit_requested = Signal(int)
    win_requested = Signal(int)
    lose_requested = Signal(int)
    reopen_requested = Signal(int)

    def __init__(
        self,
        ops: PlanOperations,
        read_rows: Callable[[Sequence[int]], Sequence[DealRow]],
        today: Callable[[], dt.date] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.today = today or (lambda: tabs_base.today())
        self.formats = Formats()
        self.filter = DealFilter()
        self.totals_read: DealTotals | None = None
        self.model = DealTableModel(
            DEAL_COLUMNS, keys=self._keys, ops=ops, command_for=deal_command,
            load=lambda ids: read_rows([i for i in ids if isinstance(i, int)]),
            every=lambda: deal_ids(ops.plan, today=self.today()),
        )  # fmt: skip
        self.search = SearchBox(placeholder="Find customer or title…")
        self.search.setObjectName("dealSearch")
        self.status = QComboBox()
        self.status.setObjectName("dealStatus")
        for label, _ in STATUS_CHOICES:
            self.status.addItem(label)
        self.stage, self.owner, self.offering = QComboBox(), QComboBox(), QComboBox()
        self.segment, self.channel = QComboBox(), QComboBox()
        for combo in (self.status, self.stage, self.owner, self.offering, self.segment,
                      self.channel):  # fmt: skip
            # Long names (a channel, an offering) must not widen the window past a laptop's.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(5)
        self.close_from, self.close_to = QDateEdit(), QDateEdit()
        for edit in (self.close_from, self.close_to):
            edit.setCalendarPopup(True)
            edit.setMinimumDate(_NO_DATE)
            edit.setSpecialValueText("Any")
            edit.setDate(_NO_DATE)
        filters = QGridLayout()
        cells: list[tuple[str, QWidget]] = [
            ("Find:", self.search), ("Show:", self.status), ("Stage:", self.stage),
            ("Owner:", self.owner), ("Offering:", self.offering), ("Segment:", self.segment),
            ("Source:", self.channel), ("Closing from:", self.close_from),
            ("to:", self.close_to),
        ]  # fmt: skip
        for n, (text, widget) in enumerate(cells):
            caption = QLabel(text)
            caption.setBuddy(widget)
            row, col = divmod(n, 5)
            filters.addWidget(caption, row, col * 2, Qt.AlignmentFlag.AlignRight)
            filters.addWidget(widget, row, col * 2 + 1)
        self.clear_filters = QPushButton("Show All")
        self.clear_filters.setToolTip("Clear every filter and the search.")
        filters.addWidget(self.clear_filters, 1, 9)
        for col in range(1, 10, 2):
            filters.setColumnStretch(col, 1)
        self.view = make_table(self.model, name="pipelineTable")
        self.totals = QLabel()
        self.totals.setObjectName("pipelineTotals")
        self.totals.setWordWrap(True)  # wraps on a narrow window instead of widening it
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.new_button = QPushButton("New Deal…")
        self.edit_button = QPushButton("Edit…")
        self.win_button = QPushButton("Win")
        self.lose_button = QPushButton("Lose…")
        self.reopen_button = QPushButton("Reopen…")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.win_button, self.lose_button,
                       self.reopen_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addWidget(self.totals, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        # On a large plan the search waits for a pause in typing (see ``_typed``).
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(lambda: self.apply_filter())
        self._wire()
        self._update_buttons()

    def _keys(self, column: int, descending: bool) -> list[int]:
        sort = _COLUMN_SORTS.get(column)
        return deal_ids(
            self.ops.plan, self.filter, sort=sort, descending=descending, today=self.today()
        )

    def _typed(self) -> None:
        every = self.totals_read.every if self.totals_read is not None else 0
        if every > _TYPING_PAUSE_FROM:
            self._typing.start()
        else:
            self.apply_filter()

    def _wire(self) -> None:
        refilter: Callable[..., None] = lambda *_: self.apply_filter()  # noqa: E731
        self.search.text_changed.connect(lambda *_: self._typed())
        for combo in (self.status, self.stage, self.owner, self.offering, self.segment,
                      self.channel):  # fmt: skip
            combo.currentIndexChanged.connect(refilter)
        self.close_from.dateChanged.connect(refilter)
        self.close_to.dateChanged.connect(refilter)
        self.clear_filters.clicked.connect(lambda *_: self.reset_filters())
        self.new_button.clicked.connect(lambda *_: self.new_requested.emit())
        for button, signal in (
            (self.edit_button, self.edit_requested), (self.win_button, self.win_requested),
            (self.lose_button, self.lose_requested), (self.reopen_button, self.reopen_requested),
        ):  # fmt: skip
            button.clicked.connect(lambda *_, s=signal: self._emit_current(s))
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        for signal in (self.model.modelReset, self.model.dataChanged, self.model.layoutChanged):
            signal.connect(lambda *_: self._update_buttons())
        self.view.doubleClicked.connect(self._double_clicked)

    # -- choices and rows ----------------------------------------------------------------

    def set_choices(self, choices: DealChoices, names: FilterNames) -> bool:
        """Fill the filter lists, keeping what is chosen while it is still there. True when
        a choice had to go back to "All" (a renamed or removed stage, say)."""
        dropped = False

        def fill(combo: QComboBox, every: str, names: list[str]) -> None:
            nonlocal dropped
            current = combo.currentText() if combo.currentIndex() > 0 else every
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(every)
            combo.addItems(names)
            found = combo.findText(current)
            dropped |= found < 0
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

        fill(self.stage, "All stages", [s.name for s in choices.stages])
        fill(self.owner, "All owners", list(names.owners))
        fill(self.offering, "All offerings", list(names.offerings))
        fill(self.segment, "All segments", list(names.segments))
        fill(self.channel, "All channels", list(names.channels))
        return dropped

    def reset_filters(self) -> None:
        for combo in (self.status, self.stage, self.owner, self.offering, self.segment,
                      self.channel):  # fmt: skip
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for edit in (self.close_from, self.close_to):
            edit.blockSignals(True)
            edit.setDate(_NO_DATE)
            edit.blockSignals(False)
        self.search.clear()
        self.apply_filter()

    def current_filter(self) -> DealFilter:
        """What the filters and the search ask for."""

        def chosen(combo: QComboBox) -> str | None:
            return combo.currentText() if combo.currentIndex() > 0 else None

        return DealFilter(
            status=STATUS_CHOICES[max(self.status.currentIndex(), 0)][1],
            stage=chosen(self.stage), owner=chosen(self.owner), offering=chosen(self.offering),
            segment=chosen(self.segment), channel=chosen(self.channel),
            close_from=_date(self.close_from), close_to=_date(self.close_to),
            words=tuple(self.search.query().casefold().split()),
        )  # fmt: skip

    def apply_filter(self) -> None:
        """Show the deals the filters keep (read again from the plan)."""
        self._typing.stop()
        self.filter = self.current_filter()
        self.model.reload()
        self.update_totals()

    def reader(self, read_rows: Callable[[Sequence[int]], Sequence[DealRow]]) -> TableReader:
        """A function that reads what the table shows after the plan changed (filter
        choices, the ordered ids, the page in view, the totals) for ``present``. It holds
        the plan, filter, order and page as they are now and touches no widget, so it may
        run on a worker thread; ``read_rows(ids)`` reads rows the same way."""
        plan, where, today = self.ops.plan, self.filter, self.today()
        column, descending = self.model.sorted_by
        sort, size = _COLUMN_SORTS.get(column), self.model.page_size
        top = max(self.view.rowAt(0), 0) // size

        def read() -> TableRead:
            keys = deal_ids(plan, where, sort=sort, descending=descending, today=today)
            page = min(top, max(len(keys) - 1, 0) // size)
            rows = read_rows(keys[page * size : (page + 1) * size])
            totals = deal_totals(plan, where, today=today)
            return TableRead(deal_choices(plan), filter_names(plan), keys, page, rows, totals)

        return read

    def present(self, read: TableRead) -> None:
        """Show what ``reader``'s function read, keeping the selection and the rows in
        view when the deals are the same."""
        if self.set_choices(read.choices, read.names):
            self.apply_filter()  # the filter named something that is gone: read again
            return
        self.model.show_keys(read.keys, read.page, read.rows)
        self.totals_read = read.totals
        self.show_totals()

    def update_totals(self) -> None:
        self.totals_read = deal_totals(self.ops.plan, self.filter, today=self.today())
        self.show_totals()

    def show_totals(self) -> None:
        totals = self.totals_read
        if totals is None:
            return
        count = self.formats.count(totals.count)
        if totals.count != totals.every:
            count = f"{count} of {self.formats.count(totals.every)}"
        flagged = totals.needing_attention
        attention = f" · {self.formats.count(flagged)} need attention" if flagged else ""
        self.totals.setText(
            f"{count} deals shown · Amount {self.formats.money(totals.amount)} · "
            f"Weighted {self.formats.money(totals.weighted)}{attention}"
        )

    def fit_columns(self, widest: int = 320, rows: int = 30) -> None:
        """Size columns to their header and first rows (read already), capped so long text
        does not push the rest away. Qt's own fitting can measure every row, which would
        read all 100,000 deals; this measures each cell's text once."""
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        model = self.model
        shown = min(rows, model.rowCount())
        for column in range(model.columnCount()):
            texts = (model.index(row, column).data() for row in range(shown))
            width = max((metrics.horizontalAdvance(str(t)) for t in texts if t), default=0)
            width = max(width + 16, header.sectionSizeFromContents(column).width())
            header.resizeSection(column, min(width, widest))

    # -- the current deal ----------------------------------------------------------------

    def current_deal(self) -> DealRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        deal: DealRow = self.model.row_at(index.row())
        return deal

    def select_deal(self, deal_id: int) -> None:
        row = self.model.row_of_key(deal_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def _emit_current(self, signal: Any) -> None:
        deal = self.current_deal()
        if deal is not None:
            signal.emit(deal.id)

    def _double_clicked(self, index: QModelIndex) -> None:
        # Editable cells open their editor on a double-click; the others open the form.
        if not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            self.edit_requested.emit(self.model.row_at(index.row()).id)

    def _update_buttons(self) -> None:
        deal = self.current_deal()
        is_open = deal is not None and deal.status is DealStatus.OPEN
        self.edit_button.setEnabled(deal is not None)
        self.win_button.setEnabled(is_open)
        self.lose_button.setEnabled(is_open)
        self.reopen_button.setEnabled(deal is not None and not is_open)
