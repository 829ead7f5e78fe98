"""The pipeline table's columns and model: what each column shows, which cells can be
edited (and how a new close date goes into the deal's history), and the reasons a deal
needs attention as the tooltip of its flag. ``ui.tabs.pipeline_table`` lays them out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from planner.db.models import Deal
from planner.db.plan import UnitOfWork
from planner.domain.pipeline import DealStatus
from planner.queries import DealRow
from planner.services.commands import Change, Command
from planner.services.deals import change_close_date
from planner.services.edit import date_or_none
from ui.models.lazy_table import LazyTableModel, RowGone
from ui.models.table import Column, Kind, field_commands
from ui.tabs import base as tabs_base

# What every view of the pipeline (table, board, win/loss) shows: deals and everything a
# deal names, and the profile, which sets when a deal counts as quiet.
WATCHED = (
    Change.DEALS | Change.STAGES | Change.LOST_REASONS | Change.REPS | Change.OFFERINGS
    | Change.SEGMENTS | Change.CHANNELS | Change.PROFILE
)  # fmt: skip

NEEDS_ATTENTION = "Needs attention"


def _attention(deal: DealRow) -> str:
    return "⚠ " + "; ".join(deal.stale_reasons) if deal.stale else ""


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
        field="probability",
        editable=lambda d: d.status is DealStatus.OPEN,
        tooltip="The deal's own probability, or its stage's when it has none. Clear it to "
        "use the stage's again.",
    ),
    Column(
        "Weighted",
        lambda d: d.weighted,
        Kind.MONEY,
        tooltip="Amount x probability: what the deal is worth to the forecast today.",
    ),
    Column("Expected close", lambda d: d.expected_close, Kind.DATE, field="expected_close"),
    Column("Status", lambda d: d.status, display=lambda s: str(s).capitalize()),
    Column(
        NEEDS_ATTENTION,
        _attention,
        sort_by=lambda d: (not d.stale, d.stale_reasons),
        tooltip="Open deals with no change for a while, a close date moved three times or "
        "more, or a close date already past.",
    ),
    Column("Days in stage", lambda d: d.days_in_stage, Kind.COUNT),
    Column(
        "Age (days)",
        lambda d: d.age_days,
        Kind.COUNT,
        tooltip="Days since the deal was created, or until it closed.",
    ),
    Column("Close date moved", lambda d: d.slips, Kind.COUNT),
    Column("Offering", lambda d: d.offering),
    Column("Segment", lambda d: d.segment),
    Column("Source channel", lambda d: d.channel),
    Column("Owner", lambda d: d.owner),
    Column("Created", lambda d: d.created_on, Kind.DATE),
    Column("Closed", lambda d: d.closed_on, Kind.DATE),
    Column("Lost reason", lambda d: d.lost_reason),
]
_ATTENTION_COLUMN = [c.header for c in DEAL_COLUMNS].index(NEEDS_ATTENTION)


_field_edit = field_commands(Deal)


def deal_command(uow: UnitOfWork, row: DealRow, column: Column[Any], value: Any) -> Command | None:
    """A cell edit: a new close date goes into the deal's history (it counts as a slip);
    other cells set their field."""
    if column.field == "expected_close":
        day = date_or_none(value)  # a cleared cell arrives as None
        return change_close_date(uow, row.id, day, today=tabs_base.today())
    return _field_edit(uow, row, column, value)


class DealTableModel(LazyTableModel):
    """Deals, with the reasons a deal needs attention as the tooltip of its flag."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if index.isValid() and index.column() == _ATTENTION_COLUMN:
            try:
                deal: DealRow = self.row_at(index.row())
            except RowGone:
                return None
            if role == Qt.ItemDataRole.ToolTipRole and deal.stale:
                return "This deal needs attention:\n" + "\n".join(deal.stale_reasons)
            if role == Qt.ItemDataRole.ForegroundRole and deal.stale:
                return QBrush(QColor(170, 60, 0))  # amber-brown: readable on light and dark
        return super().data(index, role)
