"""Refreshing after an edit on a large plan: how long the window froze, reads on a worker
against reads on the GUI thread, in the same run.

    .venv/bin/python app.py demo /tmp/big100k.smplan --deals 100000 --years 10   # once
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_refresh.py [--plan PATH] [--runs 3]

The Dashboard is shown on a copy of the plan. Each step makes one change the way the
window does (through ``PlanOperations``) and runs the event loop until the Dashboard shows
the new numbers:
- edit:   a deal's amount changes (the pipeline and marketing parts are read again);
- period: the shared period moves between two quarters (every part is read again).
A 5 ms heartbeat timer runs throughout; the longest gap between two of its beats is the
longest time the window could not answer (the event loop was blocked). "change" is the
time the change itself took on the GUI thread (the edit's transaction), "showing" the
time spent drawing the new numbers there (charts, tiles, table): both stay on the GUI
thread in either mode. "sync" reads on the
GUI thread (``read_mode = "sync"``); "auto" is the app's own choice, which sends this plan's
reads to a worker. The two alternate, so load on this shared machine hits both alike.
Figures are medians of ``--runs``; the ratios are auto / sync.

Then the other tabs that read off the GUI thread (Forecast, Channels, Segments, Targets,
Actuals; ``--tabs`` picks some, ``--tabs none`` none), each shown alone on the same plan: a
deal edit (a target edit for Targets, an actual for Actuals) read on the GUI thread
("sync") against on a worker ("async", forced), alternating; the ratio is the longest block
async / sync. "auto" says where the app itself reads that edit on this plan (on a worker
once such a read took more than ``READ_ASYNC_AFTER`` of CPU time).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from heartbeat import BEAT_MS, Heartbeat  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from planner.db.models import Deal  # noqa: E402
from planner.db.plan import Plan, backup_to, open_plan  # noqa: E402
from planner.domain.periods import FiscalQuarter, Month, PeriodRange  # noqa: E402
from planner.queries import current_fiscal_year  # noqa: E402
from planner.services.actuals import set_actual  # noqa: E402
from planner.services.edit import change_field  # noqa: E402
from planner.services.targets import set_month_target  # noqa: E402
from ui.tabs import base  # noqa: E402
from ui.tabs.dashboard import DashboardTab  # noqa: E402
from ui.undo import PlanOperations  # noqa: E402


def step(
    app: QApplication, tab: base.PlanTab, heart: Heartbeat, change: Callable[[], None]
) -> tuple[float, float, float, float]:
    """Make ``change`` from inside the event loop; run the loop until the tab showed
    its numbers and one more beat came. Returns (seconds to shown, longest block, seconds
    the change itself took, seconds spent showing the numbers)."""
    shown: list[float] = []
    showing: list[float] = []
    real = tab.present
    loop = QEventLoop()

    def present(changes: Any, numbers: Any) -> None:
        began = time.perf_counter()
        real(changes, numbers)
        shown.append(time.perf_counter())
        showing.append(shown[-1] - began)

    tab.present = present  # type: ignore[method-assign]
    times: dict[str, float] = {}
    failed: list[BaseException] = []

    def start() -> None:
        times["start"] = time.perf_counter()
        try:
            change()
        except Exception as exc:  # raised below: a slot's exception would not end the loop
            failed.append(exc)
            loop.quit()
        times["changed"] = time.perf_counter()

    def check() -> None:
        if shown and not tab.is_reading and heart.beats[-1] > shown[-1]:
            loop.quit()

    poll = QTimer()
    poll.setInterval(BEAT_MS)
    poll.timeout.connect(check)
    QTimer.singleShot(100, start)  # beats before the change, to measure from
    QTimer.singleShot(100, poll.start)
    loop.exec()
    poll.stop()
    del tab.present
    if failed:
        raise failed[0]
    t0 = times["start"]
    gap = heart.longest_gap(t0, shown[-1])
    return shown[-1] - t0, gap, times["changed"] - t0, sum(showing)


def bench_dashboard(
    app: QApplication, ops: PlanOperations, heart: Heartbeat, deal: int, runs: int
) -> list[str]:
    """The Dashboard: a deal edit and a period change, sync against auto. Returns the lines
    to print."""
    plan = ops.plan
    tab = DashboardTab(ops)
    tab.resize(1400, 900)
    started = time.perf_counter()
    tab.show()  # the first read, on the GUI thread
    first = time.perf_counter() - started
    amounts = iter([Decimal(1000 + i) for i in range(10_000)])

    def edit() -> None:
        with plan.uow() as uow:
            command = change_field(uow, Deal, deal, "amount_minor", next(amounts))
        assert ops.run(command)

    year = current_fiscal_year(plan, tab.today())
    quarters = iter([PeriodRange.quarter(FiscalQuarter(year, 1 + i % 4)) for i in range(99)])

    def period() -> None:
        ops.period_state.set_period(next(quarters))

    results: dict[tuple[str, str], list[tuple[float, float, float, float]]] = {}
    for _run in range(runs):
        for mode in ("sync", "auto"):
            DashboardTab.read_mode = mode
            for name, change in (("edit", edit), ("period", period)):
                results.setdefault((name, mode), []).append(step(app, tab, heart, change))
    DashboardTab.read_mode = "auto"
    went_async = tab.read_seconds is not None and tab.read_seconds > base.READ_ASYNC_AFTER
    tab.close()
    lines = [
        f"First read (on show, GUI thread): {first:.2f} s; last read {tab.read_seconds:.2f} s CPU",
        f"auto mode reads on a worker for this plan: {went_async}",
        f"{'step':8} {'mode':5} {'shown after':>12} {'longest block':>14} {'change':>8} "
        f"{'showing':>8}",
    ]
    for (name, mode), rows in results.items():
        shown, block, change_s, show_s = (statistics.median(col) for col in zip(*rows, strict=True))
        lines.append(
            f"{name:8} {mode:5} {shown:11.3f}s {block * 1000:12.0f}ms {change_s * 1000:6.0f}ms "
            f"{show_s * 1000:6.0f}ms"
        )
    for name in ("edit", "period"):
        sync_rows, auto_rows = results[(name, "sync")], results[(name, "auto")]
        block = statistics.median(r[1] for r in auto_rows) / max(
            statistics.median(r[1] for r in sync_rows), 1e-9
        )
        shown = statistics.median(r[0] for r in auto_rows) / statistics.median(
            r[0] for r in sync_rows
        )
        lines.append(
            f"{name}: longest block auto/sync = {block:.3f}; "
            f"time to new numbers auto/sync = {shown:.2f}"
        )
    return lines


TABS = {
    "forecast": ("ui.tabs.forecast", "ForecastTab", "deal"),
    "channels": ("ui.tabs.channels", "ChannelsTab", "deal"),
    "segments": ("ui.tabs.segments", "SegmentsTab", "deal"),
    "targets": ("ui.tabs.targets", "TargetsTab", "target"),
    "actuals": ("ui.tabs.actuals", "ActualsTab", "actual"),
}


def tab_edits(
    plan: Plan, ops: PlanOperations, deal: int, month: Month
) -> dict[str, Callable[[], None]]:
    """One edit of each kind, each run with a new figure."""
    amounts = itertools.count(1_000_000)  # above any breakdown of a month's target

    def run(build: Callable[[Any], Any]) -> None:
        with plan.uow() as uow:
            command = build(uow)
        assert ops.run(command)

    return {
        "deal": lambda: run(
            lambda uow: change_field(uow, Deal, deal, "amount_minor", Decimal(next(amounts)))
        ),
        "target": lambda: run(lambda uow: set_month_target(uow, month, Decimal(next(amounts)))),
        "actual": lambda: run(
            lambda uow: set_actual(uow, month, None, "revenue", Decimal(next(amounts)))
        ),
    }


def bench_tabs(
    app: QApplication,
    ops: PlanOperations,
    heart: Heartbeat,
    names: list[str],
    runs: int,
    edits: dict[str, Callable[[], None]],
) -> list[str]:
    """Each tab in ``names`` shown alone: its edit read on the GUI thread against on a
    worker. Returns the lines to print."""
    import importlib

    lines = [
        f"{'tab':9} {'edit':6} {'first':>6} {'sync block':>11} {'async block':>12} "
        f"{'async/sync':>10} {'shown sync':>11} {'shown async':>12}  auto"
    ]
    for name in names:
        module, class_name, edit = TABS[name]
        cls: type[base.PlanTab] = getattr(importlib.import_module(module), class_name)
        tab = cls(ops)
        tab.resize(1400, 900)
        started = time.perf_counter()
        tab.show()  # the first read, on the GUI thread
        app.processEvents()
        first = time.perf_counter() - started
        results: dict[str, list[tuple[float, float, float, float]]] = {"sync": [], "async": []}
        cost = 0.0
        for _run in range(runs):
            for mode in ("sync", "async"):
                cls.read_mode = mode
                results[mode].append(step(app, tab, heart, edits[edit]))
                if mode == "sync":
                    cost = tab.read_seconds or 0.0
        cls.read_mode = "auto"
        tab.close()
        sync_block, async_block = (
            statistics.median(r[1] for r in results[m]) for m in ("sync", "async")
        )
        sync_shown, async_shown = (
            statistics.median(r[0] for r in results[m]) for m in ("sync", "async")
        )
        auto = "worker" if cost > cls.read_async_after else "GUI thread"
        lines.append(
            f"{name:9} {edit:6} {first:5.2f}s {sync_block * 1000:9.0f}ms "
            f"{async_block * 1000:10.0f}ms {async_block / max(sync_block, 1e-9):10.3f} "
            f"{sync_shown:10.3f}s {async_shown:11.3f}s  {auto} ({cost:.2f} s CPU)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default="/tmp/big100k.smplan")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tabs", default=",".join(TABS), help=f"some of {','.join(TABS)}, or none")
    parser.add_argument("--no-dashboard", action="store_true", help="only the other tabs")
    options = parser.parse_args()
    source = Path(options.plan)
    if not source.exists():
        print(f"No plan at {source}: app.py demo {source} --deals 100000 --years 10")
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    names = [] if options.tabs == "none" else options.tabs.split(",")
    if unknown := set(names) - set(TABS):
        print(f"Unknown tabs: {', '.join(sorted(unknown))}; pick from {', '.join(TABS)}")
        return 1
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "bench.smplan"
        backup_to(source, copy)  # the edits go to a copy
        plan = open_plan(copy)
        ops = PlanOperations(plan)
        heart = Heartbeat()
        with plan.session() as session:
            deal = session.scalars(
                select(Deal.id).where(Deal.status == "open").order_by(Deal.id).limit(1)
            ).one()
        if not options.no_dashboard:
            lines += bench_dashboard(app, ops, heart, deal, options.runs)
        if names:
            today = base.today()
            edits = tab_edits(plan, ops, deal, Month(today.year, today.month))
            lines += ["", "Other tabs, one edit each: GUI thread (sync) against worker (async)"]
            lines += bench_tabs(app, ops, heart, names, options.runs, edits)
        from ui.background import finish_reads

        finish_reads(ops)
        plan.close()

    print(f"Plan: {source} ({source.stat().st_size / 2**20:.0f} MiB); runs: {options.runs}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
