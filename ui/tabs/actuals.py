"""The Actuals tab: what was really sold each month of a fiscal year, per offering."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtWidgets import QWidget

from planner.domain.periods import Month
from planner.queries import OfferingActuals, monthly_actuals
from planner.services.commands import Change
from ui.models.table import Column, Kind, RowTableModel
from ui.tabs.base import FiscalYearTab
from ui.tabs.widgets import fit_columns, heading, make_table
from ui.undo import PlanOperations


def actuals_columns(
    months: Sequence[Month],
    kind: Kind,
    values: Callable[[OfferingActuals], tuple[Any, ...]],
    total: Callable[[OfferingActuals], Any],
) -> list[Column[OfferingActuals]]:
    columns: list[Column[OfferingActuals]] = [Column("Offering", lambda a: a.offering)]
    for i, month in enumerate(months):
        columns.append(Column(month.short_label, functools.partial(_nth, values, i), kind))
    columns.append(Column("Year", total, kind))
    return columns


def _key(row: OfferingActuals) -> tuple[bool, int | None]:
    return (row.is_total, row.offering_id)


class ActualsTab(FiscalYearTab):
    title = "Actuals"
    explanation = (
        "What you really sold each month, per offering where you know it, entered by hand "
        "or taken from your accounts or shop system. Actuals are what every target, "
        "forecast and channel figure is measured against."
    )
    watched: ClassVar[Change] = Change.ACTUALS | Change.OFFERINGS

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        total: Callable[[OfferingActuals], bool] = lambda a: a.is_total  # noqa: E731
        self.revenue_model = RowTableModel([], key=_key, emphasis=total)
        self.units_model = RowTableModel([], key=_key, emphasis=total)
        self.revenue_view = make_table(self.revenue_model, sortable=False, name="revenueTable")
        self.units_view = make_table(self.units_model, sortable=False, name="unitsTable")
        self.body.addWidget(heading("Revenue"))
        self.body.addWidget(self.revenue_view, 3)
        self.body.addWidget(heading("Units sold"))
        self.body.addWidget(self.units_view, 2)
        self._months: tuple[Month, ...] = ()

    def refresh(self, changes: Change) -> None:
        self.revenue_model.set_formats(self.formats)
        self.units_model.set_formats(self.formats)
        if not changes & (self.watched | Change.PROFILE):
            return
        fy = self.fiscal_year
        if tuple(fy.months) != self._months:
            self._months = tuple(fy.months)
            self.revenue_model.set_columns(
                actuals_columns(fy.months, Kind.MONEY, lambda a: a.revenue,
                                lambda a: a.revenue_total)
            )  # fmt: skip
            self.units_model.set_columns(
                actuals_columns(fy.months, Kind.COUNT, lambda a: a.units, lambda a: a.units_total)
            )
        rows = monthly_actuals(self.ops.plan, fy)
        self.revenue_model.set_rows(rows)
        self.units_model.set_rows(rows)
        fit_columns(self.revenue_view)
        fit_columns(self.units_view)


def _nth(
    values: Callable[[OfferingActuals], tuple[Any, ...]], index: int, row: OfferingActuals
) -> Any:
    return values(row)[index]
