"""The Actuals tab: what was really sold each month of a fiscal year, per offering.

The grids show the months of the selected period (a quarter shows its three months) and
always the whole year's total.

Two spreadsheet grids (revenue, then units sold) with a row per offering, a row for sales
not assigned to an offering and a total row; columns are the twelve months and the year.
Month cells of the offering rows are editable like a spreadsheet (type, paste a block
from Excel, Delete clears); each edit or paste is one undo step through
``planner.services.actuals.set_actual``, which refuses locked months. Reading (``reader``,
no Qt) is apart from showing (``present``), so the figures are read off the GUI thread
once they take long (see ``ui.tabs.base``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from planner.db.plan import UnitOfWork
from planner.domain.periods import FiscalYear, Month, PeriodRange
from planner.queries import OfferingActuals, locked_through, monthly_actuals
from planner.services.actuals import Figure, set_actual
from planner.services.commands import Change, Command
from ui.charts.axes import period_label
from ui.models.table import Column, Kind, RowTableModel
from ui.tabs.base import FiscalYearTab
from ui.tabs.widgets import fit_columns, heading, make_table
from ui.undo import PlanOperations

UNASSIGNED = "Not assigned to an offering"


def actuals_columns(
    months: Sequence[Month],
    kind: Kind,
    values: Callable[[OfferingActuals], tuple[Any, ...]],
    total: Callable[[OfferingActuals], Any],
) -> list[Column[OfferingActuals]]:
    """ "Offering", the twelve months (``field`` holds the month, for edits), "Year"."""
    columns: list[Column[OfferingActuals]] = [Column("Offering", lambda a: a.offering)]
    for i, month in enumerate(months):
        columns.append(
            Column(month.short_label, functools.partial(_nth, values, i), kind,
                   field=str(month), editable=lambda a: not a.is_total,
                   tooltip=f"{month.name} {month.year}")
        )  # fmt: skip
    columns.append(Column("Year", total, kind, tooltip="The whole fiscal year"))
    return columns


def _key(row: OfferingActuals) -> tuple[bool, int | None]:
    return (row.is_total, row.offering_id)


def grid_rows(rows: list[OfferingActuals]) -> list[OfferingActuals]:
    """The query's rows, with the "not assigned" row always there (so it can be typed
    into) just above the total, under its plain name."""
    body = [r for r in rows if not r.is_total and r.offering_id is not None]
    total = [r for r in rows if r.is_total]
    unassigned = [r for r in rows if not r.is_total and r.offering_id is None]
    if unassigned:
        extra = replace(unassigned[0], offering=UNASSIGNED)
    else:
        months = total[0].months if total else ()
        extra = OfferingActuals(None, UNASSIGNED, months, (None,) * len(months),
                                (None,) * len(months), Decimal("0.00"), None)  # fmt: skip
    return [*body, extra, *total]


@dataclass(frozen=True)
class ActualsNumbers:
    """One read of the Actuals tab: the year's figures per offering and the lock."""

    fiscal_year: FiscalYear
    actuals: list[OfferingActuals]
    locked_through: Month | None


def actual_command(figure: Figure) -> Callable[[UnitOfWork, Any, Column[Any], Any], Command]:
    """Edits of one month cell of ``figure`` for the row's offering."""

    def command_for(uow: UnitOfWork, row: Any, column: Column[Any], value: Any) -> Command:
        assert column.field is not None
        return set_actual(uow, Month.parse(column.field), row.offering_id, figure, value)

    return command_for


class ActualsTab(FiscalYearTab):
    title = "Actuals"
    explanation = (
        "What you really sold each month, per offering where you know it. Type the figures "
        "in, paste them from a spreadsheet, or import the sales list your shop or "
        "accounting software exports (the Import Actual Sales… button). Actuals are what "
        "every target, forecast and channel figure is measured against."
    )
    watched: ClassVar[Change] = Change.ACTUALS | Change.OFFERINGS

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        total: Callable[[OfferingActuals], bool] = lambda a: a.is_total  # noqa: E731
        label: Callable[[OfferingActuals], str] = lambda a: a.offering  # noqa: E731
        self.revenue_model = RowTableModel([], key=_key, emphasis=total, ops=ops,
                                           command_for=actual_command("revenue"),
                                           row_label=label)  # fmt: skip
        self.units_model = RowTableModel([], key=_key, emphasis=total, ops=ops,
                                         command_for=actual_command("units"),
                                         row_label=label)  # fmt: skip
        self.revenue_view = make_table(self.revenue_model, sortable=False, name="revenueTable")
        self.units_view = make_table(self.units_model, sortable=False, name="unitsTable")
        actions = QHBoxLayout()
        self.import_button = QPushButton("Import Actual Sales…")
        self.import_button.setToolTip("Add sales from a CSV or Excel export of your shop or books")
        self.import_button.clicked.connect(self.open_import)
        self.lock_note = QLabel()
        self.lock_note.setObjectName("lockNote")
        actions.addWidget(self.import_button)
        actions.addWidget(self.lock_note, 1)
        self.body.addLayout(actions)
        self.revenue_heading = heading("Revenue")
        self.units_heading = heading("Units sold")
        self.body.addWidget(self.revenue_heading)
        self.body.addWidget(self.revenue_view, 3)
        self.body.addWidget(self.units_heading)
        self.body.addWidget(self.units_view, 2)
        self._months: tuple[Month, ...] = ()

    def reader(self, changes: Change) -> Callable[[], ActualsNumbers]:
        plan, fy = self.ops.plan, self.fiscal_year
        return lambda: ActualsNumbers(fy, monthly_actuals(plan, fy), locked_through(plan))

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, ActualsNumbers)
        self.revenue_model.set_formats(self.formats)
        self.units_model.set_formats(self.formats)
        fy = numbers.fiscal_year
        if tuple(fy.months) != self._months:
            self._months = tuple(fy.months)
            self.revenue_model.set_columns(
                actuals_columns(fy.months, Kind.MONEY, lambda a: a.revenue,
                                lambda a: a.revenue_total)
            )  # fmt: skip
            self.units_model.set_columns(
                actuals_columns(fy.months, Kind.COUNT, lambda a: a.units, lambda a: a.units_total)
            )
        rows = grid_rows(numbers.actuals)
        self.revenue_model.set_rows(rows)
        self.units_model.set_rows(rows)
        locked = numbers.locked_through
        self.lock_note.setText(
            f"Months up to {locked.name} {locked.year} are locked and cannot be changed."
            if locked is not None and locked >= fy.first_month
            else ""
        )
        self._show_period_columns()
        fit_columns(self.revenue_view)
        fit_columns(self.units_view)

    def period_changed(self, old: PeriodRange, new: PeriodRange) -> None:
        if old.fiscal_year == new.fiscal_year and self._months:
            self._show_period_columns()
        else:
            self._read(Change.ALL)

    def _show_period_columns(self) -> None:
        """Show the months of the selected period (all twelve for the whole year); the
        Year column stays, so the year's total is always in sight."""
        period = self.period
        for view in (self.revenue_view, self.units_view):
            for i, month in enumerate(self._months):
                view.setColumnHidden(i + 1, month not in period)
        whole = period.kind == "year"
        where = "" if whole else f", {period_label(period)} (Year: all of {period.fiscal_year})"
        self.revenue_heading.setText(f"Revenue{where}")
        self.units_heading.setText(f"Units sold{where}")

    def open_import(self) -> None:
        """The import wizard (as File > Import Actual Sales…)."""
        from ui.import_actuals_dialog import ImportActualsDialog

        dialog = ImportActualsDialog(self.ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


def _nth(
    values: Callable[[OfferingActuals], tuple[Any, ...]], index: int, row: OfferingActuals
) -> Any:
    return values(row)[index]
