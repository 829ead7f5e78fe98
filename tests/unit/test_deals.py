"""Pipeline use cases and figures: every deal command applied, reverted and re-applied with
the deal and its history checked; stale reasons, slips and stage edits on hand-built data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from planner.db.models import Deal, DealEvent, LostReason, SalesRep, Stage
from planner.db.plan import Plan
from planner.domain.pipeline import weighted_value
from planner.queries import deals, stages
from planner.services.commands import Command, execute, undo
from planner.services.deals import (
    DealFields,
    add_deal,
    lose_deal,
    move_deal,
    reopen_deal,
    update_deal,
    win_deal,
)
from planner.services.errors import ValidationError
from planner.services.stages import (
    add_stage,
    delete_stage,
    move_stage,
    rename_stage,
    set_stage_probability,
)

TODAY = dt.date(2026, 11, 23)
LATER = dt.date(2026, 12, 1)


def stage_id(plan: Plan, name: str) -> int:
    with plan.session() as s:
        found = s.scalar(select(Stage.id).where(Stage.name == name))
        assert found is not None
        return found


def reason_id(plan: Plan, name: str = "No budget") -> int:
    with plan.session() as s:
        found = s.scalar(select(LostReason.id).where(LostReason.name == name))
        assert found is not None
        return found


def build(plan: Plan, uses: Any) -> Command:
    with plan.uow() as uow:
        return uses(uow)  # type: ignore[no-any-return]


def deal_state(plan: Plan, deal_id: int) -> tuple[Any, ...] | None:
    with plan.session() as s:
        d = s.get(Deal, deal_id)
        if d is None:
            return None
        return (d.stage_id, d.status, d.closed_on, d.lost_reason_id, d.amount_minor,
                d.expected_close)  # fmt: skip


def history(plan: Plan, deal_id: int) -> list[tuple[str, str, str]]:
    with plan.session() as s:
        rows = s.execute(
            select(DealEvent.kind, DealEvent.old_value, DealEvent.new_value)
            .where(DealEvent.deal_id == deal_id)
            .order_by(DealEvent.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def new_deal(plan: Plan, **changes: Any) -> int:
    fields = DealFields(customer="Corner Cafe", title="Croissants", amount=Decimal("1000"))
    values = {**fields.__dict__, **changes}
    command = build(plan, lambda uow: add_deal(uow, DealFields(**values), today=TODAY))
    execute(plan, command)
    return int(command.deal_id)  # type: ignore[attr-defined]


def test_add_deal_apply_revert_apply(empty_plan: Plan) -> None:
    plan = empty_plan
    lead = stage_id(plan, "Lead")
    fields = DealFields("Corner Cafe", "Croissants", amount=Decimal("1000.50"),
                        expected_close=dt.date(2027, 1, 31))  # fmt: skip
    command = build(plan, lambda uow: add_deal(uow, fields, today=TODAY))
    assert command.label == "Add Deal"
    execute(plan, command)
    deal_id = command.deal_id  # type: ignore[attr-defined]
    assert deal_state(plan, deal_id) == (lead, "open", None, None, 100050, dt.date(2027, 1, 31))
    assert history(plan, deal_id) == [("created", "", "Lead")]
    undo(plan, command)
    assert deal_state(plan, deal_id) is None and history(plan, deal_id) == []
    execute(plan, command)
    assert deal_state(plan, deal_id) is not None
    assert history(plan, deal_id) == [("created", "", "Lead")]
    row = deals(plan, today=TODAY)[0]
    assert (row.id, row.probability, row.weighted) == (deal_id, 10, Decimal("100.05"))


def test_validation_messages_name_the_field(empty_plan: Plan) -> None:
    def refused(fields: DealFields) -> ValidationError:
        with pytest.raises(ValidationError) as error:
            build(empty_plan, lambda uow: add_deal(uow, fields, today=TODAY))
        return error.value

    error = refused(DealFields(" "))
    assert (str(error), error.field) == ("Enter the customer's name.", "customer")
    error = refused(DealFields("A", amount=Decimal("-1")))
    assert (str(error), error.field) == ("An amount cannot be negative.", "amount")
    error = refused(DealFields("A", probability=120))
    assert error.field == "probability"
    error = refused(DealFields("A", owner_id=999))
    assert (str(error), error.field) == ("That owner no longer exists; choose another.", "owner_id")
    error = refused(DealFields("A", stage_id=stage_id(empty_plan, "Lost")))
    assert str(error) == "Choose why the deal was lost."


def test_move_win_lose_reopen_with_history(empty_plan: Plan) -> None:
    plan = empty_plan
    deal_id = new_deal(plan)
    lead, proposal, won, lost = (stage_id(plan, n) for n in ("Lead", "Proposal", "Won", "Lost"))
    created = [("created", "", "Lead")]

    move = build(plan, lambda uow: move_deal(uow, deal_id, proposal, today=LATER))
    assert move.label == "Move Deal to Proposal"
    execute(plan, move)
    assert deal_state(plan, deal_id)[:2] == (proposal, "open")  # type: ignore[index]
    assert history(plan, deal_id) == [*created, ("stage", "Lead", "Proposal")]
    undo(plan, move)
    assert deal_state(plan, deal_id)[:2] == (lead, "open")  # type: ignore[index]
    assert history(plan, deal_id) == created
    execute(plan, move)

    win = build(plan, lambda uow: win_deal(uow, deal_id, today=LATER))
    assert win.label == "Win Deal"
    execute(plan, win)
    assert deal_state(plan, deal_id)[:4] == (won, "won", LATER, None)  # type: ignore[index]
    moved = [*created, ("stage", "Lead", "Proposal")]
    assert history(plan, deal_id) == [*moved, ("stage", "Proposal", "Won"), ("won", "", "")]
    undo(plan, win)
    assert deal_state(plan, deal_id)[:4] == (proposal, "open", None, None)  # type: ignore[index]
    assert history(plan, deal_id) == moved
    execute(plan, win)

    reopen = build(plan, lambda uow: reopen_deal(uow, deal_id, lead, today=LATER))
    assert reopen.label == "Reopen Deal"
    execute(plan, reopen)
    assert deal_state(plan, deal_id)[:4] == (lead, "open", None, None)  # type: ignore[index]
    assert history(plan, deal_id)[-2:] == [("stage", "Won", "Lead"), ("reopened", "", "Lead")]
    undo(plan, reopen)
    assert deal_state(plan, deal_id)[:3] == (won, "won", LATER)  # type: ignore[index]
    execute(plan, reopen)

    # Losing needs a reason, through lose_deal or a move to the lost stage.
    with pytest.raises(ValidationError, match="Choose why the deal was lost"):
        build(plan, lambda uow: lose_deal(uow, deal_id, None, today=LATER))
    with pytest.raises(ValidationError, match="Choose why the deal was lost"):
        build(plan, lambda uow: move_deal(uow, deal_id, lost, today=LATER))
    before = history(plan, deal_id)
    budget = reason_id(plan)
    lose = build(plan, lambda uow: lose_deal(uow, deal_id, budget, today=LATER))
    execute(plan, lose)
    assert deal_state(plan, deal_id)[:4] == (lost, "lost", LATER, budget)  # type: ignore[index]
    assert history(plan, deal_id) == [*before, ("stage", "Lead", "Lost"), ("lost", "", "No budget")]
    undo(plan, lose)
    assert deal_state(plan, deal_id)[:4] == (lead, "open", None, None)  # type: ignore[index]
    assert history(plan, deal_id) == before
    execute(plan, lose)
    row = deals(plan, today=LATER)[0]
    assert (row.lost_reason, row.probability, row.weighted) == ("No budget", 0, Decimal("0.00"))
    with pytest.raises(ValidationError, match="Choose an open stage"):
        build(plan, lambda uow: reopen_deal(uow, deal_id, won, today=LATER))


def test_update_deal_records_close_date_and_stage(empty_plan: Plan) -> None:
    plan = empty_plan
    deal_id = new_deal(plan, expected_close=dt.date(2026, 12, 15))
    with plan.uow() as uow:
        uow.session.add(SalesRep(name="Lea"))
        uow.commit()
    with plan.session() as s:
        lea = s.scalar(select(SalesRep.id))
    proposal = stage_id(plan, "Proposal")
    fields = DealFields(
        "Corner Cafe", "Croissants", owner_id=lea, amount=Decimal("1500"), probability=40,
        stage_id=proposal, expected_close=dt.date(2027, 1, 10),
    )  # fmt: skip
    command = build(plan, lambda uow: update_deal(uow, deal_id, fields, today=LATER))
    assert command.label == "Edit Deal"
    execute(plan, command)
    assert deal_state(plan, deal_id)[4:] == (150000, dt.date(2027, 1, 10))  # type: ignore[index]
    assert history(plan, deal_id)[1:] == [
        ("stage", "Lead", "Proposal"),
        ("close_date", "2026-12-15", "2027-01-10"),
    ]
    row = deals(plan, today=LATER)[0]
    assert (row.owner, row.probability, row.weighted, row.slips) == (
        "Lea",
        40,
        Decimal("600.00"),
        1,
    )
    assert row.days_in_stage == 0 and row.age_days == 8
    undo(plan, command)
    assert deal_state(plan, deal_id)[4:] == (100000, dt.date(2026, 12, 15))  # type: ignore[index]
    assert len(history(plan, deal_id)) == 1
    execute(plan, command)
    assert len(history(plan, deal_id)) == 3


def test_weighted_value_uses_own_probability_else_stage() -> None:
    assert weighted_value(Decimal("1234.50"), 25) == Decimal("308.62")  # 308.625, half even
    assert weighted_value(Decimal("999.99"), 0) == Decimal("0.00")


def events(plan: Plan, deal_id: int, *rows: tuple[dt.date, str, str, str]) -> None:
    with plan.uow() as uow:
        uow.session.add_all(
            DealEvent(deal_id=deal_id, happened_on=d, kind=k, old_value=o, new_value=n)
            for d, k, o, n in rows
        )
        uow.commit()


def test_stale_reasons_slips_and_days_in_stage(empty_plan: Plan) -> None:
    plan = empty_plan
    lead = stage_id(plan, "Lead")
    with plan.uow() as uow:
        s = uow.session
        s.add_all([
            # quiet since Sept 1 (83 days to Nov 23), past its close date, slipped 3 times
            Deal(id=1, customer="Quiet", stage_id=lead, created_on=dt.date(2026, 8, 1),
                 expected_close=dt.date(2026, 11, 1), amount_minor=100),
            # moved on Nov 20: fresh, close date ahead
            Deal(id=2, customer="Fresh", stage_id=lead, created_on=dt.date(2026, 11, 1),
                 expected_close=dt.date(2026, 12, 31), amount_minor=100),
            # won long ago: never flagged
            Deal(id=3, customer="Done", stage_id=stage_id(plan, "Won"), status="won",
                 created_on=dt.date(2026, 1, 1), closed_on=dt.date(2026, 2, 10),
                 expected_close=dt.date(2026, 1, 31), amount_minor=100),
        ])  # fmt: skip
        uow.commit()
    events(plan, 1, (dt.date(2026, 8, 1), "created", "", "Lead"),
           (dt.date(2026, 8, 10), "close_date", "2026-09-01", "2026-10-01"),
           (dt.date(2026, 8, 20), "stage", "Qualified", "Lead"),
           (dt.date(2026, 8, 25), "close_date", "2026-10-01", "2026-10-15"),
           (dt.date(2026, 9, 1), "close_date", "2026-10-15", "2026-11-01"))  # fmt: skip
    events(plan, 2, (dt.date(2026, 11, 1), "created", "", "Qualified"),
           (dt.date(2026, 11, 20), "stage", "Qualified", "Lead"))  # fmt: skip
    events(plan, 3, (dt.date(2026, 1, 1), "created", "", "Lead"),
           (dt.date(2026, 1, 20), "stage", "Lead", "Won"),
           (dt.date(2026, 2, 10), "won", "", ""))  # fmt: skip
    quiet, fresh, done = deals(plan, today=TODAY)
    assert quiet.stale and quiet.stale_reasons == (
        "No change for 83 days",
        "Close date moved 3 times",
        "Past its close date",
    )
    assert (quiet.slips, quiet.age_days, quiet.days_in_stage) == (3, 114, 95)
    assert not fresh.stale and fresh.stale_reasons == ()
    assert (fresh.slips, fresh.age_days, fresh.days_in_stage) == (0, 22, 3)
    # A closed deal: age and days in stage stop at the closing day; it is never stale.
    assert (done.stale, done.age_days, done.days_in_stage) == (False, 40, 21)
    # The profile's number of quiet days decides the first reason (30 by default).
    from planner.db.models import BusinessProfile

    with plan.uow() as uow:
        uow.session.get(BusinessProfile, 1).stale_days = 2  # type: ignore[union-attr]
        uow.commit()
    assert deals(plan, today=TODAY)[1].stale_reasons == ("No change for 3 days",)


def stage_names(plan: Plan) -> list[tuple[str, int]]:
    return [(s.name, s.probability) for s in stages(plan)]


def test_stage_edits_apply_revert_apply(empty_plan: Plan) -> None:
    plan = empty_plan
    start = stage_names(plan)
    assert start[0] == ("Lead", 10)
    lead, qualified = stage_id(plan, "Lead"), stage_id(plan, "Qualified")
    for command, expected in (
        (build(plan, lambda uow: rename_stage(uow, lead, "Enquiry")), ("Enquiry", 10)),
        (build(plan, lambda uow: set_stage_probability(uow, lead, 5)), ("Lead", 5)),
    ):
        execute(plan, command)
        assert stage_names(plan)[0] == expected
        undo(plan, command)
        assert stage_names(plan) == start
        execute(plan, command)
        undo(plan, command)
    move = build(plan, lambda uow: move_stage(uow, qualified, -1))
    execute(plan, move)
    assert [n for n, _ in stage_names(plan)][:2] == ["Qualified", "Lead"]
    undo(plan, move)
    assert stage_names(plan) == start
    add = build(plan, lambda uow: add_stage(uow, "Tasting", 60))
    execute(plan, add)
    names = [n for n, _ in stage_names(plan)]
    assert names == ["Lead", "Qualified", "Proposal", "Negotiation", "Tasting", "Won", "Lost"]
    undo(plan, add)
    assert stage_names(plan) == start
    execute(plan, add)
    assert len(stages(plan)) == 7
    with pytest.raises(ValidationError, match="already a stage called Lead"):
        build(plan, lambda uow: add_stage(uow, "lead", 10))
    with pytest.raises(ValidationError, match="0 to 100"):
        build(plan, lambda uow: add_stage(uow, "Extra", 101))
    with pytest.raises(ValidationError, match="stay at the end"):
        build(plan, lambda uow: move_stage(uow, stage_id(plan, "Won"), -1))


def test_delete_stage_refused_when_used_or_closing(empty_plan: Plan) -> None:
    plan = empty_plan
    new_deal(plan)
    new_deal(plan, customer="Bistro")
    lead = stage_id(plan, "Lead")
    with pytest.raises(ValidationError) as error:
        build(plan, lambda uow: delete_stage(uow, lead))
    assert str(error.value) == (
        "Lead cannot be deleted: 2 deals are in it. Move them to another stage first."
    )
    with pytest.raises(ValidationError, match="one won and one lost stage"):
        build(plan, lambda uow: delete_stage(uow, stage_id(plan, "Won")))
    start = stage_names(plan)
    delete = build(plan, lambda uow: delete_stage(uow, stage_id(plan, "Negotiation")))
    execute(plan, delete)
    assert "Negotiation" not in [n for n, _ in stage_names(plan)]
    undo(plan, delete)
    assert stage_names(plan) == start
    execute(plan, delete)
    assert len(stage_names(plan)) == 5


def test_change_close_date_is_a_slip(empty_plan: Plan) -> None:
    from planner.services.deals import change_close_date

    plan = empty_plan
    deal_id = new_deal(plan, expected_close=dt.date(2026, 12, 15))
    command = build(
        plan, lambda uow: change_close_date(uow, deal_id, dt.date(2027, 1, 31), today=LATER)
    )
    assert command.label == "Change Expected Close"
    for _ in range(2):
        execute(plan, command)
        assert deal_state(plan, deal_id)[5] == dt.date(2027, 1, 31)  # type: ignore[index]
        assert history(plan, deal_id)[-1] == ("close_date", "2026-12-15", "2027-01-31")
        assert deals(plan, today=LATER)[0].slips == 1
        undo(plan, command)
        assert deal_state(plan, deal_id)[5] == dt.date(2026, 12, 15)  # type: ignore[index]
        assert len(history(plan, deal_id)) == 1 and deals(plan, today=LATER)[0].slips == 0
