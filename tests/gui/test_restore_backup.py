"""File > Restore from Backup…: the copies taken on open and while editing are listed with
date, time and size; restoring one brings its content back, keeps the plan as it was as a
"before restore" copy first, and restoring that copy undoes the restore."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from planner.backups import BEFORE_RESTORE, OPENED
from planner.db.plan import execute_sql
from planner.services.offerings import add_offering
from ui.restore_backup_dialog import RestoreBackupDialog, backup_store, size_text

pytestmark = pytest.mark.gui


def _names(window: Any) -> list[str]:
    return [r[0] for r in execute_sql(window.plan, "SELECT name FROM offering ORDER BY name")]


def _add(window: Any, name: str) -> None:
    with window.plan.uow() as uow:
        command = add_offering(uow, name)
    assert window.ops.run(command)


def _open_dialog(window: Any, qtbot: QtBot) -> RestoreBackupDialog:
    window.restore_action.trigger()
    found: list[RestoreBackupDialog] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, RestoreBackupDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown)
    return found[0]


def _restore_row(window: Any, qtbot: QtBot, row: int) -> None:
    dialog = _open_dialog(window, qtbot)
    item = dialog.list.topLevelItem(row)
    assert item is not None
    dialog.list.setCurrentItem(item)
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()


def test_restore_and_undo_the_restore(
    plan_window: Any, qtbot: QtBot, dialogs: Any, sample_path: Path
) -> None:
    window = plan_window
    original = _names(window)
    store = backup_store(window.settings)
    qtbot.waitUntil(lambda: not window.backup_running)  # taken on the backup worker
    kept = store.backups(sample_path)
    assert [b.reason for b in kept] == [OPENED]  # taken when the plan was opened
    _add(window, "Wedding cakes")
    assert "Wedding cakes" in _names(window)

    dialog = _open_dialog(window, qtbot)
    assert dialog.list.topLevelItemCount() == 1
    row = dialog.list.topLevelItem(0)
    assert row is not None
    assert row.text(1) == "When the plan was opened"
    assert row.text(2) == size_text(kept[0].size) and row.text(2).endswith("KB")
    taken = kept[0].taken_at
    assert str(taken.year) in row.text(0) or f"{taken:%y}" in row.text(0)
    assert f"{taken:%M}" in row.text(0)
    dialog.reject()

    _restore_row(window, qtbot, 0)
    assert dialogs.texts("question")[-1].startswith("Go back to the copy of 'sample.smplan'")
    qtbot.waitUntil(lambda: window.plan is not None and "Wedding cakes" not in _names(window))
    assert _names(window) == original
    assert "Restored the copy from" in window.statusBar().currentMessage()
    assert window.ops.undo_stack.count() == 0
    reasons = [b.reason for b in store.backups(sample_path)]
    assert BEFORE_RESTORE in reasons

    # Undo the restore: the "before restore" copy holds the plan with the new offering.
    dialog = _open_dialog(window, qtbot)
    labels = [dialog.list.topLevelItem(i).text(1) for i in range(dialog.list.topLevelItemCount())]  # type: ignore[union-attr]
    dialog.reject()
    row_index = labels.index("Before a backup was restored")
    _restore_row(window, qtbot, row_index)
    qtbot.waitUntil(lambda: window.plan is not None and "Wedding cakes" in _names(window))
    _add(window, "Scones")  # the restored plan is a working plan
    assert "Scones" in _names(window)


def test_saying_no_changes_nothing(plan_window: Any, qtbot: QtBot, dialogs: Any) -> None:
    window = plan_window
    _add(window, "Wedding cakes")
    dialogs.question_answer = QMessageBox.StandardButton.No
    _restore_row(window, qtbot, 0)
    assert dialogs.texts("question")
    assert "Wedding cakes" in _names(window)
    assert window.ops.undo_stack.count() == 1  # the plan was never reloaded


def test_no_backups_yet_says_so(
    make_window: Callable[..., Any], qtbot: QtBot, sample_path: Path
) -> None:
    window = make_window()
    assert window.open_path(sample_path)
    qtbot.waitUntil(lambda: not window.backup_running)  # the opening copy, on the worker
    store = backup_store(window.settings)
    for backup in store.backups(sample_path):
        backup.path.unlink()
    dialog = RestoreBackupDialog(store, sample_path, window)
    assert dialog.backups == []
    assert not dialog.empty.isHidden() and dialog.list.isHidden()
    assert "no copies of this plan yet" in dialog.empty.text()
    assert not dialog.restore_button.isEnabled()
    dialog.deleteLater()


def test_backups_rotate_to_the_setting(make_window: Callable[..., Any], sample_path: Path) -> None:
    from ui import settings as opt

    window = make_window()
    window.settings.set(opt.BACKUP_COUNT, 2)
    window.settings.set(opt.BACKUP_MINUTES, 0)  # a copy after every edit
    assert window.open_path(sample_path)
    for name in ("A", "B", "C"):
        _add(window, name)
    window.close_plan()
    kept = backup_store(window.settings).backups(sample_path)
    assert len(kept) == 2
    assert kept[0].reason != OPENED
