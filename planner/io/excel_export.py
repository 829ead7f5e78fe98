"""Export a plan's fiscal year to one Excel workbook (File > Export to Excel..., and
``app.py export``).

The workbook has a Summary (key figures, plan against actual by month and quarter, three
charts) and one sheet each for the marketing mix, segments, channels, targets, pipeline,
actuals and forecast; ``planner.io.workbook_layout`` says where everything is, so an
edited copy can be imported back.

Safety: the workbook is written to a temporary file beside the destination and moved into
place only when complete, so a failed or cancelled export never leaves a broken file and
never replaces the previous one. Text from the user is never written as a formula (see
``planner.io.safe_text``). Cells an import reads back refuse what it cannot take: names
come from drop-down lists of the plan's own, figures must be numbers in range (see
``planner.io.excel_validation``).

This module imports openpyxl (and the sheet writers) only when an export runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.db.plan import Plan
from planner.domain.periods import FiscalYear

if TYPE_CHECKING:
    from planner.io.excel_book import ExportData

# (done, total, what is happening); total is in the same units as done ("steps").
Progress = Callable[[int, int, str], None]
ShouldStop = Callable[[], bool]
_SHEET_STEPS = 500  # what one ordinary sheet counts for, against one per deal


class ExportError(Exception):
    """The export could not be written; str is one plain sentence for the owner."""


class ExportCancelled(ExportError):
    """The owner cancelled; nothing was written and any earlier file is untouched."""

    def __init__(self) -> None:
        super().__init__("The export was cancelled; no file was written.")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fiscal_year: FiscalYear
    deals: int
    sheets: tuple[str, ...]


def read_data(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> ExportData:
    """Everything the workbook shows, from the plan's queries (no openpyxl needed)."""
    from sqlalchemy import select

    from planner import __version__
    from planner.db.models import Deal
    from planner.io.excel_book import ExportData, TargetBlock
    from planner.io.workbook_layout import TargetPart
    from planner.queries.actuals import monthly_actuals
    from planner.queries.channels import channel_months
    from planner.queries.forecast import ForecastInputError
    from planner.queries.mix import offerings
    from planner.queries.pipeline import deals, stages
    from planner.queries.pipeline_forecast import ForecastOutlook, forecast_outlook
    from planner.queries.profile import profile_summary, resolve_fiscal_year
    from planner.queries.segments import segments
    from planner.queries.targets import (
        Breakdown,
        BreakdownRowKind,
        plan_vs_actual,
        target_overview,
    )

    today = today or dt.date.today()
    profile = profile_summary(plan)
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        # Deal notes are not in the pipeline query's rows (the tab does not show them).
        notes = dict(session.execute(select(Deal.id, Deal.notes).where(Deal.notes != "")).all())
        choices = _choices(session)
    overview = target_overview(plan, fy, today=today)
    month_targets = tuple(line.target for line in overview.lines[:12])
    blocks = []
    for part, breakdown in ((TargetPart.OFFERING, Breakdown.OFFERING),
                            (TargetPart.SEGMENT, Breakdown.SEGMENT),
                            (TargetPart.REP, Breakdown.REP)):  # fmt: skip
        rows = target_overview(plan, fy, breakdown, today=today).breakdown_rows
        parts = tuple(r for r in rows if r.kind is BreakdownRowKind.PART)
        if any(r.year for r in parts):  # only breakdowns the owner uses
            blocks.append(TargetBlock(part.value, parts))
    outlook: ForecastOutlook | None = None
    problem = ""
    try:
        outlook = forecast_outlook(plan, today=today)
    except (ForecastInputError, ValueError) as exc:
        problem = f"No forecast could be made: {exc}"
    if outlook is not None and not outlook.revenue.history:
        problem = outlook.revenue.sentence
        outlook = None
    return ExportData(
        business=profile.name,
        currency=profile.currency,
        fiscal_year=fy,
        today=today,
        plan_file=plan.path.name,
        schema_version=plan.schema_version,
        app_version=__version__,
        exported_at=dt.datetime.now().replace(microsecond=0),
        plan_vs_actual=tuple(plan_vs_actual(plan, fy, today=today)),
        month_targets=month_targets,
        target_blocks=tuple(blocks),
        channel_months=tuple(channel_months(plan, fy, today=today)),
        actuals=tuple(r for r in monthly_actuals(plan, fy, today=today) if not r.is_total),
        deals=deals(plan, today=today),
        deal_notes=notes,
        stages=tuple(stages(plan)),
        offerings=tuple(offerings(plan)),
        segments=tuple(segments(plan)),
        outlook=outlook,
        outlook_problem=problem,
        choices=choices,
    )


def _choices(session: Any) -> dict[str, tuple[str, ...]]:
    """Every name each choice column of the workbook takes (see CHOICE_LISTS): all the
    names the import accepts, archived ones too (older deals keep them), in plan order."""
    from sqlalchemy import select

    from planner.db.models import Channel, LostReason, Offering, SalesRep, Segment, Stage
    from planner.io.workbook_layout import UNASSIGNED_OFFERING

    def names(model: Any) -> tuple[str, ...]:
        return tuple(session.scalars(select(model.name).order_by(model.position, model.id)))

    offerings = names(Offering)
    return {
        "offering": offerings, "segment": names(Segment), "channel": names(Channel),
        "owner": names(SalesRep), "stage": names(Stage), "lost_reason": names(LostReason),
        "actual_offering": (*offerings, UNASSIGNED_OFFERING),
    }  # fmt: skip


def check_destination(dest: str | os.PathLike[str]) -> Path:
    """``dest`` as a Path, or ExportError when no workbook can be written there."""
    dest = Path(dest)
    if not dest.parent.is_dir():
        raise ExportError(f"The folder '{dest.parent}' does not exist.")
    if dest.is_dir():
        raise ExportError(f"'{dest.name}' is a folder; choose a file name.")
    return dest


def write_workbook(
    data: ExportData,
    dest: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> ExportResult:
    """Write ``data`` to ``dest`` (.xlsx) through a temporary file; see the module doc."""
    dest = check_destination(dest)
    folder = dest.parent
    total = len(data.deals) + 9 * _SHEET_STEPS
    done = 0

    def tick(steps: int, what: str) -> None:
        nonlocal done
        done += steps
        if should_stop is not None and should_stop():
            raise ExportCancelled()
        if progress is not None:
            progress(min(done, total), total, what)

    try:
        handle, name = tempfile.mkstemp(prefix=f".{dest.stem}-", suffix=".xlsx.part", dir=folder)
    except OSError as exc:
        raise ExportError(
            f"The workbook cannot be written in '{folder}': {_reason(exc)}."
        ) from None
    os.close(handle)
    temp = Path(name)
    try:
        sheets = _write(data, temp, tick)
        tick(0, "Saving the file")
        _match_permissions(temp, dest)
        with open(temp, "rb") as saved:  # on disk before it replaces the old file
            os.fsync(saved.fileno())
        os.replace(temp, dest)
    except ExportError:
        _remove(temp)
        raise
    except OSError as exc:
        _remove(temp)
        raise ExportError(f"'{dest.name}' could not be written: {_reason(exc)}.") from None
    except BaseException:
        _remove(temp)
        raise
    return ExportResult(dest, data.fiscal_year, len(data.deals), sheets)


def export_workbook(
    plan: Plan,
    dest: str | os.PathLike[str],
    *,
    fiscal_year: FiscalYear | int | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> ExportResult:
    """Export ``fiscal_year`` (the current one by default) of ``plan`` to ``dest``.

    ``progress(done, total, what)`` is called as the work goes on; ``should_stop()``
    returning True cancels with ExportCancelled. Any failure raises ExportError with one
    sentence, and leaves an existing ``dest`` as it was.
    """
    check_destination(dest)  # before the slow part
    if progress is not None:
        progress(0, 1, "Reading the plan")
    if should_stop is not None and should_stop():
        raise ExportCancelled()
    data = read_data(plan, fiscal_year, today=today)
    return write_workbook(data, dest, progress=progress, should_stop=should_stop)


def _write(data: ExportData, temp: Path, tick: Callable[[int, str], None]) -> tuple[str, ...]:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.workbook.properties import CalcProperties  # type: ignore[import-untyped]

    from planner.io import excel_other, excel_sheets, excel_summary

    book = Workbook(write_only=True)
    # Formulas carry no cached values: ask every spreadsheet to compute them on opening.
    book.calculation = CalcProperties(fullCalcOnLoad=True)
    book.properties.title = f"{data.business}: plan for {data.fiscal_year.label}"
    book.properties.creator = "Sales & Marketing Planner"
    steps: list[tuple[str, Callable[[], None]]] = [
        ("Writing the summary", lambda: excel_summary.write_summary(book, data)),
        ("Writing the marketing mix", lambda: excel_other.write_mix(book, data)),
        ("Writing the segments", lambda: excel_other.write_segments(book, data)),
        ("Writing the channels", lambda: excel_sheets.write_channels(book, data)),
        ("Writing the targets", lambda: excel_sheets.write_targets(book, data)),
        ("Writing the deals", lambda: excel_sheets.write_pipeline(book, data, tick)),
        ("Writing the actual sales", lambda: excel_sheets.write_actuals(book, data)),
        ("Writing the forecast", lambda: excel_other.write_forecast(book, data)),
        ("Writing the plan's details", lambda: excel_other.write_meta(book, data)),
    ]
    try:
        for what, write in steps:
            tick(0, what)
            write()
            tick(_SHEET_STEPS, what)
        book.save(temp)
    except BaseException:
        _discard(book)
        raise
    return tuple(sheet.title for sheet in book.worksheets)


def _discard(book: Any) -> None:
    """Close the sheets a failed or cancelled export left half written and delete their
    scratch files (openpyxl streams each sheet to a temporary file first)."""
    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            sheet.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def _match_permissions(temp: Path, dest: Path) -> None:
    """mkstemp makes a private file; give it the old file's mode, or the usual one."""
    try:
        mode = dest.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    os.chmod(temp, mode)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
