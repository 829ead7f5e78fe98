"""Pieces shared by the import wizards (actual sales, deals).

- ``StepDialog``: a dialog of pages with Back / Next / a finish button, each page checked
  before moving on (tests call ``go_next()`` / ``go_back()`` / ``finish()`` directly).
- ``FileChooser``: a path field with "Choose…" for CSV and Excel files.
- ``PreviewTable``: the first rows of a ``SourceTable`` as read, with their line numbers.
- ``ColumnCombo``: pick one column of a file (or none, when optional).
- ``ValueMappingTable``: map each distinct text of a column (a product, a stage) to one of
  the plan's choices, with counts.
- ``StepDialog.run_work``: reading, checking and importing a big file on a worker thread
  behind a progress dialog with Cancel (``BackgroundWork`` and ``apply_prepared`` in
  ui/import_work.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.io.tabular import ImportCancelled, ImportFileError, SourceTable
from ui.import_work import BackgroundWork

T = TypeVar("T")

FILE_FILTER = "Sales exports (*.csv *.txt *.tsv *.xlsx);;All files (*)"
NO_COLUMN = "(none)"


class StepDialog(QDialog):
    """Pages in order with Back / Next / ``finish_text``. Subclasses add pages with
    ``add_page(widget, title, check)``: ``check()`` returns None to move on or a sentence
    shown in red under the page; ``entered(index)`` runs when a page is shown."""

    page_changed = Signal(int)

    def __init__(self, title: str, finish_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 560)
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.stack = QStackedWidget()
        self.error = QLabel()
        self.error.setObjectName("stepError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.back_button = QPushButton("< &Back")
        self.next_button = QPushButton("&Next >")
        self.finish_button = QPushButton(finish_text)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.back_button, self.next_button, self.finish_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.finish_button.clicked.connect(self.finish)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._titles: list[str] = []
        self._checks: list[Callable[[], str | None]] = []
        self.work: BackgroundWork | None = None  # the work running now, if any
        self.file_error: str | None = None  # why the chosen file could not be read

    def run_work(self, text: str, work: Callable[[BackgroundWork], T]) -> T:
        """``work(job)`` on a worker thread behind a progress dialog saying ``text``; its
        result, or its exception raised here (``ImportCancelled`` after Cancel)."""
        self.work = BackgroundWork(self, self.windowTitle(), text)
        try:
            return self.work.run(work)
        finally:
            self.work.deleteLater()
            self.work = None

    def read_file(
        self, chooser: FileChooser, note: QLabel, path: str, read: Callable[[str], T]
    ) -> T | None:
        """``read(path)`` on a worker behind the progress dialog, ``path`` shown in
        ``chooser``. None when nothing was read: no path, or a file that cannot be read or
        a Cancel, whose reason is shown in ``note`` and kept in ``file_error``."""
        self.file_error = None
        if not path:
            return None
        if chooser.path() != path:
            chooser.path_edit.setText(path)
        try:
            return self.run_work("Reading the file…", lambda _job: read(path))
        except (ImportFileError, ImportCancelled) as exc:
            cancelled = isinstance(exc, ImportCancelled)
            self.file_error = "Reading the file was cancelled." if cancelled else str(exc)
            note.setText(self.file_error)
            return None

    def add_page(self, page: QWidget, title: str, check: Callable[[], str | None]) -> int:
        self._titles.append(title)
        self._checks.append(check)
        return self.stack.addWidget(page)

    def add_file_page(
        self, intro: str, chooser: FileChooser, check: Callable[[], str | None]
    ) -> QLabel:
        """The first page: what to choose and why, the path, and a note (returned) that
        says what was read or why it could not be."""
        page = QWidget()
        layout = QVBoxLayout(page)
        text = QLabel(intro)
        text.setWordWrap(True)
        note = QLabel()
        note.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(chooser)
        layout.addWidget(note)
        layout.addStretch(1)
        self.add_page(page, "Choose the file", check)
        return note

    def add_summary_page(self) -> tuple[QPlainTextEdit, QCheckBox]:
        """The last page: what Import would do, and a box to skip lines that cannot be read."""
        page = QWidget()
        layout = QVBoxLayout(page)
        summary = QPlainTextEdit()
        summary.setReadOnly(True)
        skip_bad = QCheckBox()
        layout.addWidget(summary, 1)
        layout.addWidget(skip_bad)
        self.add_page(page, "What will be imported", lambda: None)
        return summary, skip_bad

    def start(self) -> None:
        """Show the first page; call once every page is added."""
        self._show(0)

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        count = self.stack.count()
        self.heading.setText(f"Step {index + 1} of {count}: {self._titles[index]}")
        self.error.clear()
        self.entered(index)
        last = index == count - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.finish_button.setVisible(last)
        (self.finish_button if last else self.next_button).setDefault(True)
        self.page_changed.emit(index)

    def entered(self, index: int) -> None:
        """Fill page ``index`` as it is shown (override)."""

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def go_next(self) -> bool:
        """Check the page and show the next one; False (with the reason shown) if refused."""
        problem = self._checks[self.page]()
        if problem is not None:
            self.show_error(problem)
            return False
        if self.page < self.stack.count() - 1:
            self._show(self.page + 1)
        return True

    def go_back(self) -> None:
        if self.page > 0:
            self._show(self.page - 1)

    def finish(self) -> bool:
        """Override: do the work; return True when done (the dialog then closes)."""
        return False


class FileChooser(QWidget):
    """A path field with a "Choose…" button; ``chosen(path)`` when a path is picked."""

    chosen = Signal(str)

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption = caption
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("A .csv or .xlsx file exported from your shop or books")
        self.browse_button = QPushButton("Choose…")
        self.browse_button.clicked.connect(self._browse)
        self.path_edit.editingFinished.connect(lambda: self.chosen.emit(self.path()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.path_edit, 1)
        layout.addWidget(self.browse_button)

    def path(self) -> str:
        return self.path_edit.text().strip()

    def set_path(self, path: str) -> None:
        self.path_edit.setText(path)
        self.chosen.emit(path)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, self._caption, self.path(), FILE_FILTER)
        if path:
            self.set_path(path)


class PreviewTable(QTableWidget):
    """The first ``limit`` rows of a table, as read from the file (line numbers on the left)."""

    def __init__(self, parent: QWidget | None = None, limit: int = 20) -> None:
        super().__init__(parent)
        self._limit = limit
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)

    def show_table(self, table: SourceTable) -> None:
        rows = table.rows[: self._limit]
        self.clear()
        self.setColumnCount(len(table.headers))
        self.setRowCount(len(rows))
        self.setHorizontalHeaderLabels(table.headers)
        self.setVerticalHeaderLabels([str(r.line) for r in rows])
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells):
                self.setItem(r, c, QTableWidgetItem(text))
        self.resizeColumnsToContents()
        for c in range(self.columnCount()):
            self.setColumnWidth(c, min(self.columnWidth(c), 260))


class ColumnCombo(QComboBox):
    """Choose one column by header; ``(none)`` first when ``optional``."""

    def __init__(self, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._optional = optional

    def set_headers(self, headers: Sequence[str], selected: int | None) -> None:
        self.blockSignals(True)
        self.clear()
        if self._optional:
            self.addItem(NO_COLUMN, None)
        for index, header in enumerate(headers):
            self.addItem(header, index)
        self.blockSignals(False)
        self.select(selected)

    def select(self, column: int | None) -> None:
        position = self.findData(column) if column is not None else (0 if self._optional else -1)
        self.setCurrentIndex(max(position, -1))

    def column(self) -> int | None:
        data = self.currentData()
        return data if isinstance(data, int) else None


class ValueMappingTable(QTableWidget):
    """One row per distinct text (with how many lines have it) and a combo of choices."""

    def __init__(self, value_header: str, choice_header: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHorizontalHeaderLabels([value_header, "Lines", choice_header])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._values: list[str] = []

    def set_values(
        self,
        values: Sequence[tuple[str, int]],
        choices: Sequence[tuple[str, object]],
        selected: dict[str, object],
    ) -> None:
        """``values``: (text, lines); ``choices``: (label, data); ``selected``: text -> data."""
        self.setRowCount(len(values))
        self._values = [text for text, _count in values]
        for row, (text, count) in enumerate(values):
            self.setItem(row, 0, QTableWidgetItem(text))
            lines = QTableWidgetItem(f"{count:,}")
            lines.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 1, lines)
            combo = QComboBox()
            for label, data in choices:
                combo.addItem(label, data)
            position = combo.findData(selected.get(text))
            combo.setCurrentIndex(max(position, 0))
            self.setCellWidget(row, 2, combo)

    def combo(self, text: str) -> QComboBox:
        widget = self.cellWidget(self._values.index(text), 2)
        assert isinstance(widget, QComboBox)
        return widget

    def mapping(self) -> dict[str, object]:
        """Each text -> the data of its chosen choice."""
        return {text: self.combo(text).currentData() for text in self._values}
