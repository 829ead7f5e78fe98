"""The period picker and the one period every tab of a plan shares: pick Q2 on one tab and
every tab shows Q2; charts follow the period, the year's tables stay whole."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodRange
from planner.queries import channel_metrics, target_overview
from planner.services.profile import ProfileState, read_profile, update_profile
from ui.charts.axes import month_label
from ui.period_state import PeriodState
from ui.tabs.actuals import ActualsTab
from ui.tabs.base import FiscalYearTab
from ui.tabs.channels import ChannelsTab
from ui.tabs.period_picker import PeriodPicker
from ui.tabs.targets import TargetsTab
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

FY = FiscalYear(2026)  # the sample plan's current fiscal year (calendar years, today 2026-11-23)
Q2 = PeriodRange.quarter(FiscalQuarter(FY, 2))


def open_tab(qtbot: QtBot, factory: type[FiscalYearTab], ops: PlanOperations) -> Any:
    tab = factory(ops)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def shown(picker: PeriodPicker) -> tuple[str, str, bool]:
    """What the owner reads on a picker: the year, the range choice, and whether the month
    boxes are there."""
    return picker.combo.currentText(), picker.range_box.currentText(), picker.from_box.isVisible()


def test_the_period_starts_as_the_current_year_and_is_one_per_plan(ops: PlanOperations) -> None:
    state = ops.period_state
    assert state is ops.period_state
    assert state.period == PeriodRange.year(FY)
    assert state.period.kind == "year" and len(state.period.months) == 12


def test_picking_a_quarter_on_one_tab_shows_it_on_every_tab(
    qtbot: QtBot, ops: PlanOperations
) -> None:
    targets = open_tab(qtbot, TargetsTab, ops)
    actuals = open_tab(qtbot, ActualsTab, ops)
    assert shown(targets.year_picker) == ("FY 2026", "Whole year", False)
    choices = [targets.year_picker.range_box.itemText(i) for i in range(6)]
    assert choices == [
        "Whole year", "Q1 (Jan–Mar)", "Q2 (Apr–Jun)", "Q3 (Jul–Sep)", "Q4 (Oct–Dec)",
        "Some months",
    ]  # fmt: skip
    with qtbot.waitSignal(ops.period_state.period_changed) as signal:
        targets.year_picker.range_box.setCurrentIndex(2)
    assert signal.args == [Q2]
    for tab in (targets, actuals):
        assert tab.period == Q2 and tab.fiscal_year == FY
    assert shown(actuals.year_picker) == ("FY 2026", "Q2 (Apr–Jun)", False)

    # Targets: the table keeps the year (it is where targets are typed), the chart shows
    # the quarter's months with the plan's own figures.
    overview = target_overview(ops.plan, FY, today=targets.today())
    assert targets.model.rowCount() == len(overview.lines)  # 12 months, 4 quarters, year
    chart = targets.chart
    assert chart.categories() == ["Apr 2026", "May 2026", "Jun 2026"]
    months = {line.first_month: line for line in overview.lines if line.level.value == "month"}
    assert chart.series()["Target"] == [float(months[m].target) for m in Q2.months]
    assert chart.series()["Actual"] == [float(months[m].actual or 0) for m in Q2.months]
    assert chart.title().endswith("Q2 FY 2026")

    # Actuals: the grids show the quarter's three months and the year's total.
    view = actuals.revenue_view
    headers = actuals.revenue_model.columns
    visible = [headers[c].header for c in range(len(headers)) if not view.isColumnHidden(c)]
    assert visible == ["Offering", "Apr 2026", "May 2026", "Jun 2026", "Year"]
    assert actuals.revenue_heading.text() == "Revenue, Q2 FY 2026 (Year: all of FY 2026)"

    # Back to the whole year from the other tab.
    actuals.year_picker.range_box.setCurrentIndex(0)
    assert targets.period == PeriodRange.year(FY)
    assert len(targets.chart.categories()) == 12
    assert not any(view.isColumnHidden(c) for c in range(len(headers)))
    assert actuals.revenue_heading.text() == "Revenue"


def test_another_year_keeps_the_quarter_and_a_hidden_tab_catches_up(
    qtbot: QtBot, ops: PlanOperations
) -> None:
    targets = open_tab(qtbot, TargetsTab, ops)
    channels = open_tab(qtbot, ChannelsTab, ops)
    channels.hide()
    targets.year_picker.select_period(Q2)
    labels = [
        targets.year_picker.combo.itemText(i) for i in range(targets.year_picker.combo.count())
    ]
    targets.year_picker.combo.setCurrentIndex(labels.index("FY 2025"))
    last_q2 = PeriodRange.quarter(FiscalQuarter(FY + -1, 2))
    assert ops.period_state.period == last_q2
    assert targets.chart.categories() == ["Apr 2025", "May 2025", "Jun 2025"]
    assert targets.overview is not None and targets.overview.fiscal_year == FY + -1
    # The hidden channels tab only noted the change; shown, it reads the new year.
    assert channels.is_stale
    channels.show()
    qtbot.waitExposed(channels)
    assert not channels.is_stale
    assert shown(channels.year_picker) == ("FY 2025", "Q2 (Apr–Jun)", False)
    total = channel_metrics(ops.plan, FY + -1, every_channel=True)[-1]
    spend = {m: f.actual_spend for m, f in zip(total.months, total.monthly, strict=True)}
    channels.all_channels.setChecked(True)
    chart = channels.chart
    assert chart.categories() == ["Apr 2025", "May 2025", "Jun 2025"]
    expected = [None if (v := spend[m]) is None else float(v) for m in last_q2.months]
    assert chart.series()["Actual spend"] == expected
    assert any(v for v in expected)  # the sample plan has spend there: the check can fail


def test_some_months_from_and_to(qtbot: QtBot, ops: PlanOperations) -> None:
    targets = open_tab(qtbot, TargetsTab, ops)
    picker = targets.year_picker
    picker.range_box.setCurrentIndex(5)  # "Some months", starting from the first quarter
    assert shown(picker) == ("FY 2026", "Some months", True)
    assert ops.period_state.period == PeriodRange.months_between(FY, Month(2026, 1), Month(2026, 3))
    picker.to_box.setCurrentIndex(7)  # August
    assert ops.period_state.period.label == "Jan–Aug 2026"
    picker.from_box.setCurrentIndex(4)  # May
    period = ops.period_state.period
    assert (period.first, period.last, period.kind) == (Month(2026, 5), Month(2026, 8), "months")
    assert targets.chart.categories() == ["May 2026", "Jun 2026", "Jul 2026", "Aug 2026"]
    # "from" moved past "to": "to" follows, the range stays valid.
    picker.from_box.setCurrentIndex(10)
    assert ops.period_state.period == PeriodRange.months_between(
        FY, Month(2026, 11), Month(2026, 11)
    )
    assert picker.to_box.currentText() == "Nov 2026"
    # Months that happen to be a quarter keep the month boxes on this picker.
    picker.from_box.setCurrentIndex(9)
    picker.to_box.setCurrentIndex(11)
    assert ops.period_state.period == PeriodRange.quarter(FiscalQuarter(FY, 4))
    assert shown(picker) == ("FY 2026", "Some months", True)


def test_month_boxes_use_the_users_language(qtbot: QtBot, ops: PlanOperations) -> None:
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        picker = PeriodPicker(ops.period_state)
        qtbot.addWidget(picker)
        picker.range_box.setCurrentIndex(5)
        assert picker.from_box.itemText(2) == "Mär 2026"
        assert picker.range_box.itemText(4).startswith("Q4 (Okt")
        assert month_label(Month(2026, 12)) == "Dez 2026"
    finally:
        QLocale.setDefault(previous)


def test_a_new_fiscal_year_start_moves_the_period(qtbot: QtBot, ops: PlanOperations) -> None:
    targets = open_tab(qtbot, TargetsTab, ops)
    targets.year_picker.select_period(PeriodRange.quarter(FiscalQuarter(FY, 4)))
    with ops.plan.uow() as uow:
        state = read_profile(uow)
        command = update_profile(uow, ProfileState(state.name, state.currency, 4, state.reps))
    assert ops.run(command)
    # The re-cut year sharing most months with FY 2026 is FY 2026/27; Q4 stays Q4.
    april = FiscalYear(2026, 4)
    assert ops.period_state.period == PeriodRange.quarter(FiscalQuarter(april, 4))
    assert targets.chart.categories() == ["Jan 2027", "Feb 2027", "Mar 2027"]
    assert targets.year_picker.combo.currentText() == "FY 2026/27"
    ops.undo_stack.undo()
    assert ops.period_state.period == PeriodRange.quarter(FiscalQuarter(FY, 4))


def test_period_state_emits_only_real_changes(qtbot: QtBot) -> None:
    state = PeriodState(PeriodRange.year(FY))
    seen: list[PeriodRange] = []
    state.period_changed.connect(seen.append)
    state.set_period(PeriodRange.year(FY))
    state.set_fiscal_year(FY)
    assert seen == []
    state.set_period(Q2)
    state.set_fiscal_year(FY + 1)
    assert seen == [Q2, PeriodRange.quarter(FiscalQuarter(FY + 1, 2))]


def test_the_main_window_shares_the_period_across_its_tabs(qtbot: QtBot, plan_window: Any) -> None:
    window = plan_window
    window.show_tab("dashboard")
    dashboard = window.current_tab()
    years: list[FiscalYear] = []
    dashboard.year_picker.year_changed.connect(years.append)
    dashboard.year_picker.range_box.setCurrentIndex(4)  # Q4
    q4 = PeriodRange.quarter(FiscalQuarter(FY, 4))
    assert window.ops.period_state.period == q4
    assert years == []  # the year did not move
    for key in ("targets", "channels", "actuals"):
        window.show_tab(key)
        tab = window.current_tab()
        assert tab.period == q4, key
        assert shown(tab.year_picker) == ("FY 2026", "Q4 (Oct–Dec)", False), key
    window.current_tab().year_picker.select(FY + 1)
    assert years == [FY + 1]
    window.show_tab("dashboard")
    assert dashboard.period == PeriodRange.quarter(FiscalQuarter(FY + 1, 4))
    assert shown(dashboard.year_picker) == ("FY 2027", "Q4 (Oct–Dec)", False)
