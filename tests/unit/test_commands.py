"""Every command applied, reverted and applied again, with the database checked each time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from planner.db.models import BusinessProfile, Channel, Deal, Offering, SalesRep, Stage
from planner.db.plan import Plan
from planner.services.commands import (
    CallbackCommand,
    Change,
    CompositeCommand,
    DeleteRow,
    InsertRow,
    execute,
    undo,
)
from planner.services.edit import change_field, validate_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.profile import ProfileState, RepState, read_profile, update_profile


def scalar(plan: Plan, stmt: Any) -> Any:
    with plan.session() as session:
        return session.scalar(stmt)


def add_deal(plan: Plan, amount_minor: int = 100_000) -> int:
    with plan.uow() as uow:
        stage = uow.session.scalar(select(Stage).where(Stage.name == "Proposal"))
        assert stage is not None
        deal = Deal(
            customer="Café Luna",
            title="Wedding cake",
            amount_minor=amount_minor,
            stage_id=stage.id,
            created_on=dt.date(2026, 10, 1),
        )
        uow.session.add(deal)
        uow.commit()
        return deal.id


def test_change_amount_apply_revert_apply(empty_plan: Plan) -> None:
    deal_id = add_deal(empty_plan)
    with empty_plan.uow() as uow:
        cmd = change_field(uow, Deal, deal_id, "amount_minor", Decimal("1234.56"))
    assert cmd.label == "Change Amount"
    assert cmd.changes == Change.DEALS
    amount = select(Deal.amount_minor).where(Deal.id == deal_id)
    assert scalar(empty_plan, amount) == 100_000  # building a command writes nothing
    execute(empty_plan, cmd)
    assert scalar(empty_plan, amount) == 123_456
    undo(empty_plan, cmd)
    assert scalar(empty_plan, amount) == 100_000
    execute(empty_plan, cmd)
    assert scalar(empty_plan, amount) == 123_456


@pytest.mark.parametrize(
    ("model", "field", "value", "message"),
    [
        (Deal, "amount_minor", Decimal("-5"), "negative"),
        (Deal, "customer", "   ", "empty"),
        (Deal, "probability", 120, "between 0 and 100"),
        (Deal, "expected_close", "31/12/2026", "YYYY-MM-DD"),
        (Offering, "lifecycle_stage", "Teenage", "Choose one of"),
        (Channel, "kind", "Carrier pigeon", "Choose one of"),
    ],
)
def test_bad_values_are_refused_with_a_reason(
    model: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        validate_field(model, field, value)
    assert info.value.field == field


def test_unique_names_are_checked(empty_plan: Plan) -> None:
    with empty_plan.uow() as uow:
        uow.session.add_all([Offering(name="Bread"), Offering(name="Cakes")])
        uow.commit()
        cakes = uow.session.scalar(select(Offering.id).where(Offering.name == "Cakes"))
    with empty_plan.uow() as uow, pytest.raises(ValidationError, match="already an offering"):
        change_field(uow, Offering, cakes, "name", "bread")


def test_changing_a_deleted_record_says_so(empty_plan: Plan) -> None:
    with empty_plan.uow() as uow, pytest.raises(NotFoundError):
        change_field(uow, Deal, 999, "title", "x")


def test_insert_and_delete_keep_ids_across_undo(empty_plan: Plan) -> None:
    count = select(func.count()).select_from(Channel)
    insert = InsertRow(Channel, {"name": "Flyers", "kind": "Print"}, "Add Channel", Change.CHANNELS)
    execute(empty_plan, insert)
    first_id = insert.new_id
    assert scalar(empty_plan, count) == 1
    undo(empty_plan, insert)
    assert scalar(empty_plan, count) == 0
    execute(empty_plan, insert)
    assert insert.new_id == first_id
    delete = DeleteRow(Channel, first_id, "Delete Channel", Change.CHANNELS)
    execute(empty_plan, delete)
    assert scalar(empty_plan, count) == 0
    undo(empty_plan, delete)
    assert scalar(empty_plan, select(Channel.name).where(Channel.id == first_id)) == "Flyers"
    execute(empty_plan, delete)
    assert scalar(empty_plan, count) == 0


def test_composite_is_one_step_and_all_or_nothing(empty_plan: Plan) -> None:
    deal_id = add_deal(empty_plan)
    with empty_plan.uow() as uow:
        a = change_field(uow, Deal, deal_id, "title", "Big order")
        b = change_field(uow, Deal, deal_id, "customer", "Hotel Adler")
    both = CompositeCommand("Edit Deal", [a, b])
    execute(empty_plan, both)
    title = select(Deal.title, Deal.customer).where(Deal.id == deal_id)
    with empty_plan.session() as s:
        assert tuple(s.execute(title).one()) == ("Big order", "Hotel Adler")
    undo(empty_plan, both)
    with empty_plan.session() as s:
        assert tuple(s.execute(title).one()) == ("Wedding cake", "Café Luna")

    def boom(_uow: Any) -> None:
        raise NotFoundError("gone")

    failing = CompositeCommand("Edit Deal", [a, CallbackCommand("x", Change.DEALS, boom, boom)])
    with pytest.raises(NotFoundError):
        execute(empty_plan, failing)
    with empty_plan.session() as s:  # the first part was rolled back with the second
        assert tuple(s.execute(title).one()) == ("Wedding cake", "Café Luna")


def test_profile_change_apply_revert_apply(empty_plan: Plan) -> None:
    with empty_plan.uow() as uow:
        before = read_profile(uow)
    assert before.name == "Test Bakery" and before.reps == ()
    new = ProfileState("Luna Bakes", "usd", 4, (RepState(None, "Anna"), RepState(None, "Ben")))
    with empty_plan.uow() as uow:
        cmd = update_profile(uow, new)
    assert cmd.label == "Change Business Profile"

    def state() -> tuple[Any, ...]:
        with empty_plan.uow() as uow:
            p = read_profile(uow)
        return (p.name, p.currency, p.fiscal_start_month, [r.name for r in p.reps if r.active])

    execute(empty_plan, cmd)
    assert state() == ("Luna Bakes", "USD", 4, ["Anna", "Ben"])
    anna_id = scalar(empty_plan, select(SalesRep.id).where(SalesRep.name == "Anna"))
    undo(empty_plan, cmd)
    assert state() == ("Test Bakery", "EUR", 1, [])
    execute(empty_plan, cmd)
    assert state() == ("Luna Bakes", "USD", 4, ["Anna", "Ben"])
    assert scalar(empty_plan, select(SalesRep.id).where(SalesRep.name == "Anna")) == anna_id


def test_removing_a_rep_with_deals_deactivates_and_undo_restores(empty_plan: Plan) -> None:
    with empty_plan.uow() as uow:
        uow.session.add(SalesRep(name="Anna"))
        uow.commit()
    deal_id = add_deal(empty_plan)
    anna = scalar(empty_plan, select(SalesRep.id))
    with empty_plan.uow() as uow:
        uow.session.get_one(Deal, deal_id).owner_id = anna
        uow.commit()
        current = read_profile(uow)
        cmd = update_profile(uow, ProfileState(current.name, "EUR", 1, ()))
    execute(empty_plan, cmd)
    assert scalar(empty_plan, select(SalesRep.active).where(SalesRep.id == anna)) is False
    assert scalar(empty_plan, select(Deal.owner_id).where(Deal.id == deal_id)) == anna
    undo(empty_plan, cmd)
    assert scalar(empty_plan, select(SalesRep.active).where(SalesRep.id == anna)) is True


@pytest.mark.parametrize(
    ("state", "field"),
    [
        (ProfileState("", "EUR", 1, ()), "name"),
        (ProfileState("X", "EURO", 1, ()), "currency"),
        (ProfileState("X", "EUR", 13, ()), "fiscal_start"),
        (ProfileState("X", "EUR", 1, (RepState(None, "A"), RepState(None, "a"))), "reps"),
    ],
)
def test_profile_validation(empty_plan: Plan, state: ProfileState, field: str) -> None:
    with empty_plan.uow() as uow, pytest.raises(ValidationError) as info:
        update_profile(uow, state)
    assert info.value.field == field
    assert scalar(empty_plan, select(BusinessProfile.name)) == "Test Bakery"


def test_swapping_rep_names_in_one_change(empty_plan: Plan) -> None:
    with empty_plan.uow() as uow:
        uow.session.add_all([SalesRep(name="Anna", position=0), SalesRep(name="Ben", position=1)])
        uow.commit()
        current = read_profile(uow)
        anna, ben = current.reps
        swapped = (RepState(anna.id, "Ben"), RepState(ben.id, "Anna"), RepState(None, "Cleo"))
        cmd = update_profile(uow, ProfileState(current.name, "EUR", 1, swapped))
    names = select(SalesRep.id, SalesRep.name).order_by(SalesRep.id)

    def rows() -> list[tuple[int, str]]:
        with empty_plan.session() as s:
            return [tuple(r) for r in s.execute(names)]  # type: ignore[misc]

    execute(empty_plan, cmd)
    assert rows()[:2] == [(anna.id, "Ben"), (ben.id, "Anna")]
    assert rows()[2][1] == "Cleo"
    undo(empty_plan, cmd)
    assert rows() == [(anna.id, "Anna"), (ben.id, "Ben")]
    execute(empty_plan, cmd)
    assert [name for _, name in rows()] == ["Ben", "Anna", "Cleo"]
