"""The Dashboard's headline tiles: a figure, one line of context, and how it compares.

Each ``show_*`` function fills one tile from a ``planner.queries.dashboard`` view. The
comparison line says which way the figure moved (an arrow) and whether that is good news
(a word, and blue or vermillion): a colour alone would be lost on a colour-blind reader
or a grey printout, and for costs "up" is bad news.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from planner.domain.periods import Month, PeriodRange
from planner.queries.dashboard import MarketingView, PipelineView, RevenueView, change_pct
from ui.charts.axes import month_label, period_label
from ui.charts.style import BLUE, MUTED_TEXT, VERMILLION
from ui.models.formats import Formats

NO_FIGURE = "–"
UP, DOWN, LEVEL = "▲", "▼", "■"


class KpiTile(QFrame):
    """A headline figure: caption, big value, one line of context, one comparison line."""

    def __init__(self, caption: str, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name or "kpiTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet(f"color: {MUTED_TEXT};")
        self.value = QLabel()
        self.value.setObjectName("figureValue")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.trend = QLabel()
        self.trend.setObjectName("figureTrend")
        self.detail = QLabel()
        for label in (self.caption, self.value, self.trend, self.detail):
            label.setWordWrap(label is not self.value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)
        self.good: bool | None = None

    def show_figure(self, value: str, detail: str, caption: str | None = None) -> None:
        if caption is not None:
            self.caption.setText(caption)
        self.value.setText(value)
        self.detail.setText(detail)

    def show_trend(self, text: str, good: bool | None = None) -> None:
        """The comparison line; ``good`` None when there is nothing to judge."""
        self.good = good
        self.trend.setText(text)
        self.trend.setVisible(bool(text))
        color = MUTED_TEXT if good is None else (BLUE if good else VERMILLION)
        self.trend.setStyleSheet(f"color: {color}; font-weight: bold;")


def arrow(change: Decimal) -> str:
    return UP if change > 0 else DOWN if change < 0 else LEVEL


def _pct(fmt: Formats, value: Decimal) -> str:
    return fmt.percent(abs(value))


def _points(fmt: Formats, value: Decimal) -> str:
    """Percentage points, unsigned: "2.6" (the words around it say which way)."""
    return fmt.locale.toString(float(abs(value)), "f", 1)


def _period_text(period: PeriodRange) -> str:
    return period_label(period)


def show_revenue(tile: KpiTile, view: RevenueView, fmt: Formats, current: Month) -> None:
    """Revenue of the complete months against their target."""
    period, label = view.period, _period_text(view.period)
    if view.through is None:
        if period.first < current:
            detail = f"No actual revenue entered for {label} yet: add it on the Actuals tab."
        elif period.first == current:
            first = "" if period.first == period.last else "The first month of "
            detail = f"{first}{label} is not over yet."
            detail = detail[0].upper() + detail[1:]
        else:
            detail = f"{label} has not begun yet."
        tile.show_figure(fmt.money(view.recorded), detail, "Revenue so far")
        tile.show_trend("")
        return
    if view.through == period.last:
        caption = {
            "year": "Revenue for the year",
            "quarter": "Revenue for the quarter",
        }.get(period.kind, f"Revenue for {label}")
        detail = f"Target {fmt.money(view.compared_target)}"
    else:
        caption = f"Revenue to the end of {month_label(view.through)}"
        detail = f"Target for those months: {fmt.money(view.compared_target)}"
    if not view.compared_target:
        detail = "No target was set for these months."
    tile.show_figure(fmt.money(view.actual), detail, caption)
    if view.variance is None or view.variance_pct is None:
        tile.show_trend("")
        return
    ahead = view.variance >= 0
    words = "ahead of target" if ahead else "behind target"
    tile.show_trend(f"{arrow(view.variance)} {_pct(fmt, view.variance_pct)} {words}", ahead)
    tile.detail.setText(
        f"{detail} · {fmt.money(abs(view.variance))} {'ahead' if ahead else 'behind'}"
    )


def show_attainment(tile: KpiTile, view: RevenueView, fmt: Formats) -> None:
    """How much of the target the complete months reached, and where the period is heading."""
    label = _period_text(view.period)
    if view.attainment_pct is None or view.through is None:
        tile.show_figure(NO_FIGURE, "Shown once a month of the period is over and its revenue "
                         "is entered.")  # fmt: skip
        tile.show_trend("")
    else:
        tile.show_figure(
            fmt.percent(view.attainment_pct),
            f"of the target reached through {month_label(view.through)}.",
        )
        short = view.attainment_pct - 100
        words = "points over target" if short >= 0 else "points short of target"
        tile.show_trend(f"{arrow(short)} {_points(fmt, short)} {words}", short >= 0)
    if view.outlook is not None and view.outlook_pct is not None and view.forecast_from:
        tile.detail.setText(
            f"{tile.detail.text()} Outlook for {label}: {fmt.money(view.outlook)} "
            f"({fmt.percent(view.outlook_pct)} of target).".strip()
        )


def show_pipeline(
    tile: KpiTile, pipeline: PipelineView, revenue: RevenueView, fmt: Formats
) -> None:
    """The weighted open pipeline, and how much of what the period still needs it covers."""
    tile.show_figure(
        fmt.money(pipeline.weighted_open),
        f"{fmt.count(pipeline.open_deals)} open deals worth {fmt.money(pipeline.open_amount)}",
    )
    expected = pipeline.expected_in_period
    label = _period_text(pipeline.period)
    if expected is None:
        tile.show_trend("")
        return
    needed = revenue.still_needed
    due = f"{fmt.money(expected)} of it is due by the end of {month_label(pipeline.period.last)}"
    if not revenue.target:  # no target to cover
        tile.show_trend("")
        tile.detail.setText(f"{tile.detail.text()}. {due}.")
        return
    if not needed:
        tile.show_trend(f"{UP} The target of {label} is reached", True)
        tile.detail.setText(f"{tile.detail.text()}. {due}.")
        return
    cover = expected * 100 / needed
    covered = cover >= 100
    tile.show_trend(
        f"{UP if covered else DOWN} Covers {fmt.percent(cover, 0)} of the "
        f"{fmt.money(needed)} still needed",
        covered,
    )
    tile.detail.setText(f"{tile.detail.text()}. {due}.")


def show_win_rate(tile: KpiTile, view: PipelineView, fmt: Formats, current: Month) -> None:
    rate, label = view.win_rate, _period_text(view.period)
    closed = rate.won + rate.lost
    over = view.period.last < current
    tile.show_figure(
        NO_FIGURE if rate.rate_pct is None else fmt.percent(rate.rate_pct),
        f"{rate.won} won, {rate.lost} lost in {label}"
        if closed
        else f"No deals closed in {label}{'' if over else ' yet'}.",
    )
    change = view.win_rate_change
    if change is None:
        tile.show_trend("")
        return
    words = "points above" if change >= 0 else "points below"
    tile.show_trend(f"{arrow(change)} {_points(fmt, change)} {words} a year earlier", change >= 0)


def _year_earlier_trend(
    tile: KpiTile,
    now: Decimal | None,
    before: Decimal | None,
    fmt: Formats,
    *,
    lower_is_better: bool,
) -> None:
    change = change_pct(now, before)
    if change is None:
        tile.show_trend("")
        return
    good = change <= 0 if lower_is_better else change >= 0
    words = "more than" if change > 0 else "less than" if change < 0 else "the same as"
    tile.show_trend(f"{arrow(change)} {_pct(fmt, change)} {words} a year earlier", good)


def show_cost_per_lead(tile: KpiTile, view: MarketingView, fmt: Formats, current: Month) -> None:
    f = view.figures
    plan = f.cost_per_lead_plan
    planned = f"Planned {fmt.money(plan)} a lead" if plan is not None else "No leads planned"
    so_far = "" if view.period.last < current else " so far"
    leads = f"{fmt.count(f.actual_leads)} leads{so_far}" if f.actual_leads else "no leads yet"
    tile.show_figure(
        NO_FIGURE if f.cost_per_lead_actual is None else fmt.money(f.cost_per_lead_actual),
        f"{planned} · {leads}",
    )
    change = view.cost_per_lead_change_pct
    if change is None:
        tile.show_trend("")
        return
    words = "above plan" if change > 0 else "below plan" if change < 0 else "as planned"
    tile.show_trend(f"{arrow(change)} {_pct(fmt, change)} {words}", change <= 0)


def show_cost_per_customer(tile: KpiTile, view: MarketingView, fmt: Formats) -> None:
    f = view.figures
    won = f"{f.deals_won} customer{'' if f.deals_won == 1 else 's'} won"
    tile.show_figure(
        NO_FIGURE if f.cost_per_customer is None else fmt.money(f.cost_per_customer),
        f"{fmt.money(f.actual_spend)} spent on marketing · {won} from your channels"
        if f.actual_spend is not None
        else "Shown once marketing spend is entered for the period.",
    )
    before = None if view.year_earlier is None else view.year_earlier.cost_per_customer
    _year_earlier_trend(tile, f.cost_per_customer, before, fmt, lower_is_better=True)


def show_return_on_spend(tile: KpiTile, view: MarketingView, fmt: Formats) -> None:
    f = view.figures
    ratio = f.return_on_spend
    one = fmt.money(Decimal(1)).replace(fmt.locale.decimalPoint() + "00", "")
    tile.show_figure(
        NO_FIGURE if ratio is None else fmt.money(ratio.quantize(Decimal("0.01"))),
        f"won for each {one} spent: {fmt.money(f.revenue_won)} from deals your channels brought"
        if ratio is not None
        else "Shown once marketing spend is entered for the period.",
    )
    before = None if view.year_earlier is None else view.year_earlier.return_on_spend
    _year_earlier_trend(tile, ratio, before, fmt, lower_is_better=False)
