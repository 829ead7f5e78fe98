"""Peak memory: the planner with the large plan open against a bare Qt window, each in fresh
processes started alternately in the same run.

    .venv/bin/python bench/bench_memory.py [--plan /tmp/big.smplan] [--runs 3]

Both figures are the peak resident set size (``ru_maxrss``) a process reached:
- baseline: a bare PySide6 QMainWindow with a QTableView, shown and painted, with
  pyqtgraph and SQLAlchemy imported (the libraries any such app loads);
- planner:  the main window opens the plan and its first tab, then shows the Pipeline
  tab, scrolls its table to the end, sorts it by amount and shows the board.
Target (issue 10): under 2 times the baseline. Figures are medians of ``--runs``.
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

PEAK = r"""
import resource
print(f"peak_kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
"""

BASELINE = (
    r"""
import pyqtgraph, sqlalchemy, sqlalchemy.orm
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1300, 800)
window.show()
app.processEvents()
window.repaint()
"""
    + PEAK
)

PLANNER = (
    r"""
import sys
from pathlib import Path
sys.path.insert(0, %(root)r)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from planner.db.plan import open_plan
app = QApplication([])
from ui.main_window import MainWindow
window = MainWindow(persist=False)
window.resize(1300, 800)
window.show()
window.load_plan(open_plan(Path(%(plan)r)), remember=False)
app.processEvents()
window.show_tab("pipeline")
tab = window.current_tab()
app.processEvents()
tab.view.scrollToBottom()
app.processEvents()
tab.view.viewport().repaint()
amount = [c.header for c in tab.model.columns].index("Amount")
tab.view.sortByColumn(amount, Qt.SortOrder.DescendingOrder)
tab.view.viewport().repaint()
if tab.board is not None:
    tab.views.setCurrentWidget(tab.board)
    app.processEvents()
"""
    + PEAK
)


def peak(code: str, env: dict[str, str]) -> float:
    """Peak resident memory of one fresh process running ``code``, in MiB."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("peak_kib="))
    return int(line.split("=", 1)[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default="/tmp/big.smplan")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    plan = Path(options.plan)
    if not plan.exists():
        print(f"No plan at {plan}: app.py demo {plan} --deals 100000 --years 10")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env["SMPLANNER_CONFIG_DIR"] = str(Path(tmp) / "config")
        planner = PLANNER % {"root": str(ROOT), "plan": str(plan)}
        base_mib, app_mib = [], []
        for _ in range(options.runs):  # alternating, so the machine's state hits both alike
            base_mib.append(peak(BASELINE, env))
            app_mib.append(peak(planner, env))
    base, ours = statistics.median(base_mib), statistics.median(app_mib)
    print(f"plan: {plan} ({plan.stat().st_size / 2**20:.0f} MiB); median of {options.runs} runs")
    print(f"baseline (bare window, pyqtgraph + SQLAlchemy imported): {base:7.1f} MiB")
    print(f"planner (plan open, pipeline shown, scrolled, sorted):   {ours:7.1f} MiB")
    print(f"ratio planner / baseline (target under 2):               {ours / base:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
