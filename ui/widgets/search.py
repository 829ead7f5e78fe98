"""The search box above a table: it says what it filters as the user types, and Ctrl+F
finds it on whichever tab is showing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QWidget


class SearchBox(QLineEdit):
    """A line edit with "Search…" in it and a clear button.

    ``text_changed(str)`` carries the trimmed text at once on every change that matters
    (not for spaces added at either end). Ctrl+F anywhere in the window focuses the box,
    but only while it is visible, so each tab's box answers when its tab is shown.
    """

    text_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, placeholder: str = "Search…") -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._last = ""
        self.textChanged.connect(self._changed)
        # Owned by the box with window scope: Qt only fires a widget's shortcut while that
        # widget is visible, so the hidden tabs' boxes never compete for Ctrl+F.
        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.find_shortcut.activated.connect(self.focus_search)
        # Two boxes showing at once: each Ctrl+F goes to the next one in turn.
        self.find_shortcut.activatedAmbiguously.connect(self.focus_search)

    def query(self) -> str:
        """The trimmed text."""
        return self.text().strip()

    def focus_search(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def _changed(self, text: str) -> None:
        trimmed = text.strip()
        if trimmed != self._last:
            self._last = trimmed
            self.text_changed.emit(trimmed)
