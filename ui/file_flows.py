"""File > New, Open, Open Recent, New from Sample, Save a Copy As and Close, for the main window.

``FileFlows`` is mixed into ``MainWindow``: these are the conversations with the user
(file dialogs, questions, error messages) around ``planner.db.plan``. Every error is shown
as the one sentence the core gives; a file that cannot be opened is left untouched. The
open plan's lock and backups, and File > Restore from Backup…, are ``ui.backup_flows``.
The dialogs are imported when first shown: the window's first paint does not wait for them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

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
from ui.backup_flows import BackupFlows

if TYPE_CHECKING:
    from ui.new_plan_dialog import NewPlanDetails

PLAN_FILTER = f"Plans (*{SUFFIX});;All files (*)"


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


class FileFlows(BackupFlows):
    """The File menu's flows; ``MainWindow`` supplies plan loading, settings and the pages."""

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
        from ui.second_instance import ask_open_read_only, ask_open_read_only_file
        from ui.upgrade_progress import UpgradeProgressDialog

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
        from ui.new_plan_dialog import NewPlanDialog

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


def _sentence(exc: Exception, path: Path) -> str:
    if isinstance(exc, OSError):
        return f"'{path.name}' could not be written: {exc.strerror or exc}."
    return str(exc)
