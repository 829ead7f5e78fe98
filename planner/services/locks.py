"""Locked months: targets and actuals up to and including the lock date are closed books.

The lock date is ``BusinessProfile.locked_through``, set under Targets > "Lock months…".
Every edit of a target or an actual, typed or imported, asks ``check_unlocked`` first, so
one rule and one message serve the grid, the targets tab and the importers.
``check_deletable`` carries the same rule to deleting a channel, offering or segment
whose figures in locked months would go with it (or lose their link to it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.db.models import BusinessProfile
from planner.db.plan import Plan, UnitOfWork
from planner.domain.periods import Month
from planner.services.errors import ValidationError


def locked_through(plan_or_uow: Plan | UnitOfWork) -> Month | None:
    """The last locked month, or None when nothing is locked."""
    if isinstance(plan_or_uow, Plan):
        with plan_or_uow.session() as session:
            profile = session.get(BusinessProfile, 1)
            return None if profile is None else profile.locked_through
    profile = plan_or_uow.session.get(BusinessProfile, 1)
    return None if profile is None else profile.locked_through


def is_locked(plan_or_uow: Plan | UnitOfWork, month: Month) -> bool:
    """True when ``month`` is at or before the lock date (its figures are closed)."""
    last = locked_through(plan_or_uow)
    return last is not None and month <= last


def locked_message(month: Month) -> str:
    return f"{month.name} {month.year} is locked. Unlock it under 'Lock months' to change it."


def check_unlocked(uow: UnitOfWork, months: Sequence[Month]) -> None:
    """Refuse (``ValidationError``) when any of ``months`` is locked; nothing is stored."""
    last = locked_through(uow)
    closed = sorted(m for m in months if last is not None and m <= last)
    if closed:
        raise ValidationError(locked_message(closed[0]))


def check_deletable(
    uow: UnitOfWork, name: str, first_months: Iterable[Month | None], instead: str
) -> None:
    """Refuse (``ValidationError``) deleting the record called ``name`` when the earliest
    month of its figures (``first_months``: one per kind of figure, None for none) is
    locked: deleting it would change closed books. ``instead`` says what to do instead
    ("Archive it instead")."""
    last = locked_through(uow)
    if last is not None and any(m is not None and m <= last for m in first_months):
        raise ValidationError(
            f"'{name}' has figures in locked months (up to {last.name} {last.year}). "
            f"{instead}, or unlock those months first."
        )
