"""Reads off the GUI thread on every tab that adopted them (Forecast, Channels, Segments,
Targets, Actuals), with their reads forced onto a worker: an edit made through
``PlanOperations`` is read on the worker while the window goes on answering, and the tab
then shows the new numbers; a spreadsheet cell being edited keeps its editor when a late
read arrives; actions that must find the row they added (a new channel, a new segment)
still select it and open its editor; the Forecast's pickers read on the worker too."""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import Deal, Segment
from planner.domain.periods import Month
from planner.queries import monthly_actuals, segment_feedback, target_overview
from planner.queries.channel_metrics import figures_of
from planner.queries.pipeline_forecast import forecast_outlook
from planner.services.actuals import set_actual
from planner.services.channels import set_month_figure
from planner.services.commands import Command
from planner.services.edit import change_field
from planner.services.targets import set_month_target
from tests.conftest import SAMPLE_TODAY
from ui.tabs import actuals, channels_read, forecast, segments, targets
from ui.tabs.actuals import ActualsTab, grid_rows
from ui.tabs.base import PlanTab
from ui.tabs.channels import ChannelsTab
from ui.tabs.forecast import ForecastTab
from ui.tabs.segments import SegmentsTab
from ui.tabs.targets import TargetsTab
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

NOVEMBER = Month(2026, 11)  # the sample plan's current month: not locked
EDITING = QAbstractItemView.State.EditingState


class Gate:
    """Holds the next worker call of a query a tab's read makes until the test opens the
    gate, and notes for every call whether it ran off the GUI thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: types.ModuleType, name: str):
        self.armed = False
        self.started = threading.Event()
        self.opened = threading.Event()
        self.on_worker: list[bool] = []
        real = getattr(module, name)

        def held(*args: Any, **kwargs: Any) -> Any:
            worker = threading.current_thread() is not threading.main_thread()
            self.on_worker.append(worker)
            if self.armed and worker:
                self.armed = False
                self.started.set()
                assert self.opened.wait(20), "the test never let the read go on"
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, held)


def run(ops: PlanOperations, build: Callable[[Any], Command]) -> None:
    with ops.plan.uow() as uow:
        command = build(uow)
    assert ops.run(command)


def open_tab(qtbot: QtBot, tab: PlanTab) -> PlanTab:
    qtbot.addWidget(tab)
    tab.resize(1300, 850)
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: not tab.is_reading)
    return tab


# -- one edit per tab: what it changes, and how to tell the tab shows it ----------------


def soonest_open_deal(ops: PlanOperations) -> int:
    """An open deal expected to close within the Forecast's twelve months."""
    with ops.plan.session() as session:
        deal = session.scalars(
            select(Deal.id)
            .where(Deal.status == "open", Deal.expected_close >= SAMPLE_TODAY)
            .order_by(Deal.expected_close, Deal.id)
            .limit(1)
        ).one()
    return int(deal)


def forecast_edit(tab: Any, n: int = 0) -> Callable[[], bool]:
    before = tab.outlook.pipeline.weighted
    deal = soonest_open_deal(tab.ops)
    run(tab.ops, lambda uow: change_field(uow, Deal, deal, "amount_minor", Decimal(987654 + n)))
    expected = forecast_outlook(tab.ops.plan, horizon=12, today=SAMPLE_TODAY).pipeline.weighted
    assert expected != before
    return lambda: tab.outlook.pipeline.weighted == expected


def channels_edit(tab: Any, n: int = 0) -> Callable[[], bool]:
    channel = tab.channel_id
    assert channel is not None
    run(
        tab.ops,
        lambda uow: set_month_figure(uow, channel, Month(2026, 10), "actual_leads", 777 + n),
    )

    def shows() -> bool:
        year = figures_of(tab._years, channel)
        return year is not None and year.monthly[9].actual_leads == 777 + n

    return shows


def segments_edit(tab: Any, n: int = 0) -> Callable[[], bool]:
    segment = tab.selected()
    assert segment is not None
    name = f"Renamed on a worker ({n})"
    run(tab.ops, lambda uow: change_field(uow, Segment, segment.id, "name", name))
    wins = {row.id: (row.won, row.lost) for row in segment_feedback(tab.ops.plan, None)}
    assert wins[segment.id] != (0, 0), "the sample's segment has closed deals"

    def shows() -> bool:
        row = tab.feedback.get(segment.id)
        return (
            tab.model.row_of_key(segment.id) >= 0
            and tab.model.row_at(tab.model.row_of_key(segment.id)).name == name
            and row is not None
            and row.segment == name
            and (row.won, row.lost) == wins[segment.id]
        )

    return shows


def targets_edit(tab: Any, n: int = 0) -> Callable[[], bool]:
    run(tab.ops, lambda uow: set_month_target(uow, NOVEMBER, Decimal(123456 + n)))
    expected = target_overview(tab.ops.plan, tab.fiscal_year, today=SAMPLE_TODAY).lines

    def shows() -> bool:
        november = next(line for line in tab.overview.lines if line.label == expected[10].label)
        return bool(tab.overview.lines == expected and november.target == Decimal(123456 + n))

    return shows


def first_offering(tab: Any) -> int:
    return int(next(r.offering_id for r in tab.revenue_model.rows if r.offering_id is not None))


def actuals_edit(tab: Any, n: int = 0) -> Callable[[], bool]:
    offering = first_offering(tab)
    run(tab.ops, lambda uow: set_actual(uow, NOVEMBER, offering, "revenue", Decimal(54321 + n)))
    expected = grid_rows(monthly_actuals(tab.ops.plan, tab.fiscal_year))

    def shows() -> bool:
        rows = {r.offering_id: r for r in tab.revenue_model.rows}
        return bool(
            rows[offering].revenue[10] == Decimal(54321 + n)
            and [r.revenue for r in tab.revenue_model.rows] == [r.revenue for r in expected]
        )

    return shows


@dataclass(frozen=True)
class Case:
    tab: type[PlanTab]
    module: types.ModuleType
    query: str  # a query every read of the tab makes, looked up in the module it reads with
    edit: Callable[..., Callable[[], bool]]  # (tab, n): makes edit n; returns "shows it"

    def __str__(self) -> str:
        return self.tab.__name__


CASES = [
    Case(ForecastTab, forecast, "forecast_outlook", forecast_edit),
    Case(ChannelsTab, channels_read, "channel_metrics", channels_edit),
    Case(SegmentsTab, segments, "segment_feedback", segments_edit),
    Case(TargetsTab, targets, "target_overview", targets_edit),
    Case(ActualsTab, actuals, "monthly_actuals", actuals_edit),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_edit_is_read_on_a_worker_while_the_window_answers(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    monkeypatch.setattr(case.tab, "read_mode", "async")
    gate = Gate(monkeypatch, case.module, case.query)
    tab = open_tab(qtbot, case.tab(ops))
    assert gate.on_worker and all(gate.on_worker), "the first read ran on the worker too"

    gate.armed = True
    shows = case.edit(tab)
    qtbot.waitUntil(gate.started.is_set)  # the read is running on the worker, held there
    assert tab.is_reading
    assert tab.updating.isVisibleTo(tab)
    assert not shows()  # the old numbers stand until the new ones arrive
    beats: list[int] = []
    QTimer.singleShot(0, lambda: beats.append(1))
    qtbot.waitUntil(lambda: bool(beats))  # the event loop runs: the window answers
    gate.opened.set()
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert shows()
    assert not tab.updating.isVisibleTo(tab)
    assert all(gate.on_worker)


def editing_cell(qtbot: QtBot, view: QAbstractItemView, row: int, column: int) -> None:
    index = view.model().index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    qtbot.waitUntil(lambda: view.state() == EDITING)


def test_a_late_read_keeps_the_actuals_cell_being_edited(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ActualsTab, "read_mode", "async")
    tab = open_tab(qtbot, ActualsTab(ops))
    assert isinstance(tab, ActualsTab)
    rows = tab.revenue_model.rows
    offering = first_offering(tab)
    other = next(i for i, r in enumerate(rows) if r.offering_id not in (None, offering))
    editing_cell(qtbot, tab.revenue_view, other, 12)  # December of another offering
    shows = actuals_edit(tab)
    assert tab.is_reading
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert shows()
    assert tab.revenue_view.state() == EDITING
    assert tab.revenue_view.currentIndex() == tab.revenue_model.index(other, 12)


def test_a_late_read_keeps_the_channel_grid_cell_being_edited(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ChannelsTab, "read_mode", "async")
    tab = open_tab(qtbot, ChannelsTab(ops))
    assert isinstance(tab, ChannelsTab)
    model = tab.grid_model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).editable)
    editing_cell(qtbot, tab.grid, row, 12)
    shows = channels_edit(tab)
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert shows()
    assert tab.grid.state() == EDITING
    assert tab.grid.currentIndex() == model.index(row, 12)


def test_a_new_channel_is_selected_for_its_name_while_reads_go_to_a_worker(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ChannelsTab, "read_mode", "async")
    tab = open_tab(qtbot, ChannelsTab(ops))
    assert isinstance(tab, ChannelsTab)
    new_id = tab.add_channel()
    assert new_id is not None
    assert tab.channel_id == new_id
    line = tab.current_line()
    assert line is not None and line.id == new_id
    assert tab.view.state() == EDITING
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert tab.channel_id == new_id


def test_a_new_segment_is_selected_for_its_name_while_reads_go_to_a_worker(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SegmentsTab, "read_mode", "async")
    tab = open_tab(qtbot, SegmentsTab(ops))
    assert isinstance(tab, SegmentsTab)
    count = tab.model.rowCount()
    tab.add_segment()
    assert tab.model.rowCount() == count + 1
    segment = tab.selected()
    assert segment is not None and segment.name == "New segment"
    assert tab.view.state() == EDITING
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert tab.selected() == segment


def test_the_forecast_pickers_read_on_a_worker(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ForecastTab, "read_mode", "async")
    gate = Gate(monkeypatch, forecast, "forecast_outlook")
    tab = open_tab(qtbot, ForecastTab(ops))
    assert isinstance(tab, ForecastTab) and tab.outlook is not None
    assert len(tab.outlook.revenue.months) == 12
    tab.horizon.setValue(6)
    assert tab.is_reading
    qtbot.waitUntil(lambda: not tab.is_reading)
    expected = forecast_outlook(ops.plan, horizon=6, today=SAMPLE_TODAY)
    assert tab.outlook.revenue.months == expected.revenue.months
    assert tab.outlook.revenue.mean == expected.revenue.mean
    assert tab.model.rowCount() == len(expected.months) + len(expected.quarters)
    assert gate.on_worker and all(gate.on_worker)


def test_a_late_read_keeps_the_segment_text_being_typed(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SegmentsTab, "read_mode", "async")
    gate = Gate(monkeypatch, segments, "segment_feedback")
    tab = open_tab(qtbot, SegmentsTab(ops))
    assert isinstance(tab, SegmentsTab)
    segment = tab.selected()
    assert segment is not None
    detail = tab.detail
    gate.armed = True
    detail.description.setPlainText("Stored while the feedback is read")
    detail.description.document().setModified(True)  # as typed
    detail.description.commit()  # as on leaving the box: stored, and read on the worker
    qtbot.waitUntil(gate.started.is_set)
    tab.activateWindow()
    detail.needs.setFocus()
    qtbot.waitUntil(detail.needs.hasFocus)
    detail.needs.insertPlainText("Typed meanwhile. ")
    typed = detail.needs.toPlainText()
    gate.opened.set()
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert detail.needs.toPlainText() == typed  # the late read left it alone
    assert detail.needs.document().isModified()  # still to be stored on leaving the box
    row = tab.model.row_at(tab.model.row_of_key(segment.id))
    assert row.description == "Stored while the feedback is read"
    assert row.needs == segment.needs


@pytest.mark.parametrize("case", CASES, ids=str)
def test_small_plans_read_at_once_and_slow_reads_go_to_a_worker(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    tab = open_tab(qtbot, case.tab(ops))  # "auto", as in the app
    assert tab.read_seconds is not None and tab.read_seconds < case.tab.read_async_after
    shows = case.edit(tab)
    assert not tab.is_reading and shows()  # the sample plan: read and shown at once
    # Reads slower than the tab's bar go to a worker.
    monkeypatch.setattr(case.tab, "read_async_after", 0.0)
    again = case.edit(tab, 1)
    assert tab.is_reading and not again()
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert again()
