"""Reading the Pipeline sheet back: deals changed in Excel, and deals added at the bottom.

Offerings, segments, channels, owners, stages and lost reasons are written by name; a
name that is not in the plan is a problem with its cell (nothing is created behind the
owner's back). The Probability column shows the effective probability (the deal's own,
else its stage's): a deal keeps following its stage unless the owner typed another figure.
Status, dates the planner keeps and the weighted value are not read: a change there is
noted, and the Stage column is where a deal is won or lost.
"""

from __future__ import annotations

from typing import Any

from planner.db.plan import Plan
from planner.domain.money import from_minor, to_minor
from planner.domain.pipeline import DealStatus, effective_probability
from planner.io.excel_read_book import (
    UNREADABLE,
    Book,
    Findings,
    is_blank,
    is_formula,
    read_date,
    read_id,
    read_money,
    read_percent,
    read_text,
)
from planner.io.excel_read_lists import (
    Names,
    Sheet,
    amount_text,
    date_text,
    find_sheet,
    load_deals,
    load_names,
    read_cell,
)
from planner.io.workbook_layout import PIPELINE_LAYOUT
from planner.services.deals import DealFields
from planner.services.workbook_changes import DealEdit

_LINKS = {  # sheet column -> (deal field, Names attribute, what it is called)
    "offering": ("offering_id", "offerings", "an offering"),
    "segment": ("segment_id", "segments", "a segment"),
    "channel": ("channel_id", "channels", "a channel"),
    "owner": ("owner_id", "owners", "a sales rep"),
    "stage": ("stage_id", "stages", "a stage of your pipeline"),
    "lost_reason": ("lost_reason_id", "reasons", "a lost reason"),
}
_FIELD_WORDS = {
    "customer": "customer", "title": "deal", "offering_id": "offering", "segment_id": "segment",
    "channel_id": "source channel", "owner_id": "owner", "amount_minor": "amount",
    "probability": "probability", "expected_close": "expected close", "notes": "notes",
    "stage_id": "stage", "lost_reason_id": "lost reason",
}  # fmt: skip
_COMPARED = ("customer", "title", "offering_id", "segment_id", "channel_id", "owner_id",
             "amount_minor", "probability", "expected_close", "notes")  # fmt: skip
_STATUS_WORDS = {"open": "Open", "won": "Won", "lost": "Lost"}


def _row_values(
    book: Book, sheet: Sheet, row: int, names: Names, found: Findings
) -> dict[str, Any] | None:
    """The editable cells of ``row`` as deal values (ids for names); None after a problem."""
    values: dict[str, Any] = {}
    ok = True
    for key in ("customer", "title", "notes"):
        values[key] = read_cell(book, sheet, row, key, read_text, found)
    for key, (field, attribute, what) in _LINKS.items():
        text = read_cell(book, sheet, row, key, read_text, found)
        if text is UNREADABLE:
            ok = False
            continue
        lookup: dict[str, int] = getattr(names, attribute)
        if not text:
            values[field] = None
        elif text.casefold() in lookup:
            values[field] = lookup[text.casefold()]
        else:
            found.problem(sheet.where(row, key), f"'{text}' is not {what} in this plan.")
            ok = False
    amount = read_cell(book, sheet, row, "amount", read_money, found)
    values["amount_minor"] = (
        amount if amount is UNREADABLE else (0 if amount is None else to_minor(amount))
    )
    values["probability_cell"] = read_cell(book, sheet, row, "probability", read_percent, found)
    values["expected_close"] = read_cell(book, sheet, row, "expected_close", read_date, found)
    if not ok or any(v is UNREADABLE for v in values.values()):
        return None
    return values


def _percent(value: int | None) -> str:
    return "the stage’s" if value is None else f"{value}%"


def _describe(field: str, old: Any, new: Any, names: Names) -> str:
    word = _FIELD_WORDS[field]
    if field == "amount_minor":
        return f"{word} {amount_text(old)} → {amount_text(new)}"
    if field == "probability":
        return f"{word} {_percent(old)} → {_percent(new)}"
    if field == "expected_close":
        return f"{word} {date_text(old)} → {date_text(new)}"
    if field.endswith("_id"):
        kind = field.removesuffix("_id")
        table = names.by_id.get(kind, {})
        return f"{word} {table.get(old, 'none')} → {table.get(new, 'none')}"
    if field == "notes":
        return "notes changed"
    return f"{word} '{old}' → '{new}'"


def read_pipeline(book: Book, plan: Plan, found: Findings) -> list[DealEdit]:
    """The deals that differ from the plan, and the deals added at the bottom."""
    sheet = find_sheet(book, PIPELINE_LAYOUT, found)
    if sheet is None:
        return []
    names = load_names(plan)
    deals = load_deals(plan)
    seen: dict[int, int] = {}
    edits: list[DealEdit] = []
    ignored: list[str] = []  # cells typed over that the planner keeps itself
    known = {_same_deal(d) for d in deals.values()}
    twice: list[str] = []  # new rows that look like a deal already in the plan
    for row in sheet.rows:
        deal_id = read_cell(book, sheet, row, "id", read_id, found)
        if deal_id is UNREADABLE:
            continue
        if deal_id is not None:
            if deal_id not in deals:
                found.problem(
                    sheet.where(row, "id"), f"there is no deal with ID {deal_id} in this plan."
                )
                continue
            if deal_id in seen:
                found.problem(
                    sheet.where(row, "id"),
                    f"deal {deal_id} is already on row {seen[deal_id]}; keep one row.",
                )
                continue
            seen[deal_id] = row
        values = _row_values(book, sheet, row, names, found)
        if values is None:
            continue
        for key in ("weighted", "status"):
            if key in sheet.columns:
                cell = book.value(sheet.name, row, sheet.columns[key])
                if key == "weighted" and not is_blank(cell) and not is_formula(cell):
                    ignored.append(sheet.where(row, key))
        edit = _deal_edit(sheet, row, deal_id, values, deals, names, found)
        if edit is not None:
            edits.append(edit)
            if deal_id is None and _same_deal(values) in known:
                twice.append(edit.where)
        if deal_id is not None and "status" in sheet.columns:
            status = read_text(book.value(sheet.name, row, sheet.columns["status"]))
            stage = names.stage_info.get(values["stage_id"] or 0)
            implied = (
                "Open" if stage is None else ("Won" if stage[2] else "Lost" if stage[3] else "Open")
            )
            before = _STATUS_WORDS[deals[deal_id]["status"]]
            if status and status.casefold() not in (implied.casefold(), before.casefold()):
                found.note(
                    f"{sheet.where(row, 'status')}: the status follows the stage; to win or "
                    "lose a deal, change its Stage. The status typed there was not imported."
                )
    if twice:
        more = f" (and {len(twice) - 1} more new rows)" if len(twice) > 1 else ""
        found.warnings.append(
            f"{twice[0]}{more}: the plan already has a deal for the same customer, with the "
            "same name and amount. If this workbook was imported before, its new rows would "
            "be added a second time: delete those rows from the sheet first."
        )
    if ignored:
        more = f" (and {len(ignored) - 1} more)" if len(ignored) > 1 else ""
        found.note(
            f"{ignored[0]}{more}: the weighted value is the amount times the probability, "
            "worked out by the planner, so the figures typed there were not imported."
        )
    return edits


def _deal_edit(
    sheet: Sheet,
    row: int,
    deal_id: int | None,
    values: dict[str, Any],
    deals: dict[int, dict[str, Any]],
    names: Names,
    found: Findings,
) -> DealEdit | None:
    where = sheet.where(row, "customer")
    if not values["customer"]:
        found.problem(where, "every deal needs a customer.")
        return None
    stage_id = values["stage_id"]
    if stage_id is None:
        if deal_id is not None:
            found.problem(sheet.where(row, "stage"), "choose the deal's stage.")
            return None
        stage_id = names.first_stage
        if stage_id is None:
            found.problem(
                sheet.where(row, "stage"), "the pipeline has no open stage to put the deal in."
            )
            return None
    _name, stage_probability, _won, lost = names.stage_info[stage_id]
    reason_id = values["lost_reason_id"]
    if lost and reason_id is None:
        found.problem(
            sheet.where(row, "lost_reason"),
            "choose why the deal was lost (a lost reason of the plan).",
        )
        return None
    cell_probability = values["probability_cell"]
    if deal_id is None:
        closed = names.stage_info[stage_id][2] or lost
        keep_stage = closed or cell_probability in (None, stage_probability)
        probability = None if keep_stage else cell_probability
        fields = _fields(values, stage_id, probability)
        details = (
            f"new deal, {amount_text(values['amount_minor'])} in {names.stage_info[stage_id][0]}",
        )
        return DealEdit(
            where, None, fields, True, lost, reason_id if lost else None, True, False, details,
            _cells(sheet, row),
        )  # fmt: skip
    old = deals[deal_id]
    old_stage = names.stage_info[old["stage_id"]]
    old_effective = effective_probability(
        old["probability"], old_stage[1], DealStatus(old["status"])
    )
    probability = old["probability"]
    # A won or lost deal counts 100% or 0% whatever it says: its cell is not read.
    closed = names.stage_info[stage_id][2] or lost
    if cell_probability is not None and cell_probability != old_effective and not closed:
        probability = cell_probability
    new = {key: values[key] for key in _COMPARED if key != "probability"}
    new["probability"] = probability
    changed = [key for key in _COMPARED if new[key] != old[key]]
    stage_moves = stage_id != old["stage_id"]
    reason_changes = lost and not stage_moves and reason_id != old["lost_reason_id"]
    if not lost and reason_id is not None and reason_id != old["lost_reason_id"]:
        found.note(
            f"{sheet.where(row, 'lost_reason')}: only lost deals have a lost reason, so the "
            "reason typed there was not imported."
        )
    if not (changed or stage_moves or reason_changes):
        return None
    said = [_describe(key, old[key], new[key], names) for key in changed]
    if stage_moves:
        said.insert(0, _describe("stage_id", old["stage_id"], stage_id, names))
    if reason_changes or (stage_moves and lost):
        said.append(_describe("lost_reason_id", old["lost_reason_id"], reason_id, names))
    fields = _fields(values, stage_id, probability)
    return DealEdit(
        where, deal_id, fields, stage_moves, lost, reason_id if lost else None, bool(changed),
        reason_changes, tuple(said), _cells(sheet, row),
    )  # fmt: skip


def _cells(sheet: Sheet, row: int) -> dict[str, str]:
    """The cell of each deal field of ``row``, so a refusal names the cell it is about."""
    cells = {key: sheet.where(row, key) for key in _PLAIN_FIELDS if key in sheet.columns}
    cells.update({field: sheet.where(row, key) for key, (field, _a, _w) in _LINKS.items()})
    cells["stage"], cells["lost_reason"] = (
        sheet.where(row, "stage"),
        sheet.where(row, "lost_reason"),
    )
    return cells


_PLAIN_FIELDS = ("customer", "title", "amount", "probability", "expected_close", "notes")


def _fields(values: dict[str, Any], stage_id: int, probability: int | None) -> DealFields:
    return DealFields(
        customer=values["customer"], title=values["title"], offering_id=values["offering_id"],
        segment_id=values["segment_id"], channel_id=values["channel_id"],
        owner_id=values["owner_id"], amount=from_minor(values["amount_minor"]),
        probability=probability, stage_id=stage_id, expected_close=values["expected_close"],
        notes=values["notes"],
    )  # fmt: skip


def _same_deal(values: dict[str, Any]) -> tuple[str, str, int]:
    title = values["title"] or ""
    return (str(values["customer"]).strip().casefold(), str(title).strip().casefold(),
            int(values["amount_minor"]))  # fmt: skip
