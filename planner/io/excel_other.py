"""The read-only sheets of the Excel export: Marketing mix, Segments, Forecast, and the
hidden ``_planner`` sheet that tells an import which plan and year a workbook holds.

Margins and market sizes are formulas over the prices and counts beside them, so an owner
trying "what if the price were 10% higher" in Excel sees the margin follow.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from planner.io.excel_book import ExportData, SheetWriter
from planner.io.excel_styles import (
    DERIVED_FILL,
    HEADER,
    HEADING,
    LABEL,
    NOTE,
    PERCENT_FORMAT,
    PLAIN,
    TITLE,
    Look,
    letter,
    page_setup,
)
from planner.io.workbook_layout import (
    CHOICE_LISTS,
    CHOICES_FIRST_COLUMN,
    CHOICES_FIRST_ROW,
    FORECAST,
    FORMAT_VERSION,
    META,
    MIX,
    SEGMENTS,
    Kind,
    Meta,
    choice_column,
)

_PRIORITY = {1: "High", 2: "Medium", 3: "Low"}


def _table_header(sheet: SheetWriter, headers: list[str]) -> int:
    sheet.skip()
    sheet.add([sheet.cells.text(h, HEADER) for h in headers], height=45)
    return sheet.row


def _finish(
    sheet: SheetWriter, data: ExportData, header: int, columns: int, *, landscape: bool
) -> None:
    last_row = max(sheet.row, header + 1)
    sheet.sheet.auto_filter.ref = f"A{header}:{letter(columns)}{last_row}"
    page_setup(
        sheet.sheet, business=data.business, last_column=columns, last_row=last_row,
        header_rows=(header, header), landscape=landscape,
    )  # fmt: skip


def _joined(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def write_mix(book: Any, data: ExportData) -> None:
    """The four Ps down the side and one column per offering, as the Marketing mix tab
    shows an offering (and as it reads on paper); margin and margin % are formulas."""
    offerings = data.offerings
    width = 34.0 if len(offerings) <= 4 else 26.0
    widths = {1: 26.0, **{n: width for n in range(2, len(offerings) + 2)}}
    sheet = SheetWriter(book, MIX, data.currency, widths, freeze="B5")
    sheet.title(
        "Marketing mix: what you sell, at what price, where, and how you promote it",
        "One column per offering with its four Ps: product, price, place and promotion. "
        "Margin and margin % are formulas: try another price or cost here and they follow.",
        TITLE,
        NOTE,
    )
    cells = sheet.cells
    sheet.skip()
    sheet.add([cells.text("Offering", HEADER), *(cells.text(o.name, HEADER) for o in offerings)],
              height=30)  # fmt: skip
    header = sheet.row
    wrap = Look(wrap=True, valign="top")
    label = Look(bold=True, valign="top")
    section = Look(bold=True, color=HEADING.color, fill=DERIVED_FILL)
    money = cells.look_of(Kind.MONEY)
    derived = cells.look_of(Kind.MONEY, derived=True)
    percent = Look(number_format=PERCENT_FORMAT, fill=derived.fill)
    rows: dict[str, int] = {}

    def texts(name: str, values: list[str]) -> None:
        sheet.add([cells.text(name, label), *(cells.text(v, wrap) for v in values)], fit=True)

    def amounts(name: str, values: list[Decimal]) -> None:
        rows[name] = sheet.row + 1
        sheet.add([cells.text(name, label), *(cells.cell(v, money) for v in values)])

    def heading(name: str) -> None:
        sheet.add([cells.text(name, section), *(cells.text("", section) for _ in offerings)])

    columns = [letter(n) for n in range(2, len(offerings) + 2)]
    texts("Status", ["Archived" if o.archived else "Active" for o in offerings])
    heading("Product")
    texts("What it is", [o.description for o in offerings])
    texts("For whom", [o.target_customers for o in offerings])
    texts("Value to the customer", [o.value_proposition for o in offerings])
    texts("Features", [o.features for o in offerings])
    texts("Life-cycle stage", [o.lifecycle_stage for o in offerings])
    heading("Price")
    amounts("List price", [o.list_price for o in offerings])
    amounts("Unit cost", [o.unit_cost for o in offerings])
    price, cost, r = rows["List price"], rows["Unit cost"], sheet.row + 1
    sheet.add([cells.text("Margin", label),
               *(cells.formula(f"={c}{price}-{c}{cost}", derived) for c in columns)])  # fmt: skip
    sheet.add([cells.text("Margin %", label),
               *(cells.formula(f'=IF(N({c}{price})=0,"",{c}{r}/{c}{price})', percent)
                 for c in columns)])  # fmt: skip
    texts("Pricing approach", [o.pricing_approach for o in offerings])
    texts("Discount rules", [o.discount_policy for o in offerings])
    heading("Place")
    texts("Where and how it is sold", [o.place for o in offerings])
    texts("Sold through", [_joined(o.sold_through) for o in offerings])
    heading("Promotion")
    texts("Message", [o.promotion_message for o in offerings])
    texts("Tactics", [o.promotion_tactics for o in offerings])
    texts("Promoted by", [_joined(o.promoted_by) for o in offerings])
    amounts("Yearly promotion budget", [o.promotion_budget for o in offerings])
    heading("Customers")
    texts("Segments served", [_joined(o.segments) for o in offerings])
    page_setup(
        sheet.sheet, business=data.business, last_column=len(offerings) + 1,
        last_row=sheet.row, header_rows=(header, header), landscape=len(offerings) > 3,
    )  # fmt: skip


def write_segments(book: Any, data: ExportData) -> None:
    """One column per segment, then one for all of them: who they are and how big each
    market is; TAM, SAM and SOM are formulas over the counts and shares above them."""
    segments = data.segments
    width = 30.0 if len(segments) <= 4 else 24.0
    widths = {1: 30.0, **{n: width for n in range(2, len(segments) + 3)}}
    sheet = SheetWriter(book, SEGMENTS, data.currency, widths, freeze="B5")
    sheet.title(
        "Segments: who your customers are and how big each market is",
        "TAM = customers x yearly value; SAM = the share of it you can serve; SOM = the "
        "share of that you can realistically win. The market sizes are formulas.",
        TITLE,
        NOTE,
    )
    cells = sheet.cells
    sheet.skip()
    names = [cells.text(x.name, HEADER) for x in segments]
    sheet.add([cells.text("Segment", HEADER), *names, cells.text("All segments", HEADER)],
              height=30)  # fmt: skip
    header = sheet.row
    wrap = Look(wrap=True, valign="top")
    label = Look(bold=True, valign="top")
    section = Look(bold=True, color=HEADING.color, fill=DERIVED_FILL)
    money = cells.look_of(Kind.MONEY)
    derived = cells.look_of(Kind.MONEY, derived=True)
    share = Look(number_format=PERCENT_FORMAT)
    columns = [letter(n) for n in range(2, len(segments) + 2)]

    def add(name: str, values: list[Any], total: Look | None = None, fit: bool = False) -> int:
        """Add a row (with the sum of all segments when ``total`` is given); its number."""
        r = sheet.row + 1
        summed = None
        if total is not None and columns:
            summed = cells.formula(f"=SUM({columns[0]}{r}:{columns[-1]}{r})", total)
        sheet.add([cells.text(name, label), *values, summed], fit=fit)
        return r

    def heading(name: str) -> None:
        blanks = [cells.text("", section) for _ in range(len(segments) + 1)]
        sheet.add([cells.text(name, section), *blanks])

    add("Who they are", [cells.text(x.description, wrap) for x in segments], fit=True)
    add("Needs and pains", [cells.text(x.needs, wrap) for x in segments], fit=True)
    heading("Market size")
    bold_money = cells.look_of(Kind.MONEY, bold=True)
    count, bold_count = cells.look_of(Kind.INT), cells.look_of(Kind.INT, bold=True)
    customers = add("Customers", [cells.cell(x.customers, count) for x in segments], bold_count)
    value = add("Yearly value of one customer", [cells.cell(x.yearly_value, money)
                                                 for x in segments])  # fmt: skip
    tam = add("Total market (TAM)", [cells.formula(f"={c}{customers}*{c}{value}", derived)
                                     for c in columns], bold_money)  # fmt: skip
    serve = add("Share you can serve", [cells.cell(x.serviceable_pct / 100, share)
                                        for x in segments])  # fmt: skip
    sam = add("Serviceable market (SAM)", [cells.formula(f"=ROUND({c}{tam}*{c}{serve},2)",
                                           derived) for c in columns], bold_money)  # fmt: skip
    win = add("Share you can win", [cells.cell(x.obtainable_pct / 100, share)
                                    for x in segments])  # fmt: skip
    add("Obtainable market (SOM)", [cells.formula(f"=ROUND({c}{sam}*{c}{win},2)", derived)
                                    for c in columns], bold_money)  # fmt: skip
    add("Growth a year", [cells.cell(x.growth_pct / 100, share) for x in segments])
    heading("Focus")
    add("Priority", [cells.text(_PRIORITY.get(x.priority, "")) for x in segments])
    add("Targeted", [cells.text("Yes" if x.targeted else "No") for x in segments])
    add("Offerings", [cells.text(_joined(x.offerings), wrap) for x in segments], fit=True)
    add("Channels", [cells.text(_joined(x.channels), wrap) for x in segments], fit=True)
    page_setup(
        sheet.sheet, business=data.business, last_column=len(segments) + 2,
        last_row=sheet.row, header_rows=(header, header), landscape=len(segments) > 3,
    )  # fmt: skip


def write_forecast(book: Any, data: ExportData) -> None:
    """The revenue forecast of the coming months and quarters with its range, the open
    deals expected to close, the target and the gap (a formula)."""
    headers = ["Period", "Forecast", "Low", "High", "Open deals (weighted)", "Target",
               "Gap to target"]  # fmt: skip
    widths = {1: 22, 2: 15, 3: 15, 4: 15, 5: 15, 6: 15, 7: 15}
    sheet = SheetWriter(book, FORECAST, data.currency, widths, freeze="B5")
    outlook = data.outlook
    if outlook is None:
        explanation = data.outlook_problem
    else:
        explanation = (
            f"{outlook.revenue.sentence} Low and high: the range the actual revenue should "
            f"fall in {outlook.revenue.level} times out of 100. Gap: the target minus the "
            "forecast; above zero, the forecast falls short."
        )
    sheet.title("Revenue forecast", explanation, TITLE, NOTE)
    cells = sheet.cells
    header = _table_header(sheet, headers)
    money = cells.look_of(Kind.MONEY)
    derived = cells.look_of(Kind.MONEY, derived=True)
    rows = [] if outlook is None else [*outlook.months, *outlook.quarters]
    for index, row in enumerate(rows):
        if outlook is not None and index == len(outlook.months) and outlook.quarters:
            sheet.skip()
            sheet.add([cells.text("Quarters", HEADING)])
        r = sheet.row + 1
        sheet.add([
            cells.text(row.label, Look(bold=row.is_quarter)), cells.cell(row.forecast, money),
            cells.cell(row.low, money), cells.cell(row.high, money),
            None if row.pipeline is None else cells.cell(row.pipeline, money),
            None if row.target is None else cells.cell(row.target, money),
            cells.formula(f'=IF(F{r}="","",F{r}-B{r})', derived),
        ])  # fmt: skip
    _finish(sheet, data, header, len(headers), landscape=False)


def write_meta(book: Any, data: ExportData) -> None:
    """The hidden sheet naming the plan, year and versions (see workbook_layout.Meta), with
    the names of each choice column beside them (CHOICE_LISTS: the drop-down lists)."""
    widths = {1: 22.0, 2: 40.0}
    widths.update({choice_column(key): 26.0 for key, _heading in CHOICE_LISTS})
    sheet = SheetWriter(book, META, data.currency, widths)
    sheet.sheet.sheet_state = "hidden"
    values: dict[Meta, Any] = {
        Meta.FORMAT_VERSION: FORMAT_VERSION,
        Meta.APP_VERSION: data.app_version,
        Meta.SCHEMA_VERSION: data.schema_version,
        Meta.PLAN_FILE: data.plan_file,
        Meta.BUSINESS_NAME: data.business,
        Meta.CURRENCY: data.currency,
        Meta.FISCAL_YEAR: data.fiscal_year.year,
        Meta.FISCAL_START_MONTH: data.fiscal_year.start_month,
        Meta.FIRST_MONTH: str(data.fiscal_year.first_month),
        Meta.EXPORTED_AT: data.exported_at.isoformat(timespec="seconds"),
        Meta.TODAY: data.today.isoformat(),
    }
    cells = sheet.cells
    rows: list[list[Any]] = [[cells.text(k.value), cells.cell(v)] for k, v in values.items()]
    # One column per list from column D, in CHOICE_LISTS order: the heading, then the names.
    lists = [(heading, *data.choices.get(key, ())) for key, heading in CHOICE_LISTS]
    assert CHOICES_FIRST_ROW == 2 and choice_column(CHOICE_LISTS[0][0]) == CHOICES_FIRST_COLUMN
    for number in range(max(len(rows), *map(len, lists))):
        row = rows[number] if number < len(rows) else []
        row += [None] * (CHOICES_FIRST_COLUMN - 1 - len(row))
        for names in lists:
            look = LABEL if number == 0 else PLAIN
            row.append(cells.text(names[number], look) if number < len(names) else None)
        sheet.add(row)
