"""Offerings use cases: every command applied, reverted and applied again with the database
checked each time; validation; margins and the mix query against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import func, select

from planner import queries
from planner.db.models import (
    ActualSale,
    Channel,
    Deal,
    Offering,
    OfferingChannel,
    Segment,
    SegmentOffering,
    Stage,
    Target,
)
from planner.db.plan import Plan
from planner.domain.margin import margin
from planner.domain.money import MoneyError, parse_money
from planner.domain.periods import Month
from planner.services.commands import Command, execute, undo
from planner.services.edit import change_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.offerings import (
    add_offering,
    delete_offering,
    delete_question,
    duplicate_offering,
    free_name,
    move_offering,
    rename_offering,
    set_archived,
    set_offering_channel,
    set_offering_segments,
)


@pytest.fixture
def plan(empty_plan: Plan) -> Plan:
    """Bread (4.00, cost 1.50), Cakes and Pies; two segments; three channels (one archived);
    Bread has two deals, two targets, one month of actual sales and links."""
    with empty_plan.uow() as uow:
        s = uow.session
        bread = Offering(
            name="Bread", position=0, list_price_minor=400, unit_cost_minor=150,
            description="Sourdough", lifecycle_stage="Maturity", pricing_approach="Competitive",
            promotion_message="Fresh daily",
        )  # fmt: skip
        cakes = Offering(name="Cakes", position=1, list_price_minor=3200)
        pies = Offering(name="Pies", position=2)
        shops, cafes = Segment(name="Shops", position=0), Segment(name="Cafés", position=1)
        flyers = Channel(name="Flyers", kind="Print", position=0)
        search = Channel(name="Search ads", kind="Search ads", position=1)
        radio = Channel(name="Radio", kind="Other", position=2, archived=True)
        s.add_all([bread, cakes, pies, shops, cafes, flyers, search, radio])
        s.flush()
        stage = s.scalar(select(Stage.id).where(Stage.name == "Lead"))
        day = dt.date(2026, 1, 2)
        s.add_all(
            [
                Deal(customer="A", offering_id=bread.id, stage_id=stage, created_on=day),
                Deal(customer="B", offering_id=bread.id, stage_id=stage, created_on=day),
                Deal(customer="C", offering_id=cakes.id, stage_id=stage, created_on=day),
                Target(month=Month(2026, 1), revenue_minor=100, offering_id=bread.id),
                Target(month=Month(2026, 2), revenue_minor=200, offering_id=bread.id),
                ActualSale(month=Month(2026, 1), revenue_minor=90, offering_id=bread.id),
                SegmentOffering(segment_id=shops.id, offering_id=bread.id),
                OfferingChannel(offering_id=bread.id, channel_id=flyers.id, sells=False,
                                promotes=True, yearly_budget_minor=120_000),
                OfferingChannel(offering_id=bread.id, channel_id=radio.id, sells=True,
                                promotes=False, yearly_budget_minor=0),
            ]
        )  # fmt: skip
        uow.commit()
    return empty_plan


def ids(plan: Plan, model: Any) -> dict[str, int]:
    with plan.session() as s:
        return {name: id_ for name, id_ in s.execute(select(model.name, model.id))}


def build(plan: Plan, factory: Any, *args: Any, **kwargs: Any) -> Any:
    with plan.uow() as uow:
        return factory(uow, *args, **kwargs)


def order(plan: Plan) -> list[str]:
    """Offering names as the list shows them, archived ones marked."""
    return [f"{r.name}{' (archived)' if r.archived else ''}" for r in queries.offerings(plan)]


def links(plan: Plan) -> dict[str, Any]:
    with plan.session() as s:
        return {
            "segments": sorted(tuple(r) for r in s.execute(select(
                SegmentOffering.offering_id, SegmentOffering.segment_id))),
            "channels": sorted(tuple(r) for r in s.execute(select(
                OfferingChannel.offering_id, OfferingChannel.channel_id, OfferingChannel.sells,
                OfferingChannel.promotes, OfferingChannel.yearly_budget_minor))),
        }  # fmt: skip


def round_trip(plan: Plan, command: Command, check_before: Any, check_after: Any) -> None:
    """Apply, revert, apply; ``check_*`` look at the database after each step."""
    check_before()
    execute(plan, command)
    check_after()
    undo(plan, command)
    check_before()
    execute(plan, command)
    check_after()


def test_add_offering(plan: Plan) -> None:
    command = build(plan, add_offering, "  Coffee  ")
    assert command.label == "Add Offering"

    def before() -> None:
        assert order(plan) == ["Bread", "Cakes", "Pies"]

    def after() -> None:
        assert order(plan) == ["Bread", "Cakes", "Pies", "Coffee"]

    round_trip(plan, command, before, after)
    assert ids(plan, Offering)["Coffee"] == command.new_id  # redo keeps the id


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "An offering needs a name."),
        ("   ", "An offering needs a name."),
        ("bread", "There is already an offering called 'bread'."),
        ("x" * 201, "Keep this under 200 characters."),
    ],
)
def test_add_offering_refuses_bad_names(plan: Plan, name: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        build(plan, add_offering, name)
    assert str(refused.value) == message
    assert refused.value.field == "name"


def test_free_name_counts_up(plan: Plan) -> None:
    assert build(plan, free_name) == "New offering"
    execute(plan, build(plan, add_offering, "New offering"))
    assert build(plan, free_name) == "New offering 2"
    assert build(plan, free_name, "Bread") == "Bread 2"


def test_rename_offering(plan: Plan) -> None:
    bread = ids(plan, Offering)["Bread"]
    command = build(plan, rename_offering, bread, "Sourdough bread")
    assert command.label == "Rename Offering"
    round_trip(
        plan,
        command,
        lambda: order(plan) == ["Bread", "Cakes", "Pies"] or pytest.fail("before"),
        lambda: order(plan) == ["Sourdough bread", "Cakes", "Pies"] or pytest.fail("after"),
    )
    # Its own name in other letters is fine; another offering's name is not.
    assert build(plan, rename_offering, bread, "SOURDOUGH BREAD").new == {"name": "SOURDOUGH BREAD"}
    with pytest.raises(ValidationError, match="already an offering called 'CAKES'"):
        build(plan, rename_offering, bread, "CAKES")


def test_duplicate_copies_the_mix_and_links(plan: Plan) -> None:
    bread = ids(plan, Offering)["Bread"]
    flyers, radio = ids(plan, Channel)["Flyers"], ids(plan, Channel)["Radio"]
    shops = ids(plan, Segment)["Shops"]
    execute(plan, build(plan, set_archived, bread, True))  # the copy of an archived one is active
    command = build(plan, duplicate_offering, bread)
    assert (command.label, command.name) == ("Duplicate Offering", "Bread (copy)")
    original_links = links(plan)

    def before() -> None:
        assert order(plan) == ["Cakes", "Pies", "Bread (archived)"]
        assert links(plan) == original_links

    def after() -> None:
        assert order(plan) == ["Cakes", "Pies", "Bread (copy)", "Bread (archived)"]
        copy = command.new_id
        assert links(plan)["segments"] == sorted([(bread, shops), (copy, shops)])
        assert links(plan)["channels"] == sorted(
            original_links["channels"]
            + [(copy, flyers, False, True, 120_000), (copy, radio, True, False, 0)]
        )
        (row,) = queries.offerings(plan, copy)
        assert (row.list_price, row.unit_cost, row.description) == (D("4.00"), D("1.50"),
                                                                    "Sourdough")  # fmt: skip
        assert (row.lifecycle_stage, row.pricing_approach, row.promotion_message) == (
            "Maturity", "Competitive", "Fresh daily",
        )  # fmt: skip
        assert row.promotion_budget == D("1200.00")

    round_trip(plan, command, before, after)
    first_copy = command.new_id
    assert build(plan, duplicate_offering, bread).name == "Bread (copy 2)"
    # Unarchived, an offering comes back at the bottom; a copy goes right below its original.
    execute(plan, build(plan, set_archived, bread, False))
    execute(plan, build(plan, duplicate_offering, ids(plan, Offering)["Cakes"]))
    assert order(plan) == ["Cakes", "Cakes (copy)", "Pies", "Bread (copy)", "Bread"]
    assert ids(plan, Offering)["Bread (copy)"] == first_copy


def test_move_offering_up_and_down(plan: Plan) -> None:
    o = ids(plan, Offering)
    up = build(plan, move_offering, o["Pies"], -1)
    assert up.label == "Move Offering Up"
    round_trip(
        plan,
        up,
        lambda: order(plan) == ["Bread", "Cakes", "Pies"] or pytest.fail("before"),
        lambda: order(plan) == ["Bread", "Pies", "Cakes"] or pytest.fail("after"),
    )
    down = build(plan, move_offering, o["Bread"], 1)
    assert down.label == "Move Offering Down"
    execute(plan, down)
    assert order(plan) == ["Pies", "Bread", "Cakes"]
    with plan.session() as s:  # positions are renumbered, so no two share a place
        assert s.scalars(select(Offering.position).order_by(Offering.position)).all() == [0, 1, 2]
    with pytest.raises(
        ValidationError, match=re.escape("'Pies' is already at the top of the list.")
    ):
        build(plan, move_offering, o["Pies"], -1)
    with pytest.raises(
        ValidationError, match=re.escape("'Cakes' is already at the bottom of the list.")
    ):
        build(plan, move_offering, o["Cakes"], 1)
    # Archived offerings move among themselves, below the active ones.
    execute(plan, build(plan, set_archived, o["Pies"], True))
    execute(plan, build(plan, set_archived, o["Bread"], True))
    assert order(plan) == ["Cakes", "Pies (archived)", "Bread (archived)"]
    with pytest.raises(ValidationError, match="top"):
        build(plan, move_offering, o["Pies"], -1)
    execute(plan, build(plan, move_offering, o["Bread"], -1))
    assert order(plan) == ["Cakes", "Bread (archived)", "Pies (archived)"]


def test_archive_and_unarchive(plan: Plan) -> None:
    bread = ids(plan, Offering)["Bread"]
    archive = build(plan, set_archived, bread, True)
    assert archive.label == "Archive Offering"
    round_trip(
        plan,
        archive,
        lambda: order(plan) == ["Bread", "Cakes", "Pies"] or pytest.fail("before"),
        lambda: order(plan) == ["Cakes", "Pies", "Bread (archived)"] or pytest.fail("after"),
    )
    assert build(plan, set_archived, bread, False).label == "Unarchive Offering"


def test_delete_offering_asks_and_restores_every_dependent(plan: Plan) -> None:
    o = ids(plan, Offering)
    assert build(plan, delete_question, o["Bread"]) == (
        "Delete 'Bread'? 2 deals and 1 month of actual sales will no longer name an offering, "
        "and its 2 targets, 1 segment link and 2 channel links will be deleted. "
        "You can undo this."
    )
    assert build(plan, delete_question, o["Cakes"]) == (
        "Delete 'Cakes'? 1 deal will no longer name an offering. You can undo this."
    )
    assert build(plan, delete_question, o["Pies"]) == (
        "Delete 'Pies'? Nothing else in the plan uses it. You can undo this."
    )
    command = build(plan, delete_offering, o["Bread"])
    assert command.label == "Delete Offering"
    before_links = links(plan)

    def counts() -> tuple[Any, ...]:
        with plan.session() as s:
            return (
                s.scalar(select(func.count()).where(Deal.offering_id == o["Bread"])),
                s.scalar(select(func.count()).where(Target.offering_id == o["Bread"])),
                s.scalar(select(func.count()).where(ActualSale.offering_id == o["Bread"])),
                s.scalar(select(func.count()).select_from(Deal)),
            )

    def before() -> None:
        assert order(plan) == ["Bread", "Cakes", "Pies"]
        assert counts() == (2, 2, 1, 3)
        assert links(plan) == before_links
        (bread,) = queries.offerings(plan, o["Bread"])
        assert (bread.list_price, bread.description) == (D("4.00"), "Sourdough")

    def after() -> None:
        assert order(plan) == ["Cakes", "Pies"]
        assert counts() == (0, 0, 0, 3)  # the deals stay, without an offering
        assert links(plan) == {"segments": [], "channels": []}

    round_trip(plan, command, before, after)


def test_segment_links(plan: Plan) -> None:
    o, seg = ids(plan, Offering), ids(plan, Segment)
    command = build(plan, set_offering_segments, o["Bread"], [seg["Cafés"]])
    assert command.label == "Change Target Segments"

    def served() -> tuple[str, ...]:
        return queries.offerings(plan, o["Bread"])[0].segments

    round_trip(
        plan,
        command,
        lambda: served() == ("Shops",) or pytest.fail("before"),
        lambda: served() == ("Cafés",) or pytest.fail("after"),
    )
    both = build(plan, set_offering_segments, o["Bread"], [seg["Shops"], seg["Cafés"]])
    execute(plan, both)
    assert served() == ("Shops", "Cafés")  # in the segments' own order
    with pytest.raises(NotFoundError):
        build(plan, set_offering_segments, o["Bread"], [9999])


def test_channel_sells_promotes_and_budget(plan: Plan) -> None:
    o, ch = ids(plan, Offering), ids(plan, Channel)
    cakes, search, flyers = o["Cakes"], ch["Search ads"], ch["Flyers"]

    def link() -> tuple[bool, bool, int] | None:
        with plan.session() as s:
            row = s.get(OfferingChannel, (cakes, search))
            return None if row is None else (row.sells, row.promotes, row.yearly_budget_minor)

    steps: list[tuple[dict[str, Any], str, tuple[bool, bool, int] | None]] = [
        ({"sells": True}, "Change Sales Channels", (True, False, 0)),  # a new link
        ({"promotes": True}, "Change Promotion Channels", (True, True, 0)),
        ({"yearly_budget": D("1500.50")}, "Change Promotion Budget", (True, True, 150_050)),
        ({"promotes": False}, "Change Promotion Channels", (True, False, 0)),  # budget goes
        ({"yearly_budget": D("300")}, "Change Promotion Budget", (True, True, 30_000)),
        ({"sells": False}, "Change Sales Channels", (False, True, 30_000)),
        ({"yearly_budget": D("0")}, "Change Promotion Budget", (False, True, 0)),
        ({"promotes": False}, "Change Promotion Channels", None),  # nothing left: removed
    ]
    state = link()
    assert state is None
    for kwargs, label, expected in steps:
        command = build(plan, set_offering_channel, cakes, search, **kwargs)
        assert command.label == label
        previous = state

        def before(previous: Any = previous) -> None:
            assert link() == previous

        def after(expected: Any = expected) -> None:
            assert link() == expected

        round_trip(plan, command, before, after)
        state = expected
    # Promotion budgets add up over the promoting channels only.
    execute(plan, build(plan, set_offering_channel, cakes, flyers, yearly_budget=D("250")))
    execute(plan, build(plan, set_offering_channel, cakes, search, sells=True))
    (row,) = queries.offerings(plan, cakes)
    assert (row.promoted_by, row.sold_through, row.promotion_budget) == (
        ("Flyers",), ("Search ads",), D("250.00"),
    )  # fmt: skip
    same = build(plan, set_offering_channel, cakes, search, sells=True)
    assert same.changes_nothing


def test_channel_budget_is_validated(plan: Plan) -> None:
    o, ch = ids(plan, Offering), ids(plan, Channel)
    with pytest.raises(ValidationError, match="cannot be negative") as refused:
        build(plan, set_offering_channel, o["Cakes"], ch["Flyers"], yearly_budget=D("-5"))
    assert refused.value.field == "yearly_budget"
    with pytest.raises(NotFoundError):
        build(plan, set_offering_channel, o["Cakes"], 9999, sells=True)


def test_prices_are_validated(plan: Plan) -> None:
    bread = ids(plan, Offering)["Bread"]
    with pytest.raises(ValidationError, match=re.escape("An amount cannot be negative here.")):
        build(plan, change_field, Offering, bread, "list_price_minor", D("-1"))
    with pytest.raises(MoneyError, match=re.escape("'abc' is not an amount of money.")):
        parse_money("abc")
    command = build(plan, change_field, Offering, bread, "list_price_minor", D("4.50"))
    assert command.label == "Change List Price"
    execute(plan, command)
    (row,) = queries.offerings(plan, bread)
    assert (row.margin, row.margin_pct) == (D("3.00"), D("66.7"))  # 3.00 / 4.50


@pytest.mark.parametrize(
    ("price", "cost", "amount", "percent"),
    [
        ("6.50", "2.60", "3.90", "60.0"),  # 3.90 / 6.50 = 0.6
        ("32.00", "14.50", "17.50", "54.7"),  # 17.50 / 32 = 0.546875
        ("45.00", "14.00", "31.00", "68.9"),  # 31 / 45 = 0.68888...
        ("40.00", "39.98", "0.02", "0.1"),  # 0.05 % exactly: rounded half up
        ("10.00", "12.50", "-2.50", "-25.0"),  # a loss on every sale
        ("0.00", "5.00", "-5.00", None),  # no price, no percentage
    ],
)
def test_margin_worked_out_by_hand(price: str, cost: str, amount: str, percent: str | None) -> None:
    result = margin(D(price), D(cost))
    assert result.amount == D(amount)
    assert result.percent == (None if percent is None else D(percent))
    assert result.is_loss == (D(amount) < 0)


def test_offering_detail_lists_every_choice(plan: Plan) -> None:
    o = ids(plan, Offering)
    detail = queries.offering_detail(plan, o["Bread"])
    assert detail is not None
    assert detail.offering.name == "Bread"
    assert [(s.name, s.linked) for s in detail.segments] == [("Shops", True), ("Cafés", False)]
    # The archived Radio channel still shows for Bread, which it sells.
    assert [(c.name, c.sells, c.promotes, c.yearly_budget) for c in detail.channels] == [
        ("Flyers", False, True, D("1200.00")),
        ("Search ads", False, False, D("0.00")),
        ("Radio", True, False, D("0.00")),
    ]
    assert detail.promotion_budget == D("1200.00")
    cakes = queries.offering_detail(plan, o["Cakes"])
    assert cakes is not None
    assert [c.name for c in cakes.channels] == ["Flyers", "Search ads"]
    assert queries.offering_detail(plan, 9999) is None
