"""The Channels tab: the ways the business reaches customers, and per month what each
was planned to cost and bring in against what it really did."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from planner.db.models import Channel, ChannelMonth
from planner.db.plan import UnitOfWork
from planner.domain.periods import Month
from planner.queries import ChannelMonthRow, ChannelRow, channel_months, channels
from planner.services.commands import Change, Command, InsertRow
from planner.services.edit import change_field, field_rule, validate_field
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.tabs.base import FiscalYearTab
from ui.tabs.widgets import fit_columns, heading, make_table
from ui.undo import PlanOperations

ALL_CHANNELS = "All channels"


class Measure(Enum):
    """A line of the monthly grid: its label, the ChannelMonth field, and its kind."""

    PLANNED_SPEND = ("Planned spend", "planned_spend_minor", Kind.MONEY)
    ACTUAL_SPEND = ("Actual spend", "actual_spend_minor", Kind.MONEY)
    PLANNED_LEADS = ("Planned leads", "planned_leads", Kind.COUNT)
    ACTUAL_LEADS = ("Actual leads", "actual_leads", Kind.COUNT)

    def __init__(self, label: str, field: str, kind: Kind) -> None:
        self.label = label
        self.field = field
        self.kind = kind

    def of(self, row: ChannelMonthRow) -> Any:
        return getattr(row, self.field.removesuffix("_minor"))


@dataclass(frozen=True, slots=True)
class GridRow:
    """One measure of one channel (or of all channels) across the months of a year."""

    channel_id: int | None  # None on the "All channels" lines
    channel: str
    measure: Measure
    months: tuple[Month, ...]
    values: tuple[Any, ...]  # Decimal or int per month; None where not known
    ids: tuple[int | None, ...]  # the ChannelMonth record per month, if entered
    total: Any


def _total(values: Sequence[Any]) -> Any:
    known = [v for v in values if v is not None]
    if not known:
        return None
    return sum(known, Decimal(0)) if isinstance(known[0], Decimal) else sum(known)


def grid_rows(rows: Sequence[ChannelMonthRow]) -> list[GridRow]:
    """Pivot ``channel_months`` into four lines per channel, then four lines of totals."""
    by_channel: dict[int, list[ChannelMonthRow]] = {}
    for row in rows:
        by_channel.setdefault(row.channel_id, []).append(row)
    grid = []
    for channel_id, months in by_channel.items():
        for measure in Measure:
            values = tuple(measure.of(r) for r in months)
            grid.append(
                GridRow(channel_id, months[0].channel, measure, tuple(r.month for r in months),
                        values, tuple(r.id for r in months), _total(values))
            )  # fmt: skip
    if grid:
        months_of_year = grid[0].months
        for measure in Measure:
            lines = [g for g in grid if g.measure is measure and g.channel_id is not None]
            values = tuple(_total([g.values[i] for g in lines]) for i in range(len(months_of_year)))
            grid.append(
                GridRow(None, ALL_CHANNELS, measure, months_of_year, values,
                        (None,) * len(months_of_year), _total(values))
            )  # fmt: skip
    return grid


def grid_columns(months: Sequence[Month]) -> list[Column[GridRow]]:
    columns: list[Column[GridRow]] = [
        Column("Channel", lambda g: g.channel),
        Column("Measure", lambda g: g.measure.label),
    ]
    for i, month in enumerate(months):
        columns.append(
            Column(
                month.short_label,
                functools.partial(_value_at, i),
                kind=lambda g: g.measure.kind,
                field="month",
                editable=lambda g: g.channel_id is not None,
            )
        )
    columns.append(Column("Year", lambda g: g.total, kind=lambda g: g.measure.kind))
    return columns


class ChannelsTab(FiscalYearTab):
    title = "Channels"
    explanation = (
        "The ways you reach customers: search ads, social media, email, events, referrals, "
        "partners, print or your shop window. Plan what each will cost and how many leads it "
        "should bring each month, then record what really happened to see which channels pay."
    )
    watched: ClassVar[Change] = (
        Change.CHANNELS | Change.CHANNEL_MONTHS | Change.DEALS | Change.SEGMENTS
    )

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.model = RowTableModel(CHANNEL_COLUMNS, ops=ops, command_for=field_commands(Channel))
        self.view = make_table(self.model, name="channelsTable")
        self.grid_model = RowTableModel(
            grid_columns([]),
            key=lambda g: (g.channel_id, g.measure),
            emphasis=lambda g: g.channel_id is None,
            ops=ops,
            command_for=self._grid_command,
        )
        self.grid = make_table(self.grid_model, sortable=False, name="channelGrid")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(heading("Month by month"))
        self.body.removeWidget(self.year_picker)
        lower_layout.addWidget(self.year_picker)
        lower_layout.addWidget(self.grid, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 2)
        self.body.addWidget(splitter, 1)
        self._grid_year: tuple[Month, ...] = ()

    def refresh(self, changes: Change) -> None:
        plan = self.ops.plan
        self.model.set_formats(self.formats)
        self.grid_model.set_formats(self.formats)
        if changes & (Change.CHANNELS | Change.DEALS | Change.SEGMENTS | Change.PROFILE):
            self.model.set_rows(channels(plan))
            fit_columns(self.view)
        if changes & (Change.CHANNELS | Change.CHANNEL_MONTHS | Change.PROFILE):
            fy = self.fiscal_year
            if tuple(fy.months) != self._grid_year:
                self._grid_year = tuple(fy.months)
                self.grid_model.set_columns(grid_columns(fy.months))
            self.grid_model.set_rows(grid_rows(channel_months(plan, fy)))
            fit_columns(self.grid)

    def _year_picked(self, _year: object) -> None:
        self.refresh(Change.CHANNEL_MONTHS)

    def _grid_command(
        self, uow: UnitOfWork, row: GridRow, column: Column[GridRow], value: Any
    ) -> Command:
        """Set one channel's figure for one month, creating the month's record if needed."""
        month = self.grid_model.columns.index(column) - 2
        field = row.measure.field
        record = row.ids[month]
        if record is not None:
            return change_field(uow, ChannelMonth, record, field, value)
        stored = validate_field(ChannelMonth, field, value)
        return InsertRow(
            ChannelMonth,
            {"channel_id": row.channel_id, "month": row.months[month], field: stored},
            label=f"Change {field_rule(ChannelMonth, field).label}",
            changes=Change.CHANNEL_MONTHS,
        )


CHANNEL_COLUMNS: list[Column[ChannelRow]] = [
    Column("Channel", lambda c: c.name, field="name"),
    Column("Kind", lambda c: c.kind),
    Column("Segments reached", lambda c: ", ".join(c.segments)),
    Column("Deals from it", lambda c: c.deals, Kind.COUNT),
    Column("Deals won", lambda c: c.won_deals, Kind.COUNT),
    Column("Revenue won", lambda c: c.won_revenue, Kind.MONEY),
    Column("Notes", lambda c: c.notes),
]


def _value_at(index: int, row: Any) -> Any:
    return row.values[index]
