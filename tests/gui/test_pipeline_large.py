"""The pipeline table on a larger plan (3,000 deals): it reads only the rows in view, pages
in more as the user scrolls, sorts and filters in the database, and keeps the selection and
the scroll position through edits and sorting. Also the lazy row sequence on its own, and
the model under pytest-qt's model tester."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from planner.db.plan import open_plan
from planner.domain.pipeline import DealStatus
from planner.queries import DealRow, deals
from planner.queries.pipeline_paging import SORTS, DealFilter, deal_ids, deal_totals
from ui.models.formats import Formats
from ui.models.lazy_table import PAGE_SIZE, LazyRows, RowGone
from ui.tabs import pipeline_table
from ui.tabs.pipeline import PipelineTab
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 23)  # tests/gui/conftest.py pins every tab's today to this day
DEALS = 3_000
EUR = Formats("EUR")


@pytest.fixture(scope="module")
def _large_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from planner.sample import write_sample

    path = tmp_path_factory.mktemp("large") / "large.smplan"
    write_sample(path, deals=DEALS, years=3, today=TODAY)
    return path


@pytest.fixture
def large_ops(_large_master: Path, tmp_path: Path) -> Iterator[PlanOperations]:
    path = tmp_path / "large.smplan"
    shutil.copyfile(_large_master, path)
    plan = open_plan(path)
    yield PlanOperations(plan)
    plan.close()


class ReadLog:
    """Counts the rows the tab reads, by wrapping the ``deals`` its module calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import ui.tabs.pipeline as pipeline_module

        self.ids: list[int] = []
        real = deals  # the function the tab's module imported

        def counting(plan: Any, **options: Any) -> list[DealRow]:
            self.ids.extend(options.get("ids") or [])
            assert options.get("ids") is not None, "the table must never read every deal"
            return real(plan, **options)

        monkeypatch.setattr(pipeline_module, "deals", counting)


def open_tab(qtbot: QtBot, ops: PlanOperations) -> PipelineTab:
    tab = PipelineTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def column(tab: PipelineTab, header: str) -> int:
    return [c.header for c in tab.model.columns].index(header)


def test_opens_reading_only_the_rows_in_view(
    qtbot: QtBot, large_ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = ReadLog(monkeypatch)
    tab = open_tab(qtbot, large_ops)
    tab.view.viewport().repaint()
    assert tab.model.rowCount() == DEALS
    assert 0 < len(log.ids) <= PAGE_SIZE  # the first page, nothing more
    assert tab.totals.text().startswith(f"{EUR.count(DEALS)} deals shown · Amount ")
    totals = deal_totals(large_ops.plan, today=TODAY)
    assert EUR.money(totals.weighted) in tab.totals.text()
    assert f"{EUR.count(totals.needing_attention)} need attention" in tab.totals.text()

    # Scrolling to the end reads the last page only.
    tab.view.scrollToBottom()
    last = deal_ids(large_ops.plan, today=TODAY)[-1]
    qtbot.waitUntil(lambda: last in log.ids)
    assert len(log.ids) <= 3 * PAGE_SIZE
    bottom = tab.model.index(DEALS - 1, column(tab, "Customer"))
    assert bottom.data() == deals(large_ops.plan, today=TODAY, ids=[last])[0].customer


def test_sorting_in_the_database_keeps_the_selected_deal(
    qtbot: QtBot, large_ops: PlanOperations
) -> None:
    tab = open_tab(qtbot, large_ops)
    chosen = deal_ids(large_ops.plan, today=TODAY)[2_000]
    tab.table.select_deal(chosen)
    amount = column(tab, "Amount")
    tab.view.sortByColumn(amount, Qt.SortOrder.DescendingOrder)
    expected = deal_ids(large_ops.plan, sort="amount", descending=True, today=TODAY)
    assert tab.model.shown.keys == expected
    every = deals(large_ops.plan, today=TODAY)
    assert tab.model.row_at(0).amount == max(d.amount for d in every)
    current = tab.table.current_deal()
    assert current is not None and current.id == chosen
    assert tab.view.currentIndex().row() == expected.index(chosen)
    # Needs attention: the flagged deals first, each with its reasons.
    tab.view.sortByColumn(column(tab, "Needs attention"), Qt.SortOrder.AscendingOrder)
    flagged = sum(d.stale for d in every)
    assert flagged > 10
    assert all(tab.model.row_at(n).stale for n in range(flagged))
    assert not tab.model.row_at(flagged).stale


def test_filters_and_totals_in_the_database(qtbot: QtBot, large_ops: PlanOperations) -> None:
    tab = open_tab(qtbot, large_ops)
    table = tab.table
    table.status.setCurrentIndex(table.status.findText("Open"))
    table.stage.setCurrentIndex(table.stage.findText("Negotiation"))
    where = DealFilter(status=DealStatus.OPEN, stage="Negotiation")
    expected = deal_ids(large_ops.plan, where, today=TODAY)
    assert 0 < tab.model.rowCount() == len(expected) < DEALS
    assert tab.model.shown.keys == expected
    totals = deal_totals(large_ops.plan, where, today=TODAY)
    assert tab.totals.text().startswith(
        f"{EUR.count(len(expected))} of {EUR.count(DEALS)} deals shown · "
        f"Amount {EUR.money(totals.amount)} · Weighted {EUR.money(totals.weighted)}"
    )
    assert all(d.stage == "Negotiation" for d in tab.model.shown)


def test_edit_far_down_keeps_the_selection_and_the_scroll_position(
    qtbot: QtBot, large_ops: PlanOperations
) -> None:
    tab = open_tab(qtbot, large_ops)
    model, view = tab.model, tab.view
    row, amount = 2_500, column(tab, "Amount")
    view.setCurrentIndex(model.index(row, amount))
    view.scrollTo(model.index(row, amount))
    scrolled = view.verticalScrollBar().value()
    assert scrolled > 0
    deal = model.row_at(row)
    assert model.setData(model.index(row, amount), "4321")
    assert model.row_at(row).id == deal.id and model.row_at(row).amount == 4321
    assert view.currentIndex().row() == row
    assert view.verticalScrollBar().value() == scrolled
    large_ops.undo_stack.undo()
    assert model.row_at(row).amount == deal.amount and view.currentIndex().row() == row


def test_search_waits_for_a_pause_in_typing_on_a_large_plan(
    qtbot: QtBot, large_ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline_table, "_TYPING_PAUSE_FROM", 1_000)  # 3,000 counts as large
    tab = open_tab(qtbot, large_ops)
    word = tab.model.row_at(0).customer.split()[0]
    expected = deal_ids(large_ops.plan, DealFilter(words=(word.casefold(),)), today=TODAY)
    assert 0 < len(expected) < DEALS
    qtbot.keyClicks(tab.search, word)
    assert tab.model.rowCount() == DEALS  # still typing: nothing asked yet
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(expected))
    assert tab.model.shown.keys == expected


def test_model_passes_the_model_tester(
    qtmodeltester: Any, ops: PlanOperations, qtbot: QtBot
) -> None:
    tab = open_tab(qtbot, ops)
    qtmodeltester.check(tab.model, force_py=True)
    tab.view.sortByColumn(column(tab, "Customer"), Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(tab.model, force_py=True)


# -- the lazy rows on their own ----------------------------------------------------------


class Row:
    def __init__(self, key: int) -> None:
        self.id = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and other.id == self.id


def test_lazy_rows_read_pages_on_demand_and_forget_old_ones() -> None:
    asked: list[list[Any]] = []

    def load(keys: Sequence[Any]) -> list[Row]:
        asked.append(list(keys))
        return [Row(k) for k in reversed(keys) if k != 13]  # any order; 13 is gone

    rows = LazyRows(range(100, 0, -1), load, key=lambda r: r.id, page_size=10, max_pages=2)
    assert len(rows) == 100 and asked == []
    assert rows[0].id == 100 and rows[9].id == 91 and len(asked) == 1
    assert rows[-1].id == 1 and asked[-1] == list(range(10, 0, -1))
    assert rows[25].id == 75 and len(asked) == 3
    assert rows[0].id == 100 and len(asked) == 4  # the first page was forgotten: read again
    assert [r.id for r in rows[40:43]] == [60, 59, 58]
    with pytest.raises(RowGone):
        rows[87]  # key 13 was deleted after the keys were read
    with pytest.raises(IndexError):
        rows[100]
    assert rows.index_of(55) == 45 and rows.index_of(1000) == -1
    small = LazyRows([1, 2], load, key=lambda r: r.id)
    assert small == [Row(1), Row(2)] and small != [Row(2), Row(1)] and small != [Row(1)]


def test_win_loss_view_is_built_when_first_shown(qtbot: QtBot, ops: PlanOperations) -> None:
    from ui.tabs.pipeline_analysis import WinLossView

    tab = open_tab(qtbot, ops)
    assert tab._analysis is None  # opening the pipeline does not build the chart
    titles = [tab.views.tabText(n) for n in range(tab.views.count())]
    tab.views.setCurrentIndex(titles.index("Win/loss"))
    view = tab.views.currentWidget()
    assert isinstance(view, WinLossView) and view is tab.analysis and view.isVisible()
    assert [tab.views.tabText(n) for n in range(tab.views.count())] == titles
    qtbot.waitUntil(lambda: not view.is_stale)
    assert view.summary.text()


def test_board_columns_read_more_cards_when_scrolled_to_the_end(
    qtbot: QtBot, large_ops: PlanOperations
) -> None:
    from planner.queries.pipeline_paging import board_cards

    tab = open_tab(qtbot, large_ops)
    board = tab.board
    assert board is not None
    tab.views.setCurrentWidget(board)
    qtbot.waitUntil(lambda: not board.is_stale and board.board is not None)
    column = max(board.columns, key=lambda c: c.model.hidden)
    shown, total = len(column.model.cards), column.model.total
    assert column.model.hidden > 0 and shown == 200
    assert column.more.text() == f"{EUR.count(total - shown)} more below: scroll down"
    column.view.scrollToBottom()
    qtbot.waitUntil(lambda: len(column.model.cards) > shown)
    assert len(column.model.cards) == min(total, 2 * shown)
    assert column.model.total == total
    assert column.column is not None and board.board is not None
    stage = column.column.stage
    status = DealStatus.WON if stage.is_won else DealStatus.LOST if stage.is_lost else None
    every = board_cards(
        large_ops.plan, stage_id=stage.id, status=status or DealStatus.OPEN,
        period=board.board.period, limit=total, today=TODAY,
    )  # fmt: skip
    assert [c.id for c in column.model.cards] == [c.id for c in every[: len(column.model.cards)]]
    assert column.model.cards[:shown] == tuple(every[:shown])
    # The first cards are the ones the board query itself picks for the column.
    from planner.queries import pipeline_board

    whole = pipeline_board(large_ops.plan, board.board.period, today=TODAY)
    picked = next(c for c in whole.columns if c.stage.id == stage.id)
    assert column.model.cards[:shown] == picked.cards
    remaining = total - len(column.model.cards)
    assert column.more.text().startswith(EUR.count(remaining) + " more") or remaining == 0


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_every_column_sorts_as_its_values_do(
    qtbot: QtBot, ops: PlanOperations, order: Qt.SortOrder
) -> None:
    """The database order behind each header is the order of that column's own values."""
    from ui.models.columns import sort_key

    tab = open_tab(qtbot, ops)
    rows = deals(ops.plan, today=TODAY)
    assert len(tab.model.columns) == len(SORTS)
    for number, spec in enumerate(tab.model.columns):
        tab.view.sortByColumn(number, order)
        value = spec.sort_by or spec.value
        expected = sorted(
            rows,
            key=lambda r: sort_key(value(r)),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        assert tab.model.shown.keys == [r.id for r in expected], spec.header


def test_after_an_edit_a_slow_read_runs_off_the_gui_thread(
    qtbot: QtBot, large_ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a plan where the table's read is slow, an edit re-reads it on a worker: the
    window answers meanwhile, and the new figures arrive with the selection kept."""
    import threading

    threads: set[str] = set()
    real = deals

    def reading(plan: Any, **options: Any) -> list[DealRow]:
        threads.add(threading.current_thread().name)
        return real(plan, **options)

    import ui.tabs.pipeline as pipeline_module

    monkeypatch.setattr(PipelineTab, "read_mode", "async")
    tab = open_tab(qtbot, large_ops)
    qtbot.waitUntil(lambda: not tab.is_reading and tab.model.rowCount() == DEALS)
    monkeypatch.setattr(pipeline_module, "deals", reading)
    model, row, amount = tab.model, 40, column(tab, "Amount")
    tab.view.setCurrentIndex(model.index(row, amount))
    deal = model.row_at(row)
    assert model.setData(model.index(row, amount), "4321")
    assert tab.is_reading and tab.updating.isVisible()  # not read yet: the window is free
    qtbot.waitUntil(lambda: not tab.is_reading)
    assert not tab.updating.isVisible()
    assert threading.current_thread().name not in threads  # read on the worker only
    assert model.row_at(row).id == deal.id and model.row_at(row).amount == 4321
    assert tab.view.currentIndex().row() == row
    totals = deal_totals(large_ops.plan, today=TODAY)
    assert EUR.money(totals.amount) in tab.totals.text()
