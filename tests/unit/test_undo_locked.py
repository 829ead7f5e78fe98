"""Undo and redo never change closed books.

For every kind of command that writes figures of a month (targets, actual sales and their
import, channel figures and their fill helpers, a workbook import, the delete of a record
with figures), made while the month was open: once the month is locked, undoing it and
redoing it are refused with the lock's sentence and nothing changes; unlocking (by undoing
"Lock months") lets the same command undo and redo again. Each check compares a dump of
every table, so "nothing changes" means no row anywhere.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from table_dump import dump_tables

from planner.db.models import BusinessProfile, Deal, Target
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.services import channels, offerings, segments
from planner.services.actuals import ImportActuals, MonthTotals, set_actual
from planner.services.commands import Command, execute, undo
from planner.services.deals import DealFields, add_deal
from planner.services.errors import ValidationError
from planner.services.locks import locked_message
from planner.services.targets import (
    Part,
    SpreadMethod,
    lock_months,
    set_month_target,
    set_month_units,
    set_part_target,
    set_yearly_target,
)
from planner.services.workbook_changes import (
    ActualEdit,
    ChannelEdit,
    TargetEdit,
    WorkbookEdits,
    workbook_command,
)

JUNE = Month(2026, 6)
MAY = Month(2026, 5)
TODAY = dt.date(2026, 11, 23)
MAY_LOCKED = "May 2026 is locked. Unlock it under 'Lock months' to change it."
JANUARY_LOCKED = "January 2026 is locked. Unlock it under 'Lock months' to change it."


def build(plan: Plan, make: Any, *args: Any, **kwargs: Any) -> Any:
    with plan.uow() as uow:
        return make(uow, *args, **kwargs)


def run(plan: Plan, make: Any, *args: Any, **kwargs: Any) -> Any:
    """Build a command in one unit of work and execute it, as PlanOperations.run does."""
    command: Command = build(plan, make, *args, **kwargs)
    execute(plan, command)
    return command


def refused(action: Any, *args: Any) -> str:
    with pytest.raises(ValidationError) as info:
        action(*args)
    return str(info.value)


def check_closed_books(
    plan: Plan, before: dict[str, Any], command: Command, message: str, redo: str | None = None
) -> None:
    """``command`` was made with nothing locked (``before``: the plan before it). Locked
    through June, its undo is refused with ``message``, and after an unlock, undo and a
    relock its redo with ``redo`` (default: the same); each refusal changes nothing, and
    each unlock lets it through."""
    after = dump_tables(plan)
    assert after != before
    lock = run(plan, lock_months, JUNE)
    locked = dump_tables(plan)
    assert refused(undo, plan, command) == message
    assert dump_tables(plan) == locked
    undo(plan, lock)  # undoing "Lock months" reopens the books, as it always did
    assert dump_tables(plan) == after
    undo(plan, command)
    assert dump_tables(plan) == before
    lock = run(plan, lock_months, JUNE)
    relocked = dump_tables(plan)
    assert refused(execute, plan, command) == (redo or message)
    assert dump_tables(plan) == relocked
    undo(plan, lock)
    execute(plan, command)
    assert dump_tables(plan) == after


@pytest.fixture
def plan(empty_plan: Plan) -> Plan:
    return empty_plan


def business_target(plan: Plan, month: Month) -> list[int]:
    with plan.session() as session:
        stmt = select(Target.revenue_minor).where(
            Target.month == month, Target.offering_id.is_(None),
            Target.segment_id.is_(None), Target.owner_id.is_(None),
        )  # fmt: skip
        return list(session.scalars(stmt))


def new_id(plan: Plan, make: Any, name: str) -> int:
    return int(run(plan, make, name).new_id)


# -- targets ------------------------------------------------------------------------------


def test_undo_of_a_month_target_after_locking_is_refused(plan: Plan) -> None:
    run(plan, set_month_target, MAY, Decimal("1000"))
    before = dump_tables(plan)
    command = run(plan, set_month_target, MAY, Decimal("2500"))
    assert business_target(plan, MAY) == [250_000]
    check_closed_books(plan, before, command, MAY_LOCKED)
    assert business_target(plan, MAY) == [250_000]


def test_undo_of_a_units_target_and_a_part_target_after_locking_is_refused(plan: Plan) -> None:
    catering = new_id(plan, offerings.add_offering, "Catering")
    before = dump_tables(plan)
    units = run(plan, set_month_units, MAY, 40)
    check_closed_books(plan, before, units, MAY_LOCKED)
    before = dump_tables(plan)
    part = run(plan, set_part_target, MAY, Part.OFFERING, catering, Decimal("700"))
    check_closed_books(plan, before, part, MAY_LOCKED)


def test_undo_of_a_yearly_spread_after_locking_is_refused(plan: Plan) -> None:
    before = dump_tables(plan)
    fy = FiscalYear(2026, 1)
    command = run(plan, set_yearly_target, fy, Decimal("12000"), SpreadMethod.EVENLY)
    assert business_target(plan, MAY) == [100_000]
    check_closed_books(plan, before, command, JANUARY_LOCKED)


def test_a_target_after_the_lock_still_undoes_and_redoes(plan: Plan) -> None:
    july = Month(2026, 7)
    command = run(plan, set_month_target, july, Decimal("900"))
    run(plan, lock_months, JUNE)
    undo(plan, command)
    assert business_target(plan, july) == []
    execute(plan, command)
    assert business_target(plan, july) == [90_000]


def test_a_spread_undoes_when_it_left_the_locked_months_as_they_were(plan: Plan) -> None:
    """Only months whose figures an undo would change count: re-spreading a year that was
    even except for December changes December alone, so it undoes under a June lock."""
    fy = FiscalYear(2026, 1)
    run(plan, set_yearly_target, fy, Decimal("12000"), SpreadMethod.EVENLY)
    december = Month(2026, 12)
    run(plan, set_month_target, december, Decimal("2000"))
    before = dump_tables(plan)
    command = run(plan, set_yearly_target, fy, Decimal("12000"), SpreadMethod.EVENLY)
    assert business_target(plan, december) == [100_000]
    lock = run(plan, lock_months, JUNE)
    undo(plan, command)
    assert business_target(plan, december) == [200_000]
    assert business_target(plan, MAY) == [100_000]
    undo(plan, lock)
    assert dump_tables(plan) == before


# -- actual sales -------------------------------------------------------------------------


@pytest.mark.parametrize(("figure", "value"), [("revenue", Decimal("980")), ("units", 14)])
def test_undo_of_an_actual_after_locking_is_refused(plan: Plan, figure: str, value: Any) -> None:
    run(plan, set_actual, MAY, None, "revenue", Decimal("300"))
    before = dump_tables(plan)
    command = run(plan, set_actual, MAY, None, figure, value)
    check_closed_books(plan, before, command, MAY_LOCKED)


def test_undo_of_an_actuals_import_after_locking_is_refused(plan: Plan) -> None:
    before = dump_tables(plan)
    command = ImportActuals(
        "Import Actual Sales from till.csv",
        {(MAY, None): MonthTotals(120_000, 30), (Month(2026, 8), None): MonthTotals(5_000, None)},
        "till.csv", "0" * 64, TODAY, ["line-1", "line-2", "line-3"], rows_skipped=0,
        mapping=("date|amount", '{"date": 0}'),
    )  # fmt: skip
    execute(plan, command)
    check_closed_books(plan, before, command, MAY_LOCKED)


# -- channel figures ----------------------------------------------------------------------


def channel(plan: Plan) -> int:
    return new_id(plan, channels.add_channel, "Search ads")


@pytest.mark.parametrize("field", ["planned_spend_minor", "actual_spend_minor", "actual_leads"])
def test_undo_of_a_channel_figure_after_locking_is_refused(plan: Plan, field: str) -> None:
    search = channel(plan)
    before = dump_tables(plan)
    command = run(plan, channels.set_month_figure, search, MAY, field, 40)
    check_closed_books(plan, before, command, MAY_LOCKED)
    # A figure changed in a row that already existed (revert sets it back, not deletes).
    before = dump_tables(plan)
    command = run(plan, channels.set_month_figure, search, MAY, field, 55)
    check_closed_books(plan, before, command, MAY_LOCKED)


def test_undo_of_fill_right_spread_and_copy_after_locking_is_refused(plan: Plan) -> None:
    search = channel(plan)
    months = [Month(2026, m) for m in range(3, 10)]
    before = dump_tables(plan)
    fill = run(plan, channels.fill_right, search, "planned_leads", months, 12)
    # March to September: March is the first locked month it would change back.
    march = locked_message(Month(2026, 3))
    check_closed_books(plan, before, fill, march)
    before = dump_tables(plan)
    year = FiscalYear(2026, 1).months
    spread = run(plan, channels.spread_budget, search, year, "planned_spend_minor", 12_000)
    check_closed_books(plan, before, spread, JANUARY_LOCKED)
    last_year = FiscalYear(2025, 1)
    run(plan, channels.spread_budget, search, last_year.months, "planned_spend_minor", 2400)
    before = dump_tables(plan)
    copy = run(
        plan, channels.copy_from_last_year, [search], FiscalYear(2026, 1), channels.CopySource.PLAN
    )
    check_closed_books(plan, before, copy, JANUARY_LOCKED)


# -- a workbook import --------------------------------------------------------------------


def test_undo_of_a_workbook_import_after_locking_is_refused(plan: Plan) -> None:
    search = channel(plan)
    august = Month(2026, 8)
    spend = ChannelEdit(
        "Channels!D5", search, "Search ads", MAY, "actual_spend_minor", "Actual spend",
        None, 30_000,
    )  # fmt: skip
    edits = WorkbookEdits(
        targets=[TargetEdit("Targets!C9", august, None, None, "Whole business", 0, 50_000)],
        channels=[spend],
        actuals=[ActualEdit("Actuals!C7", MAY, None, "Not assigned", "revenue", None, 75_000)],
    )
    before = dump_tables(plan)
    command = workbook_command(edits, today=TODAY)
    execute(plan, command)
    assert business_target(plan, august) == [50_000]
    check_closed_books(plan, before, command, MAY_LOCKED)


# -- deleting a record with figures -------------------------------------------------------


def test_undo_of_a_channel_delete_after_locking_is_refused(plan: Plan) -> None:
    search = channel(plan)
    run(plan, channels.set_month_figure, search, Month(2026, 3), "actual_spend_minor", 250)
    run(plan, channels.set_month_figure, search, Month(2026, 9), "planned_leads", 12)
    before = dump_tables(plan)
    command = run(plan, channels.delete_channel, search)
    check_closed_books(
        plan, before, command, locked_message(Month(2026, 3)),
        redo="'Search ads' has figures in locked months (up to June 2026). "
        "Archive it instead, or unlock those months first.",
    )  # fmt: skip


def test_undo_of_a_channel_delete_with_only_an_empty_locked_month_goes_through(
    plan: Plan,
) -> None:
    """A locked month's row holding nothing may go (check_channel_deletable), so it may
    come back too."""
    search = channel(plan)
    run(plan, channels.set_month_figure, search, Month(2026, 2), "planned_spend_minor", 0)
    before = dump_tables(plan)
    command = run(plan, channels.delete_channel, search)
    run(plan, lock_months, JUNE)
    undo(plan, command)
    run(plan, lock_months, None)
    assert dump_tables(plan) == before


def test_undo_of_an_offering_delete_after_locking_is_refused(plan: Plan) -> None:
    catering = new_id(plan, offerings.add_offering, "Catering")
    run(plan, set_actual, Month(2026, 4), catering, "revenue", Decimal("980"))
    run(plan, set_part_target, Month(2026, 10), Part.OFFERING, catering, Decimal("1200"))
    before = dump_tables(plan)
    command = run(plan, offerings.delete_offering, catering)
    # The April sale stays without an offering; undo would give it back its offering.
    check_closed_books(
        plan, before, command, locked_message(Month(2026, 4)),
        redo="'Catering' has figures in locked months (up to June 2026). "
        "Archive it instead, or unlock those months first.",
    )  # fmt: skip


def test_undo_of_a_segment_delete_after_locking_is_refused(plan: Plan) -> None:
    shops = new_id(plan, segments.add_segment, "Shops")
    run(plan, set_part_target, MAY, Part.SEGMENT, shops, Decimal("800"))
    before = dump_tables(plan)
    command = run(plan, segments.delete_segment, shops)
    check_closed_books(
        plan, before, command, MAY_LOCKED,
        redo="'Shops' has figures in locked months (up to June 2026). "
        "Untick Targeted to set it aside instead, or unlock those months first.",
    )  # fmt: skip


# -- what the lock does not cover ---------------------------------------------------------


def test_deals_are_not_closed_books(plan: Plan) -> None:
    """The lock covers targets, actual sales and channel figures; the pipeline stays open
    (a deal closed in a locked month may still be corrected), so its undo goes through."""
    fields = DealFields(customer="Café Rosa", amount=Decimal("450"))
    command = run(plan, add_deal, fields, today=dt.date(2026, 3, 10))
    run(plan, lock_months, JUNE)
    undo(plan, command)
    with plan.session() as session:
        assert session.scalars(select(Deal)).all() == []
    execute(plan, command)
    with plan.session() as session:
        assert [d.customer for d in session.scalars(select(Deal))] == ["Café Rosa"]


def test_undoing_lock_months_itself_reopens_the_books(plan: Plan) -> None:
    first = run(plan, lock_months, Month(2026, 3))
    second = run(plan, lock_months, JUNE)
    undo(plan, second)
    with plan.session() as session:
        profile = session.get(BusinessProfile, 1)
        assert profile is not None and profile.locked_through == Month(2026, 3)
    undo(plan, first)
    with plan.session() as session:
        profile = session.get(BusinessProfile, 1)
        assert profile is not None and profile.locked_through is None
    execute(plan, first)  # and redo locks again
    assert refused(build, plan, set_month_target, Month(2026, 2), Decimal("1")) == (
        "February 2026 is locked. Unlock it under 'Lock months' to change it."
    )
