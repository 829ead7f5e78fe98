"""One path for every edit: apply in the database, push on the undo stack, announce the change.

``PlanOperations.run(command)`` applies a ``planner.services.commands`` command in one
transaction. Only when that succeeded is it pushed on the ``QUndoStack`` (so a refused edit
leaves no undo step), and ``changed`` is emitted with the command's ``Change`` flags. Undo and
redo go through the same path. A failure while undoing or redoing (the record was removed
in the meantime) is reported through ``failed`` and leaves the stack where it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlalchemy.exc import SQLAlchemyError

from planner.db.plan import READ_ONLY_MESSAGE, Plan
from planner.services.commands import Change, Command, execute, undo
from planner.services.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from ui.period_state import PeriodState


class PlanUndoCommand(QUndoCommand):
    """Wraps a core command; the first redo is skipped because ``run`` already applied it."""

    def __init__(self, ops: PlanOperations, command: Command) -> None:
        super().__init__(command.label)
        self._ops = ops
        self.command = command
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._ops._apply(self.command, forward=True)

    def undo(self) -> None:
        self._ops._apply(self.command, forward=False)


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
        try:
            changes = execute(self.plan, command)
        except (ValidationError, NotFoundError) as exc:
            self.failed.emit(str(exc))
            return False
        except SQLAlchemyError as exc:  # disk full, file locked, a broken rule: nothing stored
            self.failed.emit(f"{command.label} could not be saved: {_reason(exc)}")
            return False
        self.undo_stack.push(PlanUndoCommand(self, command))
        self.changed.emit(changes)
        return True

    def _apply(self, command: Command, *, forward: bool) -> None:
        try:
            changes = execute(self.plan, command) if forward else undo(self.plan, command)
        except (ValidationError, NotFoundError, SQLAlchemyError) as exc:
            reason = _reason(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
            self.failed.emit(f"Could not {'redo' if forward else 'undo'} {command.label}: {reason}")
            return
        self.changed.emit(changes)

    def notify(self, changes: Change) -> None:
        """Announce a change made outside the undo stack (for example a reload)."""
        self.changed.emit(changes)


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own reason, without SQL or parameters."""
    orig = getattr(exc, "orig", None)
    return f"{orig or exc.__class__.__name__}."
