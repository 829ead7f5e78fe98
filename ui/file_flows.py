"""File > New, Open, Open Recent, New from Sample, Save a Copy As and Close, for the main window.

``FileFlows`` is mixed into ``MainWindow``: these are the conversations with the user
(file dialogs, questions, error messages) around ``planner.db.plan``. Every error is shown
as the one sentence the core gives; a file that cannot be opened is left untouched.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox

from planner.backups import AutoBackup, BackgroundBackup, Backup, BackupOutcome
from planner.db.plan import (
    SUFFIX,
    Plan,
    PlanError,
    UpgradeCancelled,
    create_plan,
    open_plan,
    read_only_reason,
)
from planner.instance_lock import LockHeld, PlanLock
from ui import settings as opt
from ui.new_plan_dialog import NewPlanDetails, NewPlanDialog
from ui.restore_backup_dialog import RestoreBackupDialog, backup_store
from ui.second_instance import ask_open_read_only, ask_open_read_only_file
from ui.upgrade_progress import UpgradeProgressDialog

if TYPE_CHECKING:
    from ui.settings import Settings

PLAN_FILTER = f"Plans (*{SUFFIX});;All files (*)"


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


class FileFlows(QMainWindow):
    """The File menu's flows; ``MainWindow`` supplies plan loading, settings and the pages."""

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

    def _refresh_recent(self) -> None:
        raise NotImplementedError

    def _default_folder(self) -> Path:
        raise NotImplementedError

    def open_path(self, path: Path) -> bool:
        """Open the plan at ``path``; a file that cannot be opened is reported, left untouched."""
        path = Path(path)
        if self.plan is not None and _same_file(self.plan.path, path):
            return True
        try:
            opened = self._open_guarded(path)
        except UpgradeCancelled:
            return False  # the user's own choice: the file was left as it was
        except PlanError as exc:
            self.report_open_error(str(exc))
            return False
        if opened is None:
            return False
        self.load_plan(opened[0], lock=opened[1])
        return True

    def _open_guarded(self, path: Path) -> tuple[Plan, PlanLock | None] | None:
        """Open ``path`` for editing while holding its lock. When another window has it
        open, or the file cannot be written, ask whether to open it read-only; None when
        the user said no. Raises ``PlanError`` for a file that cannot be opened at all."""
        reason = read_only_reason(path)
        if reason is not None:
            if not ask_open_read_only_file(self, path, reason):
                return None
            return open_plan(path, read_only=True), None
        lock = None
        if path.is_file():  # a missing file or a folder gets no lock file beside it
            try:
                lock = PlanLock.acquire(path)
            except LockHeld as held:
                if not ask_open_read_only(self, held):
                    return None
                return open_plan(path, read_only=True), None
            except OSError:
                pass  # no lock file can be made here: go on without one
        try:
            with UpgradeProgressDialog(self) as progress:  # shown only if an upgrade runs
                return open_plan(path, progress=progress), lock
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def report_open_error(self, message: str) -> None:
        QMessageBox.critical(self, "Could Not Open the Plan", message)

    def reopen_last(self, *, remember: bool = True) -> bool:
        """Reopen the plan open when the app was last quit, if it is still there and opens."""
        last = self.settings.get(opt.LAST_PLAN)
        if not last or not Path(last).is_file():
            return False
        try:
            opened = self._open_guarded(Path(last))
        except PlanError as exc:
            self.statusBar().showMessage(str(exc), 15000)
            return False
        if opened is None:
            return False
        self.load_plan(opened[0], remember=remember, lock=opened[1])
        return True

    # ----- lock and automatic backups of the open plan ----------------------------------
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
        auto = AutoBackup(backup_store(self.settings), plan, minutes=minutes)
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
        store = backup_store(self.settings)
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
                kept = backup_store(self.settings).restore(backup, current)
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

    def open_dialog(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Open Plan", str(self._default_folder()), PLAN_FILTER
        )
        if name:
            self.open_path(Path(name))

    def open_recent(self, path: Path) -> None:
        if not path.is_file():
            self.settings.remove_recent(path)
            self._refresh_recent()
            QMessageBox.warning(
                self,
                "Plan Not Found",
                f"'{path.name}' is no longer in '{path.parent}' (it may have been moved, "
                "renamed or deleted), so it was removed from the recent plans.",
            )
            return
        self.open_path(path)

    def _forget_recent(self, path: Path) -> None:
        self.settings.remove_recent(path)
        self._refresh_recent()

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self._refresh_recent()

    def close_plan(self) -> None:
        """File > Close: back to the start page; the next start shows it too."""
        self._unload_plan()
        if self._persist:
            self.settings.reset(opt.LAST_PLAN)
        self._show_start_page()

    def _ask_save_path(self, caption: str, suggested: str) -> Path | None:
        """Ask where to write a plan file; the suffix is added when left off."""
        safe = re.sub(r'[\\/:*?"<>|]+', "-", suggested).strip() or f"Plan{SUFFIX}"
        name, _filter = QFileDialog.getSaveFileName(
            self, caption, str(self._default_folder() / safe), PLAN_FILTER
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
            # The file dialog only asked about replacing the name as typed.
            if path.exists():
                answer = QMessageBox.question(
                    self, caption, f"'{path.name}' already exists. Replace it?"
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return None
        if self.plan is not None and _same_file(self.plan.path, path):
            QMessageBox.warning(
                self, caption, "That is the plan you have open. Choose another file name."
            )
            return None
        return path

    def new_plan(self) -> None:
        dialog = NewPlanDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._create_plan(dialog.details()))
        dialog.open()

    def _create_plan(self, details: NewPlanDetails) -> None:
        path = self._ask_save_path("Save the New Plan As", f"{details.name}{SUFFIX}")
        if path is None:
            return
        try:
            plan = create_plan(
                path,
                details.name,
                currency=details.currency,
                fiscal_start_month=details.fiscal_start_month,
                overwrite=True,  # the user agreed to replace it in the file dialog
            )
        except (PlanError, OSError) as exc:
            QMessageBox.critical(self, "Could Not Create the Plan", _sentence(exc, path))
            return
        try:
            lock: PlanLock | None = PlanLock.acquire(path)
        except (LockHeld, OSError):
            lock = None  # brand new, so no other window can have it open for long
        self.load_plan(plan, lock=lock)

    def new_from_sample(self) -> None:
        path = self._ask_save_path("Save the Sample Plan As", f"Sample bakery{SUFFIX}")
        if path is None:
            return
        from planner.sample import write_sample

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_sample(path, overwrite=True)
        except (PlanError, OSError) as exc:
            QMessageBox.critical(self, "Could Not Create the Sample", _sentence(exc, path))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.open_path(path)

    def save_copy(self) -> None:
        plan = self.plan
        if plan is None:
            return
        path = self._ask_save_path("Save a Copy As", f"{plan.path.stem} copy{SUFFIX}")
        if path is None:
            return
        try:
            plan.save_copy(path)
        except PlanError as exc:
            QMessageBox.warning(self, "Could Not Save a Copy", str(exc))
            return
        if self._persist:
            # The copy is easy to find again, but the open plan stays the newest entry.
            self.settings.add_recent(path)
            self.settings.add_recent(plan.path)
            self._refresh_recent()
        self.statusBar().showMessage(
            f"Saved a copy as '{path.name}'. You are still working in '{plan.path.name}'.", 15000
        )


def _reporter(window: FileFlows) -> Callable[[BackupOutcome], None]:
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


def _sentence(exc: Exception, path: Path) -> str:
    if isinstance(exc, OSError):
        return f"'{path.name}' could not be written: {exc.strerror or exc}."
    return str(exc)
