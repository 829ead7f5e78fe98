"""Deleting a channel, offering or segment must not change closed books: with figures in a
locked month it is refused with one sentence and nothing changes; otherwise it deletes as
before, and undo brings everything back. Every check compares a dump of every table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from table_dump import dump_tables

from planner.db.models import Channel
from planner.db.plan import Plan
from planner.domain.periods import Month
from planner.services import channels, offerings, segments
from planner.services.actuals import set_actual
from planner.services.commands import Command, execute, undo
from planner.services.errors import ValidationError
from planner.services.targets import Part, lock_months, set_part_target

JUNE = Month(2026, 6)
SEARCH_REFUSED = (
    "'Search ads' has figures in locked months (up to June 2026). "
    "Archive it instead, or unlock those months first."
)


def build(plan: Plan, make: Any, *args: Any) -> Any:
    with plan.uow() as uow:
        return make(uow, *args)


def run(plan: Plan, make: Any, *args: Any) -> Command:
    """Build a command in one unit of work and execute it, as PlanOperations.run does."""
    command: Command = build(plan, make, *args)
    execute(plan, command)
    return command


def new_id(plan: Plan, make: Any, name: str) -> int:
    command = run(plan, make, name)
    return int(command.new_id)  # type: ignore[attr-defined]


def lock(plan: Plan, through: Month | None) -> None:
    run(plan, lock_months, through)


def refused(plan: Plan, make: Any, key: int) -> str:
    with pytest.raises(ValidationError) as info:
        build(plan, make, key)
    return str(info.value)


def check_allowed(plan: Plan, make: Any, key: int) -> None:
    """The delete goes through, takes something away, and undo restores every row."""
    before = dump_tables(plan)
    command = run(plan, make, key)
    assert dump_tables(plan) != before
    undo(plan, command)
    assert dump_tables(plan) == before
    execute(plan, command)  # and redo deletes again
    assert dump_tables(plan) != before
    undo(plan, command)
    assert dump_tables(plan) == before


@pytest.fixture
def plan(empty_plan: Plan) -> Plan:
    return empty_plan


def channel_with_spend(plan: Plan, month: Month, field: str = "actual_spend_minor") -> int:
    channel = new_id(plan, channels.add_channel, "Search ads")
    run(plan, channels.set_month_figure, channel, month, field, Decimal("250"))
    run(plan, channels.set_month_figure, channel, Month(2026, 9), "planned_leads", 12)
    return channel


# -- channels -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["actual_spend_minor", "planned_spend_minor"])
def test_channel_with_figures_in_a_locked_month_is_refused(plan: Plan, field: str) -> None:
    channel = channel_with_spend(plan, Month(2026, 3), field)
    lock(plan, JUNE)
    before = dump_tables(plan)
    assert refused(plan, channels.delete_channel, channel) == SEARCH_REFUSED
    # The question asked before deleting is refused the same way, so nothing is asked.
    assert refused(plan, channels.describe_channel_dependents, channel) == SEARCH_REFUSED
    assert dump_tables(plan) == before
    # Archiving is the way out, and it still works.
    run(plan, channels.archive_channel, channel)
    with plan.session() as session:
        assert session.get(Channel, channel).archived  # type: ignore[union-attr]


def test_channel_with_an_actual_of_zero_in_a_locked_month_is_refused(plan: Plan) -> None:
    channel = new_id(plan, channels.add_channel, "Search ads")
    run(plan, channels.set_month_figure, channel, JUNE, "actual_leads", 0)
    lock(plan, JUNE)
    assert refused(plan, channels.delete_channel, channel) == SEARCH_REFUSED


def test_channel_deletes_when_nothing_is_locked_or_figures_are_later(plan: Plan) -> None:
    channel = channel_with_spend(plan, Month(2026, 7))
    check_allowed(plan, channels.delete_channel, channel)  # nothing locked
    lock(plan, JUNE)  # its figures are all in July and later
    check_allowed(plan, channels.delete_channel, channel)


def test_channel_with_only_an_empty_row_in_a_locked_month_deletes(plan: Plan) -> None:
    channel = new_id(plan, channels.add_channel, "Search ads")
    run(plan, channels.set_month_figure, channel, Month(2026, 2), "planned_spend_minor", 0)
    lock(plan, JUNE)
    check_allowed(plan, channels.delete_channel, channel)


def test_redo_of_a_channel_delete_after_locking_is_refused(plan: Plan) -> None:
    channel = channel_with_spend(plan, Month(2026, 3))
    before = dump_tables(plan)
    command = run(plan, channels.delete_channel, channel)
    undo(plan, command)
    lock(plan, JUNE)
    locked = dump_tables(plan)
    assert locked != before  # only the lock date moved
    with pytest.raises(ValidationError, match="locked months"):
        execute(plan, command)
    assert dump_tables(plan) == locked


def test_unlocking_lets_the_channel_go(plan: Plan) -> None:
    channel = channel_with_spend(plan, Month(2026, 3))
    lock(plan, JUNE)
    assert refused(plan, channels.delete_channel, channel) == SEARCH_REFUSED
    lock(plan, Month(2026, 2))
    check_allowed(plan, channels.delete_channel, channel)
    lock(plan, None)
    check_allowed(plan, channels.delete_channel, channel)


# -- offerings ----------------------------------------------------------------------------

CATERING_REFUSED = (
    "'Catering' has figures in locked months (up to June 2026). "
    "Archive it instead, or unlock those months first."
)


def offering_with(plan: Plan, target: Month | None, actual: Month | None) -> int:
    offering = new_id(plan, offerings.add_offering, "Catering")
    if target is not None:
        run(plan, set_part_target, target, Part.OFFERING, offering, Decimal("1200"))
    if actual is not None:
        run(plan, set_actual, actual, offering, "revenue", Decimal("980"))
    return offering


@pytest.mark.parametrize(
    ("target", "actual"),
    [(Month(2026, 4), None), (None, Month(2026, 6)), (Month(2026, 1), Month(2026, 8))],
)
def test_offering_with_figures_in_a_locked_month_is_refused(
    plan: Plan, target: Month | None, actual: Month | None
) -> None:
    offering = offering_with(plan, target, actual)
    lock(plan, JUNE)
    before = dump_tables(plan)
    assert refused(plan, offerings.delete_offering, offering) == CATERING_REFUSED
    assert refused(plan, offerings.delete_question, offering) == CATERING_REFUSED
    assert dump_tables(plan) == before


def test_offering_deletes_when_its_figures_are_after_the_lock(plan: Plan) -> None:
    offering = offering_with(plan, Month(2026, 7), Month(2026, 8))
    # Another offering's figures in locked months do not hold this one back.
    other = new_id(plan, offerings.add_offering, "Bread")
    run(plan, set_part_target, Month(2026, 3), Part.OFFERING, other, Decimal("500"))
    check_allowed(plan, offerings.delete_offering, offering)
    lock(plan, JUNE)
    assert build(plan, offerings.delete_question, offering).startswith("Delete 'Catering'?")
    check_allowed(plan, offerings.delete_offering, offering)
    assert refused(plan, offerings.delete_offering, other) == CATERING_REFUSED.replace(
        "Catering", "Bread"
    )


def test_offering_with_a_cleared_target_in_a_locked_month_deletes(plan: Plan) -> None:
    offering = offering_with(plan, Month(2026, 3), None)
    run(plan, set_part_target, Month(2026, 3), Part.OFFERING, offering, Decimal("0"))
    lock(plan, JUNE)
    check_allowed(plan, offerings.delete_offering, offering)


def test_redo_of_an_offering_delete_after_locking_is_refused(plan: Plan) -> None:
    offering = offering_with(plan, None, Month(2026, 5))
    command = run(plan, offerings.delete_offering, offering)
    undo(plan, command)
    lock(plan, JUNE)
    locked = dump_tables(plan)
    with pytest.raises(ValidationError, match="locked months"):
        execute(plan, command)
    assert dump_tables(plan) == locked


# -- segments -----------------------------------------------------------------------------


def test_segment_with_targets_in_a_locked_month_is_refused(plan: Plan) -> None:
    shops = new_id(plan, segments.add_segment, "Shops")
    homes = new_id(plan, segments.add_segment, "Homes")
    run(plan, set_part_target, Month(2026, 5), Part.SEGMENT, shops, Decimal("800"))
    run(plan, set_part_target, Month(2026, 10), Part.SEGMENT, homes, Decimal("300"))
    lock(plan, JUNE)
    before = dump_tables(plan)
    expected = (
        "'Shops' has figures in locked months (up to June 2026). "
        "Untick Targeted to set it aside instead, or unlock those months first."
    )
    assert refused(plan, segments.delete_segment, shops) == expected
    assert refused(plan, segments.segment_dependents, shops) == expected
    assert dump_tables(plan) == before
    check_allowed(plan, segments.delete_segment, homes)  # its target is in October
    command = run(plan, segments.delete_segment, homes)
    undo(plan, command)
    lock(plan, Month(2026, 12))
    with pytest.raises(ValidationError, match="locked months"):
        execute(plan, command)
