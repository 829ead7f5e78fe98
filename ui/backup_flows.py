"""The open plan's lock and automatic backups, and File > Restore from Backup…, for the
main window.

``BackupFlows`` is mixed into ``MainWindow`` (under ``FileFlows``): once a plan is shown it
holds the plan's instance lock, takes the opening backup and the backups due after edits on
the backup worker (``planner.backups.BackgroundBackup``; the window never waits for a
copy), the closing backup when the plan closes, and goes back to a copy the user chooses.
A failed backup never stops the user working: it is said in the status bar.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox

from planner.backups import AutoBackup, BackgroundBackup, Backup, BackupOutcome
from planner.db.plan import Plan, PlanError, open_plan
from planner.instance_lock import PlanLock
from ui import settings as opt

if TYPE_CHECKING:
    from planner.backups import BackupStore
    from ui.settings import Settings


def _backup_store(settings: Settings) -> BackupStore:
    """Where the open plan's copies are kept. The module that knows is the restore
    dialog's: it is imported when a plan first needs a backup, not with the window."""
    from ui.restore_backup_dialog import backup_store as store

    return store(settings)


class BackupFlows(QMainWindow):
    """The lock and backups of the open plan; ``MainWindow`` supplies plan loading,
    settings and the pages."""

    settings: Settings
    _persist: bool
    _lock: PlanLock | None = None
    _auto_backup: BackgroundBackup | None = None
    _backup_wired = False
    # A copy taken on the backup worker, told on the GUI thread (connected queued).
    _backup_reported = Signal(object)

    @property
    def plan(self) -> Plan | None:
        raise NotImplementedError

    def load_plan(self, plan: Plan, *, remember: bool = True, lock: PlanLock | None = None) -> None:
        raise NotImplementedError

    def _unload_plan(self) -> None:
        raise NotImplementedError

    def _show_start_page(self) -> None:
        raise NotImplementedError

    def _guard_plan(self, plan: Plan, lock: PlanLock | None) -> None:
        """Once ``plan`` is shown: hold its lock, start the opening backup on the backup
        worker (the window does not wait for it), and watch edits."""
        self._lock = lock
        self._stop_backups()
        if plan.read_only or not self._persist:  # timing runs write nothing
            return
        if not self._backup_wired:
            self._backup_wired = True
            self._backup_reported.connect(self._backup_done, Qt.ConnectionType.QueuedConnection)
        minutes = self.settings.get(opt.BACKUP_MINUTES)
        auto = AutoBackup(_backup_store(self.settings), plan, minutes=minutes)
        self._auto_backup = BackgroundBackup(auto, _reporter(self))
        self._auto_backup.opened()

    def _plan_edited(self) -> None:
        if self._auto_backup is not None:
            self._auto_backup.edited()  # a copy, when one is due, is taken on the worker

    @property
    def backup_running(self) -> bool:
        """An automatic backup of the open plan is being taken on the worker."""
        return self._auto_backup is not None and self._auto_backup.busy

    def wait_for_backup(self) -> None:
        """Wait until no automatic backup of the open plan is being taken."""
        if self._auto_backup is not None:
            self._auto_backup.wait()

    def _stop_backups(self) -> None:
        """No more automatic backups of the open plan; a running one is finished first."""
        auto, self._auto_backup = self._auto_backup, None
        if auto is not None:
            auto.stop()

    def _backup_done(self, outcome: BackupOutcome) -> None:
        if outcome.error is not None:
            self._backup_failed(outcome.error)

    def _backup_failed(self, exc: Exception) -> None:
        # A failed backup must never stop the user working; it is said in the status bar.
        self.statusBar().showMessage(f"An automatic backup could not be made: {exc}", 15000)

    def _close_guarded(self, plan: Plan) -> None:
        """Close ``plan``: a backup being taken is finished, then the closing backup is taken
        (if it changed), then the plan closes and the lock goes."""
        auto, self._auto_backup = self._auto_backup, None
        if auto is not None:
            if auto.plan is plan:
                self._backup_step(auto.closed)  # waits for a running copy first
            else:
                auto.stop()
        plan.close()
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()

    def _backup_step(self, step: Callable[[], Backup | None]) -> None:
        try:
            step()
        except (PlanError, OSError) as exc:
            self._backup_failed(exc)

    def restore_backup(self) -> None:
        """File > Restore from Backup…: choose a copy, confirm, and go back to it."""
        plan = self.plan
        if plan is None or plan.read_only:
            return
        self.wait_for_backup()  # list the copy being taken, and let no rotation run meanwhile
        from ui.restore_backup_dialog import RestoreBackupDialog

        store = _backup_store(self.settings)
        dialog = RestoreBackupDialog(store, plan.path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._restore_chosen(dialog.chosen()))
        dialog.open()

    def _restore_chosen(self, backup: Backup | None) -> None:
        plan = self.plan
        if backup is None or plan is None:
            return
        when = f"{backup.taken_at:%d %b %Y at %H:%M:%S}"
        answer = QMessageBox.question(
            self,
            "Restore from Backup",
            f"Go back to the copy of '{plan.path.name}' from {when}? The plan as it is now "
            "is kept as a backup first, so you can return to it the same way.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        path, lock = plan.path, self._lock
        self._lock = None  # held on to through the restore: no other window slips in
        self._stop_backups()  # the restore keeps its own "before restore" copy
        self._unload_plan()
        message = None
        kept = None
        try:
            current = open_plan(path)
            try:
                kept = _backup_store(self.settings).restore(backup, current)
            finally:
                current.close()
        except PlanError as exc:
            message = str(exc)  # the plan was left as it was
        try:
            restored = open_plan(path)
        except PlanError as exc:
            if lock is not None:
                lock.release()
            self._show_start_page()
            QMessageBox.critical(self, "Could Not Open the Plan", str(exc))
            return
        self.load_plan(restored, remember=False, lock=lock)
        if message is not None:
            QMessageBox.warning(self, "Could Not Restore the Backup", message)
            return
        kept_as = (
            f" The plan as it was is kept as the copy from {kept.taken_at:%H:%M:%S}."
            if kept
            else ""
        )
        self.statusBar().showMessage(f"Restored the copy from {when}.{kept_as}", 15000)


def _reporter(window: BackupFlows) -> Callable[[BackupOutcome], None]:
    """Tells ``window`` (on the GUI thread, through its queued signal) how a copy taken on
    the worker went. Holds the window weakly: the worker never keeps it alive, so it can
    never be the last owner of a Qt object (which would delete it on the wrong thread)."""
    ref = weakref.ref(window)

    def report(outcome: BackupOutcome) -> None:
        target = ref()
        if target is None:
            return
        with contextlib.suppress(RuntimeError):  # the window was deleted: nobody to tell
            target._backup_reported.emit(outcome)

    return report
