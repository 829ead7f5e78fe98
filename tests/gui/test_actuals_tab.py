"""The Actuals tab grid (typing, paste, clear, undo, locked months) and the import wizard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner.db.models import ActualSale, BusinessProfile, ImportBatch, ImportedLine, Offering
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from ui.import_actuals_dialog import NOT_ASSIGNED, ImportActualsDialog
from ui.tabs.actuals import UNASSIGNED, ActualsTab
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 23)
NEXT = FiscalYear(2027, 1)
COUNTER = "Bakery counter"


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> ActualsTab:
    tab = ActualsTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    qtbot.waitExposed(tab)
    tab.year_picker.select(NEXT)
    return tab


def offering_id(plan: Plan, name: str) -> int:
    with plan.session() as s:
        return int(s.scalar(select(Offering.id).where(Offering.name == name)))


def stored(plan: Plan, month: str, offering: int | None) -> list[tuple[int, int | None]]:
    with plan.session() as s:
        stmt = select(ActualSale).where(ActualSale.month == Month.parse(month))
        stmt = stmt.where(
            ActualSale.offering_id.is_(None) if offering is None
            else ActualSale.offering_id == offering
        )  # fmt: skip
        return [(a.revenue_minor, a.units) for a in s.scalars(stmt)]


def index(tab: ActualsTab, model: Any, row_name: str, header: str) -> QModelIndex:
    row = next(n for n, r in enumerate(model.shown) if r.offering == row_name)
    column = next(n for n, c in enumerate(model.columns) if c.header == header)
    return model.index(row, column)


def text(tab: ActualsTab, model: Any, row_name: str, header: str) -> str:
    return str(model.data(index(tab, model, row_name, header)))


def test_rows_and_labels(tab: ActualsTab) -> None:
    names = [r.offering for r in tab.revenue_model.shown]
    assert names[-2:] == [UNASSIGNED, "All offerings"]
    assert COUNTER in names
    headers = [c.header for c in tab.revenue_model.columns]
    assert headers[:2] == ["Offering", "Jan 2027"] and headers[-1] == "Year"
    total = index(tab, tab.revenue_model, "All offerings", "Jan 2027")
    assert not tab.revenue_model.flags(total) & Qt.ItemFlag.ItemIsEditable


def test_type_paste_clear_and_undo(qtbot: QtBot, tab: ActualsTab) -> None:
    plan, ops, model = tab.ops.plan, tab.ops, tab.revenue_model
    counter = offering_id(plan, COUNTER)
    view = tab.revenue_view
    # Typing into a cell: one undo step, one ActualSale row.
    jan = index(tab, model, COUNTER, "Jan 2027")
    view.setFocus()
    view.setCurrentIndex(jan)
    view.edit(jan)
    editor = view.indexWidget(jan)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "1234.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ops.undo_stack.count() == 1)
    assert stored(plan, "2027-01", counter) == [(123450, None)]
    assert ops.undo_stack.undoText() == "Change Actual Revenue"
    assert text(tab, model, COUNTER, "Year") == "€1,234.50"
    # A 2 x 3 block pasted from Excel: one step, rows created for each month.
    QApplication.clipboard().setText("100\t200\t300\r\n10\t\t30\r\n")
    view.setCurrentIndex(index(tab, model, COUNTER, "Feb 2027"))
    assert view.paste()
    assert ops.undo_stack.count() == 2
    second = model.shown[model.row_of_key((False, counter)) + 1]
    assert stored(plan, "2027-04", counter) == [(30000, None)]
    assert stored(plan, "2027-02", second.offering_id) == [(1000, None)]
    assert stored(plan, "2027-03", second.offering_id) == []
    assert text(tab, model, "All offerings", "Year") == "€1,874.50"  # 1234.5 + 600 + 40
    # Units in the second grid keep the revenue of the same month.
    tab.units_model.setData(index(tab, tab.units_model, COUNTER, "Feb 2027"), "7")
    assert stored(plan, "2027-02", counter) == [(10000, 7)]
    # Delete clears the selected cells as one step.
    selection = view.selectionModel()
    selection.clearSelection()
    for header in ("Feb 2027", "Mar 2027"):
        selection.select(
            index(tab, model, COUNTER, header), QItemSelectionModel.SelectionFlag.Select
        )
    assert view.clear()
    assert stored(plan, "2027-02", counter) == [(0, 7)]  # units stay
    assert stored(plan, "2027-03", counter) == []
    assert ops.undo_stack.count() == 4
    for _ in range(3):
        ops.undo_stack.undo()
    assert stored(plan, "2027-02", counter) == [] and stored(plan, "2027-01", counter)
    ops.undo_stack.undo()
    assert stored(plan, "2027-01", counter) == []
    assert text(tab, model, "All offerings", "Year") == "€0.00"


def test_refused_input_and_locked_month(qtbot: QtBot, tab: ActualsTab) -> None:
    plan, ops, model = tab.ops.plan, tab.ops, tab.revenue_model
    QApplication.clipboard().setText("5\tabc\n")
    tab.revenue_view.setCurrentIndex(index(tab, model, COUNTER, "Jan 2027"))
    with qtbot.waitSignal(ops.failed) as failure:
        tab.revenue_view.paste()
    assert failure.args[0] == "Bakery counter, Feb 2027: 'abc' is not an amount of money."
    assert ops.undo_stack.count() == 0
    with plan.uow() as uow:
        uow.session.get(BusinessProfile, 1).locked_through = Month(2027, 3)
        uow.commit()
    tab.reload()
    assert "locked" in tab.lock_note.text()
    with qtbot.waitSignal(ops.failed) as failure:
        model.setData(index(tab, model, COUNTER, "Mar 2027"), "10")
    assert failure.args[0].startswith("March 2027 is locked")
    assert stored(plan, "2027-03", offering_id(plan, COUNTER)) == []
    assert model.setData(index(tab, model, COUNTER, "Apr 2027"), "10")


def test_wizard_imports_in_one_step_and_undo(qtbot: QtBot, tab: ActualsTab, tmp_path: Path) -> None:
    plan, ops = tab.ops.plan, tab.ops
    counter = offering_id(plan, COUNTER)
    path = tmp_path / "kasse.csv"
    path.write_bytes(
        "\ufeffDatum;Artikel;Menge;Betrag\n"
        "05.01.2027;bakery counter;2;€ 1.000,50\n"
        "06.01.2027;Brezel;1;2,50\n"
        "07.02.2027;Brezel;-1;2,50\n"
        "08.02.2027;Kaffee;1;abc\n".encode()
    )
    dialog = ImportActualsDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.go_next()  # no file yet
    assert dialog.error.text() == "Choose the file to import."
    assert dialog.set_file(str(path))
    assert dialog.go_next() and dialog.page == 1
    assert "separated by semicolons" in dialog.formats_label.text()
    assert dialog.preview_table.rowCount() == 4
    assert dialog.go_next() and dialog.page == 2
    assert dialog.combos["date"].currentText() == "Datum"
    assert dialog.combos["amount"].currentText() == "Betrag"
    assert dialog.order_combo.currentData() == "DMY" and dialog.mark_combo.currentData() == ","
    assert dialog.go_next() and dialog.page == 3
    assert dialog.offering_table.combo("bakery counter").currentData() == counter
    assert dialog.offering_table.combo("Brezel").currentData() == NOT_ASSIGNED
    combo = dialog.offering_table.combo("Brezel")
    combo.setCurrentIndex(combo.findData(counter))
    assert dialog.go_next() and dialog.page == 4
    summary = dialog.summary.toPlainText()
    assert "line 5: 'abc' is not an amount" in summary
    assert not dialog.finish_button.isEnabled()  # a bad line: nothing unless skipped
    dialog.skip_bad.setChecked(True)
    assert dialog.finish()
    assert ops.undo_stack.count() == 1
    assert ops.undo_stack.undoText() == "Import Actual Sales from kasse.csv"
    # January: 1000.50 + 2.50 (Brezel mapped to the counter), 3 units; February: the
    # Brezel return, -2.50 and -1 unit.
    assert stored(plan, "2027-01", counter) == [(100300, 3)]
    assert stored(plan, "2027-02", counter) == [(-250, -1)]
    assert text(tab, tab.revenue_model, COUNTER, "Year") == "€1,000.50"
    ops.undo_stack.undo()
    assert stored(plan, "2027-01", counter) == [] and stored(plan, "2027-02", counter) == []
    with plan.session() as s:
        assert s.scalar(select(func.count()).select_from(ImportedLine)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
    ops.undo_stack.redo()
    assert stored(plan, "2027-01", counter) == [(100300, 3)]
    assert Decimal(100300) / 100 == Decimal("1003")


def test_wizard_refuses_unreadable_file(qtbot: QtBot, ops: PlanOperations, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)))
    dialog = ImportActualsDialog(ops)
    qtbot.addWidget(dialog)
    assert not dialog.set_file(str(path))
    assert not dialog.go_next()
    assert dialog.error.text() == "photo.csv is not a text or Excel file."


def test_file_menu_opens_the_wizard(
    qtbot: QtBot, plan_window: Any, dialogs: Any, tmp_path: Path
) -> None:
    file_menu = plan_window.menuBar().actions()[0].menu()
    action = plan_window.import_actuals_action
    assert action in file_menu.actions() and action.isEnabled()
    assert action.text() == "Import Actual &Sales…"
    action.trigger()
    dialog = plan_window.findChild(ImportActualsDialog)
    assert dialog is not None and dialog.isVisible()
    path = tmp_path / "till.csv"
    path.write_text("Date,Amount\n2027-01-03,5\n", encoding="utf-8")
    dialogs.open_answers.append(path)
    dialog.chooser.browse_button.click()  # "Choose…" answers from the test's queue
    assert dialog.loaded is not None and dialog.chooser.path() == str(path)
    for _ in range(4):
        assert dialog.go_next()
    assert dialog.finish()
    assert plan_window.ops.undo_stack.undoText() == "Import Actual Sales from till.csv"
