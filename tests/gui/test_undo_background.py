"""Undo and redo of big commands run on a worker behind a progress dialog (issue 10).

A few thousand imported deals stand in for 100,000: each test lowers the size from which
``ui.undo`` works in the background. The worker is held at a known point with a
``threading.Event`` that only the GUI thread releases (from a timer), so "the dialog showed
while the window kept processing events" is checked without sleeps or timing luck.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import ui.import_work as import_work
import ui.undo as undo_module
from planner.db.models import Deal, DealEvent, ImportBatch, SalesRep
from planner.db.plan import Plan, UnitOfWork
from planner.io.crm_formats import crm_stage_names, default_stage_map, parse_deals
from planner.io.deals_command import ImportDeals
from planner.io.deals_import import (
    DealsImportOptions,
    plan_stages,
    prepare_import,
    read_deals_file,
)
from planner.services.commands import CallbackCommand, Change, execute
from planner.services.edit import change_field
from ui.import_work import AppliedCommand
from ui.undo import PlanOperations, command_rows

pytestmark = pytest.mark.gui

DEALS = 3000
WAIT = 10.0  # seconds a held worker waits for the GUI thread before the test fails
TEXT = (
    "Undoing Import Deals…\nThis changes 3,000 records in your plan, which can take a few seconds."
)


@pytest.fixture(autouse=True)
def _big_from_1000_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(undo_module, "UNDO_ASYNC_ROWS", 1000)


@pytest.fixture
def deal_ops(empty_plan: Plan) -> Iterator[PlanOperations]:
    yield PlanOperations(empty_plan)


def import_command(plan: Plan, folder: Path, deals: int = DEALS) -> ImportDeals:
    """The command the import wizard builds for a HubSpot export of ``deals`` deals (every
    third one won) owned by four reps the plan does not know yet; not applied."""
    path = folder / "deals.csv"
    lines = [
        f"{n},Deal {n},{'Closed Won' if n % 3 == 0 else 'qualifiedtobuy'},{100 + n},"
        f"2026-01-{1 + n % 28:02d},Rep {n % 4}\n"
        for n in range(1, deals + 1)
    ]
    header = "Record ID,Deal Name,Deal Stage,Amount,Create Date,Deal owner\n"
    path.write_text(header + "".join(lines), encoding="utf-8")
    source = read_deals_file(path, plan)
    parsed = parse_deals(source)
    with plan.session() as session:
        stage_map, _unknown = default_stage_map(crm_stage_names(parsed[0]), plan_stages(session))
        return prepare_import(
            session, source, DealsImportOptions(stage_map), today=dt.date(2026, 4, 10),
            parsed=parsed,
        )[0]  # fmt: skip


def count(plan: Plan, model: Any) -> int:
    with plan.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def counts(plan: Plan) -> tuple[int, int, int, int]:
    return (
        count(plan, Deal),
        count(plan, DealEvent),
        count(plan, SalesRep),
        count(plan, ImportBatch),
    )


def amount(plan: Plan, deal_id: int) -> int:
    with plan.session() as session:
        deal = session.get(Deal, deal_id)
        assert deal is not None
        return deal.amount_minor


def progress_dialog() -> QProgressDialog | None:
    """The progress dialog on screen now, if any."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QProgressDialog) and widget.isVisible():
            return widget
    return None


def every_tick(action: Callable[[], None]) -> QTimer:
    """A GUI-thread timer running ``action`` every 5 ms (stop it after the test's step)."""
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(action)
    timer.start()
    return timer


def hold_worker(monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[threading.Event, list[str]]:
    """Make ``ui.undo``'s ``name`` (``undo`` or ``execute``) note its thread and wait, on a
    worker, until the returned event is set; returns the event and the thread names."""
    released = threading.Event()
    threads: list[str] = []
    real = getattr(undo_module, name)

    def held(plan: Plan, command: Any) -> Change:
        threads.append(threading.current_thread().name)
        if threading.current_thread() is not threading.main_thread():
            assert released.wait(WAIT), "the GUI thread never ran while the worker worked"
        return real(plan, command)  # type: ignore[no-any-return]

    monkeypatch.setattr(undo_module, name, held)
    return released, threads


def test_undo_and_redo_of_a_big_import_run_on_a_worker_behind_a_dialog(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = deal_ops.plan
    command = import_command(plan, tmp_path)
    # As the wizard does: the worker stored the import, the undo stack only records it.
    execute(plan, command)
    assert deal_ops.run(AppliedCommand(command))
    imported = counts(plan)
    assert imported == (DEALS, DEALS + DEALS // 3, 4, 1)  # a "won" event for every third
    assert command_rows(deal_ops.undo_stack.command(0).command) == DEALS  # type: ignore[attr-defined]
    changed: list[Change] = []
    deal_ops.changed.connect(changed.append)
    released, threads = hold_worker(monkeypatch, "undo")
    seen: list[tuple[str, bool, bool, str]] = []

    def look() -> None:
        dialog = progress_dialog()  # it shows itself once the work has taken 300 ms
        if dialog is not None and not released.is_set():
            button = dialog.findChild(QPushButton)
            seen.append((dialog.labelText(), button is not None, deal_ops.busy, str(changed)))
            released.set()

    timer = every_tick(look)
    deal_ops.undo_stack.undo()
    timer.stop()
    assert threads == ["undo-work"]
    # No Cancel button; nothing announced before the work was done.
    assert seen == [(TEXT, False, True, "[]")]
    assert counts(plan) == (0, 0, 0, 0)
    assert changed == [Change.DEALS | Change.REPS]
    assert not deal_ops.busy and progress_dialog() is None
    assert deal_ops.undo_stack.index() == 0 and deal_ops.undo_stack.redoText() == "Import Deals"

    released, threads = hold_worker(monkeypatch, "execute")
    seen.clear()
    timer = every_tick(look)
    deal_ops.undo_stack.redo()
    timer.stop()
    assert threads == ["undo-work"]
    assert seen[0][0] == TEXT.replace("Undoing", "Redoing")
    assert counts(plan) == imported
    assert changed == [Change.DEALS | Change.REPS] * 2
    assert deal_ops.undo_stack.index() == 1


def test_a_failing_big_undo_leaves_the_plan_as_it_was_and_says_why(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = deal_ops.plan
    assert deal_ops.run(import_command(plan, tmp_path))
    imported = counts(plan)
    real_revert = ImportDeals.revert
    threads: list[str] = []

    def revert_then_fail(self: ImportDeals, uow: UnitOfWork) -> None:
        real_revert(self, uow)  # every deal is deleted inside the transaction...
        threads.append(threading.current_thread().name)
        assert count_in(uow) == 0
        raise OperationalError("DELETE", {}, Exception("database is locked"))  # ...then this

    def count_in(uow: UnitOfWork) -> int:
        return int(uow.session.scalar(select(func.count()).select_from(Deal)) or 0)

    monkeypatch.setattr(ImportDeals, "revert", revert_then_fail)
    changed: list[Change] = []
    failed: list[str] = []
    deal_ops.changed.connect(changed.append)
    deal_ops.failed.connect(failed.append)
    deal_ops.undo_stack.undo()
    assert threads == ["undo-work"]
    assert failed == ["Could not undo Import Deals: database is locked."]
    assert changed == [] and counts(plan) == imported
    assert not deal_ops.busy and progress_dialog() is None
    # The plan takes edits again at once.
    with plan.uow() as uow:
        deal_id = uow.session.scalars(select(Deal.id).order_by(Deal.id).limit(1)).one()
        edit = change_field(uow, Deal, deal_id, "title", "Bigger order")
    assert deal_ops.run(edit) and failed == [failed[0]]


def test_nothing_else_starts_while_a_big_undo_runs(
    qtbot: QtBot, plan_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = plan_window
    ops: PlanOperations = window.ops
    plan = ops.plan
    before = count(plan, Deal)
    assert ops.run(import_command(plan, tmp_path))
    assert count(plan, Deal) == before + DEALS and window.undo_action.isEnabled()
    with plan.uow() as uow:
        deal_id = uow.session.scalars(select(Deal.id).order_by(Deal.id).limit(1)).one()
        edit = change_field(uow, Deal, deal_id, "amount_minor", 123)
    released, threads = hold_worker(monkeypatch, "undo")
    failed: list[str] = []
    ops.failed.connect(failed.append)
    during: list[tuple[bool, bool, bool]] = []

    def meanwhile() -> None:
        if released.is_set() or not threads:
            return
        # Ctrl+Z again, before the progress dialog shows: dropped, and the action is off.
        QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        window.undo_action.trigger()
        # An edit from code running in this event loop is refused, not interleaved.
        during.append((ops.run(edit), window.undo_action.isEnabled(), ops.busy))
        released.set()

    timer = every_tick(meanwhile)
    window.undo_action.trigger()
    timer.stop()
    assert threads == ["undo-work"]  # one undo, on the worker
    assert during == [(False, False, True)]
    assert failed == ["Undoing Import Deals is not finished yet; try again in a moment."]
    assert count(plan, Deal) == before
    assert ops.undo_stack.index() == 0 and ops.undo_stack.count() == 1
    assert window.redo_action.isEnabled() and window.redo_action.text() == "Redo Import Deals"
    assert not window.undo_action.isEnabled()
    assert amount(plan, deal_id) == edit.old["amount_minor"]  # the refused edit: not stored
    assert edit.new["amount_minor"] != edit.old["amount_minor"]


def test_small_edits_are_undone_on_the_gui_thread(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = ops.plan
    with plan.uow() as uow:
        deal = uow.session.scalars(select(Deal).order_by(Deal.id)).first()
        assert deal is not None
        deal_id, old = deal.id, deal.amount_minor
        command = change_field(uow, Deal, deal_id, "amount_minor", 4321)
    new = command.new["amount_minor"]
    assert new != old
    assert ops.run(command)

    def no_worker(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a small edit was undone on a worker")

    monkeypatch.setattr(import_work, "BackgroundWork", no_worker)
    _released, threads = hold_worker(monkeypatch, "undo")
    changed: list[Change] = []
    ops.changed.connect(changed.append)
    ops.undo_stack.undo()
    assert threads == ["MainThread"] and changed == [Change.DEALS]
    assert amount(plan, deal_id) == old
    ops.undo_stack.redo()
    assert amount(plan, deal_id) == new
    assert command_rows(command) == 1


def test_a_command_that_was_slow_once_is_undone_on_a_worker(
    qtbot: QtBot, deal_ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No row count, but its apply took more CPU time than ``UNDO_ASYNC_AFTER``: its undo
    goes to a worker; that undo was quick, so the redo after it stays on the GUI thread."""
    monkeypatch.setattr(undo_module, "UNDO_ASYNC_AFTER", 0.05)
    done: list[str] = []

    def slow(_uow: UnitOfWork) -> None:
        began = time.thread_time()
        while time.thread_time() - began < 0.06:  # CPU time, as a big workbook's edits
            pass
        done.append("apply")

    command = CallbackCommand("Apply Workbook", Change.TARGETS, slow, lambda _u: None)
    assert command_rows(command) == 1
    assert deal_ops.run(command)
    released, threads = hold_worker(monkeypatch, "undo")
    released.set()  # nothing to look at meanwhile: let the worker go at once
    deal_ops.undo_stack.undo()
    assert threads == ["undo-work"]
    _released, threads = hold_worker(monkeypatch, "execute")
    deal_ops.undo_stack.redo()
    # The redo applies the slow function again on the GUI thread (last undo was quick).
    assert threads == ["MainThread"] and done == ["apply", "apply"]
