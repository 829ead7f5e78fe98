"""The Summary sheet of the Excel export: key figures, plan against actual by month and
quarter, the open pipeline by stage, and three native charts.

Every figure here is a formula over the other sheets (Targets, Channels, Actuals,
Pipeline), so it follows the owner's edits in Excel. Variances follow the planner's rule:
a month is compared once it is complete and has actual sales; the month in progress
shows its sales and marketing spend "so far" but no variance.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference  # type: ignore[import-untyped]
from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]

from planner.io.excel_book import ExportData, SheetWriter, channel_total_row
from planner.io.excel_styles import (
    HEADER,
    HEADING,
    MUTED,
    NOTE,
    PERCENT_FORMAT,
    TITLE,
    Look,
    letter,
    page_setup,
)
from planner.io.workbook_layout import (
    ACTUALS,
    ACTUALS_LAYOUT,
    CHANNELS,
    PIPELINE,
    PIPELINE_LAYOUT,
    SUMMARY,
    TARGETS,
    TARGETS_LAYOUT,
    Kind,
)

TABLE_HEADERS = (
    "Period", "Revenue target", "Actual revenue", "Ahead (+) or behind (-)", "Ahead or behind %",
    "Planned marketing spend", "Actual marketing spend", "Spend over (+) or under (-) plan",
    "Planned leads", "Actual leads",
)  # fmt: skip
EXPLAIN = Look(italic=True, color=MUTED)
CHART_WIDTH = 25.0  # cm: the width of the table above
CHART_HEIGHT = 7.8
CHART_ROWS = 17  # rows of the default height a chart covers, with a gap


def _quoted(sheet: str) -> str:
    return f"'{sheet}'" if " " in sheet else sheet


def _actual_formula(year: int, month: int) -> str:
    """Actual revenue of one month from the Actuals sheet; empty when none is recorded."""
    layout = ACTUALS_LAYOUT
    months = f"{ACTUALS}!${letter(layout.index('month'))}:${letter(layout.index('month'))}"
    revenue = f"{ACTUALS}!${letter(layout.index('revenue'))}:${letter(layout.index('revenue'))}"
    day = f"DATE({year},{month},1)"
    return f'=IF(COUNTIFS({months},{day},{revenue},"<>")=0,"",SUMIFS({revenue},{months},{day}))'


def _pipeline_column(key: str) -> str:
    c = letter(PIPELINE_LAYOUT.index(key))
    return f"{PIPELINE}!${c}:${c}"


def write_summary(book: Any, data: ExportData) -> None:
    widths = {1: 30, 2: 15, 3: 15, 4: 15, 5: 11, 6: 15, 7: 15, 8: 15, 9: 10, 10: 10}
    sheet = SheetWriter(book, SUMMARY, data.currency, widths)
    cells = sheet.cells
    fy = data.fiscal_year
    sheet.title(
        f"{data.business}: sales and marketing plan, {fy.label}",
        f"Exported from the Sales & Marketing Planner on {data.exported_at:%d %b %Y at %H:%M}. "
        f"Amounts in {data.currency}. The figures on this sheet are formulas over the other "
        "sheets: change targets, channel figures, actual sales or deals there and they follow.",
        TITLE,
        NOTE,
    )
    money = cells.look_of(Kind.MONEY)
    count = cells.look_of(Kind.INT)
    derived_money = cells.look_of(Kind.MONEY, derived=True)
    percent = Look(number_format=PERCENT_FORMAT, fill=derived_money.fill)
    channel_count = len(data.channel_ids())

    # Where the plan-against-actual table will be: the key figures above refer to it.
    kpi_top = 5
    kpi_rows = 10
    table_header = kpi_top + kpi_rows + 1  # after the heading row
    first_month = table_header + 1
    month_rows = [first_month + i for i in range(12)]
    quarter_rows = [first_month + 12 + q for q in range(4)]
    year_row = first_month + 16
    complete = [r for m, r in zip(data.months, month_rows, strict=True) if m < data.current]

    sheet.skip()
    sheet.add([cells.text("Key figures", HEADING)])
    span_actual: str | None = None
    span_target: str | None = None
    if complete:
        through = data.months[len(complete) - 1].short_label
        span_actual = f"=SUM(C{complete[0]}:C{complete[-1]})"
        span_target = f"=SUM(B{complete[0]}:B{complete[-1]})"
        to_date = f"Actual revenue, {data.months[0].short_label} to {through}"
    else:
        to_date = "Actual revenue of the complete months (none yet)"
    status, closed = _pipeline_column("status"), _pipeline_column("closed_on")
    first_day, last_day = fy.first_month.first_day, fy.last_month.last_day
    within = (
        f'{closed},">="&DATE({first_day.year},{first_day.month},{first_day.day}),'
        f'{closed},"<="&DATE({last_day.year},{last_day.month},{last_day.day})'
    )
    won = f'COUNTIFS({status},"Won",{within})'
    lost = f'COUNTIFS({status},"Lost",{within})'
    kpis: list[tuple[str, str | None, Look, str]] = [
        ("Revenue target for the year", f"=B{year_row}", money, ""),
        (to_date, span_actual, money, "complete months only"),
        ("Target for the same months", span_target, money, ""),
        ("Ahead (+) or behind (-) target", f"=IF(B{kpi_top + 1}=\"\",\"\",B{kpi_top + 1}"
         f"-B{kpi_top + 2})" if complete else None, money, ""),
        ("Open deals", f'=COUNTIF({status},"Open")', count, ""),
        ("Open pipeline", f'=SUMIF({status},"Open",{_pipeline_column("amount")})', money, ""),
        ("Weighted open pipeline", f'=SUMIF({status},"Open",{_pipeline_column("weighted")})',
         money, "each deal's amount times its probability"),
        (f"Win rate of deals closed in {fy.label}", f'=IF({won}+{lost}=0,"",{won}/({won}+{lost}))',
         percent, "won deals out of all won and lost"),
        ("Marketing budget for the year", f"=F{year_row}", money, ""),
        ("Marketing spend so far", f"=G{year_row}", money, "months with actual spend"),
    ]  # fmt: skip
    assert len(kpis) == kpi_rows
    for label, formula, look, explain in kpis:
        sheet.add([
            cells.text(label), None if formula is None else cells.formula(formula, look),
            cells.text(explain, EXPLAIN) if explain else None,
        ])  # fmt: skip
    sheet.add([cells.text("Plan against actual, month by month", HEADING)])
    sheet.add([cells.text(h, HEADER) for h in TABLE_HEADERS], height=45)
    assert sheet.row == table_header

    targets_row = TARGETS_LAYOUT.first_data_row
    keys = ("planned_spend", "actual_spend", "spend_variance", "planned_leads", "actual_leads")
    totals = {k: channel_total_row(channel_count, k) for k in keys}
    for index, (month, r) in enumerate(zip(data.months, month_rows, strict=True)):
        c = letter(TARGETS_LAYOUT.month_column(index))
        ch = f"{CHANNELS}!{c}"
        label = month.short_label + (" (so far)" if month == data.current else "")
        variance = percent_of = None
        if month < data.current:
            variance = cells.formula(f'=IF(C{r}="","",C{r}-B{r})', derived_money)
            percent_of = cells.formula(f'=IF(OR(D{r}="",N(B{r})=0),"",D{r}/B{r})', percent)
        # Nor is the spend of the month in progress set against its budget (the Channels
        # sheet says "not over yet" there; the quarter and year add the other months).
        spend_variance = None
        if month != data.current:
            spend_variance = cells.formula(f"={ch}{totals['spend_variance']}", derived_money)
        sheet.add([
            cells.text(label), cells.formula(f"={TARGETS}!{c}{targets_row}", money),
            cells.formula(_actual_formula(month.year, month.month), money), variance, percent_of,
            cells.formula(f"={ch}{totals['planned_spend']}", money),
            cells.formula(f"={ch}{totals['actual_spend']}", money),
            spend_variance,
            cells.formula(f"={ch}{totals['planned_leads']}", count),
            cells.formula(f"={ch}{totals['actual_leads']}", count),
        ])  # fmt: skip
    bold_money = cells.look_of(Kind.MONEY, bold=True)
    bold_count = cells.look_of(Kind.INT, bold=True)
    bold_percent = Look(number_format=PERCENT_FORMAT, bold=True, fill=bold_money.fill)
    spans = [(q.label, month_rows[3 * i], month_rows[3 * i + 2]) for i, q in enumerate(fy.quarters)]
    spans.append((f"{fy.label} total", month_rows[0], month_rows[-1]))
    for label, top, bottom in spans:
        r = sheet.row + 1

        def known(c: str, top: int = top, bottom: int = bottom) -> str:
            span = f"{c}{top}:{c}{bottom}"
            return f'=IF(COUNT({span})=0,"",SUM({span}))'

        compared = f"SUMPRODUCT(ISNUMBER(D{top}:D{bottom})*B{top}:B{bottom})"
        sheet.add([
            cells.text(label, Look(bold=True)),
            cells.formula(f"=SUM(B{top}:B{bottom})", bold_money),
            cells.formula(known("C"), bold_money), cells.formula(known("D"), bold_money),
            cells.formula(f'=IF(OR(D{r}="",{compared}=0),"",D{r}/{compared})', bold_percent),
            cells.formula(f"=SUM(F{top}:F{bottom})", bold_money),
            cells.formula(known("G"), bold_money), cells.formula(known("H"), bold_money),
            cells.formula(f"=SUM(I{top}:I{bottom})", bold_count),
            cells.formula(known("J"), bold_count),
        ])  # fmt: skip
    assert sheet.row == year_row and quarter_rows[-1] == year_row - 1

    stage_top = _pipeline_by_stage(sheet, data)
    last_row = _charts(sheet, data, month_rows, stage_top)
    page_setup(
        sheet.sheet, business=data.business, last_column=len(TABLE_HEADERS), last_row=last_row,
        header_rows=None, landscape=True,
    )  # fmt: skip


def _pipeline_by_stage(sheet: SheetWriter, data: ExportData) -> tuple[int, int]:
    """The open stages with their deals, amount and weighted value; returns its rows."""
    cells = sheet.cells
    money = cells.look_of(Kind.MONEY)
    count = cells.look_of(Kind.INT)
    stage, status = _pipeline_column("stage"), _pipeline_column("status")
    amount, weighted = _pipeline_column("amount"), _pipeline_column("weighted")
    sheet.skip()
    sheet.add([cells.text("Open pipeline by stage", HEADING)])
    sheet.add([cells.text(h, HEADER) for h in
               ("Stage", "Open deals", "Amount", "Weighted value")], height=30)  # fmt: skip
    top = sheet.row + 1
    for row in data.stages:
        if not row.is_open:
            continue
        r = sheet.row + 1
        is_open = f'{status},"Open",{stage},A{r}'
        sheet.add([
            cells.text(row.name), cells.formula(f"=COUNTIFS({is_open})", count),
            cells.formula(f"=SUMIFS({amount},{is_open})", money),
            cells.formula(f"=SUMIFS({weighted},{is_open})", money),
        ])  # fmt: skip
    bottom = sheet.row
    if bottom >= top:
        bold_money = cells.look_of(Kind.MONEY, bold=True)
        sheet.add([
            cells.text("All open deals", Look(bold=True)),
            cells.formula(f"=SUM(B{top}:B{bottom})", cells.look_of(Kind.INT, bold=True)),
            cells.formula(f"=SUM(C{top}:C{bottom})", bold_money),
            cells.formula(f"=SUM(D{top}:D{bottom})", bold_money),
        ])  # fmt: skip
    return top, bottom


def _bar_chart(title: str, y_title: str, money_format: str) -> Any:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.title = y_title
    chart.y_axis.numFmt = money_format
    chart.height, chart.width = CHART_HEIGHT, CHART_WIDTH
    chart.legend.position = "b"
    # openpyxl hides axes by default ("delete"); Excel and LibreOffice then draw none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _charts(sheet: SheetWriter, data: ExportData, month_rows: list[int],
            stages: tuple[int, int]) -> int:  # fmt: skip
    """The three charts under the tables, starting on a new printed page; returns the
    last row they cover."""
    ws = sheet.sheet
    money_format = sheet.cells.money.split(";")[0]
    first, last = month_rows[0], month_rows[-1]
    categories = Reference(ws, min_col=1, min_row=first, max_row=last)
    top = sheet.row + 2
    ws.row_breaks.append(Break(id=top - 1))
    anchors = (f"A{top}", f"A{top + CHART_ROWS}", f"A{top + 2 * CHART_ROWS}")

    revenue = _bar_chart("Revenue: target and actual", data.currency, money_format)
    revenue.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last),
                     titles_from_data=True)  # fmt: skip
    actual = LineChart()
    actual.x_axis.delete = False
    actual.y_axis.delete = False
    actual.add_data(Reference(ws, min_col=3, min_row=first - 1, max_row=last),
                    titles_from_data=True)  # fmt: skip
    revenue += actual
    revenue.set_categories(categories)
    ws.add_chart(revenue, anchors[0])

    spend = _bar_chart("Marketing spend: budget and actual", data.currency, money_format)
    spend.add_data(Reference(ws, min_col=6, max_col=7, min_row=first - 1, max_row=last),
                   titles_from_data=True)  # fmt: skip
    spend.set_categories(categories)
    ws.add_chart(spend, anchors[1])

    stage_top, stage_bottom = stages
    if stage_bottom >= stage_top:
        pipeline = _bar_chart("Open pipeline by stage", data.currency, money_format)
        pipeline.add_data(
            Reference(ws, min_col=3, max_col=4, min_row=stage_top - 1, max_row=stage_bottom),
            titles_from_data=True,
        )
        pipeline.set_categories(Reference(ws, min_col=1, min_row=stage_top, max_row=stage_bottom))
        ws.add_chart(pipeline, anchors[2])
    return top + 3 * CHART_ROWS
