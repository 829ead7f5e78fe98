"""Deleting with dependents and replacing links: apply, revert, apply with the database checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

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
from planner.domain.periods import Month
from planner.services.commands import Change, execute, undo
from planner.services.records import DeleteRecord, SetLinks, dependents, describe_dependents


def build(plan: Plan) -> dict[str, int]:
    with plan.uow() as uow:
        s = uow.session
        stage = s.scalar(select(Stage.id).where(Stage.name == "Lead"))
        bread, cakes = Offering(name="Bread"), Offering(name="Cakes")
        shops = Segment(name="Shops")
        flyers = Channel(name="Flyers", kind="Print")
        s.add_all([bread, cakes, shops, flyers])
        s.flush()
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
                OfferingChannel(
                    offering_id=bread.id, channel_id=flyers.id, yearly_budget_minor=5000
                ),
            ]
        )  # fmt: skip
        uow.commit()
        return {"bread": bread.id, "cakes": cakes.id, "shops": shops.id, "flyers": flyers.id}


def snapshot(plan: Plan) -> dict[str, Any]:
    with plan.session() as s:
        return {
            "offerings": s.scalars(select(Offering.name).order_by(Offering.id)).all(),
            "deals": s.execute(select(Deal.customer, Deal.offering_id).order_by(Deal.id)).all(),
            "targets": s.execute(select(Target.month, Target.revenue_minor)).all(),
            "actuals": s.execute(select(ActualSale.offering_id)).all(),
            "links": s.scalar(select(func.count()).select_from(SegmentOffering)),
            "budget": s.scalars(select(OfferingChannel.yearly_budget_minor)).all(),
        }


def test_delete_offering_restores_every_dependent(empty_plan: Plan) -> None:
    ids = build(empty_plan)
    with empty_plan.uow() as uow:
        counts = dependents(uow, Offering, ids["bread"])
    assert counts == {
        "deals": 2,
        "targets": 2,
        "month of actual sales": 1,
        "segment link": 1,
        "channel link": 1,
    }  # deleting an offering: its links to a segment and to a channel
    assert describe_dependents(counts).startswith("2 deals, 2 targets, 1 month of actual sales")
    before = snapshot(empty_plan)
    cmd = DeleteRecord(Offering, ids["bread"], "Delete Offering", Change.OFFERINGS)
    execute(empty_plan, cmd)
    after = snapshot(empty_plan)
    assert after["offerings"] == ["Cakes"]
    assert [d for _, d in after["deals"]] == [None, None, ids["cakes"]]
    assert after["targets"] == [] and after["links"] == 0 and after["budget"] == []
    assert after["actuals"] == [(None,)]  # the money stays, unassigned
    undo(empty_plan, cmd)
    assert snapshot(empty_plan) == before
    execute(empty_plan, cmd)
    assert snapshot(empty_plan) == after


def test_set_links_keeps_extra_columns_and_reverts(empty_plan: Plan) -> None:
    ids = build(empty_plan)
    with empty_plan.uow() as uow:
        other = Channel(name="Radio", kind="Other")
        uow.session.add(other)
        uow.commit()
        radio = other.id
    cmd = SetLinks(
        OfferingChannel, "offering_id", ids["bread"], "channel_id",
        frozenset({ids["flyers"], radio}), "Change Channels", Change.OFFERINGS,
    )  # fmt: skip
    execute(empty_plan, cmd)
    rows = select(OfferingChannel.channel_id, OfferingChannel.yearly_budget_minor).order_by(
        OfferingChannel.channel_id
    )
    with empty_plan.session() as s:
        assert s.execute(rows).all() == [(ids["flyers"], 5000), (radio, 0)]
    undo(empty_plan, cmd)
    with empty_plan.session() as s:
        assert s.execute(rows).all() == [(ids["flyers"], 5000)]
    cmd2 = SetLinks(
        OfferingChannel, "offering_id", ids["bread"], "channel_id", frozenset(),
        "Change Channels", Change.OFFERINGS,
    )  # fmt: skip
    execute(empty_plan, cmd2)
    with empty_plan.session() as s:
        assert s.execute(rows).all() == []
    undo(empty_plan, cmd2)
    with empty_plan.session() as s:
        assert s.execute(rows).all() == [(ids["flyers"], 5000)]


def test_dependents_of_one_kind_from_two_tables_add_up(empty_plan: Plan) -> None:
    from planner.db.models import SegmentChannel

    ids = build(empty_plan)
    with empty_plan.uow() as uow:
        uow.session.add(SegmentChannel(segment_id=ids["shops"], channel_id=ids["flyers"]))
        uow.commit()
        counts = dependents(uow, Channel, ids["flyers"])
    assert counts == {"segment link": 1, "offering link": 1}
    assert describe_dependents(counts) == "1 segment link and 1 offering link"
