"""File > Export to Excel…: choose the fiscal year and the file, then write the workbook
with a progress dialog that can be cancelled.

The export runs on a worker thread (``ExportJob``) so the window keeps painting while a
large plan is written; the job reports progress and its end through Qt signals, which
reach the dialog on the GUI thread. It only reads the plan (through ``planner.io``), with
its own database connection, so nothing here holds a session.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import Plan
from planner.domain.periods import FiscalYear
from planner.queries.profile import current_fiscal_year, fiscal_years, profile_summary
from ui.tabs import base
from ui.undo import PlanOperations

TITLE = "Export to Excel"
FILTER = "Excel workbooks (*.xlsx)"
PROGRESS_STEPS = 1000
INTRO = (
    "Writes one Excel workbook for your accountant, your bank, or for working on the plan "
    "in a spreadsheet: a summary with charts, and a sheet each for the marketing mix, "
    "segments, channels, targets, deals, actual sales and the forecast. Totals are live "
    "formulas. Changed figures can come back with File > Import from Excel."
)


class ExportJob(QObject):
    """One export on a worker thread. ``finished`` carries the ExportResult, an error
    sentence (str), or None when cancelled."""

    progressed = Signal(int, int, str)
    finished = Signal(object)

    def __init__(
        self, plan: Plan, dest: Path, fiscal_year: FiscalYear, today: dt.date, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.plan, self.dest, self.fiscal_year, self.today = plan, dest, fiscal_year, today
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="excel-export", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()

    def wait(self, seconds: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(seconds)

    def _run(self) -> None:
        from planner.cli import describe_error
        from planner.io.excel_export import ExportCancelled, ExportError, export_workbook

        outcome: object
        try:
            outcome = export_workbook(
                self.plan, self.dest, fiscal_year=self.fiscal_year, today=self.today,
                progress=self.progressed.emit, should_stop=self._stop.is_set,
            )  # fmt: skip
        except ExportCancelled:
            outcome = None
        except ExportError as exc:
            outcome = str(exc)
        except Exception as exc:  # shown as one sentence, as everywhere else
            outcome = describe_error(exc)
        self.finished.emit(outcome)


def default_file_name(business: str, fiscal_year: FiscalYear) -> str:
    """ "Hartmann's Bakery FY 2026.xlsx": characters file systems refuse become spaces."""
    label = fiscal_year.label.replace("/", "-")
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", f"{business} {label}").strip(" .")
    return f"{' '.join(name.split()) or 'Plan'}.xlsx"


class ExportDialog(QDialog):
    """Choose what to export and where; Export starts the job and shows its progress."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.ops = ops
        self.today = base.today()
        self.job: ExportJob | None = None
        self.progress: QProgressDialog | None = None
        self.outcome: object = None  # the last job's outcome, for the window and tests
        plan = ops.plan
        self.business = profile_summary(plan).name

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.year_box = QComboBox()
        current = current_fiscal_year(plan, self.today)
        years = fiscal_years(plan, self.today)
        for year in years:
            self.year_box.addItem(year.label, year)
        self.year_box.setCurrentIndex(years.index(current) if current in years else 0)
        self.path_edit = QLineEdit(
            str(plan.path.parent / default_file_name(self.business, current))
        )
        self.path_edit.setMinimumWidth(380)
        self.year_box.currentIndexChanged.connect(self._year_changed)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Fiscal year:", self.year_box)
        form.addRow("Save as:", row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    # ----- choices -----------------------------------------------------------------------
    def fiscal_year(self) -> FiscalYear:
        year = self.year_box.currentData()
        assert isinstance(year, FiscalYear)
        return year

    def _year_changed(self) -> None:
        """Follow the year in the suggested name, unless the owner typed their own."""
        path = Path(self.path_edit.text())
        suggested = {default_file_name(self.business, y) for y in self._years()}
        if path.name in suggested:
            name = default_file_name(self.business, self.fiscal_year())
            self.path_edit.setText(str(path.with_name(name)))

    def _years(self) -> list[FiscalYear]:
        return [self.year_box.itemData(i) for i in range(self.year_box.count())]

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, TITLE, self.path_edit.text(), FILTER)
        if name:
            self.path_edit.setText(name if name.lower().endswith(".xlsx") else f"{name}.xlsx")

    # ----- the job -----------------------------------------------------------------------
    def destination(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            QMessageBox.warning(self, TITLE, "Choose where to save the workbook.")
            return None
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def start_export(self) -> None:
        dest = self.destination()
        if dest is None or self.job is not None:
            return
        self.path_edit.setText(str(dest))
        self.export_button.setEnabled(False)
        self.job = ExportJob(self.ops.plan, dest, self.fiscal_year(), self.today, self)
        self.progress = QProgressDialog("Reading the plan…", "Cancel", 0, PROGRESS_STEPS, self)
        self.progress.setWindowTitle(TITLE)
        self.progress.setMinimumWidth(360)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(400)  # quick exports never flash a dialog
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel_export)
        self.job.progressed.connect(self._on_progress)
        self.job.finished.connect(self._on_finished)
        self.job.start()

    @Slot()
    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.cancel()
            if self.progress is not None:
                self.progress.setLabelText("Cancelling…")

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        if self.progress is None or self.progress.wasCanceled():
            return
        self.progress.setValue(int(PROGRESS_STEPS * done / max(total, 1)))
        self.progress.setLabelText(f"{what}…")

    @Slot(object)
    def _on_finished(self, outcome: object) -> None:
        from planner.io.excel_export import ExportResult

        if self.job is not None:
            self.job.wait()
        self.job = None
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        self.outcome = outcome
        self.export_button.setEnabled(True)
        if isinstance(outcome, ExportResult):
            message = f"Exported {outcome.fiscal_year.label} to {outcome.path}."
            window = self.parent()
            if isinstance(window, QMainWindow):
                window.statusBar().showMessage(message, 15000)
            self.accept()
        elif isinstance(outcome, str):
            QMessageBox.warning(self, TITLE, outcome)
        # None: cancelled; the dialog stays open for another try.

    def reject(self) -> None:
        if self.job is not None:  # Escape while exporting cancels the export first
            self.cancel_export()
            return
        super().reject()
