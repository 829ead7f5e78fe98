"""Undoing and redoing a 100,000-deal import: how long the window froze, the work on a
worker thread (the app's choice for a command this big) against on the GUI thread, in the
same run.

    .venv/bin/python app.py demo /tmp/big.smplan --deals 100000 --years 10   # once
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_undo.py [--plan PATH]
        [--deals 100000] [--runs 2]

A copy of the plan (the large demo plan: 100,000 deals already) imports a CRM export of
``--deals`` new deals the way the import wizard does (``bench_import.write_export``; the
worker applies the command, ``PlanOperations.run(AppliedCommand(...))`` records it). Then
each step undoes it and redoes it through the undo stack, as Edit > Undo and Redo do:
- sync:       on the GUI thread (``ui.undo`` told that nothing is big), as before this work;
- background: the app's own choice, which sends a command this big to a worker behind a
              progress dialog (``PlanOperations._in_background``).
A 5 ms heartbeat timer runs throughout; the longest gap between two of its beats is the
longest time the window could not answer. "done" is the time from the click to the
stack's index having moved. The two modes alternate, so load on this shared machine hits
both alike; figures are medians of ``--runs``; the ratios are background / sync.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import write_export  # noqa: E402
from heartbeat import Heartbeat, run_loop  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import ui.undo as undo_module  # noqa: E402
from planner.db.models import Deal  # noqa: E402
from planner.db.plan import Plan, backup_to, open_plan  # noqa: E402
from planner.io.crm_formats import crm_stage_names, default_stage_map, parse_deals  # noqa: E402
from planner.io.deals_import import (  # noqa: E402
    DealsImportOptions,
    plan_stages,
    prepare_import,
    read_deals_file,
)
from planner.services.commands import execute  # noqa: E402
from ui.import_work import AppliedCommand  # noqa: E402
from ui.undo import PlanOperations  # noqa: E402

MODES = ("sync", "background")


def step(heart: Heartbeat, action: Callable[[], None]) -> tuple[float, float]:
    """Run ``action`` from inside the event loop, as a menu click does; run the loop until
    one more beat came after it. Returns (seconds until done, longest block)."""
    times: dict[str, float] = {}

    def start() -> None:
        times["start"] = time.perf_counter()
        action()
        times["done"] = time.perf_counter()

    def check(loop: QEventLoop) -> None:
        if "done" in times and heart.beats[-1] > times["done"]:
            loop.quit()

    run_loop(start, check)
    return times["done"] - times["start"], heart.longest_gap(times["start"], times["done"])


def deal_count(plan: Plan) -> int:
    with plan.session() as session:
        return int(session.scalar(select(func.count()).select_from(Deal)) or 0)


def import_deals(ops: PlanOperations, export: Path) -> None:
    """What the wizard does: build the command, apply it (here: untimed), record it."""
    plan = ops.plan
    source = read_deals_file(export, plan)
    parsed = parse_deals(source)
    with plan.session() as session:
        stage_map, _unknown = default_stage_map(crm_stage_names(parsed[0]), plan_stages(session))
        command, _summary = prepare_import(
            session, source, DealsImportOptions(stage_map), today=dt.date.today(), parsed=parsed
        )
    execute(plan, command)
    assert ops.run(AppliedCommand(command))


def set_mode(mode: str) -> None:
    big = mode == "background"
    undo_module.UNDO_ASYNC_ROWS = 5_000 if big else sys.maxsize
    undo_module.UNDO_ASYNC_AFTER = 0.15 if big else math.inf


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=Path("/tmp/big.smplan"))
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    options = parser.parse_args()
    assert undo_module.UNDO_ASYNC_ROWS == 5_000 and undo_module.UNDO_ASYNC_AFTER == 0.15, (
        "set_mode restores the app's thresholds: keep them in step with ui/undo.py"
    )
    app = QApplication.instance() or QApplication([])
    heart = Heartbeat()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = folder / "hubspot-deals.csv"
        write_export(export, options.deals)
        copy = folder / "plan.smplan"
        backup_to(options.plan, copy)
        with open_plan(copy) as plan:
            ops = PlanOperations(plan)
            before = deal_count(plan)
            started = time.perf_counter()
            import_deals(ops, export)
            imported = time.perf_counter() - started
            assert deal_count(plan) == before + options.deals
            results: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for _run in range(options.runs):
                for mode in MODES:
                    set_mode(mode)
                    for name, action, expected in (
                        ("undo", ops.undo_stack.undo, before),
                        ("redo", ops.undo_stack.redo, before + options.deals),
                    ):  # fmt: skip
                        results.setdefault((name, mode), []).append(step(heart, action))
                        assert deal_count(plan) == expected, (name, mode)
            set_mode("background")
    del app
    print(
        f"undo and redo of an import of {options.deals:,} deals into a plan of {before:,} "
        f"(import itself {imported:.1f} s); median of {options.runs} runs, alternating"
    )
    print(f"{'step':5} {'mode':10} {'done after':>11} {'longest block':>14}")
    for (name, mode), rows in results.items():
        done, block = (statistics.median(col) for col in zip(*rows, strict=True))
        print(f"{name:5} {mode:10} {done:10.2f}s {block * 1000:12.0f}ms")
    for name in ("undo", "redo"):
        sync = results[(name, "sync")]
        background = results[(name, "background")]
        block = statistics.median(r[1] for r in background) / statistics.median(r[1] for r in sync)
        done = statistics.median(r[0] for r in background) / statistics.median(r[0] for r in sync)
        print(
            f"{name}: longest block background/sync = {block:.3f}; "
            f"time to done background/sync = {done:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
