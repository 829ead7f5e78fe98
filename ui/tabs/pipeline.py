"""The Pipeline tab: every deal, with a search, and the totals of what is shown."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from planner.db.models import Deal
from planner.domain.pipeline import DealStatus
from planner.queries import DealRow, deals
from planner.services.commands import Change
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.tabs.base import PlanTab
from ui.tabs.widgets import fit_columns, make_table
from ui.undo import PlanOperations
from ui.widgets import SearchBox

_STATUS_CHOICES = (
    ("All deals", None),
    ("Open", DealStatus.OPEN),
    ("Won", DealStatus.WON),
    ("Lost", DealStatus.LOST),
)

DEAL_COLUMNS: list[Column[DealRow]] = [
    Column("Customer", lambda d: d.customer, field="customer"),
    Column("Title", lambda d: d.title, field="title"),
    Column("Amount", lambda d: d.amount, Kind.MONEY, field="amount_minor"),
    Column("Stage", lambda d: d.stage, sort_by=lambda d: d.stage_position),
    Column(
        "Probability",
        lambda d: d.probability,
        Kind.COUNT,
        display=lambda p: f"{p}%",
        tooltip="The deal's own probability, or its stage's when it has none.",
    ),
    Column(
        "Weighted",
        lambda d: d.weighted,
        Kind.MONEY,
        tooltip="Amount x probability: what the deal is worth to the forecast today.",
    ),
    Column("Expected close", lambda d: d.expected_close, Kind.DATE),
    Column("Status", lambda d: d.status, display=lambda s: str(s).capitalize()),
    Column("Offering", lambda d: d.offering),
    Column("Segment", lambda d: d.segment),
    Column("Source channel", lambda d: d.channel),
    Column("Owner", lambda d: d.owner),
    Column("Created", lambda d: d.created_on, Kind.DATE),
    Column("Closed", lambda d: d.closed_on, Kind.DATE),
    Column("Lost reason", lambda d: d.lost_reason),
]


class PipelineTab(PlanTab):
    title = "Pipeline"
    explanation = (
        "Every deal you are working on or have closed: who the customer is, what it is worth, "
        "how far along it is and where it came from. Weighted value is the amount times the "
        "chance of winning, so the open pipeline shows what you can realistically expect."
    )
    watched: ClassVar[Change] = (
        Change.DEALS | Change.STAGES | Change.OFFERINGS | Change.SEGMENTS | Change.CHANNELS
        | Change.REPS | Change.LOST_REASONS
    )  # fmt: skip

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.model = RowTableModel(DEAL_COLUMNS, ops=ops, command_for=field_commands(Deal))
        bar = QHBoxLayout()
        search_label = QLabel("Find customer or title:")
        self.search = SearchBox()
        self.search.setObjectName("dealSearch")
        search_label.setBuddy(self.search)
        self.status = QComboBox()
        self.status.setObjectName("dealStatus")
        for label, _ in _STATUS_CHOICES:
            self.status.addItem(label)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 1)
        bar.addWidget(QLabel("Show:"))
        bar.addWidget(self.status)
        self.body.addLayout(bar)
        self.view = make_table(self.model, name="pipelineTable")
        self.body.addWidget(self.view, 1)
        self.totals = QLabel()
        self.totals.setObjectName("pipelineTotals")
        self.body.addWidget(self.totals)
        self._sized = False
        self.search.text_changed.connect(lambda *_: self._filter())
        self.status.currentIndexChanged.connect(lambda *_: self._filter())

    def refresh(self, changes: Change) -> None:
        self.model.set_formats(self.formats)
        if changes & self.watched:
            self.model.set_rows(deals(self.ops.plan))
            if not self._sized and self.model.rows:
                fit_columns(self.view)
                self._sized = True
        self._show_totals()

    def _filter(self) -> None:
        words = self.search.query().casefold().split()
        status = _STATUS_CHOICES[max(self.status.currentIndex(), 0)][1]
        if not words and status is None:
            self.model.set_filter(None)
            self._show_totals()
            return

        def keep(deal: DealRow) -> bool:
            if status is not None and deal.status is not status:
                return False
            text = f"{deal.customer}\n{deal.title}".casefold()
            return all(word in text for word in words)

        self.model.set_filter(keep)
        self._show_totals()

    def _show_totals(self) -> None:
        shown: list[DealRow] = self.model.shown
        amount = sum((d.amount for d in shown), Decimal(0))
        weighted = sum((d.weighted for d in shown), Decimal(0))
        every = len(self.model.rows)
        count = self.formats.count(len(shown))
        if len(shown) != every:
            count = f"{count} of {self.formats.count(every)}"
        self.totals.setText(
            f"{count} deals shown · Amount {self.formats.money(amount)} · "
            f"Weighted {self.formats.money(weighted)}"
        )
