"""The ``report`` command: the quarterly report as a PDF, without a window.

``ui.report_command`` declares the command (standard library only) and calls ``run``
here, which starts a Qt application for fonts and painting, offscreen when there is no
display, so it works on a server or in a terminal session without one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path


def _need_offscreen() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux"):
        return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return False


def run(args: argparse.Namespace) -> int:
    if _need_offscreen():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication

    from planner.db.plan import PlanError, open_plan
    from planner.domain.periods import FiscalQuarter
    from planner.queries.profile import fiscal_start_month
    from planner.queries.report import quarter_report
    from ui.report import ReportOptions, default_paper, write_pdf
    from ui.report.document import SECTIONS

    out = Path(args.pdf)
    if not out.parent.is_dir():
        raise PlanError(f"The folder '{out.parent}' does not exist.")
    if out.is_dir():
        raise PlanError(f"'{out}' is a folder; give a file name such as report.pdf.")
    app = QGuiApplication.instance() or QGuiApplication(["smplanner"])
    today: dt.date = args.today or dt.date.today()
    with open_plan(Path(args.plan)) as plan:
        quarter = None
        if args.quarter:
            start = fiscal_start_month(plan)
            quarter = FiscalQuarter.parse(args.quarter, start)
        report = quarter_report(plan, quarter, today=today)
    sections = tuple(SECTIONS)
    if args.sections:
        sections = tuple(s.strip().lower() for s in args.sections.split(",") if s.strip())
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown:
            raise PlanError(f"Unknown section '{unknown[0]}'; choose from: {', '.join(SECTIONS)}.")
    notes = args.notes or ""
    if args.notes_file:
        notes = Path(args.notes_file).read_text(encoding="utf-8")
    options = ReportOptions(sections, notes, args.paper or default_paper())
    pages = write_pdf(report, options, out)
    del app
    plural = "page" if pages == 1 else "pages"
    print(f"Wrote the report for {report.quarter.label} ({pages} {plural}) to {out}.")
    return 0
