"""File > Print Quarterly Report…: choose a quarter, sections and notes, see it, print or save.

The left side holds the choices; the right side is a live print preview of the real pages
(the same painting as the PDF and the printer), updated as the choices change. The
report's numbers are read once per quarter from ``planner.queries.report``; sections,
notes and paper only lay the pages out again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPageLayout
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import FiscalQuarter
from planner.queries.report import (
    QuarterReport,
    last_completed_quarter,
    quarter_report,
    report_quarters,
)
from ui.report import PAPERS, ReportOptions, default_paper, render, write_pdf
from ui.report.document import SECTIONS
from ui.report.layout import page_layout
from ui.settings import USER, Option, Settings
from ui.tabs import base
from ui.undo import PlanOperations

REPORT_PAPER: Option[str] = Option(USER, "report_paper", str, "")
NOTES_DELAY_MS = 500  # typing pauses this long before the preview follows the notes

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
        self.last_saved: Path | None = None

        self.quarter_box = QComboBox()
        # Long quarter names must not squeeze the form's labels in the fixed-width side.
        self.quarter_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.quarter_box.setMinimumContentsLength(16)
        default = last_completed_quarter(ops.plan, self._today)
        quarters = report_quarters(ops.plan, self._today)
        if default not in quarters:
            quarters.insert(0, default)
        current = FiscalQuarter.containing(self._today, default.fiscal_year.start_month)
        self.quarters = quarters
        for quarter in quarters:
            span = f"{quarter.first_month.short_label} \u2013 {quarter.last_month.short_label}"
            note = " (in progress)" if quarter == current else ""
            self.quarter_box.addItem(f"{quarter.label}: {span}{note}", str(quarter))
        self.quarter_box.setCurrentIndex(quarters.index(default))
        self.quarter_box.setToolTip("The fiscal quarter the report is about.")

        self.section_boxes: dict[str, QCheckBox] = {}
        sections = QGroupBox("Sections")
        section_layout = QVBoxLayout(sections)
        cover = QCheckBox("Cover page")
        cover.setChecked(True)
        cover.setEnabled(False)
        cover.setToolTip("Every report starts with its cover.")
        section_layout.addWidget(cover)
        for key, title in SECTIONS.items():
            box = QCheckBox(title)
            box.setChecked(True)
            box.toggled.connect(self._refresh)
            self.section_boxes[key] = box
            section_layout.addWidget(box)

        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(
            "Anything the reader should know: a new shop, a big order, a quiet month and why. "
            "Printed on the last page."
        )
        self.notes.setMinimumHeight(90)
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_DELAY_MS)
        self._notes_timer.timeout.connect(self._refresh)
        self.notes.textChanged.connect(self._notes_timer.start)

        self.paper_box = QComboBox()
        for key, title in PAPERS.items():
            self.paper_box.addItem(title, key)
        saved = self.settings.get(REPORT_PAPER)
        paper = saved if saved in PAPERS else default_paper()
        self.paper_box.setCurrentIndex(list(PAPERS).index(paper))

        form = QFormLayout()
        form.addRow("&Quarter:", self.quarter_box)
        form.addRow("&Paper:", self.paper_box)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        notes_label = QLabel("&Notes for the reader:")
        notes_label.setBuddy(self.notes)

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
        side.addLayout(form)
        side.addWidget(sections)
        side.addWidget(notes_label)
        side.addWidget(self.notes, 1)
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

        layout = QHBoxLayout(self)
        layout.addWidget(side_widget)
        layout.addLayout(preview_side, 1)
        self.resize(1100, 760)

        self.quarter_box.currentIndexChanged.connect(self._refresh)
        self.paper_box.currentIndexChanged.connect(self._paper_changed)
        self._apply_paper()

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
        return self.quarters[max(self.quarter_box.currentIndex(), 0)]

    def select_quarter(self, quarter: FiscalQuarter) -> None:
        self.quarter_box.setCurrentIndex(self.quarters.index(quarter))

    def options(self) -> ReportOptions:
        chosen = tuple(k for k, box in self.section_boxes.items() if box.isChecked())
        return ReportOptions(chosen, self.notes.toPlainText(), str(self.paper_box.currentData()))

    def report(self) -> QuarterReport:
        quarter = self.quarter
        if quarter not in self._reports:
            self._reports[quarter] = quarter_report(self.ops.plan, quarter, today=self._today)
        return self._reports[quarter]

    def _paper_changed(self) -> None:
        self.settings.set(REPORT_PAPER, str(self.paper_box.currentData()))
        self._apply_paper()

    def _apply_paper(self) -> None:
        layout: QPageLayout = page_layout(str(self.paper_box.currentData()))
        self.printer.setPageLayout(layout)
        self._refresh()

    def _refresh(self) -> None:
        self._notes_timer.stop()
        self.preview.updatePreview()

    def _paint(self, printer: QPrinter) -> None:
        render(printer, self.report(), self.options())

    def _show_page_count(self) -> None:
        count = self.preview.pageCount()
        self.page_label.setText("1 page" if count == 1 else f"{count} pages")

    # -- output ----------------------------------------------------------------------------

    def default_pdf_path(self) -> Path:
        report = self.report()
        name = f"{report.business} {report.quarter.label} report.pdf"
        safe = "".join("-" if c in '/\\:*?"<>|' else c for c in name)
        return self.ops.plan.path.parent / safe

    def save_pdf(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the Report as PDF", str(self.default_pdf_path()), "PDF files (*.pdf)"
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            write_pdf(self.report(), self.options(), path)
        except OSError as exc:
            from planner.cli import describe_error

            QMessageBox.warning(self, "Report Not Saved", describe_error(exc))
            return
        self.last_saved = path
        QMessageBox.information(self, "Report Saved", f"The report was saved as {path.name}.")

    def print_report(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout(str(self.paper_box.currentData())))
        printer.setDocName(f"{self.report().business} {self.quarter.label}")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the Quarterly Report")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        render(printer, self.report(), self.options())
