"""What the Dashboard reads, apart from how it shows it: no widgets, so the window can
start the first read before it has imported or built any (``start_first_read``).

``read_numbers`` reads the parts of the page that a change touches (all of them the first
time); it may run on a worker thread. ``EarlyRead`` is the first read of a plan just opened,
on a thread of its own from the moment the plan is open.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.db.plan import Plan
from planner.domain.periods import PeriodRange
from planner.queries import PeriodLevel, PlanVsActualRow, current_fiscal_year, plan_vs_actual
from planner.queries import dashboard as queries
from planner.services.commands import Change
from ui.background import check_wanted, timed_read

if TYPE_CHECKING:
    from ui.undo import PlanOperations

# What each part of the page is read from.
REVENUE = Change.TARGETS | Change.ACTUALS
CHANNEL_FIGURES = Change.CHANNELS | Change.CHANNEL_MONTHS
MARKETING = CHANNEL_FIGURES | Change.DEALS  # won deals count against the channels' spend
PIPELINE = Change.DEALS | Change.STAGES
TABLE = Change.TARGETS | Change.ACTUALS | Change.CHANNEL_MONTHS


@dataclass(frozen=True)
class DashboardNumbers:
    """One read of the Dashboard: the parts the changes touched (None: not re-read)."""

    today: dt.date
    revenue: queries.RevenueView | None
    pipeline: queries.PipelineView | None
    marketing: queries.MarketingView | None
    table: list[PlanVsActualRow] | None


def read_numbers(
    plan: Plan,
    period: PeriodRange,
    today: dt.date,
    changes: Change,
    reuse: queries.MarketingView | None = None,
) -> DashboardNumbers:
    """Read the parts of the Dashboard that ``changes`` touch (all for ``Change.PROFILE``).

    No Qt: this may run on a worker thread, where it stops between parts once a newer read
    has replaced it. ``reuse`` is the marketing part read last time, whose deal figures
    stand when no deal changed."""
    everything = bool(changes & Change.PROFILE)
    revenue = pipeline = marketing = None
    table = None
    if everything or changes & REVENUE:
        revenue = queries.revenue_view(plan, period, today=today)
    if everything or changes & PIPELINE:
        check_wanted()
        pipeline = queries.pipeline_view(plan, period, today=today)
    if everything or changes & MARKETING:
        check_wanted()
        reuse = None if everything or changes & Change.DEALS else reuse
        marketing = queries.marketing_view(plan, period, today=today, reuse=reuse)
    if everything or changes & TABLE:
        check_wanted()
        table = table_rows(plan, period, today)
    return DashboardNumbers(today, revenue, pipeline, marketing, table)


def table_rows(plan: Plan, period: PeriodRange, today: dt.date) -> list[PlanVsActualRow]:
    """The fiscal year's rows inside the period: its months, the quarters it holds
    whole, and the year's total when it is the whole year."""
    return [
        row
        for row in plan_vs_actual(plan, period.fiscal_year, today=today)
        if period.first <= row.first_month
        and row.last_month <= period.last
        and (row.level is not PeriodLevel.YEAR or period.kind == "year")
    ]


class EarlyRead:
    """The tab's first read, started on a thread as soon as the plan is open (see
    ``start_first_read``): its queries run while the window imports and builds its widgets
    (SQLite releases Python's lock as it reads), and the first showing waits for it
    (``result``) instead of reading again. It works out the period itself (the whole
    current fiscal year, as ``ui.period_state`` starts with), so the window need not."""

    def __init__(self, plan: Plan, today: dt.date) -> None:
        """Starts reading ``plan`` on a thread; ``self.thread`` must end before the plan
        is closed (``PlanOperations.reading_on``)."""
        self.today = today
        self.period: PeriodRange | None = None
        self._value: DashboardNumbers | None = None
        self._error: BaseException | None = None
        self.cpu_seconds = 0.0
        self.thread = threading.Thread(
            target=self._run, args=(plan,), name="dashboard-first-read", daemon=True
        )
        self.thread.start()

    def _run(self, plan: Plan) -> None:
        try:
            # Loaded before the read is timed, as ``DashboardTab.reader`` does: the time
            # this read took decides where reads like it run later (ui.tabs.base).
            importlib.import_module("planner.forecasting.select")
            period = PeriodRange.year(current_fiscal_year(plan, self.today))
            done = timed_read(lambda: read_numbers(plan, period, self.today, Change.ALL))
            self._value, self._error, self.cpu_seconds = done.value, done.error, done.cpu_seconds
            self.period = period
        except Exception as exc:  # raised on the GUI thread by ``result``
            self._error = exc

    def result(self) -> tuple[PeriodRange, DashboardNumbers]:
        """The period read and its numbers, once the thread is done."""
        self.thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None and self.period is not None
        return self.period, self._value


def start_first_read(ops: PlanOperations) -> EarlyRead:
    """The Dashboard's first read of the plan of ``ops``, started now (by the window as the
    plan opens: ``TabSpec.first_read``; else by the tab); the plan waits for it to end
    before it closes."""
    from ui.tabs import base  # tests pin the calendar there

    read = EarlyRead(ops.plan, base.today())
    ops.reading_on(read.thread)
    return read
