"""The headless side of the command line: the ``demo`` and ``info`` commands and error wording.

``app.py`` stays thin: it decides between a command listed in ``COMMANDS`` and the GUI, and
runs either through ``guarded``, which turns every failure into one sentence on stderr. A
later command (``export``, ``report``, ``import-actuals``...) is one function decorated with
``@command``; the top-level ``--help`` lists it from the registry.

This module imports only the standard library at import time, so ``info`` and ``demo``
never pay for (or depend on) Qt, pyqtgraph or numpy; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.db.plan import Plan

from planner import __version__

Runner = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], None]

DESCRIPTION = textwrap.fill(
    "Plan sales and marketing for a small business, offline. Without a command it opens "
    "the planner window, on PLAN if you give one.",
    width=78,
)


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, a one-line summary for --help, its options and what it does."""

    name: str
    summary: str
    configure: Configure
    run: Runner


COMMANDS: dict[str, Command] = {}


def command(name: str, summary: str, configure: Configure) -> Callable[[Runner], Runner]:
    """Register the decorated function as the subcommand ``name``."""

    def register(run: Runner) -> Runner:
        COMMANDS[name] = Command(name, summary, configure, run)
        return run

    return register


# --- parsers -------------------------------------------------------------------------------


def command_parser(name: str, prog: str) -> argparse.ArgumentParser:
    cmd = COMMANDS[name]
    parser = argparse.ArgumentParser(
        prog=f"{prog} {name}", description=cmd.summary[0].upper() + cmd.summary[1:] + "."
    )
    cmd.configure(parser)
    return parser


def main_parser(prog: str) -> argparse.ArgumentParser:
    """The parser for the plain form (``[PLAN] [--startup-time]``); its help lists commands."""
    usages = [f"{prog} [-h] [--version] [PLAN] [--startup-time]"]
    usages += [
        _one_line(command_parser(name, prog).format_usage().removeprefix("usage: "))
        for name in COMMANDS
    ]
    width = max(len(name) for name in COMMANDS) if COMMANDS else 0
    listing = "\n".join(f"  {c.name:<{width}}  {c.summary}" for c in COMMANDS.values())
    epilog = (
        f"commands:\n{listing}\n\n"
        f"Run '{prog} COMMAND --help' for the options of a command.\n\n"
        "examples:\n"
        f"  {prog} demo bakery.smplan        write the sample plan\n"
        f"  {prog} info bakery.smplan        see what it holds\n"
        f"  {prog} bakery.smplan             open it in the planner"
    )
    parser = argparse.ArgumentParser(
        prog=prog,
        usage="\n       ".join(usages),
        description=DESCRIPTION,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("plan", nargs="?", metavar="PLAN", help="a plan file (.smplan) to open")
    parser.add_argument(
        "--startup-time",
        action="store_true",
        help="open the window, wait for the first tab to paint, print startup_ms=N and quit",
    )
    parser.add_argument("--version", action="version", version=f"smplanner {__version__}")
    return parser


def run_command(name: str, argv: Sequence[str], prog: str) -> int:
    args = command_parser(name, prog).parse_args(list(argv))
    return COMMANDS[name].run(args)


# --- errors --------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sentence(text: str) -> str:
    text = _one_line(text)
    return text if text.endswith((".", "!", "?")) else text + "."


def describe_error(exc: BaseException) -> str:
    """One plain sentence for the user about ``exc``."""
    import sqlite3

    from planner.db.plan import PlanError
    from planner.domain.money import MoneyError
    from planner.domain.periods import PeriodError
    from planner.instance_lock import LockHeld
    from planner.services.errors import NotFoundError, ValidationError

    if isinstance(exc, PlanError | ValidationError | NotFoundError | PeriodError | MoneyError):
        return _sentence(str(exc))
    if isinstance(exc, LockHeld):
        return _sentence(f"{exc} Close it there first, then run this command again")
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or type(exc).__name__
        reason = reason[:1].lower() + reason[1:]
        if exc.filename:
            return _sentence(f"Cannot use '{exc.filename}': {reason}")
        return _sentence(f"A file could not be read or written: {reason}")
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error in .orig
    if isinstance(exc, sqlite3.Error) or isinstance(orig, sqlite3.Error):
        return _sentence(f"The plan file could not be read or written: {orig or exc}")
    return _sentence(f"Unexpected error: {type(exc).__name__}: {exc}; please report it")


def guarded(run: Callable[[], int]) -> int:
    """Run ``run`` and return its exit code; failures become one sentence on stderr.

    Set ``SMPLANNER_DEBUG=1`` to see the traceback of an unexpected error instead.
    """
    try:
        return run()
    except SystemExit as exc:  # argparse's --help, --version and usage errors
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``info | head``): say nothing, and keep Python's exit-time
        # flush from complaining about the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if os.environ.get("SMPLANNER_DEBUG") == "1":
            raise
        print(describe_error(exc), file=sys.stderr)
        return 1


@contextlib.contextmanager
def editing(path: Path) -> Iterator[Plan]:
    """The plan at ``path``, opened for a command that writes to it.

    Takes the same lock a planner window takes (planner/instance_lock.py), so a command never
    writes under a window that has the plan open (the window would not show the change and
    its undo history would no longer match the file); ``LockHeld`` becomes one sentence in
    ``guarded``. Where no lock file can be made (a read-only folder) ``open_plan`` says why.
    """
    from planner.db.plan import open_plan
    from planner.instance_lock import PlanLock

    try:
        lock: PlanLock | None = PlanLock.acquire(path)
    except OSError:
        lock = None
    try:
        with open_plan(path) as plan:
            yield plan
    finally:
        if lock is not None:
            lock.release()


# --- demo ----------------------------------------------------------------------------------


def _count_between(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be between {low:,} and {high:,}")
        return value

    return parse


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="the plan file to write (.smplan)")
    parser.add_argument(
        "--deals",
        type=_count_between(0, 1_000_000, "the number of deals"),
        default=150,
        metavar="N",
        help="how many deals the pipeline holds (default 150)",
    )
    parser.add_argument(
        "--years",
        type=_count_between(1, 50, "the number of years"),
        default=3,
        metavar="Y",
        help="years of monthly history (default 3)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=7,
        metavar="S",
        help="random seed: the same seed on the same day gives the same plan (default 7)",
    )
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")


@command("demo", "write a sample plan, or a large one for benchmarks", _demo_arguments)
def run_demo(args: argparse.Namespace) -> int:
    from planner.db.plan import PlanError, open_plan
    from planner.queries.summary import plan_info
    from planner.sample import write_sample

    path = Path(args.path)
    if not path.parent.exists():
        raise PlanError(f"The folder '{path.parent}' does not exist.")
    if path.is_dir():
        raise PlanError(f"'{path}' is a folder; give a file name such as sample.smplan.")
    if path.exists() and not args.force:
        raise PlanError(f"'{path}' already exists; add --force to replace it.")
    started = time.perf_counter()
    write_sample(
        path,
        deals=args.deals,
        years=args.years,
        seed=args.seed,
        overwrite=args.force,
        progress=_progress_line if sys.stderr.isatty() else None,
    )
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)  # clear the progress line
    seconds = time.perf_counter() - started
    with open_plan(path) as plan:
        info = plan_info(plan)
    years = "year" if args.years == 1 else "years"
    print(
        f"Wrote a sample plan for {info.business} with {info.deals:,} deals and "
        f"{args.years} {years} of history to {path} in {seconds:.1f} s."
    )
    return 0


def _progress_line(done: int, total: int) -> None:
    # Only on a terminal: a large benchmark plan takes a while, and a silent wait worries.
    print(f"\rWriting deals: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)


# --- info ----------------------------------------------------------------------------------


def _info_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan)")
    parser.add_argument("--json", action="store_true", help="print a JSON object instead")


@command("info", "show a plan's business, schema version and counts", _info_arguments)
def run_info(args: argparse.Namespace) -> int:
    from planner.db.plan import open_plan
    from planner.domain.periods import MONTH_NAMES
    from planner.queries.summary import plan_info

    with open_plan(Path(args.plan)) as plan:
        info = plan_info(plan)
        upgraded_from = plan.upgraded_from
        kept = plan.backup_path
    if args.json:
        print(json.dumps({**info.as_dict(), "upgraded_from": upgraded_from}, indent=2))
        return 0
    rows = [
        ("Plan", str(info.path)),
        ("Business", info.business),
        ("Currency", info.currency),
        ("Fiscal year", f"starts in {MONTH_NAMES[info.fiscal_start_month - 1]}"),
        ("Schema version", info.schema_version),
        ("Offerings", f"{info.offerings:,}"),
        ("Segments", f"{info.segments:,}"),
        ("Channels", f"{info.channels:,}"),
        ("Deals", f"{info.deals:,} ({info.open_deals:,} open)"),
        ("Actual sales", _months(info.actual_months)),
        ("Targets", _months(info.targets_months)),
    ]
    if upgraded_from:
        kept_as = f" as {kept.name}" if kept else " beside it"
        rows.append(("Upgraded", f"from schema {upgraded_from}; the old file was kept{kept_as}"))
    for label, value in rows:
        print(f"{label + ':':<16}{value}")
    return 0


def _months(count: int) -> str:
    return f"{count:,} month" if count == 1 else f"{count:,} months"


# --- import-actuals ------------------------------------------------------------------------


def _import_actuals_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan)")
    parser.add_argument("file", metavar="FILE", help="a CSV or Excel (.xlsx) export of sales")
    parser.add_argument(
        "--skip-bad", action="store_true", help="import the good lines and skip unreadable ones"
    )
    parser.add_argument(
        "--date-order",
        choices=("DMY", "MDY"),
        type=str.upper,
        help="how the file writes dates like 03/04/2026: day first (DMY) or month first (MDY)",
    )


@command("import-actuals", "add actual sales from a CSV or Excel export", _import_actuals_arguments)
def run_import_actuals(args: argparse.Namespace) -> int:
    from planner.db.models import BusinessProfile
    from planner.io.actuals_import import ImportRefused, import_file
    from planner.io.tabular import ImportFileError

    with editing(Path(args.plan)) as plan:
        with plan.session() as session:
            profile = session.get(BusinessProfile, 1)
            currency = profile.currency if profile is not None else "EUR"
        try:
            preview = import_file(
                plan, args.file, skip_bad=args.skip_bad, date_order=args.date_order
            )
        except ImportRefused as refused:
            for problem in refused.preview.problems[:50]:
                print(f"{str(problem)[:1].upper()}{str(problem)[1:]}", file=sys.stderr)
            print(
                _sentence(str(refused)) + " Add --skip-bad to import the other lines.",
                file=sys.stderr,
            )
            return 1
        except (ImportFileError, ValueError) as exc:
            print(_sentence(str(exc)), file=sys.stderr)
            return 1
    for line in preview.summary_lines(currency):
        print(line)
    return 0


# --- import-deals --------------------------------------------------------------------------


def _import_deals_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan)")
    parser.add_argument(
        "file",
        metavar="FILE",
        help="a deals export (CSV or .xlsx) from HubSpot, Salesforce, Pipedrive or another CRM",
    )
    parser.add_argument(
        "--skip-bad", action="store_true", help="import the good rows and skip unreadable ones"
    )


@command("import-deals", "add or update deals from a CRM export", _import_deals_arguments)
def run_import_deals(args: argparse.Namespace) -> int:
    from planner.io.deals_import import BadRowsError, import_deals_file
    from planner.io.tabular import ImportFileError

    with editing(Path(args.plan)) as plan:
        try:
            summary = import_deals_file(plan, args.file, skip_bad=args.skip_bad)
        except BadRowsError as refused:
            for bad in refused.bad[:50]:
                print(str(bad), file=sys.stderr)
            rows = "1 row" if len(refused.bad) == 1 else f"{len(refused.bad):,} rows"
            print(
                f"Nothing was imported: {rows} cannot be read. "
                "Fix them, or add --skip-bad to import the other rows.",
                file=sys.stderr,
            )
            return 1
        except ImportFileError as exc:
            print(_sentence(str(exc)), file=sys.stderr)
            return 1
    for line in summary.lines():
        print(line)
    return 0


# --- forecast ------------------------------------------------------------------------------


def _forecast_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan)")
    parser.add_argument(
        "--horizon", type=_count_between(1, 36, "months"), default=6, help="months ahead (1-36)"
    )
    parser.add_argument("--method", default="auto", help="a forecasting method (default: auto)")
    parser.add_argument("--offering", metavar="NAME", help="forecast one offering's revenue")
    parser.add_argument("--json", action="store_true", help="print a JSON object instead")


@command("forecast", "forecast actual revenue for the coming months", _forecast_arguments)
def run_forecast(args: argparse.Namespace) -> int:
    from planner.db.plan import open_plan
    from planner.queries.forecast import ForecastInputError, offering_id_by_name, revenue_forecast

    with open_plan(Path(args.plan)) as plan:
        try:
            offering_id = (
                None if args.offering is None else offering_id_by_name(plan, args.offering)
            )
            result = revenue_forecast(
                plan, offering_id=offering_id, horizon=args.horizon, method=args.method
            )
        except ForecastInputError as exc:
            print(_sentence(str(exc)), file=sys.stderr)
            return 1
    rows = list(
        zip(result.months, result.mean, result.lower, result.upper, result.targets, strict=True)
    )
    if args.json:
        print(json.dumps({
            "offering": result.offering, "method": result.method, "level": result.level,
            "explanation": result.sentence,
            "months": [
                {"month": str(m), "forecast": str(f), "low": str(lo), "high": str(hi),
                 "target": None if t is None else str(t)}
                for m, f, lo, hi, t in rows
            ],
        }, indent=2))  # fmt: skip
        return 0
    print(f"Forecast of {result.offering} ({result.level}% range)")
    print(f"{'Month':<10}{'Forecast':>14}{'Low':>14}{'High':>14}{'Target':>14}")
    for month, mean, low, high, target in rows:
        shown = "" if target is None else f"{target:,.2f}"
        print(f"{month.short_label:<10}{mean:>14,.2f}{low:>14,.2f}{high:>14,.2f}{shown:>14}")
    print(result.sentence)
    return 0


# Commands in modules of their own register themselves on import (``report`` paints with Qt,
# so it lives in ui/report_command.py and app.py imports it).
from planner import cli_check, cli_export  # noqa: E402,F401
