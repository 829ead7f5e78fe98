"""The Business Profile dialog, driven through its widgets, checked in the plan file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.profile_dialog import ProfileDialog, example_amount
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

SAMPLE = ("Hartmann's Bakery & Catering", "EUR", 1)
SAMPLE_REPS = [
    ("Anna Hartmann", True),
    ("Jonas Weber", True),
    ("Lea Brandt", True),
    ("Tom Okafor", True),
]


def stored_profile(path: Path) -> tuple[str, str, int]:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT name, currency, fiscal_start_month FROM business_profile")
        name, currency, month = row.fetchone()
    return str(name), str(currency), int(month)


def stored_reps(path: Path) -> list[tuple[str, bool]]:
    """(name, active) of every sales rep in the file, in list order."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, active FROM sales_rep ORDER BY position, id").fetchall()
    return [(str(name), bool(active)) for name, active in rows]


@pytest.fixture
def ops(plan_window: MainWindow) -> PlanOperations:
    assert plan_window.ops is not None
    return plan_window.ops


def open_dialog(qtbot: QtBot, window: MainWindow) -> ProfileDialog:
    window.profile_action.trigger()
    dialogs = [d for d in window.findChildren(ProfileDialog) if d.isVisible()]
    assert len(dialogs) == 1
    qtbot.waitUntil(dialogs[0].isVisible)
    return dialogs[0]


def click_ok(qtbot: QtBot, dialog: ProfileDialog) -> None:
    ok = dialog.button_box.button(dialog.button_box.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def type_into_editor(qtbot: QtBot, dialog: ProfileDialog, text: str) -> None:
    """Replace the text of the rep being edited in place, and press Enter."""
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor is not dialog.name_edit
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def rep_texts(dialog: ProfileDialog) -> list[str]:
    return [dialog.rep_list.item(row).text() for row in range(dialog.rep_list.count())]


def test_dialog_shows_the_profile(qtbot: QtBot, plan_window: MainWindow) -> None:
    dialog = open_dialog(qtbot, plan_window)
    assert dialog.name_edit.text() == SAMPLE[0]
    assert dialog.currency_combo.code() == "EUR"
    assert dialog.currency_combo.currentText() == "EUR — Euro"
    assert "€" in dialog.currency_example.text()
    assert dialog.month_combo.currentText() == "January"
    assert rep_texts(dialog) == [name for name, _active in SAMPLE_REPS]
    assert all(dialog.rep_list.item(row).checkState() == Qt.CheckState.Checked for row in range(4))


def test_empty_name_is_refused_beside_the_field(
    qtbot: QtBot, plan_window: MainWindow, ops: PlanOperations, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.name_edit.selectAll()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    assert dialog.name_edit.text() == ""
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.messages["name"].isVisible()
    assert dialog.messages["name"].text() == "Enter the business name."
    assert not dialog.messages["currency"].isVisible()
    assert stored_profile(sample_path) == SAMPLE
    assert ops.undo_stack.count() == 0

    qtbot.keyClicks(dialog.name_edit, "B")  # typing again clears the message
    assert not dialog.messages["name"].isVisible()


def test_a_currency_that_is_not_a_code_is_refused(
    qtbot: QtBot, plan_window: MainWindow, ops: PlanOperations, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.currency_combo.setEditText("E1")
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.messages["currency"].text() == (
        "A currency is a three-letter ISO code such as EUR or USD."
    )
    assert dialog.messages["currency"].isVisible()
    assert stored_profile(sample_path) == SAMPLE
    assert ops.undo_stack.count() == 0


def test_currency_and_fiscal_start_change_as_one_step(
    qtbot: QtBot, plan_window: MainWindow, ops: PlanOperations, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.currency_combo.setCurrentIndex(dialog.currency_combo.findData("GBP"))
    assert dialog.currency_combo.currentText() == "GBP — Pound sterling"
    assert "£" in dialog.currency_example.text()
    dialog.month_combo.setCurrentIndex(6)
    assert dialog.month_combo.currentText() == "July"
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert stored_profile(sample_path) == (SAMPLE[0], "GBP", 7)
    assert ops.undo_stack.count() == 1
    ops.undo_stack.undo()
    assert stored_profile(sample_path) == SAMPLE


def test_a_code_that_is_not_listed_can_be_typed(
    qtbot: QtBot, plan_window: MainWindow, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.currency_combo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.currency_combo.lineEdit(), "isk")
    assert dialog.currency_combo.code() == "ISK"
    assert example_amount("ISK") in dialog.currency_example.text()
    assert "ISK" in dialog.currency_example.text()
    click_ok(qtbot, dialog)
    assert stored_profile(sample_path) == (SAMPLE[0], "ISK", 1)


def test_cancel_and_an_unchanged_ok_store_nothing(
    qtbot: QtBot, plan_window: MainWindow, ops: PlanOperations, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    qtbot.keyClicks(dialog.name_edit, " and Sons")
    dialog.add_rep_button.click()
    type_into_editor(qtbot, dialog, "Dana")
    qtbot.waitUntil(lambda: rep_texts(dialog)[-1] == "Dana")
    cancel = dialog.button_box.button(dialog.button_box.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert stored_profile(sample_path) == SAMPLE
    assert stored_reps(sample_path) == SAMPLE_REPS

    dialog = open_dialog(qtbot, plan_window)
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert ops.undo_stack.count() == 0


def test_reps_are_added_renamed_and_removed(
    qtbot: QtBot, plan_window: MainWindow, ops: PlanOperations, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.add_rep_button.click()
    type_into_editor(qtbot, dialog, "Dana Novak")
    qtbot.waitUntil(lambda: rep_texts(dialog)[-1] == "Dana Novak")
    dialog.rep_list.setCurrentRow(1)
    dialog.rename_rep_button.click()
    type_into_editor(qtbot, dialog, "Jonas Weber-Ross")
    qtbot.waitUntil(lambda: rep_texts(dialog)[1] == "Jonas Weber-Ross")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert stored_reps(sample_path) == [
        ("Anna Hartmann", True),
        ("Jonas Weber-Ross", True),
        ("Lea Brandt", True),
        ("Tom Okafor", True),
        ("Dana Novak", True),
    ]
    assert ops.undo_stack.undoText() == "Change Business Profile"

    # Tom owns deals: removing him keeps him as inactive. Dana owns nothing: she goes.
    dialog = open_dialog(qtbot, plan_window)
    assert not dialog.removal_note.isVisible()
    dialog.rep_list.setCurrentRow(4)
    dialog.remove_rep_button.click()
    dialog.rep_list.setCurrentRow(3)
    dialog.remove_rep_button.click()
    assert rep_texts(dialog) == ["Anna Hartmann", "Jonas Weber-Ross", "Lea Brandt"]
    assert dialog.removal_note.isVisible()
    assert "kept as inactive" in dialog.removal_note.text()
    click_ok(qtbot, dialog)
    assert stored_reps(sample_path) == [
        ("Anna Hartmann", True),
        ("Jonas Weber-Ross", True),
        ("Lea Brandt", True),
        ("Tom Okafor", False),
    ]
    dialog = open_dialog(qtbot, plan_window)
    assert rep_texts(dialog) == ["Anna Hartmann", "Jonas Weber-Ross", "Lea Brandt", "Tom Okafor"]
    assert dialog.rep_list.item(3).checkState() == Qt.CheckState.Unchecked
    dialog.reject()

    assert ops.undo_stack.count() == 2
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    assert stored_reps(sample_path) == SAMPLE_REPS


def test_a_removed_rep_added_again_keeps_their_record(
    qtbot: QtBot, plan_window: MainWindow, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.rep_list.setCurrentRow(0)
    dialog.remove_rep_button.click()
    dialog.add_rep_button.click()
    type_into_editor(qtbot, dialog, "Anna Hartmann")
    qtbot.waitUntil(lambda: rep_texts(dialog)[-1] == "Anna Hartmann")
    click_ok(qtbot, dialog)
    assert not dialog.isVisible()
    with sqlite3.connect(sample_path) as conn:
        rows = conn.execute("SELECT id, name FROM sales_rep ORDER BY position").fetchall()
    assert rows == [(2, "Jonas Weber"), (3, "Lea Brandt"), (4, "Tom Okafor"), (1, "Anna Hartmann")]


def test_duplicate_reps_are_refused_beside_the_list(
    qtbot: QtBot, plan_window: MainWindow, ops: PlanOperations, sample_path: Path
) -> None:
    dialog = open_dialog(qtbot, plan_window)
    dialog.add_rep_button.click()
    type_into_editor(qtbot, dialog, "lea brandt")
    qtbot.waitUntil(lambda: rep_texts(dialog)[-1] == "lea brandt")
    click_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.messages["reps"].isVisible()
    assert dialog.messages["reps"].text() == "'lea brandt' is listed twice."
    assert stored_reps(sample_path) == SAMPLE_REPS
    assert ops.undo_stack.count() == 0
