"""The ``report`` command's options: ``report PLAN [--quarter 2026-Q3] --pdf OUT.pdf``.

The report is painted with Qt, so the command belongs to the Qt layer, not to the headless
core: ``app.py`` imports this module to register it in ``planner.cli``'s registry before it
dispatches. Only the standard library is imported here, so ``--help`` stays instant; the work
happens in ``ui.report.cli``, imported when the command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt

from planner.cli import command


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan)")
    parser.add_argument(
        "--quarter",
        metavar="YYYY-Qn",
        help="the fiscal quarter, e.g. 2026-Q3 (default: the last completed quarter)",
    )
    parser.add_argument("--pdf", required=True, metavar="OUT.pdf", help="the PDF file to write")
    parser.add_argument(
        "--paper",
        choices=("a4", "letter"),
        type=str.lower,
        help="paper size (default: from your locale, Letter in the US and Canada, else A4)",
    )
    parser.add_argument("--notes", metavar="TEXT", help="your notes, printed on the last page")
    parser.add_argument("--notes-file", metavar="FILE", help="read the notes from a text file")
    parser.add_argument(
        "--sections",
        metavar="LIST",
        help="comma-separated: summary,marketing,sales,forecast,notes (default: all)",
    )
    # For tests and for re-issuing an old report: the day the report counts as "today".
    parser.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD"
        ) from None


@command("report", "print the quarterly report to a PDF file", _report_arguments)
def run_report(args: argparse.Namespace) -> int:
    # The Qt layer is imported only now: the command line itself never needs Qt.
    from ui.report.cli import run

    return run(args)
