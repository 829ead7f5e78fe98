"""The chart of the Channels tab: a channel's (or all channels') spend and leads by month,
plan against actual, over the period picked on the tab.

Spend is drawn as bars on the left axis, leads as lines on the right one. A redraw
rebuilds every item of the chart, so it is drawn again only when what it shows changed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from planner.domain.periods import PeriodRange
from planner.queries.channel_metrics import ChannelYear
from ui.charts import ChartView
from ui.charts.axes import month_labels, period_label


class ChannelChart(ChartView):
    """Spend (bars) and leads (lines, right axis) of one channel year, plan against actual."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Spend and leads: plan against actual", parent)
        self.setObjectName("channelChart")
        self._drawn: object = None

    def show_year(self, year: ChannelYear, period: PeriodRange, currency: str) -> None:
        """Plot the months of ``year`` within ``period`` (the whole year when ``period``
        is in another fiscal year), amounts in ``currency``."""
        if period.fiscal_year != year.fiscal_year:
            period = PeriodRange.year(year.fiscal_year)
        title = f"{year.name}: spend and leads, {period_label(period)}"
        drawn = (title, currency, year.months, year.monthly)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        shown = [i for i, month in enumerate(year.months) if month in period]
        self.set_title(title)
        self.set_categories(month_labels([year.months[i] for i in shown]))
        self.set_value_kind("money", currency=currency)
        self.set_value_kind("count", axis="right", label="Leads")
        monthly = [year.monthly[i] for i in shown]
        self.add_bars("Planned spend", [f.planned_spend for f in monthly], "plan", 0, 2)
        self.add_bars("Actual spend", [f.actual_spend for f in monthly], "actual", 1, 2)
        self.add_line("Planned leads", [f.planned_leads for f in monthly], "plan", axis="right")
        actual_leads = [f.actual_leads for f in monthly]
        # A line with no point at all trips pyqtgraph (an all-NaN warning while painting).
        if any(v is not None for v in actual_leads):
            self.add_line("Actual leads", actual_leads, "actual", axis="right")
