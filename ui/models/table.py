"""One table model for every tab: rows are frozen dataclasses, columns are declared specs.

``RowTableModel`` holds the rows of one query in a list under declared ``Column`` specs
(``columns.py``: kinds, formatting, reading typed text, ``field_commands``) and never
touches the database per cell, so 100,000 deals stay quick.

Sorting and filtering happen here, on the Python list, rather than in a
``QSortFilterProxyModel``: a proxy calls ``data()`` for every comparison, which took 39 s
to sort 100,000 rows on this machine against well under a second here.

An edit is parsed (``parse_input``), turned into a command by the model's
``command_for`` function inside a unit of work, and handed to ``PlanOperations.run``. A
refused edit stores nothing, leaves the old value shown, and is reported through
``edit_rejected`` (for a tooltip at the cell) and ``ops.failed`` (for the status bar).

``set_many`` stores a paste or a clear of many cells as ONE undo step (``CellEdits``, in
``batch.py``): every text is read first, then every cell's command is built and applied in
order in one trial transaction (so a cell sees the records earlier cells create), and only
if all are accepted is the whole edit run for real as one ``CompositeCommand``.

The column and batch names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from planner.db.plan import UnitOfWork
from planner.domain.money import MoneyError
from planner.services.commands import Command
from planner.services.errors import ValidationError
from ui.models.batch import CLEAR, REFUSALS, CellEdit, CellEdits, is_noop, read_cell
from ui.models.columns import (
    NUMERIC,
    Column,
    CommandFor,
    Kind,
    R,
    copier,
    copy_text,
    edit_text,
    field_commands,
    format_value,
    parse_input,
    read_date,
    sort_key,
)
from ui.models.formats import Formats
from ui.undo import PlanOperations

__all__ = [
    "CLEAR",
    "CellEdits",
    "Column",
    "CommandFor",
    "Index",
    "Kind",
    "R",
    "RowTableModel",
    "copy_text",
    "edit_text",
    "field_commands",
    "format_value",
    "parse_input",
    "read_date",
]

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class RowTableModel(QAbstractTableModel):
    """Rows of one query under declared columns; sortable, filterable, optionally editable."""

    edit_rejected = Signal(QModelIndex, str)

    def __init__(
        self,
        columns: Sequence[Column[Any]],
        formats: Formats | None = None,
        *,
        key: Callable[[Any], Hashable] = lambda row: row.id,
        emphasis: Callable[[Any], bool] | None = None,
        ops: PlanOperations | None = None,
        command_for: CommandFor | None = None,
        row_label: Callable[[Any], str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._row_label = row_label
        self._refused_at = QModelIndex()  # the cell a many-cell edit was refused at
        self.columns = list(columns)
        self.formats = formats or Formats()
        self._key = key
        self._emphasis = emphasis
        self._ops = ops
        self._command_for = command_for
        self._rows: list[Any] = []
        self._shown: list[Any] = []
        self._filter: Callable[[Any], bool] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._bold = QFont()
        self._bold.setBold(True)

    # -- content -------------------------------------------------------------------------

    @property
    def rows(self) -> list[Any]:
        """Every row, in the order the query returned them."""
        return self._rows

    @property
    def shown(self) -> list[Any]:
        """The rows that pass the filter, in display order."""
        return self._shown

    def row_at(self, row: int) -> Any:
        return self._shown[row]

    def row_of_key(self, key: Hashable) -> int:
        """Display position of the row with ``key``, or -1."""
        for position, row in enumerate(self._shown):
            if self._key(row) == key:
                return position
        return -1

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show new rows. When they are the same records as before (an edit or an undo),
        rows update in place, keeping selection and scroll position."""
        new_rows = list(rows)
        new_shown = self._arrange(new_rows)
        old_keys = [self._key(r) for r in self._shown]
        new_keys = [self._key(r) for r in new_shown]
        if new_keys == old_keys and len(new_rows) == len(self._rows):
            self._rows, self._shown = new_rows, new_shown
            self._all_changed()
        elif len(new_keys) == len(old_keys) and set(new_keys) == set(old_keys):
            self._relayout(lambda: setattr(self, "_shown", new_shown))
            self._rows = new_rows
            self._all_changed()
        else:
            self.beginResetModel()
            self._rows, self._shown = new_rows, new_shown
            self.endResetModel()

    def set_columns(self, columns: Sequence[Column[Any]]) -> None:
        """Replace the columns (for example the months of another fiscal year)."""
        self.beginResetModel()
        self.columns = list(columns)
        if self._sort_column >= len(self.columns):
            self._sort_column = -1
        self._shown = self._arrange(self._rows)
        self.endResetModel()

    def set_formats(self, formats: Formats) -> None:
        if formats is self.formats:
            return
        self.formats = formats
        self._all_changed()

    def _all_changed(self) -> None:
        if self._shown and self.columns:
            last = self.index(len(self._shown) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def set_filter(self, predicate: Callable[[Any], bool] | None) -> None:
        """Show only rows for which ``predicate`` is true (all rows when None)."""
        self._filter = predicate
        self.beginResetModel()
        self._shown = self._arrange(self._rows)
        self.endResetModel()

    def _arrange(self, rows: list[Any]) -> list[Any]:
        shown = rows if self._filter is None else [r for r in rows if self._filter(r)]
        if self._sort_column < 0:
            return list(shown)
        column = self.columns[self._sort_column]
        getter = column.sort_by or column.value
        return sorted(
            shown,
            key=lambda r: sort_key(getter(r)),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )

    def _relayout(self, change: Callable[[], None]) -> None:
        """Reorder rows, keeping persistent indexes (selection, current cell) on their rows."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        keys = [self._key(self._shown[i.row()]) for i in persistent]
        change()
        position = {self._key(r): n for n, r in enumerate(self._shown)}
        moved = []
        for old, key in zip(persistent, keys, strict=True):
            row = position.get(key)
            moved.append(QModelIndex() if row is None else self.index(row, old.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column if 0 <= column < len(self.columns) else -1
        self._sort_order = order
        self._relayout(lambda: setattr(self, "_shown", self._arrange(self._rows)))

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._shown[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            if column.display is not None:
                return column.display(value)
            return format_value(self.formats, column.kind_of(row), value)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(self.formats, column.kind_of(row), column.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.align is not None:
                return column.align
            return _RIGHT if column.kind_of(row) in NUMERIC else _LEFT
        if role == Qt.ItemDataRole.FontRole and self._emphasis and self._emphasis(row):
            return self._bold
        if role == Qt.ItemDataRole.UserRole:
            return column.value(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip
        return None

    def _editable(self, index: Index) -> bool:
        return index.isValid() and self.is_editable(index.row(), index.column())

    def is_editable(self, row: int, column: int) -> bool:
        """Whether the cell can be edited; cheap, for checking many cells at once."""
        if self._ops is None or self._command_for is None:
            return False
        spec = self.columns[column]
        if spec.field is None:
            return False
        return spec.editable is None or spec.editable(self._shown[row])

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(index):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self._editable(index):
            return False
        assert self._ops is not None and self._command_for is not None
        row = self._shown[index.row()]
        column = self.columns[index.column()]
        text = "" if value is None else str(value)
        try:
            typed = self._read(row, column, text)
            if typed is None:
                return False  # nothing changed: no undo step
            with self._ops.plan.uow() as uow:
                command = self._command(uow, row, column, typed)
        except REFUSALS as exc:
            self._reject(self.index(index.row(), index.column()), str(exc))
            return False
        if is_noop(command):
            return False
        assert command is not None
        return self._run(command, self.index(index.row(), index.column()))

    def set_many(self, edits: Sequence[tuple[Index, str]], label: str) -> bool:
        """Store many cells (a paste, a clear) as one undo step called ``label``.

        An empty text clears a cell. Cells that cannot be edited or would not change are
        skipped. Every text is read first; then each cell's command is built and applied
        in order in one transaction. When any cell is refused nothing is stored,
        ``edit_rejected`` and ``ops.failed`` say which cell and why ("Row 3, Amount: 'abc'
        is not an amount of money."), and False is returned; True means stored.
        """
        if self._ops is None or self._command_for is None:
            return False
        parts: list[CellEdit] = []
        for index, text in edits:
            if not self._editable(index):
                continue
            at = self.index(index.row(), index.column())
            row, column = self._shown[at.row()], self.columns[at.column()]
            try:
                typed = self._read(row, column, text)
            except REFUSALS as exc:
                self._reject(at, self._where(at, str(exc)))
                return False
            if typed is not None:
                parts.append(CellEdit(self._builder(at, row, column, typed), label))
        if not parts:
            return False
        self._refused_at = QModelIndex()
        return self._run(CellEdits(label, parts), QModelIndex())

    # -- editing helpers -----------------------------------------------------------------

    def _read(self, row: Any, column: Column[Any], text: str) -> Any:
        """The typed value for ``text``, ``CLEAR`` for an empty cell, None when unchanged."""
        return read_cell(self.formats, row, column, text)

    def _command(self, uow: UnitOfWork, row: Any, column: Column[Any], typed: Any) -> Any:
        assert self._command_for is not None
        if typed is not CLEAR:
            return self._command_for(uow, row, column, typed)
        try:  # an optional figure becomes empty; a required one becomes zero
            return self._command_for(uow, row, column, None)
        except (ValidationError, MoneyError, ArithmeticError, TypeError, ValueError):
            kind = column.kind_of(row)
            zero: Any = 0 if kind is Kind.COUNT else Decimal(0)
            if kind not in NUMERIC:
                zero = ""
            return self._command_for(uow, row, column, zero)

    def _builder(
        self, at: QModelIndex, row: Any, column: Column[Any], typed: Any
    ) -> Callable[[UnitOfWork], Command | None]:
        """Builds one cell's command at apply time; a refusal names the cell."""
        where = self._where(at, "")

        def build(uow: UnitOfWork) -> Command | None:
            try:
                command = self._command(uow, row, column, typed)
            except REFUSALS as exc:
                self._refused_at = at
                raise ValidationError(f"{where}{exc}") from None
            return None if is_noop(command) else command

        return build

    def row_label(self, row: int) -> str:
        """How messages name a row: the model's ``row_label``, else the first column's
        text when it is a name (the table shows no row numbers), else "Row 3"."""
        record = self._shown[row]
        if self._row_label is not None:
            return self._row_label(record)
        first = self.columns[0] if self.columns else None
        if first is not None and first.kind_of(record) is Kind.TEXT:
            value = first.value(record)
            text = first.display(value) if first.display is not None else value
            if text:
                return str(text)
        return f"Row {row + 1}"

    def _where(self, at: QModelIndex, message: str) -> str:
        """ "Row 3, Planned spend: 'abc' is not an amount of money." """
        return f"{self.row_label(at.row())}, {self.columns[at.column()].header}: {message}"

    def _run(self, command: Command, at: QModelIndex) -> bool:
        assert self._ops is not None
        ops = self._ops
        refusals: list[str] = []
        ops.failed.connect(refusals.append)
        try:
            stored = ops.run(command)
        finally:
            ops.failed.disconnect(refusals.append)
        at = self._refused_at if not at.isValid() else at
        if not stored and at.isValid():
            message = refusals[-1] if refusals else "That change could not be stored."
            self.edit_rejected.emit(at, message)
        return stored

    def _reject(self, index: QModelIndex, message: str) -> None:
        self.edit_rejected.emit(index, message)
        assert self._ops is not None
        self._ops.failed.emit(message)

    # -- copying -------------------------------------------------------------------------

    def copy_texts(self, rows: Sequence[int], columns: Sequence[int]) -> list[list[str]]:
        """Plain texts of a block of cells for the clipboard (see ``copy_text``); reads the
        rows in memory only, so copying 100,000 rows stays quick."""
        getters: list[Callable[[Any], str]] = [copier(self.columns[c]) for c in columns]
        shown = self._shown
        return [[get(shown[r]) for get in getters] for r in rows]
