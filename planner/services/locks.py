"""Locked months: targets and actuals up to and including the lock date are closed books.

The lock date is ``BusinessProfile.locked_through``, set under Targets > "Lock months…".
Every edit of a target or an actual, typed or imported, asks ``check_unlocked`` first, so
one rule and one message serve the grid, the targets tab and the importers.
``check_deletable`` carries the same rule to deleting a channel, offering or segment
whose figures in locked months would go with it (or lose their link to it).

Undo and redo obey the same rule: every command that writes figures (``SetTargets``,
``SetActual``, ``ImportActuals``, ``SetMonthFigure``, ``DeleteRecord``) asks
``check_unlocked`` for the months it changes in ``revert`` as well as in ``apply``. The
check sits where the figures are written rather than in ``commands.execute``/``undo``, so
it also holds for commands inside others (a composite step, a workbook import's deferred
parts, an import the Qt layer applied on a worker) without each wrapper having to pass
the months on; a ``CompositeCommand`` also asks for all its parts' months first
(``commands.figure_months``), so its sentence names the earliest. A refused undo or redo
raises ``ValidationError`` before anything is committed, and the command stays undoable
(or redoable) once the months are unlocked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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


def check_deletable(uow: UnitOfWork, name: str, first: Month | None, instead: str) -> None:
    """Refuse (``ValidationError``) deleting the record called ``name`` when the earliest
    month of its figures (``first``, from ``records.first_figure_month``; None for none) is
    locked: deleting it would change closed books. ``instead`` says what to do instead
    ("Archive it instead")."""
    last = locked_through(uow)
    if last is not None and first is not None and first <= last:
        raise ValidationError(
            f"'{name}' has figures in locked months (up to {last.name} {last.year}). "
            f"{instead}, or unlock those months first."
        )


# The tables whose rows are figures of a month (``figure_month``).
FIGURE_TABLES = ("target", "channel_month", "actual_sale")


def figure_month(table: str, row: Mapping[str, Any]) -> Month | None:
    """The month whose closed books ``row`` of ``table`` holds a figure of, or None when it
    is not a figure (the rule of ``check_deletable`` and undo alike). A target counts when
    it is other than zero, a channel month when a planned figure is other than zero or an
    actual is recorded (zero included), an actual sale always (its offering is part of it).
    """
    if table == "target":
        return row["month"] if row["revenue_minor"] or row["units"] else None
    if table == "channel_month":
        planned = row["planned_spend_minor"] or row["planned_leads"]
        recorded = row["actual_spend_minor"] is not None or row["actual_leads"] is not None
        return row["month"] if planned or recorded else None
    if table == "actual_sale":
        month: Month = row["month"]
        return month
    return None
