"""Startup time: the planner on the sample plan against an empty Qt window, in the same run.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--deals 150]

Each figure is the median of ``--runs`` fresh processes, from process start to the first
paint. The baseline is a bare PySide6 QMainWindow with one QTableView shown the same way,
so the ratio says what the app itself adds on top of Qt on this (shared, noisy) machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = r"""
import sys, time
sys.path.insert(0, %(root)r)
from app import process_start_time
started = process_start_time()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
view = QTableView()
window.setCentralWidget(view)
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            ms = round((time.time() - started) * 1000)
            QTimer.singleShot(0, lambda: (print(f"startup_ms={ms}"), app.quit()))
            obj.removeEventFilter(self)
        return False
watcher = Painted()
view.viewport().installEventFilter(watcher)
window.show()
app.exec()
"""


def measure(args: list[str], env: dict[str, str]) -> float:
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("startup_ms="))
    return float(line.split("=", 1)[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deals", type=int, default=150)
    parser.add_argument("--years", type=int, default=3)
    options = parser.parse_args()
    from planner.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "bench.smplan"
        write_sample(plan, deals=options.deals, years=options.years)
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env["SMPLANNER_CONFIG_DIR"] = str(Path(tmp) / "config")
        app_cmd = [sys.executable, str(ROOT / "app.py"), str(plan), "--startup-time"]
        base_cmd = [sys.executable, "-c", BASELINE % {"root": str(ROOT)}]
        app_ms, base_ms = [], []
        for _ in range(options.runs):  # interleaved, so load on the machine hits both alike
            base_ms.append(measure(base_cmd, env))
            app_ms.append(measure(app_cmd, env))
    app_median, base_median = statistics.median(app_ms), statistics.median(base_ms)
    print(f"plan: {options.deals} deals, {options.years} years; {options.runs} runs each")
    print(f"baseline (empty Qt window):   {base_median:7.0f} ms")
    print(f"planner (sample plan opened): {app_median:7.0f} ms")
    print(f"ratio planner / baseline:     {app_median / base_median:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
