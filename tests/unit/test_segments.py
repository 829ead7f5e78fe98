"""Segments: market size worked out by hand, the sales feedback per segment on a small
hand-built pipeline, and the segment services applied, reverted and applied again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from planner import queries
from planner.db.models import (
    Channel,
    Deal,
    LostReason,
    Offering,
    Segment,
    SegmentChannel,
    SegmentOffering,
    Stage,
    Target,
)
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import ReasonCount
from planner.services.commands import Change, Command, execute, undo
from planner.services.edit import change_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.segments import (
    add_segment,
    delete_segment,
    move_segment,
    segment_dependents,
    set_segment_channels,
    set_segment_offerings,
)

D = Decimal


def run(plan: Plan, build: Any, *args: Any) -> Command:
    """Build a command with ``build(uow, *args)`` and apply it, as the GUI does."""
    with plan.uow() as uow:
        command = build(uow, *args)
    assert command is not None
    execute(plan, command)
    return command


def edit(plan: Plan, segment_id: int, field: str, value: Any) -> None:
    run(plan, change_field, Segment, segment_id, field, value)


def names(plan: Plan) -> list[str]:
    return [s.name for s in queries.segments(plan)]


# -- market size ---------------------------------------------------------------------------


def test_market_size_worked_out_by_hand(empty_plan: Plan) -> None:
    add = run(empty_plan, add_segment, "Offices")
    assert isinstance(add.new_id, int)  # type: ignore[attr-defined]
    offices = add.new_id  # type: ignore[attr-defined]
    edit(empty_plan, offices, "customers", "1800")
    edit(empty_plan, offices, "yearly_value_minor", D("1600"))
    edit(empty_plan, offices, "serviceable_bp", D("45"))
    edit(empty_plan, offices, "obtainable_bp", D("6"))
    edit(empty_plan, offices, "growth_bp", D("4.5"))
    (row,) = queries.segments(empty_plan)
    assert row.tam == D("2880000.00")  # 1,800 customers x 1,600.00
    assert row.sam == D("1296000.00")  # 45 % of the TAM
    assert row.som == D("77760.00")  # 6 % of the SAM
    assert (row.serviceable_pct, row.obtainable_pct, row.growth_pct) == (D("45"), D("6"), D("4.5"))
    # Shares with fractions: 12.5 % of 2,880,000 = 360,000; 3.33 % of that = 11,988.
    edit(empty_plan, offices, "serviceable_bp", D("12.5"))
    edit(empty_plan, offices, "obtainable_bp", D("3.33"))
    (row,) = queries.segments(empty_plan)
    assert (row.sam, row.som) == (D("360000.00"), D("11988.00"))


def test_new_segment_counts_for_nothing_until_filled_in(empty_plan: Plan) -> None:
    run(empty_plan, add_segment)
    (row,) = queries.segments(empty_plan)
    assert row.name == "New segment"
    assert (row.tam, row.sam, row.som) == (D(0), D(0), D(0))
    assert (row.serviceable_pct, row.obtainable_pct, row.priority, row.targeted) == (
        D("100"),
        D("0"),
        2,
        True,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("serviceable_bp", D("150"), "Enter a percentage from 0 to 100."),
        ("obtainable_bp", D("-1"), "Enter a percentage from 0 to 100."),
        ("customers", "-5", "A count cannot be negative."),
        ("customers", "12.5", "Enter a whole number."),
        ("customers", "lots", "'lots' is not a whole number."),
        ("yearly_value_minor", D("-10"), "An amount cannot be negative here."),
        ("name", "  ", "This cannot be empty."),
        ("name", "offices", "There is already a segment called 'offices'."),
        ("priority", "4", "Priority is 1 (high), 2 (medium) or 3 (low)."),
    ],
)
def test_refused_values_store_nothing(
    empty_plan: Plan, field: str, value: Any, message: str
) -> None:
    run(empty_plan, add_segment, "Offices")
    cafes = run(empty_plan, add_segment, "Cafés").new_id  # type: ignore[attr-defined]
    before = queries.segments(empty_plan)
    with empty_plan.uow() as uow, pytest.raises(ValidationError) as refused:
        change_field(uow, Segment, cafes, field, value)
    assert str(refused.value) == message
    assert queries.segments(empty_plan) == before


# -- services ------------------------------------------------------------------------------


def test_add_segment_apply_revert_apply(empty_plan: Plan) -> None:
    first = run(empty_plan, add_segment)
    second = run(empty_plan, add_segment)
    named = run(empty_plan, add_segment, "  Cafés ")
    assert names(empty_plan) == ["New segment", "New segment 2", "Cafés"]
    with empty_plan.session() as s:
        positions = s.execute(select(Segment.name, Segment.position).order_by(Segment.id)).all()
    assert [p for _, p in positions] == [0, 1, 2]
    undo(empty_plan, named)
    undo(empty_plan, second)
    assert names(empty_plan) == ["New segment"]
    execute(empty_plan, second)
    assert names(empty_plan) == ["New segment", "New segment 2"]
    assert second.new_id != first.new_id  # type: ignore[attr-defined]
    with empty_plan.uow() as uow, pytest.raises(ValidationError) as refused:
        add_segment(uow, "new SEGMENT")
    assert str(refused.value) == "There is already a segment called 'new SEGMENT'."
    with empty_plan.uow() as uow, pytest.raises(ValidationError):
        add_segment(uow, "")


def build_links(plan: Plan) -> dict[str, int]:
    """Two segments, two offerings, two channels; 'Shops' has a deal, a target and links."""
    with plan.uow() as uow:
        s = uow.session
        lead = s.scalar(select(Stage.id).where(Stage.name == "Lead"))
        shops, homes = Segment(name="Shops", position=0), Segment(name="Homes", position=1)
        bread, cakes = Offering(name="Bread"), Offering(name="Cakes")
        flyers, radio = Channel(name="Flyers", kind="Print"), Channel(name="Radio")
        s.add_all([shops, homes, bread, cakes, flyers, radio])
        s.flush()
        s.add_all(
            [
                Deal(customer="Kiosk", segment_id=shops.id, stage_id=lead,
                     created_on=dt.date(2026, 1, 5)),
                Target(month=Month(2026, 1), revenue_minor=50000, segment_id=shops.id),
                SegmentOffering(segment_id=shops.id, offering_id=bread.id),
                SegmentChannel(segment_id=shops.id, channel_id=flyers.id),
            ]
        )  # fmt: skip
        uow.commit()
        return {
            "shops": shops.id, "homes": homes.id, "bread": bread.id, "cakes": cakes.id,
            "flyers": flyers.id, "radio": radio.id,
        }  # fmt: skip


def state(plan: Plan) -> dict[str, Any]:
    with plan.session() as s:
        return {
            "segments": s.execute(select(Segment.id, Segment.name).order_by(Segment.id)).all(),
            "deal": s.scalar(select(Deal.segment_id)),
            "targets": s.execute(select(Target.segment_id, Target.revenue_minor)).all(),
            "offerings": [
                tuple(r)
                for r in s.execute(select(SegmentOffering.segment_id, SegmentOffering.offering_id))
            ],
            "channels": [
                tuple(r)
                for r in s.execute(select(SegmentChannel.segment_id, SegmentChannel.channel_id))
            ],
        }


def test_delete_segment_apply_revert_apply(empty_plan: Plan) -> None:
    ids = build_links(empty_plan)
    with empty_plan.uow() as uow:
        assert segment_dependents(uow, ids["shops"]) == (
            "1 deal, 1 target, 1 offering link and 1 channel link"
        )
        assert segment_dependents(uow, ids["homes"]) == ""
    before = state(empty_plan)
    command = run(empty_plan, delete_segment, ids["shops"])
    assert command.changes == Change.SEGMENTS | Change.DEALS | Change.TARGETS
    after = state(empty_plan)
    assert after == {
        "segments": [(ids["homes"], "Homes")],
        "deal": None,  # the deal stays, without a segment
        "targets": [],
        "offerings": [],
        "channels": [],
    }
    undo(empty_plan, command)
    assert state(empty_plan) == before
    execute(empty_plan, command)
    assert state(empty_plan) == after
    with empty_plan.uow() as uow, pytest.raises(NotFoundError):
        delete_segment(uow, ids["shops"])


def test_move_segment_renumbers_and_stops_at_the_ends(empty_plan: Plan) -> None:
    with empty_plan.uow() as uow:
        # Older plans may have every segment at position 0: the list is then by name.
        uow.session.add_all([Segment(name=n, position=0) for n in ("Cafés", "Homes", "Shops")])
        uow.commit()
    ids = {s.name: s.id for s in queries.segments(empty_plan)}
    with empty_plan.uow() as uow:
        assert move_segment(uow, ids["Cafés"], -1) is None
        assert move_segment(uow, ids["Shops"], 1) is None
        assert move_segment(uow, ids["Homes"], 0) is None
    down = run(empty_plan, move_segment, ids["Cafés"], 1)
    assert down.label == "Move Segment"
    assert names(empty_plan) == ["Homes", "Cafés", "Shops"]
    up = run(empty_plan, move_segment, ids["Shops"], -2)
    assert names(empty_plan) == ["Shops", "Homes", "Cafés"]
    undo(empty_plan, up)
    assert names(empty_plan) == ["Homes", "Cafés", "Shops"]
    undo(empty_plan, down)
    with empty_plan.session() as s:
        assert s.scalars(select(Segment.position)).all() == [0, 0, 0]
    execute(empty_plan, down)
    assert names(empty_plan) == ["Homes", "Cafés", "Shops"]


def test_linking_offerings_and_channels(empty_plan: Plan) -> None:
    ids = build_links(empty_plan)
    shops = ids["shops"]
    with empty_plan.uow() as uow:
        assert set_segment_offerings(uow, shops, [ids["bread"]]) is None  # nothing changes
        with pytest.raises(NotFoundError):
            set_segment_channels(uow, shops, [ids["radio"] + 100])
    offerings = run(empty_plan, set_segment_offerings, shops, [ids["cakes"], ids["bread"]])
    assert offerings.label == "Change Offerings for Segment"
    assert offerings.changes == Change.SEGMENTS | Change.OFFERINGS
    channels = run(empty_plan, set_segment_channels, shops, [ids["radio"]])
    assert channels.changes == Change.SEGMENTS | Change.CHANNELS
    row = queries.segments(empty_plan)[0]
    assert (row.offerings, row.channels) == (("Bread", "Cakes"), ("Radio",))
    assert row.offering_ids == {ids["bread"], ids["cakes"]}
    assert row.channel_ids == {ids["radio"]}
    undo(empty_plan, channels)
    undo(empty_plan, offerings)
    row = queries.segments(empty_plan)[0]
    assert (row.offerings, row.channels) == (("Bread",), ("Flyers",))
    execute(empty_plan, offerings)
    execute(empty_plan, channels)
    assert state(empty_plan)["channels"] == [(shops, ids["radio"])]
    choices = queries.segment_link_choices(empty_plan)
    assert [c.name for c in choices.offerings] == ["Bread", "Cakes"]
    assert [c.name for c in choices.channels] == ["Flyers", "Radio"]


# -- feedback from sales -------------------------------------------------------------------


def build_pipeline(plan: Plan) -> dict[str, int]:
    """Offices: won 1,000.00 and 2,000.00 in 2026 and 4,500.00 in 2025; lost 7 (Price too
    high 2, Chose a competitor 2, No budget 1, Timing not right 1, no reason 1); 2 open.
    Cafés: no deals. No segment: won 10.00, 10.00, 10.01 and lost 1 (No budget)."""
    with plan.uow() as uow:
        s = uow.session
        stage = {st.name: st.id for st in s.scalars(select(Stage))}
        reason = {r.name: r.id for r in s.scalars(select(LostReason))}
        offices, cafes = Segment(name="Offices", position=0), Segment(name="Cafés", position=1)
        s.add_all([offices, cafes])
        s.flush()
        day = dt.date(2026, 3, 1)

        def deal(segment: int | None, status: str, amount: int, **extra: Any) -> Deal:
            stage_name = {"won": "Won", "lost": "Lost", "open": "Proposal"}[status]
            closed = extra.pop("closed_on", day if status != "open" else None)
            return Deal(
                customer="C", segment_id=segment, status=status, amount_minor=amount,
                stage_id=stage[stage_name], created_on=dt.date(2025, 1, 1), closed_on=closed,
                **extra,
            )  # fmt: skip

        lost = [
            "Price too high", "Chose a competitor", "Price too high", "Timing not right",
            "Chose a competitor", "No budget",
        ]  # fmt: skip
        s.add_all(
            [
                deal(offices.id, "won", 100000),
                deal(offices.id, "won", 200000),
                deal(offices.id, "won", 450000, closed_on=dt.date(2025, 6, 30)),
                *[deal(offices.id, "lost", 5000, lost_reason_id=reason[r]) for r in lost],
                deal(offices.id, "lost", 5000, closed_on=dt.date(2025, 2, 1)),
                deal(offices.id, "open", 990000),
                deal(offices.id, "open", 10000),
                deal(None, "won", 1000),
                deal(None, "won", 1000),
                deal(None, "won", 1001),
                deal(None, "lost", 700, lost_reason_id=reason["No budget"]),
            ]
        )
        uow.commit()
        return {"offices": offices.id, "cafes": cafes.id}


def test_feedback_per_segment_worked_out_by_hand(empty_plan: Plan) -> None:
    ids = build_pipeline(empty_plan)
    offices, cafes, unassigned = queries.segment_feedback(empty_plan)
    assert (offices.id, offices.segment) == (ids["offices"], "Offices")
    assert (offices.won, offices.lost, offices.closed) == (3, 7, 10)
    assert offices.win_rate == D("30.00")  # 3 / (3 + 7)
    assert offices.revenue_won == D("7500.00")  # 1,000 + 2,000 + 4,500
    assert offices.average_won == D("2500.00")
    # Ties are broken by name: Chose... before Price...; No budget before Timing...
    assert offices.top_lost_reasons == (
        ReasonCount("Chose a competitor", 2),
        ReasonCount("Price too high", 2),
        ReasonCount("No budget", 1),
    )
    assert offices.lost_without_reason == 1
    assert (cafes.segment, cafes.won, cafes.lost, cafes.revenue_won) == ("Cafés", 0, 0, D(0))
    assert (cafes.win_rate, cafes.average_won, cafes.top_lost_reasons) == (None, None, ())
    assert (unassigned.id, unassigned.segment) == (None, "No segment recorded")
    assert unassigned.win_rate == D("75.00")  # 3 / 4
    assert unassigned.revenue_won == D("30.01")
    assert unassigned.average_won == D("10.00")  # 30.01 / 3 = 10.0033...
    assert unassigned.top_lost_reasons == (ReasonCount("No budget", 1),)


def test_feedback_for_one_fiscal_year(empty_plan: Plan) -> None:
    build_pipeline(empty_plan)
    assert queries.closed_deal_years(empty_plan) == [FiscalYear(2025), FiscalYear(2026)]
    offices, _cafes, _unassigned = queries.segment_feedback(empty_plan, FiscalYear(2026))
    assert (offices.won, offices.lost) == (2, 6)  # the 2025 win and loss drop out
    assert offices.win_rate == D("25.00")
    assert (offices.revenue_won, offices.average_won) == (D("3000.00"), D("1500.00"))
    assert offices.lost_without_reason == 0
    (only_2025, _cafes) = queries.segment_feedback(empty_plan, FiscalYear(2024, 7))
    assert (only_2025.won, only_2025.lost, only_2025.revenue_won) == (1, 1, D("4500.00"))
    assert queries.segment_feedback(empty_plan, FiscalYear(2027))[0].closed == 0


def test_feedback_matches_the_deals_on_the_sample(sample_plan: Plan) -> None:
    """The GROUP BY figures agree with counting the sample's deals one by one."""
    rows = {r.id: r for r in queries.segment_feedback(sample_plan)}
    segment_ids = {s.name: s.id for s in queries.segments(sample_plan)}
    won: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    revenue: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = {}
    for deal in queries.deals(sample_plan):
        if deal.status.value == "won":
            won[deal.segment] += 1
            revenue[deal.segment] += int(deal.amount * 100)
        elif deal.status.value == "lost":
            lost[deal.segment] += 1
            reasons.setdefault(deal.segment, Counter())[deal.lost_reason] += 1
    assert sum(won.values()) > 20 and sum(lost.values()) > 20
    for name, segment_id in segment_ids.items():
        row = rows[segment_id]
        assert (row.won, row.lost) == (won[name], lost[name])
        assert row.revenue_won == D(revenue[name]) / 100
        expected = sorted(reasons.get(name, Counter()).items(), key=lambda r: (-r[1], r[0]))
        assert [(r.reason, r.deals) for r in row.top_lost_reasons] == [
            (reason, n) for reason, n in expected if reason
        ][:3]
