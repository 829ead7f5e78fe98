"""Chart speed: importing the chart package, building a ChartView, replotting it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_charts.py [--runs 30]

A replot is what a tab does on every edit: set the categories, then two bar series and two
lines (12, 36 or 120 months). Each figure is the median of ``--runs``; the replot is also
given as a ratio against painting the chart once (grab()), measured in the same run, so the
numbers stay comparable on this shared, noisy machine. Import times come from fresh
processes.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMPORT_CODE = r"""
import sys, time
sys.path.insert(0, %(root)r)
import PySide6.QtWidgets
import ui.models  # the app has these loaded (with SQLAlchemy) before any chart
t0 = time.perf_counter()
import ui.charts
t1 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
t2 = time.perf_counter()
ui.charts.ChartView("x")
t3 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.1f} {(t3 - t2) * 1000:.1f}")
"""


def import_costs(runs: int) -> tuple[float, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    package, first_chart = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_CODE % {"root": str(ROOT)}],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout.split()
        package.append(float(out[0]))
        first_chart.append(float(out[1]))
    return statistics.median(package), statistics.median(first_chart)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from ui.charts import ChartView

    chart = ChartView("Spend: plan against actual")
    chart.resize(720, 380)
    chart.show()
    app.processEvents()

    def replot(n: int) -> None:
        chart.set_categories([f"M{i}" for i in range(n)])
        chart.set_value_kind("money", currency="EUR")
        chart.set_value_kind("count", axis="right", label="Leads")
        wave = [1000 + 500 * math.sin(i / 3) for i in range(n)]
        chart.add_bars("Actual spend", wave, "actual", 0, 2)
        chart.add_bars("Planned spend", [1200.0] * n, "plan", 1, 2)
        chart.add_line("Planned leads", [20.0 + i % 5 for i in range(n)], "plan", axis="right")
        chart.add_line("Actual leads", [18.0 + i % 7 for i in range(n)], "actual", axis="right")
        chart.plot_item  # noqa: B018  (brings ranges, axes and legend up to date)

    def timed(action: object) -> float:
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            action()  # type: ignore[operator]
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)

    replot(12)
    paint = timed(chart.grab)
    print(f"grab() (baseline)         {paint:7.2f} ms   (paint the 12-month chart to a pixmap)")
    for n in (12, 36, 120):
        ms = timed(lambda n=n: replot(n))
        print(f"replot {n:3d} months x 4    {ms:7.2f} ms   ({ms / paint:.2f}x a grab)")
        ms = timed(lambda n=n: (replot(n), chart.grab()))
        print(f"  ... and paint it        {ms:7.2f} ms")
    package, first = import_costs(max(3, args.runs // 6))
    print(f"import ui.charts          {package:7.1f} ms (fresh process, PySide6 loaded)")
    print(f"first ChartView()         {first:7.1f} ms (imports pyqtgraph and numpy)")


if __name__ == "__main__":
    main()
