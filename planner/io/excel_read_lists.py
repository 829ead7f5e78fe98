"""Reading the lists of an exported workbook back: Pipeline (deals) and Actuals (sales).

Columns are found by their header text in the header row, so a column the owner moves or
inserts does not shift what is read; a missing column the import needs stops that sheet
with one problem. Records run from the first data row to the first empty row. A row with
an ID is that record; a row without one is a new deal, or the actual sales of the month
and offering it names. A row the owner deleted deletes nothing (the sheet's note says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from planner.db.models import (
    ActualSale,
    Channel,
    Deal,
    LostReason,
    Offering,
    SalesRep,
    Segment,
    Stage,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor, to_minor
from planner.domain.periods import Month
from planner.io.excel_read_book import (
    UNREADABLE,
    Book,
    Findings,
    cell_name,
    editable_value,
    is_blank,
    read_count,
    read_id,
    read_money,
    read_month,
    read_text,
)
from planner.io.workbook_layout import (
    ACTUALS_LAYOUT,
    UNASSIGNED_OFFERING,
    ListLayout,
)
from planner.services.edit import validate_field
from planner.services.errors import ValidationError
from planner.services.workbook_changes import ActualEdit

Reader = Callable[[Any], Any]


@dataclass
class Sheet:
    """A list sheet as found: column number of each layout key, and the data rows."""

    layout: ListLayout
    columns: dict[str, int]
    rows: list[int]

    @property
    def name(self) -> str:
        return self.layout.sheet

    def where(self, row: int, key: str) -> str:
        return cell_name(self.name, row, self.columns[key])


def find_sheet(book: Book, layout: ListLayout, found: Findings) -> Sheet | None:
    """Locate the columns by header and the data rows; None (with a problem) when a
    column the import needs is missing."""
    sheet = layout.sheet
    headers: dict[str, int] = {}
    for column in range(1, 200):
        text = read_text(book.value(sheet, layout.header_row, column)).casefold()
        if text and text not in headers:
            headers[text] = column
    columns: dict[str, int] = {}
    for spec in layout.columns:
        number = headers.get(spec.header.casefold())
        if number is not None:
            columns[spec.key] = number
        elif spec.editable or spec.key in ("id", "offering_id"):
            found.problem(
                cell_name(sheet, layout.header_row, 1),
                f"the column '{spec.header}' is missing, so this sheet could not be read. "
                "Export the plan again and keep its columns.",
            )
            return None
    wanted = [
        c
        for key, c in columns.items()
        if layout.column(key).editable or key in ("id", "offering_id")
    ]
    rows: list[int] = []
    last = book.row_count(sheet)
    row = layout.first_data_row
    while row <= last:
        if all(is_blank(book.value(sheet, row, c)) for c in wanted):
            rest = [r for r in range(row + 1, last + 1)
                    if any(not is_blank(book.value(sheet, r, c)) for c in wanted)]  # fmt: skip
            if rest:
                found.note(
                    f"{sheet}: rows {rest[0]} and below were not read, because row {row} is "
                    "empty; remove the empty row and import again to include them."
                )
            break
        rows.append(row)
        row += 1
    return Sheet(layout, columns, rows)


def read_cell(book: Book, sheet: Sheet, row: int, key: str, reader: Reader, found: Findings) -> Any:
    """The value of column ``key`` read with ``reader``; UNREADABLE after a problem."""
    value = editable_value(book, sheet.name, row, sheet.columns[key], found)
    if value is UNREADABLE:
        return UNREADABLE
    try:
        return reader(value)
    except ValueError as exc:
        found.problem(sheet.where(row, key), _sentence(str(exc)))
        return UNREADABLE


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def amount_text(minor: int | None) -> str:
    return "empty" if minor is None else f"{from_minor(minor):,.2f}"


# -- Actuals ------------------------------------------------------------------------------


def read_actuals(book: Book, plan: Plan, found: Findings) -> list[ActualEdit]:
    """Actual revenue and units that differ from the plan, by month and offering."""
    sheet = find_sheet(book, ACTUALS_LAYOUT, found)
    if sheet is None:
        return []
    with plan.session() as session:
        offerings = {k: v for k, v in session.execute(select(Offering.id, Offering.name))}
        by_name = {name.casefold(): oid for oid, name in offerings.items()}
        stored: dict[tuple[Month, int | None], tuple[int, int | None]] = {}
        for sale in session.scalars(select(ActualSale)):
            key = (sale.month, sale.offering_id)
            revenue, units = stored.get(key, (0, None))
            if sale.units is not None:
                units = (units or 0) + sale.units
            stored[key] = (revenue + sale.revenue_minor, units)
    seen: dict[tuple[Month, int | None], int] = {}
    edits: list[ActualEdit] = []
    for row in sheet.rows:
        month = read_cell(book, sheet, row, "month", read_month, found)
        offering_id = _actual_offering(book, sheet, row, offerings, by_name, found)
        revenue = read_cell(book, sheet, row, "revenue", read_money, found)
        units = read_cell(book, sheet, row, "units", read_count, found)
        if UNREADABLE in (month, offering_id, revenue, units):
            continue
        if month is None:
            found.problem(sheet.where(row, "month"), "enter the month these sales belong to.")
            continue
        key = (month, offering_id)
        name = UNASSIGNED_OFFERING if offering_id is None else offerings[offering_id]
        if key in seen:
            found.problem(
                sheet.where(row, "month"),
                f"{name}, {month.short_label} is already on row {seen[key]}; keep one row.",
            )
            continue
        seen[key] = row
        try:
            new_revenue = (
                None if revenue is None else validate_field(ActualSale, "revenue_minor", revenue)
            )
            new_units = None if units is None else validate_field(ActualSale, "units", units)
        except ValidationError as exc:
            found.problem(
                sheet.where(row, "units" if exc.field == "units" else "revenue"),
                _sentence(str(exc)),
            )
            continue
        old_revenue, old_units = stored.get(key, (None, None))
        for figure, old, new in (
            ("revenue", old_revenue, new_revenue),
            ("units", old_units, new_units),
        ):
            if old != new:
                edits.append(
                    ActualEdit(
                        sheet.where(row, figure),
                        month,
                        offering_id,
                        name,
                        figure,  # type: ignore[arg-type]
                        old,
                        new,
                    )
                )
    return edits


def _actual_offering(
    book: Book,
    sheet: Sheet,
    row: int,
    offerings: dict[int, str],
    by_name: dict[str, int],
    found: Findings,
) -> Any:
    """The offering id of an Actuals row (None: not linked), or UNREADABLE."""
    offering_id = read_cell(book, sheet, row, "offering_id", read_id, found)
    name = read_cell(book, sheet, row, "offering", read_text, found)
    if UNREADABLE in (offering_id, name):
        return UNREADABLE
    if offering_id is not None:
        if offering_id not in offerings:
            found.problem(
                sheet.where(row, "offering_id"),
                f"there is no offering with ID {offering_id} in this plan.",
            )
            return UNREADABLE
        if name and name.casefold() != offerings[offering_id].casefold():
            found.problem(
                sheet.where(row, "offering"),
                f"the Offering ID {offering_id} is {offerings[offering_id]}, not '{name}'. To "
                "move the figures to another offering, clear the ID as well.",
            )
            return UNREADABLE
        return offering_id
    if not name or name.casefold() == UNASSIGNED_OFFERING.casefold():
        return None
    if name.casefold() not in by_name:
        found.problem(sheet.where(row, "offering"), f"'{name}' is not an offering in this plan.")
        return UNREADABLE
    return by_name[name.casefold()]


# -- lookups for the pipeline --------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Names -> ids of what a deal links to (case-insensitive), and back."""

    offerings: dict[str, int]
    segments: dict[str, int]
    channels: dict[str, int]
    owners: dict[str, int]
    stages: dict[str, int]
    reasons: dict[str, int]
    stage_info: dict[int, tuple[str, int, bool, bool]]  # name, probability, won, lost
    first_stage: int | None
    by_id: dict[str, dict[int, str]]


def load_names(plan: Plan) -> Names:
    with plan.session() as session:

        def pairs(model: Any) -> dict[int, str]:
            return {k: v for k, v in session.execute(select(model.id, model.name))}

        by_id = {
            "offering": pairs(Offering), "segment": pairs(Segment), "channel": pairs(Channel),
            "owner": pairs(SalesRep), "stage": pairs(Stage), "lost_reason": pairs(LostReason),
        }  # fmt: skip
        stages = session.execute(
            select(Stage.id, Stage.name, Stage.probability, Stage.is_won, Stage.is_lost).order_by(
                Stage.position, Stage.id
            )
        ).all()
    info = {s.id: (s.name, s.probability, s.is_won, s.is_lost) for s in stages}
    first = next((s.id for s in stages if not s.is_won and not s.is_lost), None)

    def folded(key: str) -> dict[str, int]:
        return {name.casefold(): item_id for item_id, name in by_id[key].items()}

    return Names(
        folded("offering"), folded("segment"), folded("channel"), folded("owner"),
        folded("stage"), folded("lost_reason"), info, first, by_id,
    )  # fmt: skip


def load_deals(plan: Plan) -> dict[int, dict[str, Any]]:
    """Every deal's fields the Pipeline sheet can change, by id."""
    keys = ("customer", "title", "offering_id", "segment_id", "channel_id", "owner_id",
            "amount_minor", "probability", "stage_id", "expected_close", "notes",
            "lost_reason_id", "status")  # fmt: skip
    with plan.session() as session:
        columns = [getattr(Deal, k) for k in ("id", *keys)]
        return {
            row[0]: dict(zip(keys, row[1:], strict=True))
            for row in session.execute(select(*columns))
        }


def money_or_zero(value: Decimal | None) -> int:
    return 0 if value is None else to_minor(value)


def date_text(day: dt.date | None) -> str:
    return "none" if day is None else day.isoformat()
