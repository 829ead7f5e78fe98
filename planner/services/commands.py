"""Undoable commands: each edit is an object that can apply and revert itself in a unit of work.

The Qt layer wraps these in ``QUndoCommand``s (ui/undo.py), but they are plain Python: a
script or a test applies, reverts and re-applies them with ``execute``/``undo``. Every
command says which parts of the plan it changes (``Change`` flags) so views refresh only
what they show.

``execute`` and ``undo`` commit only when ``apply``/``revert`` returned: one that raises
(``ValidationError``: a figure of a locked month, see ``planner.services.locks``, whose
rule every figure-writing command asks in ``revert`` as well as ``apply``) leaves the plan
exactly as it was, and the command can be undone or redone again later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Flag, auto
from typing import Any, Protocol

from planner.db.models import Base
from planner.db.plan import Plan, UnitOfWork
from planner.domain.periods import Month
from planner.services.errors import NotFoundError
from planner.services.locks import check_unlocked


class Change(Flag):
    """What an edit touched; views reload only for the flags they show."""

    NONE = 0
    PROFILE = auto()
    REPS = auto()
    OFFERINGS = auto()
    SEGMENTS = auto()
    CHANNELS = auto()
    CHANNEL_MONTHS = auto()
    STAGES = auto()
    LOST_REASONS = auto()
    DEALS = auto()
    TARGETS = auto()
    ACTUALS = auto()
    ALL = (
        PROFILE | REPS | OFFERINGS | SEGMENTS | CHANNELS | CHANNEL_MONTHS | STAGES
        | LOST_REASONS | DEALS | TARGETS | ACTUALS
    )  # fmt: skip


class Command(Protocol):
    """An edit: ``label`` names it in Edit > Undo ("Change Amount")."""

    label: str
    changes: Change

    def apply(self, uow: UnitOfWork) -> None: ...

    def revert(self, uow: UnitOfWork) -> None: ...


def _get(uow: UnitOfWork, model: type[Base], key: Any) -> Any:
    row = uow.session.get(model, key)
    if row is None:
        raise NotFoundError(f"That {model.__tablename__.replace('_', ' ')} no longer exists.")
    return row


@dataclass
class UpdateFields:
    """Set fields of one row; ``old`` holds the values to restore on revert."""

    model: type[Base]
    key: Any
    old: dict[str, Any]
    new: dict[str, Any]
    label: str
    changes: Change

    def apply(self, uow: UnitOfWork) -> None:
        row = _get(uow, self.model, self.key)
        for name, value in self.new.items():
            setattr(row, name, value)

    def revert(self, uow: UnitOfWork) -> None:
        row = _get(uow, self.model, self.key)
        for name, value in self.old.items():
            setattr(row, name, value)


@dataclass
class InsertRow:
    """Insert one row; the id it gets is kept so a redo recreates the same record."""

    model: type[Base]
    values: dict[str, Any]
    label: str
    changes: Change
    new_id: int | None = None

    def apply(self, uow: UnitOfWork) -> None:
        values = dict(self.values)
        if self.new_id is not None:
            values["id"] = self.new_id
        row = self.model(**values)
        uow.session.add(row)
        uow.session.flush()
        self.new_id = row.id  # type: ignore[attr-defined]

    def revert(self, uow: UnitOfWork) -> None:
        uow.session.delete(_get(uow, self.model, self.new_id))


@dataclass
class DeleteRow:
    """Delete one row with no dependents; revert puts it back with the same id and values."""

    model: type[Base]
    key: Any
    label: str
    changes: Change
    snapshot: dict[str, Any] = field(default_factory=dict)

    def apply(self, uow: UnitOfWork) -> None:
        row = _get(uow, self.model, self.key)
        self.snapshot = {c.key: getattr(row, c.key) for c in self.model.__mapper__.column_attrs}
        uow.session.delete(row)

    def revert(self, uow: UnitOfWork) -> None:
        uow.session.add(self.model(**self.snapshot))


@dataclass
class CallbackCommand:
    """An edit given as two functions of a unit of work (for multi-row use cases)."""

    label: str
    changes: Change
    do: Callable[[UnitOfWork], None]
    undo: Callable[[UnitOfWork], None]

    def apply(self, uow: UnitOfWork) -> None:
        self.do(uow)

    def revert(self, uow: UnitOfWork) -> None:
        self.undo(uow)


@dataclass
class CompositeCommand:
    """Several commands as one undo step; reverted in reverse order."""

    label: str
    parts: Sequence[Command]
    changes: Change = Change.NONE

    def __post_init__(self) -> None:
        for part in self.parts:
            self.changes |= part.changes

    def apply(self, uow: UnitOfWork) -> None:
        # Each part refuses its own locked months too; asking for all of them first names
        # the earliest, whichever part comes first.
        if months := figure_months(self):
            check_unlocked(uow, months)
        for part in self.parts:
            part.apply(uow)
            uow.flush()

    def revert(self, uow: UnitOfWork) -> None:
        if months := figure_months(self):
            check_unlocked(uow, months)
        for part in reversed(self.parts):
            part.revert(uow)
            uow.flush()


def figure_months(command: object) -> list[Month]:
    """The months whose figures applying or reverting ``command`` changes, as far as it
    tells: its ``figure_months()``, or its parts' (figure-writing commands have one)."""
    own = getattr(command, "figure_months", None)
    if callable(own):
        return list(own())
    parts = getattr(command, "parts", None)
    if isinstance(parts, Sequence):
        return sorted({month for part in parts for month in figure_months(part)})
    return []


def execute(plan: Plan, command: Command) -> Change:
    """Apply ``command`` in one transaction and commit; nothing is written if it raises."""
    with plan.uow() as uow:
        command.apply(uow)
        uow.commit()
    return command.changes


def undo(plan: Plan, command: Command) -> Change:
    """Revert ``command`` in one transaction and commit."""
    with plan.uow() as uow:
        command.revert(uow)
        uow.commit()
    return command.changes
