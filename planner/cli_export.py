"""The ``export`` command: ``python app.py export PLAN --xlsx OUT.xlsx [--year FY]``.

Writes the same workbook as File > Export to Excel... (see ``planner.io.excel_export``).
Like the rest of the command line, this module imports only the standard library until
the command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from planner.cli import command


def _year(text: str) -> int:
    """A fiscal year as the calendar year it starts in: 2026, "FY 2026" or "2026/27"."""
    cleaned = text.strip().upper().removeprefix("FY").strip().split("/")[0]
    if not (cleaned.isdigit() and len(cleaned) == 4):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a fiscal year; give the year it starts in, e.g. 2026."
        )
    return int(cleaned)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-23."
        ) from None


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan)")
    parser.add_argument(
        "--xlsx", metavar="OUT", required=True, help="the Excel workbook to write (.xlsx)"
    )
    parser.add_argument(
        "--year",
        metavar="FY",
        type=_year,
        help="the fiscal year, named by the year it starts in (default: the current one)",
    )
    parser.add_argument(
        "--today",
        metavar="DATE",
        type=_day,
        help="count months as complete as if today were DATE (YYYY-MM-DD)",
    )


@command("export", "write the plan of one fiscal year to an Excel workbook", _export_arguments)
def run_export(args: argparse.Namespace) -> int:
    from planner.db.plan import open_plan
    from planner.io.excel_export import ExportError, export_workbook

    out = Path(args.xlsx)
    if out.suffix.lower() != ".xlsx":
        print(f"'{out.name}' must end in .xlsx: the workbook is an Excel file.", file=sys.stderr)
        return 2
    with open_plan(Path(args.plan)) as plan:
        try:
            result = export_workbook(plan, out, fiscal_year=args.year, today=args.today)
        except ExportError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    deals = f"{result.deals:,} deal" + ("" if result.deals == 1 else "s")
    print(f"Wrote {result.fiscal_year.label} to {out} ({deals}).")
    return 0
