"""What every sheet writer of the Excel export shares: the data read from the plan, a
row-by-row sheet writer, and where the sheets that others refer to keep their figures.

Sheets are streamed (openpyxl write-only), so a sheet is written top to bottom once and
the Summary's formulas must know in advance where the Targets, Channels, Pipeline and
Actuals sheets keep each figure: ``channel_total_row`` and the layouts say where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.domain.periods import FiscalYear, Month
from planner.io.excel_styles import Cells, Look, set_widths
from planner.io.workbook_layout import CHANNEL_FIGURES, CHANNELS_LAYOUT
from planner.queries.actuals import OfferingActuals
from planner.queries.channels import ChannelMonthRow
from planner.queries.mix import OfferingRow
from planner.queries.pipeline import DealRow, StageRow
from planner.queries.pipeline_forecast import ForecastOutlook
from planner.queries.segments import SegmentRow
from planner.queries.targets import BreakdownRow, PlanVsActualRow

Tick = Callable[[int, str], None]  # (rows written since the last tick, what is being done)


@dataclass(frozen=True)
class TargetBlock:
    """The parts of one breakdown (offering, segment or rep) with their monthly targets."""

    part: str  # a TargetPart value
    rows: tuple[BreakdownRow, ...]  # PART rows only


@dataclass(frozen=True)
class ExportData:
    """Everything the workbook shows, read from the plan before writing starts."""

    business: str
    currency: str
    fiscal_year: FiscalYear
    today: dt.date
    plan_file: str
    schema_version: str
    app_version: str
    exported_at: dt.datetime
    plan_vs_actual: tuple[PlanVsActualRow, ...]  # months, then quarters, then the year
    month_targets: tuple[Decimal, ...]  # the whole business's, per month of the year
    target_blocks: tuple[TargetBlock, ...]
    channel_months: tuple[ChannelMonthRow, ...]
    actuals: tuple[OfferingActuals, ...]  # without the total row
    deals: Sequence[DealRow]
    deal_notes: dict[int, str]  # by deal id, only deals with notes
    stages: tuple[StageRow, ...]
    offerings: tuple[OfferingRow, ...]
    segments: tuple[SegmentRow, ...]
    outlook: ForecastOutlook | None
    outlook_problem: str  # why there is no forecast, when there is none
    # The names each choice column takes, by workbook_layout.CHOICE_LISTS key.
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def months(self) -> list[Month]:
        return self.fiscal_year.months

    @property
    def current(self) -> Month:
        return Month.of(self.today)

    def channel_ids(self) -> list[int]:
        seen: dict[int, None] = {}
        for row in self.channel_months:
            seen.setdefault(row.channel_id, None)
        return list(seen)


# -- where the Channels sheet keeps its figures ----------------------------------------


def channel_block_row(index: int, figure: str) -> int:
    """The row of ``figure`` for the ``index``-th channel (0-based) on the Channels sheet."""
    keys = [f.key for f in CHANNEL_FIGURES]
    return CHANNELS_LAYOUT.first_data_row + index * len(keys) + keys.index(figure)


def channel_total_row(channel_count: int, figure: str) -> int:
    """The row of ``figure`` in the "All channels" block under the channels (after one
    empty row)."""
    keys = [f.key for f in CHANNEL_FIGURES]
    last = CHANNELS_LAYOUT.first_data_row + channel_count * len(keys) - 1
    return last + 2 + keys.index(figure)


# -- a streamed sheet ------------------------------------------------------------------


class SheetWriter:
    """Appends rows to a write-only sheet and remembers the row number it is on."""

    def __init__(
        self,
        book: Any,
        title: str,
        currency: str,
        widths: Mapping[int, float],
        *,
        hidden: tuple[int, ...] = (),
        freeze: str | None = None,
    ) -> None:
        self.sheet = book.create_sheet(title)
        # Every row here is made of ready cells (or None): skip openpyxl's conversion of
        # plain values, which tries each type on a cell and fails with its repr, a third
        # of the time of a large sheet. If openpyxl renames the hook, this is just unused.
        self.sheet._values_to_row = _cells_to_row
        self.cells = Cells(self.sheet, currency)
        self.row = 0  # the last row written
        self.widest = max(widths) if widths else 1
        self.widths = widths
        set_widths(self.sheet, widths, hidden)
        # Sheet properties go out with the first row: "fit to page" must be set now.
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        if freeze:
            self.sheet.freeze_panes = freeze

    def add(self, values: Sequence[Any], height: float | None = None, *, fit: bool = False) -> int:
        """Write the next row (cells, or None for empty) and return its number. ``fit``
        makes the row tall enough for its wrapped text: spreadsheets do not recompute the
        height of rows written without one."""
        self.row += 1
        if fit:
            height = self._fitted_height(values)
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(list(values))
        return self.row

    def _fitted_height(self, values: Sequence[Any]) -> float | None:
        lines = 1
        for number, cell in enumerate(values, start=1):
            text = getattr(cell, "_value", None)
            if not isinstance(text, str) or not text:
                continue
            # About 1.2 characters of body text per unit of column width.
            per_line = max(int(self.widths.get(number, 8.43) * 1.2), 1)
            lines = max(lines, sum(-(-max(len(p), 1) // per_line) for p in text.split("\n")))
        return None if lines == 1 else min(14.0 * lines + 2, 409.0)

    def skip(self, count: int = 1) -> None:
        for _ in range(count):
            self.add([])

    def title(
        self, text: str, note: str, title_look: Look, note_look: Look, *, column: int = 1
    ) -> None:
        """Row 1: the title; row 2: what the sheet is for (from ``column``: B on a grid,
        whose column A is hidden)."""
        pad: list[Any] = [None] * (column - 1)
        self.add([*pad, self.cells.text(text, title_look)], height=22)
        self.add([*pad, self.cells.text(note, note_look)], height=48)
        # The note spans the sheet's width so it wraps across it, not down one column.
        last = max(min(self.widest, 12), column + 1)
        self.sheet.merged_cells.add(f"{_letter(column)}2:{_letter(last)}2")


def _cells_to_row(values: Sequence[Any], row_idx: int) -> Iterator[Any]:
    for col_idx, cell in enumerate(values, start=1):
        if cell is None:
            continue
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return str(get_column_letter(column))
