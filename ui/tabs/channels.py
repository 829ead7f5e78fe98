"""The Channels tab: the ways the business reaches customers, and per month what each was
planned to cost and bring in against what it really did.

Above: the channel list (name, kind, segments reached, notes, and how each did over the
fiscal year) beside a chart of plan against actual. Below: the month-by-month grid of
the selected channel, or of all channels together, with the helpers that fill it in
(``channels_helpers``). The modules beside this one hold the list (``channels_list``)
and its actions (``channels_actions``), the grid (``channels_grid``, its rows in
``channels_lines``), the chart (``channels_chart``) and the spread dialog
(``channels_fill``). Reading the figures (``channels_read``, no Qt) is apart from showing
them (``present``), so on a large plan they are read off the GUI thread (``ui.tabs.base``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import Month, PeriodRange
from planner.queries import ChannelRow
from planner.queries.channel_metrics import ChannelYear, DealResults, figures_of
from planner.services.commands import Change
from ui.tabs.base import FiscalYearTab
from ui.tabs.channels_actions import ChannelActions
from ui.tabs.channels_chart import ChannelChart
from ui.tabs.channels_grid import ChannelGridModel
from ui.tabs.channels_helpers import GridHelpers, GridView
from ui.tabs.channels_list import (
    KIND_COLUMN,
    SEGMENTS_COLUMN,
    ChannelLine,
    ChannelListModel,
    KindDelegate,
    SegmentsDialog,
    channel_lines,
    matches,
)
from ui.tabs.channels_read import ChannelNumbers, channel_reader
from ui.tabs.widgets import fit_columns, heading
from ui.undo import PlanOperations
from ui.widgets import SearchBox, SheetView


class ChannelsTab(ChannelActions, FiscalYearTab):
    title = "Channels"
    explanation = (
        "The ways you reach customers: search ads, social media, email, events, referrals, "
        "partners, print or your shop window. Plan what each will cost and how many leads it "
        "should bring each month, then record what really happened. Cost per lead, cost "
        "per customer and return on spend come from the deals in your pipeline that name "
        "the channel as their source, so you can see which channels pay."
    )
    watched: ClassVar[Change] = (
        Change.CHANNELS | Change.CHANNEL_MONTHS | Change.DEALS | Change.SEGMENTS
    )
    # Reading the deal results by channel takes ~0.02 s of CPU on a small business's plan
    # (kept on the GUI thread) and 0.07-0.15 s on the 100,000-deal plan, which would block
    # the window for 0.2-0.3 s on a busy machine: such reads go to a worker.
    read_async_after: ClassVar[float] = 0.05

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self._channel_rows: list[ChannelRow] = []
        self._years: list[ChannelYear] = []
        self._deals: DealResults | None = None  # kept while only channel figures change
        self._locked_through: Month | None = None
        self.channel_id: int | None = None
        self.dialog: SegmentsDialog | None = None
        self.last_refusal = ""

        # The channel list and its buttons.
        self.model = ChannelListModel(ops)
        self.view = SheetView(select_rows=True)
        self.view.setObjectName("channelsTable")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(KIND_COLUMN, KindDelegate(self.view))
        self.view.doubleClicked.connect(self._double_clicked)
        self.search = SearchBox(placeholder="Search channels…")
        self.search.text_changed.connect(self._search)
        self.add_button = self._button("Add channel", self.add_channel, "Add a new channel")
        self.delete_button = self._button("Delete…", self.delete_channel)
        self.archive_button = self._button("Archive", self.toggle_archived)
        self.up_button = self._button("Move up", lambda: self.move_channel(-1))
        self.down_button = self._button("Move down", lambda: self.move_channel(1))
        self.segments_button = self._button("Segments reached…", self.edit_segments)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button, self.archive_button,
                       self.up_button, self.down_button, self.segments_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.search)

        # The chart beside the list.
        self.chart = ChannelChart()
        self.top_splitter = top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.view)
        top.addWidget(self.chart)

        # The grid, the switch between one channel and all, and the filling helpers.
        self.grid_model = ChannelGridModel(ops)
        self.grid = GridView(sortable=False)
        self.grid.setObjectName("channelGrid")
        self.grid.setModel(self.grid_model)
        self.helpers = GridHelpers(self)
        self.grid.extra_actions = self.helpers.actions
        self.this_channel = QPushButton("This channel")
        self.all_channels = QPushButton("All channels")
        self._scope = QButtonGroup(self)
        for button in (self.this_channel, self.all_channels):
            button.setCheckable(True)
            self._scope.addButton(button)
        self.this_channel.setChecked(True)
        self.this_channel.setToolTip("Show the figures of the channel selected above.")
        self.all_channels.setToolTip("Show all channels added together.")
        self._scope.buttonToggled.connect(self._scope_toggled)
        self.grid_heading = heading("")
        # The period picker stays on top (as on every tab): it governs the chart and the
        # list's figures too, and a row of its own leaves room for its month boxes.
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Show:"))
        controls.addWidget(self.this_channel)
        controls.addWidget(self.all_channels)
        self.lock_note = QLabel()
        self.lock_note.setObjectName("lockNote")
        self.lock_note.setWordWrap(True)  # wraps rather than widen a small window
        controls.addWidget(self.lock_note, 1)
        for widget in self.helpers.buttons:
            controls.addWidget(widget)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(controls)
        # Beside the heading: the month in progress is shown so far, without a variance.
        self.so_far_note = QLabel()
        self.so_far_note.setObjectName("soFarNote")
        self.so_far_note.setStyleSheet("color: #5f6368;")
        self.so_far_note.setWordWrap(True)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.grid_heading)
        heading_row.addWidget(self.so_far_note, 1)
        lower_layout.addLayout(heading_row)
        lower_layout.addWidget(self.grid, 1)
        self.notice = QLabel()
        self.notice.setObjectName("channelNotice")
        self.notice.setWordWrap(True)
        lower_layout.addWidget(self.notice)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(buttons)
        upper_layout.addWidget(top, 1)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        self.body.addWidget(splitter, 1)
        self._lower_layout, self._controls = lower_layout, controls
        # Sized to show the whole grid until the owner drags a divider.
        self._sized_by_hand = False
        for moved in (splitter.splitterMoved, top.splitterMoved):
            moved.connect(lambda *_: setattr(self, "_sized_by_hand", True))
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        ops.changed.connect(lambda _c: self.notice.clear())
        self._update_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_splitters()

    def _fit_splitters(self) -> None:
        """Give the grid the height of all its rows and the list more than half the width."""
        if self._sized_by_hand:
            return
        grid = self.grid
        rows = grid.verticalHeader().defaultSectionSize() * max(self.grid_model.rowCount(), 15)
        grid_height = rows + grid.horizontalHeader().sizeHint().height() + 2 * grid.frameWidth()
        grid_height += grid.horizontalScrollBar().sizeHint().height()
        spacing = self._lower_layout.spacing() * 3
        others = self._controls.sizeHint().height() + self.grid_heading.sizeHint().height()
        lower = grid_height + others + self.notice.sizeHint().height() + spacing
        total = self.splitter.height()
        upper = max(total - lower, min(260, total // 2))
        self.splitter.setSizes([upper, total - upper])
        width = self.top_splitter.width()
        self.top_splitter.setSizes([width * 3 // 5, width - width * 3 // 5])

    def _button(self, text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda *_: slot())
        if tip:
            button.setToolTip(tip)
        return button

    # -- reading ---------------------------------------------------------------------

    def reader(self, changes: Change) -> Callable[[], ChannelNumbers]:
        return channel_reader(
            self.ops.plan,
            self.fiscal_year,
            changes,
            have_list=bool(self._channel_rows),
            deals=self._deals,
        )

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, ChannelNumbers)
        self.model.set_formats(self.formats)
        self.grid_model.set_formats(self.formats)
        if numbers.rows is not None:
            self._channel_rows = numbers.rows
        self._deals, self._years = numbers.deals, numbers.years
        self._locked_through = numbers.locked_through
        self.model.set_rows(channel_lines(self._channel_rows, self._years))
        self._select(self.channel_id)
        fit_columns(self.view, widest=260)
        header = self.view.horizontalHeader()
        header.resizeSection(SEGMENTS_COLUMN, min(header.sectionSize(SEGMENTS_COLUMN), 180))
        self.show_figures()

    def period_changed(self, old: PeriodRange, new: PeriodRange) -> None:
        # The list and the grid stay on the whole year (the grid is where the months are
        # planned); the chart follows a quarter or a few months.
        if old.fiscal_year == new.fiscal_year and self._years:
            self._draw_chart(self.shown_year())
        else:
            self._read(Change.CHANNEL_MONTHS)

    @property
    def showing_all(self) -> bool:
        return self.all_channels.isChecked() or self.channel_id is None

    def shown_year(self) -> ChannelYear:
        """The figures in the grid and chart: the selected channel's, or all together."""
        year = None if self.showing_all else figures_of(self._years, self.channel_id)
        if year is None:
            year = figures_of(self._years, None)
        assert year is not None, "channel_metrics always ends with all channels"
        return year

    def show_figures(self) -> None:
        if not self._years:
            return
        year = self.shown_year()
        locked = self._locked_through
        current = Month.of(self.today())
        self.grid_model.set_year(year, current, locked)
        self.so_far_note.setText(
            f"· {current.name} {current.year} is not over yet: its figures are so far, "
            "with no variance."
            if current in year.months
            else ""
        )
        fit_columns(self.grid, widest=200)
        label = year.fiscal_year.label
        self.lock_note.setText(
            f"Months up to {locked.name} {locked.year} are locked and cannot be changed."
            if locked is not None and locked >= year.fiscal_year.first_month
            else ""
        )
        if year.is_total and not self._channel_rows:
            text = f"Month by month, {label}: add a channel above to plan its spend and leads."
        elif year.is_total:
            text = f"Month by month, {label}: all channels together"
        else:
            text = f"Month by month, {label}: {year.name}"
        self.grid_heading.setText(text)
        self._draw_chart(year)
        self._update_buttons()
        self._fit_splitters()

    def _draw_chart(self, year: ChannelYear) -> None:
        self.chart.show_year(year, self.period, self.formats.currency)

    # -- selection -------------------------------------------------------------------

    def current_line(self) -> ChannelLine | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _select(self, channel_id: int | None) -> None:
        """Make ``channel_id`` current (the first shown channel when it is not shown)."""
        row = self.model.row_of_key(channel_id) if channel_id is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self.channel_id = None
            return
        current = self.view.currentIndex()
        if current.isValid() and current.row() == row:
            self.channel_id = self.model.row_at(row).id
            return
        self.view.setCurrentIndex(self.model.index(row, max(current.column(), 0)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line = self.model.row_at(current.row()) if current.isValid() else None
        channel_id = line.id if line is not None else None
        if channel_id != self.channel_id:
            self.channel_id = channel_id
            if self._years:
                self.show_figures()
        self._update_buttons()

    def _scope_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            self.show_figures()

    def _search(self, text: str) -> None:
        self.model.set_filter((lambda line: matches(line, text)) if text else None)
        self._select(self.channel_id)

    def _update_buttons(self) -> None:
        line = self.current_line()
        for button in (self.delete_button, self.archive_button, self.segments_button):
            button.setEnabled(line is not None)
        archived = line is not None and line.channel.archived
        self.archive_button.setText("Bring back" if archived else "Archive")
        self.archive_button.setToolTip(
            "Use this channel again." if archived
            else "Keep the channel and its history but stop planning with it."
        )  # fmt: skip
        self.up_button.setEnabled(line is not None and self._can_move(line, -1))
        self.down_button.setEnabled(line is not None and self._can_move(line, 1))
        self.helpers.update_actions()

    def _can_move(self, line: ChannelLine, step: int) -> bool:
        rows = self.model.rows
        at = rows.index(line) + step if line in rows else -1
        return 0 <= at < len(rows) and rows[at].channel.archived == line.channel.archived

    # -- running commands ------------------------------------------------------------

    def _ensure_fresh(self) -> None:
        """Read now what a hidden tab would read when next shown, or what is still being
        read on a worker: an action goes on with the rows it just changed."""
        self.read_now()
