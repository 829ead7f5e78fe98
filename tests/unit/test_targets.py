"""Targets: spreading a yearly figure, breakdowns that add up, attainment and outlook, locks,
and every command applied, reverted and applied again with the database checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from planner.db.models import ActualSale, BusinessProfile, Offering, Segment, Target
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import Breakdown, BreakdownRowKind, PeriodLevel, target_overview
from planner.services.commands import Command, execute, undo
from planner.services.errors import ValidationError
from planner.services.targets import (
    Part,
    SpreadMethod,
    is_locked,
    lock_months,
    set_month_target,
    set_month_units,
    set_part_target,
    set_yearly_target,
)

FY = FiscalYear(2026, 1)
TODAY = dt.date(2026, 4, 15)  # Jan-Mar complete, April in progress


def stored(plan: Plan) -> dict[tuple[str, Any], tuple[int, int | None]]:
    """Every target record as {(month, offering): (revenue_minor, units)}."""
    with plan.session() as session:
        rows = session.execute(
            select(Target.month, Target.offering_id, Target.revenue_minor, Target.units)
        )
        return {(str(m), o): (r, u) for m, o, r, u in rows}


def build(plan: Plan, make: Any) -> Command:
    with plan.uow() as uow:
        command: Command = make(uow)
    return command


def check_apply_revert_apply(plan: Plan, command: Command, expected: dict[Any, Any]) -> None:
    before = stored(plan)
    execute(plan, command)
    assert stored(plan) == expected
    undo(plan, command)
    assert stored(plan) == before
    execute(plan, command)
    assert stored(plan) == expected


def add(plan: Plan, *rows: Any) -> list[int]:
    with plan.uow() as uow:
        uow.session.add_all(rows)
        uow.session.flush()
        ids = [row.id for row in rows]
        uow.commit()
    return ids


@pytest.fixture
def plan(empty_plan: Plan) -> Plan:
    return empty_plan


def test_set_month_target_and_units(plan: Plan) -> None:
    cmd = build(plan, lambda uow: set_month_target(uow, Month(2026, 3), Decimal("1200")))
    check_apply_revert_apply(plan, cmd, {("2026-03", None): (120000, None)})
    cmd = build(plan, lambda uow: set_month_units(uow, Month(2026, 3), 40))
    check_apply_revert_apply(plan, cmd, {("2026-03", None): (120000, 40)})
    cmd = build(plan, lambda uow: set_month_target(uow, Month(2026, 3), None))
    assert cmd.label == "Change revenue target for Mar 2026"
    check_apply_revert_apply(plan, cmd, {("2026-03", None): (0, 40)})  # units stay
    with plan.uow() as uow, pytest.raises(ValidationError, match="negative"):
        set_month_target(uow, Month(2026, 3), Decimal("-5"))


def test_yearly_target_spread_evenly_in_whole_units(plan: Plan) -> None:
    # 10,000.00 over 12 months: 833.33 each exactly -> whole euros 834 x4 then 833 x8.
    cmd = build(plan, lambda uow: set_yearly_target(uow, FY, Decimal("10000"), SpreadMethod.EVENLY))
    expected = {
        (str(m), None): ((834_00 if i < 4 else 833_00), None) for i, m in enumerate(FY.months)
    }
    assert sum(v[0] for v in expected.values()) == 10000_00
    check_apply_revert_apply(plan, cmd, expected)


def test_yearly_target_spread_like_last_years_actuals(plan: Plan) -> None:
    # Last year: 100 in each of Jan-Jun, 300 in each of Jul-Dec (total 2,400): Jul-Dec
    # carry 3/4 of the year. 4,800 -> 200 a month, then 600 a month.
    add(plan, *[
        ActualSale(month=m, revenue_minor=(100_00 if m.month <= 6 else 300_00))
        for m in (FY + -1).months
    ])  # fmt: skip
    cmd = build(
        plan,
        lambda uow: set_yearly_target(
            uow, FY, Decimal("4800"), SpreadMethod.LAST_YEAR, today=TODAY
        ),
    )
    expected = {(str(m), None): ((200_00 if m.month <= 6 else 600_00), None) for m in FY.months}
    check_apply_revert_apply(plan, cmd, expected)


def test_last_years_shape_takes_unfinished_months_from_the_year_before(plan: Plan) -> None:
    # Planning FY 2027 on 15 April 2026: FY 2026 has Jan-Mar (300 each) and April so far (5);
    # April-December come from FY 2025 (100 each). Shape 300 x3 + 100 x9 = 1,800.
    add(plan, *[ActualSale(month=m, revenue_minor=100_00) for m in (FY + -1).months])
    add(plan, *[ActualSale(month=Month(2026, i), revenue_minor=300_00) for i in (1, 2, 3)])
    add(plan, ActualSale(month=Month(2026, 4), revenue_minor=5_00))
    with plan.uow() as uow:
        cmd = set_yearly_target(uow, FY + 1, Decimal(3600), SpreadMethod.LAST_YEAR, today=TODAY)
    execute(plan, cmd)
    months = target_overview(plan, FY + 1, today=TODAY).lines[:12]
    assert [line.target for line in months] == [Decimal(600)] * 3 + [Decimal(200)] * 9
    with plan.uow() as uow, pytest.raises(ValidationError, match="no actual revenue"):
        set_yearly_target(uow, FY + 3, Decimal(100), SpreadMethod.LAST_YEAR, today=TODAY)


def test_keep_shape_and_locked_months_keep_their_targets(plan: Plan) -> None:
    add(plan, *[Target(month=m, revenue_minor=100_00) for m in FY.months])
    add(plan, Target(month=Month(2026, 12), revenue_minor=100_00))  # Dec: 200 in two rows
    execute(plan, build(plan, lambda uow: lock_months(uow, Month(2026, 2))))
    # Jan, Feb locked at 100 each; 2,500 - 200 = 2,300 over Mar..Dec shaped 1 x9 and 2:
    # 2,300 / 11 = 209.09 a share: Mar..Nov 209 (remainder .09), Dec 418.18 (remainder .18);
    # 9 x 209 + 418 = 2,299, and the one euro left goes to the largest remainder, December.
    cmd = build(
        plan, lambda uow: set_yearly_target(uow, FY, Decimal("2500"), SpreadMethod.KEEP_SHAPE)
    )
    execute(plan, cmd)
    months = target_overview(plan, FY, today=TODAY).lines[:12]
    assert [line.target for line in months] == [Decimal(v) for v in (
        100, 100, 209, 209, 209, 209, 209, 209, 209, 209, 209, 419
    )]  # fmt: skip
    assert sum(line.target for line in months) == Decimal(2500)
    with plan.uow() as uow, pytest.raises(ValidationError, match="locked months"):
        set_yearly_target(uow, FY, Decimal("150"), SpreadMethod.EVENLY)


def test_lock_rules_and_lock_command(plan: Plan) -> None:
    march = Month(2026, 3)
    assert not is_locked(plan, march)
    cmd = build(plan, lambda uow: lock_months(uow, march))
    assert cmd.label == "Lock months up to Mar 2026"
    execute(plan, cmd)
    assert is_locked(plan, march) and is_locked(plan, Month(2025, 7))
    assert not is_locked(plan, Month(2026, 4))
    with plan.uow() as uow:
        assert is_locked(uow, march)
        with pytest.raises(ValidationError) as refused:
            set_month_target(uow, march, Decimal("5"))
        with pytest.raises(ValidationError):
            set_part_target(uow, Month(2026, 1), Part.OFFERING, 1, Decimal("5"))
    assert str(refused.value) == (
        "March 2026 is locked. Unlock it under 'Lock months' to change it."
    )
    undo(plan, cmd)
    assert not is_locked(plan, march)
    with plan.session() as session:
        assert session.get(BusinessProfile, 1).locked_through is None  # type: ignore[union-attr]
    execute(plan, cmd)
    assert is_locked(plan, march)


def test_breakdown_edits_fill_the_rest_then_move_the_total(plan: Plan) -> None:
    cakes, bread = add(plan, Offering(name="Cakes", position=0), Offering(name="Bread", position=1))
    may = Month(2026, 5)
    add(plan, Target(month=may, revenue_minor=1000_00))  # business-wide only

    def edit(item: int, amount: int) -> Command:
        return build(
            plan, lambda uow: set_part_target(uow, may, Part.OFFERING, item, Decimal(amount))
        )

    # 600 for Cakes comes out of the 1,000 not assigned yet: the month stays at 1,000.
    check_apply_revert_apply(
        plan,
        edit(cakes, 600),
        {("2026-05", None): (1000_00, None), ("2026-05", cakes): (600_00, None)},
    )
    overview = target_overview(plan, FY, Breakdown.OFFERING, today=TODAY)
    rows = {row.name: row for row in overview.breakdown_rows}
    assert [r.kind for r in overview.breakdown_rows] == [
        BreakdownRowKind.PART, BreakdownRowKind.PART, BreakdownRowKind.REST,
        BreakdownRowKind.TOTAL,
    ]  # fmt: skip
    assert (rows["Cakes"].months[4], rows["Bread"].months[4]) == (Decimal(600), Decimal(0))
    assert rows["Not assigned"].months[4] == Decimal(400)
    assert rows["Total"].months[4] == Decimal(1000) == overview.lines[4].target
    # 500 for Bread: 400 from the rest, 100 beyond it raises the month to 1,100.
    check_apply_revert_apply(
        plan, edit(bread, 500),
        {("2026-05", None): (1100_00, None), ("2026-05", cakes): (600_00, None),
         ("2026-05", bread): (500_00, None)},
    )  # fmt: skip
    # Fully assigned now: lowering Cakes to 100 lowers the month to 600.
    execute(plan, edit(cakes, 100))
    overview = target_overview(plan, FY, Breakdown.OFFERING, today=TODAY)
    assert overview.lines[4].target == Decimal(600)
    assert [r.name for r in overview.breakdown_rows] == ["Cakes", "Bread", "Total"]
    for i in range(12):  # every month's parts add up to its total
        parts = overview.breakdown_rows[:-1]
        assert sum(r.months[i] for r in parts) == overview.breakdown_rows[-1].months[i]
    # The total cannot drop below the parts.
    with plan.uow() as uow, pytest.raises(ValidationError, match="cannot be less"):
        set_month_target(uow, may, Decimal(500))
    # A month with parts and no business-wide record: its total is the parts' sum.
    june = Month(2026, 6)
    add(plan, Target(month=june, revenue_minor=300_00, offering_id=cakes))
    execute(plan, edit_june := build(
        plan, lambda uow: set_part_target(uow, june, Part.OFFERING, bread, Decimal(200))
    ))  # fmt: skip
    assert edit_june.label == "Change revenue target for Jun 2026"
    assert target_overview(plan, FY, today=TODAY).lines[5].target == Decimal(500)


def test_a_part_never_pulls_the_total_below_another_breakdown(plan: Plan) -> None:
    (cakes,) = add(plan, Offering(name="Cakes"))
    (shops,) = add(plan, Segment(name="Shops"))
    may = Month(2026, 5)
    add(plan, Target(month=may, revenue_minor=500_00),
        Target(month=may, revenue_minor=500_00, offering_id=cakes),
        Target(month=may, revenue_minor=500_00, segment_id=shops))  # fmt: skip
    execute(plan, build(plan, lambda uow: set_part_target(
        uow, may, Part.OFFERING, cakes, Decimal(200)
    )))  # fmt: skip
    # Offerings alone would bring May to 200, but Shops still holds 500.
    assert target_overview(plan, FY, today=TODAY).lines[4].target == Decimal(500)
    segments = target_overview(plan, FY, Breakdown.SEGMENT, today=TODAY).breakdown_rows
    assert [(r.name, r.months[4]) for r in segments] == [
        ("Shops", Decimal(500)), ("Total", Decimal(500))
    ]  # fmt: skip


def test_spreading_scales_the_breakdown_with_the_total(plan: Plan) -> None:
    (cakes,) = add(plan, Offering(name="Cakes"))
    for m in FY.months:
        add(plan, Target(month=m, revenue_minor=100_00),
            Target(month=m, revenue_minor=25_00, offering_id=cakes))  # fmt: skip
    cmd = build(plan, lambda uow: set_yearly_target(uow, FY, Decimal(2400), SpreadMethod.EVENLY))
    expected: dict[tuple[str, int | None], tuple[int, int | None]] = {}
    for m in FY.months:
        expected[(str(m), None)] = (200_00, None)
        expected[(str(m), cakes)] = (50_00, None)  # a quarter of the month, as before
    check_apply_revert_apply(plan, cmd, expected)


def test_attainment_variance_and_outlook(plan: Plan) -> None:
    # Last year 100 a month; this year Jan-Mar complete at 110 (10% growth), April so far 30.
    add(plan, *[ActualSale(month=m, revenue_minor=100_00) for m in (FY + -1).months])
    add(plan, *[ActualSale(month=Month(2026, i), revenue_minor=110_00) for i in (1, 2, 3)])
    add(plan, ActualSale(month=Month(2026, 4), revenue_minor=30_00))
    add(plan, *[Target(month=m, revenue_minor=100_00) for m in FY.months])
    add(plan, Target(month=Month(2026, 3), revenue_minor=20_00))  # March target 120
    overview = target_overview(plan, FY, today=TODAY)
    lines = {line.label: line for line in overview.lines}
    assert [line.level for line in overview.lines[:12]] == [PeriodLevel.MONTH] * 12
    assert lines["Jan 2026"].attainment_pct == Decimal("110.0")
    assert lines["Mar 2026"].attainment_pct == Decimal("91.7")  # 110 / 120
    assert lines["Mar 2026"].variance == Decimal(-10)
    assert lines["Apr 2026 (so far)"].attainment_pct is None  # not complete
    q1 = lines["Q1 FY 2026"]
    assert (q1.target, q1.actual, q1.variance) == (Decimal(320), Decimal(330), Decimal(10))
    assert q1.attainment_pct == Decimal("103.1")  # 330 / 320
    # Forecast starts in April: same month last year (100) x growth 330/300 = 110.
    assert overview.outlook_months[:3] == (None, None, None)
    assert overview.outlook_months[3:] == (Decimal("110.00"),) * 9
    assert lines["Q2 FY 2026"].outlook == Decimal(330)
    assert overview.outlook == Decimal(330 + 9 * 110) == lines["FY 2026 total"].outlook
    assert lines["FY 2026 total"].attainment_pct == Decimal("103.1")


def test_outlook_is_absent_without_a_years_history(plan: Plan) -> None:
    add(plan, Target(month=Month(2026, 1), revenue_minor=100_00))
    overview = target_overview(plan, FY, today=TODAY)
    assert overview.outlook is None
    assert "twelve months" in overview.outlook_explanation
