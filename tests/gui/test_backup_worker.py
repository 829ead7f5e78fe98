"""Automatic backups are taken on a worker thread: opening a plan does not wait for its
copy, closing (File > Close, quitting, opening another plan, restoring) waits for a copy
being written and then takes the closing copy, and a failed copy is said in the status bar
while the user goes on working."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from planner.backups import BEFORE_RESTORE, CLOSED, EDITING, OPENED, Backup, BackupStore
from planner.db.plan import Plan, PlanError, backup_to, check_file, execute_sql, open_plan
from planner.services.offerings import add_offering
from ui import settings as opt
from ui.restore_backup_dialog import RestoreBackupDialog, backup_store

pytestmark = pytest.mark.gui

WORKER = "plan-backup"


@dataclass
class Gate:
    """Holds copies taken on the worker until ``go`` is set; notes where copies ran.

    ``hold``: "before" a copy starts, or "after" it was written (before it is compared
    with the newest one and rotated), so edits made meanwhile are not in it."""

    hold: str = "after"
    fail: bool = False
    go: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)  # a copy waits at it
    threads: list[str] = field(default_factory=list)

    def wait(self) -> None:
        if threading.current_thread().name == WORKER:
            self.held.set()
            assert self.go.wait(30), "the test never let the copy go"

    def written(self) -> None:
        """Wait until the copy on the worker is written (``hold`` "after"): edits made from
        now on are not in it, however late the worker thread got going."""
        assert self.held.wait(30), "no copy reached the gate"

    def release_soon(self) -> threading.Timer:
        """Let the copy go from another thread while this one waits for it."""
        timer = threading.Timer(0.2, self.go.set)
        timer.start()
        return timer


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    state = Gate()
    take, listing = BackupStore.take, BackupStore.backups

    def gated_take(store: BackupStore, plan: Plan, reason: str, **kwargs: bool) -> Backup | None:
        state.threads.append(threading.current_thread().name)
        if state.hold == "before" or state.fail:
            state.wait()
        if state.fail:
            raise PlanError("The copy 'x.smplan' could not be written: the disk is full.")
        return take(store, plan, reason, **kwargs)

    def gated_backups(store: BackupStore, plan_path: Any) -> list[Backup]:
        if state.hold == "after":  # take lists the copies right after writing its own
            state.wait()
        return listing(store, plan_path)

    monkeypatch.setattr(BackupStore, "take", gated_take)
    monkeypatch.setattr(BackupStore, "backups", gated_backups)
    yield state
    state.go.set()  # a failing test never leaves a worker waiting


def _add(window: Any, name: str) -> None:
    with window.plan.uow() as uow:
        command = add_offering(uow, name)
    assert window.ops.run(command)


def _offerings(path: Path) -> list[str]:
    with open_plan(path, read_only=True) as plan:
        return [r[0] for r in execute_sql(plan, "SELECT name FROM offering ORDER BY name")]


def _workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == WORKER]


def _kept(window: Any, path: Path) -> list[Backup]:
    return backup_store(window.settings).backups(path)


def _only_whole_copies(window: Any, path: Path) -> list[Backup]:
    """The kept copies, each a valid plan, with no half-written file beside them."""
    kept = _kept(window, path)
    for backup in kept:
        check_file(backup.path)
    folder = backup_store(window.settings).folder_for(path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(b.path.name for b in kept)
    return kept


def test_opening_returns_before_the_copy_is_made(
    make_window: Callable[..., Any], qtbot: QtBot, gate: Gate, sample_path: Path
) -> None:
    gate.hold = "before"
    window = make_window()
    assert window.open_path(sample_path)  # returns while the copy waits on the worker
    assert window.backup_running
    assert _kept(window, sample_path) == []
    gate.go.set()
    qtbot.waitUntil(lambda: not window.backup_running)
    assert gate.threads == [WORKER]
    assert [b.reason for b in _only_whole_copies(window, sample_path)] == [OPENED]
    assert window.statusBar().currentMessage() == ""


@pytest.mark.parametrize("how", ["close plan", "quit", "open another"])
def test_closing_during_a_copy_waits_for_it_then_takes_the_closing_copy(
    make_window: Callable[..., Any],
    qtbot: QtBot,
    gate: Gate,
    sample_path: Path,
    tmp_path: Path,
    how: str,
) -> None:
    window = make_window()
    assert window.open_path(sample_path)
    gate.written()
    _add(window, "Wedding cakes")  # made while the opening copy is being written
    assert window.backup_running
    release = gate.release_soon()
    if how == "close plan":
        window.close_plan()
    elif how == "quit":
        window.close()
    else:
        other = tmp_path / "other.smplan"
        backup_to(sample_path, other)
        assert window.open_path(other)
        qtbot.waitUntil(lambda: not window.backup_running)  # the other plan's own copy
    release.join()
    assert not _workers()
    kept = _only_whole_copies(window, sample_path)
    assert [b.reason for b in kept] == [CLOSED, OPENED]
    assert "Wedding cakes" in _offerings(kept[0].path)
    assert "Wedding cakes" not in _offerings(kept[1].path)  # the plan as it was opened
    assert _offerings(kept[0].path) == _offerings(sample_path)


def test_restoring_waits_for_a_copy_being_written(
    make_window: Callable[..., Any], qtbot: QtBot, gate: Gate, sample_path: Path
) -> None:
    window = make_window()
    assert window.open_path(sample_path)
    gate.written()
    _add(window, "Wedding cakes")
    assert window.backup_running
    release = gate.release_soon()
    window.restore_action.trigger()  # lists the copies once the one being written is done
    release.join()
    qtbot.waitUntil(lambda: bool(window.findChildren(RestoreBackupDialog)))
    dialog = window.findChildren(RestoreBackupDialog)[0]
    assert dialog.list.topLevelItemCount() == 1
    row = dialog.list.topLevelItem(0)
    assert row is not None and row.text(1) == "When the plan was opened"
    dialog.list.setCurrentItem(row)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: window.plan is not None and not window.backup_running)
    assert "Wedding cakes" not in _offerings(sample_path)
    kept = _only_whole_copies(window, sample_path)
    assert [b.reason for b in kept] == [OPENED, BEFORE_RESTORE, OPENED]
    assert "Wedding cakes" in _offerings(kept[1].path)


def test_an_edit_during_the_opening_copy_gets_its_own_copy(
    make_window: Callable[..., Any], qtbot: QtBot, gate: Gate, sample_path: Path
) -> None:
    window = make_window()
    window.settings.set(opt.BACKUP_MINUTES, 0)  # a copy after every edit
    assert window.open_path(sample_path)
    gate.written()
    for name in ("Wedding cakes", "Scones"):  # both while the opening copy is written
        _add(window, name)
    gate.go.set()
    qtbot.waitUntil(lambda: not window.backup_running)
    assert gate.threads == [WORKER, WORKER]  # one more copy for both edits, on the worker
    editing, opened = _only_whole_copies(window, sample_path)
    assert (editing.reason, opened.reason) == (EDITING, OPENED)
    assert {"Wedding cakes", "Scones"} <= set(_offerings(editing.path))
    assert "Scones" not in _offerings(opened.path)
    window.close_plan()  # nothing changed since the last copy: no closing copy
    assert [b.reason for b in _kept(window, sample_path)] == [EDITING, OPENED]


def test_a_failed_backup_is_said_and_work_goes_on(
    make_window: Callable[..., Any], qtbot: QtBot, gate: Gate, sample_path: Path
) -> None:
    gate.fail = True
    gate.go.set()
    window = make_window()
    assert window.open_path(sample_path)
    status = window.statusBar()
    qtbot.waitUntil(lambda: status.currentMessage() != "")
    assert status.currentMessage() == (
        "An automatic backup could not be made: "
        "The copy 'x.smplan' could not be written: the disk is full."
    )
    assert gate.threads == [WORKER]
    _add(window, "Wedding cakes")  # the user goes on working
    assert "Wedding cakes" in _offerings(sample_path)
    qtbot.waitUntil(lambda: not window.backup_running)
    assert _kept(window, sample_path) == []


def test_reopening_an_unchanged_plan_keeps_one_copy(
    make_window: Callable[..., Any], qtbot: QtBot, sample_path: Path
) -> None:
    window = make_window()
    for _round in range(3):
        assert window.open_path(sample_path)
        qtbot.waitUntil(lambda: not window.backup_running)
        window.close_plan()
    kept = _only_whole_copies(window, sample_path)
    assert [b.reason for b in kept] == [OPENED]
    assert not _workers()


def test_a_read_only_plan_gets_no_backups(
    make_window: Callable[..., Any], gate: Gate, sample_path: Path
) -> None:
    gate.go.set()
    window = make_window()
    window.load_plan(open_plan(sample_path, read_only=True))
    assert not window.backup_running
    window.close_plan()
    assert gate.threads == [] and _kept(window, sample_path) == []


QUIT_SCRIPT = """
import sys, threading
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from planner.backups import BackupStore
from planner.services.offerings import add_offering
from ui import settings as opt
from ui.main_window import MainWindow

listing, go = BackupStore.backups, threading.Event()
def held(store, plan_path):  # the opening copy is still being written when the window quits
    if threading.current_thread().name == "plan-backup":
        go.wait(30)
    return listing(store, plan_path)
BackupStore.backups = held

app = QApplication([])
window = MainWindow()
window.settings.set(opt.BACKUP_MINUTES, 0)
window.show()
assert window.open_path(Path(sys.argv[1]))
with window.plan.uow() as uow:
    command = add_offering(uow, "Wedding cakes")
assert window.ops.run(command)  # asks for one more copy after the running one
assert window.backup_running
threading.Timer(0.2, go.set).start()
QTimer.singleShot(0, window.close)  # the last window: the application quits
sys.exit(app.exec())
"""


def test_quitting_while_a_copy_is_written_is_clean(
    sample_path: Path, _fresh_settings: Path
) -> None:
    """The application quits (last window closed) while a copy is being written: the copy
    is completed, the closing copy taken, and nothing is said on the way out."""
    env = dict(os.environ, SMPLANNER_CONFIG_DIR=str(_fresh_settings), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-c", QUIT_SCRIPT, str(sample_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(opt.__file__).parent.parent,
        timeout=120,
    )
    noise = "This plugin does not support propagateSizeHints()"  # offscreen's own notice
    said = [line for line in result.stderr.splitlines() if line.strip() and noise not in line]
    assert (result.returncode, said) == (0, [])
    store = BackupStore(_fresh_settings / "backups")
    kept = store.backups(sample_path)
    assert [b.reason for b in kept] == [CLOSED, OPENED]
    for backup in kept:
        check_file(backup.path)
    assert sorted(p.name for p in kept[0].path.parent.iterdir()) == sorted(
        b.path.name for b in kept
    )
