"""The Segments tab: who the customers are and how big each group's market is."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from planner.db.models import Segment
from planner.queries import SegmentRow, segments
from planner.services.commands import Change
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.tabs.base import PlanTab
from ui.tabs.widgets import fit_columns, make_table
from ui.undo import PlanOperations

PRIORITIES = {1: "High", 2: "Medium", 3: "Low"}

SEGMENT_COLUMNS: list[Column[SegmentRow]] = [
    Column("Segment", lambda s: s.name, field="name"),
    Column("Priority", lambda s: s.priority, display=lambda p: PRIORITIES.get(p, str(p))),
    Column("Targeted", lambda s: s.targeted, Kind.BOOL),
    Column(
        "Potential customers",
        lambda s: s.customers,
        Kind.COUNT,
        field="customers",
        tooltip="How many such customers exist in the area you could serve at all.",
    ),
    Column(
        "Yearly value",
        lambda s: s.yearly_value,
        Kind.MONEY,
        field="yearly_value_minor",
        tooltip="What one such customer spends on offerings like yours in a year.",
    ),
    Column(
        "Serviceable share",
        lambda s: s.serviceable_pct,
        Kind.PERCENT,
        field="serviceable_bp",
        tooltip="The part of the market your offerings and channels can actually reach.",
    ),
    Column(
        "Obtainable share",
        lambda s: s.obtainable_pct,
        Kind.PERCENT,
        field="obtainable_bp",
        tooltip="The part of the reachable market you can realistically win.",
    ),
    Column("Growth a year", lambda s: s.growth_pct, Kind.PERCENT, field="growth_bp"),
    Column(
        "Total market (TAM)",
        lambda s: s.tam,
        Kind.MONEY,
        tooltip="Potential customers x yearly value.",
    ),
    Column(
        "Serviceable (SAM)",
        lambda s: s.sam,
        Kind.MONEY,
        tooltip="Total market x serviceable share.",
    ),
    Column(
        "Obtainable (SOM)",
        lambda s: s.som,
        Kind.MONEY,
        tooltip="Serviceable market x obtainable share: the revenue a year within reach.",
    ),
]


class SegmentsTab(PlanTab):
    title = "Segments"
    explanation = (
        "The groups of customers you serve, what they need, and how large each market is. "
        "Total market (TAM) is every potential customer times what one spends a year; the "
        "serviceable (SAM) and obtainable (SOM) shares narrow it to what you can reach and win."
    )
    watched: ClassVar[Change] = Change.SEGMENTS | Change.OFFERINGS | Change.CHANNELS

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.model = RowTableModel(SEGMENT_COLUMNS, ops=ops, command_for=field_commands(Segment))
        self.view = make_table(self.model, name="segmentsTable")
        self.body.addWidget(self.view, 1)
        self.totals = QLabel()
        self.totals.setObjectName("segmentTotals")
        self.body.addWidget(self.totals)
        self.detail = QLabel()
        self.detail.setObjectName("segmentDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.detail)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.model.dataChanged.connect(lambda *_: self._show_detail())

    def refresh(self, changes: Change) -> None:
        self.model.set_formats(self.formats)
        if changes & (self.watched | Change.PROFILE):
            self.model.set_rows(segments(self.ops.plan))
            fit_columns(self.view)
            if not self.view.currentIndex().isValid() and self.model.rowCount():
                self.view.setCurrentIndex(self.model.index(0, 0))
        targeted = [s for s in self.model.rows if s.targeted]
        som = sum((s.som for s in targeted), Decimal(0))
        segments_text = (
            "1 targeted segment" if len(targeted) == 1 else (f"{len(targeted)} targeted segments")
        )
        self.totals.setText(
            f"Obtainable revenue a year (SOM) across {segments_text}: {self.formats.money(som)}"
        )
        self._show_detail()

    def _show_detail(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            self.detail.setText("")
            return
        segment: SegmentRow = self.model.row_at(index.row())
        lines = [
            f"{segment.name}: {segment.description}" if segment.description else segment.name,
            f"Needs and pains: {segment.needs}" if segment.needs else "",
            f"Offerings for them: {', '.join(segment.offerings)}" if segment.offerings else "",
            f"Reached through: {', '.join(segment.channels)}" if segment.channels else "",
        ]
        self.detail.setText("\n".join(line for line in lines if line))
