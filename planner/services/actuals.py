"""Changing actual sales: one figure of one month typed in the grid, or a whole import.

Actual sales are kept as one ``ActualSale`` row per month and offering (None: not assigned
to an offering). Both commands below work the same way: they remember every row stored
for the month and offering they touch, replace them by one row with the new figures, and
on undo put the remembered rows back exactly (older plans may hold several rows for one
month; they are merged on the first edit and restored on undo).

Months up to and including ``BusinessProfile.locked_through`` are closed books: both
commands refuse to change them with a plain sentence, when applied, redone or undone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import delete, insert, select

from planner.db.models import (
    ActualSale,
    ImportBatch,
    ImportedLine,
    ImportMapping,
    Offering,
)
from planner.db.plan import UnitOfWork
from planner.domain.periods import Month
from planner.services.commands import Change
from planner.services.edit import validate_field
from planner.services.errors import NotFoundError
from planner.services.locks import check_unlocked as check_unlocked
from planner.services.locks import locked_through as locked_through

Figure = Literal["revenue", "units"]
Key = tuple[Month, int | None]  # (month, offering id or None for "not assigned")


def _rows(uow: UnitOfWork, key: Key) -> list[ActualSale]:
    month, offering_id = key
    stmt = select(ActualSale).where(ActualSale.month == month)
    stmt = stmt.where(
        ActualSale.offering_id.is_(None)
        if offering_id is None
        else ActualSale.offering_id == offering_id
    )
    return list(uow.session.scalars(stmt.order_by(ActualSale.id)))


def _replace(
    uow: UnitOfWork, key: Key, figures: tuple[int, int | None] | None, keep_id: int | None
) -> tuple[list[dict[str, Any]], int | None]:
    """Replace the rows of ``key`` by one row with ``figures`` (none if None); return the
    old rows and the id of the new row."""
    old = _rows(uow, key)
    snapshot: list[dict[str, Any]] = [
        {"id": r.id, "month": r.month, "offering_id": r.offering_id,
         "revenue_minor": r.revenue_minor, "units": r.units}
        for r in old
    ]  # fmt: skip
    for row in old:
        uow.session.delete(row)
    uow.session.flush()
    if figures is None:
        return snapshot, None
    new = ActualSale(month=key[0], offering_id=key[1], revenue_minor=figures[0], units=figures[1])
    new_id = keep_id
    if new_id is None and snapshot:
        new_id = int(snapshot[0]["id"])  # the merged row keeps the first old row's id
    if new_id is not None:
        new.id = new_id
    uow.session.add(new)
    uow.session.flush()
    return snapshot, new.id


def _restore(uow: UnitOfWork, key: Key, new_id: int | None, snapshot: list[dict[str, Any]]) -> None:
    if new_id is not None:
        row = uow.session.get(ActualSale, new_id)
        if row is None:
            raise NotFoundError("Those actual sales no longer exist.")
        uow.session.delete(row)
        uow.session.flush()
    for values in snapshot:
        uow.session.add(ActualSale(**values))
    uow.session.flush()


def _current(uow: UnitOfWork, key: Key) -> tuple[int, int | None, bool]:
    """Summed revenue and units of ``key`` and whether any row exists."""
    rows = _rows(uow, key)
    revenue = sum(r.revenue_minor for r in rows)
    known = [r.units for r in rows if r.units is not None]
    return revenue, (sum(known) if known else None), bool(rows)


@dataclass
class SetActual:
    """Set one figure (revenue in minor units, or units; None clears) of one month and
    offering, keeping the other figure."""

    key: Key
    figure: Figure
    value: int | None
    label: str
    changes: Change = Change.ACTUALS
    _snapshot: list[dict[str, Any]] = field(default_factory=list)
    _new_id: int | None = None

    def apply(self, uow: UnitOfWork) -> None:
        check_unlocked(uow, [self.key[0]])
        revenue, units, _exists = _current(uow, self.key)
        if self.figure == "revenue":
            revenue = self.value or 0
            if self.value is None and units is None:
                figures: tuple[int, int | None] | None = None
            else:
                figures = (revenue, units)
        else:
            figures = None if (self.value is None and revenue == 0) else (revenue, self.value)
        self._snapshot, self._new_id = _replace(uow, self.key, figures, self._new_id)

    def revert(self, uow: UnitOfWork) -> None:
        check_unlocked(uow, [self.key[0]])  # an undo after locking would change closed books
        _restore(uow, self.key, self._new_id, self._snapshot)

    def figure_months(self) -> list[Month]:
        return [self.key[0]]


def _offering_exists(uow: UnitOfWork, offering_id: int | None) -> None:
    if offering_id is not None and uow.session.get(Offering, offering_id) is None:
        raise NotFoundError("That offering no longer exists.")


def set_actual(
    uow: UnitOfWork, month: Month, offering_id: int | None, figure: Figure, value: Any
) -> SetActual:
    """The command setting actual ``figure`` ("revenue": Decimal money; "units": a whole
    number) of ``month`` for the offering (None: not assigned). ``value`` None clears it.
    Refused with a plain message for a locked month or a value that is not allowed."""
    check_unlocked(uow, [month])
    _offering_exists(uow, offering_id)
    if value is None:
        stored = None
    elif figure == "revenue":
        stored = validate_field(ActualSale, "revenue_minor", value)
    else:
        stored = validate_field(ActualSale, "units", value)
    label = "Change Actual Revenue" if figure == "revenue" else "Change Units Sold"
    return SetActual((month, offering_id), figure, stored, label)


@dataclass(frozen=True)
class MonthTotals:
    """What an import adds to one month and offering: revenue (minor units) and units
    (None when the file has no quantities)."""

    revenue_minor: int
    units: int | None


@dataclass
class ImportActuals:
    """Add imported sums to the actual sales and record the batch and every line it used,
    as one undo step; undo removes both exactly."""

    label: str
    totals: Mapping[Key, MonthTotals]
    file_name: str
    file_sha256: str
    imported_on: dt.date
    line_keys: Sequence[str]
    rows_skipped: int
    mapping: tuple[str, str] | None = None  # (header signature, mapping json) to remember
    changes: Change = Change.ACTUALS
    batch_id: int | None = None
    _saved: dict[Key, tuple[list[dict[str, Any]], int | None]] = field(default_factory=dict)
    _old_mapping: str | None = None
    _mapping_id: int | None = None

    def figure_months(self) -> list[Month]:
        return sorted({key[0] for key in self.totals})

    @property
    def rows(self) -> int:
        """The lines and monthly sums it stores: the Qt layer undoes big imports off the GUI
        thread."""
        return len(self.line_keys) + len(self.totals)

    def apply(self, uow: UnitOfWork) -> None:
        check_unlocked(uow, self.figure_months())
        for key, add in self.totals.items():
            revenue, units, _exists = _current(uow, key)
            if add.units is not None:
                units = (units or 0) + add.units
            figures = (revenue + add.revenue_minor, units)
            keep = self._saved[key][1] if key in self._saved else None
            self._saved[key] = _replace(uow, key, figures, keep)
        batch = ImportBatch(
            kind="actuals",
            file_name=self.file_name,
            file_sha256=self.file_sha256,
            imported_on=self.imported_on,
            rows_imported=len(self.line_keys),
            rows_skipped=self.rows_skipped,
        )
        if self.batch_id is not None:
            batch.id = self.batch_id
        uow.session.add(batch)
        uow.session.flush()
        self.batch_id = batch.id
        # One executemany rather than an ORM object per line: 100,000 lines in a second.
        if self.line_keys:
            uow.session.execute(
                insert(ImportedLine),
                [{"batch_id": batch.id, "kind": "actuals", "line_key": k} for k in self.line_keys],
            )
        if self.mapping is not None:
            self._remember(uow, *self.mapping)
        uow.session.flush()

    def _remember(self, uow: UnitOfWork, signature: str, mapping_json: str) -> None:
        row = uow.session.scalar(
            select(ImportMapping).where(
                ImportMapping.kind == "actuals", ImportMapping.signature == signature
            )
        )
        if row is None:
            row = ImportMapping(kind="actuals", signature=signature, mapping_json=mapping_json)
            if self._mapping_id is not None:
                row.id = self._mapping_id
            uow.session.add(row)
            uow.session.flush()
            self._old_mapping, self._mapping_id = None, row.id
        else:
            self._old_mapping, self._mapping_id = row.mapping_json, row.id
            row.mapping_json = mapping_json

    def revert(self, uow: UnitOfWork) -> None:
        check_unlocked(uow, self.figure_months())
        uow.session.execute(delete(ImportedLine).where(ImportedLine.batch_id == self.batch_id))
        batch = uow.session.get(ImportBatch, self.batch_id)
        if batch is not None:
            uow.session.delete(batch)
        for key, (snapshot, new_id) in self._saved.items():
            _restore(uow, key, new_id, snapshot)
        if self._mapping_id is not None:
            row = uow.session.get(ImportMapping, self._mapping_id)
            if row is not None and self._old_mapping is None:
                uow.session.delete(row)
            elif row is not None and self._old_mapping is not None:
                row.mapping_json = self._old_mapping
        uow.session.flush()


def seen_line_keys(uow: UnitOfWork, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` were imported before (as actual sales)."""
    seen: set[str] = set()
    chunk = 500  # SQLite limits the number of bound parameters
    for start in range(0, len(keys), chunk):
        part = list(keys[start : start + chunk])
        seen.update(
            uow.session.scalars(
                select(ImportedLine.line_key).where(
                    ImportedLine.kind == "actuals", ImportedLine.line_key.in_(part)
                )
            )
        )
    return seen


def remembered_mapping(uow: UnitOfWork, signature: str) -> str | None:
    """The mapping JSON remembered for files with this header signature, if any."""
    return uow.session.scalar(
        select(ImportMapping.mapping_json).where(
            ImportMapping.kind == "actuals", ImportMapping.signature == signature
        )
    )
