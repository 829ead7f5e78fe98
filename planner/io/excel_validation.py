"""Data validation of the Excel export: the cells an import reads back accept only what the
import can take, and say so in plain words the moment something else is typed.

A column that takes a name (stage, owner, channel, segment, offering, lost reason) offers
a drop-down of the plan's own names and refuses any other text. The lists live on the
hidden ``_planner`` sheet (``workbook_layout.CHOICE_LISTS``) rather than inline in the
rule: an inline list is limited to 255 characters and breaks on names with commas. A plan
with no names of a kind yet (no lost reasons) refuses any text there, saying to add them
in the planner first. Amounts, counts and percentages refuse text and figures out of
range; dates refuse what is not a date. An empty cell is always allowed, as the import
takes empty cells (it says itself when one is needed, such as a new deal's customer).

List sheets are covered down to the sheet's last row, so rows the owner adds at the
bottom are checked too; grids cover their editable rows only (rows added to a grid are
not read back). Rules are written once per column, never per cell, so the export takes
no longer for a large pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from planner.io.excel_styles import letter
from planner.io.workbook_layout import (
    ACTUALS_LAYOUT,
    CHOICES_FIRST_ROW,
    META,
    PIPELINE_LAYOUT,
    ListLayout,
    choice_column,
)

LAST_ROW = 1048576  # the last row of a sheet
_TOP = "1000000000000"  # MAX_AMOUNT of planner.domain.money: the largest amount taken
_MOST = "999999999999"  # the largest count the planner takes
_LAST_DAY = "2958465"  # 9999-12-31, the last date a spreadsheet knows
_NEW = "To use a new one, add it in the planner first and export again."


@dataclass(frozen=True, slots=True)
class Choice:
    """The list a choice column takes its names from, and what to say about it."""

    list_key: str  # a workbook_layout.CHOICE_LISTS key
    title: str  # the error box's title (at most 32 characters: Excel's limit)
    message: str  # at most 255 characters (Excel's limit)
    empty: str  # the message while the plan has no names of this kind


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule for numbers or dates: an openpyxl validation type, its bounds and message.
    ``first`` may be a formula in which ``{cell}`` is the top-left cell of the range."""

    type: str
    first: str
    second: str | None
    title: str
    message: str


PIPELINE_CHOICES = {  # column key -> its choice
    "offering": Choice(
        "offering", "Pick an offering",
        f"Pick one of your offerings from the list, or leave the cell empty. {_NEW}",
        f"This plan has no offerings yet, so leave the cell empty. {_NEW}",
    ),
    "segment": Choice(
        "segment", "Pick a segment",
        f"Pick one of your customer segments from the list, or leave the cell empty. {_NEW}",
        f"This plan has no customer segments yet, so leave the cell empty. {_NEW}",
    ),
    "channel": Choice(
        "channel", "Pick a channel",
        "Pick the marketing channel the deal came from in the list, or leave the cell "
        f"empty. {_NEW}",
        f"This plan has no marketing channels yet, so leave the cell empty. {_NEW}",
    ),
    "owner": Choice(
        "owner", "Pick a sales rep",
        f"Pick one of your sales reps from the list, or leave the cell empty. {_NEW}",
        f"This plan has no sales reps yet, so leave the cell empty. {_NEW}",
    ),
    "stage": Choice(
        "stage", "Pick a stage",
        "Pick one of the pipeline stages from the list. To win or lose a deal, pick a won "
        "or lost stage.",
        "This plan has no pipeline stages yet: add them in the planner first.",
    ),
    "lost_reason": Choice(
        "lost_reason", "Pick a lost reason",
        "Pick why the deal was lost from the list, or leave the cell empty for a deal that "
        f"is not lost. {_NEW}",
        f"This plan has no lost reasons yet, so leave the cell empty. {_NEW}",
    ),
}  # fmt: skip
ACTUALS_CHOICES = {
    "offering": Choice(
        "actual_offering", "Pick an offering",
        "Pick one of your offerings from the list, or 'Not linked to an offering' for sales "
        f"that belong to none. {_NEW}",
        "",  # never empty: "Not linked to an offering" is always there
    ),
}  # fmt: skip
STATUSES = ("Open", "Won", "Lost")

AMOUNT = Rule(
    "decimal", "0", _TOP, "Not an amount",
    "Type an amount of zero or more as a plain number, such as 1250.50 (up to "
    "1,000,000,000,000).",
)  # fmt: skip
SALES = Rule(
    "decimal", f"-{_TOP}", _TOP, "Not an amount",
    "Type the revenue as a plain number, such as 1250.50; a refund can be negative. Leave "
    "the cell empty while nothing is recorded.",
)  # fmt: skip
COUNT = Rule(
    "whole", "0", _MOST, "Not a whole number",
    "Type a whole number of zero or more, such as 12, or leave the cell empty while it is "
    "not known.",
)  # fmt: skip
# The cell holds a fraction shown as a percentage (0.4 is 40%): whole percentages only.
PERCENT = Rule(
    "custom",
    "AND(ISNUMBER({cell}),{cell}>=0,{cell}<=1,ABS({cell}*100-ROUND({cell}*100,0))<0.0001)",
    None, "Not a whole percentage",
    "Type the chance of winning the deal as a whole percentage from 0% to 100%, such as 40%.",
)  # fmt: skip
DATE = Rule(
    "date", "1", _LAST_DAY, "Not a date",
    "Type a date, such as 2027-03-31, or leave the cell empty.",
)  # fmt: skip
_PIPELINE_RULES = {"amount": AMOUNT, "probability": PERCENT, "expected_close": DATE}
_ACTUALS_RULES = {"revenue": SALES, "units": COUNT}


def list_source(list_key: str, count: int) -> str:
    """The cells of ``_planner`` holding the ``count`` names of a list (absolute)."""
    column = letter(choice_column(list_key))
    first = CHOICES_FIRST_ROW
    return f"'{META}'!${column}${first}:${column}${first + count - 1}"


def _stop(kind: str, title: str, message: str, cells: str, **bounds: Any) -> DataValidation:
    """A rule that refuses a wrong entry (error style "stop") and allows an empty cell."""
    return DataValidation(
        type=kind, allow_blank=True, showErrorMessage=True, errorStyle="stop",
        errorTitle=title, error=message, sqref=cells, **bounds,
    )  # fmt: skip


def choice_validation(choice: Choice, names: Sequence[str], cells: str) -> DataValidation:
    """A drop-down of ``names`` (kept on the _planner sheet); no names: no text at all."""
    if not names:
        # A list must have a source, so an empty one refuses every entry by its length.
        return _stop("textLength", choice.title, choice.empty, cells, operator="equal",
                     formula1="0")  # fmt: skip
    return _stop(
        "list", choice.title, choice.message, cells,
        formula1=list_source(choice.list_key, len(names)),
    )  # fmt: skip


def rule_validation(rule: Rule, cells: str) -> DataValidation:
    """``rule`` on ``cells`` (one or more ranges, the first one's top-left cell first)."""
    top_left = cells.split(":")[0].split()[0]
    bounds: dict[str, Any] = {"formula1": rule.first.format(cell=top_left)}
    if rule.second is not None:
        bounds |= {"operator": "between", "formula2": rule.second}
    return _stop(rule.type, rule.title, rule.message, cells, **bounds)


def _column(layout: ListLayout, key: str) -> str:
    """The whole column ``key`` of a list from its first data row: new rows included."""
    c = letter(layout.index(key))
    return f"{c}{layout.first_data_row}:{c}{LAST_ROW}"


def _validate_list(
    sheet: Any,
    layout: ListLayout,
    choice_columns: Mapping[str, Choice],
    rule_columns: Mapping[str, Rule],
    choices: Mapping[str, Sequence[str]],
) -> None:
    """Drop-downs on the name columns of a list sheet, the number and date rules elsewhere."""
    rules = sheet.data_validations
    for key, choice in choice_columns.items():
        names = choices.get(choice.list_key, ())
        rules.append(choice_validation(choice, names, _column(layout, key)))
    for key, rule in rule_columns.items():
        rules.append(rule_validation(rule, _column(layout, key)))


def validate_pipeline(sheet: Any, choices: Mapping[str, Sequence[str]]) -> None:
    """Drop-downs on the name columns and the status, number and date rules elsewhere."""
    _validate_list(sheet, PIPELINE_LAYOUT, PIPELINE_CHOICES, _PIPELINE_RULES, choices)
    # Fixed and short, so inline; the import notes a status typed over, never reads it.
    sheet.data_validations.append(_stop(
        "list", "Pick Open, Won or Lost",
        "The status follows the deal's stage: to win or lose a deal, change its Stage.",
        _column(PIPELINE_LAYOUT, "status"), formula1='"' + ",".join(STATUSES) + '"',
    ))  # fmt: skip


def validate_actuals(sheet: Any, choices: Mapping[str, Sequence[str]]) -> None:
    _validate_list(sheet, ACTUALS_LAYOUT, ACTUALS_CHOICES, _ACTUALS_RULES, choices)


def validate_grid(sheet: Any, rule: Rule, rows: Sequence[int], first: int, last: int) -> None:
    """``rule`` on columns ``first``-``last`` of ``rows`` (editable rows of a grid)."""
    if not rows:
        return
    span = f"{letter(first)}{{0}}:{letter(last)}{{1}}"
    ranges = [span.format(top, bottom) for top, bottom in _runs(sorted(set(rows)))]
    sheet.data_validations.append(rule_validation(rule, " ".join(ranges)))


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive rows as (top, bottom) pairs: [5, 7, 8] -> [(5, 5), (7, 8)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
