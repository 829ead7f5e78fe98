"""Reads off the GUI thread: the Dashboard on the sample plan with its reads forced onto a
worker. An edit is read on the worker and shown on the GUI thread; a read replaced by a
newer one (a period change, another edit) is dropped and the newest numbers win; closing
the window while a read runs waits for it and reads nothing more; small plans stay
synchronous unless their reads are slow."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import ChannelMonth, Deal
from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodRange
from planner.queries import dashboard as dashboard_queries
from planner.services.channels import set_month_figure
from planner.services.edit import change_field
from ui import background
from ui.charts import items as chart_items
from ui.tabs import base
from ui.tabs import dashboard_charts as charts
from ui.tabs.dashboard import DashboardTab
from ui.tabs.dashboard_read import DashboardNumbers
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

FY = FiscalYear(2026, 1)
Q3 = PeriodRange.quarter(FiscalQuarter(FY, 3))
Q4 = PeriodRange.quarter(FiscalQuarter(FY, 4))


class Gate:
    """Holds the next worker call of one dashboard query until the test opens the gate,
    and notes every call: its period and whether it ran off the GUI thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.armed = False
        self.started = threading.Event()
        self.opened = threading.Event()
        self.calls: list[tuple[PeriodRange, bool]] = []
        real = getattr(dashboard_queries, name)

        def held(plan: Any, period: PeriodRange, **kwargs: Any) -> Any:
            on_worker = threading.current_thread() is not threading.main_thread()
            self.calls.append((period, on_worker))
            if self.armed and on_worker:
                self.armed = False
                self.started.set()
                assert self.opened.wait(20), "the test never let the read go on"
            return real(plan, period, **kwargs)

        monkeypatch.setattr(dashboard_queries, name, held)


@pytest.fixture
def on_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Dashboard read goes to the worker, however quick."""
    monkeypatch.setattr(DashboardTab, "read_mode", "async")


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[DashboardNumbers]:
    """Every read the Dashboard presented, in order."""
    seen: list[DashboardNumbers] = []
    real = DashboardTab.present

    def present(tab: DashboardTab, changes: Any, numbers: Any) -> None:
        seen.append(numbers)
        real(tab, changes, numbers)

    monkeypatch.setattr(DashboardTab, "present", present)
    return seen


@pytest.fixture
def db(ops: PlanOperations) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(ops.plan.path)
    yield connection
    connection.close()


def open_dashboard(qtbot: QtBot, ops: PlanOperations) -> DashboardTab:
    tab = DashboardTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: not tab.is_reading)
    return tab


def first_open_deal(ops: PlanOperations) -> int:
    with ops.plan.session() as session:
        deal = session.scalars(
            select(Deal.id).where(Deal.status == "open").order_by(Deal.id).limit(1)
        ).one()
    return int(deal)


def edit_deal_amount(ops: PlanOperations, amount: str) -> int:
    deal = first_open_deal(ops)
    with ops.plan.uow() as uow:
        command = change_field(uow, Deal, deal, "amount_minor", Decimal(amount))
    assert ops.run(command)
    return deal


def edit_october_leads(ops: PlanOperations, leads: int) -> None:
    with ops.plan.uow() as uow:
        row = uow.session.query(ChannelMonth).filter_by(month=Month(2026, 10)).first()
        assert row is not None
        command = set_month_figure(uow, row.channel_id, Month(2026, 10), "actual_leads", leads)
    assert ops.run(command)


def open_by_stage(db: sqlite3.Connection) -> list[tuple[str, int, Decimal]]:
    rows = db.execute(
        "SELECT s.name, count(d.id), coalesce(sum(d.amount_minor), 0) FROM stage s "
        "LEFT JOIN deal d ON d.stage_id = s.id AND d.status = 'open' "
        "WHERE NOT s.is_won AND NOT s.is_lost GROUP BY s.id ORDER BY s.position"
    ).fetchall()
    return [(name, n, Decimal(minor) / 100) for name, n, minor in rows]


def october_leads(db: sqlite3.Connection) -> int:
    return int(
        db.execute(
            "SELECT sum(actual_leads) FROM channel_month WHERE month = '2026-10'"
        ).fetchone()[0]
    )


def funnel(tab: DashboardTab) -> list[tuple[str, int, Decimal]]:
    return [(s.name, s.deals, s.value) for s in tab.funnel.steps()[:-1]]  # open stages


def test_an_edit_is_read_on_a_worker_and_shown_on_the_gui_thread(
    qtbot: QtBot,
    ops: PlanOperations,
    db: sqlite3.Connection,
    on_worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate(monkeypatch, "pipeline_view")  # not armed: only notes the calls
    tab = open_dashboard(qtbot, ops)
    assert funnel(tab) == open_by_stage(db)
    before = funnel(tab)
    edit_deal_amount(ops, "123456.78")
    # The edit is saved; the numbers are still being read, and the tab says so.
    assert tab.is_reading and tab.updating.isVisible()
    assert tab.updating.text() == "Updating…"
    assert funnel(tab) == before
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert funnel(tab) == open_by_stage(db) != before
    assert not tab.updating.isVisible()
    # Both reads (opening, the edit) ran on the worker thread.
    assert [worker for _period, worker in gate.calls] == [True, True]


def test_a_period_change_during_a_read_ends_with_the_newest_numbers(
    qtbot: QtBot,
    ops: PlanOperations,
    on_worker: None,
    shown: list[DashboardNumbers],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate(monkeypatch, "revenue_view")
    after = Gate(monkeypatch, "pipeline_view")  # read after revenue: notes the calls
    tab = open_dashboard(qtbot, ops)
    assert len(shown) == 1 and tab.revenue_chart.categories()[0] == "Jan 2026"
    gate.armed = True
    ops.period_state.set_period(Q4)
    qtbot.waitUntil(gate.started.is_set)  # the Q4 read is running, held
    ops.period_state.set_period(Q3)  # ...and the owner picks Q3 meanwhile
    assert tab.is_reading
    gate.opened.set()
    qtbot.waitUntil(lambda: not tab.is_reading)
    # Q4's read stopped after the part it was in and was never shown: only the newest
    # period's numbers reached the page.
    assert [period for period, _worker in gate.calls[1:]] == [Q4, Q3]
    assert [period for period, _worker in after.calls[1:]] == [Q3]
    assert len(shown) == 2 and shown[-1].revenue is not None
    assert shown[-1].revenue.period == Q3
    assert tab.revenue_chart.categories() == ["Jul 2026", "Aug 2026", "Sep 2026"]
    assert tab.funnel.steps()[-1].name == "Won in Q3 FY 2026"
    rows = [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())]
    assert rows == ["Jul 2026", "Aug 2026", "Sep 2026", "Q3 FY 2026"]


def test_an_edit_during_a_read_is_shown_with_the_edit_it_replaced(
    qtbot: QtBot,
    ops: PlanOperations,
    db: sqlite3.Connection,
    on_worker: None,
    shown: list[DashboardNumbers],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate(monkeypatch, "marketing_view")
    tab = open_dashboard(qtbot, ops)
    funnel_before = funnel(tab)
    gate.armed = True
    edit_october_leads(ops, 777)  # channel figures: read on the worker, held there
    qtbot.waitUntil(gate.started.is_set)
    edit_deal_amount(ops, "54321")  # deals: the newer read must bring the leads too
    gate.opened.set()
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert len(shown) == 2  # opening, then one read for both edits
    assert tab.leads_chart.series()[charts.ACTUAL_LEADS][9] == october_leads(db)
    assert funnel(tab) == open_by_stage(db) != funnel_before


def test_closing_the_window_during_a_read_waits_for_it_and_reads_no_more(
    qtbot: QtBot,
    make_window: Callable[..., Any],
    sample_path: Any,
    on_worker: None,
    shown: list[DashboardNumbers],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate(monkeypatch, "marketing_view")
    window = make_window()
    assert window.open_path(sample_path)
    tab = window.current_tab()
    assert isinstance(tab, DashboardTab)
    qtbot.waitUntil(lambda: not tab.is_reading)
    ops, presented = window.ops, len(shown)
    runner = background.reads_for(ops)
    gate.armed = True
    edit_october_leads(ops, 321)
    qtbot.waitUntil(gate.started.is_set)  # a read is running on the worker
    edit_deal_amount(ops, "4321")  # and a newer one waits behind it
    calls = len(gate.calls)
    # The read goes on shortly after the window starts closing (from another thread:
    # the GUI thread is then waiting for it).
    threading.Timer(0.2, gate.opened.set).start()
    window.close()
    assert window.plan is None and runner.closed and not runner.busy
    assert len(gate.calls) == calls  # the queued read never started on the closed plan
    qtbot.wait(50)  # let any queued delivery arrive: it must be dropped
    assert len(shown) == presented


def test_small_plans_read_at_once_and_slow_reads_go_to_a_worker(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = open_dashboard(qtbot, ops)
    assert tab.read_seconds is not None and tab.read_seconds < base.READ_ASYNC_AFTER
    edit_october_leads(ops, 1234)
    # Read on the GUI thread: the figure is there when the edit returns.
    assert not tab.is_reading
    assert tab.leads_chart.series()[charts.ACTUAL_LEADS][9] == october_leads(db)

    # A deal edit whose read was slow (as on the 100,000-deal plan): the next one goes to
    # the worker, while an edit whose reads were quick stays on the GUI thread.
    def slow(read: Callable[[], Any]) -> background.ReadResult:
        result = background.timed_read(read)
        return background.ReadResult(result.value, result.error, 1.0)

    monkeypatch.setattr(base, "timed_read", slow)
    edit_deal_amount(ops, "111")
    assert not tab.is_reading and tab.read_seconds == 1.0
    monkeypatch.undo()
    edit_october_leads(ops, 2345)
    assert not tab.is_reading
    assert tab.leads_chart.series()[charts.ACTUAL_LEADS][9] == october_leads(db)
    funnel_before = funnel(tab)
    edit_deal_amount(ops, "222")
    assert tab.is_reading and funnel(tab) == funnel_before
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert funnel(tab) == open_by_stage(db) != funnel_before
    # That read was quick: the next deal edit is read at once again.
    edit_deal_amount(ops, "333")
    assert not tab.is_reading and funnel(tab) == open_by_stage(db)
    monkeypatch.setattr(base, "READ_ASYNC_AFTER", 0.0)  # every read now counts as slow...
    monkeypatch.setattr(DashboardTab, "read_mode", "sync")  # ...but the switch wins
    edit_october_leads(ops, 3456)
    assert not tab.is_reading
    assert tab.leads_chart.series()[charts.ACTUAL_LEADS][9] == october_leads(db)


def test_a_failing_read_raises_on_the_gui_thread(
    qtbot: QtBot, ops: PlanOperations, on_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = open_dashboard(qtbot, ops)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(dashboard_queries, "pipeline_view", broken)
    with qtbot.capture_exceptions() as raised:
        edit_deal_amount(ops, "99")
        qtbot.waitUntil(lambda: not tab.is_reading)
    assert [str(error) for _type, error, _tb in raised] == ["disk unplugged"]


def test_figures_arriving_after_the_first_paint_hatch_only_what_shows(
    qtbot: QtBot, ops: PlanOperations, on_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read on a worker, the figures reach charts that were already painted empty; a paint
    before a chart's range follows them once hatched bars a million pixels tall, freezing
    the window for seconds."""
    tallest: list[float] = [0.0]
    real = chart_items.hatch_lines

    def hatch_lines(rect: Any) -> Any:
        tallest[0] = max(tallest[0], rect.height())
        return real(rect)

    monkeypatch.setattr(chart_items, "hatch_lines", hatch_lines)
    tab = open_dashboard(qtbot, ops)
    for _ in range(3):  # let every chart paint its figures
        qtbot.wait(20)
    assert 0 < tallest[0] <= tab.height()


def test_a_finished_runner_takes_no_more_reads(qtbot: QtBot) -> None:
    owner = QObject()
    runner = background.reads_for(owner)
    assert background.reads_for(owner) is runner
    results: list[Any] = []
    with qtbot.waitSignal(runner.settled):
        runner.submit(
            background.ReadJob(owner, lambda: 6 * 7, lambda _j, r: results.append(r), lambda: True)
        )
    assert [r.value for r in results] == [42] and results[0].cpu_seconds >= 0
    background.finish_reads(owner)
    runner.submit(
        background.ReadJob(owner, lambda: 1, lambda _j, r: results.append(r), lambda: True)
    )
    assert not runner.busy and len(results) == 1


def test_the_window_starts_the_dashboards_first_read_before_building_it(
    qtbot: QtBot,
    make_window: Callable[..., Any],
    sample_path: Any,
    shown: list[DashboardNumbers],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.tabs import dashboard_read

    threads: list[str] = []
    real_read = dashboard_read.read_numbers

    def read_numbers(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_read(*args, **kwargs)

    waiting: list[object] = []  # what the window had started when the tab was built
    real_init = DashboardTab.__init__

    def init(tab: DashboardTab, ops: PlanOperations, *args: Any, **kwargs: Any) -> None:
        waiting.append(ops.first_read)
        real_init(tab, ops, *args, **kwargs)

    monkeypatch.setattr(dashboard_read, "read_numbers", read_numbers)
    monkeypatch.setattr(DashboardTab, "__init__", init)
    window = make_window()
    assert window.open_path(sample_path)
    tab = window.current_tab()
    assert isinstance(tab, DashboardTab)
    qtbot.waitUntil(lambda: len(shown) == 1)
    # Started by the window before the tab existed, read once on its own thread, shown.
    assert len(waiting) == 1 and isinstance(waiting[0], dashboard_read.EarlyRead)
    assert threads == ["dashboard-first-read"]
    assert shown[0].revenue is not None and tab.period == PeriodRange.year(FY)
    assert window.ops.take_first_read() is None  # the tab took it


def test_a_first_read_of_another_period_is_not_shown(
    qtbot: QtBot, ops: PlanOperations, shown: list[DashboardNumbers]
) -> None:
    from ui.tabs import dashboard_read

    ops.first_read = read = dashboard_read.start_first_read(ops)  # as the window does
    ops.period_state.set_period(Q3)  # the owner picked Q3 before the tab first showed
    tab = open_dashboard(qtbot, ops)
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert read.result()[0] == PeriodRange.year(FY)  # it read the whole year...
    assert tab.period == Q3
    revenue = shown[0].revenue
    assert revenue is not None and revenue.period == Q3  # ...but Q3 is what is shown
