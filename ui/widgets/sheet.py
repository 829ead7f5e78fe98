"""A table that behaves like a spreadsheet, for every table of the planner.

``SheetView`` is a ``QTableView`` for a ``RowTableModel`` (or any model with the same
``set_many`` and, for fast copying, ``copy_texts``): typing over a cell replaces it, F2 or
a double click edits in place, Return/Tab commit and move on, Ctrl+C copies the selection
as tab-separated text a spreadsheet reads as numbers, Ctrl+V pastes a block copied from
Excel at the current cell, Delete clears the selected cells. A paste or a clear is one
undo step (``set_many``); cells that cannot be changed are skipped and cells past the
edge of the table are left out, with a note in the status bar.

Two parts live beside this module: ``clipboard.py`` builds the clipboard texts
(tab-separated text, the copied block, where a paste lands; ``to_tsv``, ``parse_tsv`` and
``cells_label`` stay importable from here) and ``selection.py`` holds ``SelectionView``,
the base class saying which cells are selected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QToolTip,
    QWidget,
)

from ui.models.delegates import CellDelegate
from ui.widgets.clipboard import (
    block_texts,
    cells_label,
    clipboard_data,
    parse_tsv,
    paste_notes,
    place_block,
    to_tsv,
)
from ui.widgets.selection import SelectionView

__all__ = [
    "BUSY_CELLS",
    "CONFIRM_CELLS",
    "HTML_CELL_LIMIT",
    "SheetView",
    "cells_label",
    "parse_tsv",
    "show_cell_message",
    "to_tsv",
]

_EDITABLE = Qt.ItemFlag.ItemIsEditable
# Copies larger than this go to the clipboard as text only: an HTML table of a million
# cells costs seconds to build and no program wants to paste it.
HTML_CELL_LIMIT = 20_000
# A paste or clear of more cells than this asks first (about a second per 2,500 cells)...
CONFIRM_CELLS = 5_000
# ...and of more than this shows the busy cursor.
BUSY_CELLS = 500


def show_cell_message(view: QTableView, index: QModelIndex, message: str) -> None:
    """Show why an edit was refused right at the cell the user typed into."""
    rect = view.visualRect(index)
    where = view.viewport().mapToGlobal(rect.bottomLeft())
    QToolTip.showText(where, message, view.viewport(), rect, 8000)


class SheetView(SelectionView):
    """Spreadsheet keys, copy, paste and clear over a ``RowTableModel``.

    Cells are selected one by one (or in blocks) unless ``select_rows`` is set. With
    ``sortable`` a header click sorts (the model sorts itself); the table starts
    unsorted. ``message`` carries notes for the status bar ("3 pasted cells fell outside
    the table"), also shown in the window's status bar when there is one.
    """

    message = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, sortable: bool = True, select_rows: bool = False
    ) -> None:
        super().__init__(parent)
        self._sortable = sortable
        self._refused_at: QPersistentModelIndex | None = None
        self.cell_delegate = CellDelegate(self)
        self.cell_delegate.navigate.connect(self._navigate)
        self.setItemDelegate(self.cell_delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.set_select_rows(select_rows)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setStretchLastSection(False)
        self.copy_action = self._action("&Copy", QKeySequence.StandardKey.Copy, self.copy)
        self.copy_headers_action = self._action("Copy with &Headers", None, self.copy_with_headers)
        self.paste_action = self._action("&Paste", QKeySequence.StandardKey.Paste, self.paste)
        self.clear_action = self._action(
            "C&lear Cells", QKeySequence.StandardKey.Delete, self.clear
        )

    def _action(self, text: str, key: QKeySequence.StandardKey | None, slot: Any) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            # Shown in the menu only; the keys themselves are handled in keyPressEvent so
            # that they never clash with an editor's own Ctrl+C.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda *_: slot())
        return action

    def setModel(self, model: Any) -> None:
        old = self.model()
        if old is not None and hasattr(old, "edit_rejected"):
            old.edit_rejected.disconnect(self._rejected)
        super().setModel(model)
        if model is not None and hasattr(model, "edit_rejected"):
            model.edit_rejected.connect(self._rejected)
        if self._sortable and model is not None:
            self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.setSortingEnabled(True)

    def note(self, text: str) -> None:
        """A note for the status bar."""
        self.message.emit(text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)

    # -- keys ----------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Keep Ctrl+C/V, Delete and Ctrl+A for the table even if the window has shortcuts
        # on the same keys.
        if event.type() == QEvent.Type.ShortcutOverride and self._sheet_key(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    @staticmethod
    def _sheet_key(event: QKeyEvent) -> bool:
        keys = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste,
                QKeySequence.StandardKey.SelectAll)  # fmt: skip
        if any(event.matches(k) for k in keys):
            return True
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        return event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not plain

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy()
                return
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste()
                return
            if self._sheet_key(event) and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear()
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                self._navigate(-1 if shift else 1, 0)
                return
            # A printable key starts an edit that replaces the cell; F2 edits in place.
            self.cell_delegate.replacing = bool(event.text()) and event.text().isprintable()
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.cell_delegate.replacing = False
        super().mouseDoubleClickEvent(event)

    def closeEditor(self, editor: QWidget, hint: Any) -> None:
        super().closeEditor(editor, hint)
        self.cell_delegate.replacing = False

    def edit(self, index: Any, trigger: Any = None, event: Any = None) -> bool:  # type: ignore[override]
        if trigger is None:  # the public slot edit(index): Qt calls back with a trigger
            super().edit(index)
            return self.state() == QAbstractItemView.State.EditingState
        started = bool(super().edit(index, trigger, event))
        if started:
            self._refused_at = None  # a new edit: only its own refusal keeps the cursor
        if started and not self.cell_delegate.replacing:
            editor = self.indexWidget(index)
            if isinstance(editor, QLineEdit):
                editor.deselect()  # F2 or a double click: the cursor goes to the end
                editor.end(False)
        return started

    def _rejected(self, index: QModelIndex, message: str) -> None:
        self._refused_at = QPersistentModelIndex(index)
        show_cell_message(self, index, message)

    def _navigate(self, rows: int, columns: int) -> None:
        """Move the current cell after an edit; stay on a cell whose edit was refused."""
        current = self.currentIndex()
        refused, self._refused_at = self._refused_at, None
        model = self.model()
        if model is None or not current.isValid():
            return
        if refused is not None and refused.isValid() and refused == current:
            return
        row = min(max(current.row() + rows, 0), model.rowCount() - 1)
        column = min(max(current.column() + columns, 0), model.columnCount() - 1)
        self.go_to(model.index(row, column))

    def _editable(self, cells: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """The cells of ``cells`` the model lets the user change."""
        model: Any = self.model()
        check = getattr(model, "is_editable", None)
        if check is None:  # any other model: ask Qt, cell by cell
            return [(r, c) for r, c in cells if model.flags(model.index(r, c)) & _EDITABLE]
        return [(r, c) for r, c in cells if check(r, c)]

    # -- copy, paste, clear --------------------------------------------------------------

    def copy(self, *, headers: bool = False) -> None:
        """Put the selected cells on the clipboard as tab-separated text (and an HTML
        table for word processors)."""
        model = self.model()
        if model is None:
            return
        rows, columns = self.selected_block()
        if not rows or not columns:
            return
        texts = block_texts(model, rows, columns, self.selected_ranges(), headers=headers)
        with_html = len(rows) * len(columns) <= HTML_CELL_LIMIT
        QApplication.clipboard().setMimeData(
            clipboard_data(texts, headers=headers, with_html=with_html)
        )

    def copy_with_headers(self) -> None:
        self.copy(headers=True)

    def paste(self) -> bool:
        """Paste tab-separated text at the current cell as one undo step; a single value
        fills every selected cell. Returns True when something was stored."""
        model = self.model()
        text = QApplication.clipboard().text()
        if model is None or not text:
            return False
        block = parse_tsv(text)
        targets: list[tuple[int, int, str]] = []
        outside = 0
        selected = self.selected_cells()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            targets = [(r, c, block[0][0]) for r, c in selected]
        else:
            start = self._paste_start()
            if start is None:
                return False
            rows = [r for r in range(start.row(), model.rowCount()) if not self.isRowHidden(r)]
            header = self.horizontalHeader()
            columns = [
                header.logicalIndex(v)
                for v in range(header.visualIndex(start.column()), header.count())
                if not self.isColumnHidden(header.logicalIndex(v))
            ]
            targets, outside = place_block(block, rows, columns)
        texts = {(r, c): t for r, c, t in targets}
        editable = self._editable(list(texts))
        locked = len(texts) - len(editable)
        notes = paste_notes(outside, locked, len(editable))
        if notes:
            self.note(" ".join(notes))
        if not editable or not self._confirm("Paste", len(editable)):
            return False
        edits = [(model.index(r, c), texts[(r, c)]) for r, c in editable]
        return self._store(edits, cells_label("Paste", len(edits)))

    def clear(self) -> bool:
        """Empty the selected editable cells as one undo step (optional figures become
        empty, required ones zero). Returns True when something was stored."""
        model = self.model()
        if model is None:
            return False
        editable = self._editable(self.selected_cells())
        if not editable:
            self.note("These cells cannot be changed here.")
            return False
        if not self._confirm("Clear", len(editable)):
            return False
        edits = [(model.index(r, c), "") for r, c in editable]
        return self._store(edits, cells_label("Clear", len(edits)))

    def _confirm(self, verb: str, count: int) -> bool:
        """Ask before changing so many cells that it takes a while (Ctrl+A, Delete)."""
        if count <= CONFIRM_CELLS:
            return True
        answer = QMessageBox.question(
            self,
            f"{verb} cells",
            f"{verb} {count:,} cells? This can take a little while; "
            "Edit > Undo puts everything back.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def _store(self, edits: list[tuple[QModelIndex, str]], label: str) -> bool:
        model: Any = self.model()
        if len(edits) > BUSY_CELLS:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if hasattr(model, "set_many"):
                return bool(model.set_many(edits, label))
            return any([model.setData(index, text) for index, text in edits])
        finally:
            if len(edits) > BUSY_CELLS:
                QApplication.restoreOverrideCursor()

    def _paste_start(self) -> QModelIndex | None:
        """The top-left selected cell, as a spreadsheet pastes (with whole rows selected:
        the current column of the first one)."""
        rows, columns = self.selected_block()
        model = self.model()
        if not rows or not columns or model is None:
            return None
        if self.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
            columns = [max(self.currentIndex().column(), 0)]
        return model.index(rows[0], columns[0])

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        model = self.model()
        if model is None:
            return
        # Paste and Clear only where something can be changed: any cell of the row clicked.
        row = self.rowAt(event.pos().y()) if event.reason() == event.Reason.Mouse else -1
        row = row if row >= 0 else self.currentIndex().row()
        editable = row >= 0 and any(
            model.flags(model.index(row, c)) & _EDITABLE for c in range(model.columnCount())
        )
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        menu.addAction(self.copy_headers_action)
        if editable:
            self.paste_action.setEnabled(bool(QApplication.clipboard().text()))
            menu.addAction(self.paste_action)
            menu.addAction(self.clear_action)
        menu.exec(event.globalPos())
