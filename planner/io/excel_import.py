"""File > Import from Excel: reading back a workbook the planner exported, after the owner
changed figures in Excel, and saying exactly what would change.

``read_workbook`` opens the file (hostile files get one sentence: ``ImportFileError``),
checks its ``_planner`` sheet (a workbook of another plan gets a warning), reads the
sheets that can come back (Targets, Channels, Actuals, Pipeline; see ``workbook_layout``)
and compares every editable cell with the plan. The result lists the edits, every cell
it cannot understand ("Targets!D7: 'abc' is not an amount."), and notes on what it left
alone on purpose. It also tries the edits in a transaction that is never committed, so
refusals by the plan's own rules (a locked month, a breakdown above its total) are listed
with their cells before anything is stored. ``import_command`` is then the one undo step.
Nothing is ever applied in part: any problem, and the preview says Apply is not possible.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from planner.db.plan import Plan
from planner.domain.periods import Month, PeriodError
from planner.io.excel_read_book import Book, Findings, open_book
from planner.io.excel_read_grids import month_columns, read_channels, read_targets
from planner.io.excel_read_lists import amount_text, read_actuals
from planner.io.excel_read_pipeline import read_pipeline
from planner.io.tabular import ImportFileError
from planner.io.workbook_layout import (
    ACTUALS,
    CHANNELS,
    CHANNELS_LAYOUT,
    FORMAT_VERSION,
    META,
    PIPELINE,
    SHEETS,
    TARGETS,
    TARGETS_LAYOUT,
    Meta,
)
from planner.queries.profile import profile_summary
from planner.services.commands import CompositeCommand
from planner.services.workbook_changes import WorkbookEdits, check_edits, workbook_command

__all__ = ["ImportFileError", "WorkbookImport", "import_command", "read_workbook"]

RETURNING = (TARGETS, CHANNELS, ACTUALS, PIPELINE)  # the sheets read back, in this order


@dataclass(frozen=True)
class Problem:
    """A cell the import cannot take, and why.

    ``str()`` reads "Targets!D7: 'abc' is not an amount."."""

    where: str
    message: str

    def __str__(self) -> str:
        message = self.message[:1].upper() + self.message[1:]
        return f"{self.where}: {message}"


@dataclass
class WorkbookImport:
    """What importing one workbook would do: the edits, the problems that forbid it, notes
    on cells left alone, warnings about the file, and totals that follow their parts."""

    file_name: str
    business: str
    first_month: Month | None
    edits: WorkbookEdits
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    totals_follow: dict[Month, tuple[int, int]] = field(default_factory=dict)
    sheets_read: tuple[str, ...] = ()

    @property
    def can_apply(self) -> bool:
        return not self.problems and len(self.edits) > 0

    def counts(self) -> dict[str, int]:
        """Changes per sheet, in sheet order: {"Targets": 3, "Channels": 0, ...}."""
        edits = self.edits
        return {
            TARGETS: len(edits.targets), CHANNELS: len(edits.channels),
            ACTUALS: len(edits.actuals), PIPELINE: len(edits.deals),
        }  # fmt: skip

    def new_deals(self) -> int:
        return sum(1 for e in self.edits.deals if e.deal_id is None)

    def summary(self) -> str:
        """One sentence: "3 target changes, 1 channel figure and 2 deals (1 new) would change."."""
        parts = []
        counts = self.counts()
        for sheet, one, many in (
            (TARGETS, "target", "targets"), (CHANNELS, "channel figure", "channel figures"),
            (ACTUALS, "actual sales figure", "actual sales figures"), (PIPELINE, "deal", "deals"),
        ):  # fmt: skip
            n = counts[sheet]
            if n:
                text = f"{n:,} {one if n == 1 else many}"
                new = self.new_deals() if sheet == PIPELINE else 0
                if new:
                    text += f" ({new:,} new)"
                parts.append(text)
        if not parts:
            return "Nothing in the workbook differs from the plan."
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{listed} will change."

    def change_lines(self) -> list[str]:
        """Every change in words, e.g. "Targets: Cakes, Mar 2027: 1,200.00 → 1,500.00"."""
        lines = []
        for t in self.edits.targets:
            lines.append(
                f"{TARGETS}: {t.name}, {t.month.short_label}: "
                f"{amount_text(t.old_minor)} → {amount_text(t.new_minor)}"
            )
        for month, (before, after) in sorted(self.totals_follow.items()):
            lines.append(
                f"{TARGETS}: Whole business, {month.short_label}: {amount_text(before)} → "
                f"{amount_text(after)} (follows the parts above)"
            )
        for c in self.edits.channels:
            money = c.field.endswith("_minor")
            old = amount_text(c.old) if money else _count(c.old)
            new = amount_text(c.new) if money else _count(c.new)
            lines.append(
                f"{CHANNELS}: {c.channel}, {c.label.lower()}, {c.month.short_label}: {old} → {new}"
            )
        for a in self.edits.actuals:
            if a.figure == "revenue":
                old, new = amount_text(a.old), amount_text(a.new)
            else:
                old, new = _count(a.old), _count(a.new)
            what = "revenue" if a.figure == "revenue" else "units sold"
            lines.append(f"{ACTUALS}: {a.offering}, {a.month.short_label}, {what}: {old} → {new}")
        for d in self.edits.deals:
            who = (
                d.fields.customer
                if d.deal_id is None
                else f"deal {d.deal_id} ({d.fields.customer})"
            )
            lines.append(f"{PIPELINE}: {who}: {'; '.join(d.details)}")
        return lines

    def report(self) -> str:
        """The whole preview as plain text (for the command line and the dialog's copy)."""
        out = [self.summary()]
        if self.warnings:
            out += ["", *self.warnings]
        if self.problems:
            count = len(self.problems)
            what = "this problem is" if count == 1 else f"these {count} problems are"
            out += [
                "",
                f"Nothing can be imported until {what} fixed in the workbook:",
                *(f"  {p}" for p in self.problems),
            ]
        lines = self.change_lines()
        if lines:
            out += ["", "What will change:", *(f"  {line}" for line in lines)]
        if self.notes:
            out += ["", "Left as it is:", *(f"  {note}" for note in self.notes)]
        return "\n".join(out)


def _count(value: int | None) -> str:
    return "empty" if value is None else f"{value:,}"


def _first_month(book: Book) -> Month | None:
    try:
        return Month.parse(book.meta.get(Meta.FIRST_MONTH.value, "").strip())
    except (PeriodError, ValueError):
        return None


def _check_meta(book: Book, plan: Plan) -> tuple[str, list[str]]:
    """Refuse a workbook the planner did not export; warn about one of another plan."""
    name = book.name
    if META not in book.sheet_names or Meta.FORMAT_VERSION.value not in book.meta:
        if not any(sheet in book.sheet_names for sheet in SHEETS):
            raise ImportFileError(
                f"{name} is not a workbook exported by the planner: it has none of its sheets."
            )
        raise ImportFileError(
            f"{name} has lost the hidden '{META}' sheet the planner writes, so it cannot "
            "be read back; export the plan again and make the changes in the new file."
        )
    try:
        version = int(float(book.meta[Meta.FORMAT_VERSION.value]))
    except ValueError:
        version = FORMAT_VERSION + 1
    if version > FORMAT_VERSION:
        raise ImportFileError(
            f"{name} was exported by a newer version of the planner; update the app to import it."
        )
    profile = profile_summary(plan)
    warnings = []
    business = book.meta.get(Meta.BUSINESS_NAME.value, "").strip()
    if business and business.casefold() != profile.name.strip().casefold():
        warnings.append(
            f"This workbook was exported from the plan of '{business}', not from this plan "
            f"('{profile.name}'). Its rows point at records of that plan: apply it only if you "
            "are sure it belongs here."
        )
    currency = book.meta.get(Meta.CURRENCY.value, "").strip()
    if currency and currency != profile.currency:
        warnings.append(
            f"The workbook's amounts are in {currency}, but this plan counts in "
            f"{profile.currency}; they would be taken as {profile.currency} as they are."
        )
    return business, warnings


_CELL = re.compile(r"^'?(.*?)'?!([A-Z]+)(\d+)$")


def _order(problem: Problem) -> tuple[int, int, int, str]:
    match = _CELL.match(problem.where)
    if match is None:
        return (len(RETURNING), 0, 0, problem.where)
    sheet, letters, row = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    index = RETURNING.index(sheet) if sheet in RETURNING else len(RETURNING)
    return (index, int(row), column, "")


def read_workbook(path: str | Path, plan: Plan, *, today: dt.date | None = None) -> WorkbookImport:
    """Read ``path`` and compare it with ``plan``; ``ImportFileError`` (one sentence) when
    the file is not a workbook the planner exported."""
    today = today or dt.date.today()
    book = open_book(path, RETURNING, META)
    business, warnings = _check_meta(book, plan)
    present = tuple(sheet for sheet in RETURNING if book.has(sheet))
    if not present:
        raise ImportFileError(
            f"{book.name} has none of the sheets that can be imported ({', '.join(RETURNING)})."
        )
    found = Findings()
    first = _first_month(book)
    edits = WorkbookEdits()
    for sheet, layout in ((TARGETS, TARGETS_LAYOUT), (CHANNELS, CHANNELS_LAYOUT)):
        if not book.has(sheet):
            continue
        months = month_columns(book, layout, first)
        if not months:
            found.problem(
                f"{sheet}!D{layout.header_row}",
                "the month columns cannot be found; export the plan again and keep its columns.",
            )
        elif sheet == TARGETS:
            edits.targets, edits.kept_totals = read_targets(book, plan, months, found)
        else:
            edits.channels = read_channels(book, plan, months, found)
    if book.has(ACTUALS):
        edits.actuals = read_actuals(book, plan, found)
    if book.has(PIPELINE):
        edits.deals = read_pipeline(book, plan, found)
    missing = [s for s in RETURNING if s not in present]
    if missing:
        found.note(f"The workbook has no {' or '.join(missing)} sheet, so nothing was read for it.")
    result = WorkbookImport(
        book.name, business, first, edits, warnings=warnings + found.warnings, notes=found.notes,
        sheets_read=present,
    )  # fmt: skip
    problems = [Problem(where, message) for where, message in found.problems]
    if len(edits):
        # The plan's own rules (locked months, breakdowns, deal stages) have the last word.
        check = check_edits(plan, edits, today=today)
        problems += [Problem(where, message) for where, message in check.problems]
        result.totals_follow = check.totals_follow
    result.problems = sorted(problems, key=_order)
    return result


def import_command(reading: WorkbookImport, *, today: dt.date) -> CompositeCommand:
    """The one undo step ("Import from Excel") that stores what ``reading`` found."""
    if reading.problems:
        raise ValueError("A workbook with problems cannot be imported.")
    return workbook_command(reading.edits, today=today)
