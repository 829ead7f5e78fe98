"""File > Import from Excel…: bring back the figures an owner changed in an exported workbook.

Two steps over ``planner.io.excel_import``: choose the workbook (it is read and compared
with the plan at once), then see what would change (how many changes per sheet, every
change in words, every cell that cannot be understood, and what was left alone) and
Apply it as ONE undo step, "Import from Excel". While any cell has a problem, Apply stays
off: nothing is ever applied in part. The owner can fix the workbook in Excel and press
"Read Again". The workbook is read on a worker thread, so a big one never freezes the
window. Tests drive it through ``set_file``/``reread`` (waiting for ``read_finished``),
``go_next`` and ``finish``.
"""

from __future__ import annotations

import datetime as dt
import threading

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import Plan
from planner.io.excel_import import WorkbookImport, import_command, read_workbook
from planner.io.tabular import ImportFileError
from ui.import_widgets import FileChooser, StepDialog
from ui.tabs import base
from ui.undo import PlanOperations

EXCEL_FILTER = "Excel workbooks (*.xlsx);;All files (*)"
_SHEET_WORDS = {"Targets": "Targets", "Channels": "Channels", "Actuals": "Actual sales",
                "Pipeline": "Deals"}  # fmt: skip


def _wrapping_list() -> QListWidget:
    """A list whose long sentences wrap instead of running off to the right."""
    widget = QListWidget()
    widget.setWordWrap(True)
    widget.setResizeMode(QListWidget.ResizeMode.Adjust)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setAlternatingRowColors(True)
    return widget


class WorkbookChooser(FileChooser):
    """The file field, offering Excel workbooks only."""

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Choose the workbook to import", self.path(), EXCEL_FILTER
        )
        if path:
            self.set_path(path)


class ReadJob(QObject):
    """Reading one workbook on a worker thread; ``finished`` carries the WorkbookImport or
    one sentence saying why the file cannot be imported. It only reads the plan (the trial
    run of ``read_workbook`` is rolled back), with its own database connection."""

    finished = Signal(object)

    def __init__(self, plan: Plan, path: str, today: dt.date, parent: QObject) -> None:
        super().__init__(parent)
        self.plan, self.path, self.today = plan, path, today
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="excel-import", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        from planner.cli import describe_error

        outcome: object
        try:
            outcome = read_workbook(self.path, self.plan, today=self.today)
        except ImportFileError as exc:
            outcome = str(exc)
        except Exception as exc:  # one sentence, as everywhere else
            outcome = describe_error(exc)
        self.finished.emit(outcome)


class ExcelImportDialog(StepDialog):
    """The two steps. ``reading`` is what the chosen workbook would change (None until a
    workbook was read); ``read_finished(ok)`` follows every ``set_file``/``reread``."""

    read_finished = Signal(bool)

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__("Import from Excel", "&Apply", parent)
        self.ops = ops
        self.reading: WorkbookImport | None = None
        self._job: ReadJob | None = None
        self._build_file_page()
        self._build_preview_page()
        self.start()

    # -- pages -----------------------------------------------------------------------------

    def _build_file_page(self) -> None:
        self.chooser = WorkbookChooser("Choose the workbook to import")
        self.chooser.path_edit.setPlaceholderText("An .xlsx workbook exported by this planner")
        self.chooser.chosen.connect(self.set_file)
        self.file_note = self.add_file_page(
            "Choose a workbook you exported with File > Export to Excel and then changed in "
            "Excel or LibreOffice. The planner reads back the figures you changed: targets, "
            "channel budgets, spend and leads, actual sales, and deals (rows you added at the "
            "bottom of Pipeline or Actuals become new records). You see every change before "
            "anything is stored, and one Undo takes the whole import back. The other "
            "sheets (Summary, Marketing mix, Segments, Forecast) are not read: change those "
            "in the planner.",
            self.chooser,
            self._check_file,
        )

    def _build_preview_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #8a5300;")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #b00020;")
        self.problems_list = _wrapping_list()
        self.changes_label = QLabel("What will change:")
        self.changes_list = _wrapping_list()
        self.notes_label = QLabel("Left as it is:")
        self.notes_list = _wrapping_list()
        self.reread_button = QPushButton("&Read Again")
        self.reread_button.setToolTip("Read the workbook again after changing it in Excel.")
        self.reread_button.clicked.connect(self.reread)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.reread_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.warnings_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems_list, 1)
        layout.addWidget(self.changes_label)
        layout.addWidget(self.changes_list, 2)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.notes_list, 1)
        self.add_page(page, "What will change", lambda: None)

    # -- steps -----------------------------------------------------------------------------

    def set_file(self, path: str) -> None:
        """Start reading ``path`` and comparing it with the plan on a worker thread (a big
        workbook takes seconds); ``read_finished(ok)`` tells when it is done."""
        self.reading, self.file_error = None, None
        if not path:
            return
        if self.chooser.path() != path:
            self.chooser.path_edit.setText(path)
        if self._job is not None:
            self._job.wait()  # one read at a time; the newest file wins
        self.file_note.setText("Reading the workbook…")
        self._set_busy(True)
        self._job = ReadJob(self.ops.plan, path, base.today(), self)
        self._job.finished.connect(self._read_done)
        self._job.start()

    @Slot(object)
    def _read_done(self, outcome: object) -> None:
        job, self._job = self._job, None
        if job is not None:
            job.wait()
        self._set_busy(False)
        if isinstance(outcome, WorkbookImport):
            self.reading = outcome
            self.file_note.setText(f"{outcome.file_name} was read: {outcome.summary()}")
            if self.page == 1:
                self._fill_preview()
        else:
            self.file_error = str(outcome)
            self.file_note.setText(self.file_error)
            if self.page == 1:
                self.go_back()
                self.show_error(self.file_error)
        self.read_finished.emit(self.reading is not None)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.next_button, self.reread_button, self.chooser.browse_button):
            button.setEnabled(not busy)
        self.finish_button.setEnabled(not busy and self.reading is not None
                                      and self.reading.can_apply)  # fmt: skip
        if busy:
            self.summary_label.setText("Reading the workbook again…")

    @property
    def busy(self) -> bool:
        return self._job is not None

    def reread(self) -> None:
        """Read the chosen workbook again (after the owner fixed it in Excel)."""
        self.set_file(self.chooser.path())

    def _check_file(self) -> str | None:
        if self.busy:
            return "The workbook is still being read; a moment, please."
        if self.reading is None and self.chooser.path() and self.file_error is None:
            self.set_file(self.chooser.path())
            return "Reading the workbook; press Next when it is read."
        if self.reading is None:
            return self.file_error or "Choose the workbook to import."
        return None

    def done(self, result: int) -> None:
        if self._job is not None:  # its answer must not reach a closed dialog
            self._job.finished.disconnect(self._read_done)
            self._job.wait()
            self._job = None
        super().done(result)

    def entered(self, index: int) -> None:
        if index == 1:
            self._fill_preview()

    def _fill_preview(self) -> None:
        reading = self.reading
        if reading is None:
            return
        self.summary_label.setText(reading.summary())
        counts = reading.counts()
        parts = []
        for sheet in reading.sheets_read:
            text = f"{_SHEET_WORDS[sheet]}: {counts[sheet]:,}"
            if sheet == "Pipeline" and reading.new_deals():
                text += f" ({reading.new_deals():,} new)"
            parts.append(text)
        self.counts_label.setText("Changes per sheet: " + " · ".join(parts) if parts else "")
        self.warnings_label.setText("\n\n".join(reading.warnings))
        self.warnings_label.setVisible(bool(reading.warnings))
        problems = [str(p) for p in reading.problems]
        count = len(problems)
        which = "this cell has a problem" if count == 1 else f"{count:,} cells have problems"
        self.problems_label.setText(
            f"Nothing can be imported while {which}. Fix the workbook in Excel, save it, and "
            "press Read Again."
        )
        self._fill(self.problems_list, problems, [self.problems_label])
        self._fill(self.changes_list, reading.change_lines(), [self.changes_label])
        self._fill(self.notes_list, reading.notes, [self.notes_label])
        self.finish_button.setEnabled(reading.can_apply)
        if reading.can_apply:
            tip = ""
        elif problems:
            tip = "Nothing can be applied until the problems are fixed."
        else:
            tip = "The workbook changes nothing in the plan."
        self.finish_button.setToolTip(tip)

    @staticmethod
    def _fill(widget: QListWidget, lines: list[str], labels: list[QLabel]) -> None:
        widget.clear()
        widget.addItems(lines)
        widget.setVisible(bool(lines))
        for label in labels:
            label.setVisible(bool(lines))

    def finish(self) -> bool:
        """Apply every change as one undo step; True when stored (the dialog then closes)."""
        reading = self.reading
        if reading is None or not reading.can_apply or not self.finish_button.isEnabled():
            return False
        command = import_command(reading, today=base.today())
        if not self.ops.run(command):
            self.show_error(
                "The workbook could not be imported; nothing was changed. Press Read Again "
                "to see why."
            )
            return False
        self.accept()
        return True
