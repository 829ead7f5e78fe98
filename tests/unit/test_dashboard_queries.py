"""The Dashboard's figures against the sample plan's own records, summed here with plain SQL
(not through the queries under test), for today = 2026-11-23 (tests/conftest.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodRange
from planner.queries import pipeline_figures, revenue_forecast
from planner.queries.dashboard import marketing_view, pipeline_view, revenue_view
from tests.conftest import SAMPLE_TODAY

FY = FiscalYear(2026, 1)  # the sample plan's fiscal year runs with the calendar
Q4 = PeriodRange.quarter(FiscalQuarter(FY, 4))  # Oct (complete), Nov (in progress), Dec
CENT = Decimal("0.01")


@pytest.fixture
def db(sample_plan: Any) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(sample_plan.path)
    yield connection
    connection.close()


def money(minor: int | None) -> Decimal:
    return (Decimal(minor or 0) / 100).quantize(CENT)


def one(db: sqlite3.Connection, sql: str, *args: Any) -> Any:
    return db.execute(sql, args).fetchone()[0]


def target(db: sqlite3.Connection, month: str) -> Decimal:
    """The business-wide target (no offering, segment or rep): the sample has one a month."""
    return money(
        one(
            db,
            "SELECT sum(revenue_minor) FROM target WHERE month = ? AND offering_id IS NULL "
            "AND segment_id IS NULL AND owner_id IS NULL",
            month,
        )
    )


def actual(db: sqlite3.Connection, month: str) -> Decimal | None:
    minor = one(db, "SELECT sum(revenue_minor) FROM actual_sale WHERE month = ?", month)
    return None if minor is None else money(minor)


def test_quarter_revenue_month_by_month(sample_plan: Any, db: sqlite3.Connection) -> None:
    view = revenue_view(sample_plan, Q4, today=SAMPLE_TODAY)
    months = ["2026-10", "2026-11", "2026-12"]
    assert [str(m.month) for m in view.months] == months
    assert [m.target for m in view.months] == [target(db, m) for m in months]
    assert [m.actual for m in view.months] == [actual(db, m) for m in months]
    assert view.months[2].actual is None and view.months[1].actual is not None
    assert [(m.complete, m.current) for m in view.months] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    # Only October is over: the variance and attainment set it against its own target.
    october, october_target = actual(db, "2026-10"), target(db, "2026-10")
    assert october is not None
    assert view.through == Month(2026, 10)
    assert view.actual == october and view.compared_target == october_target
    assert view.variance == october - october_target
    assert view.attainment_pct == (october * 100 / october_target).quantize(Decimal("0.1"))
    assert view.target == sum(target(db, m) for m in months)
    assert view.recorded == october + (actual(db, "2026-11") or 0)
    # The forecast starts with the month in progress, with its range around it: the
    # Forecast tab's (twelve months ahead).
    fitted = revenue_forecast(sample_plan, horizon=12, today=SAMPLE_TODAY)
    assert view.forecast_from == Month(2026, 11)
    assert view.months[0].forecast is None
    assert [m.forecast for m in view.months[1:]] == list(fitted.mean[:2])
    assert [m.low for m in view.months[1:]] == list(fitted.lower[:2])
    assert [m.high for m in view.months[1:]] == list(fitted.upper[:2])
    assert all(m.low <= m.forecast <= m.high for m in view.months[1:])  # type: ignore[operator]
    outlook = october + sum(fitted.mean[:2])
    assert view.outlook == outlook
    assert view.outlook_pct == (outlook * 100 / view.target).quantize(Decimal("0.1"))
    # Cumulative from the quarter's first month; actual only over complete months.
    assert [m.cumulative_target for m in view.months] == [
        target(db, "2026-10"),
        target(db, "2026-10") + target(db, "2026-11"),
        view.target,
    ]
    assert [m.cumulative_actual for m in view.months] == [october, None, None]
    assert [m.cumulative_outlook for m in view.months] == [
        None,
        october + fitted.mean[0],
        outlook,
    ]
    assert view.still_needed == view.target - view.recorded


def test_year_revenue_compares_complete_months(sample_plan: Any, db: sqlite3.Connection) -> None:
    view = revenue_view(sample_plan, PeriodRange.year(FY), today=SAMPLE_TODAY)
    done = [f"2026-{m:02d}" for m in range(1, 11)]
    done_actual = sum((actual(db, m) or Decimal(0) for m in done), Decimal(0))
    done_target = sum((target(db, m) for m in done), Decimal(0))
    assert len(view.months) == 12 and view.through == Month(2026, 10)
    assert view.actual == done_actual and view.compared_target == done_target
    assert view.variance == done_actual - done_target
    assert view.variance_pct == ((done_actual - done_target) * 100 / done_target).quantize(
        Decimal("0.1")
    )
    assert view.months[9].cumulative_actual == done_actual
    assert view.months[11].cumulative_target == view.target


def test_a_past_quarter_has_no_forecast(sample_plan: Any, db: sqlite3.Connection) -> None:
    q1 = PeriodRange.quarter(FiscalQuarter(FiscalYear(2025, 1), 1))
    view = revenue_view(sample_plan, q1, today=SAMPLE_TODAY)
    months = ["2025-01", "2025-02", "2025-03"]
    whole = sum(actual(db, m) or Decimal(0) for m in months)
    assert view.forecast_from is None and all(m.forecast is None for m in view.months)
    assert view.outlook == whole == view.actual
    assert "over" in view.forecast_note
    pipeline = pipeline_view(sample_plan, q1, today=SAMPLE_TODAY)
    assert pipeline.expected_in_period is None


def test_marketing_by_channel_and_month(sample_plan: Any, db: sqlite3.Connection) -> None:
    view = marketing_view(sample_plan, Q4, today=SAMPLE_TODAY)
    in_q4 = "month BETWEEN '2026-10' AND '2026-12'"
    expected = {
        name: (money(budget), None if spent is None else money(spent))
        for name, budget, spent in db.execute(
            "SELECT c.name, sum(cm.planned_spend_minor), sum(cm.actual_spend_minor) "
            f"FROM channel_month cm JOIN channel c ON c.id = cm.channel_id WHERE {in_q4} "
            "GROUP BY c.id"
        )
    }
    assert {c.name: (c.budget, c.actual) for c in view.channels} == expected
    leads = db.execute(
        f"SELECT month, sum(planned_leads), sum(actual_leads) FROM channel_month WHERE {in_q4} "
        "GROUP BY month ORDER BY month"
    ).fetchall()
    assert [(str(m.month), m.planned, m.actual) for m in view.leads] == leads
    spend = money(one(db, f"SELECT sum(actual_spend_minor) FROM channel_month WHERE {in_q4}"))
    got_leads = one(db, f"SELECT sum(actual_leads) FROM channel_month WHERE {in_q4}")
    won, won_minor = db.execute(
        "SELECT count(*), sum(amount_minor) FROM deal WHERE status = 'won' AND channel_id IS "
        "NOT NULL AND closed_on BETWEEN '2026-10-01' AND '2026-12-31'"
    ).fetchone()
    figures = view.figures
    assert figures.actual_spend == spend
    assert figures.cost_per_lead_actual == (spend / got_leads).quantize(CENT)
    assert won > 0
    assert figures.cost_per_customer == (spend / won).quantize(CENT)
    assert figures.return_on_spend == money(won_minor) / spend
    # A year earlier: October and November 2025, the months this quarter has begun.
    before = view.year_earlier
    assert before is not None
    spend_before = money(
        one(
            db,
            "SELECT sum(actual_spend_minor) FROM channel_month "
            "WHERE month BETWEEN '2025-10' AND '2025-11'",
        )
    )
    assert before.actual_spend == spend_before
    planned = money(one(db, f"SELECT sum(planned_spend_minor) FROM channel_month WHERE {in_q4}"))
    planned_leads = one(db, f"SELECT sum(planned_leads) FROM channel_month WHERE {in_q4}")
    plan_cpl = (planned / planned_leads).quantize(CENT)
    assert figures.cost_per_lead_actual is not None
    assert view.cost_per_lead_change_pct == (
        (figures.cost_per_lead_actual - plan_cpl) * 100 / plan_cpl
    ).quantize(Decimal("0.1"))


def test_marketing_compares_the_complete_months_only(
    sample_plan: Any, db: sqlite3.Connection
) -> None:
    """November is in progress: its spend and leads so far are kept apart, never set
    against its whole month's budget and plan; October alone is compared in Q4."""
    view = marketing_view(sample_plan, Q4, today=SAMPLE_TODAY)
    assert view.complete == (Month(2026, 10),) and view.in_progress == Month(2026, 11)
    per_channel = {
        name: (money(budget), None if spent is None else money(spent))
        for name, budget, spent in db.execute(
            "SELECT c.name, sum(cm.planned_spend_minor), sum(cm.actual_spend_minor) "
            "FROM channel_month cm JOIN channel c ON c.id = cm.channel_id "
            "WHERE cm.month = '2026-10' GROUP BY c.id"
        )
    }
    assert {c.name: (c.complete_budget, c.complete_actual) for c in view.channels} == per_channel

    def sums(month: str) -> tuple[Decimal, Decimal, int, int]:
        planned, spent, leads_planned, leads = db.execute(
            "SELECT sum(planned_spend_minor), sum(actual_spend_minor), sum(planned_leads), "
            "sum(actual_leads) FROM channel_month WHERE month = ?",
            (month,),
        ).fetchone()
        return money(planned), money(spent), leads_planned, leads

    planned, spent, leads_planned, leads = sums("2026-10")
    compared = view.compared
    assert (compared.planned_spend, compared.actual_spend) == (planned, spent)
    assert compared.spend_variance == spent - planned
    assert (compared.planned_leads_compared, compared.actual_leads) == (leads_planned, leads)
    planned, spent, leads_planned, leads = sums("2026-11")
    assert view.so_far is not None
    assert (view.so_far.planned_spend, view.so_far.actual_spend) == (planned, spent)
    assert spent < planned  # set against its budget it would read as an underspend
    assert (view.so_far.planned_leads, view.so_far.actual_leads) == (leads_planned, leads)
    # The whole period's figures still hold everything recorded, November so far included.
    assert compared.actual_spend is not None
    assert view.figures.actual_spend == compared.actual_spend + spent


def test_marketing_of_a_past_or_unstarted_period(sample_plan: Any) -> None:
    q3 = PeriodRange.quarter(FiscalQuarter(FY, 3))
    past = marketing_view(sample_plan, q3, today=SAMPLE_TODAY)
    assert past.complete == tuple(q3.months) and past.in_progress is None
    assert past.so_far is None and past.compared == past.figures
    assert all(c.complete_budget == c.budget for c in past.channels)
    # On 5 October nothing of Q4 is over: nothing is compared, October is so far.
    early = marketing_view(sample_plan, Q4, today=SAMPLE_TODAY.replace(month=10, day=5))
    assert early.complete == () and early.in_progress == Month(2026, 10)
    assert early.compared.actual_spend is None and early.compared.planned_spend == 0
    assert early.so_far is not None and early.so_far.actual_spend is not None


def test_pipeline_funnel_and_win_rate(sample_plan: Any, db: sqlite3.Connection) -> None:
    view = pipeline_view(sample_plan, Q4, today=SAMPLE_TODAY)
    stages = db.execute(
        "SELECT s.name, count(d.id), coalesce(sum(d.amount_minor), 0) FROM stage s "
        "LEFT JOIN deal d ON d.stage_id = s.id AND d.status = 'open' "
        "WHERE NOT s.is_won AND NOT s.is_lost GROUP BY s.id ORDER BY s.position"
    ).fetchall()
    assert [(f.name, f.deals, f.amount) for f in view.funnel[:-1]] == [
        (name, n, money(minor)) for name, n, minor in stages
    ]
    q4_closed = "closed_on BETWEEN '2026-10-01' AND '2026-12-31'"
    won, won_minor = db.execute(
        f"SELECT count(*), sum(amount_minor) FROM deal WHERE status = 'won' AND {q4_closed}"
    ).fetchone()
    lost = one(db, f"SELECT count(*) FROM deal WHERE status = 'lost' AND {q4_closed}")
    last = view.funnel[-1]
    assert last.won and (last.deals, last.amount) == (won, money(won_minor))
    assert (view.win_rate.won, view.win_rate.lost) == (won, lost)
    assert view.win_rate.rate_pct == (Decimal(won * 100) / (won + lost)).quantize(Decimal("0.1"))
    before_won = one(
        db,
        "SELECT count(*) FROM deal WHERE status = 'won' "
        "AND closed_on BETWEEN '2025-10-01' AND '2025-11-30'",
    )
    assert view.win_rate_year_earlier is not None
    assert view.win_rate_year_earlier.won == before_won
    # Weighted: amount x (own probability, else the stage's), over the open deals.
    rows = db.execute(
        "SELECT d.amount_minor, coalesce(d.probability, s.probability), d.expected_close "
        "FROM deal d JOIN stage s ON s.id = d.stage_id WHERE d.status = 'open'"
    ).fetchall()
    assert view.open_deals == len(rows) == sum(n for _name, n, _m in stages)
    weighted = sum(Decimal(a * p) / 10000 for a, p, _c in rows)
    assert abs(view.weighted_open - weighted) <= Decimal("0.01") * len(rows)
    # Rounded per deal as the Pipeline tab does, so the two agree to the cent.
    assert view.weighted_open == pipeline_figures(sample_plan, FY, today=SAMPLE_TODAY).weighted_open
    assert view.weighted_open == sum(f.weighted for f in view.funnel[:-1])
    assert view.open_amount == sum(f.amount for f in view.funnel[:-1])
    # Expected to close by the end of December (overdue deals can still close now).
    due = sum(Decimal(a * p) / 10000 for a, p, c in rows if c is not None and c <= "2026-12-31")
    assert view.expected_in_period is not None
    assert abs(view.expected_in_period - due) <= CENT


def test_reusing_the_deal_reads_gives_the_same_view(sample_plan: Any) -> None:
    first = marketing_view(sample_plan, Q4, today=SAMPLE_TODAY)
    again = marketing_view(sample_plan, Q4, today=SAMPLE_TODAY, reuse=first)
    assert again == first
    other_year = PeriodRange.year(FiscalYear(2025, 1))
    fresh = marketing_view(sample_plan, other_year, today=SAMPLE_TODAY)
    assert marketing_view(sample_plan, other_year, today=SAMPLE_TODAY, reuse=first) == fresh


def test_an_empty_plan_gives_no_made_up_figures(empty_plan: Any) -> None:
    period = PeriodRange.year(FY)
    revenue = revenue_view(empty_plan, period, today=SAMPLE_TODAY)
    assert revenue.through is None and revenue.attainment_pct is None
    assert revenue.variance is None and revenue.outlook is None
    assert all(m.forecast is None for m in revenue.months)
    marketing = marketing_view(empty_plan, period, today=SAMPLE_TODAY)
    assert marketing.channels == ()
    assert marketing.figures.cost_per_lead_actual is None
    assert marketing.cost_per_lead_change_pct is None
    pipeline = pipeline_view(empty_plan, period, today=SAMPLE_TODAY)
    assert pipeline.win_rate.rate_pct is None and pipeline.win_rate_change is None
    assert pipeline.funnel[-1].won and all(f.deals == 0 for f in pipeline.funnel)
    assert pipeline.weighted_open == 0
