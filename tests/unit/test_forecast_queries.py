"""The Forecast tab's queries on small hand-built plans, checked against sums done by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from planner.db.models import ActualSale, Deal, Offering, Stage, Target
from planner.db.plan import Plan
from planner.domain.periods import Month
from planner.queries.forecast import (
    ForecastInputError,
    close_the_gap,
    offering_id_by_name,
    revenue_forecast,
)
from planner.queries.pipeline_forecast import forecast_outlook, pipeline_forecast

TODAY = dt.date(2026, 11, 23)  # November 2026 is in progress: October is the last full month


def _line_plan(plan: Plan) -> int:
    """Actual revenue 1,000, 1,100, ..., 3,300 for Nov 2024 to Oct 2026 (a straight line,
    +100 a month), plus a November 2026 sale that must not count (the month is not over),
    and a target of 4,000 for December 2026. Returns the offering's id."""
    with plan.uow() as uow:
        offering = Offering(name="Bread")
        uow.session.add(offering)
        uow.session.flush()
        for i in range(24):
            uow.session.add(
                ActualSale(month=Month(2024, 11) + i, offering_id=offering.id,
                           revenue_minor=(1000 + 100 * i) * 100)
            )  # fmt: skip
        uow.session.add(ActualSale(month=Month(2026, 11), revenue_minor=50 * 100))
        uow.session.add(Target(month=Month(2026, 12), revenue_minor=4000 * 100))
        uow.commit()
        return offering.id


def test_linear_trend_continues_a_straight_line(empty_plan: Plan) -> None:
    _line_plan(empty_plan)
    result = revenue_forecast(empty_plan, horizon=3, method="linear trend", today=TODAY)
    assert result.months == (Month(2026, 11), Month(2026, 12), Month(2027, 1))
    assert len(result.history) == 24
    assert result.history[0] == Decimal("1000.00") and result.history[-1] == Decimal("3300.00")
    # The line goes on: 3,400, 3,500, 3,600 (to the cent, give or take rounding).
    for got, want in zip(result.mean, (3400, 3500, 3600), strict=True):
        assert abs(got - want) <= Decimal("0.05")
    assert all(
        lo <= m <= hi for lo, m, hi in zip(result.lower, result.mean, result.upper, strict=True)
    )
    assert result.targets == (None, Decimal("4000.00"), None)
    assert result.method == "linear trend"
    assert result.sentence.startswith("Method used: linear trend.")


def test_auto_says_what_it_did(empty_plan: Plan) -> None:
    _line_plan(empty_plan)
    result = revenue_forecast(empty_plan, horizon=2, today=TODAY)
    assert result.requested == "auto"
    # 24 months of history: the last 12 of them can be forecast from the 12 before, whatever
    # the horizon shown, and the sentence gives that forecast's error.
    import numpy as np

    from planner.forecasting import forecast
    from planner.forecasting.select import smape

    line = [1000.0 + 100 * i for i in range(24)]
    year_ago = forecast(line[:12], 12).mean
    expected = smape(np.array(line[12:]), np.array(year_ago))
    assert f"Over the last 12 months this method would have been off by {expected:.0f}% " in (
        result.sentence
    )
    assert result.sentence.endswith("(forecast from the month before them).")


def test_one_offering_and_unknown_names(empty_plan: Plan) -> None:
    bread = _line_plan(empty_plan)
    assert offering_id_by_name(empty_plan, " bread ") == bread
    with pytest.raises(ForecastInputError, match=r"no offering called 'Cake'.*Bread"):
        offering_id_by_name(empty_plan, "Cake")
    with pytest.raises(ForecastInputError, match="'magic' is not a forecasting method"):
        revenue_forecast(empty_plan, method="magic", today=TODAY)
    result = revenue_forecast(empty_plan, offering_id=bread, horizon=1, method="naive", today=TODAY)
    assert result.offering == "Bread"
    assert result.mean == (Decimal("3300.00"),)  # naive: the last month again


def test_empty_plan_forecasts_nothing_without_failing(empty_plan: Plan) -> None:
    result = revenue_forecast(empty_plan, horizon=4, today=TODAY)
    assert result.history == ()
    assert len(result.mean) == 4
    assert result.sentence.startswith("There is no actual revenue of a complete month yet")


def _add_deals(plan: Plan) -> None:
    """Open deals by hand: Nov (overdue Sep deal counts now), Dec, Feb, after the horizon,
    one without a date, plus a won deal that must not count."""
    with plan.uow() as uow:
        stages = list(uow.session.scalars(select(Stage).order_by(Stage.position)))
        open_stage = next(s for s in stages if not s.is_won and not s.is_lost)
        won_stage = next(s for s in stages if s.is_won)
        open_stage.probability = 20
        deals = [
            (1000, 50, dt.date(2026, 9, 10), "open", open_stage),  # overdue -> Nov: 500
            (2000, None, dt.date(2026, 11, 30), "open", open_stage),  # stage 20% -> Nov: 400
            (3000, 10, dt.date(2026, 12, 1), "open", open_stage),  # Dec: 300
            (500, 100, dt.date(2027, 2, 28), "open", open_stage),  # Feb: 500
            (4000, 25, dt.date(2027, 6, 1), "open", open_stage),  # after 4 months: 1,000
            (9000, 90, None, "open", open_stage),  # no close date: left out
            (7000, None, dt.date(2026, 12, 5), "won", won_stage),  # closed: left out
        ]
        for amount, probability, close, status, stage in deals:
            uow.session.add(
                Deal(customer="C", amount_minor=amount * 100, probability=probability,
                     stage_id=stage.id, created_on=dt.date(2026, 1, 1), expected_close=close,
                     status=status)
            )  # fmt: skip
        uow.commit()


def test_pipeline_forecast_sums_by_close_month(empty_plan: Plan) -> None:
    _add_deals(empty_plan)
    result = pipeline_forecast(empty_plan, horizon=4, today=TODAY)
    assert result.months == (Month(2026, 11), Month(2026, 12), Month(2027, 1), Month(2027, 2))
    assert result.weighted == (
        Decimal("900.00"), Decimal("300.00"), Decimal("0.00"), Decimal("500.00")
    )  # fmt: skip
    assert result.deals == (2, 1, 0, 1)
    assert result.later == Decimal("1000.00")
    assert result.undated == 1
    assert result.total == Decimal("1700.00")
    # Win rates 20% higher: 50->60, 20->24, 10->12, 100 stays 100 (capped).
    better = pipeline_forecast(empty_plan, horizon=4, today=TODAY, win_rate_change=20)
    assert better.weighted == (
        Decimal("1080.00"), Decimal("360.00"), Decimal("0.00"), Decimal("500.00")
    )  # fmt: skip


def test_close_the_gap_by_hand() -> None:
    # 10,000 short; a deal averages 2,000 and half are won: each new deal brings 1,000 -> 10.
    # 1 won deal per 40 leads: each lead brings 50 -> 200 leads at 12.50 = 2,500.
    plan = close_the_gap(
        Decimal("10000"), average_won=Decimal("2000"), win_rate_pct=Decimal("50"),
        won_per_lead=Decimal("0.025"), cost_per_lead=Decimal("12.50"),
    )  # fmt: skip
    assert (plan.deals, plan.leads, plan.leads_cost) == (10, 200, Decimal("2500.00"))
    # 10,001 short needs one more of each (rounded up).
    plan = close_the_gap(
        Decimal("10001"), average_won=Decimal("2000"), win_rate_pct=Decimal("50"),
        won_per_lead=Decimal("0.025"), cost_per_lead=None,
    )  # fmt: skip
    assert (plan.deals, plan.leads, plan.leads_cost) == (11, 201, None)
    ahead = close_the_gap(
        Decimal("-5"), average_won=Decimal("2000"), win_rate_pct=Decimal("50"),
        won_per_lead=Decimal("0.025"), cost_per_lead=Decimal("1"),
    )  # fmt: skip
    assert (ahead.deals, ahead.leads) == (None, None)
    unknown = close_the_gap(
        Decimal("100"), average_won=None, win_rate_pct=None, won_per_lead=None,
        cost_per_lead=None,
    )  # fmt: skip
    assert (unknown.deals, unknown.leads) == (None, None)


def test_outlook_gaps_quarters_and_scenarios(empty_plan: Plan) -> None:
    _line_plan(empty_plan)
    _add_deals(empty_plan)
    outlook = forecast_outlook(
        empty_plan, horizon=4, method="linear trend", scenario="win rate",
        win_rate_change=20, today=TODAY,
    )  # fmt: skip
    rows = {r.label: r for r in outlook.months}
    assert rows["Dec 2026"].target == Decimal("4000.00")
    december_gap = rows["Dec 2026"].gap
    assert december_gap is not None
    assert abs(december_gap - Decimal("500")) <= Decimal("0.05")  # 4,000 - 3,500
    assert rows["Nov 2026"].pipeline == Decimal("900.00") and rows["Nov 2026"].gap is None
    # Q4 (Oct-Dec 2026, calendar fiscal year): Oct actual 3,300 + Nov 3,400 + Dec 3,500.
    (q4,) = outlook.quarters
    assert q4.label == "Q4 FY 2026"
    assert abs(q4.forecast - Decimal("10200")) <= Decimal("0.1")
    assert q4.target == Decimal("4000.00")
    # Scenarios: likely is the forecast; worse/better move by the pipeline's change
    # (Nov: 900 -> 720 / 1,080, so -180 / +180).
    assert outlook.likely == outlook.revenue.mean
    assert outlook.better[0] - outlook.likely[0] == Decimal("180.00")
    assert outlook.likely[0] - outlook.worse[0] == Decimal("180.00")
    interval = forecast_outlook(empty_plan, horizon=4, method="linear trend", today=TODAY)
    assert interval.worse == interval.revenue.lower
    assert interval.better == interval.revenue.upper
    # The only target month (Dec) is 500 short; no deals were won or lost yet besides one
    # won deal of 7,000 and no losses: win rate 100%, so 500 / 7,000 -> 1 more deal.
    assert interval.gap_plan.deals == 1
