"""Cell editors: a line edit aligned like the value it edits, and spreadsheet keys in it.

Return, Tab and the arrow keys commit the edit at once (not through Qt's queued commit)
and then ask the view to move, so a ``SheetView`` moves down after Return and right after
Tab exactly like a spreadsheet, and a test can check the stored value right after the key.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

# Key -> (rows, columns) to move after committing; Shift reverses Return.
_MOVES = {
    Qt.Key.Key_Return: (1, 0),
    Qt.Key.Key_Enter: (1, 0),
    Qt.Key.Key_Tab: (0, 1),
    Qt.Key.Key_Backtab: (0, -1),
    Qt.Key.Key_Up: (-1, 0),
    Qt.Key.Key_Down: (1, 0),
}


class CellDelegate(QStyledItemDelegate):
    """Edits every cell as text; the model reads it back (money, percent, count or text).

    ``navigate(rows, columns)`` is emitted after an edit was committed by Return
    (Shift+Return goes up), Tab/Shift+Tab or Up/Down. While a cell is being typed over
    (``replacing``), Left and Right also commit and move, as in a spreadsheet; after F2 or
    a double click they move the text cursor.
    """

    navigate = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replacing = False

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        align = index.data(Qt.ItemDataRole.TextAlignmentRole)
        if align is not None:
            editor.setAlignment(Qt.AlignmentFlag(align))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            editor.selectAll()
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QLineEdit):
            assert isinstance(event, QKeyEvent)
            move = self._move_for(event)
            if move is not None:
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                self.navigate.emit(*move)
                return True
        return super().eventFilter(editor, event)

    def _move_for(self, event: QKeyEvent) -> tuple[int, int] | None:
        key = Qt.Key(event.key())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return (-1, 0) if shift else (1, 0)
        if key == Qt.Key.Key_Tab and shift:
            return (0, -1)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.replacing and not shift:
            return (0, -1) if key == Qt.Key.Key_Left else (0, 1)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and shift:
            return None
        return _MOVES.get(key)
