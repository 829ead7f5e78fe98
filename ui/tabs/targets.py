"""The Targets tab: the revenue aimed for each month, with quarter and year totals, against
what was really sold."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QWidget

from planner.queries import targets
from planner.services.commands import Change
from ui.models.table import RowTableModel
from ui.tabs.base import FiscalYearTab
from ui.tabs.periods import TARGET_COLUMNS, is_total, period_key
from ui.tabs.widgets import fit_columns, make_table
from ui.undo import PlanOperations


class TargetsTab(FiscalYearTab):
    title = "Targets"
    explanation = (
        "The revenue (and, if you like, the units) you aim to sell in each month of the "
        "fiscal year. Targets turn the plan into numbers you can check: every month, "
        "quarter and year shows how far actual sales are ahead of or behind them."
    )
    watched: ClassVar[Change] = Change.TARGETS | Change.ACTUALS

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.model = RowTableModel(TARGET_COLUMNS, key=period_key, emphasis=is_total)
        self.view = make_table(self.model, sortable=False, name="targetsTable")
        self.body.addWidget(self.view, 1)

    def refresh(self, changes: Change) -> None:
        self.model.set_formats(self.formats)
        if changes & (self.watched | Change.PROFILE):
            self.model.set_rows(targets(self.ops.plan, self.fiscal_year))
            fit_columns(self.view)
