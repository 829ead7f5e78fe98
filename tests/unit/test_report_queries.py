"""The quarterly report's numbers, checked against the sample plan's raw rows (read with
sqlite3, not through the queries) and against a small pipeline built with the services."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from planner.db.models import LostReason, Stage
from planner.db.plan import Plan
from planner.domain.periods import FiscalQuarter, FiscalYear
from planner.queries.report import last_completed_quarter, quarter_report, report_quarters
from planner.queries.report_highlights import highlights, money_text
from planner.services.commands import execute
from planner.services.deals import DealFields, add_deal, lose_deal, move_deal, win_deal
from tests.conftest import SAMPLE_TODAY

Q3 = FiscalQuarter(FiscalYear(2026, 1), 3)  # the sample's last completed quarter: Jul-Sep 2026
MONTHS = ("2026-07", "2026-08", "2026-09")


def cents(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


def rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample plan's Q3 report, built once (the forecasts take a moment)."""
    from planner.db.plan import open_plan
    from planner.sample import write_sample

    path = tmp_path_factory.mktemp("report") / "sample.smplan"
    write_sample(path, today=SAMPLE_TODAY)
    with open_plan(path) as plan:
        report = quarter_report(plan, today=SAMPLE_TODAY)
    return path, report


def test_default_quarter_is_the_last_completed_one(sample_plan: Plan) -> None:
    assert last_completed_quarter(sample_plan, SAMPLE_TODAY) == Q3
    assert last_completed_quarter(sample_plan, dt.date(2026, 1, 5)) == FiscalQuarter(
        FiscalYear(2025, 1), 4
    )
    quarters = report_quarters(sample_plan, SAMPLE_TODAY)
    assert quarters[0] == FiscalQuarter(FiscalYear(2026, 1), 4)  # the current one, first
    assert quarters[1] == Q3
    assert quarters == sorted(quarters, reverse=True)


def test_revenue_months_match_the_stored_targets_and_actuals(sample: Any) -> None:
    path, report = sample
    assert report.quarter == Q3 and report.complete
    business_wide = "offering_id IS NULL AND segment_id IS NULL AND owner_id IS NULL"
    target = dict(rows(path, "SELECT month, SUM(revenue_minor) FROM target "
                       f"WHERE {business_wide} GROUP BY month"))  # fmt: skip
    actual = dict(rows(path, "SELECT month, SUM(revenue_minor) FROM actual_sale GROUP BY month"))
    assert [line.label for line in report.months] == ["Jul 2026", "Aug 2026", "Sep 2026"]
    for line, month in zip(report.months, MONTHS, strict=True):
        assert line.target == cents(target[month])
        assert line.actual == cents(actual[month])
        assert line.variance == cents(actual[month] - target[month])
        assert line.forecast is not None and line.forecast > 0
    q_target = sum(target[m] for m in MONTHS)
    q_actual = sum(actual[m] for m in MONTHS)
    assert report.total.target == cents(q_target)
    assert report.total.actual == cents(q_actual)
    expected_pct = (Decimal((q_actual - q_target) * 100) / q_target).quantize(Decimal("0.1"))
    assert report.total.variance_pct == expected_pct
    # The year to date runs to the end of the quarter: January to September.
    ytd_months = [f"2026-{m:02d}" for m in range(1, 10)]
    assert report.year_to_date.actual == cents(sum(actual[m] for m in ytd_months))
    assert report.year_to_date.target == cents(sum(target[m] for m in ytd_months))
    year = [f"2026-{m:02d}" for m in range(1, 13)]
    assert report.year_target == cents(sum(target[m] for m in year))
    assert report.year_outlook is not None and report.year_outlook > report.year_to_date.actual


def test_offerings_channels_and_closed_deals(sample: Any) -> None:
    path, report = sample
    sold = dict(rows(path, "SELECT o.name, SUM(a.revenue_minor) FROM actual_sale a JOIN offering o"
                     " ON o.id = a.offering_id WHERE a.month BETWEEN ? AND ? GROUP BY o.name",
                     *MONTHS[::2]))  # fmt: skip
    assert {o.name: o.actual for o in report.offerings} == {k: cents(v) for k, v in sold.items()}
    ((planned, spent, leads_plan, leads),) = rows(
        path, "SELECT SUM(planned_spend_minor), SUM(actual_spend_minor), SUM(planned_leads), "
        "SUM(actual_leads) FROM channel_month WHERE month BETWEEN ? AND ?", *MONTHS[::2],
    )  # fmt: skip
    total = report.channels[-1]
    assert total.is_total and total.name == "All channels"
    assert total.figures.planned_spend == cents(planned)
    assert total.figures.actual_spend == cents(spent)
    assert (total.figures.planned_leads, total.figures.actual_leads) == (leads_plan, leads)
    closed = {
        status: (n, cents(minor))
        for status, n, minor in rows(
            path, "SELECT status, COUNT(*), SUM(amount_minor) FROM deal WHERE closed_on BETWEEN "
            "'2026-07-01' AND '2026-09-30' GROUP BY status",
        )
    }  # fmt: skip
    assert (report.won_deals, report.won_amount) == closed["won"]
    assert (report.lost_deals, report.lost_amount) == closed["lost"]
    won, lost = closed["won"][0], closed["lost"][0]
    assert report.win_rate_pct == (Decimal(won * 100) / (won + lost)).quantize(Decimal("0.1"))
    counts = [r.deals for r in report.lost_reasons]
    assert counts == sorted(counts, reverse=True) and sum(counts) <= lost


def test_pipeline_at_quarter_end_counts_the_deals_open_that_day(sample: Any) -> None:
    path, report = sample
    assert report.pipeline_date == dt.date(2026, 9, 30)
    ((count, minor),) = rows(
        path, "SELECT COUNT(*), SUM(amount_minor) FROM deal WHERE created_on <= '2026-09-30' "
        "AND (closed_on IS NULL OR closed_on > '2026-09-30')",
    )  # fmt: skip
    assert report.pipeline_total.deals == count
    assert report.pipeline_total.amount == cents(minor)
    assert [s.stage for s in report.stages] == ["Lead", "Qualified", "Proposal", "Negotiation"]
    assert sum(s.deals for s in report.stages) == count


def test_next_quarter_forecast_and_highlights(sample: Any) -> None:
    path, report = sample
    assert str(report.next_quarter) == "2026-Q4"
    october, november, december = report.next_months
    ((oct_minor,),) = rows(path, "SELECT SUM(revenue_minor) FROM actual_sale WHERE month = ?",
                           "2026-10")  # fmt: skip
    # October is over on 23 November: it shows what was sold, the rest is forecast.
    assert october.is_actual and october.forecast == cents(oct_minor)
    for line in (november, december):
        assert line.low is not None and line.forecast is not None and line.high is not None
        assert not line.is_actual and line.low <= line.forecast <= line.high
    assert report.next_total.forecast == sum(m.forecast or 0 for m in report.next_months)
    assert 3 <= len(report.highlights) <= 5
    first = report.highlights[0]
    assert money_text(report.total.actual, "EUR") in first and "Q3 FY 2026" in first
    assert any(f"{report.won_deals} deals won" in h for h in report.highlights)


def test_highlights_are_worded_from_the_reports_numbers_alone(sample: Any) -> None:
    _path, report = sample
    assert highlights(report) == report.highlights  # no database needed to word them

    def forecast_said(forecast: str, target: str | None) -> str:
        ahead = replace(
            report.next_total, forecast=Decimal(forecast), low=Decimal(forecast) - 100,
            high=Decimal(forecast) + 100, target=None if target is None else Decimal(target),
            is_actual=False,
        )  # fmt: skip
        return highlights(replace(report, next_total=ahead))[-1]

    assert forecast_said("12345", "10000") == (
        "Q4 FY 2026 is forecast at about EUR 12,345 (likely EUR 12,245 to EUR 12,445), "
        "23% above its target of EUR 10,000."
    )
    assert forecast_said("9950", "10000").endswith(", 0.5% below its target of EUR 10,000.")
    assert forecast_said("10004", "10000").endswith(", right on its target of EUR 10,000.")
    assert forecast_said("9950", None).endswith("(likely EUR 9,850 to EUR 10,050).")


def _ids(plan: Plan) -> tuple[dict[str, int], int]:
    with plan.session() as s:
        stages = {name: i for i, name in s.execute(select(Stage.id, Stage.name))}
        reason = s.scalar(select(LostReason.id))
        assert reason is not None
        return stages, reason


def _run(plan: Plan, make: Any) -> int:
    with plan.uow() as uow:
        command = make(uow)
    execute(plan, command)
    return int(command.deal_id) if getattr(command, "deal_id", None) else 0


def test_pipeline_is_rebuilt_from_each_deals_history(empty_plan: Plan) -> None:
    plan = empty_plan
    stages, reason = _ids(plan)
    day = dt.date(2026, 8, 1)
    a = _run(plan, lambda uow: add_deal(uow, DealFields("A", amount=Decimal(1000)), today=day))
    b = _run(plan, lambda uow: add_deal(uow, DealFields("B", amount=Decimal(400)), today=day))
    _run(plan, lambda uow: move_deal(uow, a, stages["Proposal"], today=dt.date(2026, 9, 10)))
    _run(plan, lambda uow: win_deal(uow, a, today=dt.date(2026, 10, 5)))  # after the quarter
    _run(plan, lambda uow: lose_deal(uow, b, reason, today=dt.date(2026, 9, 20)))
    report = quarter_report(plan, Q3, today=SAMPLE_TODAY)
    by_stage = {s.stage: (s.deals, s.amount, s.weighted) for s in report.stages}
    # A was in Proposal (50%) on 30 September although it is won now; B was lost by then.
    assert by_stage["Proposal"] == (1, Decimal("1000.00"), Decimal("500.00"))
    assert by_stage["Lead"] == (0, Decimal("0.00"), Decimal("0.00"))
    assert (report.won_deals, report.lost_deals) == (0, 1)
    assert report.win_rate_pct == Decimal("0.0")
    assert report.lost_reasons[0].deals == 1 and report.lost_reasons[0].share_pct == 100


def test_an_empty_plan_still_reports_in_plain_words(empty_plan: Plan) -> None:
    report = quarter_report(empty_plan, today=SAMPLE_TODAY)
    assert report.total.actual is None and report.total.target == 0
    assert report.highlights[0].startswith("No actual sales are recorded for Q3 FY 2026")
    assert report.next_total.forecast is None  # no history to forecast from
    assert report.pipeline_total.deals == 0


def test_a_quarter_not_over_compares_only_its_complete_months(sample: Any) -> None:
    # Q4 2026 on 23 November: November's spend and leads so far are shown, but set against
    # budget and plan only October is (the month in progress is never a variance).
    from planner.db.plan import open_plan

    path, _ = sample
    q4 = FiscalQuarter(FiscalYear(2026, 1), 4)
    with open_plan(path) as plan:
        report = quarter_report(plan, q4, today=SAMPLE_TODAY)
    total = next(c for c in report.channels if c.is_total)
    [(spent, planned, leads, planned_leads)] = rows(
        path,
        "SELECT sum(actual_spend_minor), sum(planned_spend_minor), sum(actual_leads), "
        "sum(planned_leads) FROM channel_month WHERE month = '2026-10' "
        "AND actual_spend_minor IS NOT NULL",
    )
    [(spent_so_far,)] = rows(
        path,
        "SELECT sum(actual_spend_minor) FROM channel_month WHERE month IN ('2026-10', '2026-11')",
    )
    assert total.figures.actual_spend == cents(spent_so_far)  # what was spent, so far
    compared = total.variances
    assert compared.actual_spend == cents(spent)
    assert compared.spend_variance == cents(spent - planned)
    assert compared.actual_leads == leads and compared.planned_leads_compared == planned_leads
    sentence = next(h for h in report.highlights if h.startswith("Marketing cost"))
    assert f"brought {leads:,} leads against {planned_leads:,} planned" in sentence
