"""The Channels grid with closed books and a month in progress, on the sample plan.

Months locked under Targets > "Lock months…" are greyed and read-only with a tooltip
saying why; typing, pasting, clearing or filling over them is refused naming the cell and
stores nothing. The month in progress (November 2026 for the pinned today) shows its
actual figures so far and no variance, and its quarter and year compare the other months.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import Channel, ChannelMonth
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import channel_metrics
from planner.queries.channel_metrics import ChannelYear
from planner.services.targets import lock_months
from ui.models.formats import Formats
from ui.tabs.channels import ChannelsTab
from ui.tabs.channels_grid import Line, lock_tip, whole_money
from ui.undo import PlanOperations

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

FY = FiscalYear(2026, 1)
EUR = Formats("EUR")
SEARCH = "Google search ads"
MARCH_LOCKED = "March 2026 is locked. Unlock it under 'Lock months' to change it."


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> ChannelsTab:
    tab = ChannelsTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def lock(tab: ChannelsTab, through: Month | None) -> None:
    """Lock through the undo path, as the Targets tab's dialog does."""
    with tab.ops.plan.uow() as uow:
        command = lock_months(uow, through)
    assert tab.ops.run(command)


def stored(plan: Plan) -> list[tuple[Any, ...]]:
    """Every figure of the search channel, as stored."""
    with plan.session() as session:
        channel = session.scalar(select(Channel.id).where(Channel.name == SEARCH))
        return [
            tuple(r)
            for r in session.execute(
                select(ChannelMonth.month, ChannelMonth.planned_spend_minor,
                       ChannelMonth.actual_spend_minor, ChannelMonth.planned_leads,
                       ChannelMonth.actual_leads)
                .where(ChannelMonth.channel_id == channel).order_by(ChannelMonth.month)
            )
        ]  # fmt: skip


def at(tab: ChannelsTab, line: Line, header: str) -> QModelIndex:
    model = tab.grid_model
    column = [c.header for c in model.columns].index(header)
    return model.index(model.row_of_line(line), column)


def cell(tab: ChannelsTab, line: Line, header: str) -> str:
    return str(at(tab, line, header).data())


def search_year(plan: Plan) -> ChannelYear:
    return next(r for r in channel_metrics(plan, FY) if r.name == SEARCH)


def test_locked_months_are_read_only_and_say_why(qtbot: QtBot, tab: ChannelsTab) -> None:
    model = tab.grid_model
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(at(tab, Line.ACTUAL_SPEND, "Mar")) & editable
    assert tab.lock_note.text() == ""
    lock(tab, Month(2026, 3))
    assert tab.lock_note.text() == "Months up to March 2026 are locked and cannot be changed."
    for line in (Line.ACTUAL_SPEND, Line.ACTUAL_LEADS, Line.PLANNED_SPEND, Line.PLANNED_LEADS):
        for header, number in (("Jan", 1), ("Mar", 3)):
            index = at(tab, line, header)
            assert not model.flags(index) & editable, (line, header)
            assert index.data(Qt.ItemDataRole.ToolTipRole) == lock_tip(Month(2026, number))
            assert index.data(Qt.ItemDataRole.BackgroundRole).color().getRgb()[:3] == (235,) * 3
            assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
        april = at(tab, line, "Apr")
        assert model.flags(april) & editable
        assert april.data(Qt.ItemDataRole.BackgroundRole) is None
    assert "is locked (Targets > Lock months…)" in lock_tip(Month(2026, 3))
    # The figures are still shown as they are.
    march = search_year(tab.ops.plan).monthly[2].actual_spend
    assert march is not None and cell(tab, Line.ACTUAL_SPEND, "Mar") == whole_money(EUR, march)
    # Unlocking (undo) opens them again.
    tab.ops.undo_stack.undo()
    assert model.flags(at(tab, Line.ACTUAL_SPEND, "Mar")) & editable
    assert tab.lock_note.text() == ""


def test_typing_into_a_locked_month_is_refused(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops, model = tab.ops.plan, tab.ops, tab.grid_model
    lock(tab, Month(2026, 3))
    before, steps = stored(plan), ops.undo_stack.count()
    march = at(tab, Line.ACTUAL_LEADS, "Mar")
    # A key typed on the cell opens no editor and says why.
    tab.grid.setFocus()
    tab.grid.setCurrentIndex(march)
    with qtbot.waitSignal(tab.grid.message) as note:
        QTest.keyClick(tab.grid, Qt.Key.Key_7)
    assert note.args[0] == f"Actual leads, Mar: {MARCH_LOCKED}"
    assert tab.grid.indexWidget(march) is None
    # Anything reaching the model is refused by the service with the lock's sentence.
    with qtbot.waitSignal(model.edit_rejected) as refused:
        assert not model.setData(march, "7")
    assert refused.args[1] == MARCH_LOCKED
    assert stored(plan) == before and ops.undo_stack.count() == steps
    assert model.setData(at(tab, Line.ACTUAL_LEADS, "Apr"), "7")


def test_paste_clear_and_fill_over_a_locked_month_store_nothing(
    qtbot: QtBot, tab: ChannelsTab
) -> None:
    plan, ops = tab.ops.plan, tab.ops
    lock(tab, Month(2026, 3))
    before, steps = stored(plan), ops.undo_stack.count()
    # A block pasted from February on: February and March are locked.
    QApplication.clipboard().setText("100\t200\t300\n")
    tab.grid.setCurrentIndex(at(tab, Line.ACTUAL_SPEND, "Mar"))
    with qtbot.waitSignal(ops.failed) as failure:
        tab.grid.paste()
    assert failure.args[0] == f"Actual spend, Mar: {MARCH_LOCKED}"
    # Clearing a locked cell (Delete).
    tab.grid.setCurrentIndex(at(tab, Line.ACTUAL_LEADS, "Feb"))
    with qtbot.waitSignal(ops.failed) as failure:
        tab.grid.clear()
    assert failure.args[0].startswith("Actual leads, Feb: February 2026 is locked.")
    # Fill right from February (locked, but only read) into March to December.
    tab.grid.selectionModel().clearSelection()
    tab.grid.setCurrentIndex(at(tab, Line.ACTUAL_SPEND, "Feb"))
    assert not tab.helpers.fill_right()
    assert tab.notice.text() == f"Actual spend: {MARCH_LOCKED}"
    assert stored(plan) == before and ops.undo_stack.count() == steps
    # From April on everything is open.
    tab.grid.setCurrentIndex(at(tab, Line.ACTUAL_SPEND, "Apr"))
    tab.grid.paste()
    assert ops.undo_stack.count() == steps + 1
    assert [cell(tab, Line.ACTUAL_SPEND, h) for h in ("Apr", "May", "Jun")] == [
        "€100", "€200", "€300"
    ]  # fmt: skip


def test_spread_dialog_keeps_locked_budgets(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    lock(tab, Month(2026, 3))
    year = search_year(plan)
    kept = [year.monthly[i].planned_spend for i in range(3)]
    dialog = tab.helpers.open_spread_dialog()
    assert dialog is not None and "Locked months keep their figures" in dialog.intro.text()
    dialog.amount.setText(str(sum(kept) + 900))
    texts = dialog.preview_texts()
    assert texts[:3] == [whole_money(EUR, k) for k in kept]
    assert texts[3:] == ["€100"] * 9
    first = dialog.preview.item(0, 0)
    assert first is not None
    assert first.toolTip() == "January 2026 is locked: it keeps this figure."
    dialog.amount.setText("1")
    assert dialog.error.text().startswith("The locked months already have")
    dialog.amount.setText(str(sum(kept) + 900))
    dialog.accept()
    assert not dialog.isVisible()
    assert [cell(tab, Line.PLANNED_SPEND, h) for h in ("Mar", "Apr", "Dec")] == [
        whole_money(EUR, kept[2]), "€100", "€100"
    ]  # fmt: skip
    assert ops.undo_stack.undoText() == "Spread Budget"


def test_the_month_in_progress_shows_no_variance(qtbot: QtBot, tab: ChannelsTab) -> None:
    year = search_year(tab.ops.plan)
    november, october = year.monthly[10], year.monthly[9]
    assert november.actual_spend is not None and november.spend_variance is not None
    # November's actual figures are shown so far ...
    assert cell(tab, Line.ACTUAL_SPEND, "Nov") == whole_money(EUR, november.actual_spend)
    actual = at(tab, Line.ACTUAL_SPEND, "Nov")
    assert actual.data(Qt.ItemDataRole.ToolTipRole) == "So far: November 2026 is not over yet."
    # ... with no variance, and the tooltip says why.
    for line in (Line.SPEND_VARIANCE, Line.SPEND_VARIANCE_PCT, Line.LEADS_VARIANCE,
                 Line.LEADS_VARIANCE_PCT):  # fmt: skip
        assert cell(tab, line, "Nov") == ""
        tip = at(tab, line, "Nov").data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("November 2026 is not over yet")
    assert cell(tab, Line.SPEND_VARIANCE, "Oct") != ""
    # Q4 and the year compare the months that are over: October's variance alone in Q4.
    assert october.spend_variance is not None
    assert cell(tab, Line.SPEND_VARIANCE, "Q4") == cell(tab, Line.SPEND_VARIANCE, "Oct")
    year_variance = year.year.spend_variance
    assert year_variance is not None
    expected = year_variance - november.spend_variance
    shown = cell(tab, Line.SPEND_VARIANCE, "Year")
    assert shown == ("+" if expected > 0 else "") + whole_money(EUR, expected)
    tip = at(tab, Line.SPEND_VARIANCE, "Q4").data(Qt.ItemDataRole.ToolTipRole)
    assert "without November 2026" in tip
    assert at(tab, Line.SPEND_VARIANCE, "Q1").data(Qt.ItemDataRole.ToolTipRole) is None
    model = tab.grid_model
    nov_column = at(tab, Line.ACTUAL_SPEND, "Nov").column()
    header_tip = model.headerData(nov_column, Qt.Orientation.Horizontal,
                                  Qt.ItemDataRole.ToolTipRole)  # fmt: skip
    assert "not over yet" in header_tip and "so far" in header_tip
    assert tab.so_far_note.text() == (
        "· November 2026 is not over yet: its figures are so far, with no variance."
    )
    # Other cells of November keep their figures: the plan, cost per lead.
    assert cell(tab, Line.PLANNED_SPEND, "Nov") == whole_money(EUR, november.planned_spend)
    assert cell(tab, Line.COST_PER_LEAD, "Nov") == EUR.money(november.cost_per_lead_actual)
    # Another year has no month in progress.
    tab.year_picker.select(FiscalYear(2027, 1))
    assert tab.so_far_note.text() == ""
    assert at(tab, Line.SPEND_VARIANCE, "Nov").data(Qt.ItemDataRole.ToolTipRole) is None


def test_the_notes_fit_a_small_laptop_screen(plan_window: Any) -> None:
    """With a lock set and the month in progress shown, the tab still fits 1,024 pixels."""
    plan_window.show_tab("channels")
    tab = plan_window.findChildren(ChannelsTab)[0]
    lock(tab, Month(2026, 6))
    QApplication.processEvents()
    assert tab.lock_note.text() and tab.so_far_note.text()
    plan_window.resize(1024, 700)
    assert plan_window.minimumSizeHint().width() <= 1024
    assert plan_window.width() == 1024
