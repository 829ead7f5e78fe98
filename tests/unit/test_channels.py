"""Channels: figures derived per month, quarter and year against numbers worked out by hand,
and every channel service applied, reverted and applied again with the database checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from planner.db.models import (
    Channel,
    ChannelMonth,
    Deal,
    Offering,
    OfferingChannel,
    Segment,
    SegmentChannel,
    Stage,
)
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import channel_metrics, seasonal_shapes
from planner.queries.channel_metrics import ALL_CHANNELS, Figures, deal_results
from planner.services import channels as svc
from planner.services.commands import Command, execute, undo
from planner.services.errors import ValidationError

FY = FiscalYear(2026, 1)
D = Decimal


def m(text: str) -> Month:
    return Month.parse(text)


def run(plan: Plan, build: Any, *args: Any) -> Command:
    """Build a command in one unit of work and execute it, as PlanOperations.run does."""
    with plan.uow() as uow:
        command: Command = build(uow, *args)
    execute(plan, command)
    return command


def rows(plan: Plan, statement: Any) -> list[Any]:
    with plan.session() as s:
        return list(s.execute(statement).all())


def months_of(plan: Plan, channel_id: int) -> dict[str, tuple[Any, ...]]:
    stmt = select(
        ChannelMonth.month,
        ChannelMonth.planned_spend_minor,
        ChannelMonth.actual_spend_minor,
        ChannelMonth.planned_leads,
        ChannelMonth.actual_leads,
    ).where(ChannelMonth.channel_id == channel_id)
    return {str(r[0]): tuple(r[1:]) for r in rows(plan, stmt)}


@pytest.fixture
def plan(empty_plan: Plan) -> Plan:
    """Search ads and Fairs in FY 2026, an archived Radio with one deal won, an archived
    Flyers with nothing this year; deals worked into the expected figures below."""
    with empty_plan.uow() as uow:
        s = uow.session
        stage = {st.name: st.id for st in s.scalars(select(Stage))}
        search = Channel(name="Search ads", kind="Search ads", position=0)
        fairs = Channel(name="Fairs", kind="Events", position=1)
        radio = Channel(name="Radio", kind="Other", position=2, archived=True)
        flyers = Channel(name="Flyers", kind="Print", position=3, archived=True)
        s.add_all([search, fairs, radio, flyers])
        s.flush()

        def month(channel: Channel, when: str, *figures: int | None) -> ChannelMonth:
            ps, as_, pl, al = figures
            return ChannelMonth(
                channel_id=channel.id, month=m(when), planned_spend_minor=ps,
                actual_spend_minor=as_, planned_leads=pl, actual_leads=al,
            )  # fmt: skip

        def deal(channel: Channel | None, created: str, status: str, euros: int,
                 closed: str | None = None) -> Deal:  # fmt: skip
            return Deal(
                customer=f"{created} {status}", channel_id=channel.id if channel else None,
                stage_id=stage["Won" if status == "won" else "Lost" if status == "lost"
                               else "Lead"],
                status=status, amount_minor=euros * 100,
                created_on=dt.date.fromisoformat(created),
                closed_on=dt.date.fromisoformat(closed) if closed else None,
            )  # fmt: skip

        s.add_all(
            [
                month(search, "2026-01", 30000, 26500, 20, 17),
                month(search, "2026-02", 25000, 23500, 12, 10),
                month(search, "2026-03", 10000, None, 5, None),
                month(fairs, "2026-04", 100000, 120000, 10, 6),
                month(search, "2025-01", 20000, 18000, 15, 11),
                month(search, "2025-02", 40000, None, 30, None),
                month(flyers, "2025-06", 5000, 5000, 3, 2),
                deal(search, "2025-12-10", "won", 3000, "2026-01-15"),
                deal(search, "2026-01-05", "won", 2000, "2026-02-20"),
                deal(search, "2026-01-20", "lost", 1500, "2026-03-01"),
                deal(search, "2026-02-02", "open", 800),
                deal(search, "2026-12-30", "won", 700, "2027-01-03"),
                deal(fairs, "2026-04-01", "won", 4000, "2026-04-30"),
                deal(radio, "2025-11-11", "won", 600, "2026-06-06"),
                deal(None, "2026-01-02", "won", 999, "2026-01-09"),
            ]
        )
        uow.commit()
    return empty_plan


def ids(plan: Plan) -> dict[str, int]:
    return {name: i for i, name in rows(plan, select(Channel.id, Channel.name))}


# -- derived figures -------------------------------------------------------------------------


def test_channels_shown_in_a_year(plan: Plan) -> None:
    names = [r.name for r in channel_metrics(plan, FY)]
    # Flyers is archived with nothing in 2026; Radio is archived but won a deal in June.
    assert names == ["Search ads", "Fairs", "Radio", ALL_CHANNELS]


def test_every_channel_and_reused_deal_results(plan: Plan) -> None:
    names = [r.name for r in channel_metrics(plan, FY, every_channel=True)]
    assert names == ["Search ads", "Fairs", "Radio", "Flyers", ALL_CHANNELS]
    deals = deal_results(plan, FY)
    assert deals.sourced[(ids(plan)["Search ads"], "2026-01")] == 2
    with plan.uow() as uow:  # a new deal is not seen while the old results are reused
        stage = uow.session.scalar(select(Stage.id).where(Stage.name == "Lead"))
        uow.session.add(Deal(customer="New", channel_id=ids(plan)["Fairs"], stage_id=stage,
                             created_on=dt.date(2026, 4, 2)))  # fmt: skip
        uow.commit()
    assert channel_metrics(plan, FY, deals=deals)[1].year.deals_sourced == 1
    assert channel_metrics(plan, FY)[1].year.deals_sourced == 2
    # Results of another year are not reused.
    assert channel_metrics(plan, FY + -1, deals=deals)[0].year.deals_sourced == 1


def test_cost_per_lead_by_hand() -> None:
    january = Figures(D("300.00"), D("265.00"), 20, 17, planned_spend_compared=D("300.00"),
                      planned_leads_compared=20)  # fmt: skip
    assert january.cost_per_lead_plan == D("15.00")  # 300 / 20
    assert january.cost_per_lead_actual == D("15.59")  # 265 / 17 = 15.588...
    assert Figures(D("300.00"), None, 0, None).cost_per_lead_plan is None
    assert Figures(D("300.00"), D("10.00"), 5, 0).cost_per_lead_actual is None
    assert Figures(revenue_won=D("5000.00"), actual_spend=D("500.00")).return_on_spend == 10
    assert Figures(revenue_won=D("5000.00"), actual_spend=D("0.00")).return_on_spend is None


def test_search_ads_month_by_month(plan: Plan) -> None:
    search = channel_metrics(plan, FY)[0]
    jan, feb, mar = search.monthly[:3]
    assert (jan.planned_spend, jan.actual_spend, jan.planned_leads, jan.actual_leads) == (
        D("300.00"), D("265.00"), 20, 17)  # fmt: skip
    assert jan.cost_per_lead_plan == D("15.00") and jan.cost_per_lead_actual == D("15.59")
    assert jan.spend_variance == D("-35.00")
    assert jan.spend_variance_pct == D("-35") * 100 / 300  # -11.67 %
    assert jan.leads_variance == -3 and jan.leads_variance_pct == D(-15)
    # Deals: B and C created in January (A in December 2025); A won in January.
    assert (jan.deals_sourced, jan.deals_won, jan.revenue_won) == (2, 1, D("3000.00"))
    assert jan.cost_per_customer == D("265.00")
    assert (feb.deals_sourced, feb.deals_won, feb.revenue_won) == (1, 1, D("2000.00"))
    # March: a plan but no actuals yet: no variance, nothing to compare.
    assert mar.actual_spend is None and mar.spend_variance is None
    assert mar.leads_variance_pct is None and mar.cost_per_lead_plan == D("20.00")
    assert search.ids[2] is not None and search.ids[3] is None
    assert search.monthly[3] == Figures()  # April: nothing entered, nothing happened


def test_search_ads_quarter_and_year(plan: Plan) -> None:
    search = channel_metrics(plan, FY)[0]
    q1 = search.quarterly[0]
    assert (q1.planned_spend, q1.actual_spend) == (D("650.00"), D("500.00"))
    assert (q1.planned_leads, q1.actual_leads) == (37, 27)
    # Actuals of January and February against their plan only (300 + 250, 20 + 12).
    assert q1.spend_variance == D("-50.00")
    assert round(q1.spend_variance_pct, 2) == D("-9.09")  # -50 / 550
    assert q1.leads_variance == -5 and q1.leads_variance_pct == D("-15.625")  # -5 / 32
    assert q1.cost_per_lead_plan == D("17.57")  # 650 / 37 = 17.567...
    assert q1.cost_per_lead_actual == D("18.52")  # 500 / 27 = 18.518...
    assert (q1.deals_sourced, q1.deals_won, q1.revenue_won) == (3, 2, D("5000.00"))
    assert q1.return_on_spend == 10  # 5,000 won / 500 spent
    assert q1.cost_per_customer == D("250.00")  # 500 / 2
    # The deal won in January 2027 belongs to the next year; December's deal was sourced.
    assert search.year.deals_won == 2 and search.year.deals_sourced == 4
    assert search.year.planned_spend == D("650.00")
    assert search.quarterly[1] == Figures()
    assert search.periods[12] == q1 and search.periods[16] == search.year


def test_all_channels_together(plan: Plan) -> None:
    *channels, together = channel_metrics(plan, FY)
    assert together.channel_id is None and together.is_total
    year = together.year
    assert year.planned_spend == D("1650.00")  # 650 + 1,000
    assert year.actual_spend == D("1700.00")  # 500 + 1,200
    assert year.spend_variance == D("150.00")  # 1,700 - (550 + 1,000)
    assert round(year.spend_variance_pct, 3) == D("9.677")  # 150 / 1,550
    assert (year.planned_leads, year.actual_leads, year.leads_variance) == (47, 33, -9)
    # Won: A, B (search), E (fairs), Radio's deal; not the deal without a channel.
    assert (year.deals_won, year.revenue_won) == (4, D("9600.00"))
    assert year.deals_sourced == 5  # B, C, D, G (Dec 2026) and E
    assert year.cost_per_customer == D("425.00")  # 1,700 / 4
    assert round(year.return_on_spend, 4) == D("5.6471")  # 9,600 / 1,700
    fairs = channels[1].quarterly[1]
    assert fairs.cost_per_customer == D("1200.00")
    assert round(fairs.return_on_spend, 3) == D("3.333")  # 4,000 / 1,200


def test_seasonal_shapes_of_last_year(plan: Plan) -> None:
    search = ids(plan)["Search ads"]
    shapes = seasonal_shapes(plan, FY, search)
    assert shapes.last_year == FiscalYear(2025, 1)
    assert shapes.channel_spend[:3] == (D("180.00"), None, None)
    assert seasonal_shapes(plan, FY, None).channel_spend[5] == D("50.00")  # Flyers, June
    assert shapes.revenue == (None,) * 12  # no actual sales in this plan


# -- the channel list --------------------------------------------------------------------------


def test_add_channel_apply_revert_apply(plan: Plan) -> None:
    command = run(plan, svc.add_channel)
    added = rows(plan, select(Channel.id, Channel.name, Channel.kind, Channel.position)
                 .where(Channel.name == "New channel"))  # fmt: skip
    assert [tuple(r[1:]) for r in added] == [("New channel", "Other", 4)]
    undo(plan, command)
    assert "New channel" not in ids(plan)
    execute(plan, command)
    assert ids(plan)["New channel"] == added[0][0]
    run(plan, svc.add_channel)
    assert "New channel 2" in ids(plan)
    with plan.uow() as uow, pytest.raises(ValidationError, match="already a channel"):
        svc.add_channel(uow, "search ADS")


def test_delete_channel_and_restore_everything(plan: Plan) -> None:
    search = ids(plan)["Search ads"]
    with plan.uow() as uow:
        shop = Segment(name="Shops")
        bread = Offering(name="Bread")
        uow.session.add_all([shop, bread])
        uow.session.flush()
        uow.session.add_all([
            SegmentChannel(segment_id=shop.id, channel_id=search),
            OfferingChannel(offering_id=bread.id, channel_id=search, yearly_budget_minor=900),
        ])  # fmt: skip
        uow.commit()
        question = svc.describe_channel_dependents(uow, search)
    assert question == (
        "Its 5 months of figures and its links to 1 segment and 1 offering go with it. "
        "The 5 deals that came from it stay, without a source channel."
    )
    with plan.uow() as uow:
        assert svc.describe_channel_dependents(uow, ids(plan)["Flyers"]) == (
            "Its 1 month of figures goes with it."
        )
    before_months = months_of(plan, search)
    deals_of = select(Deal.id).where(Deal.channel_id == search).order_by(Deal.id)
    before_deals = rows(plan, deals_of)
    command = run(plan, svc.delete_channel, search)
    assert search not in ids(plan).values()
    assert months_of(plan, search) == {} and rows(plan, deals_of) == []
    assert len(rows(plan, select(Deal.id))) == 8  # the deals stay, without a channel
    undo(plan, command)
    assert months_of(plan, search) == before_months and rows(plan, deals_of) == before_deals
    budget = select(OfferingChannel.yearly_budget_minor).where(OfferingChannel.channel_id == search)
    assert rows(plan, budget) == [(900,)]
    assert rows(plan, select(SegmentChannel.channel_id)) == [(search,)]
    execute(plan, command)
    assert search not in ids(plan).values() and rows(plan, budget) == []


def test_archive_and_bring_back(plan: Plan) -> None:
    fairs = ids(plan)["Fairs"]
    archived = select(Channel.archived).where(Channel.id == fairs)
    command = run(plan, svc.archive_channel, fairs, True)
    assert command.label == "Archive Channel" and rows(plan, archived) == [(True,)]
    undo(plan, command)
    assert rows(plan, archived) == [(False,)]
    execute(plan, command)
    assert rows(plan, archived) == [(True,)]
    back = run(plan, svc.archive_channel, fairs, False)
    assert back.label == "Bring Back Channel" and rows(plan, archived) == [(False,)]


def order(plan: Plan) -> list[str]:
    stmt = select(Channel.name).order_by(Channel.archived, Channel.position, Channel.name)
    return [r[0] for r in rows(plan, stmt)]


def test_move_up_and_down(plan: Plan) -> None:
    fairs = ids(plan)["Fairs"]
    command = run(plan, svc.move_channel, fairs, -1)
    assert command.label == "Move Channel"
    assert order(plan) == ["Fairs", "Search ads", "Radio", "Flyers"]
    undo(plan, command)
    assert order(plan) == ["Search ads", "Fairs", "Radio", "Flyers"]
    execute(plan, command)
    assert order(plan) == ["Fairs", "Search ads", "Radio", "Flyers"]
    with plan.uow() as uow:
        assert svc.move_channel(uow, fairs, -1) is None  # already first
        assert svc.move_channel(uow, ids(plan)["Search ads"], 1) is None  # archived below
    run(plan, svc.move_channel, ids(plan)["Radio"], 1)
    assert order(plan) == ["Fairs", "Search ads", "Flyers", "Radio"]


def test_segments_reached(plan: Plan) -> None:
    with plan.uow() as uow:
        a, b, c = Segment(name="A"), Segment(name="B"), Segment(name="C")
        uow.session.add_all([a, b, c])
        uow.commit()
        seg = {s.name: s.id for s in (a, b, c)}
    search = ids(plan)["Search ads"]
    links = select(SegmentChannel.segment_id).where(SegmentChannel.channel_id == search)
    first = run(plan, svc.set_segments_reached, search, [seg["A"], seg["B"]])
    assert first.label == "Change Segments Reached"
    assert {r[0] for r in rows(plan, links)} == {seg["A"], seg["B"]}
    second = run(plan, svc.set_segments_reached, search, [seg["C"]])
    assert {r[0] for r in rows(plan, links)} == {seg["C"]}
    undo(plan, second)
    assert {r[0] for r in rows(plan, links)} == {seg["A"], seg["B"]}
    undo(plan, first)
    assert rows(plan, links) == []


# -- monthly figures ---------------------------------------------------------------------------


def test_set_month_figure_creates_the_month_and_removes_it_on_undo(plan: Plan) -> None:
    fairs = ids(plan)["Fairs"]
    command = run(plan, svc.set_month_figure, fairs, m("2026-05"), "planned_spend_minor", D("80"))
    assert command.label == "Change Planned Spend"
    assert months_of(plan, fairs)["2026-05"] == (8000, None, 0, None)
    undo(plan, command)
    assert "2026-05" not in months_of(plan, fairs)
    execute(plan, command)
    assert months_of(plan, fairs)["2026-05"] == (8000, None, 0, None)
    existing = run(plan, svc.set_month_figure, fairs, m("2026-04"), "actual_leads", "")
    assert months_of(plan, fairs)["2026-04"] == (100000, 120000, 10, None)
    undo(plan, existing)
    assert months_of(plan, fairs)["2026-04"] == (100000, 120000, 10, 6)
    with plan.uow() as uow, pytest.raises(ValidationError, match="negative"):
        svc.set_month_figure(uow, fairs, m("2026-05"), "planned_spend_minor", D("-1"))


def test_two_figures_of_one_new_month_in_one_step(plan: Plan) -> None:
    """A pasted block sets several figures of a month that has no row yet."""
    from planner.services.commands import CompositeCommand

    fairs = ids(plan)["Fairs"]
    with plan.uow() as uow:
        parts = [
            svc.set_month_figure(uow, fairs, m("2026-06"), "planned_spend_minor", D("50")),
            svc.set_month_figure(uow, fairs, m("2026-06"), "actual_leads", 3),
        ]
    command = CompositeCommand("Paste", parts)
    execute(plan, command)
    assert months_of(plan, fairs)["2026-06"] == (5000, None, 0, 3)
    undo(plan, command)
    assert "2026-06" not in months_of(plan, fairs)
    execute(plan, command)
    assert months_of(plan, fairs)["2026-06"] == (5000, None, 0, 3)


def test_spread_evenly_then_undo(plan: Plan) -> None:
    search = ids(plan)["Search ads"]
    before = months_of(plan, search)
    command = run(plan, svc.spread_budget, search, FY.months, "planned_spend_minor", D("1000"))
    assert command.label == "Spread Budget"
    after = months_of(plan, search)
    planned = [after[str(month)][0] for month in FY.months]
    assert planned == [8400] * 4 + [8300] * 8 and sum(planned) == 100000
    assert after["2026-01"] == (8400, 26500, 20, 17)  # actuals untouched
    undo(plan, command)
    assert months_of(plan, search) == before  # the nine new months are gone again
    execute(plan, command)
    assert months_of(plan, search) == after


def test_spread_by_last_years_shape(plan: Plan) -> None:
    search = ids(plan)["Search ads"]
    # Last year's search spend: only January (180) is known -> everything in January.
    shape = seasonal_shapes(plan, FY, search).channel_spend
    run(plan, svc.spread_budget, search, FY.months, "planned_leads", 40, shape)
    after = months_of(plan, search)
    assert after["2026-01"][2] == 40 and after["2026-02"][2] == 0
    # Leads by a hand-made shape over three months: 1:1:2 of 10 -> 3, 2, 5 (2.5 rounds
    # to the earlier month on a tie; 5 is exact).
    months = FY.months[3:6]
    run(plan, svc.spread_budget, search, months, "planned_leads", 10, [1, 1, 2])
    assert [months_of(plan, search)[str(x)][2] for x in months] == [3, 2, 5]


@pytest.mark.parametrize(
    ("field", "total", "message"),
    [
        ("planned_spend_minor", D("-5"), "negative"),
        ("planned_leads", "abc", "not a whole number"),
        ("actual_spend_minor", D("5"), "Only planned"),
    ],
)
def test_spread_refusals(plan: Plan, field: str, total: Any, message: str) -> None:
    with plan.uow() as uow, pytest.raises(ValidationError, match=message):
        svc.spread_budget(uow, ids(plan)["Search ads"], FY.months, field, total)


def test_copy_plan_from_last_year(plan: Plan) -> None:
    search = ids(plan)["Search ads"]
    next_year = FY + 1
    with plan.uow() as uow:  # put something in 2027 to see it replaced
        uow.session.add(ChannelMonth(channel_id=search, month=m("2027-05"),
                                     planned_spend_minor=777))  # fmt: skip
        uow.commit()
    # FY 2026 plan of Search ads: Jan 300/20, Feb 250/12, Mar 100/5, nothing after.
    command = run(plan, svc.copy_from_last_year, [search], next_year, svc.CopySource.PLAN)
    assert command.label == "Copy From Last Year"
    got = {k: v for k, v in months_of(plan, search).items() if k.startswith("2027")}
    assert got == {
        "2027-01": (30000, None, 20, None),
        "2027-02": (25000, None, 12, None),
        "2027-03": (10000, None, 5, None),
        "2027-05": (0, None, 0, None),  # nothing planned last May
    }
    undo(plan, command)
    got = {k: v for k, v in months_of(plan, search).items() if k.startswith("2027")}
    assert got == {"2027-05": (777, None, 0, None)}


def test_copy_actuals_from_last_year(plan: Plan) -> None:
    search = ids(plan)["Search ads"]
    before = months_of(plan, search)
    command = run(plan, svc.copy_from_last_year, [search], FY, svc.CopySource.ACTUAL)
    after = months_of(plan, search)
    # 2025: January actual 180 / 11; February's actuals were never recorded: left alone.
    assert after["2026-01"] == (18000, 26500, 11, 17)
    assert after["2026-02"] == before["2026-02"]
    undo(plan, command)
    assert months_of(plan, search) == before
    with plan.uow() as uow, pytest.raises(ValidationError, match="no actual figures in FY 2025"):
        svc.copy_from_last_year(uow, [ids(plan)["Fairs"]], FY, svc.CopySource.ACTUAL)


def test_fill_right(plan: Plan) -> None:
    fairs = ids(plan)["Fairs"]
    months = FY.months[3:]
    command = run(plan, svc.fill_right, fairs, "planned_leads", months, 10)
    assert command.label == "Fill Right"
    got = months_of(plan, fairs)
    assert [got[str(x)][2] for x in months] == [10] * 9
    assert len(command.parts) == 8  # April already held 10
    undo(plan, command)
    assert list(months_of(plan, fairs)) == ["2026-04"]
    with plan.uow() as uow, pytest.raises(ValidationError, match="negative"):
        svc.fill_right(uow, fairs, "planned_spend_minor", months, D("-3"))
