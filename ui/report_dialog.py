"""File > Print Quarterly Report…: choose a quarter, sections and notes, see it, print or save.

The left side holds the choices (``ui.report.choices``); the right side is a live print
preview of the real pages (the same painting as the PDF and the printer), updated as the
choices change. The report's numbers are read once per quarter from
``planner.queries.report``; sections, notes and paper only lay the pages out again.

Reading a quarter's numbers takes seconds on a plan a hundred times a small business's
size, so it runs on the plan's background reader (``ui.background``: a worker thread with
its own database session) while the dialog stays usable; a read that takes a moment shows
its progress in place of the preview, with a Cancel that stops it between its parts.
Save as PDF paints the pages on a worker thread too (``ui.report.jobs``), behind a progress dialog
whose Cancel leaves no file. Printing stays on the GUI thread: the printer dialog and the
printer belong there, and painting a few pages takes a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTimer, Slot
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import FiscalQuarter
from planner.queries.report import QuarterReport, quarter_report
from ui.background import ReadJob, ReadResult, reads_for
from ui.report import ReportOptions, render
from ui.report.choices import REPORT_PAPER as REPORT_PAPER  # kept importable from here
from ui.report.choices import ReportChoices
from ui.report.jobs import PDF_TITLE, PdfJob, ReadingPanel, ReadTicket
from ui.report.layout import page_layout
from ui.settings import Settings
from ui.tabs import base
from ui.undo import PlanOperations

SHOW_READING_AFTER_MS = 250  # a quicker read keeps the preview in place, with no flash
POLL_MS = 100  # how often the reading panel looks at the read's progress

INTRO = (
    "A few pages for your partner, the bank or your accountant: how the quarter went "
    "against plan, marketing and sales, and what the next quarter looks like."
)


class ReportDialog(QDialog):
    """Prepare, preview, print and save the quarterly report of the open plan."""

    def __init__(
        self, ops: PlanOperations, parent: QWidget | None = None, settings: Settings | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print Quarterly Report")
        self.ops = ops
        self.settings = settings or Settings()
        self._today: dt.date = base.today()
        self._reports: dict[FiscalQuarter, QuarterReport] = {}
        self.ticket: ReadTicket | None = None  # the read under way, if any
        self.pdf_job: PdfJob | None = None
        self.last_saved: Path | None = None

        self.choices = ReportChoices(ops.plan, self._today, self.settings)
        # The choices' widgets, as the dialog's own (tests and callers reach for them).
        self.quarter_box = self.choices.quarter_box
        self.paper_box = self.choices.paper_box
        self.section_boxes = self.choices.section_boxes
        self.notes = self.choices.notes
        self.quarters = self.choices.quarters
        self.choices.layout_changed.connect(self._refresh)

        intro = QLabel(INTRO)
        intro.setWordWrap(True)

        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button = QPushButton("&Save as PDF…")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.pdf_button.setDefault(True)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        side = QVBoxLayout()
        side.addWidget(intro)
        side.addWidget(self.choices, 1)
        side.addLayout(buttons)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(340)

        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.preview = QPrintPreviewWidget(self.printer)
        self.preview.paintRequested.connect(self._paint)
        self.preview.setViewMode(QPrintPreviewWidget.ViewMode.SinglePageView)
        self.preview.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
        self.page_label = QLabel()
        self.preview.previewChanged.connect(self._show_page_count)
        preview_side = QVBoxLayout()
        preview_side.addLayout(self._zoom_bar())
        preview_side.addWidget(self.preview, 1)
        preview_widget = QWidget()
        preview_widget.setLayout(preview_side)
        preview_side.setContentsMargins(0, 0, 0, 0)

        self.reading_panel = ReadingPanel()
        self.reading_panel.button.clicked.connect(self._reading_button_clicked)
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(preview_widget)
        self.preview_stack.addWidget(self.reading_panel)
        self._show_reading = QTimer(self)
        self._show_reading.setSingleShot(True)
        self._show_reading.setInterval(SHOW_READING_AFTER_MS)
        self._show_reading.timeout.connect(self._reading_shown)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_reading)

        layout = QHBoxLayout(self)
        layout.addWidget(side_widget)
        layout.addWidget(self.preview_stack, 1)
        self.resize(1100, 760)

        self.choices.quarter_changed.connect(self._quarter_changed)
        self.choices.paper_changed.connect(self._paper_changed)
        self.printer.setPageLayout(page_layout(self.choices.paper))
        self._quarter_changed()

    def _zoom_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for text, tip, slot in (
            ("\u2212", "Zoom out", lambda: self.preview.zoomOut()),
            ("+", "Zoom in", lambda: self.preview.zoomIn()),
            ("Fit width", "Fit the page width", self.preview.fitToWidth),
            ("Whole page", "Show the whole page", self.preview.fitInView),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.page_label)
        return bar

    # -- state -----------------------------------------------------------------------------

    @property
    def quarter(self) -> FiscalQuarter:
        return self.choices.quarter

    def select_quarter(self, quarter: FiscalQuarter) -> None:
        self.choices.select_quarter(quarter)

    def options(self) -> ReportOptions:
        return self.choices.options()

    def report(self) -> QuarterReport | None:
        """The chosen quarter's numbers; None while they are being read (or were not)."""
        return self._reports.get(self.quarter)

    def _paper_changed(self) -> None:
        self.printer.setPageLayout(page_layout(self.choices.paper))
        self._refresh()

    def _refresh(self) -> None:
        if self.report() is not None:
            self.preview.updatePreview()

    def _paint(self, printer: QPrinter) -> None:
        report = self.report()
        if report is not None:  # else the preview waits, hidden, for the numbers
            render(printer, report, self.options())

    def _show_page_count(self) -> None:
        count = self.preview.pageCount()
        self.page_label.setText("1 page" if count == 1 else f"{count} pages")

    # -- reading the numbers ---------------------------------------------------------------

    @property
    def reading(self) -> bool:
        """True while the chosen quarter's numbers are being read."""
        return self.ticket is not None

    def _quarter_changed(self) -> None:
        quarter = self.quarter
        if self.ticket is not None and self.ticket.quarter != quarter:
            self._stop_reading()
        if quarter in self._reports:
            self._show_preview()
        elif self.ticket is None:
            self._read(quarter)

    def _read(self, quarter: FiscalQuarter) -> None:
        ticket = self.ticket = ReadTicket(quarter)
        plan, today = self.ops.plan, self._today
        self._set_outputs_enabled(False)
        self.reading_panel.reading(0)
        self._show_reading.start()
        self._poll.start()
        reads_for(self.ops).submit(
            ReadJob(
                receiver=self,
                read=lambda: quarter_report(plan, quarter, today=today, progress=ticket.progress),
                done=lambda _job, result: self._read_done(ticket, result),
                wanted=ticket.wanted,
            )
        )

    def _read_done(self, ticket: ReadTicket, result: ReadResult) -> None:
        if ticket is not self.ticket:  # stopped meanwhile: the runner drops those already
            return
        self.ticket = None
        self._show_reading.stop()
        self._poll.stop()
        if result.error is not None:
            from planner.cli import describe_error

            self.reading_panel.stopped(
                f"The numbers of {ticket.quarter.label} could not be read. "
                f"{describe_error(result.error)}"
            )
            self.preview_stack.setCurrentWidget(self.reading_panel)
            return
        self._reports[ticket.quarter] = result.value
        if ticket.quarter == self.quarter:
            self._show_preview()

    def _stop_reading(self) -> None:
        """Cancel the read under way: it stops at its next part and reports nothing."""
        if self.ticket is not None:
            self.ticket.stop()
            self.ticket = None
        self._show_reading.stop()
        self._poll.stop()

    @Slot()
    def cancel_reading(self) -> None:
        if self.ticket is None:
            return
        label = self.ticket.quarter.label
        self._stop_reading()
        self.reading_panel.stopped(
            f"Stopped before the numbers of {label} were read. Read them again, or choose "
            "another quarter."
        )
        self.preview_stack.setCurrentWidget(self.reading_panel)

    def _reading_button_clicked(self) -> None:
        if self.ticket is not None:
            self.cancel_reading()
        else:
            self._quarter_changed()
            self._reading_shown()

    def _reading_shown(self) -> None:
        if self.ticket is not None:
            self.page_label.clear()
            self.reading_panel.reading(self.ticket.parts_done)
            self.preview_stack.setCurrentWidget(self.reading_panel)

    def _poll_reading(self) -> None:
        if self.ticket is not None:
            self.reading_panel.bar.setValue(self.ticket.parts_done)

    def _show_preview(self) -> None:
        self._set_outputs_enabled(self.pdf_job is None)
        self.preview_stack.setCurrentIndex(0)
        self.preview.updatePreview()

    def _set_outputs_enabled(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)

    # -- output ----------------------------------------------------------------------------

    def default_pdf_path(self, report: QuarterReport) -> Path:
        name = f"{report.business} {report.quarter.label} report.pdf"
        safe = "".join("-" if c in '/\\:*?"<>|' else c for c in name)
        return self.ops.plan.path.parent / safe

    def save_pdf(self) -> None:
        report = self.report()
        if report is None or self.pdf_job is not None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, PDF_TITLE, str(self.default_pdf_path(report)), "PDF files (*.pdf)"
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._set_outputs_enabled(False)
        self.pdf_job = PdfJob(report, self.options(), path, self)
        self.pdf_job.finished.connect(self._pdf_finished)
        self.pdf_job.start()

    @Slot(object)
    def _pdf_finished(self, outcome: object) -> None:
        job, self.pdf_job = self.pdf_job, None
        if job is not None:
            job.deleteLater()
        self._set_outputs_enabled(self.report() is not None)
        if isinstance(outcome, int) and job is not None:
            self.last_saved = job.path
            QMessageBox.information(
                self, "Report Saved", f"The report was saved as {job.path.name}."
            )
        elif isinstance(outcome, str):
            QMessageBox.warning(self, "Report Not Saved", outcome)
        # None: cancelled, and write_pdf left no file; the dialog stays for another try.

    def print_report(self) -> None:
        report = self.report()
        if report is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout(self.choices.paper))
        printer.setDocName(f"{report.business} {report.quarter.label}")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the Quarterly Report")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        render(printer, report, self.options())

    # -- closing ---------------------------------------------------------------------------

    def reject(self) -> None:
        if self.pdf_job is not None:  # Escape while saving cancels the save first
            self.pdf_job.cancel()
            return
        super().reject()

    def done(self, result: int) -> None:
        self._stop_reading()  # a read no one will see stops at its next part
        super().done(result)
