"""The quarterly report of a large plan, against a bare Qt PDF of as many pages, in the same run.

    .venv/bin/python app.py demo /tmp/big.smplan --deals 100000 --years 10   # once
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_report.py [--plan PATH] [--runs 3]

The planner's figures, each the median of ``--runs``:
- read: ``planner.queries.report.quarter_report`` for the last completed quarter (every
  number of the report: plan against actual, marketing, the pipeline on the quarter's last
  day rebuilt from the deals' history, wins and losses, the next quarter's forecast);
- write: ``ui.report.write_pdf`` of it (layout, vector charts, temporary file, rename);
- command: ``app.py report PLAN --pdf OUT`` in a fresh process, what the owner waits for.
The baseline, started alternately with each: a bare ``QPdfWriter`` that writes the same
number of A4 pages, each with a heading and 45 lines of text (Qt's own cost of a PDF of
that length), in process and as a fresh process. The issue asks for the report "in a few
seconds"; the ratios show what the report adds over writing its pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_PDF = r"""
import sys
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter

def write(path, pages):
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)))
    writer.setResolution(300)
    painter = QPainter(writer)
    width = writer.width()
    for page in range(pages):
        if page:
            writer.newPage()
        painter.setFont(QFont("Sans", 14, QFont.Weight.Bold))
        painter.drawText(QRectF(0, 0, width, 120), Qt.AlignmentFlag.AlignLeft, f"Page {page + 1}")
        painter.setFont(QFont("Sans", 9))
        for line in range(45):
            painter.drawText(QRectF(0, 160 + line * 60, width, 60), Qt.AlignmentFlag.AlignLeft,
                             f"Line {line + 1}: Bakery counter  12,345.00  11,987.50  -2.9%")
    painter.end()

if __name__ == "__main__":
    app = QGuiApplication.instance() or QGuiApplication(["bench"])
    write(sys.argv[1], int(sys.argv[2]))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default="/tmp/big.smplan")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    plan_path = Path(options.plan)
    if not plan_path.exists():
        print(f"No plan at {plan_path}: app.py demo {plan_path} --deals 100000 --years 10")
        return 1

    from PySide6.QtGui import QGuiApplication

    from planner.db.plan import open_plan
    from planner.queries.report import quarter_report
    from ui.report import ReportOptions, write_pdf
    from ui.report.document import SECTIONS

    app = QGuiApplication.instance() or QGuiApplication(["bench"])
    namespace: dict[str, object] = {"__name__": "bare_pdf"}
    exec(BARE_PDF, namespace)  # the same code the baseline process runs
    bare_write = namespace["write"]
    assert callable(bare_write)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["SMPLANNER_CONFIG_DIR"] = tempfile.mkdtemp(prefix="bench-report-config-")
    figures: dict[str, list[float]] = {
        k: [] for k in ("read", "write", "bare", "command", "bare command")
    }
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare_script = folder / "bare_pdf.py"
        bare_script.write_text(BARE_PDF, encoding="utf-8")
        report_options = ReportOptions(tuple(SECTIONS), "", "a4")
        today = dt.date.today()
        with open_plan(plan_path, read_only=True) as plan:
            quarter_report(plan, None, today=today)  # loads the modules: not timed
            for run in range(options.runs):
                began = time.perf_counter()
                report = quarter_report(plan, None, today=today)
                figures["read"].append(time.perf_counter() - began)
                began = time.perf_counter()
                pages = write_pdf(report, report_options, folder / f"report-{run}.pdf")
                figures["write"].append(time.perf_counter() - began)
                began = time.perf_counter()
                bare_write(folder / f"bare-{run}.pdf", pages)
                figures["bare"].append(time.perf_counter() - began)
        for run in range(options.runs):  # fresh processes, alternating
            out = folder / f"cli-{run}.pdf"
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, str(ROOT / "app.py"), "report", str(plan_path), "--pdf", str(out)],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
            figures["command"].append(time.perf_counter() - began)
            began = time.perf_counter()
            subprocess.run(
                [sys.executable, str(bare_script), str(folder / f"bare-cli-{run}.pdf"), str(pages)],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
            figures["bare command"].append(time.perf_counter() - began)
    del app
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"plan: {plan_path}; report of {pages} pages; median of {options.runs} runs, alternating")
    print(f"planner: read the report's numbers        {med['read']:7.2f} s")
    print(f"planner: write the PDF                    {med['write']:7.2f} s")
    print(f"baseline: bare QPdfWriter, {pages} text pages  {med['bare']:7.2f} s")
    ratio = (med["read"] + med["write"]) / med["bare"]
    print(f"ratio (read + write) / baseline           {ratio:7.2f}")
    print(f"planner: app.py report (fresh process)    {med['command']:7.2f} s")
    print(f"baseline: bare PDF (fresh process)        {med['bare command']:7.2f} s")
    print(f"ratio command / baseline                  {med['command'] / med['bare command']:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
