"""The quarterly report's long work, off the GUI thread: reading a quarter's numbers and
painting the PDF, and the panel that shows a read's progress in place of the preview.

A read runs on the plan's background reader (``ui.background``) with a ``ReadTicket``:
plain Python shared with the worker, which notes how far the read got and stops it at
its next part once cancelled. ``PdfJob`` paints the pages into a temporary file on its
own thread (painting on a ``QPdfWriter`` off the GUI thread is allowed) and shows each
page in a progress dialog through queued signals; its Cancel leaves no file
(``ui.report.write_pdf``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import FiscalQuarter
from planner.queries.report import REPORT_PARTS, QuarterReport
from ui.background import check_wanted
from ui.report import ReportCancelled, ReportOptions, write_pdf

READING = "Reading the quarter's numbers\u2026"
PDF_TITLE = "Save the Report as PDF"


class ReadTicket:
    """One read of a quarter's numbers, shared with the worker thread: plain Python, no Qt,
    so the worker may look at it whatever happens to the dialog meanwhile."""

    def __init__(self, quarter: FiscalQuarter) -> None:
        self.quarter = quarter
        self.parts_done = 0  # written by the worker, polled by the dialog
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def wanted(self) -> bool:
        return not self._stopped.is_set()

    def progress(self, done: int, _total: int) -> None:
        """``quarter_report``'s hook, on the worker: note the part and stop if cancelled."""
        self.parts_done = done
        check_wanted()


class PdfJob(QObject):
    """Paints the report into a PDF on a worker thread, behind a progress dialog whose
    Cancel stops it between pages. ``finished`` (on the GUI thread, once the dialog is
    gone) carries the page count, an error sentence (str), or None when cancelled (then
    no file was written)."""

    finished = Signal(object)
    _progressed = Signal(int, int)  # emitted on the worker, delivered queued
    _ended = Signal(object)

    def __init__(
        self, report: QuarterReport, options: ReportOptions, path: Path, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.report, self.options, self.path = report, options, path
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.progress = QProgressDialog("Laying out the report\u2026", "Cancel", 0, 1, parent)
        self.progress.setWindowTitle(PDF_TITLE)
        self.progress.setMinimumWidth(360)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)  # a quick save never flashes a dialog
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._end, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="report-pdf", daemon=True)
        self._thread.start()

    @Slot()
    def cancel(self) -> None:
        self._stop.set()
        self.progress.setLabelText("Cancelling\u2026")

    def _tell(self, done: int, total: int) -> bool:
        self._progressed.emit(done, total)
        return not self._stop.is_set()

    def _run(self) -> None:
        from planner.cli import describe_error

        outcome: object
        try:
            outcome = write_pdf(self.report, self.options, self.path, self._tell)
        except ReportCancelled:
            outcome = None
        except Exception as exc:  # shown as one sentence, as everywhere else
            outcome = describe_error(exc)
        self._ended.emit(outcome)

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self._stop.is_set():
            return
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        if done < total:
            self.progress.setLabelText(f"Laying out page {done + 1} of {total}\u2026")
        else:
            self.progress.setLabelText("Saving the file\u2026")

    @Slot(object)
    def _end(self, outcome: object) -> None:
        if self._thread is not None:
            self._thread.join()
        self.progress.close()
        self.progress.deleteLater()
        self.finished.emit(outcome)


class ReadingPanel(QWidget):
    """Stands in for the preview while a quarter's numbers are read: what is happening,
    how far it got, and a button that cancels (or, once stopped, reads again)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(READING)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setRange(0, REPORT_PARTS)
        self.bar.setTextVisible(False)
        self.button = QPushButton("Cancel")
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(self.message)
        column.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 2)
        outer.addStretch(1)

    def reading(self, done: int) -> None:
        self.message.setText(READING)
        self.bar.setVisible(True)
        self.bar.setValue(done)
        self.button.setText("Cancel")

    def stopped(self, message: str) -> None:
        self.message.setText(message)
        self.bar.setVisible(False)
        self.button.setText("Read Again")
