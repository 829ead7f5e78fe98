"""Long import steps run on a worker behind a progress dialog with Cancel (issue 10).

Each test holds the worker at a known point with a ``threading.Event`` that only the GUI
thread can release (from a timer), so "the window kept processing events while the work
ran" and "Cancel during the import" are checked without sleeps or timing luck.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import planner.io.actuals_import as actuals_import
import planner.io.deals_import as deals_import
import ui.import_actuals_dialog as actuals_module
import ui.import_deals_dialog as deals_module
from planner.db.models import ActualSale, Deal, DealEvent, ImportBatch, SalesRep
from planner.db.plan import Plan
from planner.io.deals_command import ImportDeals
from planner.services.actuals import ImportActuals
from ui.import_actuals_dialog import ImportActualsDialog
from ui.import_deals_dialog import ImportDealsDialog
from ui.import_widgets import StepDialog
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

HEADER = "Record ID,Deal Name,Deal Stage,Amount,Create Date,Deal owner\n"
WAIT = 10.0  # seconds a held worker waits for the GUI thread before the test fails


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (deals_module, actuals_module):
        monkeypatch.setattr(module, "today", lambda: dt.date(2026, 4, 10))


@pytest.fixture
def deal_ops(empty_plan: Plan) -> Iterator[PlanOperations]:
    yield PlanOperations(empty_plan)


def hubspot(tmp_path: Path, rows: int) -> str:
    path = tmp_path / "deals.csv"
    lines = [
        f"{n},Deal {n},{'Closed Won' if n % 3 == 0 else 'qualifiedtobuy'},{100 + n},"
        f"2026-01-{1 + n % 28:02d},Rep {n % 4}\n"
        for n in range(1, rows + 1)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return str(path)


def count(plan: Plan, model: Any) -> int:
    with plan.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def to_summary(dialog: StepDialog) -> None:
    while dialog.page < dialog.stack.count() - 1:
        assert dialog.go_next(), dialog.error.text()


def click_cancel(dialog: StepDialog) -> None:
    """Press Cancel on the progress dialog of the work running now."""
    assert dialog.work is not None
    button = dialog.work.dialog.findChild(QPushButton)
    assert isinstance(button, QPushButton) and button.text() == "Cancel"
    button.click()


def every_tick(dialog: StepDialog, action: Callable[[], None]) -> QTimer:
    """A GUI-thread timer running ``action`` every 5 ms (kept alive by the dialog)."""
    timer = QTimer(dialog)
    timer.setInterval(5)
    timer.timeout.connect(action)
    timer.start()
    return timer


def test_reading_runs_on_a_worker_while_the_window_keeps_processing_events(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ImportDealsDialog(deal_ops)
    qtbot.addWidget(dialog)
    dialog.show()
    released = threading.Event()
    threads: list[str] = []
    real_read = deals_import.read_deals_file

    def held_read(path: str, plan: Plan) -> Any:
        threads.append(threading.current_thread().name)
        assert released.wait(WAIT), "the GUI thread never ran while the file was read"
        return real_read(path, plan)

    monkeypatch.setattr(deals_module, "read_deals_file", held_read)
    seen: list[QProgressDialog] = []

    def heartbeat() -> None:
        work = dialog.work
        # The progress dialog shows itself once the work has taken 300 ms.
        if work is not None and work.dialog.isVisible():
            seen.append(work.dialog)
            released.set()

    every_tick(dialog, heartbeat)
    assert dialog.set_file(hubspot(tmp_path, 5))
    assert threads == ["import-work"]
    assert seen and seen[0].labelText() == "Reading the file…"
    assert "5 rows and 6 columns read" in dialog.file_note.text()
    assert dialog.work is None


def test_cancel_during_the_import_rolls_it_back_and_leaves_undo_alone(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = deal_ops.plan
    dialog = ImportDealsDialog(deal_ops)
    qtbot.addWidget(dialog)
    assert dialog.set_file(hubspot(tmp_path, 30))
    to_summary(dialog)
    assert dialog.summary_text.toPlainText().startswith("30 new deals, 0 updated deals")
    applied = threading.Event()
    real_apply = ImportDeals.apply

    def apply_then_hold(self: ImportDeals, uow: Any) -> None:
        real_apply(self, uow)  # the rows are in the transaction now
        applied.set()
        work = dialog.work
        assert work is not None and work.stop_requested.wait(WAIT)

    monkeypatch.setattr(ImportDeals, "apply", apply_then_hold)

    after_click: list[tuple[bool, str]] = []

    def press_cancel() -> None:
        work = dialog.work
        if applied.is_set() and work is not None and not after_click:
            click_cancel(dialog)
            # The wizard stays covered, saying so, until the work has stopped.
            after_click.append((work.dialog.isVisible(), work.dialog.labelText()))

    timer = every_tick(dialog, press_cancel)
    assert not dialog.finish()
    timer.stop()
    assert after_click == [(True, "Cancelling…")]
    assert dialog.error.text() == "The import was cancelled; nothing was changed."
    assert (count(plan, Deal), count(plan, DealEvent), count(plan, SalesRep)) == (0, 0, 0)
    assert count(plan, ImportBatch) == 0 and deal_ops.undo_stack.count() == 0
    # The owner changes their mind: the same wizard imports, as one undo step.
    monkeypatch.setattr(ImportDeals, "apply", real_apply)
    assert dialog.finish(), dialog.error.text()
    assert count(plan, Deal) == 30 and count(plan, SalesRep) == 4
    assert deal_ops.undo_stack.count() == 1
    assert deal_ops.undo_stack.undoText() == "Import Deals"
    deal_ops.undo_stack.undo()
    assert (count(plan, Deal), count(plan, DealEvent), count(plan, SalesRep)) == (0, 0, 0)
    deal_ops.undo_stack.redo()
    assert count(plan, Deal) == 30 and count(plan, DealEvent) == 40  # 30 created, 10 won


def test_cancel_interrupts_the_inserts_themselves(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = deal_ops.plan
    dialog = ImportDealsDialog(deal_ops)
    qtbot.addWidget(dialog)
    assert dialog.set_file(hubspot(tmp_path, 3000))
    to_summary(dialog)
    raised: list[BaseException] = []
    real_apply = ImportDeals.apply

    def cancel_then_apply(self: ImportDeals, uow: Any) -> None:
        assert dialog.work is not None
        dialog.work.cancel()  # Cancel pressed as the inserts start
        try:
            real_apply(self, uow)
        except Exception as exc:
            raised.append(exc)
            raise

    monkeypatch.setattr(ImportDeals, "apply", cancel_then_apply)
    assert not dialog.finish()
    assert "interrupted" in str(raised[0])  # SQLite stopped mid-statement
    assert dialog.error.text() == "The import was cancelled; nothing was changed."
    assert (count(plan, Deal), count(plan, DealEvent), count(plan, SalesRep)) == (0, 0, 0)
    assert deal_ops.undo_stack.count() == 0
    assert dialog.result() == 0  # not accepted: the wizard stays for another try


def test_cancel_while_reading_rows_stays_on_the_page(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ImportDealsDialog(deal_ops)
    qtbot.addWidget(dialog)
    assert dialog.set_file(hubspot(tmp_path, 20))
    assert dialog.go_next() and dialog.go_next() and dialog.page == 2
    real_run = StepDialog.run_work

    def cancelled_first(self: StepDialog, text: str, work: Callable[[Any], Any]) -> Any:
        def work_after_cancel(job: Any) -> Any:
            job.cancel()  # Cancel pressed before the first row was read
            return work(job)

        return real_run(self, text, work_after_cancel)

    monkeypatch.setattr(StepDialog, "run_work", cancelled_first)
    assert not dialog.go_next()
    assert dialog.page == 2
    assert dialog.error.text() == "Reading the deals was cancelled; press Next to read them again."
    monkeypatch.setattr(StepDialog, "run_work", real_run)
    assert dialog.go_next() and dialog.page == 3
    assert dialog.stage_table.rowCount() == 2  # qualifiedtobuy and Closed Won


def actuals_file(tmp_path: Path) -> str:
    path = tmp_path / "till.csv"
    lines = [
        f"2026-0{1 + n % 3}-{1 + n % 28:02d},Bread,{n % 5 + 1},{n + 10}.50\n" for n in range(90)
    ]
    path.write_text("Date,Product,Quantity,Amount\n" + "".join(lines), encoding="utf-8")
    return str(path)


def test_actual_sales_summary_and_import_can_be_cancelled(
    qtbot: QtBot, deal_ops: PlanOperations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = deal_ops.plan
    dialog = ImportActualsDialog(deal_ops)
    qtbot.addWidget(dialog)
    assert dialog.set_file(actuals_file(tmp_path))
    for _step in range(3):
        assert dialog.go_next()
    assert dialog.page == 3
    reports: list[tuple[int, int]] = []
    real_prepare = actuals_import.prepare
    holding = threading.Event()

    def held_prepare(*args: Any, **kwargs: Any) -> Any:
        work = dialog.work
        holding.set()
        assert work is not None and work.stop_requested.wait(WAIT)
        given = kwargs["progress"]

        def recorded(done: int, total: int) -> bool:
            reports.append((done, total))
            return bool(given(done, total))

        return real_prepare(*args, **{**kwargs, "progress": recorded})

    monkeypatch.setattr(actuals_import, "prepare", held_prepare)

    def press_cancel() -> None:
        if holding.is_set() and dialog.work is not None:
            click_cancel(dialog)

    timer = every_tick(dialog, press_cancel)
    assert not dialog.go_next()
    assert dialog.page == 3 and reports == [(0, 90)]  # stopped at its first report
    assert dialog.error.text() == "Adding up the sales was cancelled; press Next to try again."
    timer.stop()
    monkeypatch.setattr(actuals_import, "prepare", real_prepare)
    assert dialog.go_next() and dialog.page == 4
    assert dialog.summary.toPlainText().startswith("90 lines of till.csv add EUR 4,950.00 of sales")
    real_apply = ImportActuals.apply

    def apply_and_cancel(self: ImportActuals, uow: Any) -> None:
        real_apply(self, uow)
        assert dialog.work is not None
        dialog.work.cancel()

    monkeypatch.setattr(ImportActuals, "apply", apply_and_cancel)
    assert not dialog.finish()
    assert dialog.error.text() == "The import was cancelled; nothing was changed."
    assert count(plan, ActualSale) == 0 and count(plan, ImportBatch) == 0
    assert deal_ops.undo_stack.count() == 0
    monkeypatch.setattr(ImportActuals, "apply", real_apply)
    assert dialog.finish()
    assert count(plan, ActualSale) == 3 and deal_ops.undo_stack.count() == 1
    deal_ops.undo_stack.undo()
    assert count(plan, ActualSale) == 0 and count(plan, ImportBatch) == 0
