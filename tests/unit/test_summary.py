"""plan_info: the counts behind ``smplanner info``, checked on a small plan built by hand."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

import pytest

from planner.db.models import (
    ActualSale,
    BusinessProfile,
    Channel,
    Deal,
    Offering,
    Segment,
    Stage,
    Target,
)
from planner.db.plan import HEAD_REVISION, Plan, PlanError, create_plan, open_plan
from planner.domain.periods import Month
from planner.queries.summary import PlanInfo, plan_info


def build_small_plan(path: Path) -> Plan:
    """3 offerings, 2 segments, 4 channels, 5 deals (3 open), sales in 3 months, targets in 2."""
    plan = create_plan(path, "Corner Bakery", currency="GBP", fiscal_start_month=4)
    with plan.uow() as uow:
        s = uow.session
        for name in ("Bread", "Cakes", "Catering"):
            s.add(Offering(name=name))
        for name in ("Families", "Offices"):
            s.add(Segment(name=name))
        for name in ("Shop window", "Instagram", "Referrals", "Flyers"):
            s.add(Channel(name=name))
        stages = {stage.name: stage.id for stage in s.query(Stage)}
        day = dt.date(2026, 3, 2)
        for customer, stage, status in (
            ("Ada", "Lead", "open"),
            ("Ben", "Proposal", "open"),
            ("Cy", "Negotiation", "open"),
            ("Di", "Won", "won"),
            ("Ed", "Lost", "lost"),
        ):
            s.add(Deal(customer=customer, stage_id=stages[stage], created_on=day, status=status))
        # Two rows in March (two offerings) count as one month of actuals.
        for month, revenue in (("2026-01", 100), ("2026-02", 200), ("2026-03", 300)):
            s.add(ActualSale(month=Month.parse(month), revenue_minor=revenue))
        s.add(ActualSale(month=Month(2026, 3), revenue_minor=50))
        for month in ("2026-04", "2026-04", "2026-05"):
            s.add(Target(month=Month.parse(month), revenue_minor=1000))
        uow.commit()
    return plan


def test_counts_of_a_small_plan(tmp_path: Path) -> None:
    plan = build_small_plan(tmp_path / "small.smplan")
    try:
        info = plan_info(plan)
    finally:
        plan.close()
    assert info == PlanInfo(
        business="Corner Bakery",
        currency="GBP",
        fiscal_start_month=4,
        schema_version=HEAD_REVISION,
        offerings=3,
        segments=2,
        channels=4,
        deals=5,
        open_deals=3,
        actual_months=3,
        targets_months=2,
        path=(tmp_path / "small.smplan").resolve(),
    )


def test_empty_plan_counts_zero_and_serialises(tmp_path: Path) -> None:
    plan = create_plan(tmp_path / "new.smplan", "Fresh Start")
    try:
        info = plan_info(plan)
    finally:
        plan.close()
    data = json.loads(json.dumps(info.as_dict()))
    assert data["business"] == "Fresh Start"
    assert data["schema_version"] == HEAD_REVISION
    assert [data[key] for key in ("offerings", "segments", "channels", "deals")] == [0, 0, 0, 0]
    assert data["actual_months"] == data["targets_months"] == 0
    assert data["path"] == str((tmp_path / "new.smplan").resolve())


def test_missing_profile_is_reported_as_damage(tmp_path: Path) -> None:
    plan = create_plan(tmp_path / "broken.smplan", "Gone")
    try:
        with plan.uow() as uow:
            uow.session.query(BusinessProfile).delete()
            uow.commit()
        with pytest.raises(PlanError, match=r"'broken\.smplan' is damaged"):
            plan_info(plan)
    finally:
        plan.close()


def test_fast_on_a_hundred_thousand_deals(tmp_path: Path) -> None:
    path = tmp_path / "large.smplan"
    create_plan(path, "Large").close()
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO deal (customer, title, amount_minor, stage_id, created_on, status, notes)"
            " VALUES ('C', '', 100, 1, '2026-01-05', ?, '')",
            (("open" if n % 4 else "won",) for n in range(100_000)),
        )
        conn.executemany(
            "INSERT INTO actual_sale (month, revenue_minor) VALUES (?, 1)",
            ((str(Month(2016, 1) + n % 120),) for n in range(12_000)),
        )
    conn.close()
    plan = open_plan(path)
    try:
        started = time.perf_counter()
        info = plan_info(plan)
        seconds = time.perf_counter() - started
    finally:
        plan.close()
    assert (info.deals, info.open_deals, info.actual_months) == (100_000, 75_000, 120)
    # COUNT queries take milliseconds here; loading the rows would take seconds.
    assert seconds < 1.0
