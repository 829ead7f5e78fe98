"""The selection side of ``SheetView``: which cells, rows and columns are selected, in
the terms a copy, a paste or a clear needs, and moving the current cell.

``SelectionView`` is the ``QTableView`` base class of ``SheetView``; keys, editing and
the clipboard stay in ``sheet.py``.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex
from PySide6.QtWidgets import QAbstractItemView, QTableView


class SelectionView(QTableView):
    """A table view that reports its selection as blocks, rows and columns, and cells."""

    def set_select_rows(self, rows: bool) -> None:
        """Select whole rows (a list of records) instead of cells (a grid of figures)."""
        behaviour = QAbstractItemView.SelectionBehavior
        self.setSelectionBehavior(behaviour.SelectRows if rows else behaviour.SelectItems)

    def go_to(self, index: QModelIndex) -> None:
        """Make ``index`` the current cell and the whole selection (never extending the
        selection, even while Shift is held for Shift+Return)."""
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if self.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)

    def selected_ranges(self) -> list[tuple[int, int, int, int]]:
        """The selected blocks as (top, bottom, left, right), both ends included."""
        selection = self.selectionModel().selection() if self.model() is not None else None
        if selection is None:
            return []
        blocks = (selection.at(i) for i in range(selection.count()))
        return [(b.top(), b.bottom(), b.left(), b.right()) for b in blocks]

    def selected_block(self) -> tuple[list[int], list[int]]:
        """The rows and columns of the selection (every row and column that holds a
        selected cell, in display order; the current cell when nothing is selected)."""
        rows: set[int] = set()
        columns: set[int] = set()
        for top, bottom, left, right in self.selected_ranges():
            rows.update(range(top, bottom + 1))
            columns.update(range(left, right + 1))
        if not rows and self.currentIndex().isValid():
            rows, columns = {self.currentIndex().row()}, {self.currentIndex().column()}
        header = self.horizontalHeader()
        shown_columns = sorted(
            (c for c in columns if not self.isColumnHidden(c)), key=header.visualIndex
        )
        return sorted(r for r in rows if not self.isRowHidden(r)), shown_columns

    def selected_cells(self) -> list[tuple[int, int]]:
        """The (row, column) cells a paste fills or a clear empties: every selected cell,
        or when whole rows are selected, the current column of each (never every field
        of a record); the current cell when nothing is selected."""
        current = self.currentIndex()
        by_rows = self.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
        if by_rows and current.isValid():
            rows, _columns = self.selected_block()
            return [(r, current.column()) for r in rows]
        hidden_rows = {r for r in range(self._row_count()) if self.isRowHidden(r)}
        cells = [
            (r, c)
            for top, bottom, left, right in self.selected_ranges()
            for c in range(left, right + 1)
            if not self.isColumnHidden(c)
            for r in range(top, bottom + 1)
            if r not in hidden_rows
        ]
        if not cells and current.isValid():
            cells = [(current.row(), current.column())]
        return cells

    def _row_count(self) -> int:
        model = self.model()
        return 0 if model is None else model.rowCount()
