"""The Dashboard: the year's headline figures and its plan against actual, month by month."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtWidgets import QHBoxLayout, QWidget

from planner.queries import pipeline_figures, plan_vs_actual, revenue_to_date
from planner.services.commands import Change
from ui.models.table import RowTableModel
from ui.tabs.base import FiscalYearTab
from ui.tabs.periods import PLAN_VS_ACTUAL_COLUMNS, is_total, period_key
from ui.tabs.widgets import Figure, fit_columns, heading, make_table
from ui.undo import PlanOperations

_REVENUE = Change.TARGETS | Change.ACTUALS | Change.CHANNEL_MONTHS
_PIPELINE = Change.DEALS | Change.STAGES


class DashboardTab(FiscalYearTab):
    title = "Dashboard"
    explanation = (
        "How the year is going at a glance: revenue so far against your target, what the open "
        "deals are worth, and how often you win. The table sets every month's target against "
        "what you really sold, spent on marketing and gained in leads."
    )
    watched: ClassVar[Change] = _REVENUE | _PIPELINE

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        figures = QHBoxLayout()
        self.revenue = Figure("Revenue to date")
        self.pipeline = Figure("Weighted open pipeline")
        self.win_rate = Figure("Win rate")
        for figure in (self.revenue, self.pipeline, self.win_rate):
            figures.addWidget(figure, 1)
        self.body.addLayout(figures)
        self.body.addWidget(heading("Plan against actual"))
        self.model = RowTableModel(PLAN_VS_ACTUAL_COLUMNS, key=period_key, emphasis=is_total)
        self.view = make_table(self.model, sortable=False, name="planVsActualTable")
        self.body.addWidget(self.view, 1)

    def refresh(self, changes: Change) -> None:
        plan, fy, today = self.ops.plan, self.fiscal_year, self.today()
        self.model.set_formats(self.formats)
        money, percent = self.formats.money, self.formats.percent
        if changes & (_REVENUE | Change.PROFILE):
            self.model.set_rows(plan_vs_actual(plan, fy))
            fit_columns(self.view)
            ytd = revenue_to_date(plan, fy, today=today)
            if ytd.through is None:
                caption = "Revenue to date"
                detail = f"The first month of {fy.label} is not over yet."
            elif ytd.through == fy.last_month:
                caption = "Revenue for the year"
                detail = f"Target {money(ytd.target)}"
            else:
                caption = f"Revenue to the end of {ytd.through.short_label}"
                detail = f"Target for those months: {money(ytd.target)}"
            if ytd.variance_pct is not None:
                ahead = "ahead of" if ytd.variance >= 0 else "behind"
                detail += f" · {percent(abs(ytd.variance_pct))} {ahead} target"
            self.revenue.show_figure(money(ytd.actual), detail, caption)
        if changes & (_PIPELINE | Change.PROFILE):
            figures = pipeline_figures(plan, fy, today=today)
            self.pipeline.show_figure(
                money(figures.weighted_open),
                f"{self.formats.count(figures.open_deals)} open deals worth "
                f"{money(figures.open_amount)}",
            )
            closed = figures.won_deals + figures.lost_deals
            self.win_rate.show_figure(
                percent(figures.win_rate_pct) if figures.win_rate_pct is not None else "–",
                f"{figures.won_deals} won, {figures.lost_deals} lost in {fy.label}"
                if closed
                else f"No deals closed in {fy.label} yet.",
            )
