"""The undo step of a deal import: ``ImportDeals`` and the new and updated deals it carries.

``deals_import.prepare_import`` works out what an import does and builds ONE ``ImportDeals``
command, so an import is one transaction and one undo step: it inserts the new sales reps,
lost reasons, deals and their history, updates the known deals, records the batch and
remembers the column mapping; revert removes exactly what was added and restores the
updated deals. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from planner.db.models import (
    Deal,
    DealEvent,
    ImportBatch,
    ImportMapping,
    LostReason,
    SalesRep,
)
from planner.db.plan import UnitOfWork
from planner.services.commands import Change
from planner.services.errors import NotFoundError


@dataclass
class NewDeal:
    """A deal the import adds, with the owner and lost reason it creates (by name) and its
    history events (kind, old value, new value, day)."""

    values: dict[str, object]
    owner_name: str | None  # an owner created by this import
    reason_name: str | None  # a lost reason created by this import
    events: list[tuple[str, str, str, dt.date]]


@dataclass
class DealUpdate:
    """A known deal the import changes: the fields before and after, the owner and lost
    reason it creates (by name) and the history events it adds."""

    deal_id: int
    old: dict[str, object]
    new: dict[str, object]
    owner_name: str | None
    reason_name: str | None
    events: list[tuple[str, str, str, dt.date]]


@dataclass
class ImportDeals:
    """Insert new reps, reasons, deals and their history, update known deals, record the
    batch; revert removes exactly what was added and restores the updated deals."""

    owners: list[str]
    reasons: list[str]
    created: list[NewDeal]
    updates: list[DealUpdate]
    batch: dict[str, object]
    remember: tuple[str, str] | None = None  # (header signature, mapping json)
    label: str = "Import Deals"
    ids: dict[str, list[int]] = field(default_factory=dict)
    _old_mapping: str | None = None
    _mapping_id: int | None = None
    changes: Change = Change.DEALS

    def __post_init__(self) -> None:
        if self.owners:
            self.changes |= Change.REPS
        if self.reasons:
            self.changes |= Change.LOST_REASONS

    @property
    def rows(self) -> int:
        """The deals it adds or changes: the Qt layer undoes big imports off the GUI thread."""
        return len(self.created) + len(self.updates)

    def apply(self, uow: UnitOfWork) -> None:
        session = uow.session
        ids = self.ids
        redo = bool(ids)
        made: dict[str, list[object]] = {k: [] for k in ("reps", "reasons")}
        rep_pos = max((r.position for r in session.scalars(select(SalesRep))), default=-1)
        for n, name in enumerate(self.owners):
            made["reps"].append(SalesRep(name=name, position=rep_pos + 1 + n, active=True))
        reason_pos = max((r.position for r in session.scalars(select(LostReason))), default=-1)
        for n, name in enumerate(self.reasons):
            made["reasons"].append(LostReason(name=name, position=reason_pos + 1 + n))
        for kind in ("reps", "reasons"):
            for n, row in enumerate(made[kind]):
                if redo:
                    row.id = ids[kind][n]  # type: ignore[attr-defined]
                session.add(row)
        session.flush()
        rep_ids = {r.name: r.id for r in made["reps"]}  # type: ignore[attr-defined]
        reason_ids = {r.name: r.id for r in made["reasons"]}  # type: ignore[attr-defined]
        # New deals and history go in as plain rows with ids chosen here (the next free
        # ones; the same ones on redo): one executemany instead of an ORM object per row,
        # which made 100,000 deals take minutes.
        deal_ids = ids["deals"] if redo else _free_ids(session, Deal, len(self.created))
        deal_rows: list[dict[str, object]] = []
        events: list[tuple[int, tuple[str, str, str, dt.date]]] = []
        for deal_id, item in zip(deal_ids, self.created, strict=True):
            values = dict(item.values, id=deal_id)
            if item.owner_name is not None:
                values["owner_id"] = rep_ids[item.owner_name]
            if item.reason_name is not None:
                values["lost_reason_id"] = reason_ids[item.reason_name]
            deal_rows.append(values)
            events.extend((deal_id, e) for e in item.events)
        for update in self.updates:
            target = session.get(Deal, update.deal_id)
            if target is None:
                raise NotFoundError("A deal this import updates no longer exists.")
            for name, value in update.new.items():
                setattr(target, name, value)
            if update.owner_name is not None:
                target.owner_id = rep_ids[update.owner_name]
            if update.reason_name is not None:
                target.lost_reason_id = reason_ids[update.reason_name]
            events.extend((update.deal_id, e) for e in update.events)
        session.flush()
        # Core inserts, every row with the same columns: the ORM's bulk insert splits rows
        # into a statement per run of rows with the same empty fields.
        connection = session.connection()
        if deal_rows:
            connection.execute(insert(cast(Table, Deal.__table__)), deal_rows)
        event_ids = ids["events"] if redo else _free_ids(session, DealEvent, len(events))
        if events:
            connection.execute(
                insert(cast(Table, DealEvent.__table__)),
                [
                    {"id": event_id, "deal_id": deal_id, "happened_on": day, "kind": kind,
                     "old_value": old[:200], "new_value": new[:200]}
                    for event_id, (deal_id, (kind, old, new, day)) in zip(
                        event_ids, events, strict=True
                    )
                ],
            )  # fmt: skip
        batch = ImportBatch(**self.batch)
        if redo:
            batch.id = ids["batch"][0]
        session.add(batch)
        session.flush()
        self.ids = {k: [r.id for r in rows] for k, rows in made.items()}  # type: ignore[attr-defined]
        self.ids.update(deals=list(deal_ids), events=list(event_ids), batch=[batch.id])
        if self.remember is not None:
            self._remember(session, *self.remember)

    def _remember(self, session: Session, signature: str, mapping_json: str) -> None:
        row = session.scalar(
            select(ImportMapping).where(
                ImportMapping.kind == "deals", ImportMapping.signature == signature
            )
        )
        if row is None:
            row = ImportMapping(kind="deals", signature=signature, mapping_json=mapping_json)
            if self._mapping_id is not None:
                row.id = self._mapping_id
            session.add(row)
            session.flush()
            self._old_mapping, self._mapping_id = None, row.id
        else:
            self._old_mapping, self._mapping_id = row.mapping_json, row.id
            row.mapping_json = mapping_json

    def revert(self, uow: UnitOfWork) -> None:
        session = uow.session
        ids = self.ids
        if self._mapping_id is not None:
            remembered = session.get(ImportMapping, self._mapping_id)
            if remembered is not None and self._old_mapping is None:
                session.delete(remembered)
            elif remembered is not None and self._old_mapping is not None:
                remembered.mapping_json = self._old_mapping
        for model, key in (
            (DealEvent, "events"), (ImportBatch, "batch"), (Deal, "deals"),
        ):  # fmt: skip
            # The ids were taken in runs (``_free_ids``): one range delete per run, not a
            # statement per 500 ids, which kept Undo of 100,000 deals waiting for seconds.
            for first, last in _runs(ids.get(key, [])):
                gone = delete(model).where(model.id.between(first, last))
                session.execute(gone.execution_options(synchronize_session=False))
        for update in self.updates:
            target = session.get(Deal, update.deal_id)
            if target is not None:
                for name, value in update.old.items():
                    setattr(target, name, value)
        session.flush()
        if ids.get("reasons"):
            session.execute(delete(LostReason).where(LostReason.id.in_(ids["reasons"])))
        if ids.get("reps"):
            session.execute(delete(SalesRep).where(SalesRep.id.in_(ids["reps"])))
        session.flush()


def _free_ids(session: Session, model: type[Deal] | type[DealEvent], count: int) -> list[int]:
    """The ``count`` ids SQLite would give the next rows of ``model`` (after the largest)."""
    largest = session.scalar(select(func.max(model.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """``ids`` as (first, last) runs of consecutive numbers: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for number in sorted(ids):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
