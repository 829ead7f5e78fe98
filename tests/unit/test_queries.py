"""The read side: each query's numbers on a small plan whose figures can be checked by hand.

The plan's fiscal year starts in April, so FY 2026 ("FY 2026/27") runs from April 2026 to
March 2027, and "today" is 15 August 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from planner import queries
from planner.db.models import (
    ActualSale,
    Channel,
    ChannelMonth,
    Deal,
    LostReason,
    Offering,
    OfferingChannel,
    SalesRep,
    Segment,
    SegmentOffering,
    Stage,
    Target,
)
from planner.db.plan import Plan, create_plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalYear, Month
from planner.domain.pipeline import DealStatus, weighted_value
from planner.queries import PeriodLevel
from planner.queries.pipeline import weighted_minor

TODAY = dt.date(2026, 8, 15)
FY = FiscalYear(2026, 4)
D = Decimal


def m(text: str) -> Month:
    return Month.parse(text)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    plan = create_plan(tmp_path / "luna.smplan", "Luna Bakery", fiscal_start_month=4)
    with plan.uow() as uow:
        s = uow.session
        stage = {st.name: st.id for st in s.scalars(select(Stage))}
        price_reason = s.scalar(select(LostReason.id).where(LostReason.name == "Price too high"))
        ana = SalesRep(name="Ana")
        bread = Offering(
            name="Bread", list_price_minor=400, unit_cost_minor=150, lifecycle_stage="Maturity"
        )
        catering = Offering(name="Catering", list_price_minor=25000, unit_cost_minor=17500)
        old = Offering(name="Old cakes", archived=True)
        cafes = Segment(
            name="Cafés",
            customers=200,
            yearly_value_minor=150000,
            serviceable_bp=4000,
            obtainable_bp=1000,
        )
        offices = Segment(
            name="Offices",
            customers=1000,
            yearly_value_minor=33333,
            serviceable_bp=1250,
            obtainable_bp=333,
        )
        search = Channel(name="Search ads", kind="Search ads", position=0)
        referrals = Channel(name="Referrals", kind="Referrals", position=1)
        flyers = Channel(name="Flyers", kind="Print", archived=True, position=2)
        s.add_all([ana, bread, catering, old, cafes, offices, search, referrals, flyers])
        s.flush()
        s.add_all(
            [
                OfferingChannel(
                    offering_id=bread.id, channel_id=referrals.id, sells=True, promotes=False
                ),
                OfferingChannel(offering_id=bread.id, channel_id=search.id, promotes=True),
                SegmentOffering(segment_id=cafes.id, offering_id=bread.id),
            ]
        )

        def deal(customer: str, stage_name: str, minor: int, **kw: Any) -> Deal:
            return Deal(
                customer=customer,
                stage_id=stage[stage_name],
                amount_minor=minor,
                created_on=dt.date(2026, 1, 5),
                **kw,
            )

        s.add_all(
            [
                deal(
                    "Café Luna", "Proposal", 100000, title="Weekly bread", offering_id=bread.id,
                    segment_id=cafes.id, channel_id=search.id, owner_id=ana.id,
                    expected_close=dt.date(2026, 9, 30),
                ),
                deal("Office Park", "Negotiation", 200000, probability=60),
                deal(
                    "Hotel Sol", "Won", 300000, status="won", closed_on=dt.date(2026, 5, 10),
                    channel_id=search.id,
                ),
                deal(
                    "Gym Fit", "Lost", 50000, status="lost", closed_on=dt.date(2026, 6, 1),
                    lost_reason_id=price_reason,
                ),
                deal("Old Shop", "Won", 80000, status="won", closed_on=dt.date(2026, 2, 1)),
                deal("Tiny Order", "Qualified", 1010),
            ]
        )  # fmt: skip
        s.add_all(
            [
                ChannelMonth(channel_id=search.id, month=m("2026-04"), planned_spend_minor=10000,
                             actual_spend_minor=12000, planned_leads=10, actual_leads=12),
                ChannelMonth(channel_id=search.id, month=m("2026-05"), planned_spend_minor=10000,
                             planned_leads=10),
                ChannelMonth(channel_id=referrals.id, month=m("2026-04"), planned_spend_minor=0,
                             actual_spend_minor=0, planned_leads=5, actual_leads=4),
                ChannelMonth(channel_id=flyers.id, month=m("2026-03"), planned_spend_minor=5000),
            ]
        )  # fmt: skip
        s.add_all(
            [
                Target(month=m("2026-04"), revenue_minor=100000, units=250),
                Target(month=m("2026-04"), revenue_minor=40000, offering_id=bread.id),
                Target(month=m("2026-05"), revenue_minor=100000),
                Target(month=m("2026-06"), revenue_minor=200000),
                Target(month=m("2026-07"), revenue_minor=30000, offering_id=bread.id),
                Target(month=m("2026-07"), revenue_minor=70000, offering_id=catering.id),
            ]
        )
        s.add_all(
            [
                ActualSale(month=m("2026-03"), revenue_minor=70000, offering_id=bread.id),
                ActualSale(month=m("2026-04"), revenue_minor=60000, units=150,
                           offering_id=bread.id),
                ActualSale(month=m("2026-04"), revenue_minor=50000, units=2,
                           offering_id=catering.id),
                ActualSale(month=m("2026-05"), revenue_minor=90000, offering_id=bread.id),
                ActualSale(month=m("2026-07"), revenue_minor=100000, offering_id=catering.id),
                ActualSale(month=m("2026-07"), revenue_minor=5000),
            ]
        )  # fmt: skip
        uow.commit()
    yield plan
    plan.close()


def test_profile_and_fiscal_years(plan: Plan) -> None:
    summary = queries.profile_summary(plan)
    assert (summary.name, summary.currency, summary.currency_digits) == ("Luna Bakery", "EUR", 2)
    assert summary.fiscal_start_month == 4
    assert summary.reps == ("Ana",)
    assert queries.current_fiscal_year(plan, TODAY) == FY
    # January 2026 still belongs to the fiscal year that began in April 2025.
    assert queries.current_fiscal_year(plan, dt.date(2026, 1, 31)) == FiscalYear(2025, 4)
    # The archived channel's March 2026 figures reach back into FY 2025; the next year is
    # always offered for planning ahead.
    assert queries.fiscal_years(plan, TODAY) == [FiscalYear(2025, 4), FY, FY + 1]
    assert queries.fiscal_years(plan, dt.date(2028, 1, 1))[-1] == FiscalYear(2028, 4)


def test_offerings_margin_and_links(plan: Plan) -> None:
    rows = {row.name: row for row in queries.offerings(plan)}
    assert list(rows) == ["Bread", "Catering", "Old cakes"]  # archived last
    bread = rows["Bread"]
    assert (bread.list_price, bread.unit_cost, bread.margin) == (D("4.00"), D("1.50"), D("2.50"))
    assert bread.margin_pct == D("62.5")
    assert bread.sold_through == ("Referrals",)
    assert bread.promoted_by == ("Search ads",)
    assert bread.segments == ("Cafés",)
    assert rows["Catering"].margin == D("75.00")
    assert rows["Catering"].margin_pct == D("30.0")
    assert rows["Old cakes"].margin_pct is None  # no price, no margin percentage


def test_segments_market_size(plan: Plan) -> None:
    cafes, offices = queries.segments(plan)
    assert cafes.tam == D("300000.00")  # 200 customers x 1,500.00
    assert cafes.sam == D("120000.00")  # 40 %
    assert cafes.som == D("12000.00")  # 10 % of SAM
    assert (cafes.serviceable_pct, cafes.obtainable_pct) == (D("40.00"), D("10.00"))
    assert cafes.offerings == ("Bread",)
    assert offices.tam == D("333330.00")  # 1,000 x 333.33
    assert offices.sam == D("41666.25")  # 12.5 %
    assert offices.som == D("1387.49")  # 3.33 % of 41,666.25 = 1,387.486...


def test_channels_with_sourced_deals(plan: Plan) -> None:
    rows = {row.name: row for row in queries.channels(plan)}
    assert list(rows) == ["Search ads", "Referrals", "Flyers"]
    search = rows["Search ads"]
    assert (search.deals, search.won_deals, search.won_revenue) == (2, 1, D("3000.00"))
    assert (rows["Referrals"].deals, rows["Referrals"].won_revenue) == (0, D("0.00"))


def test_channel_months_cover_every_month(plan: Plan) -> None:
    rows = queries.channel_months(plan, FY)
    # Archived Flyers has no figures in FY 2026, so only two channels x twelve months.
    assert len(rows) == 24
    assert [r.month for r in rows[:12]] == FY.months
    april = rows[0]
    assert (april.channel, april.month) == ("Search ads", m("2026-04"))
    assert april.id is not None
    assert (april.planned_spend, april.actual_spend) == (D("100.00"), D("120.00"))
    assert (april.planned_leads, april.actual_leads) == (10, 12)
    may = rows[1]
    assert (may.planned_spend, may.actual_spend, may.actual_leads) == (D("100.00"), None, None)
    june = rows[2]
    assert june.id is None and june.planned_spend == D("0.00")
    last_year = queries.channel_months(plan, 2025)
    assert {r.channel for r in last_year} == {"Search ads", "Referrals", "Flyers"}
    flyers_march = next(r for r in last_year if r.channel == "Flyers" and r.month == m("2026-03"))
    assert flyers_march.planned_spend == D("50.00")


def test_deals_names_probability_and_weighted_value(plan: Plan) -> None:
    rows = {row.customer: row for row in queries.deals(plan)}
    luna = rows["Café Luna"]
    assert (luna.offering, luna.segment, luna.channel, luna.owner, luna.stage) == (
        "Bread", "Cafés", "Search ads", "Ana", "Proposal",
    )  # fmt: skip
    assert (luna.amount, luna.probability, luna.weighted) == (D("1000.00"), 50, D("500.00"))
    assert luna.expected_close == dt.date(2026, 9, 30)
    park = rows["Office Park"]
    assert (park.own_probability, park.probability, park.weighted) == (60, 60, D("1200.00"))
    assert park.offering == park.owner == ""
    assert (rows["Hotel Sol"].status, rows["Hotel Sol"].weighted) == (DealStatus.WON, D("3000.00"))
    gym = rows["Gym Fit"]
    assert (gym.probability, gym.weighted, gym.lost_reason) == (0, D("0.00"), "Price too high")
    assert rows["Tiny Order"].weighted == D("2.52")  # 10.10 x 25 % = 2.525, half to even


@pytest.mark.parametrize("probability", [0, 10, 25, 33, 50, 75, 99, 100])
def test_weighted_minor_matches_the_domain_rule(probability: int) -> None:
    for minor in [*range(0, 1000, 7), 1010, 12345, 99_999_999]:
        expected = weighted_value(from_minor(minor), probability)
        assert from_minor(weighted_minor(minor, probability)) == expected, (minor, probability)


def test_deals_is_two_selects(plan: Plan) -> None:
    """One SELECT for the deals, one grouped SELECT over their history."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(plan.engine, "before_cursor_execute", record)
    try:
        assert len(queries.deals(plan)) == 6
    finally:
        event.remove(plan.engine, "before_cursor_execute", record)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_pipeline_figures(plan: Plan) -> None:
    figures = queries.pipeline_figures(plan, today=TODAY)
    assert figures.fiscal_year == FY
    assert (figures.open_deals, figures.open_amount) == (3, D("3010.10"))
    assert figures.weighted_open == D("1702.52")  # 500 + 1,200 + 2.52
    # Closed within FY 2026: Hotel Sol won, Gym Fit lost (Old Shop closed the year before).
    assert (figures.won_deals, figures.lost_deals, figures.won_amount) == (1, 1, D("3000.00"))
    assert figures.win_rate_pct == D("50.0")
    assert queries.pipeline_figures(plan, 2024).win_rate_pct is None


def test_targets_with_quarter_and_year_totals(plan: Plan) -> None:
    rows = queries.targets(plan, FY, today=TODAY)
    assert len(rows) == 12 + 4 + 1
    assert [r.label for r in rows[:4]] == ["Apr 2026", "May 2026", "Jun 2026", "Q1 FY 2026/27"]
    assert [r.level for r in rows[:4]] == [PeriodLevel.MONTH] * 3 + [PeriodLevel.QUARTER]
    april, may, june, q1, july = rows[:5]
    # The business-wide April target wins over the per-offering one.
    assert (april.target, april.actual, april.variance) == (D("1000.00"), D("1100.00"), D("100.00"))
    assert april.variance_pct == D("10.0")
    assert (april.target_units, april.actual_units) == (250, 152)
    assert (may.variance, may.variance_pct) == (D("-100.00"), D("-10.0"))
    assert (june.target, june.actual, june.variance) == (D("2000.00"), None, None)
    # Q1 compares its 2,000 of actuals with the targets of April and May only.
    assert (q1.target, q1.actual, q1.variance, q1.variance_pct) == (
        D("4000.00"), D("2000.00"), D("0.00"), D("0.0"),
    )  # fmt: skip
    # July has only per-offering targets: their sum is the month's target.
    assert (july.target, july.actual, july.variance) == (D("1000.00"), D("1050.00"), D("50.00"))
    year = rows[-1]
    assert (year.label, year.level) == ("FY 2026/27 total", PeriodLevel.YEAR)
    assert (year.target, year.actual, year.variance) == (D("5000.00"), D("3050.00"), D("50.00"))
    assert year.variance_pct == D("1.7")  # 50 / 3,000
    assert rows[-2].label == "Q4 FY 2026/27" and rows[-2].actual is None


def test_the_month_in_progress_shows_its_actual_but_no_variance(plan: Plan) -> None:
    rows = queries.targets(plan, FY, today=dt.date(2026, 7, 20))
    july = next(r for r in rows if r.first_month == m("2026-07") and r.level == PeriodLevel.MONTH)
    assert july.label == "Jul 2026 (so far)"
    assert (july.actual, july.variance, july.variance_pct) == (D("1050.00"), None, None)
    year = rows[-1]
    # The year compares April and May only: 2,000 of actuals against 2,000 of targets.
    assert (year.actual, year.variance, year.variance_pct) == (
        D("3050.00"), D("0.00"), D("0.0"),
    )  # fmt: skip
    pva = queries.plan_vs_actual(plan, FY, today=dt.date(2026, 7, 20))
    assert [r.variance for r in pva if r.label == "Jul 2026 (so far)"] == [None]


def test_plan_vs_actual_spend_and_leads(plan: Plan) -> None:
    rows = queries.plan_vs_actual(plan, today=TODAY)  # the current fiscal year by default
    april, may, _june, q1 = rows[:4]
    assert (april.target, april.actual, april.variance_pct) == (
        D("1000.00"),
        D("1100.00"),
        D("10.0"),
    )
    assert (april.planned_spend, april.actual_spend) == (D("100.00"), D("120.00"))
    assert (april.planned_leads, april.actual_leads) == (15, 16)
    assert (may.planned_spend, may.actual_spend, may.actual_leads) == (D("100.00"), None, None)
    assert (q1.planned_spend, q1.actual_spend, q1.planned_leads, q1.actual_leads) == (
        D("200.00"), D("120.00"), 25, 16,
    )  # fmt: skip
    assert rows[-1].planned_spend == D("200.00")


def test_revenue_to_date(plan: Plan) -> None:
    ytd = queries.revenue_to_date(plan, today=TODAY)
    assert ytd.through == m("2026-07")  # August is not over yet
    assert (ytd.actual, ytd.target, ytd.variance) == (D("3050.00"), D("5000.00"), D("-1950.00"))
    assert ytd.variance_pct == D("-39.0")
    before = queries.revenue_to_date(plan, 2027, today=TODAY)
    assert before.through is None and before.actual == D("0.00")
    ended = queries.revenue_to_date(plan, 2025, today=TODAY)
    assert ended.through == m("2026-03") and ended.actual == D("700.00")


def test_monthly_actuals_per_offering(plan: Plan) -> None:
    rows = queries.monthly_actuals(plan, FY)
    assert [r.offering for r in rows] == [
        "Bread", "Catering", "Not linked to an offering", "All offerings",
    ]  # fmt: skip
    bread, catering, unlinked, total = rows
    assert bread.months[0] == m("2026-04")
    assert bread.revenue[:4] == (D("600.00"), D("900.00"), None, None)
    assert (bread.units[:2], bread.revenue_total, bread.units_total) == (
        (150, None), D("1500.00"), 150,
    )  # fmt: skip
    assert catering.revenue_total == D("1500.00") and catering.units_total == 2
    assert unlinked.offering_id is None and unlinked.revenue[3] == D("50.00")
    assert total.is_total and not bread.is_total
    assert total.revenue[:4] == (D("1100.00"), D("900.00"), None, D("1050.00"))
    assert (total.revenue_total, total.units_total) == (D("3050.00"), 152)


def test_revenue_history_fills_gaps(plan: Plan) -> None:
    history = queries.revenue_history(plan)
    assert [(str(r.month), r.revenue) for r in history] == [
        ("2026-03", D("700.00")), ("2026-04", D("1100.00")), ("2026-05", D("900.00")),
        ("2026-06", D("0.00")), ("2026-07", D("1050.00")),
    ]  # fmt: skip


def seasonal_history(months: int) -> dict[Month, Decimal]:
    """2024 rises from 1,100 in January to 2,200 in December; 2025 is 10 % up on it."""
    history = {}
    for offset in range(months):
        month = m("2024-01") + offset
        base = Decimal(1000 + 100 * month.month)
        history[month] = base if month.year == 2024 else base * D("1.1")
    return history


def test_seasonal_naive_scales_last_year_by_this_years_growth() -> None:
    history = seasonal_history(18)  # January 2024 to June 2025
    forecast = queries.seasonal_naive(history, m("2025-07"), fiscal_start_month=1)
    assert forecast.growth_factor == D("1.1")
    assert forecast.growth_pct == D("10.0")
    assert (forecast.growth_from, forecast.growth_to) == (m("2025-01"), m("2025-06"))
    assert [f.month for f in forecast.months] == [m("2025-07") + i for i in range(12)]
    first, last = forecast.months[0], forecast.months[-1]
    assert (first.same_month_last_year, first.forecast) == (D("1700"), D("1870.00"))
    # June 2026 builds on June 2025, itself already 10 % up on June 2024.
    assert (last.same_month_last_year, last.forecast) == (D("1760.0"), D("1936.00"))
    assert "raised by 10.0%" in forecast.explanation
    assert "Jan 2025 to Jun 2025" in forecast.explanation


def test_seasonal_naive_uses_the_fiscal_year_so_far() -> None:
    history = seasonal_history(18)
    # With an April start, July 2025 follows April to June 2025 of the fiscal year.
    forecast = queries.seasonal_naive(history, m("2025-07"), fiscal_start_month=4)
    assert (forecast.growth_from, forecast.growth_to) == (m("2025-04"), m("2025-06"))
    assert forecast.growth_factor == D("1.1")


def test_seasonal_naive_without_growth_or_history() -> None:
    history = seasonal_history(12)  # only 2024
    # At the start of a fiscal year growth is measured over the previous twelve months,
    # and there is no year before 2024 to compare with: last year's months as they were.
    forecast = queries.seasonal_naive(history, m("2025-01"), fiscal_start_month=1)
    assert forecast.growth_factor is None and forecast.growth_pct is None
    assert [f.forecast for f in forecast.months] == [history[m("2024-01") + i] for i in range(12)]
    too_short = queries.seasonal_naive(seasonal_history(11), m("2024-12"), 1)
    assert too_short.months == ()
    assert "twelve months" in too_short.explanation


def test_simple_forecast_on_a_plan(plan: Plan) -> None:
    assert queries.simple_forecast(plan, TODAY).months == ()  # five months of history only
    with plan.uow() as uow:
        for offset in range(-12, 0):
            month = m("2026-03") + offset
            uow.session.add(ActualSale(month=month, revenue_minor=100 * (1000 + month.month)))
        uow.commit()
    forecast = queries.simple_forecast(plan, TODAY)
    # Actuals end in July 2026, so the forecast starts in August, after growth of Apr-Jul
    # 2026 (1,100 + 900 + 0 + 1,050) against Apr-Jul 2025 (1,004 + 1,005 + 1,006 + 1,007).
    assert forecast.months[0].month == m("2026-08")
    assert (forecast.growth_from, forecast.growth_to) == (m("2026-04"), m("2026-07"))
    factor = D("3050") / D("4022")
    assert forecast.months[0].forecast == (D("1008") * factor).quantize(D("0.01"))
