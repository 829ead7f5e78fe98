"""The four sheets of the Excel export that can come back (Targets, Channels, Pipeline,
Actuals), written exactly as ``planner.io.workbook_layout`` says.

Figures the owner may edit are plain values; totals, rests and variances are formulas over
them, so a change in Excel recomputes the sheet (and the Summary, which refers to these
sheets).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from planner.io.excel_book import (
    ExportData,
    SheetWriter,
    Tick,
    channel_block_row,
    channel_total_row,
)
from planner.io.excel_styles import (
    HEADER,
    HEADER_FILL,
    INT_FORMAT,
    NOTE,
    TITLE,
    ColumnCells,
    Look,
    letter,
    page_setup,
)
from planner.io.excel_validation import (
    AMOUNT,
    COUNT,
    LAST_ROW,
    validate_actuals,
    validate_grid,
    validate_pipeline,
)
from planner.io.workbook_layout import (
    ACTUALS_LAYOUT,
    ALL_CHANNELS_LABEL,
    CHANNEL_FIGURES,
    CHANNELS_LAYOUT,
    KEY_HEADER,
    MONTH_COLUMNS,
    NOT_ASSIGNED_LABEL,
    PIPELINE_LAYOUT,
    TARGET_ROW_LABELS,
    TARGETS_LAYOUT,
    UNASSIGNED_OFFERING,
    YEAR_TOTAL_HEADER,
    GridLayout,
    Kind,
    ListLayout,
    TargetPart,
    channel_row_key,
    target_row_key,
)

MONTH_HEADER = Look(
    number_format="mmm yyyy", bold=True, color="FFFFFF", fill=HEADER_FILL, halign="center"
)
TOTALS_LABEL = Look(bold=True, halign="right")
TICK_ROWS = 2000
PORTRAIT_WIDTH = 100  # column widths (in characters) that still print well upright
_REST_NAMES = {
    TargetPart.OFFERING: "Not assigned to an offering",
    TargetPart.SEGMENT: "Not assigned to a segment",
    TargetPart.REP: "Not assigned to a sales rep",
}


def _grid_header(sheet: SheetWriter, layout: GridLayout, data: ExportData) -> None:
    cells = sheet.cells
    row: list[Any] = [cells.text(KEY_HEADER, HEADER)]
    row += [cells.text(c.header, HEADER) for c in layout.label_columns]
    row += [cells.cell(m.first_day, MONTH_HEADER) for m in data.months]
    row.append(cells.text(YEAR_TOTAL_HEADER, HEADER))
    assert sheet.row + 1 == layout.header_row
    sheet.add(row, height=20)


def _grid_sheet(
    book: Any, layout: GridLayout, data: ExportData, title: str, note: str = ""
) -> SheetWriter:
    widths: dict[int, float] = {1: 22, 2: 27, 3: 30}
    for number in range(MONTH_COLUMNS):
        widths[layout.month_column(number)] = 12.5
    widths[layout.total_column] = 14
    freeze = f"{letter(layout.first_month_column)}{layout.first_data_row}"
    sheet = SheetWriter(book, layout.sheet, data.currency, widths, hidden=(1,), freeze=freeze)
    sheet.title(title, note or layout.note, TITLE, NOTE, column=2)
    sheet.skip(layout.header_row - 3)
    _grid_header(sheet, layout, data)
    return sheet


def _finish_grid(sheet: SheetWriter, layout: GridLayout, data: ExportData) -> None:
    last_column = layout.total_column
    sheet.sheet.auto_filter.ref = f"B{layout.header_row}:{letter(last_column)}{sheet.row}"
    page_setup(
        sheet.sheet, business=data.business, last_column=last_column, last_row=sheet.row,
        header_rows=(layout.header_row, layout.header_row), landscape=True,
    )  # fmt: skip


def _month_letters(layout: GridLayout) -> list[str]:
    return [letter(layout.month_column(n)) for n in range(MONTH_COLUMNS)]


def write_targets(book: Any, data: ExportData) -> None:
    """The whole business's target per month, then each breakdown's parts and the rest
    not assigned to any part (a formula)."""
    layout = TARGETS_LAYOUT
    sheet = _grid_sheet(book, layout, data, f"Revenue targets, {data.fiscal_year.label}")
    cells = sheet.cells
    money = cells.look_of(Kind.MONEY)
    derived = cells.look_of(Kind.MONEY, derived=True)
    total_look = cells.look_of(Kind.MONEY, bold=True)
    months = _month_letters(layout)
    first, last = months[0], months[-1]
    whole = sheet.row + 1
    editable = [whole]  # rows of the plan's own targets (not the rests under each block)
    sheet.add([
        cells.text(target_row_key(None, None)), cells.text(TARGET_ROW_LABELS[None], TOTALS_LABEL),
        cells.text(data.business), *(cells.cell(v, total_look) for v in data.month_targets),
        cells.formula(f"=SUM({first}{whole}:{last}{whole})", total_look),
    ])  # fmt: skip
    for block in data.target_blocks:
        part = TargetPart(block.part)
        top = sheet.row + 1
        for item in block.rows:
            r = sheet.row + 1
            editable.append(r)
            sheet.add([
                cells.text(target_row_key(part, item.item_id)), cells.text(TARGET_ROW_LABELS[part]),
                cells.text(item.name), *(cells.cell(v, money) for v in item.months),
                cells.formula(f"=SUM({first}{r}:{last}{r})", derived),
            ])  # fmt: skip
        bottom, r = sheet.row, sheet.row + 1
        sheet.add([
            None, cells.text(NOT_ASSIGNED_LABEL, derived), cells.text(_REST_NAMES[part], derived),
            *(cells.formula(f"={c}${whole}-SUM({c}{top}:{c}{bottom})", derived) for c in months),
            cells.formula(f"=SUM({first}{r}:{last}{r})", derived),
        ])  # fmt: skip
    validate_grid(sheet.sheet, AMOUNT, editable, layout.first_month_column, layout.total_column - 1)
    _finish_grid(sheet, layout, data)


# What the over/under cell of the month in progress says once it has actual spend.
NOT_OVER = "not over yet"


def _channel_formulas(figure: str, c: str, rows: dict[str, int], in_progress: bool = False) -> str:
    """The formula of a derived channel figure in column ``c``. ``in_progress``: the
    column is the month in progress, whose spend so far is not set against its budget."""
    if figure == "spend_variance":
        actual, planned = rows["actual_spend"], rows["planned_spend"]
        if in_progress:
            # Text, so the year total (SUM, COUNT) compares the complete months only.
            return f'=IF({c}{actual}="","","{NOT_OVER}")'
        return f'=IF({c}{actual}="","",{c}{actual}-{c}{planned})'
    actual, leads = rows["actual_spend"], rows["actual_leads"]
    return f'=IF(OR({c}{actual}="",N({c}{leads})=0),"",{c}{actual}/{c}{leads})'


def _year_total(figure: str, kind: Kind, r: int, first: str, last: str, total: str,
                rows: dict[str, int]) -> str:  # fmt: skip
    span = f"{first}{r}:{last}{r}"
    if figure in ("planned_spend", "planned_leads"):
        return f"=SUM({span})"
    if figure == "cost_per_lead":
        return _channel_formulas(figure, total, rows)
    # Actuals and their variance: empty while no month has one (as the planner shows it).
    return f'=IF(COUNT({span})=0,"",SUM({span}))'


def _right(look: Look) -> Look:
    """``look`` aligned right: a word among the figures of a column of money."""
    return replace(look, halign="right")


def write_channels(book: Any, data: ExportData) -> None:
    """Six rows per channel (planned and actual spend, the variance, planned and actual
    leads, cost per lead), then the same for all channels together."""
    layout = CHANNELS_LAYOUT
    now = data.months.index(data.current) if data.current in data.months else None
    note = layout.note
    if now is not None:
        note += (
            f" {data.current.short_label} is not over yet: its actual figures are so far and "
            "are not set against its plan, so the year's over/under counts the months that "
            "are over."
        )
    sheet = _grid_sheet(book, layout, data, f"Marketing channels, {data.fiscal_year.label}", note)
    cells = sheet.cells
    months = _month_letters(layout)
    first, last, total = months[0], months[-1], letter(layout.total_column)
    by_channel: dict[int, list[Any]] = {}
    for row in data.channel_months:
        by_channel.setdefault(row.channel_id, []).append(row)
    ids = data.channel_ids()
    editable: dict[Kind, list[int]] = {Kind.MONEY: [], Kind.INT: []}  # spend, leads
    for index, channel_id in enumerate(ids):
        figures = by_channel[channel_id]
        rows = {f.key: channel_block_row(index, f.key) for f in CHANNEL_FIGURES}
        for figure in CHANNEL_FIGURES:
            r = rows[figure.key]
            look = cells.look_of(figure.kind, derived=figure.derived)
            if figure.derived:
                values = [
                    cells.formula(_channel_formulas(figure.key, c, rows, n == now),
                                  _right(look) if n == now else look)
                    for n, c in enumerate(months)
                ]  # fmt: skip
                key = None
            else:
                values = [cells.cell(getattr(m, figure.key), look) for m in figures]
                key = cells.text(channel_row_key(channel_id, figure.key))
                editable[figure.kind].append(r)
            year = _year_total(figure.key, figure.kind, r, first, last, total, rows)
            sheet.add([
                key, cells.text(figures[0].channel), cells.text(figure.label, look), *values,
                cells.formula(year, cells.look_of(figure.kind, derived=True)),
            ])  # fmt: skip
    if ids:
        sheet.skip()
    top = layout.first_data_row
    bottom = max(top, layout.first_data_row + len(ids) * len(CHANNEL_FIGURES) - 1)
    totals = {f.key: channel_total_row(len(ids), f.key) for f in CHANNEL_FIGURES}
    for figure in CHANNEL_FIGURES:
        look = cells.look_of(figure.kind, bold=True)
        values = []
        for n, c in enumerate([*months, total]):
            labels, column = f"$C${top}:$C${bottom}", f"{c}${top}:{c}${bottom}"
            summed = f'SUMIF({labels},"{figure.label}",{column})'
            if figure.key in ("planned_spend", "planned_leads"):
                text = f"={summed}"
            elif figure.key == "cost_per_lead":
                text = _channel_formulas(figure.key, c, totals)
            elif figure.key == "spend_variance" and n == now:
                text = _channel_formulas(figure.key, c, totals, in_progress=True)
                values.append(cells.formula(text, _right(look)))
                continue
            elif figure.key == "spend_variance":
                # Each channel's own variance (blank without actuals), as the planner does.
                text = f'=IF({c}{totals["actual_spend"]}="","",{summed})'
            else:
                text = f'=IF(COUNTIFS({labels},"{figure.label}",{column},"<>")=0,"",{summed})'
            values.append(cells.formula(text, look))
        sheet.add([
            None, cells.text(ALL_CHANNELS_LABEL, TOTALS_LABEL), cells.text(figure.label, look),
            *values,
        ])  # fmt: skip
    for kind, rule in ((Kind.MONEY, AMOUNT), (Kind.INT, COUNT)):
        validate_grid(sheet.sheet, rule, editable[kind], layout.first_month_column,
                      layout.total_column - 1)  # fmt: skip
    _finish_grid(sheet, layout, data)


def _list_sheet(book: Any, layout: ListLayout, data: ExportData, title: str,
                widths: Mapping[int, float], freeze: str) -> SheetWriter:  # fmt: skip
    sheet = SheetWriter(book, layout.sheet, data.currency, widths, freeze=freeze)
    sheet.title(title, layout.note, TITLE, NOTE)
    return sheet


def _totals_row(sheet: SheetWriter, layout: ListLayout, label_key: str,
                sums: dict[str, tuple[str, int, Look]]) -> None:  # fmt: skip
    """Row 3: subtotals of the rows shown (an auto-filter hides the others) down to the
    sheet's last row, so rows the owner adds count too. ``sums`` maps the column a total
    goes in to (the column it adds up, 9 to sum or 3 to count, its look)."""
    row: list[Any] = [None] * len(layout.columns)
    row[layout.index(label_key) - 1] = sheet.cells.text("Totals of the rows shown", TOTALS_LABEL)
    for key, (source, code, look) in sums.items():
        c = letter(layout.index(source))
        row[layout.index(key) - 1] = sheet.cells.formula(
            f"=SUBTOTAL({code},{c}{layout.first_data_row}:{c}{LAST_ROW})", look
        )
    sheet.add(row)
    sheet.skip(layout.header_row - 4)
    sheet.add([sheet.cells.text(c.header, HEADER) for c in layout.columns], height=30)


def _finish_list(sheet: SheetWriter, layout: ListLayout, data: ExportData) -> None:
    last_column = letter(len(layout.columns))
    last_row = max(sheet.row, layout.first_data_row)
    sheet.sheet.auto_filter.ref = f"A{layout.header_row}:{last_column}{last_row}"
    page_setup(
        sheet.sheet, business=data.business, last_column=len(layout.columns), last_row=last_row,
        header_rows=(layout.header_row, layout.header_row),
        landscape=sum(sheet.widths.values()) > PORTRAIT_WIDTH,
    )  # fmt: skip


_STATUS = {"open": "Open", "won": "Won", "lost": "Lost"}


def write_pipeline(book: Any, data: ExportData, tick: Tick) -> None:
    """Every deal, one per row, with its weighted value as a formula."""
    layout = PIPELINE_LAYOUT
    widths = {1: 7, 2: 26, 3: 26, 4: 18, 5: 16, 6: 16, 7: 14, 8: 14, 9: 13, 10: 13, 11: 11,
              12: 14, 13: 11.5, 14: 11.5, 15: 11.5, 16: 20, 17: 40}  # fmt: skip
    sheet = _list_sheet(book, layout, data, "Pipeline: every deal", widths, "C6")
    cells = sheet.cells
    count = Look(number_format='#,##0 "deals"', bold=True)
    money_total = cells.look_of(Kind.MONEY, bold=True)
    # The count stands in the Status column (wide enough for "100,000 deals") but counts
    # customers: new rows have no ID.
    sums = {"status": ("customer", 3, count), "amount": ("amount", 9, money_total),
            "weighted": ("weighted", 9, money_total)}  # fmt: skip
    _totals_row(sheet, layout, "stage", sums)
    looks = [cells.look_of(c.kind, derived=c.derived) for c in layout.columns]
    stored = {Kind.TEXT: "s", Kind.DATE: "d"}
    kinds = ["f" if c.derived else stored.get(c.kind, "n") for c in layout.columns]
    row_cells = ColumnCells(cells, looks, kinds)
    weighted = f"={letter(layout.index('amount'))}{{0}}*{letter(layout.index('probability'))}{{0}}"
    # The values in the order of PIPELINE_LAYOUT's columns (checked once below).
    order = ("id", "customer", "title", "offering", "segment", "channel", "owner", "stage",
             "status", "amount", "probability", "weighted", "created_on", "expected_close",
             "closed_on", "lost_reason", "notes")  # fmt: skip
    assert order == tuple(c.key for c in layout.columns)
    pending = 0
    notes = data.deal_notes
    for deal in data.deals:
        sheet.add(row_cells.row([
            deal.id, deal.customer, deal.title, deal.offering, deal.segment, deal.channel,
            deal.owner, deal.stage, _STATUS[deal.status.value], deal.amount,
            deal.probability / 100, weighted.format(sheet.row + 1), deal.created_on,
            deal.expected_close, deal.closed_on, deal.lost_reason, notes.get(deal.id),
        ]))  # fmt: skip
        pending += 1
        if pending == TICK_ROWS:
            tick(pending, "Writing the deals")
            pending = 0
    tick(pending, "Writing the deals")
    validate_pipeline(sheet.sheet, data.choices)
    _finish_list(sheet, layout, data)


def write_actuals(book: Any, data: ExportData) -> None:
    """One row per month and offering of the fiscal year (empty where nothing is known)."""
    layout = ACTUALS_LAYOUT
    widths = {1: 11, 2: 12, 3: 32, 4: 15, 5: 12}
    sheet = _list_sheet(book, layout, data, f"Actual sales, {data.fiscal_year.label}",
                        widths, "A6")  # fmt: skip
    cells = sheet.cells
    money_total = cells.look_of(Kind.MONEY, bold=True)
    units_total = Look(number_format=INT_FORMAT, bold=True)
    sums = {"revenue": ("revenue", 9, money_total), "units": ("units", 9, units_total)}
    _totals_row(sheet, layout, "offering", sums)
    looks = {c.key: cells.look_of(c.kind) for c in layout.columns}
    for index, month in enumerate(data.months):
        for offering in data.actuals:
            name = offering.offering if offering.offering_id is not None else UNASSIGNED_OFFERING
            revenue, units = offering.revenue[index], offering.units[index]
            sheet.add([
                None if offering.offering_id is None
                else cells.cell(offering.offering_id, looks["offering_id"]),
                cells.cell(month.first_day, looks["month"]), cells.text(name),
                None if revenue is None else cells.cell(revenue, looks["revenue"]),
                None if units is None else cells.cell(units, looks["units"]),
            ])  # fmt: skip
    validate_actuals(sheet.sheet, data.choices)
    _finish_list(sheet, layout, data)
