"""Form fields that store themselves: a line, a block of text, a choice, a list of ticks.

Each field shows the stored value and emits ``submitted(text)`` when the user is done
with it: a line on Enter or when it loses focus, a block of text when it loses focus
(or Ctrl+Enter), a choice as soon as it is picked. Whoever listens stores the value and
calls ``accept()`` or ``refuse(message)``; a refused field keeps the user's text, shows
the reason in red right under it, and Escape brings back the stored value.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#b3261e"


def _invalid_style(editor: QWidget) -> str:
    """A red border for an editor showing a refused value."""
    for kind in (QLineEdit, QPlainTextEdit):
        if isinstance(editor, kind):
            return f"{kind.__name__} {{ border: 1px solid {ERROR_COLOUR}; }}"
    return ""


class _Line(QLineEdit):
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class _Text(QPlainTextEdit):
    """Plain text that grows with its content (2 to 8 lines) and reports leaving."""

    escaped = Signal()
    left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda *_: self._fit())
        self._fit()

    def _fit(self) -> None:
        lines = int(self.document().documentLayout().documentSize().height())
        lines = max(2, min(8, lines))
        margins = 2 * (self.document().documentMargin() + self.frameWidth()) + 2
        self.setFixedHeight(int(lines * self.fontMetrics().lineSpacing() + margins))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if control and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.left.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # not for its context menu
            self.left.emit()


class Field(QWidget):
    """An editor with the stored text behind it and a message line under it."""

    submitted = Signal(str)

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.stored = ""
        self.message = QLabel()
        self.message.setObjectName("fieldMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        layout.addWidget(self.message)
        self.setFocusProxy(editor)

    # -- for subclasses ----------------------------------------------------------------

    def text(self) -> str:
        raise NotImplementedError

    def _set_text(self, text: str) -> None:
        raise NotImplementedError

    # -- for the form ------------------------------------------------------------------

    @property
    def refused(self) -> bool:
        return not self.message.isHidden()

    def show_stored(self, text: str, *, keep_refused: bool = True) -> None:
        """Show the stored ``text``. Unless ``keep_refused`` is False (another record is
        shown), a field showing a refusal keeps the user's text, and so does a field whose
        stored value did not change (an edit elsewhere must not wipe what is being typed)."""
        changed = text != self.stored
        self.stored = text
        if keep_refused and (self.refused or not changed):
            return
        self.clear_message()
        if self.text() != text:
            self._set_text(text)

    def accept(self) -> None:
        self.clear_message()

    def refuse(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()
        self.editor.setToolTip(message)
        self.editor.setStyleSheet(_invalid_style(self.editor))

    def clear_message(self) -> None:
        if self.refused:
            self.message.hide()
            self.message.clear()
            self.editor.setToolTip("")
            self.editor.setStyleSheet("")

    def restore(self) -> None:
        """Back to the stored value (Escape)."""
        self.clear_message()
        self._set_text(self.stored)

    def _submit(self) -> None:
        if self.text() == self.stored and not self.refused:
            return
        if self.text() == self.stored:
            self.clear_message()
            return
        self.submitted.emit(self.text())


class LineField(Field):
    """One line; stored on Enter or on leaving the field."""

    def __init__(self, parent: QWidget | None = None, *, numeric: bool = False) -> None:
        self.line = _Line()
        super().__init__(self.line, parent)
        if numeric:
            self.line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.line.editingFinished.connect(self._submit)
        self.line.escaped.connect(self.restore)

    def text(self) -> str:
        return self.line.text()

    def _set_text(self, text: str) -> None:
        position = self.line.cursorPosition()
        self.line.setText(text)
        if self.line.hasFocus():
            self.line.setCursorPosition(min(position, len(text)))
        else:
            self.line.home(False)


class TextField(Field):
    """Several lines; stored on leaving the field (or Ctrl+Enter)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.box = _Text()
        super().__init__(self.box, parent)
        self.box.left.connect(self._submit)
        self.box.escaped.connect(self.restore)

    def text(self) -> str:
        return self.box.toPlainText()

    def _set_text(self, text: str) -> None:
        cursor = self.box.textCursor()
        position = cursor.position()
        self.box.setPlainText(text)
        if self.box.hasFocus():
            cursor = self.box.textCursor()
            cursor.setPosition(min(position, len(text)))
            self.box.setTextCursor(cursor)


class ChoiceField(Field):
    """A choice from a fixed list (or none yet), with what the chosen one means beside it."""

    NONE = "Not decided yet"

    def __init__(self, choices: dict[str, str], parent: QWidget | None = None) -> None:
        self.combo = QComboBox()
        self.combo.addItem(self.NONE, "")
        for value, meaning in choices.items():
            self.combo.addItem(value, value)
            self.combo.setItemData(self.combo.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        self.hint = QLabel()
        self.hint.setObjectName("choiceHint")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # greyed: it explains, it is not a value
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.hint, 1)
        super().__init__(row, parent)
        self.setFocusProxy(self.combo)
        self._meanings = choices
        self.combo.activated.connect(lambda _i: self._submit())
        self.combo.currentIndexChanged.connect(lambda _i: self._explain())

    def text(self) -> str:
        return str(self.combo.currentData() or "")

    def _set_text(self, text: str) -> None:
        with QSignalBlocker(self.combo):
            found = self.combo.findData(text)
            if found < 0 and text:  # a value from an older list: show it as it is
                self.combo.addItem(text, text)
                found = self.combo.count() - 1
            self.combo.setCurrentIndex(max(found, 0))
        self._explain()

    def _explain(self) -> None:
        self.hint.setText(self._meanings.get(self.text(), ""))


class CheckList(QListWidget):
    """Ticks for a handful of records (segments, channels); ``toggled(id, checked)``."""

    toggled = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.itemChanged.connect(self._changed)

    def set_items(self, items: Sequence[tuple[int, str, bool, str]]) -> None:
        """(id, label, ticked, tooltip) per record; keeps the current row where it was."""
        current = self.currentRow()
        with QSignalBlocker(self):
            if [self.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.count())] != [
                key for key, *_ in items
            ]:
                self.clear()
                for key, label, _ticked, _tip in items:
                    item = QListWidgetItem(label)
                    item.setData(Qt.ItemDataRole.UserRole, key)
                    item.setFlags(
                        Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsUserCheckable
                        | Qt.ItemFlag.ItemIsSelectable
                    )
                    item.setCheckState(Qt.CheckState.Unchecked)  # draws the empty box
                    self.addItem(item)
            for n, (_key, label, ticked, tip) in enumerate(items):
                item = self.item(n)
                item.setText(label)
                item.setToolTip(tip)
                state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
                if item.checkState() != state:
                    item.setCheckState(state)
            if 0 <= current < self.count():
                self.setCurrentRow(current)
        rows = max(1, min(self.count(), 8))
        height = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height() + 6
        self.setFixedHeight(rows * height + 2 * self.frameWidth() + 2)

    def checked(self) -> set[int]:
        return {
            int(self.item(n).data(Qt.ItemDataRole.UserRole))
            for n in range(self.count())
            if self.item(n).checkState() == Qt.CheckState.Checked
        }

    def item_for(self, key: int) -> QListWidgetItem | None:
        for n in range(self.count()):
            if self.item(n).data(Qt.ItemDataRole.UserRole) == key:
                return self.item(n)
        return None

    def _changed(self, item: QListWidgetItem) -> None:
        key = int(item.data(Qt.ItemDataRole.UserRole))
        self.toggled.emit(key, item.checkState() == Qt.CheckState.Checked)
