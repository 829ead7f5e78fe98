"""The month-by-month grid of the Channels tab: one channel (or all together) in a fiscal year.

Rows are figures, columns the twelve months, then the four quarters and the year. The
first four rows are what the owner types (planned and actual spend and leads), next to
each other so a 4 x 12 block pasted from a spreadsheet lands in one go; below them, in
shaded read-only rows, the variances and what the channel brought in (from
``planner.queries.channel_metrics``). Quarter and year columns are bold and shaded too.

Locked months (Targets > "Lock months…") are closed books: their figures are greyed and
cannot be opened for typing, with a tooltip saying why; a paste or clear over them reaches
the service, which refuses it naming the cell, so nothing is stored. The month in progress
shows its actual figures so far and no variance (``planner.queries.compared_periods``).
Which figures the rows hold, and their values, is ``channels_lines``.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from planner.db.plan import UnitOfWork
from planner.domain.periods import Month
from planner.queries.channel_metrics import ChannelYear
from planner.services.channels import set_month_figure
from planner.services.commands import Command
from planner.services.locks import locked_message
from ui.models.formats import Formats
from ui.models.table import Column, Kind, RowTableModel
from ui.tabs.channels_lines import RATIO, SIGNED_LINES, grid_rows
from ui.tabs.channels_lines import GridRow as GridRow  # kept importable from here
from ui.tabs.channels_lines import Line as Line
from ui.undo import PlanOperations

Index = QModelIndex | QPersistentModelIndex
_DERIVED = QColor("#f1f3f7")  # read-only figures
_TOTALS = QColor("#e4e9f1")  # quarter and year columns
_LOCKED = QColor(235, 235, 235)  # a locked month's figures: the Targets grid's grey
_LOCKED_TEXT = QColor(110, 110, 110)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def lock_tip(month: Month) -> str:
    """Why a locked month's figure cannot be changed."""
    return (
        f"{month.name} {month.year} is locked (Targets > Lock months…): its books are "
        "closed, so its figures cannot be changed."
    )


def so_far_tip(month: Month, line: Line) -> str | None:
    """What a cell of the month in progress means; None for figures that need no note."""
    if line in SIGNED_LINES:
        return (
            f"{month.name} {month.year} is not over yet: its figures so far are not "
            "compared with the plan until it ends."
        )
    if line in (Line.ACTUAL_SPEND, Line.ACTUAL_LEADS):
        return f"So far: {month.name} {month.year} is not over yet."
    return None


def _period_so_far_tip(line: Line, month: Month) -> str | None:
    """A quarter's or the year's variance leaves out the month in progress."""
    if line in SIGNED_LINES:
        return (
            f"Over the months whose actual figures are entered, without {month.name} "
            f"{month.year}: it is not over yet."
        )
    return None


def _value_at(index: int, row: GridRow) -> Any:
    return row.values[index]


def grid_columns(months: list[Month]) -> list[Column[GridRow]]:
    """ "Figure", the twelve months (``field`` holds the month, for edits), Q1-Q4, Year."""
    columns: list[Column[GridRow]] = [Column("Figure", lambda g: g.line.label)]
    for i, month in enumerate(months):
        columns.append(
            Column(month.name[:3], functools.partial(_value_at, i), kind=lambda g: g.kind,
                   field=str(month), editable=lambda g: g.editable,
                   tooltip=f"{month.name} {month.year}")
        )  # fmt: skip
    for q in range(4):
        first, last = months[q * 3], months[q * 3 + 2]
        columns.append(
            Column(f"Q{q + 1}", functools.partial(_value_at, 12 + q), kind=lambda g: g.kind,
                   tooltip=f"Quarter {q + 1}: {first.short_label} to {last.short_label}")
        )  # fmt: skip
    columns.append(
        Column("Year", functools.partial(_value_at, 16), kind=lambda g: g.kind,
               tooltip="The whole fiscal year")
    )  # fmt: skip
    return columns


def whole_money(formats: Formats, amount: Decimal) -> str:
    """An amount in whole currency units, formatted like ``Formats.money`` otherwise."""
    text = formats.locale.toCurrencyString(float(abs(amount)), formats.symbol, 0)
    return f"{formats.locale.negativeSign()}{text}" if amount < 0 else text


def format_ratio(formats: Formats, value: Decimal | None) -> str:
    """Return on spend as "3.2x"."""
    if value is None:
        return ""
    return f"{formats.locale.toString(float(value), 'f', 1)}x"


def month_figure_command(
    uow: UnitOfWork, row: GridRow, column: Column[GridRow], value: Any
) -> Command:
    """An edit of one month cell: set that month's figure, creating the month if needed."""
    assert row.channel_id is not None and row.line.field is not None and column.field
    return set_month_figure(uow, row.channel_id, Month.parse(column.field), row.line.field, value)


class ChannelGridModel(RowTableModel):
    """The grid: inputs editable, everything worked out shaded, quarter and year in bold."""

    def __init__(self, ops: PlanOperations) -> None:
        super().__init__(
            grid_columns(_placeholder_months()),
            key=lambda g: g.line,
            ops=ops,
            command_for=month_figure_command,
            row_label=lambda g: g.line.label,
        )
        self._bold = QFont()
        self._bold.setBold(True)
        self._derived = QBrush(_DERIVED)
        self._totals = QBrush(_TOTALS)
        self._locked = QBrush(_LOCKED)
        self._locked_text = QBrush(_LOCKED_TEXT)
        self.current: Month | None = None
        self.locked_through: Month | None = None

    def set_year(
        self, year: ChannelYear, current: Month | None = None, locked_through: Month | None = None
    ) -> None:
        """Show ``year`` with ``current`` the month in progress and the months up to
        ``locked_through`` locked; the columns change only when the months do."""
        self.current, self.locked_through = current, locked_through
        if [c.field for c in self.columns[1:13]] != [str(m) for m in year.months]:
            self.set_columns(grid_columns(list(year.months)))
        else:
            # The header's "so far" note may move to another month.
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 12)
        self.set_rows(grid_rows(year, current))

    def row_of_line(self, line: Line) -> int:
        return self.row_of_key(line)

    def month_of_column(self, column: int) -> Month | None:
        """The month of a month column, None for the others."""
        field = self.columns[column].field if 0 <= column < len(self.columns) else None
        return Month.parse(field) if field else None

    def locked_month(self, row: int, column: int) -> Month | None:
        """The month of a figure that is typed in (planned or actual spend and leads) when
        that month is locked; None for every other cell."""
        if self.locked_through is None or not 0 <= row < self.rowCount():
            return None
        month = self.month_of_column(column)
        if month is None or month > self.locked_through or not self.row_at(row).line.is_input:
            return None
        return month

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.locked_month(index.row(), index.column()) is not None:
            # Not opened for typing; ``is_editable`` still lets a paste or a clear reach
            # the service, whose refusal names the cell (as in the Actuals grid).
            flags &= ~Qt.ItemFlag.ItemIsEditable
        return flags

    def locked_refusal(self, row: int, column: int) -> str | None:
        """What typing into a locked cell is told: the cell and the lock's sentence."""
        month = self.locked_month(row, column)
        if month is None:
            return None
        header = self.columns[column].header
        return f"{self.row_at(row).line.label}, {header}: {locked_message(month)}"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and self.current is not None
            and self.month_of_column(section) == self.current
        ):
            month = self.current
            return (
                f"{month.name} {month.year}: not over yet. Its actual figures are so far "
                "and show no variance until it ends."
            )
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: GridRow = self.row_at(index.row())
        column = index.column()
        totals = column > 12
        if role == Qt.ItemDataRole.DisplayRole and column:
            value = row.values[column - 1]
            if row.line.kind == RATIO:
                return format_ratio(self.formats, value)
            text = str(super().data(index, role))
            if value is not None and row.line.kind is Kind.MONEY and _whole(row):
                text = whole_money(self.formats, value)
            if row.line in SIGNED_LINES and value is not None and value > 0:
                return "+" + text  # over plan, said plainly
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return _RIGHT
        locked = bool(column) and self.locked_month(index.row(), column) is not None
        if role == Qt.ItemDataRole.BackgroundRole:
            if totals:
                return self._totals
            if locked:
                return self._locked
            if not row.editable:
                return self._derived
            return None
        if role == Qt.ItemDataRole.ForegroundRole and locked:
            return self._locked_text
        if role == Qt.ItemDataRole.FontRole and (totals or (column == 0 and row.line.is_input)):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column, locked)
        return super().data(index, role)

    def _tooltip(self, row: GridRow, column: int, locked: bool) -> str | None:
        if column == 0:
            return row.line.tooltip.format(c=self.formats.symbol)
        month = self.month_of_column(column)
        if locked and month is not None:
            return lock_tip(month)
        current = self.current
        if current is None or current not in row.months:
            return None
        if month == current:
            return so_far_tip(current, row.line)
        if month is None and column > 12:
            quarter = column - 13
            in_period = quarter == 4 or current in row.months[quarter * 3 : quarter * 3 + 3]
            return _period_so_far_tip(row.line, current) if in_period else None
        return None


def _whole(row: GridRow) -> bool:
    """Whether a row of money holds whole currency units only: then it reads "€300"
    rather than "€300.00", which keeps twelve months on one screen."""
    return all(v is None or v == v.to_integral_value() for v in row.values)


def _placeholder_months() -> list[Month]:
    first = Month(2000, 1)
    return [first + i for i in range(12)]
