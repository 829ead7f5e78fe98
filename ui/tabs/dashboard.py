"""The Dashboard: how the business is doing against its plan, for the period picked above.

Seven headline tiles (revenue, attainment, weighted pipeline, win rate, cost per lead,
cost per customer won, return on marketing spend), five charts (revenue by month with
target and forecast, running totals, spend by channel, leads by month, the pipeline
funnel) and the month-by-month table. Everything is read through
``planner.queries.dashboard`` in three parts (revenue, marketing, pipeline); an edit
re-reads only the parts its change flags touch, and redraws only what shows them.
Reading (``ui.tabs.dashboard_read``, no widgets) is apart from showing (``present``), so
on a large plan the reads run off the GUI thread (see ``ui.tabs.base``).

The page scrolls: at 1400x900 the tiles and charts sit two charts to a row, at 1024x700
it re-flows to fewer tiles a row and one chart a row.

Opening a plan shows this tab first, so it loads what is in view and nothing more: its
first read starts on a thread as soon as the plan is open, before this module is even
imported (``TabSpec.first_read``; SQLite lets the window build meanwhile), and is shown
before the first paint; the charts below the revenue chart are built (and
drawn) when they scroll into view, or when something asks for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import Month
from planner.queries import dashboard as queries
from planner.services.commands import Change
from ui.charts import ChartView
from ui.charts.funnel import FunnelChart
from ui.models.table import RowTableModel
from ui.tabs import dashboard_charts as charts
from ui.tabs import dashboard_tiles as tiles
from ui.tabs.base import FiscalYearTab
from ui.tabs.dashboard_read import (
    CHANNEL_FIGURES,
    MARKETING,
    PIPELINE,
    REVENUE,
    TABLE,
    DashboardNumbers,
    EarlyRead,
    read_numbers,
    start_first_read,
)
from ui.tabs.periods import PLAN_VS_ACTUAL_COLUMNS, is_total, period_key
from ui.tabs.widgets import fit_columns, heading, make_table
from ui.undo import PlanOperations

TILE_WIDTH = 185  # pixels a tile needs to read well: sets how many share a row
TILE_COLUMNS = 12  # grid columns the tiles share: 4 tiles span 3 each, 3 tiles span 4
TWO_CHARTS_FROM = 900  # page width from which charts sit two to a row


class DashboardTab(FiscalYearTab):
    title = "Dashboard"
    explanation = (
        "How the business is doing against its plan, for the period you pick: revenue "
        "against target and forecast, what marketing cost and brought in, and what the open "
        "deals are worth. The arrows say which way each figure moved and whether that is "
        "good news; hover over a chart for exact figures, right-click it to copy or save it."
    )
    watched: ClassVar[Change] = REVENUE | MARKETING | PIPELINE | TABLE

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self._revenue: queries.RevenueView | None = None
        self._pipeline: queries.PipelineView | None = None
        self._marketing: queries.MarketingView | None = None
        self._current: Month | None = None  # the month in progress, as last shown
        self._unfitted = False  # the table's columns wait to be sized (``_fit_table``)
        # The first read starts now, before the widgets (and pyqtgraph) are built.
        # (The window starts it as soon as the plan is open: ``MainWindow.load_plan``.)
        early = ops.take_first_read()
        if not isinstance(early, EarlyRead):
            early = start_first_read(ops)
        self._early: EarlyRead | None = early
        self._early_seconds: float | None = None
        ops.changed.connect(self._drop_early_read)
        self.page = QWidget()
        self.page.setObjectName("dashboardPage")
        page = QVBoxLayout(self.page)
        page.setContentsMargins(0, 0, 4, 0)
        page.setSpacing(10)

        self.revenue = tiles.KpiTile("Revenue", "revenueTile")
        self.attainment = tiles.KpiTile("Target attainment", "attainmentTile")
        self.pipeline = tiles.KpiTile("Weighted open pipeline", "pipelineTile")
        self.win_rate = tiles.KpiTile("Win rate", "winRateTile")
        self.cost_per_lead = tiles.KpiTile("Cost per lead", "costPerLeadTile")
        self.cost_per_customer = tiles.KpiTile("Cost per customer won", "costPerCustomerTile")
        self.return_on_spend = tiles.KpiTile("Return on marketing spend", "returnOnSpendTile")
        self.tiles = [
            self.revenue, self.attainment, self.pipeline, self.win_rate,
            self.cost_per_lead, self.cost_per_customer, self.return_on_spend,
        ]  # fmt: skip
        self._tile_grid = QGridLayout()
        self._tile_grid.setSpacing(8)
        page.addLayout(self._tile_grid)

        self.panels = [charts.ChartPanel(charts.chart_maker(i)) for i in range(len(charts.CHARTS))]
        # The revenue chart sits right under the tiles, in view in any window.
        self.panels[0].build()
        self._chart_grid = QGridLayout()
        self._chart_grid.setHorizontalSpacing(12)
        self._chart_grid.setVerticalSpacing(14)
        page.addLayout(self._chart_grid)

        page.addWidget(heading("Month by month"))
        self.model = RowTableModel(PLAN_VS_ACTUAL_COLUMNS, key=period_key, emphasis=is_total)
        self.view = make_table(self.model, sortable=False, name="planVsActualTable")
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page.addWidget(self.view)
        page.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("dashboardScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.page)
        self.scroll_area.viewport().installEventFilter(self)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._build_in_view)
        self.body.addWidget(self.scroll_area, 1)
        self._columns = (0, 0)
        self._reflow(1200)

    # -- charts, built as they come into view --------------------------------------------

    def _chart(self, index: int) -> QWidget:
        """Chart ``index``, built (and drawn from the figures shown) the first time."""
        panel = self.panels[index]
        if panel.chart is None:
            panel.build()
            self._plot(index)
        assert panel.chart is not None
        return panel.chart

    def _view(self, index: int) -> ChartView:
        chart = self._chart(index)
        assert isinstance(chart, ChartView)
        return chart

    @property
    def revenue_chart(self) -> ChartView:
        return self._view(0)

    @property
    def cumulative_chart(self) -> ChartView:
        return self._view(1)

    @property
    def spend_chart(self) -> ChartView:
        return self._view(2)

    @property
    def leads_chart(self) -> ChartView:
        return self._view(3)

    @property
    def funnel(self) -> FunnelChart:
        chart = self._chart(4)
        assert isinstance(chart, FunnelChart)
        return chart

    def _plot(self, index: int) -> None:
        """Draw chart ``index`` (if built) from the figures last read, with its note."""
        chart, current = self.panels[index].chart, self._current
        if chart is None or current is None:
            return
        views = (self._revenue, self._revenue, self._marketing, self._marketing, self._pipeline)
        note = charts.plot_chart(index, chart, views[index], self.formats, current)
        if note is not None:
            self.panels[index].set_note(note)

    def _build_in_view(self) -> None:
        """Build the charts that are (or are about to be) in view, and size the table's
        columns once it is."""
        waiting = [i for i, panel in enumerate(self.panels) if panel.chart is None]
        if not (waiting or self._unfitted) or not self.isVisible() or self._current is None:
            return  # (before the first figures the tiles are short: wait for them)
        layout = self.page.layout()
        if layout is not None:
            # Size the page as the scroll area is about to (the width of its view, as tall
            # as its contents need), then place the panels for the text just shown.
            width = self.scroll_area.viewport().width()
            if layout.hasHeightForWidth():
                height = layout.totalHeightForWidth(width)
            else:
                height = layout.totalSizeHint().height()
            self.page.resize(width, max(height, self.scroll_area.viewport().height()))
            layout.activate()
        top = self.scroll_area.verticalScrollBar().value()
        bottom = top + self.scroll_area.viewport().height()
        for index in waiting:
            panel = self.panels[index]
            if panel.y() < bottom and panel.y() + panel.height() > top:
                self._chart(index)
        if self._unfitted and self.view.y() < bottom:
            self._unfitted = False
            fit_columns(self.view)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._build_in_view()

    # -- layout ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # While the tab is torn down (a collected cycle clears its attributes before Qt
        # deletes its children) the viewport still sends events: they are not ours to handle.
        area: QScrollArea | None = self.__dict__.get("scroll_area")
        if (
            area is not None
            and event.type() == QEvent.Type.Resize
            and shiboken6.isValid(area)
            and watched is area.viewport()
        ):
            self._reflow(area.viewport().width())
            self._build_in_view()
        return super().eventFilter(watched, event)

    def _reflow(self, width: int) -> None:
        """Sales tiles on one row and marketing tiles on the next, each row sharing the
        width (two tiles a row on a narrow page); charts two to a row on a wide page, the
        revenue chart always across the whole width."""
        per_row = 4 if width >= 4 * TILE_WIDTH else 2
        charts_per_row = 2 if width >= TWO_CHARTS_FROM else 1
        if (per_row, charts_per_row) == self._columns:
            return
        self._columns = (per_row, charts_per_row)
        for tile in self.tiles:
            self._tile_grid.removeWidget(tile)
        row = 0
        for group in (self.tiles[:4], self.tiles[4:]):  # sales, then marketing
            for start in range(0, len(group), per_row):
                chunk = group[start : start + per_row]
                span = TILE_COLUMNS // len(chunk)
                for i, tile in enumerate(chunk):
                    self._tile_grid.addWidget(tile, row, i * span, 1, span)
                row += 1
        for column in range(TILE_COLUMNS):
            self._tile_grid.setColumnStretch(column, 1)
        first, *rest = self.panels
        for panel in self.panels:
            self._chart_grid.removeWidget(panel)
        self._chart_grid.addWidget(first, 0, 0, 1, charts_per_row)
        for i, panel in enumerate(rest):
            self._chart_grid.addWidget(panel, 1 + i // charts_per_row, i % charts_per_row)
        for column in range(2):
            self._chart_grid.setColumnStretch(column, 1 if column < charts_per_row else 0)

    def _fit_table(self) -> None:
        """Tall enough for every row: the page scrolls, not the table inside it. Its columns
        are sized to their contents when it comes into view (``_build_in_view``): it starts
        below the charts, and measuring every cell was ~5 ms of the window's first paint."""
        self._unfitted = True
        header = self.view.horizontalHeader().height()
        rows = sum(self.view.rowHeight(r) for r in range(self.model.rowCount()))
        frame = 2 * self.view.frameWidth()
        scrollbar = self.view.horizontalScrollBar().sizeHint().height()
        self.view.setFixedHeight(header + rows + frame + scrollbar)

    # -- reading and showing -----------------------------------------------------------------

    def _drop_early_read(self, _changes: object = None) -> None:
        self._early = None  # the plan changed while it was reading: read again

    def reader(self, changes: Change) -> Callable[[], DashboardNumbers]:
        plan, period, today, reuse = self.ops.plan, self.period, self.today(), self._marketing
        early, self._early = self._early, None
        if early is not None and changes & Change.PROFILE and early.today == today:
            # The first read is of everything, for the current fiscal year; should the
            # period have moved meanwhile, this reads again for the one picked.

            def finish_early_read() -> DashboardNumbers:
                read_period, numbers = early.result()
                if read_period != period:
                    return read_numbers(plan, period, today, changes, reuse)
                self._early_seconds = early.cpu_seconds
                return numbers

            return finish_early_read
        # The forecast's modules (numpy) load on the first read: load them here, before
        # the read is timed, or that one-off would count as a slow read (ui.tabs.base).
        importlib.import_module("planner.forecasting.select")
        return lambda: read_numbers(plan, period, today, changes, reuse)

    def present(self, changes: Change, numbers: Any) -> None:
        assert isinstance(numbers, DashboardNumbers)
        if self._early_seconds is not None:
            # The first read ran on a thread: its cost there is what tells whether reads
            # like it belong on a worker (ui.tabs.base), not the wait for it here.
            self.read_seconds = self._read_costs[changes] = self._early_seconds
            self._early_seconds = None
        self._current = current = Month.of(numbers.today)
        fmt = self.formats
        self.model.set_formats(fmt)
        everything = changes & Change.PROFILE
        if numbers.revenue is not None:
            self._revenue = revenue = numbers.revenue
            self._plot(0)
            self._plot(1)
            tiles.show_revenue(self.revenue, revenue, fmt, current)
            tiles.show_attainment(self.attainment, revenue, fmt)
        if numbers.pipeline is not None:
            self._pipeline = pipeline = numbers.pipeline
            self._plot(4)
            tiles.show_win_rate(self.win_rate, pipeline, fmt, current)
        if (everything or changes & (PIPELINE | REVENUE)) and self._pipeline and self._revenue:
            tiles.show_pipeline(self.pipeline, self._pipeline, self._revenue, fmt)
        if numbers.marketing is not None:
            self._marketing = marketing = numbers.marketing
            if everything or changes & CHANNEL_FIGURES:
                self._plot(2)
                self._plot(3)
                tiles.show_cost_per_lead(self.cost_per_lead, marketing, fmt, current)
            tiles.show_cost_per_customer(self.cost_per_customer, marketing, fmt)
            tiles.show_return_on_spend(self.return_on_spend, marketing, fmt)
        if numbers.table is not None:
            self.model.set_rows(numbers.table)
            self._fit_table()
        self._build_in_view()
