"""Opening the 100,000-deal plan with automatic backups on: how long the window is blocked
by the opening copy, taken on a worker thread (the app's way) against on the GUI thread (as
before), in the same run.

    .venv/bin/python app.py demo /tmp/big.smplan --deals 100000 --years 10   # once
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_backup.py [--plan PATH] [--runs 2]

A copy of the plan is opened in a shown ``MainWindow`` (settings and backups in a temporary
folder) with File > Open's own call, ``open_path``, from inside the event loop. A first,
untimed open leaves one copy, so every timed open is a reopening: the new copy is written
(SQLite backup API), then compared with the newest (two hashes of ~70 MB) and, being the
same, dropped; the plan is closed unchanged between opens (no closing copy). Modes:
- sync:       the opening copy taken on the GUI thread inside ``open_path``, as before;
- background: the app's ``BackgroundBackup`` (a worker thread; the window goes on).
Figures: GUI-thread time in the backup step (``BackupFlows._guard_plan``), the longest gap of a
5 ms heartbeat from the click until the copy is done, and when ``open_path`` returned and
the copy was done. Modes alternate; medians of ``--runs``; ratios are background / sync.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from heartbeat import Heartbeat, run_loop  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import ui.backup_flows as backup_flows  # noqa: E402
from planner.backups import BackgroundBackup  # noqa: E402
from planner.db.plan import backup_to  # noqa: E402

MODES = ("sync", "background")


class OnTheGuiThread(BackgroundBackup):
    """The opening copy as before this work: taken inside ``open_path``, on the GUI thread."""

    def opened(self) -> None:
        self.auto.opened()


def open_once(window: Any, heart: Heartbeat, plan: Path) -> dict[str, float]:
    """Open ``plan`` from inside the event loop; run it until the copy is done and one more
    beat came. Returns seconds: in the backup step, longest block, returned, copy done."""
    times: dict[str, float] = {"guard": 0.0}
    guard = window._guard_plan

    def timed_guard(*args: Any) -> None:
        started = time.perf_counter()
        guard(*args)
        times["guard"] += time.perf_counter() - started

    window._guard_plan = timed_guard

    def start() -> None:
        times["start"] = time.perf_counter()
        assert window.open_path(plan)
        times["returned"] = time.perf_counter()

    def check(loop: QEventLoop) -> None:
        if "returned" not in times:
            return
        if "done" not in times and not window.backup_running:
            times["done"] = time.perf_counter()
        if "done" in times and heart.beats[-1] > times["done"]:
            loop.quit()

    run_loop(start, check)
    del window._guard_plan
    return {
        "backup step on the GUI thread": times["guard"],
        "longest block": heart.longest_gap(times["start"], times["done"]),
        "open_path returned": times["returned"] - times["start"],
        "copy done": times["done"] - times["start"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=Path("/tmp/big.smplan"))
    parser.add_argument("--runs", type=int, default=2)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["SMPLANNER_CONFIG_DIR"] = str(folder / "config")
        os.environ.pop("SMPLANNER_BACKUP_DIR", None)
        app = QApplication.instance() or QApplication([])
        from ui.main_window import MainWindow
        from ui.restore_backup_dialog import backup_store

        copy = folder / "plan.smplan"
        backup_to(options.plan, copy)
        window = MainWindow()
        window.show()
        heart = Heartbeat()
        open_once(window, heart, copy)  # the first copy: later opens compare with it
        window.close_plan()
        results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
        for _run in range(options.runs):
            for mode in MODES:
                way = OnTheGuiThread if mode == "sync" else BackgroundBackup
                backup_flows.BackgroundBackup = way  # type: ignore[attr-defined]
                results[mode].append(open_once(window, heart, copy))
                window.close_plan()
        backup_flows.BackgroundBackup = BackgroundBackup  # type: ignore[attr-defined]
        kept = backup_store(window.settings).backups(copy)
        assert len(kept) == 1, "every reopening's copy was the same as the first"
        size = copy.stat().st_size / 2**20
        window.close()
        del window, app
    print(
        f"opening a {size:.0f} MiB plan with automatic backups on (a reopening: copy, compare, "
        f"drop); median of {options.runs} runs, alternating"
    )
    names = list(results["sync"][0])
    print(f"{'':32} {'sync':>9} {'background':>11} {'ratio':>7}")
    for name in names:
        sync = statistics.median(r[name] for r in results["sync"])
        background = statistics.median(r[name] for r in results["background"])
        ratio = background / sync if sync else float("nan")
        print(f"{name:32} {sync * 1000:7.0f}ms {background * 1000:9.0f}ms {ratio:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
