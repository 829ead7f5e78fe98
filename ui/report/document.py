"""The quarterly report's content, section by section, as a ``Flow`` of blocks.

Numbers come from ``planner.queries.report.QuarterReport``; this module only words and
arranges them: the cover, the summary, marketing, sales, the next quarter's forecast and
the owner's notes. Tables show whole currency units (the cover says which currency), with
per-lead figures to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import QDate, QLocale, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from planner.domain.money import currency_digits
from planner.queries.report import QuarterReport
from ui.charts.axes import ValueFormat
from ui.charts.style import MUTED_TEXT, TEXT, role_style
from ui.models.formats import display_locale
from ui.report.blocks import Column, Flow, Row, RowKind
from ui.report.charts import Bars, ChartSpec, Line, paint_chart
from ui.report.layout import SHADE, draw_text, font, text_width

SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "marketing": "Marketing",
    "sales": "Sales",
    "forecast": "Forecast",
    "notes": "Notes",
}
CHART_HEIGHT = 140.0
DASH = "\u2013"


@dataclass(frozen=True)
class ReportOptions:
    """What the owner chose: sections (keys of SECTIONS), notes and the paper size."""

    sections: tuple[str, ...] = tuple(SECTIONS)
    notes: str = ""
    paper: str = "a4"  # "a4" or "letter"
    locale: QLocale = field(default_factory=display_locale)


class Words:
    """Numbers as the report writes them, in the user's locale."""

    def __init__(self, currency: str, locale: QLocale) -> None:
        self.currency = currency
        self.locale = locale

    def whole(self, amount: Decimal | None) -> str:
        if amount is None:
            return DASH
        rounded = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return self.locale.toString(rounded)

    def signed(self, amount: Decimal | None) -> str:
        if amount is None:
            return DASH
        text = self.whole(abs(amount))
        return text if amount.quantize(Decimal(1)) == 0 else ("+" if amount > 0 else "-") + text

    def cents(self, amount: Decimal | None) -> str:
        if amount is None:
            return DASH
        return self.locale.toString(float(amount), "f", currency_digits(self.currency))

    def pct(self, value: Decimal | None, signed: bool = True) -> str:
        if value is None:
            return DASH
        text = self.locale.toString(float(abs(value)), "f", 1) + "%"
        if not signed or value == 0:
            return text
        return ("+" if value > 0 else "-") + text

    def count(self, value: int | None) -> str:
        return DASH if value is None else self.locale.toString(value)

    def date(self, day: dt.date) -> str:
        return self.locale.toString(QDate(day.year, day.month, day.day), "d MMMM yyyy")


def build(report: QuarterReport, options: ReportOptions, width: float, height: float) -> Flow:
    """The whole report for a body ``width`` x ``height`` points."""
    words = Words(report.currency, options.locale)
    flow = Flow(width)
    _cover(flow, report, words, options, height)
    makers = {
        "summary": _summary,
        "marketing": _marketing,
        "sales": _sales,
        "forecast": _forecast,
    }
    # The cover stands alone; after it, sections follow one another (each heading keeps
    # with what comes next), so no page is left mostly empty.
    flow.page_break()
    for key in options.sections:
        if key in makers:
            makers[key](flow, report, words)
    if "notes" in options.sections and options.notes.strip():
        flow.heading("Notes from the owner")
        for paragraph in options.notes.strip().split("\n\n"):
            flow.paragraph(paragraph.strip(), space_before=8.0)
    return flow


def _months_span(report: QuarterReport) -> str:
    first, last = report.quarter.first_month, report.quarter.last_month
    return f"{first.name} {first.year} to {last.name} {last.year}"


def _cover(
    flow: Flow, report: QuarterReport, words: Words, options: ReportOptions, height: float
) -> None:
    flow.spacer(height * 0.16)
    flow.paragraph(report.business, size=26, bold=True, space_before=0)
    flow.paragraph("Quarterly report", size=17, color=MUTED_TEXT, space_before=8)
    flow.paragraph(
        f"{report.quarter.label}: {_months_span(report)}", size=13, bold=True, space_before=22
    )
    flow.paragraph(f"Prepared on {words.date(report.today)}", size=10, space_before=6)
    if not report.complete:
        flow.paragraph(
            "This quarter is not over yet: its figures are those recorded so far.",
            size=10, italic=True, color=MUTED_TEXT,
        )  # fmt: skip
    tiles = _tiles(report, words)
    flow.chart(74.0, lambda p, r: _paint_tiles(p, r, tiles), space_before=36)
    chosen = [SECTIONS[k] for k in options.sections if k in SECTIONS]
    if "notes" in options.sections and not options.notes.strip():
        chosen.remove(SECTIONS["notes"])
    flow.paragraph(
        f"In this report: {', '.join(chosen) or 'the cover only'}. Amounts are in "
        f"{report.currency}, rounded to whole units.",
        size=9, color=MUTED_TEXT, space_before=30,
    )  # fmt: skip


def _tiles(report: QuarterReport, words: Words) -> list[tuple[str, str, str]]:
    total, nxt = report.total, report.next_total
    vs_target = DASH if total.variance_pct is None else f"{words.pct(total.variance_pct)}"
    rate = DASH if report.win_rate_pct is None else words.pct(report.win_rate_pct, False)
    return [
        ("Revenue", _amount(report, total.actual, words), report.quarter.label),
        ("Against target", vs_target, f"target {words.whole(total.target)}"),
        ("Win rate", rate, f"{report.won_deals} won, {report.lost_deals} lost"),
        (
            "Next quarter",
            _amount(report, nxt.forecast, words),
            "recorded"
            if nxt.is_actual
            else "forecast"
            if nxt.forecast is not None
            else "no forecast yet",
        ),
    ]


def _amount(report: QuarterReport, amount: Decimal | None, words: Words) -> str:
    return DASH if amount is None else f"{report.currency} {words.whole(amount)}"


def _paint_tiles(painter: QPainter, rect: QRectF, tiles: Sequence[tuple[str, str, str]]) -> None:
    gap = 10.0
    width = (rect.width() - gap * (len(tiles) - 1)) / len(tiles)
    for index, (title, value, note) in enumerate(tiles):
        box = QRectF(rect.left() + index * (width + gap), rect.top(), width, rect.height())
        painter.fillRect(box, QColor(SHADE))
        painter.fillRect(
            QRectF(box.left(), box.top(), 3, box.height()), role_style("actual").qcolor()
        )
        inner = box.adjusted(12, 8, -8, -8)
        top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        draw_text(painter, inner, font(8), title.upper(), top, MUTED_TEXT)
        mid = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        size = 14.0
        while size > 8 and text_width(font(size, bold=True), value) > inner.width():
            size -= 0.5  # a long amount shrinks to fit its tile rather than spill over
        draw_text(painter, inner, font(size, bold=True), value, mid, TEXT)
        bottom = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
        draw_text(painter, inner, font(8), note, bottom, MUTED_TEXT)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _chart(flow: Flow, spec: ChartSpec, height: float, title: str) -> None:
    """The chart, unless it would be empty (nothing recorded): an empty frame says nothing."""
    values = [v for b in spec.bars for v in b.values] + [v for x in spec.lines for v in x.values]
    if any(v for v in values):
        flow.chart(height, lambda p, r: paint_chart(p, r, spec), title=title)


def _money_format(report: QuarterReport, words: Words) -> ValueFormat:
    return ValueFormat("money", report.currency, words.locale)


def _summary(flow: Flow, report: QuarterReport, words: Words) -> None:
    flow.heading(f"Summary of {report.quarter.label}")
    flow.heading("Highlights", 2)
    flow.bullets(report.highlights)
    flow.heading("Revenue: target, actual and forecast", 2)
    columns = [Column("Month", 1.6, False), Column("Target"), Column("Actual"),
               Column("Variance"), Column("Variance %"), Column("Forecast")]  # fmt: skip
    rows = [
        Row([line.label, words.whole(line.target), words.whole(line.actual),
             words.signed(line.variance), words.pct(line.variance_pct),
             words.whole(line.forecast)],
            RowKind.TOTAL if line is report.total else RowKind.NORMAL)
        for line in (*report.months, report.total)
    ]  # fmt: skip
    flow.table(columns, rows)
    flow.paragraph(
        "Variance is actual minus target over the complete months. The forecast is what the "
        "plan's forecast expected at the start of the quarter, from the months before it.",
        size=8, color=MUTED_TEXT, attach=True,
    )  # fmt: skip
    months = [*report.months]
    spec = ChartSpec(
        [line.label.replace(" (so far)", "") for line in months],
        [Bars("target", "Target", [float(m.target) for m in months]),
         Bars("actual", "Actual", [None if m.actual is None else float(m.actual) for m in months])],
        [Line("forecast", "Forecast", [None if m.forecast is None else float(m.forecast)
                                       for m in months])],
        _money_format(report, words),
    )  # fmt: skip
    _chart(flow, spec, CHART_HEIGHT, "Revenue chart")
    if report.offerings:
        flow.heading("Revenue by offering", 2)
        flow.table(
            [Column("Offering", 2.4, False), Column("Target"), Column("Actual"),
             Column("Against target")],
            [Row([o.name, words.whole(o.target), words.whole(o.actual), words.pct(o.variance_pct)])
             for o in report.offerings],
        )  # fmt: skip
    ytd, fy = report.year_to_date, report.quarter.fiscal_year
    flow.heading(f"The year so far: {fy.label}", 2)
    year_rows = []
    if ytd.through is not None:
        span = f"{fy.first_month.short_label} {DASH} {ytd.through.short_label}"
        year_rows.append(Row([f"Year to date ({span})", words.whole(ytd.target),
                              words.whole(ytd.actual), words.signed(ytd.variance),
                              words.pct(ytd.variance_pct)]))  # fmt: skip
    if report.year_outlook is not None:
        gap = report.year_outlook - report.year_target
        pct = (
            (gap * 100 / report.year_target).quantize(Decimal("0.1"))
            if report.year_target
            else None
        )
        year_rows.append(Row(["Full year: target and outlook", words.whole(report.year_target),
                              words.whole(report.year_outlook), words.signed(gap),
                              words.pct(pct)]))  # fmt: skip
    if year_rows:
        flow.table([Column("", 2.4, False), Column("Target"), Column("Actual or outlook", 1.3),
                    Column("Variance"), Column("Variance %")], year_rows)  # fmt: skip
        flow.paragraph(
            "The outlook adds the forecast of the months still to come to the actual sales "
            f"so far. {report.outlook_explanation}",
            size=8, color=MUTED_TEXT, attach=True,
        )  # fmt: skip


def _marketing(flow: Flow, report: QuarterReport, words: Words) -> None:
    flow.heading(f"Marketing in {report.quarter.label}")
    flow.paragraph(
        "What each channel cost and brought in. Cost per lead is the actual spend divided by "
        "the leads it brought; return on spend is the revenue of deals won from the channel "
        f"for each {report.currency} 1 spent on it.",
        lead_in=True,
    )
    channels = [c for c in report.channels if not c.is_total]
    if not channels:
        flow.paragraph("No marketing spend or leads are recorded for this quarter.")
        return
    spec = ChartSpec(
        [c.name for c in channels],
        [Bars("budget", "Budget", [float(c.figures.planned_spend) for c in channels]),
         Bars("actual", "Spent", [None if c.figures.actual_spend is None
                                  else float(c.figures.actual_spend) for c in channels])],
        (), _money_format(report, words),
    )  # fmt: skip
    _chart(flow, spec, CHART_HEIGHT, "Spend chart")
    columns = [Column("Channel", 2.0, False), Column("Budget"), Column("Spent"),
               Column("Against budget", 1.15), Column("Planned leads"), Column("Leads"),
               Column("Cost per lead"), Column("Revenue won", 1.1),
               Column("Return on spend")]  # fmt: skip
    rows = []
    for c in report.channels:
        f = c.figures
        ros = None if f.return_on_spend is None else words.cents(f.return_on_spend)
        rows.append(Row(
            [c.name, words.whole(f.planned_spend), words.whole(f.actual_spend),
             words.pct(c.variances.spend_variance_pct), words.count(f.planned_leads),
             words.count(f.actual_leads), words.cents(f.cost_per_lead_actual),
             words.whole(f.revenue_won), DASH if ros is None else f"{ros}\u00d7"],
            RowKind.TOTAL if c.is_total else RowKind.NORMAL,
        ))  # fmt: skip
    flow.table(columns, rows)


def _sales(flow: Flow, report: QuarterReport, words: Words) -> None:
    flow.heading(f"Sales in {report.quarter.label}")
    flow.heading("Deals closed in the quarter", 2)
    rate = words.pct(report.win_rate_pct, False)
    flow.table(
        [Column("", 2.0, False), Column("Deals"), Column(f"Value ({report.currency})")],
        [Row(["Won", words.count(report.won_deals), words.whole(report.won_amount)]),
         Row(["Lost", words.count(report.lost_deals), words.whole(report.lost_amount)]),
         Row([f"Win rate (won out of all closed): {rate}", "", ""], RowKind.TOTAL)],
    )  # fmt: skip
    flow.heading(f"Pipeline on {words.date(report.pipeline_date)}", 2)
    flow.paragraph(
        "Deals still open on that day, by the stage they had reached. The weighted value "
        "counts each deal at its chance of being won.",
        lead_in=True,
    )
    stage_rows = [
        Row([s.stage, words.count(s.deals), words.whole(s.amount), words.whole(s.weighted)])
        for s in report.stages
    ]
    t = report.pipeline_total
    stage_rows.append(Row([t.stage, words.count(t.deals), words.whole(t.amount),
                           words.whole(t.weighted)], RowKind.TOTAL))  # fmt: skip
    flow.table([Column("Stage", 2.0, False), Column("Open deals"), Column("Value"),
                Column("Weighted value")], stage_rows)  # fmt: skip
    spec = ChartSpec(
        [s.stage for s in report.stages],
        [Bars("actual", "Value of open deals", [float(s.amount) for s in report.stages])],
        (), _money_format(report, words),
    )  # fmt: skip
    _chart(flow, spec, CHART_HEIGHT * 0.8, "Pipeline chart")
    flow.heading("Why deals were lost", 2)
    if not report.lost_reasons:
        flow.paragraph("No deal was lost for a recorded reason in this quarter.")
        return
    flow.table(
        [Column("Reason", 2.6, False), Column("Deals"), Column("Share"), Column("Value lost")],
        [Row([r.reason, words.count(r.deals), words.pct(r.share_pct, False),
              words.whole(r.amount)]) for r in report.lost_reasons],
    )  # fmt: skip


def _forecast(flow: Flow, report: QuarterReport, words: Words) -> None:
    nxt = report.next_quarter
    flow.heading(f"Forecast for {nxt.label}")
    flow.paragraph(
        f"Revenue expected in the next quarter, with the range it will likely fall in "
        f"({report.forecast_level} times out of 100). Months already over show what was sold.",
        lead_in=True,
    )
    rows = []
    for line in (*report.next_months, report.next_total):
        total = line is report.next_total
        label = f"{line.label} (actual)" if line.is_actual and not total else line.label
        rows.append(Row(
            [label, words.whole(line.target), words.whole(line.forecast),
             words.whole(line.low), words.whole(line.high)],
            RowKind.TOTAL if total else RowKind.NORMAL,
        ))  # fmt: skip
    flow.table([Column("Month", 2.0, False), Column("Target"), Column("Forecast"),
                Column("Low"), Column("High")], rows)  # fmt: skip
    months = report.next_months
    spec = ChartSpec(
        [m.label for m in months],
        [Bars("target", "Target", [_num(m.target) for m in months]),
         Bars("actual", "Actual", [_num(m.forecast) if m.is_actual else None for m in months])],
        [Line("forecast", "Forecast", [None if m.is_actual else _num(m.forecast) for m in months],
              [None if m.is_actual else _num(m.low) for m in months],
              [None if m.is_actual else _num(m.high) for m in months])],
        _money_format(report, words),
    )  # fmt: skip
    _chart(flow, spec, CHART_HEIGHT, "Forecast chart")
    flow.paragraph(report.forecast_sentence, size=8, color=MUTED_TEXT, attach=True)
