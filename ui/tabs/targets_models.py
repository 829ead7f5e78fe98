"""The two tables of the Targets tab: months with their figures, and a breakdown grid
(offerings, segments or reps down, months across). Locked months are greyed with a lock
tooltip; their edits reach the service, which refuses them with a plain sentence."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from planner.db.plan import UnitOfWork
from planner.domain.periods import FiscalYear, Month
from planner.queries import Breakdown, BreakdownRow, BreakdownRowKind, PeriodLevel, TargetLine
from planner.services.commands import Command
from planner.services.errors import ValidationError
from planner.services.targets import (
    Part,
    set_month_target,
    set_month_units,
    set_part_target,
)
from ui.models.batch import CLEAR
from ui.models.table import Column, Kind, RowTableModel
from ui.undo import PlanOperations

LOCK_TIP = "This month is locked (see 'Lock months…'); its targets cannot be changed."
VARIANCE_TIP = "Actual minus target, over the complete months that have actual revenue."
ATTAINMENT_TIP = "Actual revenue as a percentage of the target, over the complete months."
OUTLOOK_TIP = (
    "Actual revenue of the complete months plus the simple forecast for the rest: where "
    "the period is likely to end up. An outlook, not a promise."
)
PART_OF = {Breakdown.OFFERING: Part.OFFERING, Breakdown.SEGMENT: Part.SEGMENT,
           Breakdown.REP: Part.REP}  # fmt: skip
_GREY = QBrush(QColor(235, 235, 235))
_GREY_TEXT = QBrush(QColor(110, 110, 110))
Index = QModelIndex | QPersistentModelIndex


def _is_month(line: TargetLine) -> bool:
    return line.level is PeriodLevel.MONTH


LINE_COLUMNS: list[Column[TargetLine]] = [
    Column("Period", lambda r: r.label),
    Column("Target", lambda r: r.target, Kind.MONEY, field="revenue", editable=_is_month),
    Column("Target units", lambda r: r.target_units, Kind.COUNT, field="units", editable=_is_month),
    Column("Actual", lambda r: r.actual, Kind.MONEY),
    Column("Variance", lambda r: r.variance, Kind.MONEY, tooltip=VARIANCE_TIP),
    Column("Variance %", lambda r: r.variance_pct, Kind.PERCENT, tooltip=VARIANCE_TIP),
    Column("Attainment", lambda r: r.attainment_pct, Kind.PERCENT, tooltip=ATTAINMENT_TIP),
    Column("Outlook", lambda r: r.outlook, Kind.MONEY, tooltip=OUTLOOK_TIP),
]


def line_key(line: TargetLine) -> tuple[str, str, str]:
    return (line.level.value, str(line.first_month), str(line.last_month))


def _whole_number(value: Any) -> int | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(f"'{value}' is not a whole number; type a number such as 120.")
    return int(number)


def line_command(uow: UnitOfWork, line: TargetLine, column: Column[Any], value: Any) -> Command:
    if column.field == "units":
        return set_month_units(uow, line.first_month, _whole_number(value))
    return set_month_target(uow, line.first_month, value)


class LockAwareModel(RowTableModel):
    """A RowTableModel that greys the editable cells of locked months."""

    def __init__(self, *args: Any, locked: Callable[[Any, int], bool], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._locked = locked

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (
            Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.ToolTipRole,
        ):  # fmt: skip
            row = self.row_at(index.row())
            if self.columns[index.column()].field is not None and self._locked(row, index.column()):
                if role == Qt.ItemDataRole.BackgroundRole:
                    return _GREY
                if role == Qt.ItemDataRole.ForegroundRole:
                    return _GREY_TEXT
                return LOCK_TIP
        return super().data(index, role)


def lines_model(ops: PlanOperations, is_locked: Callable[[Month], bool]) -> LockAwareModel:
    def locked(line: TargetLine, _column: int) -> bool:
        return _is_month(line) and is_locked(line.first_month)

    return LockAwareModel(
        LINE_COLUMNS, key=line_key, emphasis=lambda r: not _is_month(r), ops=ops,
        command_for=line_command, locked=locked, row_label=lambda r: r.label,
    )  # fmt: skip


def _month_value(i: int) -> Callable[[BreakdownRow], Decimal]:
    return lambda row: row.months[i]


def _not_rest(row: BreakdownRow) -> bool:
    return row.kind is not BreakdownRowKind.REST


class BreakdownModel(LockAwareModel):
    """Offerings (or segments, reps) down, the months of the year across, then the year."""

    def __init__(self, ops: PlanOperations, is_locked: Callable[[Month], bool]) -> None:
        def locked(_row: BreakdownRow, column: int) -> bool:
            month = self._month_of(column)
            return month is not None and is_locked(month)

        super().__init__(
            [], key=lambda r: (r.kind.value, r.item_id), ops=ops, command_for=self._command,
            emphasis=lambda r: r.kind is BreakdownRowKind.TOTAL, locked=locked,
            row_label=lambda r: r.name,
        )  # fmt: skip
        self.fiscal_year: FiscalYear | None = None
        self.breakdown = Breakdown.NONE

    def show_year(self, fy: FiscalYear, breakdown: Breakdown, rows: list[BreakdownRow]) -> None:
        if fy != self.fiscal_year or breakdown is not self.breakdown:
            self.fiscal_year, self.breakdown = fy, breakdown
            self.set_columns(self._columns(fy, breakdown))
        self.set_rows(rows)

    def _columns(self, fy: FiscalYear, breakdown: Breakdown) -> list[Column[BreakdownRow]]:
        heading = {Breakdown.OFFERING: "Offering", Breakdown.SEGMENT: "Segment",
                   Breakdown.REP: "Sales rep"}.get(breakdown, "")  # fmt: skip
        columns: list[Column[BreakdownRow]] = [Column(heading, lambda r: r.name)]
        for i, month in enumerate(fy.months):
            columns.append(
                Column(
                    month.short_label, _month_value(i), Kind.MONEY,
                    field=str(month), editable=_not_rest,
                )
            )  # fmt: skip
        columns.append(Column("Year", lambda r: r.year, Kind.MONEY))
        return columns

    def _month_of(self, column: int) -> Month | None:
        if self.fiscal_year is None or not 1 <= column <= 12:
            return None
        return self.fiscal_year.months[column - 1]

    def _command(
        self, uow: UnitOfWork, row: BreakdownRow, column: Column[Any], value: Any
    ) -> Command:
        assert column.field is not None
        month = Month.parse(column.field)
        if value is CLEAR:  # Delete on a cell: no target of its own any more
            value = None
        if row.kind is BreakdownRowKind.TOTAL or row.item_id is None:
            return set_month_target(uow, month, value)
        return set_part_target(uow, month, PART_OF[self.breakdown], row.item_id, value)
