"""Item models of the Marketing mix tab: the list of offerings and the promotion channels.

``OfferingListModel`` shows offering names (archived ones greyed, and only when asked
for); renaming in place goes through ``rename_offering`` as one undo step.
``PromotionModel`` is a ``RowTableModel`` of every channel with a tick for "promotes this
offering" and its yearly budget, so typing, pasting and clearing budgets work as in every
other table; each edit is one ``set_offering_channel`` command.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from planner.db.plan import UnitOfWork
from planner.queries import ChannelLink, OfferingRow
from planner.services.commands import Command
from planner.services.errors import NotFoundError, ValidationError
from planner.services.offerings import rename_offering, set_offering_channel
from ui.models.table import Column, Kind, RowTableModel
from ui.undo import PlanOperations

Index = QModelIndex | QPersistentModelIndex


def run_reporting(ops: PlanOperations, command: Command) -> str | None:
    """Run ``command``; None when stored, else the reason it was refused."""
    refusals: list[str] = []

    def note(message: str) -> None:
        refusals.append(message)

    ops.failed.connect(note)
    try:
        stored = ops.run(command)
    finally:
        ops.failed.disconnect(note)
    if stored:
        return None
    return refusals[-1] if refusals else "That change could not be stored."


class OfferingListModel(QAbstractListModel):
    """Offering names in the owner's order; editable in place (a rename)."""

    edit_rejected = Signal(QModelIndex, str)

    def __init__(self, ops: PlanOperations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._rows: list[OfferingRow] = []
        self._shown: list[OfferingRow] = []
        self.show_archived = False
        self._italic = QFont()
        self._italic.setItalic(True)

    @property
    def rows(self) -> list[OfferingRow]:
        """Every offering, archived ones included."""
        return self._rows

    def row_at(self, row: int) -> OfferingRow:
        return self._shown[row]

    def row_of(self, offering_id: int) -> int:
        return next((n for n, r in enumerate(self._shown) if r.id == offering_id), -1)

    def set_rows(self, rows: Sequence[OfferingRow], show_archived: bool | None = None) -> None:
        """Show ``rows``; the same offerings in the same order update in place, so the
        selection and the scroll position stay."""
        if show_archived is not None:
            self.show_archived = show_archived
        self._rows = list(rows)
        shown = [r for r in self._rows if self.show_archived or not r.archived]
        if [r.id for r in shown] == [r.id for r in self._shown]:
            self._shown = shown
            if shown:
                self.dataChanged.emit(self.index(0), self.index(len(shown) - 1))
            return
        if {r.id for r in shown} == {r.id for r in self._shown}:
            self.layoutAboutToBeChanged.emit()
            persistent = self.persistentIndexList()
            keys = [self._shown[i.row()].id for i in persistent]
            self._shown = shown
            place = {r.id: n for n, r in enumerate(shown)}
            self.changePersistentIndexList(persistent, [self.index(place[k]) for k in keys])
            self.layoutChanged.emit()
            return
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        row = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.name} (archived)" if row.archived else row.name
        if role == Qt.ItemDataRole.EditRole:
            return row.name
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.archived:
                return f"{row.name} is archived: kept for past deals and figures, hidden elsewhere."
            return row.description or None
        if role == Qt.ItemDataRole.ForegroundRole and row.archived:
            palette = QGuiApplication.palette()
            return palette.brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.FontRole and row.archived:
            return self._italic
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self._shown[index.row()]
        name = "" if value is None else str(value)
        if name.strip() == row.name:
            return False
        at = self.index(index.row())
        try:
            with self._ops.plan.uow() as uow:
                command = rename_offering(uow, row.id, name)
        except (ValidationError, NotFoundError) as exc:
            self.edit_rejected.emit(at, str(exc))
            self._ops.failed.emit(str(exc))
            return False
        refused = run_reporting(self._ops, command)
        if refused is not None:
            self.edit_rejected.emit(at, refused)
        return refused is None


_YES = {"yes", "y", "true", "1", "x", "✓", "✔", "ja", "oui", "sí", "si"}
_NO = {"no", "n", "false", "0", "", "nein", "non"}


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError(f"'{value}' is not a yes or no; type Yes or No.")


class PromotionModel(RowTableModel):
    """Channels with a tick for promoting the offering and a yearly budget for it."""

    PROMOTES = 1
    BUDGET = 2

    def __init__(self, ops: PlanOperations, parent: QObject | None = None) -> None:
        self.offering_id: int | None = None
        columns: list[Column[ChannelLink]] = [
            Column("Channel", lambda c: c.name, tooltip="The channels of your plan."),
            Column(
                "Promotes it",
                lambda c: c.promotes,
                Kind.BOOL,
                field="promotes",
                tooltip="Tick the channels you use to make people want this offering.",
            ),
            Column(
                "Yearly budget",
                lambda c: c.yearly_budget,
                Kind.MONEY,
                field="yearly_budget",
                tooltip="What you plan to spend a year promoting this offering in the channel.",
            ),
        ]
        super().__init__(
            columns,
            ops=ops,
            command_for=self._command_for_cell,
            row_label=lambda c: c.name,
            parent=parent,
        )

    def _command_for_cell(
        self, uow: UnitOfWork, row: ChannelLink, column: Column[Any], value: Any
    ) -> Command | None:
        assert self.offering_id is not None
        if column.field == "promotes":
            command = set_offering_channel(uow, self.offering_id, row.id, promotes=_yes_no(value))
        else:
            budget = Decimal(0) if value is None else value
            command = set_offering_channel(uow, self.offering_id, row.id, yearly_budget=budget)
        return None if command.changes_nothing else command

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: ChannelLink = self.row_at(index.row())
        column = index.column()
        if column == self.PROMOTES and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.promotes else Qt.CheckState.Unchecked
        no_budget = not row.promotes and not row.yearly_budget
        if column == self.BUDGET and role == Qt.ItemDataRole.DisplayRole and no_budget:
            return ""  # nothing to show where the channel does not promote it
        if column == 0 and role == Qt.ItemDataRole.ToolTipRole:
            archived = " It is archived." if row.archived else ""
            return f"{row.name}: {row.kind}.{archived}"
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.PROMOTES:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.PROMOTES:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            return super().setData(index, "Yes" if checked else "No", Qt.ItemDataRole.EditRole)
        return super().setData(index, value, role)
