"""Killing the app (SIGKILL) during a large import leaves all of it or none of it.

A driver process imports a few thousand actual-sales lines, or a few thousand deals, into
a copy of a plan and prints "progress" before every SQL statement of the import; the test
kills it after a random number of them (sometimes before the first, sometimes after the
commit), then reopens the file: it must pass ``PRAGMA integrity_check`` and hold either
the whole import (batch, every line key, every sum, every deal) or nothing of it.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import Driver, reopen_checked
from sqlalchemy import func, select

from planner.db.models import ActualSale, Deal, DealEvent, ImportBatch, ImportedLine, SalesRep
from planner.db.plan import Plan, create_plan

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX"),
    pytest.mark.slow,
]

SEED = 9
ACTUALS_KILLS = 8
DEALS_KILLS = 6  # each deals import takes about a second
ACTUAL_LINES = 3_000
DEALS = 2_000
OWNERS = ("Anna Berg", "Ben Ortiz", "Carla Diaz", "Dan Fox")


@pytest.fixture
def driver() -> Iterator[Driver]:
    started = Driver()
    yield started
    started.close()


@pytest.fixture
def base_plan(tmp_path: Path) -> Path:
    path = tmp_path / "base.smplan"
    create_plan(path, "Crash Test Bakery").close()
    return path


def write_actuals(path: Path, rng: random.Random) -> dict[str, int]:
    """A shop export of ``ACTUAL_LINES`` sales in 2025; returns revenue (cents) per month."""
    lines = ["Date,Product,Quantity,Amount"]
    per_month: dict[str, int] = {}
    for n in range(ACTUAL_LINES):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
        cents = rng.randint(100, 500_000)
        lines.append(
            f"{day.isoformat()},Item {n % 37},{1 + n % 3},{cents // 100}.{cents % 100:02d}"
        )
        key = f"{day.year}-{day.month:02d}"
        per_month[key] = per_month.get(key, 0) + cents
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return per_month


def write_deals(path: Path, rng: random.Random) -> int:
    """A HubSpot export of ``DEALS`` deals; returns their total amount in cents."""
    lines = [
        "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Closed Lost Reason,"
        "Create Date,Pipeline,Associated Company"
    ]
    total = 0
    for n in range(DEALS):
        stage = rng.choice(("appointmentscheduled", "closedwon", "closedlost"))
        reason = f"Reason {n % 5}" if stage == "closedlost" else ""
        amount = rng.randint(1, 90_000)
        total += amount * 100
        made = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
        lines.append(
            f"{5000 + n},Deal {n},{stage},{made + dt.timedelta(days=40)},{OWNERS[n % 4]},"
            f"{amount},{reason},{made},Sales Pipeline,Company {n}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total


def _count(plan: Plan, model: type) -> int:
    with plan.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _kill_during(driver: Driver, kind: str, plan: Path, file: Path, after: int) -> bool:
    """Run an import and kill it after ``after`` progress lines; True if it said it was done."""
    pid = driver.send(kind, str(plan), str(file))
    seen, done = 0, False
    while seen < after and not done:
        line = driver.line()
        if line == "imported":
            done = True
        elif line.startswith("ended "):
            raise AssertionError("the import ended before it was killed")
        else:
            assert line == "progress", line
            seen += 1
    driver.kill(pid)
    rest = driver.until_ended()  # always read up to "ended": the next command starts clean
    return done or "imported" in rest


def _statements(driver: Driver, kind: str, base: Path, file: Path, work: Path) -> int:
    """How many statements a whole import runs (measured once, without a kill)."""
    plan = work / f"measure-{kind}.smplan"
    shutil.copyfile(base, plan)
    pid = driver.send(kind, str(plan), str(file))
    assert pid > 0
    lines = driver.until_ended()
    assert lines[-1] == "imported", lines[-3:]
    return lines.count("progress")


def test_kills_during_actuals_import_leave_all_or_nothing(
    tmp_path: Path, base_plan: Path, driver: Driver
) -> None:
    rng = random.Random(SEED)
    file = tmp_path / "shop-export.csv"
    per_month = write_actuals(file, rng)
    total = _statements(driver, "actuals", base_plan, file, tmp_path)
    outcomes = set()
    for n in range(ACTUALS_KILLS):
        plan_path = tmp_path / f"actuals-{n}.smplan"
        shutil.copyfile(base_plan, plan_path)
        # From "killed before the first statement" to "killed after the commit".
        after = [0, total + 1][n] if n < 2 else rng.randint(1, total)
        confirmed = _kill_during(driver, "actuals", plan_path, file, after)
        plan = reopen_checked(plan_path)
        try:
            batches = _count(plan, ImportBatch)
            with plan.session() as session:
                sums = {
                    str(month): revenue
                    for month, revenue in session.execute(
                        select(ActualSale.month, func.sum(ActualSale.revenue_minor)).group_by(
                            ActualSale.month
                        )
                    )
                }
            if batches:
                assert batches == 1
                assert _count(plan, ImportedLine) == ACTUAL_LINES
                assert sums == per_month
                outcomes.add("all")
            else:
                assert not confirmed, "a confirmed import is missing"
                assert _count(plan, ImportedLine) == 0
                assert sums == {}
                outcomes.add("nothing")
        finally:
            plan.close()
    assert outcomes == {"all", "nothing"}


def test_kills_during_deals_import_leave_all_or_nothing(
    tmp_path: Path, base_plan: Path, driver: Driver
) -> None:
    rng = random.Random(SEED + 1)
    file = tmp_path / "hubspot-deals.csv"
    amount = write_deals(file, rng)
    total = _statements(driver, "deals", base_plan, file, tmp_path)
    with Plan(base_plan) as base:
        reps_before = _count(base, SalesRep)
    outcomes = set()
    for n in range(DEALS_KILLS):
        plan_path = tmp_path / f"deals-{n}.smplan"
        shutil.copyfile(base_plan, plan_path)
        after = [0, total + 1][n] if n < 2 else rng.randint(1, total)
        confirmed = _kill_during(driver, "deals", plan_path, file, after)
        plan = reopen_checked(plan_path)
        try:
            with plan.session() as session:
                deals = session.scalar(select(func.count()).select_from(Deal))
                stored = session.scalar(select(func.sum(Deal.amount_minor)))
            if _count(plan, ImportBatch):
                assert deals == DEALS
                assert stored == amount
                assert _count(plan, DealEvent) >= DEALS
                assert _count(plan, SalesRep) == reps_before + len(OWNERS)
                outcomes.add("all")
            else:
                assert not confirmed, "a confirmed import is missing"
                assert deals == 0
                assert _count(plan, DealEvent) == 0
                assert _count(plan, SalesRep) == reps_before
                outcomes.add("nothing")
        finally:
            plan.close()
    assert outcomes == {"all", "nothing"}
