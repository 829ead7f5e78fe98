"""File > Import from Excel…: choose an edited export, read the preview, apply as one step."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import Deal
from planner.db.plan import open_plan
from planner.io.excel_export import export_workbook
from tests.conftest import SAMPLE_TODAY
from ui.excel_import_dialog import ExcelImportDialog
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def exported(_sample_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    plan = open_plan(shutil.copyfile(_sample_master, folder / "copy.smplan"))
    try:
        export_workbook(plan, folder / "plan.xlsx", today=SAMPLE_TODAY)
    finally:
        plan.close()
    return folder / "plan.xlsx"


@pytest.fixture
def edited(exported: Path, tmp_path: Path) -> Callable[[Callable[[Any], None]], str]:
    def make(change: Callable[[Any], None]) -> str:
        book = openpyxl.load_workbook(exported)
        change(book)
        path = tmp_path / "edited.xlsx"
        book.save(path)
        return str(path)

    return make


def make_dialog(qtbot: QtBot, ops: PlanOperations) -> ExcelImportDialog:
    dialog = ExcelImportDialog(ops)
    qtbot.addWidget(dialog)
    return dialog


def load(qtbot: QtBot, dialog: ExcelImportDialog, path: str | Path | None = None) -> bool:
    """Choose ``path`` (or read the chosen file again) and wait until it is read."""
    with qtbot.waitSignal(dialog.read_finished, timeout=30_000) as blocker:
        if path is None:
            dialog.reread()
        else:
            dialog.set_file(str(path))
    return bool(blocker.args and blocker.args[0])


def amount(ops: PlanOperations, deal_id: int) -> int:
    with ops.plan.session() as session:
        return int(session.scalar(select(Deal.amount_minor).where(Deal.id == deal_id)) or 0)


def items(widget: Any) -> list[str]:
    return [widget.item(n).text() for n in range(widget.count())]


def test_preview_then_apply_as_one_undo_step(
    qtbot: QtBot, ops: PlanOperations, edited: Callable[[Callable[[Any], None]], str]
) -> None:
    def change(book: Any) -> None:
        book["Pipeline"]["J6"] = 4321
        book["Targets"]["E6"] = 12345.5

    dialog = make_dialog(qtbot, ops)
    assert load(qtbot, dialog, edited(change))
    assert dialog.file_note.text().endswith("1 target and 1 deal will change.")
    assert dialog.go_next() and dialog.page == 1
    assert dialog.summary_label.text() == "1 target and 1 deal will change."
    assert dialog.counts_label.text() == (
        "Changes per sheet: Targets: 1 · Channels: 0 · Actual sales: 0 · Deals: 1"
    )
    assert items(dialog.changes_list) == [
        "Targets: Bakery counter, Feb 2026: 17,400.00 → 12,345.50",
        "Pipeline: deal 1 (Schmid & Hartung Insurance): amount 519.00 → 4,321.00",
    ]
    assert dialog.problems_list.isHidden() and dialog.problems_label.isHidden()
    assert dialog.finish_button.isEnabled()
    with qtbot.waitSignal(ops.changed):
        assert dialog.finish()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert amount(ops, 1) == 432_100
    assert ops.undo_stack.count() == 1
    assert ops.undo_stack.undoText() == "Import from Excel"
    ops.undo_stack.undo()
    assert amount(ops, 1) == 51_900


def test_problems_block_apply_until_the_workbook_is_fixed(
    qtbot: QtBot, ops: PlanOperations, edited: Callable[[Callable[[Any], None]], str]
) -> None:
    def broken(book: Any) -> None:
        book["Pipeline"]["J6"] = 4321
        book["Targets"]["F6"] = "abc"

    dialog = make_dialog(qtbot, ops)
    path = edited(broken)
    assert load(qtbot, dialog, path)
    assert dialog.go_next()
    assert items(dialog.problems_list) == ["Targets!F6: 'abc' is not an amount."]
    assert dialog.problems_label.text().startswith("Nothing can be imported while this cell")
    assert not dialog.finish_button.isEnabled()
    assert not dialog.finish()
    assert amount(ops, 1) == 51_900

    book = openpyxl.load_workbook(path)  # the owner fixes the cell in Excel
    book["Targets"]["F6"] = 19000
    book.save(path)
    assert load(qtbot, dialog)
    assert dialog.problems_list.isHidden()
    assert dialog.finish_button.isEnabled()
    assert len(items(dialog.changes_list)) == 2
    assert dialog.finish()
    assert amount(ops, 1) == 432_100 and ops.undo_stack.count() == 1


def test_a_file_that_is_not_an_export_is_refused_in_one_sentence(
    qtbot: QtBot, ops: PlanOperations, tmp_path: Path
) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    dialog = make_dialog(qtbot, ops)
    assert not load(qtbot, dialog, path)
    assert dialog.file_note.text() == "notes.xlsx is not an Excel workbook (.xlsx)."
    assert not dialog.go_next() and dialog.page == 0
    assert dialog.error.text() == "notes.xlsx is not an Excel workbook (.xlsx)."


def test_an_unchanged_workbook_has_nothing_to_apply(
    qtbot: QtBot, ops: PlanOperations, exported: Path
) -> None:
    dialog = make_dialog(qtbot, ops)
    assert load(qtbot, dialog, exported)
    assert dialog.go_next()
    assert dialog.summary_label.text() == "Nothing in the workbook differs from the plan."
    assert dialog.changes_list.isHidden()
    assert not dialog.finish_button.isEnabled()


def test_the_file_menu_opens_the_dialog(plan_window: Any, qtbot: QtBot) -> None:
    action = plan_window.import_excel_action
    assert action.isEnabled() and action.text() == "Import from E&xcel…"
    file_menu = plan_window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    action.trigger()
    dialog = plan_window.findChild(ExcelImportDialog)
    assert dialog is not None and dialog.ops is plan_window.ops
    qtbot.waitUntil(dialog.isVisible)
    dialog.reject()


def test_reading_runs_in_the_background_and_close_waits_for_it(
    qtbot: QtBot, ops: PlanOperations, exported: Path
) -> None:
    dialog = make_dialog(qtbot, ops)
    dialog.set_file(str(exported))
    assert dialog.busy and not dialog.next_button.isEnabled()
    assert dialog.file_note.text() == "Reading the workbook…"
    assert dialog._check_file() == "The workbook is still being read; a moment, please."
    dialog.reject()  # waits for the reading; its answer never reaches the closed dialog
    assert not dialog.busy and dialog.reading is None


def test_a_workbook_spoilt_before_read_again_goes_back_to_the_first_step(
    qtbot: QtBot, ops: PlanOperations, edited: Callable[[Callable[[Any], None]], str]
) -> None:
    path = edited(lambda book: None)
    dialog = make_dialog(qtbot, ops)
    assert load(qtbot, dialog, path)
    assert dialog.go_next() and dialog.page == 1
    Path(path).write_bytes(b"PK\x03\x04 damaged")
    assert not load(qtbot, dialog)
    assert dialog.page == 0
    assert dialog.error.text() == "edited.xlsx is not a valid Excel file."
