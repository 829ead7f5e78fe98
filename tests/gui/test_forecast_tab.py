"""The Forecast tab on the sample plan: what it draws and lists is what the queries say."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from planner.db.plan import Plan
from planner.forecasting import METHOD_NAMES, description
from planner.queries.pipeline_forecast import forecast_outlook
from ui.models.formats import Formats
from ui.tabs.forecast import ForecastTab
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 23)  # tests/gui/conftest.py pins every tab's "today" to this day
EUR = Formats("EUR")


def _floats(values: Any) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


@pytest.fixture
def tab(qtbot: QtBot, sample_plan: Plan) -> ForecastTab:
    widget = ForecastTab(PlanOperations(sample_plan))
    qtbot.addWidget(widget)
    widget.resize(1300, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _check_chart(tab: ForecastTab, outlook: Any) -> None:
    revenue = outlook.revenue
    series = tab.chart.series()
    shown = len(revenue.history_months[-24:])
    gap: list[float | None] = [None] * shown
    assert tab.chart.categories()[shown:] == [m.short_label for m in revenue.months]
    assert series["Forecast"] == gap + _floats(revenue.mean)
    assert series["Open deals (weighted)"] == gap + _floats(outlook.pipeline.weighted)
    assert series["Actual revenue"][:shown] == _floats(revenue.history[-24:])
    assert tab.chart.series_info("Forecast")["dashed"] is True
    scenarios = tab.scenario_chart.series()
    assert scenarios["Worse"] == _floats(outlook.worse)
    assert scenarios["Likely"] == _floats(outlook.likely)
    assert scenarios["Better"] == _floats(outlook.better)


def test_chart_table_and_sentence_match_the_query(
    tab: ForecastTab, sample_plan: Plan, qtmodeltester: Any
) -> None:
    outlook = forecast_outlook(sample_plan, horizon=12, today=TODAY)
    assert outlook.revenue.method == "auto"
    assert tab.method.text() == outlook.revenue.sentence
    assert tab.method.text().startswith("Auto combined ")
    _check_chart(tab, outlook)
    assert tab.chart.series()["Target"][24:26] == _floats(outlook.revenue.targets[:2])
    # The table: each forecast month, then the quarters.
    model = tab.model
    qtmodeltester.check(model)
    assert model.rowCount() == len(outlook.months) + len(outlook.quarters)
    first = outlook.months[0]
    assert model.index(0, 0).data() == first.label
    assert model.index(0, 1).data() == EUR.money(first.forecast)
    assert model.index(0, 4).data() == EUR.money(first.pipeline)
    assert model.index(0, 5).data() == EUR.money(first.target)
    assert model.index(0, 6).data() == EUR.money(first.gap)
    quarter = outlook.quarters[0]
    assert model.index(len(outlook.months), 0).data() == quarter.label == "Q4 FY 2026"
    # The gap sentence gives the deals and leads it would take.
    plan = outlook.gap_plan
    text = tab.gap_text.text()
    if plan.gap > 0:
        assert f"{plan.deals:,} more deals at the average won deal size" in text
        assert EUR.money(plan.average_won) in text
        assert f"{plan.leads:,} more leads" in text
    else:
        assert "on course" in text


def test_method_picker_lists_every_method_with_its_line(tab: ForecastTab) -> None:
    picker = tab.method_picker
    assert [picker.itemData(i) for i in range(picker.count())] == list(METHOD_NAMES)
    for i, name in enumerate(METHOD_NAMES):
        assert picker.itemData(i, 3) == description(name)  # 3: Qt.ToolTipRole
    assert description("auto") in tab.method_help.text()


def test_switching_method_offering_and_scenario(tab: ForecastTab, sample_plan: Plan) -> None:
    tab.method_picker.setCurrentIndex(METHOD_NAMES.index("linear trend"))
    outlook = forecast_outlook(sample_plan, horizon=12, method="linear trend", today=TODAY)
    assert tab.method.text() == outlook.revenue.sentence
    assert tab.method.text().startswith("Method used: linear trend.")
    assert description("linear trend") in tab.method_help.text()
    _check_chart(tab, outlook)

    tab.offering.setCurrentIndex(1)
    offering_id = tab.offering.currentData()
    assert offering_id is not None
    outlook = forecast_outlook(
        sample_plan, offering_id=offering_id, horizon=12, method="linear trend", today=TODAY
    )
    assert outlook.revenue.offering == tab.offering.currentText()
    _check_chart(tab, outlook)
    assert tab.model.index(0, 1).data() == EUR.money(outlook.months[0].forecast)

    assert not tab.change.isEnabled()
    tab.scenario.setCurrentIndex(tab.scenario.findData("win rate"))
    assert tab.change.isEnabled()
    tab.change.setValue(30)
    outlook = forecast_outlook(
        sample_plan, offering_id=offering_id, horizon=12, method="linear trend",
        scenario="win rate", win_rate_change=30, today=TODAY,
    )  # fmt: skip
    _check_chart(tab, outlook)
    assert outlook.worse != outlook.revenue.lower  # the pipeline, not the range

    tab.horizon.setValue(6)
    assert tab.scenario_chart.categories() == [m.short_label for m in outlook.revenue.months[:6]]


def test_empty_plan_explains_itself(qtbot: QtBot, empty_plan: Plan) -> None:
    tab = ForecastTab(PlanOperations(empty_plan))
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.method.text().startswith("There is no actual revenue of a complete month yet")
    assert tab.model.rowCount() == 0
    assert tab.chart.series() == {}
    assert tab.gap_text.text() == ""
