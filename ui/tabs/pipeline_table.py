"""The pipeline as a table: filters, a search, the deals, the totals of what is shown, and the
buttons that add, edit, win, lose and reopen a deal.

Filtering happens on the rows ``planner.queries.deals`` returned (one predicate over a
Python list), so 100,000 deals filter without going back to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
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

from planner.db.models import Deal
from planner.db.plan import UnitOfWork
from planner.domain.pipeline import DealStatus
from planner.queries import DealChoices, DealRow
from planner.services.commands import Command
from planner.services.deals import change_close_date
from planner.services.edit import date_or_none
from ui.models.formats import Formats
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.tabs import base as tabs_base
from ui.tabs.widgets import make_table
from ui.undo import PlanOperations
from ui.widgets import SearchBox

STATUS_CHOICES = (
    ("All deals", None),
    ("Open", DealStatus.OPEN),
    ("Won", DealStatus.WON),
    ("Lost", DealStatus.LOST),
)
NEEDS_ATTENTION = "Needs attention"
_NO_DATE = QDate(2000, 1, 1)  # a date edit at this minimum shows "Any"


def _attention(deal: DealRow) -> str:
    return "⚠ " + "; ".join(deal.stale_reasons) if deal.stale else ""


DEAL_COLUMNS: list[Column[DealRow]] = [
    Column("Customer", lambda d: d.customer, field="customer"),
    Column("Title", lambda d: d.title, field="title"),
    Column("Amount", lambda d: d.amount, Kind.MONEY, field="amount_minor"),
    Column("Stage", lambda d: d.stage, sort_by=lambda d: d.stage_position),
    Column(
        "Probability",
        lambda d: d.probability,
        Kind.COUNT,
        display=lambda p: f"{p}%",
        field="probability",
        editable=lambda d: d.status is DealStatus.OPEN,
        tooltip="The deal's own probability, or its stage's when it has none. Clear it to "
        "use the stage's again.",
    ),
    Column(
        "Weighted",
        lambda d: d.weighted,
        Kind.MONEY,
        tooltip="Amount x probability: what the deal is worth to the forecast today.",
    ),
    Column("Expected close", lambda d: d.expected_close, Kind.DATE, field="expected_close"),
    Column("Status", lambda d: d.status, display=lambda s: str(s).capitalize()),
    Column(
        NEEDS_ATTENTION,
        _attention,
        sort_by=lambda d: (not d.stale, d.stale_reasons),
        tooltip="Open deals with no change for a while, a close date moved three times or "
        "more, or a close date already past.",
    ),
    Column("Days in stage", lambda d: d.days_in_stage, Kind.COUNT),
    Column(
        "Age (days)",
        lambda d: d.age_days,
        Kind.COUNT,
        tooltip="Days since the deal was created, or until it closed.",
    ),
    Column("Close date moved", lambda d: d.slips, Kind.COUNT),
    Column("Offering", lambda d: d.offering),
    Column("Segment", lambda d: d.segment),
    Column("Source channel", lambda d: d.channel),
    Column("Owner", lambda d: d.owner),
    Column("Created", lambda d: d.created_on, Kind.DATE),
    Column("Closed", lambda d: d.closed_on, Kind.DATE),
    Column("Lost reason", lambda d: d.lost_reason),
]
_ATTENTION_COLUMN = [c.header for c in DEAL_COLUMNS].index(NEEDS_ATTENTION)


_field_edit = field_commands(Deal)


def deal_command(uow: UnitOfWork, row: DealRow, column: Column[Any], value: Any) -> Command | None:
    """A cell edit: a new close date goes into the deal's history (it counts as a slip);
    other cells set their field."""
    if column.field == "expected_close":
        day = date_or_none(value)  # a cleared cell arrives as None
        return change_close_date(uow, row.id, day, today=tabs_base.today())
    return _field_edit(uow, row, column, value)


class DealTableModel(RowTableModel):
    """Deals, with the reasons a deal needs attention as the tooltip of its flag."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and index.column() == _ATTENTION_COLUMN:
            deal: DealRow = self.row_at(index.row())
            if role == Qt.ItemDataRole.ToolTipRole and deal.stale:
                return "This deal needs attention:\n" + "\n".join(deal.stale_reasons)
            if role == Qt.ItemDataRole.ForegroundRole and deal.stale:
                return QBrush(QColor(170, 60, 0))  # amber-brown: readable on light and dark
        return super().data(index, role)


def _equals(attribute: str, value: str) -> Callable[[DealRow], bool]:
    def check(deal: DealRow) -> bool:
        return bool(getattr(deal, attribute) == value)

    return check


def _date(edit: QDateEdit) -> dt.date | None:
    q = edit.date()
    return None if q == _NO_DATE else dt.date(q.year(), q.month(), q.day())


class DealTable(QWidget):
    """Filters, search, the deals table, totals and the deal buttons."""

    new_requested = Signal()
    edit_requested = Signal(int)
    win_requested = Signal(int)
    lose_requested = Signal(int)
    reopen_requested = Signal(int)

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.formats = Formats()
        self.model = DealTableModel(DEAL_COLUMNS, ops=ops, command_for=deal_command)
        self.search = SearchBox(placeholder="Find customer or title…")
        self.search.setObjectName("dealSearch")
        self.status = QComboBox()
        self.status.setObjectName("dealStatus")
        for label, _ in STATUS_CHOICES:
            self.status.addItem(label)
        self.stage, self.owner, self.offering = QComboBox(), QComboBox(), QComboBox()
        self.segment, self.channel = QComboBox(), QComboBox()
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
        self.new_button = QPushButton("New Deal…")
        self.edit_button = QPushButton("Edit…")
        self.win_button = QPushButton("Win")
        self.lose_button = QPushButton("Lose…")
        self.reopen_button = QPushButton("Reopen…")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.win_button, self.lose_button,
                       self.reopen_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._wire()
        self._update_buttons()

    def _wire(self) -> None:
        refilter: Callable[..., None] = lambda *_: self.apply_filter()  # noqa: E731
        self.search.text_changed.connect(refilter)
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

    def set_choices(self, choices: DealChoices, rows: list[DealRow]) -> bool:
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
        owners = sorted({r.owner for r in rows if r.owner} | {o.name for o in choices.owners})
        fill(self.owner, "All owners", owners)
        fill(self.offering, "All offerings", sorted({r.offering for r in rows if r.offering}))
        fill(self.segment, "All segments", sorted({r.segment for r in rows if r.segment}))
        fill(self.channel, "All channels", sorted({r.channel for r in rows if r.channel}))
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

    def predicate(self) -> Callable[[DealRow], bool] | None:
        """The test a deal must pass to be shown, or None when nothing is filtered."""
        words = self.search.query().casefold().split()
        status = STATUS_CHOICES[max(self.status.currentIndex(), 0)][1]

        def chosen(combo: QComboBox) -> str | None:
            return combo.currentText() if combo.currentIndex() > 0 else None

        stage, owner, offering = chosen(self.stage), chosen(self.owner), chosen(self.offering)
        segment, channel = chosen(self.segment), chosen(self.channel)
        low, high = _date(self.close_from), _date(self.close_to)
        checks: list[Callable[[DealRow], bool]] = []
        if status is not None:
            checks.append(lambda d: d.status is status)
        for value, attribute in ((stage, "stage"), (owner, "owner"), (offering, "offering"),
                                 (segment, "segment"), (channel, "channel")):  # fmt: skip
            if value is not None:
                checks.append(_equals(attribute, value))
        if low is not None:
            checks.append(lambda d: d.expected_close is not None and d.expected_close >= low)
        if high is not None:
            checks.append(lambda d: d.expected_close is not None and d.expected_close <= high)
        if words:
            checks.append(lambda d: all(w in f"{d.customer}\n{d.title}".casefold() for w in words))
        if not checks:
            return None
        return lambda d: all(check(d) for check in checks)

    def apply_filter(self) -> None:
        self.model.set_filter(self.predicate())
        self.show_totals()

    def show_totals(self) -> None:
        shown: list[DealRow] = self.model.shown
        amount = sum((d.amount for d in shown), Decimal(0))
        weighted = sum((d.weighted for d in shown), Decimal(0))
        every = len(self.model.rows)
        count = self.formats.count(len(shown))
        if len(shown) != every:
            count = f"{count} of {self.formats.count(every)}"
        flagged = sum(1 for d in shown if d.stale)
        attention = f" · {self.formats.count(flagged)} need attention" if flagged else ""
        self.totals.setText(
            f"{count} deals shown · Amount {self.formats.money(amount)} · "
            f"Weighted {self.formats.money(weighted)}{attention}"
        )

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
