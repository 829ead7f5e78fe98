"""Long import steps off the GUI thread: ``BackgroundWork`` runs one step on a worker behind a
progress dialog with Cancel; ``apply_prepared`` applies an import in one transaction on that
worker (interrupting SQLite on Cancel) and ``AppliedCommand`` then pushes the stored result on
the undo stack without applying it twice. Used by the import wizards through
``StepDialog.run_work`` (ui/import_widgets.py), and without Cancel by ``ui.undo`` to undo and
redo big commands.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from planner.db.plan import Plan, UnitOfWork
from planner.io.tabular import ImportCancelled, ImportProgress
from planner.services.commands import Change, Command
from ui import gc_policy

T = TypeVar("T")
PROGRESS_STEPS = 1000


class BackgroundWork(QObject):
    """One long step of an import on a worker thread, behind a progress dialog with Cancel.

    ``run(work)`` starts ``work(self)`` on a thread and runs a local event loop until it
    ends, so the window keeps painting and the progress dialog (window-modal: the wizard
    under it takes no clicks meanwhile) answers Cancel, while callers keep the simple
    "call, then use the result" shape. ``work`` passes ``self.progress`` to the planner's
    ``progress(done, total)`` hooks: after Cancel it returns False and the step stops with
    ``ImportCancelled`` at its next report; a write step is rolled back (``apply_prepared``).

    With ``cancellable=False`` (undo and redo, see ui/undo.py) there is no Cancel, the
    dialog is application-modal, and until it appears every key, click and shortcut in the
    application is dropped (``InputBlocker``): nothing can start while the work runs.
    """

    _progressed = Signal(int, int)  # emitted on the worker, received on the GUI thread
    _ended = Signal()

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        text: str,
        *,
        cancellable: bool = True,
        thread_name: str = "import-work",
    ) -> None:
        super().__init__(parent)
        self.stop_requested = threading.Event()
        self.stored = False  # set once a write step committed: too late to cancel then
        self.cancellable = cancellable
        self._thread_name = thread_name
        self._last_report = 0.0
        self._text = text
        self.dialog = QProgressDialog(text, "Cancel", 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumWidth(380)
        self.dialog.setMinimumDuration(300)  # a small file never flashes a dialog
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        # QProgressDialog's own timer was started at its default of 4 s when it was made;
        # setMinimumDuration restarts it only once a value is set: set one.
        self.dialog.setValue(0)
        if cancellable:
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.canceled.connect(self._cancel_pressed)
        else:
            self.dialog.setCancelButton(None)  # no button: this work cannot be stopped
            self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report (any thread)."""
        self.stop_requested.set()

    def _cancel_pressed(self) -> None:
        self.cancel()
        # Qt hides the dialog on Cancel, which would give the wizard under it back before
        # the work stopped: show it again until it has.
        self.dialog.setLabelText("Cancelling…")
        self.dialog.setRange(0, 0)
        self.dialog.show()

    def progress(self, done: int, total: int) -> bool:
        """The planner's progress hook (called on the worker); False once cancelled."""
        if self.stop_requested.is_set():
            return False
        now = time.monotonic()
        if now - self._last_report >= 0.05 or done >= total:  # a few reports a second do
            self._last_report = now
            self._progressed.emit(done, total)
        return True

    def set_text(self, text: str) -> None:
        """A new sentence for the dialog, from any thread (the bar goes back to busy)."""
        self._text = text
        self._progressed.emit(-1, 0)

    def run(self, work: Callable[[BackgroundWork], T]) -> T:
        result: list[Any] = []
        error: list[BaseException] = []

        def target() -> None:
            try:
                result.append(work(self))
            except BaseException as exc:  # raised again on the GUI thread
                error.append(exc)
            finally:
                self._ended.emit()

        loop = QEventLoop()
        self._ended.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
        thread = threading.Thread(target=target, name=self._thread_name, daemon=True)
        blocker = None if self.cancellable else InputBlocker()
        # Each time the window's code needs the GIL it waits for the worker to hand it
        # over, up to one switch interval (5 ms) a time, many times per repaint: hand it
        # over sooner while the work runs.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        try:
            with gc_policy.full_collections_postponed():
                thread.start()
                loop.exec()
                thread.join()
        finally:
            sys.setswitchinterval(interval)
            if blocker is not None:
                blocker.remove()
        cancelled = self.stop_requested.is_set() and not self.stored
        if self.cancellable:
            self.dialog.canceled.disconnect(self._cancel_pressed)  # closing emits canceled
        self.dialog.close()
        self.dialog.deleteLater()
        if error:
            raise error[0]
        if cancelled:
            raise ImportCancelled  # a step without progress reports ended after Cancel
        return result[0]  # type: ignore[no-any-return]

    def _show_progress(self, done: int, total: int) -> None:
        if self.stop_requested.is_set():
            self.dialog.setLabelText("Cancelling…")
            return
        if done < 0:
            self.dialog.setLabelText(self._text)
            self.dialog.setRange(0, 0)
            return
        self.dialog.setRange(0, PROGRESS_STEPS)
        self.dialog.setValue(int(PROGRESS_STEPS * done / max(total, 1)))


class InputBlocker(QObject):
    """Drops what the user does anywhere in the application (keys, shortcuts, clicks, the
    wheel, closing a window) from creation until ``remove()``.

    Work that must not be interrupted shows its modal dialog only after 300 ms (so that
    short work never flashes one); until then this is what keeps a click or Ctrl+Z from
    starting another edit in the event loop that runs while the work does."""

    # What starts something. Releases go through: a button or menu item acts on release
    # only after its press, which was dropped, and a widget pressed before keeps no stuck
    # "pressed" state.
    _DROPPED = frozenset({
        QEvent.Type.KeyPress, QEvent.Type.Shortcut, QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.ContextMenu,
        QEvent.Type.TouchBegin, QEvent.Type.TabletPress, QEvent.Type.Drop,
    })  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self._app = QCoreApplication.instance()
        if self._app is not None:
            self._app.installEventFilter(self)

    def remove(self) -> None:
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # "the focused widget takes this key": no shortcut fires
            return True
        if kind == QEvent.Type.Close:
            # A window closed by the user (the title bar's X) waits; the app's own closes
            # (not spontaneous) go through.
            if event.spontaneous():
                event.ignore()
                return True
            return False
        return kind in self._DROPPED


class AppliedCommand:
    """An import the worker already applied and committed, for ``PlanOperations.run``:
    its first ``apply`` does nothing (the rows are stored), later ones (redo) apply it."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.label: str = command.label
        self.changes: Change = command.changes
        self._stored = True

    def apply(self, uow: UnitOfWork) -> None:
        if self._stored:
            self._stored = False
            return
        self.command.apply(uow)

    def revert(self, uow: UnitOfWork) -> None:
        self.command.revert(uow)


def apply_prepared(
    plan: Plan,
    job: BackgroundWork,
    prepare: Callable[[UnitOfWork, ImportProgress], Command],
    saving: str,
) -> Command:
    """On the worker: build the import's command with ``prepare`` and apply it (showing
    ``saving`` meanwhile) in ONE transaction, committed only if Cancel was not pressed.
    Then it is stored, and the GUI thread only pushes it on the undo stack with
    ``AppliedCommand`` (a no-op commit): applying 100,000 deals takes seconds, which the
    window would otherwise spend frozen inside ``PlanOperations.run``.

    While SQLite inserts, its progress handler asks every few thousand steps whether
    Cancel was pressed and, if so, interrupts the statement: the transaction rolls back
    and the plan is exactly as before. Raises ``ImportCancelled`` then."""
    with plan.uow() as uow:
        command = prepare(uow, job.progress)
        job.set_text(saving)  # the inserts report nothing: the bar goes busy
        raw: Any = uow.session.connection().connection.dbapi_connection
        raw.set_progress_handler(lambda: 1 if job.stop_requested.is_set() else 0, 20_000)
        try:
            command.apply(uow)
            uow.flush()
        except Exception:
            if job.stop_requested.is_set():
                raise ImportCancelled from None
            raise
        finally:
            raw.set_progress_handler(None, 0)
        if job.stop_requested.is_set():
            raise ImportCancelled  # leaving the unit of work rolls back
        uow.commit()
        job.stored = True
    return command
