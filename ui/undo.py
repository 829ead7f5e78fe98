"""One path for every edit: apply in the database, push on the undo stack, announce the change.

``PlanOperations.run(command)`` applies a ``planner.services.commands`` command in one
transaction. Only when that succeeded is it pushed on the ``QUndoStack`` (so a refused edit
leaves no undo step), and ``changed`` is emitted with the command's ``Change`` flags. Undo and
redo go through the same path. A failure while undoing or redoing (the record was removed
in the meantime, or its month was locked since: ``planner.services.locks``) is reported
through ``failed``; the plan is then exactly as before, and so is the stack: it is walked
back over the refused step, which stays undoable (or redoable) once the cause is gone.

Undoing or redoing a big command (an import of thousands of deals, a workbook full of
changes: see ``is_big``) runs its transaction on a worker thread behind a progress dialog
without Cancel (``ui.import_work.BackgroundWork``), so the window keeps painting instead of
freezing for seconds; ``changed`` then follows on the GUI thread as usual. Small edits stay
on the GUI thread, where they take milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.exc import SQLAlchemyError

from planner.db.plan import READ_ONLY_MESSAGE, Plan
from planner.services.commands import Change, Command, execute, undo
from planner.services.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from ui.period_state import PeriodState

# An undo or redo goes to a worker when the command says it touches at least this many rows
# (undoing 5,000 imported deals takes ~0.05 s, redoing them ~0.2 s; 100,000: 2.4 s and 5.5 s)
UNDO_ASYNC_ROWS = 5_000
# ... or when its last apply or revert took this much CPU time (as ui.tabs.base's
# READ_ASYNC_AFTER for reads): a command that says nothing of its size but was slow once.
UNDO_ASYNC_AFTER = 0.15


def command_rows(command: object) -> int:
    """How many rows ``command`` touches, as far as it tells: its ``rows`` (the imports say
    how many deals or lines they carry), the sum over a composite's ``parts``, else 1."""
    from ui.import_work import AppliedCommand  # late: the window starts without planner.io

    if isinstance(command, AppliedCommand):
        return command_rows(command.command)
    rows = getattr(command, "rows", None)
    if isinstance(rows, int):
        return rows
    parts = getattr(command, "parts", None)
    if isinstance(parts, Sequence):
        return sum(command_rows(part) for part in parts)
    return 1


class PlanUndoCommand(QUndoCommand):
    """Wraps a core command; the first redo is skipped because ``run`` already applied it,
    and so is the step that walks the stack back over a refused undo or redo."""

    def __init__(self, ops: PlanOperations, command: Command, seconds: float = 0.0) -> None:
        super().__init__(command.label)
        self._ops = ops
        self.command = command
        self.seconds = seconds  # CPU time its last apply or revert took (see ``is_big``)
        self._skip = True  # the data is already as this step's next redo or undo would make it

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._ops._apply(self, forward=True)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._ops._apply(self, forward=False)

    def is_big(self) -> bool:
        """Whether undoing or redoing this would hold the window noticeably: it says it
        touches ``UNDO_ASYNC_ROWS`` rows or more, or it took ``UNDO_ASYNC_AFTER`` last time."""
        return command_rows(self.command) >= UNDO_ASYNC_ROWS or self.seconds >= UNDO_ASYNC_AFTER


class PlanOperations(QObject):
    """The open plan, its undo stack, and the signal every view listens to."""

    changed = Signal(object)  # Change flags
    failed = Signal(str)  # one sentence for the status bar or a message box

    def __init__(self, plan: Plan, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self._period_state: PeriodState | None = None
        self._busy: str | None = None  # "Undoing Import Deals" while that runs on a worker
        # The first tab's first read, started by the window as the plan opened (an
        # ``EarlyRead`` of that tab's module), until the tab takes it; and every such read
        # started on a thread, which must end before the plan closes.
        self.first_read: object | None = None
        self._threads: list[threading.Thread] = []
        # A refused undo or redo: (the step, the index QUndoStack moves to regardless). The
        # stack is walked back over it at once (see ``_walk_back``).
        self._refused: tuple[PlanUndoCommand, int, bool] | None = None
        self.undo_stack.indexChanged.connect(self._walk_back)

    def take_first_read(self) -> object | None:
        """The read the window started for the first tab (once; None after)."""
        read, self.first_read = self.first_read, None
        return read

    def reading_on(self, thread: threading.Thread) -> None:
        """``thread`` reads the plan outside ``ui.background``: wait for it before closing."""
        self._threads.append(thread)

    def finish_threads(self) -> None:
        """Before the plan closes: wait for the threads of ``reading_on``."""
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    @property
    def busy(self) -> bool:
        """True while a big undo or redo runs on a worker (no other edit may start)."""
        return self._busy is not None

    @property
    def period_state(self) -> PeriodState:
        """The period every tab of this plan shows (built on first use: the current fiscal
        year as of ``ui.tabs.base.today()``, which tests pin)."""
        if self._period_state is None:
            from ui.period_state import PeriodState
            from ui.tabs import base  # late: base imports this module

            state = PeriodState.for_plan(self.plan, lambda: base.today(), self)
            self.changed.connect(state.on_plan_changed)
            self._period_state = state
        return self._period_state

    def run(self, command: Command) -> bool:
        """Apply ``command`` and record it for undo. Returns False (and emits ``failed``)
        when it was refused; the database is then unchanged."""
        if self.plan.read_only:
            self.failed.emit(READ_ONLY_MESSAGE)
            return False
        if self._busy is not None:
            # Only code running in the event loop of a background undo gets here (the
            # user's input is blocked meanwhile): the edit would interleave with it.
            self.failed.emit(f"{self._busy} is not finished yet; try again in a moment.")
            return False
        began = time.thread_time()
        try:
            changes = execute(self.plan, command)
        except (ValidationError, NotFoundError) as exc:
            self.failed.emit(str(exc))
            return False
        except SQLAlchemyError as exc:  # disk full, file locked, a broken rule: nothing stored
            self.failed.emit(f"{command.label} could not be saved: {_reason(exc)}")
            return False
        self.undo_stack.push(PlanUndoCommand(self, command, time.thread_time() - began))
        self.changed.emit(changes)
        return True

    def _apply(self, step: PlanUndoCommand, *, forward: bool) -> None:
        if self._busy is not None:
            # Re-entered from the event loop that runs while a big undo works: only code
            # can get here, never the user (Edit > Undo is disabled, input is blocked).
            # Doing nothing keeps the data as it is; the stack's index may then be one
            # step off, which is why every user path is closed.
            return
        command = step.command
        try:
            if step.is_big():
                changes = self._in_background(step, forward=forward)
            else:
                began = time.thread_time()
                changes = execute(self.plan, command) if forward else undo(self.plan, command)
                step.seconds = time.thread_time() - began
        except (ValidationError, NotFoundError, SQLAlchemyError) as exc:
            reason = _reason(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
            here = self.undo_stack.index()
            self._refused = (step, here + 1 if forward else here - 1, forward)
            self.failed.emit(f"Could not {'redo' if forward else 'undo'} {command.label}: {reason}")
            return
        self.changed.emit(changes)

    def _walk_back(self, index: int) -> None:
        """After a refused undo or redo QUndoStack has moved its index all the same, though
        the plan is exactly as before (a month locked since, a record gone, a full disk).
        Move it back with a skipped redo or undo of that step: Edit > Undo then still names
        it, and it undoes once the cause is gone (the months are unlocked)."""
        refused, self._refused = self._refused, None
        if refused is None or index != refused[1]:
            return  # not the move of a refused step (it was called outside the stack)
        step, _index, forward = refused
        step._skip = True
        # Called from inside QUndoStack's own index change: it reads nothing of its state
        # after that, so the nested step leaves it consistent (its signals carry the end state).
        if forward:
            self.undo_stack.undo()
        else:
            self.undo_stack.redo()

    def _in_background(self, step: PlanUndoCommand, *, forward: bool) -> Change:
        """Undo or redo ``step`` in one transaction on a worker thread, behind a progress
        dialog, while the GUI thread runs an event loop (the window repaints). Returns when
        it is done, so QUndoStack moves its index only then, as after a quick undo.

        No Cancel is offered. QUndoStack moves its index as soon as this returns, whatever
        happened: a cancelled undo would leave the stack saying "undone" over data that is
        not, unless the index were walked back by a second, skipped redo, whose own failure
        would leave them apart for good. And the work is one SQLite transaction of a few
        seconds even for 100,000 deals (a few range deletes or two executemany inserts),
        mostly inside single statements: there is little to gain by stopping it halfway.
        A failure still rolls the transaction back; the plan is then exactly as before."""
        from ui.import_work import BackgroundWork  # late, as in ``command_rows``

        command = step.command
        doing = "Redoing" if forward else "Undoing"
        text = f"{doing} {command.label}…"
        rows = command_rows(command)
        if rows >= UNDO_ASYNC_ROWS:
            text += f"\nThis changes {rows:,} records in your plan, which can take a few seconds."
        parent = self.parent()
        job = BackgroundWork(
            parent if isinstance(parent, QWidget) else QApplication.activeWindow(),
            "Redo" if forward else "Undo",
            text,
            cancellable=False,
            thread_name="undo-work",
        )

        def work(_job: BackgroundWork) -> tuple[Change, float]:
            began = time.thread_time()
            changes = execute(self.plan, command) if forward else undo(self.plan, command)
            return changes, time.thread_time() - began

        # Edit > Undo and Redo (a QUndoGroup's actions) go grey while this stack is not
        # the group's active one: Ctrl+Z cannot reach the stack again meanwhile.
        was_active = self.undo_stack.isActive()
        self.undo_stack.setActive(False)
        self._busy = f"{doing} {command.label}"
        try:
            changes, step.seconds = job.run(work)
        finally:
            self._busy = None
            if was_active:
                self.undo_stack.setActive(True)
            job.deleteLater()
        return changes

    def notify(self, changes: Change) -> None:
        """Announce a change made outside the undo stack (for example a reload)."""
        self.changed.emit(changes)


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own reason, without SQL or parameters."""
    orig = getattr(exc, "orig", None)
    return f"{orig or exc.__class__.__name__}."
