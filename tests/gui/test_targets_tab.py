"""The Targets tab on the sample plan: typing, pasting, locks, the yearly-target dialog, the
breakdown grid and the chart, each checked against the database and undone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner import queries
from planner.db.models import Offering, Target
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import Breakdown
from planner.services.targets import SpreadMethod
from ui.tabs.targets import TargetsTab
from ui.tabs.targets_models import LOCK_TIP
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 23)
FY = FiscalYear(2026, 1)
NEXT = FiscalYear(2027, 1)
COUNTER = "Bakery counter"


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> TargetsTab:
    tab = TargetsTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1400, 850)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def business(plan: Plan, month: str) -> list[int]:
    """Revenue of the business-wide target records of ``month``."""
    with plan.session() as s:
        stmt = select(Target.revenue_minor).where(
            Target.month == Month.parse(month), Target.offering_id.is_(None),
            Target.segment_id.is_(None), Target.owner_id.is_(None),
        )  # fmt: skip
        return list(s.scalars(stmt))


def at(model: Any, label: str, header: str) -> QModelIndex:
    row = next(n for n, r in enumerate(model.shown) if getattr(r, "label", None) == label
               or getattr(r, "name", None) == label)  # fmt: skip
    column = next(n for n, c in enumerate(model.columns) if c.header == header)
    index: QModelIndex = model.index(row, column)
    return index


def text(model: Any, label: str, header: str) -> str:
    return str(model.data(at(model, label, header)))


def test_type_a_month_target_totals_follow_and_undo(qtbot: QtBot, tab: TargetsTab) -> None:
    ops, model, view = tab.ops, tab.model, tab.view
    assert [r.label for r in model.shown[:3]] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert text(model, "Q1 FY 2026", "Target") == "€105,000.00"
    jan = at(model, "Jan 2026", "Target")
    view.setFocus()
    view.setCurrentIndex(jan)
    view.edit(jan)
    editor = view.indexWidget(jan)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "40000")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ops.undo_stack.count() == 1)
    assert ops.undo_stack.undoText() == "Change revenue target for Jan 2026"
    assert business(ops.plan, "2026-01") == [4_000_000]
    # Q1: 40,000 + 33,600 + 39,000; the year: 528,000 + 7,600.
    assert text(model, "Q1 FY 2026", "Target") == "€112,600.00"
    assert text(model, "FY 2026 total", "Target") == "€535,600.00"
    assert tab.chart.series()["Target"][0] == 40000.0
    ops.undo_stack.undo()
    assert business(ops.plan, "2026-01") == [3_240_000]
    assert text(model, "Q1 FY 2026", "Target") == "€105,000.00"
    ops.undo_stack.redo()
    assert text(model, "FY 2026 total", "Target") == "€535,600.00"


def test_paste_a_column_of_twelve_months_is_one_step(tab: TargetsTab) -> None:
    ops, model, view = tab.ops, tab.model, tab.view
    tab.year_picker.select(NEXT)
    assert text(model, "FY 2027 total", "Target") == "€0.00"
    QApplication.clipboard().setText("\r\n".join(str(1000 * i) for i in range(1, 13)) + "\r\n")
    view.setCurrentIndex(at(model, "Jan 2027", "Target"))
    assert view.paste()
    assert ops.undo_stack.count() == 1
    assert business(ops.plan, "2027-12") == [1_200_000]
    assert text(model, "Q1 FY 2027", "Target") == "€6,000.00"
    assert text(model, "FY 2027 total", "Target") == "€78,000.00"
    # Delete clears the selected months as one more step.
    selection = view.selectionModel()
    selection.clearSelection()
    for label in ("Jan 2027", "Feb 2027"):
        selection.select(at(model, label, "Target"), QItemSelectionModel.SelectionFlag.Select)
    assert view.clear()
    assert ops.undo_stack.count() == 2
    assert business(ops.plan, "2027-01") == [] and business(ops.plan, "2027-03") == [300_000]
    assert text(model, "FY 2027 total", "Target") == "€75,000.00"
    ops.undo_stack.undo()
    assert text(model, "FY 2027 total", "Target") == "€78,000.00"
    ops.undo_stack.undo()
    assert business(ops.plan, "2027-01") == [] and business(ops.plan, "2027-12") == []
    assert text(model, "FY 2027 total", "Target") == "€0.00"


def test_locked_month_refuses_edits_with_the_message(qtbot: QtBot, tab: TargetsTab) -> None:
    ops, model = tab.ops, tab.model
    assert tab.lock_through(Month(2026, 3)) is None
    assert ops.undo_stack.count() == 1
    assert tab.lock_note.text() == "Locked up to March 2026."
    march = at(model, "Mar 2026", "Target")
    assert model.data(march, Qt.ItemDataRole.ToolTipRole) == LOCK_TIP
    assert model.data(march, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(at(model, "Apr 2026", "Target"), Qt.ItemDataRole.ToolTipRole) is None
    with qtbot.waitSignal(model.edit_rejected) as refused:
        assert not model.setData(march, "50000")
    assert refused.args[1] == "March 2026 is locked. Unlock it under 'Lock months' to change it."
    assert ops.undo_stack.count() == 1
    assert business(ops.plan, "2026-03") == [3_900_000]
    ops.undo_stack.undo()  # unlock
    assert model.data(march, Qt.ItemDataRole.ToolTipRole) is None
    assert model.setData(march, "50000")
    assert business(ops.plan, "2026-03") == [5_000_000]


def test_lock_dialog(tab: TargetsTab) -> None:
    dialog = tab.lock_dialog()
    dialog.through.setCurrentText("Jun 2026")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert tab.ops.undo_stack.undoText() == "Lock months up to Jun 2026"
    assert tab.lock_dialog().chosen() == Month(2026, 6)


def test_yearly_target_dialog(tab: TargetsTab) -> None:
    ops = tab.ops
    tab.year_picker.select(NEXT)
    dialog = tab.yearly_dialog()
    dialog.amount.setText("lots")
    dialog.accept()
    assert dialog.error.text() and ops.undo_stack.count() == 0
    dialog.amount.setText("12,010")
    dialog.buttons[SpreadMethod.EVENLY].setChecked(True)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert ops.undo_stack.count() == 1
    assert ops.undo_stack.undoText() == "Set yearly target for FY 2027"
    # 12,010 in whole euros: 1,000.83 a month -> 1,001 for the first ten months, then 1,000.
    assert business(ops.plan, "2027-01") == [100_100]
    assert business(ops.plan, "2027-12") == [100_000]
    assert text(tab.model, "FY 2027 total", "Target") == "€12,010.00"
    ops.undo_stack.undo()
    assert business(ops.plan, "2027-01") == []
    # Like last year's actual revenue: the shape of FY 2026's sales.
    dialog = tab.yearly_dialog()
    dialog.amount.setText("600000")
    dialog.buttons[SpreadMethod.LAST_YEAR].setChecked(True)
    dialog.accept()
    lines = queries.target_overview(ops.plan, NEXT, today=TODAY).lines
    assert lines[-1].target == Decimal(600000)
    assert lines[11].target > lines[0].target  # December sells more than January


def test_breakdown_by_offering_edit_updates_the_total(tab: TargetsTab, qtmodeltester: Any) -> None:
    ops = tab.ops
    tab.set_breakdown(Breakdown.OFFERING)
    grid = tab.breakdown_model
    qtmodeltester.check(grid)
    assert tab.breakdown_view.isVisible()
    assert [r.name for r in grid.shown][-1] == "Total"
    assert text(grid, "Total", "Jan 2026") == "€32,400.00"
    assert text(grid, COUNTER, "Jan 2026") == "€17,800.00"
    assert grid.setData(at(grid, COUNTER, "Jan 2026"), "18800")
    assert ops.undo_stack.count() == 1
    assert text(grid, COUNTER, "Jan 2026") == "€18,800.00"
    assert text(grid, "Total", "Jan 2026") == "€33,400.00"
    assert text(tab.model, "Jan 2026", "Target") == "€33,400.00"
    assert business(ops.plan, "2026-01") == [3_340_000]
    with ops.plan.session() as s:
        counter = s.scalar(select(Offering.id).where(Offering.name == COUNTER))
        part = s.scalar(
            select(Target.revenue_minor).where(
                Target.month == Month(2026, 1), Target.offering_id == counter
            )
        )
    assert part == 1_880_000
    ops.undo_stack.undo()
    assert text(grid, "Total", "Jan 2026") == "€32,400.00"
    assert text(tab.model, "FY 2026 total", "Target") == "€528,000.00"
    tab.set_breakdown(Breakdown.NONE)
    assert not tab.breakdown_view.isVisible()


def test_chart_and_outlook(tab: TargetsTab) -> None:
    series = tab.chart.series()
    overview = queries.target_overview(tab.ops.plan, FY, today=TODAY)
    assert series["Target"] == [float(line.target) for line in overview.lines[:12]]
    assert series["Actual"][11] is None
    assert series["Actual"][0] == float(overview.lines[0].actual or 0)
    assert series["Outlook"][:10] == [None] * 10
    assert series["Outlook"][10:] == [float(v) for v in overview.outlook_months[10:]]  # type: ignore[arg-type]
    assert tab.chart.series_info("Outlook")["dashed"]
    assert overview.outlook is not None
    assert tab.formats.money(overview.outlook) in tab.outlook.text()


def test_splitting_a_month_by_segment_keeps_its_total(tab: TargetsTab) -> None:
    tab.set_breakdown(Breakdown.SEGMENT)
    grid = tab.breakdown_model
    assert [r.name for r in grid.shown][-2:] == ["Not assigned", "Total"]
    rest = at(grid, "Not assigned", "Jan 2026")
    assert not grid.flags(rest) & Qt.ItemFlag.ItemIsEditable
    assert text(grid, "Not assigned", "Jan 2026") == "€32,400.00"
    first = grid.shown[0].name
    assert grid.setData(at(grid, first, "Jan 2026"), "10000")
    assert text(grid, "Not assigned", "Jan 2026") == "€22,400.00"
    assert text(grid, "Total", "Jan 2026") == "€32,400.00"
    assert text(tab.model, "Jan 2026", "Target") == "€32,400.00"
    tab.ops.undo_stack.undo()
    assert text(grid, "Not assigned", "Jan 2026") == "€32,400.00"


def test_clearing_a_breakdown_cell_removes_that_part_in_one_step(tab: TargetsTab) -> None:
    """Delete on an offering's month clears its part. The sample's months are fully split
    by offering, so the month's total follows its parts down (the documented rule)."""
    ops = tab.ops
    tab.set_breakdown(Breakdown.OFFERING)
    grid = tab.breakdown_model
    before = text(grid, "Total", "Jan 2026")
    assert grid.set_many([(at(grid, COUNTER, "Jan 2026"), "")], "Clear Cell")
    assert ops.undo_stack.count() == 1
    assert text(grid, COUNTER, "Jan 2026") in ("", "€0.00")
    assert before == "€32,400.00"
    assert text(grid, "Total", "Jan 2026") == "€14,600.00"  # 32,400 - 17,800
    ops.undo_stack.undo()
    assert text(grid, COUNTER, "Jan 2026") == "€17,800.00"
