"""The importers' ``progress(done, total) -> bool`` hooks: they report how far a big file
is, and returning False stops the step with ``ImportCancelled`` before anything is stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from planner.db.models import ActualSale, Deal, DealEvent, ImportBatch
from planner.db.plan import Plan
from planner.io.actuals_import import load_file
from planner.io.deals_command import _runs
from planner.io.deals_import import (
    DealsImportOptions,
    parse_deals,
    plan_import,
    plan_stages,
    read_deals_file,
    suggest_stages,
)
from planner.io.tabular import ImportCancelled
from planner.services.commands import execute, undo

TODAY = dt.date(2026, 4, 10)
ROWS = 4500  # over two report intervals (every 2,000 rows)


def deals_file(tmp_path: Path) -> Path:
    path = tmp_path / "deals.csv"
    rows = [f"{n},Deal {n},qualifiedtobuy,{n},2026-01-02\n" for n in range(1, ROWS + 1)]
    path.write_text("Record ID,Deal Name,Deal Stage,Amount,Create Date\n" + "".join(rows))
    return path


def sales_file(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    rows = [f"2026-0{1 + n % 2}-15,{n + 1}.25\n" for n in range(ROWS)]
    path.write_text("Date,Amount\n" + "".join(rows))
    return path


def count(plan: Plan, model: Any) -> int:
    with plan.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


class Recorder:
    """A progress hook that records its calls and says stop after ``stop_after`` of them."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.calls: list[tuple[int, int]] = []
        self.stop_after = stop_after

    def __call__(self, done: int, total: int) -> bool:
        self.calls.append((done, total))
        return self.stop_after is None or len(self.calls) < self.stop_after


def test_parsing_deals_reports_every_2000_rows_and_stops_when_told(tmp_path: Path) -> None:
    source = read_deals_file(deals_file(tmp_path))
    hook = Recorder()
    deals, bad = parse_deals(source, hook)
    assert len(deals) == ROWS and bad == []
    assert hook.calls == [(0, ROWS), (2000, ROWS), (4000, ROWS), (ROWS, ROWS)]
    with pytest.raises(ImportCancelled):
        parse_deals(source, Recorder(stop_after=2))


def test_working_out_an_import_reports_both_halves_and_can_stop(
    empty_plan: Plan, tmp_path: Path
) -> None:
    source = read_deals_file(deals_file(tmp_path), empty_plan)
    with empty_plan.session() as session:
        stages = suggest_stages(["qualifiedtobuy"], plan_stages(session))
    options = DealsImportOptions({k: v for k, v in stages.items() if v is not None})
    hook = Recorder()
    command, summary = plan_import(empty_plan, source, options, today=TODAY, progress=hook)
    assert summary.new == ROWS
    # Reading the rows is the first half, matching them with the plan the second.
    assert hook.calls[:4] == [(0, 2 * ROWS), (2000, 2 * ROWS), (4000, 2 * ROWS), (ROWS, 2 * ROWS)]
    assert hook.calls[4:] == [(ROWS, 2 * ROWS), (ROWS + 2000, 2 * ROWS), (ROWS + 4000, 2 * ROWS)]
    parsed = parse_deals(source)
    again = Recorder()
    plan_import(empty_plan, source, options, today=TODAY, parsed=parsed, progress=again)
    assert again.calls == [(0, ROWS), (2000, ROWS), (4000, ROWS)]  # no second parse
    with pytest.raises(ImportCancelled):
        plan_import(empty_plan, source, options, today=TODAY, progress=Recorder(stop_after=5))
    assert count(empty_plan, Deal) == 0
    # The command applies and reverts exactly, with one range delete per run of ids.
    execute(empty_plan, command)
    assert (count(empty_plan, Deal), count(empty_plan, DealEvent)) == (ROWS, ROWS)
    undo(empty_plan, command)
    assert (count(empty_plan, Deal), count(empty_plan, DealEvent)) == (0, 0)
    assert count(empty_plan, ImportBatch) == 0
    execute(empty_plan, command)
    with empty_plan.session() as session:
        ids = list(session.scalars(select(Deal.id).order_by(Deal.id)))
    assert ids == command.ids["deals"] and len(ids) == ROWS


def test_id_runs() -> None:
    assert _runs([]) == []
    assert _runs([7, 1, 2, 3, 9, 8]) == [(1, 3), (7, 9)]
    assert _runs([5]) == [(5, 5)]


def test_adding_up_sales_reports_progress_and_stops_when_told(
    empty_plan: Plan, tmp_path: Path
) -> None:
    loaded = load_file(empty_plan, sales_file(tmp_path))
    hook = Recorder()
    preview = loaded.preview(empty_plan, progress=hook)
    assert preview.lines_used == ROWS
    assert hook.calls == [(0, ROWS), (0, ROWS), (2000, ROWS), (4000, ROWS), (ROWS, ROWS)]
    with pytest.raises(ImportCancelled):
        loaded.preview(empty_plan, progress=Recorder(stop_after=3))
    with pytest.raises(ImportCancelled):
        loaded.preview(empty_plan, progress=Recorder(stop_after=1))  # before the plan is read
    assert count(empty_plan, ActualSale) == 0 and count(empty_plan, ImportBatch) == 0
