"""File > Export to Excel…: the dialog's choices, the export on a worker thread with its
progress dialog, cancelling it, and a problem shown as one sentence."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from planner.io import excel_export
from planner.io.workbook_layout import META, Meta
from ui.export_dialog import ExportDialog, default_file_name

pytestmark = pytest.mark.gui
BUSINESS = "Hartmann's Bakery & Catering"


@pytest.fixture
def dialog(qtbot: QtBot, ops: Any) -> ExportDialog:
    made = ExportDialog(ops)
    qtbot.addWidget(made)
    made.show()
    return made


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold every export at its start until the test sets the event."""
    gate = threading.Event()
    real = excel_export.read_data

    def waiting(*args: Any, **kwargs: Any) -> Any:
        assert gate.wait(30), "the test never released the export"
        return real(*args, **kwargs)

    monkeypatch.setattr(excel_export, "read_data", waiting)
    yield gate
    gate.set()  # never leave a worker thread waiting


def year_of(path: Path) -> object:
    book = openpyxl.load_workbook(path, read_only=True)
    values = {row[0]: row[1] for row in book[META].iter_rows(values_only=True)}
    return values[Meta.FISCAL_YEAR]


def run_export(qtbot: QtBot, dialog: ExportDialog) -> None:
    """Click Export and wait until the dialog has handled the job's end (the job may end
    before a signal spy could be connected, so wait for the dialog's state instead)."""
    dialog.export_button.click()
    assert dialog.job is not None
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)


def test_defaults_to_the_current_year_beside_the_plan(dialog: ExportDialog, ops: Any) -> None:
    assert dialog.year_box.currentText() == "FY 2026"
    assert Path(dialog.path_edit.text()) == ops.plan.path.parent / f"{BUSINESS} FY 2026.xlsx"
    dialog.year_box.setCurrentIndex(dialog.year_box.findText("FY 2025"))
    assert Path(dialog.path_edit.text()).name == f"{BUSINESS} FY 2025.xlsx"
    dialog.path_edit.setText(str(ops.plan.path.parent / "for the bank.xlsx"))
    dialog.year_box.setCurrentIndex(dialog.year_box.findText("FY 2026"))
    assert Path(dialog.path_edit.text()).name == "for the bank.xlsx"  # the owner's own name


def test_choose_asks_for_the_file(dialog: ExportDialog, dialogs: Any, tmp_path: Path) -> None:
    dialogs.save_answers.append(tmp_path / "accountant")
    dialog.choose_file()
    assert dialog.path_edit.text() == str(tmp_path / "accountant.xlsx")
    assert dialogs.file_captions == ["Export to Excel"]


def test_export_writes_the_chosen_year(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.year_box.setCurrentIndex(dialog.year_box.findText("FY 2025"))
    run_export(qtbot, dialog)
    assert isinstance(dialog.outcome, excel_export.ExportResult)
    assert dialog.result() == ExportDialog.DialogCode.Accepted
    assert year_of(out) == 2025


def test_window_stays_responsive_and_cancel_keeps_the_old_file(
    qtbot: QtBot, dialog: ExportDialog, tmp_path: Path, held: threading.Event
) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"last month's workbook")
    dialog.path_edit.setText(str(out))
    dialog.export_button.click()
    job = dialog.job
    assert job is not None and dialog.progress is not None
    # The export is held on its thread; the progress dialog still appears and responds.
    qtbot.waitUntil(lambda: dialog.progress is not None and dialog.progress.isVisible())
    assert not dialog.export_button.isEnabled()
    cancel = dialog.progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    with qtbot.waitSignal(job.finished, timeout=60_000) as finished:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert dialog.progress.labelText() == "Cancelling…"
        held.set()
    assert finished.args == [None]
    assert dialog.outcome is None
    assert out.read_bytes() == b"last month's workbook"
    assert sorted(p.name for p in tmp_path.iterdir() if "smplan" not in p.name) == ["plan.xlsx"]
    assert dialog.isVisible() and dialog.export_button.isEnabled()  # free to try again


def test_a_problem_is_one_sentence(
    qtbot: QtBot, dialog: ExportDialog, dialogs: Any, tmp_path: Path
) -> None:
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "plan.xlsx"))
    run_export(qtbot, dialog)
    assert dialogs.texts("warning") == [
        f"The folder '{tmp_path / 'no such folder'}' does not exist."
    ]
    assert dialog.isVisible()


def test_file_menu_opens_the_dialog(
    qtbot: QtBot, make_window: Callable[..., Any], sample_path: Path
) -> None:
    window = make_window()
    assert not window.export_excel_action.isEnabled()
    assert window.open_path(sample_path)
    assert window.export_excel_action.isEnabled()
    window.export_excel_action.trigger()
    found = window.findChild(ExportDialog)
    assert found is not None and found.isVisible()
    found.path_edit.setText(str(sample_path.parent / "from the menu.xlsx"))
    run_export(qtbot, found)
    assert (sample_path.parent / "from the menu.xlsx").exists()
    assert window.statusBar().currentMessage().startswith("Exported FY 2026 to ")


def test_default_file_name_is_safe() -> None:
    from planner.domain.periods import FiscalYear

    assert default_file_name('A/B: "C"?', FiscalYear(2026, 7)) == "A B C FY 2026-27.xlsx"
    assert default_file_name("...", FiscalYear(2026)) == "FY 2026.xlsx"
