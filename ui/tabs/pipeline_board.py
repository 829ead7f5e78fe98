"""The pipeline board: one column per stage (won and lost last), deal cards dragged
between them with the mouse.

Dropping a card on an open stage moves the deal there, on the won stage wins it, on the
lost stage first asks why it was lost (cancel leaves it as it was); each is one undo
step through ``PlanOperations``. The board reads ``planner.queries.pipeline_board``,
which sums each column in SQL and returns only the newest cards per column, so it stays
quick on a plan with 100,000 deals; a column scrolled to its end reads its next cards
(``planner.queries.pipeline_paging.board_cards``). Won and lost columns show the deals
closed in the period chosen above the board (the current fiscal year at first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import UnitOfWork
from planner.domain.periods import FiscalYear
from planner.domain.pipeline import DealStatus
from planner.queries import (
    Board,
    BoardCard,
    BoardColumn,
    closed_deal_years,
    current_fiscal_year,
    pipeline_board,
    profile_summary,
)
from planner.queries.pipeline_paging import board_cards
from planner.services.commands import Change, Command
from planner.services.deals import lose_deal, move_deal, win_deal
from planner.services.errors import NotFoundError, ValidationError
from ui.models.formats import Formats
from ui.tabs import base, pipeline_cards
from ui.tabs.pipeline_cards import StageColumn, deal_from_mime
from ui.tabs.pipeline_columns import WATCHED
from ui.tabs.widgets import ClosedPeriodCombo
from ui.undo import PlanOperations
from ui.widgets import SearchBox


class PipelineBoard(QWidget):
    """Deals as cards in stage columns; see the module docstring. A double click on a card
    (or "Edit Deal…" in its menu) emits ``edit_requested(deal_id)`` for the deal form."""

    edit_requested = Signal(int)

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pipelineBoard")
        self.ops = ops
        self.formats = Formats()
        self.board: Board | None = None
        self._stale = True
        # What the board was read with, for reading more cards of one column.
        self._read_with: tuple[FiscalYear | None, int | None, str] = (None, None, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.owner = QComboBox()
        self.owner.setObjectName("boardOwner")
        self.search = SearchBox()
        self.search.setObjectName("boardSearch")
        self.period = ClosedPeriodCombo(lambda year: f"Closed in {year.label}")
        self.period.setObjectName("boardPeriod")
        self.period.setToolTip("Which won and lost deals to show: those closed in this period.")
        owner_label = QLabel("Owner:")
        owner_label.setBuddy(self.owner)
        period_label = QLabel("Won and lost:")
        period_label.setBuddy(self.period)
        bar.addWidget(owner_label)
        bar.addWidget(self.owner)
        bar.addWidget(self.search, 1)
        bar.addWidget(period_label)
        bar.addWidget(self.period)
        layout.addLayout(bar)
        hint = QLabel(
            "Drag a card to another column to move the deal; drop it on Won or Lost to close it. "
            "A red dot marks a deal that needs attention (hover over it to see why)."
        )
        hint.setWordWrap(True)
        hint.setObjectName("boardHint")
        layout.addWidget(hint)
        self.columns: list[StageColumn] = []
        self.strip = QWidget()
        self.strip_layout = QHBoxLayout(self.strip)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(self.strip)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroller, 1)
        self.owner.currentIndexChanged.connect(lambda *_: self._filters_changed())
        self.period.currentIndexChanged.connect(lambda *_: self._filters_changed())
        # Typing reads the board once the user pauses, not on every key (100,000 deals).
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self._filters_changed)
        self.search.text_changed.connect(lambda *_: self._typing.start())
        ops.changed.connect(self._on_changed)

    # -- reading -----------------------------------------------------------------------

    @property
    def is_stale(self) -> bool:
        return self._stale

    def reload(self) -> None:
        """Re-read the board with the chosen owner, search and period."""
        self._stale = False
        plan = self.ops.plan
        today = base.today()
        self.period.set_years(current_fiscal_year(plan, today), closed_deal_years(plan))
        year = self.period.chosen()
        owner = self.owner.currentData()
        owner_id = owner if isinstance(owner, int) else None
        # The figures in one read; each column's newest cards with a read of its own, which
        # stays quick however many deals a stage holds (a window over every deal does not).
        board = pipeline_board(
            plan, year, all_time=year is None, owner_id=owner_id, search=self.search.query(),
            limit=0, today=today,
        )  # fmt: skip
        self._read_with = (board.period, owner_id, self.search.query())
        board = replace(
            board,
            columns=tuple(
                replace(column, cards=tuple(self._cards_after(column)(0)))
                if column.count else column
                for column in board.columns
            ),
        )  # fmt: skip
        self.board = board
        self.formats = Formats(profile_summary(plan).currency)
        self._fill_owners(board)
        self._show(board)

    def _fill_owners(self, board: Board) -> None:
        wanted = [("Everyone", None), *[(name, i) for i, name in board.owners]]
        present = [
            (self.owner.itemText(i), self.owner.itemData(i)) for i in range(self.owner.count())
        ]
        if wanted == present:
            return
        chosen = self.owner.currentData()
        self.owner.blockSignals(True)
        self.owner.clear()
        for name, owner_id in wanted:
            self.owner.addItem(name, owner_id)
        index = self.owner.findData(chosen) if chosen is not None else 0
        self.owner.setCurrentIndex(max(index, 0))
        self.owner.blockSignals(False)
        if chosen is not None and index < 0:  # the chosen rep was removed: show everyone
            self.reload()

    def _show(self, board: Board) -> None:
        while len(self.columns) < len(board.columns):
            column = StageColumn(self.formats, self._drop_callback(len(self.columns)))
            self._wire(column)
            self.strip_layout.insertWidget(len(self.columns), column)
            self.columns.append(column)
        while len(self.columns) > len(board.columns):
            column = self.columns.pop()
            column.setParent(None)
            column.deleteLater()
        year = board.period
        period = ClosedPeriodCombo.ALL_TIME.lower() if year is None else f"closed in {year.label}"
        for widget, shown in zip(self.columns, board.columns, strict=True):
            more = self._cards_after(shown)
            widget.show_column(shown, self.formats, period[0].upper() + period[1:], more)

    def _cards_after(self, column: BoardColumn) -> Callable[[int], list[BoardCard]]:
        period, owner_id, search = self._read_with
        stage = column.stage
        status = (
            DealStatus.WON if stage.is_won else DealStatus.LOST if stage.is_lost
            else DealStatus.OPEN
        )  # fmt: skip

        def after(offset: int) -> list[BoardCard]:
            return board_cards(
                self.ops.plan, stage_id=stage.id, status=status, period=period,
                owner_id=owner_id, search=search, offset=offset, today=base.today(),
            )  # fmt: skip

        return after

    def _drop_callback(self, position: int) -> Callable[[int], Any]:
        def dropped(deal_id: int) -> None:
            if self.board is not None and position < len(self.board.columns):
                self.drop_deal(deal_id, self.board.columns[position].stage.id)

        return dropped

    def _wire(self, column: StageColumn) -> None:
        view = column.view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos: self._card_menu(column, pos))
        view.doubleClicked.connect(lambda index: self._edit(column, index))

    def _edit(self, column: StageColumn, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_requested.emit(column.model.cards[index.row()].id)

    def card_menu(self, column: StageColumn, index: QModelIndex) -> QMenu | None:
        """The menu of a card: edit it, or move it to any other stage (the keyboard's and
        the touchpad's way to do what a drag does)."""
        if not index.isValid() or self.board is None or column.column is None:
            return None
        deal_id = column.model.cards[index.row()].id
        menu = QMenu(self)
        menu.addAction("Edit Deal…", lambda: self.edit_requested.emit(deal_id))
        move = menu.addMenu("Move to")
        for other in self.board.columns:
            if other.stage.id != column.column.stage.id:
                move.addAction(other.stage.name, partial(self.drop_deal, deal_id, other.stage.id))
        return menu

    def _card_menu(self, column: StageColumn, pos: QPoint) -> None:
        menu = self.card_menu(column, column.view.indexAt(pos))
        if menu is not None:
            menu.exec(column.view.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _filters_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def _on_changed(self, changes: Change) -> None:
        if not changes & WATCHED:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # -- moving deals --------------------------------------------------------------------

    def drop(self, mime: QMimeData, stage_id: int) -> bool:
        """What a drop of ``mime`` on the column of ``stage_id`` does (see ``drop_deal``)."""
        deal_id = deal_from_mime(mime)
        return deal_id is not None and self.drop_deal(deal_id, stage_id)

    def drop_deal(self, deal_id: int, stage_id: int) -> bool:
        """Move, win or lose the deal as its new column says; True when it was stored."""
        if self.board is None:
            return False
        target = next((c for c in self.board.columns if c.stage.id == stage_id), None)
        shown = next((c.model.cards for c in self.columns if c.column is target), ())
        if target is None or any(card.id == deal_id for card in (*target.cards, *shown)):
            return False  # dropped back where it was: nothing to do, nothing to complain about
        stage = target.stage
        today = base.today()
        build: Callable[[UnitOfWork], Command]
        if stage.is_won:

            def build(uow: UnitOfWork) -> Command:
                return win_deal(uow, deal_id, today=today)

        elif stage.is_lost:
            reason = pipeline_cards.ask_lost_reason(
                self, self.board.lost_reasons, self._customer(deal_id)
            )
            if reason is None:
                return False

            def build(uow: UnitOfWork) -> Command:
                return lose_deal(uow, deal_id, reason, today=today)

        else:

            def build(uow: UnitOfWork) -> Command:
                return move_deal(uow, deal_id, stage_id, today=today)

        try:
            with self.ops.plan.uow() as uow:
                command = build(uow)
        except (ValidationError, NotFoundError) as exc:
            self.ops.failed.emit(str(exc))
            return False
        return self.ops.run(command)

    def _customer(self, deal_id: int) -> str:
        for column in self.columns:
            for card in column.model.cards:
                if card.id == deal_id:
                    return card.customer
        return "this customer"
