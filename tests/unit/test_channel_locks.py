"""Locked months are closed books for channels too, and the month in progress is not compared.

Actual spend and leads of a locked month are refused with the lock's sentence, typed,
filled, in a many-cell step or imported from Excel, and nothing is stored; planned figures
follow the targets' rule (refused one by one; a spread or a copy keeps the locked months).
The variances leave out the month in progress, which is shown so far.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy import select

from planner.db.models import ChannelMonth
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.io.excel_export import export_workbook
from planner.io.excel_import import read_workbook
from planner.queries import channel_metrics
from planner.queries.channels import compared_periods
from planner.services import channels as svc
from planner.services.commands import Command, CompositeCommand, execute, undo
from planner.services.errors import ValidationError
from planner.services.targets import lock_months
from tests.conftest import SAMPLE_TODAY

FY = FiscalYear(2026, 1)
D = Decimal
MARCH_LOCKED = "March 2026 is locked. Unlock it under 'Lock months' to change it."


def m(text: str) -> Month:
    return Month.parse(text)


def run(plan: Plan, build: Any, *args: Any) -> Command:
    with plan.uow() as uow:
        command: Command = build(uow, *args)
    execute(plan, command)
    return command


def lock(plan: Plan, through: str | None) -> None:
    run(plan, lock_months, None if through is None else m(through))


def stored(plan: Plan, channel_id: int) -> dict[str, tuple[Any, ...]]:
    with plan.session() as session:
        rows = session.execute(
            select(
                ChannelMonth.month, ChannelMonth.planned_spend_minor,
                ChannelMonth.actual_spend_minor, ChannelMonth.planned_leads,
                ChannelMonth.actual_leads,
            ).where(ChannelMonth.channel_id == channel_id)
        ).all()  # fmt: skip
    return {str(r[0]): tuple(r[1:]) for r in rows}


@pytest.fixture
def plan(empty_plan: Plan) -> Plan:
    """One channel, "Search ads", with figures for January to April 2026 (spend 300 /
    leads 20 planned a month; January to March actuals entered), built by the services."""
    command = run(empty_plan, svc.add_channel, "Search ads", "Search ads")
    channel = int(command.new_id)  # type: ignore[attr-defined]
    for month, actual_spend, actual_leads in (
        ("2026-01", D("265"), 17), ("2026-02", D("235"), 10), ("2026-03", D("310"), 22),
        ("2026-04", None, None),
    ):  # fmt: skip
        run(empty_plan, svc.set_month_figure, channel, m(month), "planned_spend_minor", D("300"))
        run(empty_plan, svc.set_month_figure, channel, m(month), "planned_leads", 20)
        if actual_spend is not None:
            run(empty_plan, svc.set_month_figure, channel, m(month), "actual_spend_minor",
                actual_spend)  # fmt: skip
            run(empty_plan, svc.set_month_figure, channel, m(month), "actual_leads", actual_leads)
    return empty_plan


def channel_of(plan: Plan) -> int:
    return next(r.channel_id for r in channel_metrics(plan, FY) if r.channel_id is not None)


# -- typed figures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("actual_spend_minor", D("999")), ("actual_leads", 99), ("actual_spend_minor", None),
     ("planned_spend_minor", D("1")), ("planned_leads", 1)],
)  # fmt: skip
def test_a_locked_month_refuses_every_figure(plan: Plan, field: str, value: Any) -> None:
    channel = channel_of(plan)
    before = stored(plan, channel)
    lock(plan, "2026-03")
    with plan.uow() as uow, pytest.raises(ValidationError) as refused:
        svc.set_month_figure(uow, channel, m("2026-03"), field, value)
    assert str(refused.value) == MARCH_LOCKED
    with plan.uow() as uow, pytest.raises(ValidationError, match=r"^January 2026 is locked"):
        svc.set_month_figure(uow, channel, m("2026-01"), field, value)
    assert stored(plan, channel) == before
    # April is open; unlocking opens March again.
    run(plan, svc.set_month_figure, channel, m("2026-04"), field, value)
    lock(plan, None)
    run(plan, svc.set_month_figure, channel, m("2026-03"), field, value)
    assert stored(plan, channel)["2026-03"] != before["2026-03"]


def test_a_command_built_before_the_lock_is_refused_when_applied(plan: Plan) -> None:
    """A workbook import, a redo or a paste applies ``SetMonthFigure`` later than it was
    built: the lock is asked again then."""
    channel = channel_of(plan)
    with plan.uow() as uow:
        early = svc.set_month_figure(uow, channel, m("2026-02"), "actual_spend_minor", D("1"))
    lock(plan, "2026-03")
    before = stored(plan, channel)
    with pytest.raises(ValidationError, match=r"^February 2026 is locked"):
        execute(plan, early)
    assert stored(plan, channel) == before


def test_a_step_over_locked_and_open_months_stores_nothing(plan: Plan) -> None:
    channel = channel_of(plan)
    with plan.uow() as uow:  # a pasted block: April (open), a new May, then March
        parts: list[Command] = [
            svc.set_month_figure(uow, channel, m("2026-04"), "actual_spend_minor", D("280")),
            svc.set_month_figure(uow, channel, m("2026-05"), "actual_leads", 12),
            svc.set_month_figure(uow, channel, m("2026-03"), "actual_leads", 30),
        ]
    command = CompositeCommand("Paste", parts)
    lock(plan, "2026-03")
    before = stored(plan, channel)
    with pytest.raises(ValidationError, match=r"^March 2026 is locked"):
        execute(plan, command)
    assert stored(plan, channel) == before
    assert "2026-05" not in before  # the new month's row was not left behind
    # Without March the step is stored, and undone, as one.
    command = CompositeCommand("Paste", parts[:2])
    execute(plan, command)
    assert stored(plan, channel)["2026-04"] == (30000, 28000, 20, None)
    assert stored(plan, channel)["2026-05"] == (0, None, 0, 12)
    undo(plan, command)
    assert stored(plan, channel) == before


def test_fill_right_over_a_locked_month_is_refused(plan: Plan) -> None:
    channel = channel_of(plan)
    lock(plan, "2026-03")
    before = stored(plan, channel)
    months = FY.months[1:6]  # February to June
    with plan.uow() as uow, pytest.raises(ValidationError, match=r"^February 2026 is locked"):
        svc.fill_right(uow, channel, "actual_leads", months, 15)
    assert stored(plan, channel) == before
    # Months that already hold the figure are not changes: filling 20 planned leads over
    # February to June touches May and June only, which are open.
    command = run(plan, svc.fill_right, channel, "planned_leads", months, 20)
    assert len(command.parts) == 2  # type: ignore[attr-defined]
    assert stored(plan, channel)["2026-06"] == (0, None, 20, None)


# -- budgets follow the targets: a spread and a copy keep the locked months -------------------


def test_share_out_keeps_the_locked_months() -> None:
    months = FY.months[:4]
    kept = {months[0]: 30000, months[1]: 10000}
    # 1,000 in all: 400 stay on January and February, 600 are shared by March and April.
    assert svc.share_out(100000, months, "planned_spend_minor", None, kept) == [
        30000, 10000, 30000, 30000
    ]  # fmt: skip
    assert svc.share_out(10, months, "planned_leads", [1, 1, 1, 3], {months[0]: 2}) == [2, 2, 1, 5]
    with pytest.raises(ValidationError, match=r"already have 400\.00 of planned spend"):
        svc.share_out(39900, months, "planned_spend_minor", None, kept)
    with pytest.raises(ValidationError, match="already have 2 planned leads"):
        svc.share_out(1, months, "planned_leads", None, {months[0]: 2})
    with pytest.raises(ValidationError, match=r"^April 2026 is locked"):
        svc.share_out(5, months, "planned_leads", None, dict.fromkeys(months, 0))


def test_spread_keeps_locked_budgets_and_spreads_the_rest(plan: Plan) -> None:
    channel = channel_of(plan)
    lock(plan, "2026-03")
    command = run(plan, svc.spread_budget, channel, FY.months, "planned_spend_minor", D("4500"))
    after = stored(plan, channel)
    planned = [after.get(str(x), (0,))[0] for x in FY.months]
    # January to March keep 300 each; the other 3,600 go evenly to the nine open months.
    assert planned == [30000] * 3 + [40000] * 9 and sum(planned) == 450000
    assert len(command.parts) == 9  # type: ignore[attr-defined]
    undo(plan, command)
    with plan.uow() as uow, pytest.raises(ValidationError, match=r"already have 900\.00"):
        svc.spread_budget(uow, channel, FY.months, "planned_spend_minor", D("800"))
    with plan.uow() as uow, pytest.raises(ValidationError, match=r"^March 2026 is locked"):
        svc.spread_budget(uow, channel, FY.months[:3], "planned_leads", 90)


def test_copy_from_last_year_leaves_locked_months(plan: Plan) -> None:
    channel = channel_of(plan)
    next_year = FY + 1
    lock(plan, "2027-02")
    before = stored(plan, channel)
    command = run(plan, svc.copy_from_last_year, [channel], next_year, svc.CopySource.ACTUAL)
    got = {k: v for k, v in stored(plan, channel).items() if k.startswith("2027")}
    # 2026's actuals: January and February are locked in 2027, so only March is copied.
    assert got == {"2027-03": (31000, None, 22, None)}
    undo(plan, command)
    assert stored(plan, channel) == before
    lock(plan, "2027-12")
    with plan.uow() as uow, pytest.raises(ValidationError, match=r"^December 2027 is locked"):
        svc.copy_from_last_year(uow, [channel], next_year, svc.CopySource.PLAN)


# -- the month in progress -------------------------------------------------------------------


def test_the_month_in_progress_is_not_compared(plan: Plan) -> None:
    year = channel_metrics(plan, FY)[0]
    march = Month(2026, 3)
    # Stored: March 310 spent against 300 planned, 22 leads against 20.
    assert year.monthly[2].spend_variance == D("10.00")
    compared = compared_periods(year, march)
    assert compared[2].spend_variance is None and compared[2].leads_variance is None
    assert compared[2].planned_spend == D("300.00")  # the plan itself stays
    # Q1 and the year compare January and February only: 500 spent against 600.
    assert year.quarterly[0].spend_variance == D("-90.00")
    assert compared[12].spend_variance == D("-100.00")
    assert compared[12].leads_variance == 27 - 40
    assert compared[16].spend_variance == D("-100.00")
    # The other figures are untouched, and a month with no actuals changes nothing.
    assert compared[:2] == year.periods[:2]
    assert compared_periods(year, Month(2026, 4)) == year.periods


# -- Excel round trip --------------------------------------------------------------------------


def test_an_excel_change_to_a_locked_channel_figure_is_a_problem_with_its_cell(
    sample_plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    export_workbook(sample_plan, path, today=SAMPLE_TODAY)
    lock(sample_plan, "2026-03")
    book = openpyxl.load_workbook(path)
    sheet = book["Channels"]
    # Row 5 is the first channel's planned spend, row 6 its actual spend, row 9 its actual
    # leads; column D is January 2026.
    assert sheet["C6"].value == "Actual spend" and sheet["C9"].value == "Actual leads"
    sheet["D6"] = (sheet["D6"].value or 0) + 11  # Jan: locked
    sheet["F9"] = (sheet["F9"].value or 0) + 1  # Mar: locked
    sheet["D5"] = (sheet["D5"].value or 0) + 7  # Jan planned: locked too
    sheet["G6"] = (sheet["G6"].value or 0) + 5  # Apr: open
    book.save(path)
    reading = read_workbook(path, sample_plan, today=SAMPLE_TODAY)
    assert [str(p) for p in reading.problems] == [
        "Channels!D5: January 2026 is locked. Unlock it under 'Lock months' to change it.",
        "Channels!D6: January 2026 is locked. Unlock it under 'Lock months' to change it.",
        f"Channels!F9: {MARCH_LOCKED}",
    ]
    assert len(reading.edits) == 4 and not reading.can_apply
