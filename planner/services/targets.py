"""Changing revenue targets: one month, one part of a breakdown, a whole year spread over
its months, and locking closed months.

Targets are ``Target`` rows keyed by (month, offering, segment, rep); a key naming none of
the three is the business-wide target of the month. The rule that keeps a breakdown adding
up (see ``planner.queries.targets``): the business-wide record IS the month's target, and
a breakdown divides it into parts plus whatever is "not assigned" yet. A part's increase is
taken from the unassigned rest first and only what goes beyond it raises the month's total
(splitting €30,000 among three offerings leaves the month at €30,000). Once a month is
fully assigned its total is the sum of its parts and follows them both ways. The total
never falls below what another breakdown of the month assigns, and setting the total
directly may not go below any breakdown. A month without a business-wide record counts
the finest breakdown it has (as the query does); its first edit writes that figure down.

Months up to and including ``BusinessProfile.locked_through`` are locked: every command
here refuses them with a sentence saying how to unlock them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from planner.db.models import ActualSale, BusinessProfile, Target
from planner.db.plan import UnitOfWork
from planner.domain.money import to_minor
from planner.domain.periods import FiscalYear, Month
from planner.domain.spread import SpreadError, largest_remainder
from planner.services.commands import Change, UpdateFields
from planner.services.errors import ValidationError
from planner.services.locks import check_unlocked as _check_unlocked
from planner.services.locks import is_locked as is_locked
from planner.services.locks import locked_message as locked_message
from planner.services.locks import locked_through as locked_through

# (month, offering_id, segment_id, owner_id); at most one of the three ids is set.
TargetKey = tuple[Month, int | None, int | None, int | None]
Figures = tuple[int, int | None] | None  # (revenue in minor units, units); None: no record
WHOLE_UNIT = 100  # spread yearly targets in whole currency units


class Part(StrEnum):
    """What a breakdown divides the business-wide target by."""

    OFFERING = "offering"
    SEGMENT = "segment"
    REP = "rep"


_COLUMN = {Part.OFFERING: "offering_id", Part.SEGMENT: "segment_id", Part.REP: "owner_id"}


class SpreadMethod(StrEnum):
    EVENLY = "evenly"
    LAST_YEAR = "last_year"  # in the shape of last year's actual revenue
    KEEP_SHAPE = "keep_shape"  # in the shape of the months' current targets


def part_key(month: Month, part: Part | None, item_id: int | None) -> TargetKey:
    if part is None:
        return (month, None, None, None)
    ids: list[int | None] = [None, None, None]
    ids[list(Part).index(part)] = item_id
    return (month, ids[0], ids[1], ids[2])


def _part_of(key: TargetKey) -> Part | None:
    for part, value in zip(Part, key[1:], strict=True):
        if value is not None:
            return part
    return None


# -- locks -------------------------------------------------------------------------------


def lock_months(uow: UnitOfWork, through: Month | None) -> UpdateFields:
    """Lock targets and actuals of every month up to and including ``through`` (None
    unlocks all)."""
    profile = uow.session.get(BusinessProfile, 1)
    old = None if profile is None else profile.locked_through
    label = "Unlock all months" if through is None else f"Lock months up to {through.short_label}"
    return UpdateFields(
        BusinessProfile, 1, {"locked_through": old}, {"locked_through": through}, label,
        Change.PROFILE | Change.TARGETS | Change.ACTUALS,
    )  # fmt: skip


# -- the command -------------------------------------------------------------------------


def _where(key: TargetKey) -> Any:
    month, offering, segment, owner = key
    conditions = [Target.month == month]
    for column, value in (
        (Target.offering_id, offering), (Target.segment_id, segment), (Target.owner_id, owner)
    ):  # fmt: skip
        conditions.append(column.is_(None) if value is None else column == value)
    return select(Target).where(*conditions).order_by(Target.id)


def _snapshot(uow: UnitOfWork, key: TargetKey) -> list[dict[str, Any]]:
    return [
        {"id": t.id, "month": t.month, "revenue_minor": t.revenue_minor, "units": t.units,
         "offering_id": t.offering_id, "segment_id": t.segment_id, "owner_id": t.owner_id}
        for t in uow.session.scalars(_where(key))
    ]  # fmt: skip


def _figures(uow: UnitOfWork, key: TargetKey) -> Figures:
    return _summed(_snapshot(uow, key))


def _summed(rows: list[dict[str, Any]]) -> Figures:
    """The figures of a key's records (as ``_snapshot`` gives them): summed, None if none."""
    if not rows:
        return None
    units = [r["units"] for r in rows if r["units"] is not None]
    return sum(r["revenue_minor"] for r in rows), (sum(units) if units else None)


@dataclass
class SetTargets:
    """Replace the target records of some keys by one record each with new figures (or
    none); undo puts the remembered records back exactly, ids included."""

    label: str
    new: dict[TargetKey, Figures]
    old: dict[TargetKey, list[dict[str, Any]]] = field(default_factory=dict)
    changes: Change = Change.TARGETS
    _ids: dict[TargetKey, int] = field(default_factory=dict)

    def apply(self, uow: UnitOfWork) -> None:
        # Asked again on every apply (a redo) and revert (an undo): the months may have been
        # locked since the command was built.
        _check_unlocked(uow, self.figure_months())
        for key, figures in self.new.items():
            if key not in self.old:
                self.old[key] = _snapshot(uow, key)
            self._clear(uow, key)
            if figures is not None:
                month, offering, segment, owner = key
                row = Target(
                    month=month, revenue_minor=figures[0], units=figures[1],
                    offering_id=offering, segment_id=segment, owner_id=owner,
                )  # fmt: skip
                if key in self._ids:
                    row.id = self._ids[key]
                uow.session.add(row)
                uow.session.flush()
                self._ids[key] = row.id

    def revert(self, uow: UnitOfWork) -> None:
        _check_unlocked(uow, self.figure_months())
        for key in self.new:
            self._clear(uow, key)
        uow.session.flush()
        for key in self.new:
            for values in self.old.get(key, []):
                uow.session.add(Target(**values))
        uow.session.flush()

    def figure_months(self) -> list[Month]:
        """The months whose figures applying or reverting changes: every key's month,
        except keys whose remembered records already add up to the new figures."""
        months = {
            key[0]
            for key, figures in self.new.items()
            if key not in self.old or _summed(self.old[key]) != figures
        }
        return sorted(months)

    @staticmethod
    def _clear(uow: UnitOfWork, key: TargetKey) -> None:
        for row in uow.session.scalars(_where(key)).all():
            uow.session.delete(row)
        uow.session.flush()


# -- reading what is there ---------------------------------------------------------------


def _month_records(uow: UnitOfWork, month: Month) -> dict[TargetKey, int]:
    totals: dict[TargetKey, int] = {}
    stmt = select(
        Target.offering_id, Target.segment_id, Target.owner_id, Target.revenue_minor
    ).where(Target.month == month)
    for offering, segment, owner, minor in uow.session.execute(stmt):
        key = (month, offering, segment, owner)
        totals[key] = totals.get(key, 0) + minor
    return totals


def _part_sums(records: Mapping[TargetKey, int]) -> dict[Part, int]:
    sums: dict[Part, int] = {}
    for key, minor in records.items():
        part = _part_of(key)
        if part is not None and sum(v is not None for v in key[1:]) == 1:
            sums[part] = sums.get(part, 0) + minor
    return sums


def month_total_minor(uow: UnitOfWork, month: Month) -> int:
    """The business-wide target of ``month`` by the query's rule."""
    records = _month_records(uow, month)
    business = (month, None, None, None)
    if business in records:
        return records[business]
    sums = _part_sums(records)
    return next((sums[p] for p in Part if p in sums), 0)


def _minor(amount: Decimal | None) -> int:
    if amount is None:
        return 0
    minor = to_minor(amount)
    if minor < 0:
        raise ValidationError("A target cannot be negative; enter zero or more.")
    return minor


def _label(month: Month, what: str) -> str:
    return f"Change {what} target for {month.short_label}"


# -- use cases ---------------------------------------------------------------------------


def set_month_target(uow: UnitOfWork, month: Month, amount: Decimal | None) -> SetTargets:
    """Set the business-wide revenue target of ``month`` (None clears it to nothing)."""
    _check_unlocked(uow, [month])
    new_minor = _minor(amount)
    records = _month_records(uow, month)
    for part, assigned in _part_sums(records).items():
        if new_minor < assigned:
            raise ValidationError(
                f"The {part.value} targets of {month.name} {month.year} already add up to "
                f"{Decimal(assigned) / 100:,.2f}; the month's target cannot be less. Lower "
                f"them under 'Break down by: {_PART_LABEL[part]}' first."
            )
    key = part_key(month, None, None)
    current = _figures(uow, key)
    units = None if current is None else current[1]
    figures: Figures = None if amount is None and units is None else (new_minor, units)
    return SetTargets(_label(month, "revenue"), {key: figures})


_PART_LABEL = {Part.OFFERING: "Offering", Part.SEGMENT: "Segment", Part.REP: "Sales rep"}


def set_month_units(uow: UnitOfWork, month: Month, units: int | None) -> SetTargets:
    """Set (or clear) the business-wide units target of ``month``."""
    _check_unlocked(uow, [month])
    if units is not None and units < 0:
        raise ValidationError("A units target cannot be negative; enter zero or more.")
    key = part_key(month, None, None)
    current = _figures(uow, key)
    revenue = month_total_minor(uow, month) if current is None else current[0]
    figures: Figures = None if units is None and current is None else (revenue, units)
    return SetTargets(_label(month, "units"), {key: figures})


def set_part_target(
    uow: UnitOfWork, month: Month, part: Part, item_id: int, amount: Decimal | None
) -> SetTargets:
    """Set one part of a breakdown (None clears it); the month's total moves with it."""
    _check_unlocked(uow, [month])
    new_minor = _minor(amount)
    key = part_key(month, part, item_id)
    current = _figures(uow, key)
    old_minor, units = (0, None) if current is None else current
    total_key = part_key(month, None, None)
    total_record = _figures(uow, total_key)
    total_units = None if total_record is None else total_record[1]
    total = _new_total(uow, month, part, new_minor - old_minor)
    figures: Figures = None if amount is None and units is None else (new_minor, units)
    return SetTargets(_label(month, "revenue"), {key: figures, total_key: (total, total_units)})


def _new_total(uow: UnitOfWork, month: Month, part: Part, delta: int) -> int:
    """The month's total after one ``part`` changes by ``delta`` (see the module rule)."""
    total = month_total_minor(uow, month)
    sums = _part_sums(_month_records(uow, month))
    rest = total - sums.get(part, 0)
    if delta >= 0:
        candidate = total + max(0, delta - max(rest, 0))
    else:
        candidate = total + delta if rest <= 0 else total
    others = [v for p, v in sums.items() if p is not part]
    return max([candidate, *others])


def _last_year_shape(uow: UnitOfWork, fy: FiscalYear, today: dt.date) -> list[int]:
    """Actual revenue of each month of the year before ``fy``. A month of it that is not
    complete yet (the year before is often the one in progress) takes the same month a
    year earlier, so a half-finished year does not squash its last months to nothing."""
    previous, current = fy + -1, Month.of(today)
    earliest = (fy + -2).first_month
    revenue: dict[Month, int] = {}
    stmt = select(ActualSale.month, ActualSale.revenue_minor).where(
        ActualSale.month >= earliest, ActualSale.month <= previous.last_month
    )
    for month, minor in uow.session.execute(stmt):
        revenue[month] = revenue.get(month, 0) + minor
    shape = [revenue.get(m if m < current else m + -12, 0) for m in previous.months]
    if not any(v > 0 for v in shape):
        raise ValidationError(
            f"There is no actual revenue for {previous.label} to take the shape from; "
            "spread evenly instead, or enter last year's sales under Actuals."
        )
    return shape


def set_yearly_target(
    uow: UnitOfWork,
    fy: FiscalYear,
    amount: Decimal,
    method: SpreadMethod,
    *,
    today: dt.date | None = None,
) -> SetTargets:
    """Spread ``amount`` over the months of ``fy`` in whole currency units that sum to it
    exactly. Locked months keep their targets; the rest of the amount goes to the open
    months. A month's breakdown is scaled with its total so it still adds up."""
    total = _minor(amount)
    months = fy.months
    open_months = [m for m in months if not is_locked(uow, m)]
    if not open_months:
        raise ValidationError(locked_message(months[-1]))
    current = {m: month_total_minor(uow, m) for m in months}
    kept = sum(current[m] for m in months if m not in open_months)
    if total < kept:
        raise ValidationError(
            f"The locked months already have {Decimal(kept) / 100:,.2f} of targets; "
            "the year's target cannot be less."
        )
    if method is SpreadMethod.LAST_YEAR:
        full = _last_year_shape(uow, fy, today or dt.date.today())
        shape = [full[months.index(m)] for m in open_months]
    elif method is SpreadMethod.KEEP_SHAPE:
        shape = [current[m] for m in open_months]
    else:
        shape = [1] * len(open_months)
    try:
        amounts = largest_remainder(total - kept, shape, WHOLE_UNIT)
    except SpreadError as exc:
        raise ValidationError(str(exc)) from None
    new: dict[TargetKey, Figures] = {}
    for month, month_minor in zip(open_months, amounts, strict=True):
        new.update(_scaled_month(uow, month, current[month], month_minor))
    return SetTargets(f"Set yearly target for {fy.label}", new)


def _scaled_month(
    uow: UnitOfWork, month: Month, old_total: int, new_total: int
) -> dict[TargetKey, Figures]:
    """The month's new total and its breakdowns scaled to it (each still adding up)."""
    total_key = part_key(month, None, None)
    current = _figures(uow, total_key)
    units = None if current is None else current[1]
    new: dict[TargetKey, Figures] = {total_key: (new_total, units)}
    records = _month_records(uow, month)
    for part in Part:
        keys = [
            k for k in records if _part_of(k) is part and sum(v is not None for v in k[1:]) == 1
        ]
        if not keys or old_total <= 0:
            continue
        rest = max(old_total - sum(records[k] for k in keys), 0)
        step = WHOLE_UNIT if new_total % WHOLE_UNIT == 0 else 1
        shares = largest_remainder(new_total, [records[k] for k in keys] + [rest], step)
        for key, minor in zip(keys, shares, strict=False):
            figures = _figures(uow, key)
            new[key] = (minor, None if figures is None else figures[1])
    return new
