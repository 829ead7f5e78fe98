"""The choices of the Print Quarterly Report dialog: which quarter, which paper, which
sections, and the owner's notes for the reader.

``ReportChoices`` offers the quarters the plan has figures for (the last completed one
chosen, the one in progress marked), remembers the paper between runs, and says what
changed: the quarter (its numbers must be read), the paper (the pages change size), or
the layout (a section ticked, or the notes typed and paused on), which only lays the
pages out again.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import Plan
from planner.domain.periods import FiscalQuarter
from planner.queries.report import last_completed_quarter, report_quarters
from ui.report import PAPERS, ReportOptions, default_paper
from ui.report.document import SECTIONS
from ui.settings import USER, Option, Settings

REPORT_PAPER: Option[str] = Option(USER, "report_paper", str, "")
NOTES_DELAY_MS = 500  # typing pauses this long before the preview follows the notes


class ReportChoices(QWidget):
    """Quarter, paper, sections and notes; ``options()`` is what they choose."""

    quarter_changed = Signal()
    paper_changed = Signal()
    layout_changed = Signal()

    def __init__(
        self, plan: Plan, today: dt.date, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings

        self.quarter_box = QComboBox()
        # Long quarter names must not squeeze the form's labels in the fixed-width side.
        self.quarter_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.quarter_box.setMinimumContentsLength(16)
        default = last_completed_quarter(plan, today)
        quarters = report_quarters(plan, today)
        if default not in quarters:
            quarters.insert(0, default)
        current = FiscalQuarter.containing(today, default.fiscal_year.start_month)
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
            box.toggled.connect(self._layout_changed)
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
        self._notes_timer.timeout.connect(self._layout_changed)
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
        notes_label = QLabel("&Notes for the reader:")
        notes_label.setBuddy(self.notes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(sections)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 1)

        self.quarter_box.currentIndexChanged.connect(self.quarter_changed)
        self.paper_box.currentIndexChanged.connect(self._paper_changed)

    @property
    def quarter(self) -> FiscalQuarter:
        return self.quarters[max(self.quarter_box.currentIndex(), 0)]

    def select_quarter(self, quarter: FiscalQuarter) -> None:
        self.quarter_box.setCurrentIndex(self.quarters.index(quarter))

    @property
    def paper(self) -> str:
        """The chosen paper's key: "a4" or "letter"."""
        return str(self.paper_box.currentData())

    def options(self) -> ReportOptions:
        chosen = tuple(k for k, box in self.section_boxes.items() if box.isChecked())
        return ReportOptions(chosen, self.notes.toPlainText(), self.paper)

    def _paper_changed(self) -> None:
        self.settings.set(REPORT_PAPER, self.paper)
        self._notes_timer.stop()  # the pages are laid out again with the notes as they are
        self.paper_changed.emit()

    def _layout_changed(self) -> None:
        self._notes_timer.stop()
        self.layout_changed.emit()
