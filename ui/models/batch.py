"""Reading one cell's typed text, and many-cell edits (a paste, a clear) as one undo step.

``read_cell`` turns what was typed into a cell into the value to store, ``CLEAR`` for an
emptied cell, or None when nothing would change. ``CellEdits`` is the undo step
``RowTableModel.set_many`` runs: its ``CellEdit`` parts build their commands only when
first applied, in order in one unit of work, so a cell sees the records earlier cells
create. Both are used by ``table.py``; nothing here holds rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner.db.plan import UnitOfWork
from planner.domain.money import MoneyError
from planner.services.commands import Change, Command, CompositeCommand, UpdateFields
from planner.services.errors import NotFoundError, ValidationError
from ui.models.columns import Column, Kind, edit_text, parse_input, read_date
from ui.models.formats import Formats

# What an edit may be refused with; each carries one plain sentence for the user.
REFUSALS = (ValidationError, MoneyError, NotFoundError)


@dataclass
class CellEdit:
    """One cell of a many-cell edit. Its command is built when it is first applied, inside
    the same unit of work as the cells before it, so it sees the records they created (two
    figures for a month with no record yet end up in one new record, not two)."""

    build: Callable[[UnitOfWork], Command | None]
    label: str
    changes: Change = Change.NONE
    built: Command | None = None
    done: bool = False

    def apply(self, uow: UnitOfWork) -> None:
        if not self.done:  # a redo reuses the command, keeping ids of created records
            self.built, self.done = self.build(uow), True
            self.changes = Change.NONE if self.built is None else self.built.changes
        if self.built is not None:
            self.built.apply(uow)

    def revert(self, uow: UnitOfWork) -> None:
        if self.built is not None:
            self.built.revert(uow)


@dataclass
class CellEdits(CompositeCommand):
    """A paste or a clear: one undo step of ``CellEdit`` parts, whose change flags are
    known once they are built."""

    def apply(self, uow: UnitOfWork) -> None:
        super().apply(uow)
        for part in self.parts:
            self.changes |= part.changes


class _Clear:
    """Marks a cell being cleared: empty when its field allows it, otherwise zero."""


CLEAR = _Clear()


def is_noop(command: Command | None) -> bool:
    return command is None or (isinstance(command, UpdateFields) and command.old == command.new)


def _same(kind: Kind, typed: Any, current: Any) -> bool:
    """True when what was typed is the value already there (1,234.5 over 1234.50)."""
    if current is None:
        return False
    try:
        if kind is Kind.COUNT:
            return bool(Decimal(str(typed)) == current)
        if kind is Kind.DATE:
            return bool(str(typed).strip() == current.isoformat())
    except (ArithmeticError, AttributeError):
        return False
    return bool(typed == current)


def read_cell(formats: Formats, row: Any, column: Column[Any], text: str) -> Any:
    """The typed value for ``text``, ``CLEAR`` for an empty cell, None when unchanged."""
    kind = column.kind_of(row)
    current = column.value(row)
    if not text.strip():
        if kind is Kind.TEXT:
            return None if not current else ""
        return None if current is None else CLEAR
    if text.strip() == edit_text(formats, kind, current).strip():
        return None
    typed = parse_input(kind, text, formats.locale.decimalPoint())
    if kind is Kind.DATE:
        typed = read_date(typed, formats.locale)
    return None if _same(kind, typed, current) else typed
