"""Deleting a record together with what depends on it, undoably; and linking records.

``DeleteRecord`` snapshots the record and every row that points at it through a foreign
key (one level: rows the database would delete by ON DELETE CASCADE, and rows whose link
it would clear by SET NULL). Revert puts the record back with its id and restores each
dependent row exactly, so undoing "Delete Offering" brings back its targets, its links
and the offering named on its deals. ``dependents`` counts those rows for the question a
user is asked before deleting. A record whose figures sit in months locked since it was
deleted cannot be brought back by undo until they are unlocked (``planner.services.locks``).

``SetLinks`` replaces the set of records linked to one record through an association
table (segments served by an offering, channels reaching a segment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, update

from planner.db.models import Base
from planner.db.plan import UnitOfWork
from planner.domain.periods import Month
from planner.services.commands import Change
from planner.services.errors import NotFoundError
from planner.services.locks import FIGURE_TABLES, check_unlocked, figure_month

# How a user reads a table's rows in the question asked before deleting.
_ROW_NAMES = {
    "deal": ("deal", "deals"),
    "deal_event": ("history entry", "history entries"),
    "target": ("target", "targets"),
    "actual_sale": ("month of actual sales", "months of actual sales"),
    "channel_month": ("month of channel figures", "months of channel figures"),
}
# Association tables are named after the record on their other side: deleting a channel
# removes its "segment links" and "offering links".
_LINK_TABLES = {"segment_offering", "segment_channel", "offering_channel"}


def _referencing(table: Table) -> list[tuple[Table, str, str | None]]:
    """(child table, child column, ondelete) for every foreign key pointing at ``table``."""
    found = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                found.append((child, fk.parent.name, fk.ondelete))
    return found


def _row_names(child: Table, column: str) -> tuple[str, str]:
    if child.name in _LINK_TABLES:
        other = next(fk.column.table.name for fk in child.foreign_keys if fk.parent.name != column)
        return f"{other} link", f"{other} links"
    return _ROW_NAMES.get(child.name, (child.name, child.name))


def dependents(uow: UnitOfWork, model: type[Base], key: int) -> dict[str, int]:
    """Rows that point at record ``key``, counted per kind ('deals': 12, ...); empty if none."""
    order = [*_ROW_NAMES, *_LINK_TABLES]
    children = sorted(
        _referencing(model.__table__),  # type: ignore[arg-type]
        key=lambda ref: order.index(ref[0].name) if ref[0].name in order else len(order),
    )
    by_name: dict[tuple[str, str], int] = {}
    for child, column, _ondelete in children:
        n = len(uow.session.execute(select(child.c[column]).where(child.c[column] == key)).all())
        if n:
            names = _row_names(child, column)
            by_name[names] = by_name.get(names, 0) + n
    singular = [one for one, _many in _ROW_NAMES.values()]
    singular += ["segment link", "offering link", "channel link"]
    ranked = sorted(
        by_name.items(),
        key=lambda item: singular.index(item[0][0]) if item[0][0] in singular else len(singular),
    )
    return {(one if n == 1 else many): n for (one, many), n in ranked}


def first_figure_month(uow: UnitOfWork, model: type[Base], key: int) -> Month | None:
    """The earliest month holding a figure that points at record ``key`` (targets, channel
    months, actual sales, by ``locks.figure_month``'s rule): deleting the record takes that
    figure out (or its link to the record), which ``locks.check_deletable`` refuses when the
    month is locked. None when no figure points at it."""
    table: Table = model.__table__  # type: ignore[assignment]
    conn = uow.session.connection()
    months = [
        month
        for child, column, _ondelete in _referencing(table)
        if child.name in FIGURE_TABLES
        for row in conn.execute(select(child).where(child.c[column] == key)).mappings()
        if (month := figure_month(child.name, dict(row))) is not None
    ]
    return min(months, default=None)


def describe_dependents(counts: dict[str, int]) -> str:
    """'12 deals, 24 targets and 3 channel links' (empty when nothing depends)."""
    parts = [f"{n:,} {label}" for label, n in counts.items()]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class DeleteRecord:
    """Delete one record; revert restores it and every row that depended on it."""

    model: type[Base]
    key: int
    label: str
    changes: Change
    _row: dict[str, Any] = field(default_factory=dict)
    _children: list[tuple[Table, str, str | None, list[dict[str, Any]]]] = field(
        default_factory=list
    )
    # Asked (with the record's id) before every apply, the first and each redo: it raises
    # to refuse the delete, e.g. when figures of locked months would go with the record.
    check: Callable[[UnitOfWork, int], None] | None = None

    def apply(self, uow: UnitOfWork) -> None:
        if self.check is not None:
            self.check(uow, self.key)
        table: Table = self.model.__table__  # type: ignore[assignment]
        conn = uow.session.connection()
        row = conn.execute(select(table).where(table.c.id == self.key)).mappings().first()
        if row is None:
            raise NotFoundError(f"That {table.name.replace('_', ' ')} no longer exists.")
        self._row = dict(row)
        self._children = []
        for child, column, ondelete in _referencing(table):
            rows = conn.execute(select(child).where(child.c[column] == self.key)).mappings()
            self._children.append((child, column, ondelete, [dict(r) for r in rows]))
        uow.session.flush()
        conn.execute(delete(table).where(table.c.id == self.key))
        uow.session.expire_all()

    def revert(self, uow: UnitOfWork) -> None:
        # Putting back figures of a month locked since the delete would change closed
        # books (their rows, or an actual sale's link to an offering): refused like an edit.
        check_unlocked(uow, self.restored_months())
        table: Table = self.model.__table__  # type: ignore[assignment]
        conn = uow.session.connection()
        conn.execute(insert(table), [self._row])
        for child, column, ondelete, rows in self._children:
            if not rows:
                continue
            if ondelete == "SET NULL":
                keys = [r["id"] for r in rows]
                conn.execute(update(child).where(child.c.id.in_(keys)).values({column: self.key}))
            else:
                conn.execute(insert(child), rows)
        uow.session.expire_all()

    def restored_months(self) -> list[Month]:
        """The months whose figures a revert puts back (``locks.figure_month``). Not
        ``figure_months``: an apply is refused by ``check``, with its own sentence."""
        months = {
            month
            for child, _column, _ondelete, rows in self._children
            for row in rows
            if (month := figure_month(child.name, row)) is not None
        }
        return sorted(months)


@dataclass
class SetLinks:
    """Make ``owner`` linked to exactly ``wanted`` through an association table.

    ``table`` is the association model, ``owner_column``/``owner_id`` the fixed side and
    ``other_column`` the side whose set changes. Extra columns of the association (a
    budget, say) are kept for links that stay, and restored on revert for links removed.
    """

    table: type[Base]
    owner_column: str
    owner_id: int
    other_column: str
    wanted: frozenset[int]
    label: str
    changes: Change
    _before: list[dict[str, Any]] = field(default_factory=list)

    def _rows(self, uow: UnitOfWork) -> list[dict[str, Any]]:
        t: Table = self.table.__table__  # type: ignore[assignment]
        stmt = select(t).where(t.c[self.owner_column] == self.owner_id)
        return [dict(r) for r in uow.session.connection().execute(stmt).mappings()]

    def apply(self, uow: UnitOfWork) -> None:
        t: Table = self.table.__table__  # type: ignore[assignment]
        uow.session.flush()
        self._before = self._rows(uow)
        have = {r[self.other_column] for r in self._before}
        conn = uow.session.connection()
        gone = have - self.wanted
        if gone:
            conn.execute(
                delete(t).where(
                    t.c[self.owner_column] == self.owner_id, t.c[self.other_column].in_(gone)
                )
            )
        new = sorted(self.wanted - have)
        if new:
            conn.execute(
                insert(t),
                [{self.owner_column: self.owner_id, self.other_column: other} for other in new],
            )
        uow.session.expire_all()

    def revert(self, uow: UnitOfWork) -> None:
        t: Table = self.table.__table__  # type: ignore[assignment]
        uow.session.flush()
        conn = uow.session.connection()
        conn.execute(delete(t).where(t.c[self.owner_column] == self.owner_id))
        if self._before:
            conn.execute(insert(t), self._before)
        uow.session.expire_all()


def links_of(uow: UnitOfWork, table: type[Base], owner_column: str, owner_id: int,
             other_column: str) -> frozenset[int]:  # fmt: skip
    t: Table = table.__table__  # type: ignore[assignment]
    stmt = select(t.c[other_column]).where(t.c[owner_column] == owner_id)
    return frozenset(uow.session.execute(stmt).scalars())


def ids(values: Iterable[int]) -> frozenset[int]:
    return frozenset(int(v) for v in values)
