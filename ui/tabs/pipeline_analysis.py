"""Win/loss analysis: how the closed deals went, by owner, source channel and segment, and
why deals were lost, for one fiscal year or all time.

Read-only tables (``SheetView``, so they copy to Excel) over
``planner.queries.win_loss``, and a bar chart of the win rate by source channel or by
owner. The figures come summed from the database, so this stays quick on 100,000 deals.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain.periods import FiscalYear
from planner.queries import (
    LostReasonRow,
    WinLoss,
    WinLossRow,
    closed_deal_years,
    current_fiscal_year,
    profile_summary,
    win_loss,
)
from planner.services.commands import Change
from ui.charts import ChartView
from ui.models.formats import Formats
from ui.models.table import Column, Kind, RowTableModel
from ui.tabs import base
from ui.tabs.pipeline_columns import WATCHED
from ui.tabs.widgets import ClosedPeriodCombo, fit_columns, heading, make_table
from ui.undo import PlanOperations
from ui.widgets import SheetView


def _days(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f} days"


def group_columns(name: str) -> list[Column[WinLossRow]]:
    return [
        Column(name, lambda r: r.name),
        Column("Won", lambda r: r.won, Kind.COUNT),
        Column("Lost", lambda r: r.lost, Kind.COUNT),
        Column(
            "Win rate", lambda r: r.win_rate, Kind.PERCENT,
            tooltip="Won deals out of all closed deals (won and lost).",
        ),
        Column("Revenue won", lambda r: r.revenue_won, Kind.MONEY),
        Column("Average won deal", lambda r: r.average_won, Kind.MONEY),
        Column(
            "Average sales cycle", lambda r: r.average_cycle_days, Kind.COUNT, display=_days,
            tooltip="Days from creating a deal to winning it, on average.",
        ),
    ]  # fmt: skip


REASON_COLUMNS: list[Column[LostReasonRow]] = [
    Column("Reason", lambda r: r.reason),
    Column("Deals lost", lambda r: r.deals, Kind.COUNT),
    Column("Share", lambda r: r.share, Kind.PERCENT, tooltip="Share of all lost deals."),
    Column("Money lost", lambda r: r.amount_lost, Kind.MONEY),
]

GROUPS = (("by_owner", "Owner"), ("by_channel", "Source channel"), ("by_segment", "Segment"))
CHARTS = (("by_channel", "Win rate by source channel"), ("by_owner", "Win rate by owner"))


class WinLossView(QWidget):
    """Win rate, deal size and sales cycle by owner, channel and segment; lost reasons."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("winLossView")
        self.ops = ops
        self.formats = Formats()
        self.result: WinLoss | None = None
        self._stale = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.period = ClosedPeriodCombo()
        self.period.setObjectName("winLossPeriod")
        period_label = QLabel("Deals closed in:")
        period_label.setBuddy(self.period)
        bar.addWidget(period_label)
        bar.addWidget(self.period)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QLabel()
        self.summary.setObjectName("winLossSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        row = QHBoxLayout()
        left = QVBoxLayout()
        self.tabs = QTabWidget()
        self.models: dict[str, RowTableModel] = {}
        self.tables: dict[str, SheetView] = {}
        for key, name in GROUPS:
            model = RowTableModel(group_columns(name), key=lambda r: r.name, emphasis=self._total)
            view = make_table(model, name=f"winLoss_{key}")
            self.models[key], self.tables[key] = model, view
            self.tabs.addTab(view, f"By {name.lower()}")
        left.addWidget(self.tabs, 3)
        left.addWidget(heading("Why deals were lost"))
        self.reasons = RowTableModel(REASON_COLUMNS, key=lambda r: r.reason)
        self.reasons_view = make_table(self.reasons, name="lostReasons")
        left.addWidget(self.reasons_view, 2)
        row.addLayout(left, 3)
        right = QVBoxLayout()
        self.chart_choice = QComboBox()
        self.chart_choice.setObjectName("winLossChartChoice")
        self.chart_choice.addItems([title for _key, title in CHARTS])
        right.addWidget(self.chart_choice)
        self.chart = ChartView(CHARTS[0][1])
        self.chart.setObjectName("winLossChart")
        right.addWidget(self.chart, 1)
        row.addLayout(right, 2)
        layout.addLayout(row, 1)
        self._sized = False
        self.period.currentIndexChanged.connect(lambda *_: self._period_changed())
        self.chart_choice.currentIndexChanged.connect(lambda *_: self._draw_chart())
        ops.changed.connect(self._on_changed)

    def _total(self, row: WinLossRow) -> bool:
        return self.result is not None and row is self.result.total

    # -- reading -------------------------------------------------------------------------

    @property
    def is_stale(self) -> bool:
        return self._stale

    def reload(self) -> None:
        self._stale = False
        plan = self.ops.plan
        self.formats = Formats(profile_summary(plan).currency)
        self.period.set_years(current_fiscal_year(plan, base.today()), closed_deal_years(plan))
        year = self.chosen_year()
        result = win_loss(plan, year, all_time=year is None)
        self.result = result
        for key, _name in GROUPS:
            model = self.models[key]
            model.set_formats(self.formats)
            rows: tuple[WinLossRow, ...] = getattr(result, key)
            model.set_rows([*rows, result.total])
        self.reasons.set_formats(self.formats)
        self.reasons.set_rows(list(result.lost_reasons))
        if not self._sized:
            for view in (*self.tables.values(), self.reasons_view):
                fit_columns(view)
            self._sized = True
        self._show_summary(result)
        self._draw_chart()

    def chosen_year(self) -> FiscalYear | None:
        return self.period.chosen()

    def _show_summary(self, result: WinLoss) -> None:
        t, f = result.total, self.formats
        when = "ever" if result.fiscal_year is None else f"in {result.fiscal_year.label}"
        if not t.closed:
            self.summary.setText(
                f"No deals were won or lost {when} yet. Once you close deals, this shows how "
                "often you win, how big a won deal is and how long winning one takes."
            )
            return
        parts = [
            f"<b>Win rate {f.percent(t.win_rate)}</b>: {f.count(t.won)} won and "
            f"{f.count(t.lost)} lost {when}",
            f"average won deal {f.money(t.average_won)}" if t.average_won is not None else "",
            f"average sales cycle {_days(t.average_cycle_days)}"
            if t.average_cycle_days is not None
            else "",
        ]
        self.summary.setText(" · ".join(p for p in parts if p) + ".")

    def _draw_chart(self) -> None:
        if self.result is None:
            return
        key, title = CHARTS[max(self.chart_choice.currentIndex(), 0)]
        rows: tuple[WinLossRow, ...] = getattr(self.result, key)
        shown = [r for r in rows if r.closed]
        self.chart.set_title(title)
        self.chart.set_categories([r.name for r in shown])
        self.chart.set_value_kind("percent")
        self.chart.add_bars("Win rate", [float(r.win_rate or 0) for r in shown], role="actual")

    # -- staying current -----------------------------------------------------------------

    def _period_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def _on_changed(self, changes: Change) -> None:
        if not changes & WATCHED:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
