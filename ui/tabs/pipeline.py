"""The Pipeline tab: every deal as a table (and, where built, as a board and a win/loss
analysis), with the deal form, win/lose/reopen, and the stages editor.

After each change the table reads the ordered deal ids again and only the rows it shows
(``planner.queries.deals`` with ``ids``), so the tab opens at once on 100,000 deals; that
read is the tab's ``reader`` (``ui.tabs.base``), which runs on a worker thread once it has
proved slow. Every button runs a ``planner.services.deals`` command through
``PlanOperations``, so each is one undo step and undo/redo refresh the views.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTabWidget, QWidget

from planner.queries import DealRow, deals
from planner.queries.pipeline_paging import latest_deal_id
from planner.services.commands import Change
from planner.services.deals import win_deal
from planner.services.errors import NotFoundError, ValidationError
from ui.deal_dialog import DealDialog, LoseDialog, ReopenDialog
from ui.stages_dialog import StagesDialog
from ui.tabs.base import PlanTab
from ui.tabs.pipeline_columns import WATCHED
from ui.tabs.pipeline_table import DEAL_COLUMNS as DEAL_COLUMNS
from ui.tabs.pipeline_table import DealTable, TableRead
from ui.undo import PlanOperations


def _optional_view(module: str, name: str) -> type[Any] | None:
    """A pipeline view from another module, when that module is part of this build."""
    if importlib.util.find_spec(module) is None:
        return None
    view: type[Any] = getattr(importlib.import_module(module), name)
    return view


class PipelineTab(PlanTab):
    title = "Pipeline"
    explanation = (
        "Every deal you are working on or have closed: who the customer is, what it is worth, "
        "how far along it is and where it came from. Weighted value is the amount times the "
        "chance of winning, so the open pipeline shows what you can realistically expect; "
        "deals that have gone quiet or keep slipping are flagged so you can follow them up."
    )
    watched: ClassVar[Change] = WATCHED  # as the board and the win/loss view
    # The table's re-read after an edit: ~0.1 s of CPU on 100,000 deals, which would hold
    # the window that long under the default; the sample plan's takes ~0.01 s.
    read_async_after: ClassVar[float] = 0.05

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.stages_button = QPushButton("Edit Stages…")
        self.stages_button.setObjectName("editStages")
        self.stages_button.setToolTip("Rename, reorder, add or remove the steps of your pipeline.")
        self.table = DealTable(ops, self.read_rows, self.today)
        self.views = QTabWidget()
        self.views.setObjectName("pipelineViews")
        self.views.setDocumentMode(True)
        self.views.addTab(self.table, "Table")
        self.board: Any = None
        board = _optional_view("ui.tabs.pipeline_board", "PipelineBoard")
        if board is not None:
            self.board = board(ops)
            self.board.edit_requested.connect(self.edit_deal)
            self.views.addTab(self.board, "Board")
        # The win/loss view draws a chart (pyqtgraph, half a second to import): an empty
        # page holds its place until it is first shown or asked for.
        self._analysis: Any = None
        self._analysis_page: QWidget | None = None
        if importlib.util.find_spec("ui.tabs.pipeline_analysis") is not None:
            self._analysis_page = QWidget()
            self.views.addTab(self._analysis_page, "Win/loss")
        if self.views.count() > 1:  # beside the view switch, where it takes no extra row
            self.views.setCornerWidget(self.stages_button)
        else:
            self.views.tabBar().setVisible(False)
            bar = QHBoxLayout()
            bar.addStretch(1)
            bar.addWidget(self.stages_button)
            self.body.addLayout(bar)
        self.body.addWidget(self.views, 1)
        # The table's parts, as the tests and the main window's Find reach them.
        self.model, self.view, self.search = self.table.model, self.table.view, self.table.search
        self.status, self.totals = self.table.status, self.table.totals
        self._sized = False
        self._table_stale = False
        self.stages_button.clicked.connect(lambda *_: self.edit_stages())
        self.table.new_requested.connect(lambda: self.new_deal())
        self.table.edit_requested.connect(self.edit_deal)
        self.table.win_requested.connect(self.win)
        self.table.lose_requested.connect(self.lose)
        self.table.reopen_requested.connect(self.reopen)
        self.views.currentChanged.connect(lambda *_: self._view_changed())

    @property
    def analysis(self) -> Any:
        """The win/loss view (built on first use), or None when this build has none."""
        if self._analysis is None:
            self._build_analysis()
        return self._analysis

    def _build_analysis(self) -> None:
        page = self._analysis_page
        if page is not None:
            view = _optional_view("ui.tabs.pipeline_analysis", "WinLossView")
            assert view is not None
            self._analysis = view(self.ops)
            index = self.views.indexOf(page)
            was_current = self.views.currentIndex() == index
            self.views.blockSignals(True)
            self.views.insertTab(index, self._analysis, "Win/loss")
            self.views.removeTab(index + 1)
            if was_current:
                self.views.setCurrentIndex(index)
            self.views.blockSignals(False)
            self._analysis_page = None
            page.deleteLater()

    def _view_changed(self) -> None:
        if self._analysis_page is not None and self.views.currentWidget() is self._analysis_page:
            self._build_analysis()
        self._table_shown()

    def reader(self, changes: Change) -> Callable[[], TableRead] | None:
        # The board and the analysis follow the plan themselves; the table is only read
        # while it is shown (``refresh`` notes a change that came while it was not).
        if not changes & self.watched or self.views.currentWidget() is not self.table:
            return None
        plan, today = self.ops.plan, self.today()
        return self.table.reader(lambda ids: deals(plan, today=today, ids=ids))

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, TableRead)
        self._table_stale = False
        self.table.formats = self.formats
        self.model.set_formats(self.formats)
        self.table.present(numbers)
        if not self._sized and self.model.rowCount():
            self.table.fit_columns()
            self._sized = True

    def refresh(self, changes: Change) -> None:
        # Reached when ``reader`` has nothing to read: new formats at most.
        self.table.formats = self.formats
        self.model.set_formats(self.formats)
        if changes & self.watched:
            self._table_stale = True
        self.table.show_totals()

    def read_rows(self, ids: Sequence[int]) -> list[DealRow]:
        """The table's rows for ``ids``, as of the tab's today."""
        return deals(self.ops.plan, today=self.today(), ids=ids)

    def _table_shown(self) -> None:
        if self.views.currentWidget() is self.table and self._table_stale:
            self._apply(self.watched)

    # -- actions -------------------------------------------------------------------------

    def deal_dialog(self, deal_id: int | None = None) -> DealDialog:
        """The deal form for a new deal or ``deal_id`` (shown by the caller)."""
        return DealDialog(self.ops, deal_id, today=self.today(), parent=self)

    def new_deal(self) -> None:
        dialog = self.deal_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.table.reset_filters()
            newest = latest_deal_id(self.ops.plan)
            if newest is not None:
                self.table.select_deal(newest)
        dialog.deleteLater()

    def edit_deal(self, deal_id: int) -> None:
        dialog = self.deal_dialog(deal_id)
        dialog.exec()
        dialog.deleteLater()

    def win(self, deal_id: int) -> bool:
        try:
            with self.ops.plan.uow() as uow:
                command = win_deal(uow, deal_id, today=self.today())
        except (ValidationError, NotFoundError) as exc:
            self.ops.failed.emit(str(exc))
            return False
        return self.ops.run(command)

    def lose_dialog(self, deal_id: int) -> LoseDialog:
        return LoseDialog(self.ops, deal_id, today=self.today(), parent=self)

    def lose(self, deal_id: int) -> None:
        dialog = self.lose_dialog(deal_id)
        dialog.exec()
        dialog.deleteLater()

    def reopen_dialog(self, deal_id: int) -> ReopenDialog:
        return ReopenDialog(self.ops, deal_id, today=self.today(), parent=self)

    def reopen(self, deal_id: int) -> None:
        dialog = self.reopen_dialog(deal_id)
        dialog.exec()
        dialog.deleteLater()

    def stages_dialog(self) -> StagesDialog:
        return StagesDialog(self.ops, parent=self)

    def edit_stages(self) -> None:
        dialog = self.stages_dialog()
        dialog.exec()
        dialog.deleteLater()
