"""The Dashboard on the sample plan: what its charts and tiles plot against the plan's own
records (summed here with plain SQL), following edits made in another tab, re-reading only
what an edit touched, following the shared period, and exporting its charts."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import ChannelMonth, Deal
from planner.db.plan import Plan
from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodRange
from planner.queries import dashboard as dashboard_queries
from planner.queries import revenue_forecast
from planner.services.channels import set_month_figure
from planner.services.edit import change_field
from ui.charts.style import BLUE
from ui.models.formats import Formats
from ui.tabs import dashboard_charts as charts
from ui.tabs.actuals import ActualsTab
from ui.tabs.dashboard import DashboardTab
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

EUR = Formats("EUR")
FY = FiscalYear(2026, 1)
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def open_tab(qtbot: QtBot, factory: type[Any], ops: PlanOperations) -> Any:
    tab = factory(ops)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


@pytest.fixture
def db(ops: PlanOperations) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(ops.plan.path)
    yield connection
    connection.close()


def one(db: sqlite3.Connection, sql: str, *args: Any) -> Any:
    return db.execute(sql, args).fetchone()[0]


def actual(db: sqlite3.Connection, month: str) -> float | None:
    minor = one(db, "SELECT sum(revenue_minor) FROM actual_sale WHERE month = ?", month)
    return None if minor is None else minor / 100


def target(db: sqlite3.Connection, month: str) -> float:
    return float(
        one(
            db,
            "SELECT sum(revenue_minor) FROM target WHERE month = ? AND offering_id IS NULL "
            "AND segment_id IS NULL AND owner_id IS NULL",
            month,
        )
        / 100
    )


class Calls:
    """Counts the calls of the Dashboard's three reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts = {"revenue_view": 0, "marketing_view": 0, "pipeline_view": 0}
        for name in self.counts:
            monkeypatch.setattr(dashboard_queries, name, self._counted(name))

    def _counted(self, name: str) -> Callable[..., Any]:
        real = getattr(dashboard_queries, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[name] += 1
            return real(*args, **kwargs)

        return counted

    def reset(self) -> None:
        self.counts = dict.fromkeys(self.counts, 0)


def test_revenue_charts_plot_the_plans_numbers(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection
) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    assert tab.period == PeriodRange.year(FY)
    chart = tab.revenue_chart
    assert chart.categories()[0] == "Jan 2026" and len(chart.categories()) == 12
    series = chart.series()
    assert series[charts.ACTUAL] == [actual(db, m) for m in MONTHS]
    assert series[charts.ACTUAL][-1] is None  # December has not happened yet
    assert series[charts.TARGET] == [target(db, m) for m in MONTHS]
    fitted = revenue_forecast(ops.plan, horizon=12, today=tab.today())
    assert fitted.months[:2] == (Month(2026, 11), Month(2026, 12))
    assert series[charts.FORECAST] == [None] * 10 + [float(v) for v in fitted.mean[:2]]
    assert series[f"{charts.FORECAST_RANGE} (low)"][10:] == [float(v) for v in fitted.lower[:2]]
    assert series[f"{charts.FORECAST_RANGE} (high)"][10:] == [float(v) for v in fitted.upper[:2]]
    assert chart.series_info(charts.FORECAST)["dashed"]
    assert chart.series_info(charts.ACTUAL)["kind"] == "bars"
    assert chart.value_format().kind == "money" and chart.value_format().currency == "EUR"
    assert "Nov 2026 is not over yet" in tab.panels[0].note.text()
    # Running totals: actual over complete months only (through October).
    running = tab.cumulative_chart.series()
    done = [actual(db, m) or 0.0 for m in MONTHS[:10]]
    assert running[charts.CUMULATIVE_ACTUAL][:10] == pytest.approx(
        [sum(done[: i + 1]) for i in range(10)]
    )
    assert running[charts.CUMULATIVE_ACTUAL][10:] == [None, None]
    targets = [target(db, m) for m in MONTHS]
    assert running[charts.CUMULATIVE_TARGET] == pytest.approx(
        [sum(targets[: i + 1]) for i in range(12)]
    )
    outlook = sum(done) + sum(float(v) for v in fitted.mean[:2])
    assert running[charts.CUMULATIVE_OUTLOOK][-1] == pytest.approx(outlook)
    # The tiles: revenue of the complete months and its attainment.
    assert tab.revenue.caption.text() == "Revenue to the end of Oct 2026"
    assert tab.revenue.value.text() == EUR.money(Decimal(repr(sum(done))).quantize(Decimal("0.01")))
    attained = Decimal(repr(sum(done) * 100 / sum(targets[:10]))).quantize(Decimal("0.1"))
    assert tab.attainment.value.text() == EUR.percent(attained)
    assert tab.revenue.good is False and tab.revenue.trend.text().startswith("▼")


def test_marketing_charts_and_funnel_plot_the_plans_numbers(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection
) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    # Budget against spend of the complete months (Jan to Oct): November is not over, so
    # its spend so far is never set against its whole budget (the note tells it).
    rows = db.execute(
        "SELECT c.name, sum(cm.planned_spend_minor), sum(cm.actual_spend_minor) "
        "FROM channel_month cm JOIN channel c ON c.id = cm.channel_id "
        "WHERE cm.month BETWEEN '2026-01' AND '2026-10' GROUP BY c.id ORDER BY c.position"
    ).fetchall()
    spend = tab.spend_chart
    assert spend.categories() == [name for name, _b, _a in rows]
    assert spend.series()[charts.BUDGET] == [b / 100 for _n, b, _a in rows]
    assert spend.series()[charts.SPENT] == [a / 100 for _n, _b, a in rows]
    assert spend.series_info(charts.BUDGET)["color"] != spend.series_info(charts.SPENT)["color"]
    budget = Decimal(sum(b for _n, b, _a in rows)) / 100
    spent = Decimal(sum(a for _n, _b, a in rows)) / 100
    november = db.execute(
        "SELECT sum(planned_spend_minor), sum(actual_spend_minor) FROM channel_month "
        "WHERE month = '2026-11'"
    ).fetchone()
    year_budget = one(
        db, "SELECT sum(planned_spend_minor) FROM channel_month WHERE month LIKE '2026-%'"
    )
    assert november[1] is not None and november[1] < november[0]  # it would look "under"
    money = [EUR.money(Decimal(minor) / 100) for minor in (*november, year_budget)]
    assert spent < budget  # the sample's complete months came in under budget
    under = (budget - spent) * 100 / budget
    assert tab.panels[2].note.text() == (
        f"Jan 2026 to Oct 2026: spent {EUR.money(spent)} of the "
        f"{EUR.money(budget)} budgeted. That is {EUR.percent(under)} under "
        f"budget. Nov 2026 is not over yet, so the bars leave it out: {money[1]} spent so far "
        f"of its {money[0]} budget. The budget for FY 2026 as a whole is {money[2]}."
    )
    leads = db.execute(
        "SELECT sum(planned_leads), sum(actual_leads) FROM channel_month "
        "WHERE month BETWEEN '2026-01' AND '2026-12' GROUP BY month ORDER BY month"
    ).fetchall()
    assert tab.leads_chart.series()[charts.PLANNED_LEADS] == [p for p, _a in leads]
    assert tab.leads_chart.series()[charts.ACTUAL_LEADS] == [a for _p, a in leads]
    assert tab.leads_chart.value_format().kind == "count"
    done = leads[:10]  # the note compares the complete months only
    assert tab.panels[3].note.text() == (
        f"To the end of Oct 2026: {EUR.count(sum(a for _p, a in done))} leads against "
        f"{EUR.count(sum(p for p, _a in done))} planned for the same months. Nov 2026 is not "
        "over yet: its bar shows the figure so far."
    )
    stages = db.execute(
        "SELECT s.name, count(d.id), coalesce(sum(d.amount_minor), 0) FROM stage s "
        "LEFT JOIN deal d ON d.stage_id = s.id AND d.status = 'open' "
        "WHERE NOT s.is_won AND NOT s.is_lost GROUP BY s.id ORDER BY s.position"
    ).fetchall()
    won = db.execute(
        "SELECT count(*), sum(amount_minor) FROM deal WHERE status = 'won' "
        "AND closed_on BETWEEN '2026-01-01' AND '2026-12-31'"
    ).fetchone()
    steps = [(s.name, s.deals, s.value) for s in tab.funnel.steps()]
    assert steps == [
        *((name, n, Decimal(minor) / 100) for name, n, minor in stages),
        ("Won in FY 2026", won[0], Decimal(won[1]) / 100),
    ]
    name, n, minor = stages[0]
    assert tab.funnel.step_text(0) == f"{name}: {n} deals worth {EUR.money(Decimal(minor) / 100)}"
    # Hovering over a step names it with its exact value.
    box = tab.funnel._box.sceneBoundingRect()
    last = len(steps) - 1
    row = box.height() / len(steps)
    assert tab.funnel.hover_text(QPointF(box.center().x(), box.top() + row / 2)) == (
        tab.funnel.step_text(0)
    )
    at_bottom = QPointF(box.center().x(), box.bottom() - row / 2)
    assert tab.funnel.hover_text(at_bottom) == tab.funnel.step_text(last)
    assert tab.funnel.hover_text(QPointF(box.left() - 5, box.top() - 5)) == ""
    # The tile's cost per lead is a ratio, not a variance: November's spend and leads so
    # far count on both sides of it.
    spent = one(db, "SELECT sum(actual_spend_minor) FROM channel_month WHERE month LIKE '2026-%'")
    spent /= 100
    lead_count = sum(a or 0 for _p, a in leads)
    assert tab.cost_per_lead.value.text() == EUR.money(
        Decimal(repr(spent / lead_count)).quantize(Decimal("0.01"))
    )


def wait_done_editing(qtbot: QtBot, view: QAbstractItemView) -> None:
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def type_into(view: Any, index: QModelIndex, text: str) -> None:
    """Open the cell's editor as a user would, replace its text and press Return."""
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_an_actual_typed_in_the_actuals_tab_shows_on_the_dashboard(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    dashboard = open_tab(qtbot, DashboardTab, ops)
    actuals = open_tab(qtbot, ActualsTab, ops)
    assert actuals.period == dashboard.period  # one shared period
    before = dashboard.revenue_chart.series()[charts.ACTUAL]
    old_revenue = dashboard.revenue.value.text()
    calls.reset()
    model = actuals.revenue_model
    row = next(n for n, r in enumerate(model.shown) if r.offering == "Bakery counter")
    column = next(n for n, c in enumerate(model.columns) if c.field == "2026-10")
    counter = one(
        db,
        "SELECT a.revenue_minor FROM actual_sale a JOIN offering o ON o.id = a.offering_id "
        "WHERE o.name = 'Bakery counter' AND a.month = '2026-10'",
    )
    type_into(actuals.revenue_view, model.index(row, column), "25000")
    wait_done_editing(qtbot, actuals.revenue_view)
    qtbot.waitUntil(lambda: dashboard.revenue_chart.series()[charts.ACTUAL] != before)
    after = dashboard.revenue_chart.series()[charts.ACTUAL]
    assert after[9] == pytest.approx(before[9] + 25000 - counter / 100)
    assert after[:9] == before[:9] and after[10:] == before[10:]
    assert after[9] == actual(db, "2026-10")
    assert dashboard.revenue.value.text() != old_revenue
    # Only the revenue part was read again: spend, leads and deals did not change.
    assert calls.counts == {"revenue_view": 1, "marketing_view": 0, "pipeline_view": 0}
    ops.undo_stack.undo()
    assert dashboard.revenue_chart.series()[charts.ACTUAL] == before
    assert dashboard.revenue.value.text() == old_revenue


def first_deal(plan: Plan, status: str) -> int:
    with plan.session() as session:
        found = session.scalar(select(Deal.id).where(Deal.status == status).limit(1))
    assert found is not None
    return int(found)


def test_only_what_an_edit_touches_is_read_again(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    tab = open_tab(qtbot, DashboardTab, ops)
    assert calls.counts == {"revenue_view": 1, "marketing_view": 1, "pipeline_view": 1}
    funnel_before = tab.funnel.steps()
    calls.reset()
    deal = first_deal(ops.plan, "open")
    with ops.plan.uow() as uow:
        amount = change_field(uow, Deal, deal, "amount_minor", Decimal("99999"))
    assert ops.run(amount)
    # Deals feed the pipeline and the channels' cost per customer, not revenue.
    assert calls.counts == {"revenue_view": 0, "marketing_view": 1, "pipeline_view": 1}
    assert tab.funnel.steps() != funnel_before
    calls.reset()
    with ops.plan.uow() as uow:
        channel = uow.session.query(ChannelMonth).filter_by(month=Month(2026, 10)).first()
        assert channel is not None
        leads = set_month_figure(uow, channel.channel_id, Month(2026, 10), "actual_leads", 500)
    leads_before = tab.leads_chart.series()[charts.ACTUAL_LEADS][9]
    assert ops.run(leads)
    assert calls.counts == {"revenue_view": 0, "marketing_view": 1, "pipeline_view": 0}
    assert tab.leads_chart.series()[charts.ACTUAL_LEADS][9] != leads_before


def test_the_dashboard_follows_the_shared_period(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection
) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    q4 = PeriodRange.quarter(FiscalQuarter(FY, 4))
    ops.period_state.set_period(q4)
    assert tab.period == q4
    assert tab.revenue_chart.categories() == ["Oct 2026", "Nov 2026", "Dec 2026"]
    assert tab.revenue_chart.series()[charts.ACTUAL] == [actual(db, m) for m in MONTHS[9:]]
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == [
        "Oct 2026",
        "Nov 2026 (so far)",
        "Dec 2026",
        "Q4 FY 2026",
    ]
    assert tab.funnel.steps()[-1].name == "Won in Q4 FY 2026"
    won, lost = (
        one(
            db,
            "SELECT count(*) FROM deal WHERE status = ? "
            "AND closed_on BETWEEN '2026-10-01' AND '2026-12-31'",
            status,
        )
        for status in ("won", "lost")
    )
    assert tab.win_rate.detail.text() == f"{won} won, {lost} lost in Q4 FY 2026"
    assert tab.revenue.caption.text() == "Revenue to the end of Oct 2026"
    assert tab.revenue.value.text() == EUR.money(Decimal(repr(actual(db, "2026-10"))))


def test_an_empty_plan_shows_no_made_up_figures(qtbot: QtBot, empty_plan: Plan) -> None:
    tab = open_tab(qtbot, DashboardTab, PlanOperations(empty_plan))
    for chart in (tab.revenue_chart, tab.cumulative_chart, tab.spend_chart, tab.leads_chart):
        assert chart.is_empty(), chart.title()
    assert tab.funnel.is_empty()
    for tile in (tab.attainment, tab.win_rate, tab.cost_per_lead, tab.return_on_spend):
        assert tile.value.text() == "–"
        assert not tile.trend.isVisible()
    assert tab.win_rate.detail.text() == "No deals closed in FY 2026 yet."


def test_layout_reflows_for_a_small_window(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    tab.resize(1150, 800)
    qtbot.waitUntil(lambda: tab.panels[2].x() > tab.panels[1].x())  # two charts to a row
    tab.resize(800, 600)
    qtbot.waitUntil(lambda: tab.panels[2].x() == tab.panels[1].x())  # one chart to a row
    assert tab.scroll_area.verticalScrollBar().maximum() > 0
    for a, b in zip(tab.tiles, tab.tiles[1:], strict=False):
        assert not a.geometry().intersects(b.geometry())


@pytest.mark.parametrize("name", ["revenue_chart", "funnel"])
def test_a_dashboard_chart_exports_png_and_svg(
    qtbot: QtBot, ops: PlanOperations, tmp_path: Path, name: str
) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    chart = getattr(tab, name)
    assert [a.text() for a in chart.context_menu().actions()] == [
        "Copy Image",
        "Save as PNG…",
        "Save as SVG…",
    ]
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    chart.export_png(png)
    image = QImage(str(png))
    assert not image.isNull()
    assert (image.width(), image.height()) == (chart.width(), chart.height())
    # The actual (blue) revenue or won deals are in the picture, not only a blank frame.
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    assert QColor(BLUE).name().lower() in colours
    chart.export_svg(svg)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = svg.read_text(encoding="utf-8")
    assert chart.title() in text
    assert "<path" in text or "<rect" in text or "<polygon" in text


def test_charts_below_the_window_are_built_when_scrolled_into_view(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection
) -> None:
    tab = DashboardTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1000, 620)  # the revenue chart in view, the charts under it not
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.panels[0].chart is not None
    assert [panel.chart is None for panel in tab.panels[1:]] == [True] * 4
    bar = tab.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    kept = [panel.height() for panel in tab.panels]
    bar.setValue(bar.maximum())  # the funnel is the last chart
    funnel = tab.panels[4].chart
    assert funnel is not None and funnel.isVisible()
    for _ in range(3):
        QApplication.processEvents()  # the layout settles around the new charts
    # Each chart built took the room kept for it (a chart and a note of two lines): the
    # page does not grow under the scroll bar's thumb as the charts come into view.
    line = funnel.fontMetrics().lineSpacing()
    for panel, height in zip(tab.panels[3:], kept[3:], strict=True):
        assert panel.chart is not None
        if panel.note.height() <= 2 * line:
            assert panel.height() == height
    open_deals = one(db, "SELECT count(*) FROM deal WHERE status = 'open'")
    assert sum(s.deals for s in tab.funnel.steps()[:-1]) == open_deals
    assert f"{EUR.count(open_deals)} open deals" in tab.panels[4].note.text()
    # A chart still out of view is built (and drawn) when something asks for it.
    assert tab.panels[1].chart is None
    running = tab.cumulative_chart.series()[charts.CUMULATIVE_TARGET]
    assert running[-1] == pytest.approx(sum(target(db, m) for m in MONTHS))


def test_the_tables_columns_are_sized_when_it_comes_into_view(
    qtbot: QtBot, ops: PlanOperations
) -> None:
    tab = DashboardTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1000, 620)  # the table starts below the charts
    tab.show()
    qtbot.waitExposed(tab)
    header = tab.view.horizontalHeader()
    default = header.defaultSectionSize()
    assert tab.model.rowCount() > 12  # read and shown: months, quarters, the year
    assert [header.sectionSize(c) for c in range(header.count())] == [default] * header.count()
    bar = tab.scroll_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    bar.setValue(bar.maximum())
    sizes = [header.sectionSize(c) for c in range(header.count())]
    assert sizes != [default] * header.count()
    # Sized to the contents: the month column is as wide as its widest label needs.
    metrics = tab.view.fontMetrics()
    widest = max(metrics.horizontalAdvance(str(tab.model.index(r, 0).data())) for r in range(12))
    assert sizes[0] >= widest


def test_a_change_made_before_the_first_showing_is_shown(
    qtbot: QtBot, ops: PlanOperations, db: sqlite3.Connection
) -> None:
    tab = DashboardTab(ops)  # its first read starts now, on a thread
    early = tab._early
    assert early is not None
    early.result()  # read before the change below: it must not be what is shown
    deal = first_deal(ops.plan, "open")
    with ops.plan.uow() as uow:
        amount = change_field(uow, Deal, deal, "amount_minor", Decimal("12345678"))
    assert ops.run(amount)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    total = one(db, "SELECT sum(amount_minor) FROM deal WHERE status = 'open'") / 100
    assert sum(s.value for s in tab.funnel.steps()[:-1]) == pytest.approx(total)
    assert f"worth {EUR.money(Decimal(str(total)))}" in tab.pipeline.detail.text()


def test_a_tab_being_torn_down_ignores_its_viewports_events(
    qtbot: QtBot, ops: PlanOperations
) -> None:
    # A collected cycle clears the tab's attributes before Qt deletes its children, and the
    # scroll area's viewport still sends a resize then: once an AttributeError in the event
    # filter (caught by pytest-qt in a background-read test).
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QResizeEvent
    from PySide6.QtWidgets import QApplication

    tab = open_tab(qtbot, DashboardTab, ops)
    viewport = tab.scroll_area.viewport()
    del tab.__dict__["scroll_area"]
    QApplication.sendEvent(viewport, QResizeEvent(QSize(500, 400), viewport.size()))
