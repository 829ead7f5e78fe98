"""Reading the month grids of an exported workbook back: Targets and Channels.

A grid row is found by its hidden key in column A ("offering:3", "channel:5:actual_spend"),
never by its position or its name, so sorting or filtering rows in Excel changes nothing.
Month columns are found by the month dates in the header row (the export writes the
first day of each month there), so a column the owner inserts does not shift them; the
``_planner`` sheet's first month is the fallback. A cell whose figure equals the plan's is
not an edit. Rows without a key are totals and rests (formulas): a number typed over one
is ignored with a note, since the planner works them out itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from planner.db.models import Channel, ChannelMonth, Offering, SalesRep, Segment, Target
from planner.db.plan import Plan
from planner.domain.money import to_minor
from planner.domain.periods import Month
from planner.io.excel_read_book import (
    UNREADABLE,
    Book,
    Findings,
    cell_name,
    editable_value,
    is_blank,
    is_formula,
    read_count,
    read_money,
    read_month,
    read_text,
)
from planner.io.workbook_layout import (
    CHANNELS_LAYOUT,
    KEY_COLUMN,
    MONTH_COLUMNS,
    TARGET_ROW_LABELS,
    TARGETS_LAYOUT,
    YEAR_TOTAL_HEADER,
    GridLayout,
    Kind,
    TargetPart,
    parse_channel_row_key,
    parse_target_row_key,
)
from planner.services.edit import validate_field
from planner.services.errors import ValidationError
from planner.services.targets import Part, month_total_minor
from planner.services.workbook_changes import ChannelEdit, TargetEdit

_PART_MODEL: dict[TargetPart, Any] = {
    TargetPart.OFFERING: Offering,
    TargetPart.SEGMENT: Segment,
    TargetPart.REP: SalesRep,
}
_PART_WORD = {
    TargetPart.OFFERING: "offering",
    TargetPart.SEGMENT: "segment",
    TargetPart.REP: "sales rep",
}


def month_columns(book: Book, layout: GridLayout, first_month: Month | None) -> dict[int, Month]:
    """Column number -> month, from the header row's month dates (else the layout's
    columns from ``first_month``); empty when neither is there."""
    found: dict[int, Month] = {}
    header = layout.header_row
    rows = book.rows.get(layout.sheet, [])
    width = len(rows[header - 1]) if len(rows) >= header else 0
    for column in range(layout.first_month_column - 1, width + 1):
        value = book.value(layout.sheet, header, column)
        if value is None or is_formula(value) or not hasattr(value, "year"):
            continue
        try:
            month = read_month(value)
        except ValueError:
            continue
        if month is not None and month not in found.values():
            found[column] = month
    if len(found) == MONTH_COLUMNS:
        return found
    if first_month is None:
        return {}
    return {layout.month_column(n): first_month + n for n in range(MONTH_COLUMNS)}


def _total_column(book: Book, layout: GridLayout, months: dict[int, Month]) -> int | None:
    last = max(months, default=layout.first_month_column + MONTH_COLUMNS - 1)
    for column in range(last + 1, last + 4):
        if read_text(book.value(layout.sheet, layout.header_row, column)) == YEAR_TOTAL_HEADER:
            return column
    return None


def _derived_typed_over(
    book: Book, layout: GridLayout, row: int, columns: Sequence[int], found: Findings,
    what: str = "",
) -> None:  # fmt: skip
    """Note a number typed over a formula of a derived cell (once per row); ``what`` names
    the figure ("the year total of ")."""
    for column in columns:
        value = book.value(layout.sheet, row, column)
        if not is_blank(value) and not is_formula(value):
            label = read_text(book.value(layout.sheet, row, 2))
            detail = read_text(book.value(layout.sheet, row, 3))
            if layout is TARGETS_LAYOUT:  # column C names the row: "Bakery counter"
                name = detail or label or "this row"
            else:  # "Google search ads (Planned spend)"
                name = f"{label} ({detail})" if label and detail else label or detail
            found.note(
                f"{cell_name(layout.sheet, row, column)}: {what}{name} is worked out by the "
                "planner, so the figure typed there was not imported."
            )
            return


def _keyed_rows(
    book: Book, layout: GridLayout, months: dict[int, Month], found: Findings
) -> Iterator[tuple[int, str]]:
    """(row, key) of every row with a key; notes derived cells typed over."""
    total = _total_column(book, layout, months)
    for row in range(layout.first_data_row, book.row_count(layout.sheet) + 1):
        key = book.value(layout.sheet, row, KEY_COLUMN)
        if total is not None:
            _derived_typed_over(book, layout, row, [total], found, "the year total of ")
        if is_blank(key):
            _derived_typed_over(book, layout, row, list(months), found)
            continue
        yield row, read_text(key)


def read_targets(
    book: Book, plan: Plan, months: dict[int, Month], found: Findings
) -> tuple[list[TargetEdit], dict[Month, int]]:
    """The target cells that differ from the plan, and the whole-business target the
    workbook gives months where only parts changed (see ``WorkbookEdits.kept_totals``)."""
    layout, sheet = TARGETS_LAYOUT, TARGETS_LAYOUT.sheet
    keys: dict[tuple[TargetPart | None, int | None], int] = {}
    rows: list[tuple[int, TargetPart | None, int | None]] = []
    for row, key in _keyed_rows(book, layout, months, found):
        where = cell_name(sheet, row, KEY_COLUMN)
        try:
            part, item_id = parse_target_row_key(key)
        except ValueError:
            found.problem(
                where, f"'{key}' is not a row key the planner wrote; put it back as it was."
            )
            continue
        if (part, item_id) in keys:
            found.problem(where, f"this row repeats row {keys[(part, item_id)]}; keep one of them.")
            continue
        keys[(part, item_id)] = row
        rows.append((row, part, item_id))
    if not rows:
        return [], {}
    with plan.uow() as uow:
        session = uow.session
        names: dict[tuple[TargetPart | None, int | None], str] = {
            (None, None): TARGET_ROW_LABELS[None]
        }
        for part, model in _PART_MODEL.items():
            for item_id, name in session.execute(select(model.id, model.name)):
                names[(part, item_id)] = name
        stored: dict[tuple[Month, int | None, int | None, int | None], int] = {}
        for t in session.scalars(select(Target).where(Target.month.in_(list(months.values())))):
            k = (t.month, t.offering_id, t.segment_id, t.owner_id)
            stored[k] = stored.get(k, 0) + t.revenue_minor
        totals = {m: month_total_minor(uow, m) for m in months.values()}
    edits: list[TargetEdit] = []
    workbook_totals: dict[Month, int] = {}
    for row, part, item_id in rows:
        if (part, item_id) not in names:
            assert part is not None
            found.problem(
                cell_name(sheet, row, 3),
                f"this {_PART_WORD[part]} is no longer in the plan, so its targets cannot "
                "be imported.",
            )
            continue
        for column, month in months.items():
            value = editable_value(book, sheet, row, column, found)
            if value is UNREADABLE:
                continue
            where = cell_name(sheet, row, column)
            try:
                amount = read_money(value)
            except ValueError as exc:
                found.problem(where, f"{exc}.")
                continue
            new = None if amount is None else to_minor(amount)
            if part is None:
                old = totals[month]
            else:
                ids: list[int | None] = [None, None, None]
                ids[list(TargetPart).index(part)] = item_id
                old = stored.get((month, ids[0], ids[1], ids[2]), 0)
            if part is None:
                workbook_totals[month] = new or 0
            if (new or 0) == old:
                continue
            edits.append(
                TargetEdit(
                    where,
                    month,
                    None if part is None else Part(part.value),
                    item_id,
                    names[(part, item_id)],
                    old,
                    new,
                )
            )
    edited_totals = {e.month for e in edits if e.part is None}
    kept = {e.month for e in edits if e.part is not None} - edited_totals
    return edits, {m: workbook_totals[m] for m in kept if m in workbook_totals}


def read_channels(
    book: Book, plan: Plan, months: dict[int, Month], found: Findings
) -> list[ChannelEdit]:
    """The planned and actual spend and leads that differ from the plan."""
    layout, sheet = CHANNELS_LAYOUT, CHANNELS_LAYOUT.sheet
    seen: dict[str, int] = {}
    rows = []
    for row, key in _keyed_rows(book, layout, months, found):
        where = cell_name(sheet, row, KEY_COLUMN)
        try:
            channel_id, figure = parse_channel_row_key(key)
        except ValueError:
            found.problem(
                where, f"'{key}' is not a row key the planner wrote; put it back as it was."
            )
            continue
        if key in seen:
            found.problem(where, f"this row repeats row {seen[key]}; keep one of them.")
            continue
        seen[key] = row
        rows.append((row, channel_id, figure))
    if not rows:
        return []
    with plan.session() as session:
        channels = {k: v for k, v in session.execute(select(Channel.id, Channel.name))}
        stored = {
            (r.channel_id, r.month): r
            for r in session.scalars(
                select(ChannelMonth).where(ChannelMonth.month.in_(list(months.values())))
            )
        }
        current = {
            key: {f: getattr(r, f) for f in ("planned_spend_minor", "actual_spend_minor",
                                              "planned_leads", "actual_leads")}
            for key, r in stored.items()
        }  # fmt: skip
    edits: list[ChannelEdit] = []
    for row, channel_id, figure in rows:
        if channel_id not in channels:
            found.problem(
                cell_name(sheet, row, 2),
                "this channel is no longer in the plan, so its figures cannot be imported.",
            )
            continue
        field = figure.field
        assert field is not None
        actual = field.startswith("actual")
        for column, month in months.items():
            value = editable_value(book, sheet, row, column, found)
            if value is UNREADABLE:
                continue
            where = cell_name(sheet, row, column)
            try:
                typed: Decimal | int | None = (
                    read_money(value) if figure.kind is Kind.MONEY else read_count(value)
                )
                if typed is None and not actual:
                    typed = 0
                new = None if typed is None else validate_field(ChannelMonth, field, typed)
            except (ValueError, ValidationError) as exc:
                found.problem(where, _sentence(str(exc)))
                continue
            figures = current.get((channel_id, month))
            old = (None if actual else 0) if figures is None else figures[field]
            if new == old:
                continue
            edits.append(
                ChannelEdit(
                    where, channel_id, channels[channel_id], month, field, figure.label, old, new
                )
            )
    return edits


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."
