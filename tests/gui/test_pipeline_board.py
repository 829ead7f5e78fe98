"""The pipeline board (drag a deal, undo it) and the win/loss analysis on the sample plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from pytestqt.qtbot import QtBot

from planner.db.models import Deal, LostReason
from planner.db.plan import Plan
from planner.queries import current_fiscal_year, pipeline_board, pipeline_figures, win_loss
from planner.services.deals import lose_deal, move_deal
from tests.conftest import SAMPLE_TODAY
from ui.tabs import pipeline_cards
from ui.tabs.pipeline_analysis import WinLossView
from ui.tabs.pipeline_board import PipelineBoard
from ui.tabs.pipeline_cards import DEAL_MIME, deal_from_mime, deal_mime
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui


@pytest.fixture
def board(qtbot: QtBot, ops: PlanOperations) -> PipelineBoard:
    widget = PipelineBoard(ops)
    qtbot.addWidget(widget)
    widget.resize(1400, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def deal_state(plan: Plan, deal_id: int) -> tuple[int, str, int | None, dt.date | None]:
    with plan.session() as session:
        deal = session.get(Deal, deal_id)
        assert deal is not None
        return deal.stage_id, deal.status, deal.lost_reason_id, deal.closed_on


def column_of(board: PipelineBoard, name: str) -> Any:
    return next(c for c in board.columns if c.column and c.column.stage.name == name)


def counts(board: PipelineBoard) -> list[int]:
    return [w.column.count if w.column else -1 for w in board.columns]


def test_one_column_per_stage_with_the_query_counts(board: PipelineBoard, ops: Any) -> None:
    expected = pipeline_board(ops.plan, today=SAMPLE_TODAY)
    titles = [c.title.text() for c in board.columns]
    assert titles == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    for widget, column in zip(board.columns, expected.columns, strict=True):
        assert widget.model.rowCount() == len(column.cards) == min(column.count, 200)
        assert widget.figures.text().startswith(f"{column.count} deal")
        assert board.formats.money(column.total) in widget.figures.text()
        if column.weighted is not None:
            assert f"Weighted {board.formats.money(column.weighted)}" in widget.figures.text()
    assert sum(c.count for c in expected.columns[:4]) > 0
    weighted = sum(c.weighted for c in expected.columns if c.weighted is not None)
    assert weighted == pipeline_figures(ops.plan, today=SAMPLE_TODAY).weighted_open
    assert (
        board.period.currentText()
        == f"Closed in {current_fiscal_year(ops.plan, SAMPLE_TODAY).label}"
    )


def test_stale_cards_carry_their_reasons(board: PipelineBoard) -> None:
    cards = [card for w in board.columns for card in w.model.cards if card.stale]
    assert cards, "the sample plan has deals past their close date"
    model = next(w.model for w in board.columns if cards[0] in w.model.cards)
    row = model.cards.index(cards[0])
    tip = model.data(model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert "Needs attention: " + "; ".join(cards[0].stale_reasons) in tip


def test_a_drop_moves_the_deal_and_undo_moves_it_back(
    qtbot: QtBot, board: PipelineBoard, ops: PlanOperations
) -> None:
    lead, proposal = column_of(board, "Lead"), column_of(board, "Proposal")
    card = lead.model.cards[0]
    lead_count, proposal_count = lead.column.count, proposal.column.count
    lead_id, proposal_id = lead.column.stage.id, proposal.column.stage.id
    assert deal_state(ops.plan, card.id)[:2] == (lead_id, "open")

    # What QListView calls when a card is dropped on the Proposal column.
    mime = deal_mime(card.id)
    model = proposal.model
    assert model.canDropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    qtbot.waitUntil(lambda: deal_state(ops.plan, card.id)[0] == proposal_id)
    assert ops.undo_stack.count() == 1
    assert ops.undo_stack.undoText() == "Move Deal to Proposal"
    assert (lead.column.count, proposal.column.count) == (lead_count - 1, proposal_count + 1)
    assert card.id in {c.id for c in proposal.model.cards} or proposal.column.hidden

    ops.undo_stack.undo()
    assert deal_state(ops.plan, card.id)[:2] == (lead_id, "open")
    assert (lead.column.count, proposal.column.count) == (lead_count, proposal_count)
    assert lead.model.cards[0].id == card.id
    ops.undo_stack.redo()
    assert deal_state(ops.plan, card.id)[:2] == (proposal_id, "open")
    assert proposal.column.count == proposal_count + 1


def test_a_drop_on_its_own_column_does_nothing(
    board: PipelineBoard, ops: PlanOperations, dialogs: Any
) -> None:
    refusals: list[str] = []
    ops.failed.connect(refusals.append)
    lead = column_of(board, "Lead")
    assert not board.drop(deal_mime(lead.model.cards[0].id), lead.column.stage.id)
    assert ops.undo_stack.count() == 0 and refusals == [] and dialogs.messages == []


def test_drop_on_won_wins_the_deal(board: PipelineBoard, ops: PlanOperations) -> None:
    negotiation, won = column_of(board, "Negotiation"), column_of(board, "Won")
    card = negotiation.model.cards[0]
    won_count = won.column.count
    assert board.drop(deal_mime(card.id), won.column.stage.id)
    stage_id, status, _reason, closed = deal_state(ops.plan, card.id)
    assert (stage_id, status, closed) == (won.column.stage.id, "won", SAMPLE_TODAY)
    assert ops.undo_stack.undoText() == "Win Deal"
    assert won.column.count == won_count + 1
    assert won.model.cards[0].id == card.id  # closed today: the newest closed card


def test_drop_on_lost_asks_why_and_cancel_changes_nothing(
    board: PipelineBoard, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, lost = column_of(board, "Lead"), column_of(board, "Lost")
    card = lead.model.cards[0]
    before = deal_state(ops.plan, card.id)
    asked: list[tuple[list[str], str]] = []

    def cancel(_parent: Any, reasons: Any, customer: str) -> int | None:
        asked.append(([name for _i, name in reasons], customer))
        return None

    monkeypatch.setattr(pipeline_cards, "ask_lost_reason", cancel)
    assert not board.drop(deal_mime(card.id), lost.column.stage.id)
    assert asked and asked[0][1] == card.customer and "Price too high" in asked[0][0]
    assert deal_state(ops.plan, card.id) == before
    assert ops.undo_stack.count() == 0

    with ops.plan.session() as session:
        budget = session.query(LostReason).filter_by(name="No budget").one().id
    monkeypatch.setattr(pipeline_cards, "ask_lost_reason", lambda *_a: budget)
    assert board.drop(deal_mime(card.id), lost.column.stage.id)
    assert deal_state(ops.plan, card.id) == (lost.column.stage.id, "lost", budget, SAMPLE_TODAY)
    assert ops.undo_stack.undoText() == "Lose Deal"
    assert lost.model.cards[0].lost_reason == "No budget"
    ops.undo_stack.undo()
    assert deal_state(ops.plan, card.id) == before


def test_filters_narrow_every_column(qtbot: QtBot, board: PipelineBoard, ops: Any) -> None:
    owner_id, name = pipeline_board(ops.plan, today=SAMPLE_TODAY).owners[0]
    board.owner.setCurrentIndex(board.owner.findData(owner_id))
    expected = pipeline_board(ops.plan, owner_id=owner_id, today=SAMPLE_TODAY)
    assert counts(board) == [c.count for c in expected.columns]
    assert all(card.owner == name for w in board.columns for card in w.model.cards)
    board.owner.setCurrentIndex(0)
    board.period.setCurrentIndex(board.period.count() - 1)
    assert board.period.currentText() == "All time"
    everything = pipeline_board(ops.plan, all_time=True, today=SAMPLE_TODAY)
    assert counts(board) == [c.count for c in everything.columns]
    name = board.columns[0].model.cards[0].customer
    qtbot.keyClicks(board.search, name)
    found = pipeline_board(ops.plan, all_time=True, search=name, today=SAMPLE_TODAY)
    qtbot.waitUntil(lambda: counts(board) == [c.count for c in found.columns])
    assert all(name in card.customer for w in board.columns for card in w.model.cards)
    board.search.setText("no such customer")
    qtbot.waitUntil(lambda: counts(board) == [0] * 6)
    assert board.columns[0].more.text() == "No open deals here. Drag a card here to move it."
    assert board.columns[4].more.text() == "No deals closed in this period."


def test_a_hidden_board_waits_until_shown(
    qtbot: QtBot, board: PipelineBoard, ops: PlanOperations
) -> None:
    lead, qualified = column_of(board, "Lead"), column_of(board, "Qualified")
    count = lead.column.count
    card = lead.model.cards[0]
    board.hide()
    with ops.plan.uow() as uow:
        command = move_deal(uow, card.id, qualified.column.stage.id, today=SAMPLE_TODAY)
    assert ops.run(command)
    assert board.is_stale and lead.column.count == count
    board.show()
    qtbot.waitUntil(lambda: not board.is_stale)
    assert lead.column.count == count - 1


def test_card_models(qtmodeltester: Any, board: PipelineBoard) -> None:
    for widget in board.columns:
        qtmodeltester.check(widget.model)


@pytest.fixture
def analysis(qtbot: QtBot, ops: PlanOperations) -> WinLossView:
    view = WinLossView(ops)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_analysis_tables_match_the_query(
    analysis: WinLossView, ops: PlanOperations, qtmodeltester: Any
) -> None:
    result = win_loss(ops.plan, current_fiscal_year(ops.plan, SAMPLE_TODAY))
    assert result.total.closed > 0
    for key in ("by_owner", "by_channel", "by_segment"):
        model = analysis.models[key]
        qtmodeltester.check(model)
        rows = getattr(result, key)
        assert model.rows == [*rows, result.total]
        last = model.rowCount() - 1
        rate = model.data(model.index(last, 3))
        assert rate == analysis.formats.percent(result.total.win_rate)
    qtmodeltester.check(analysis.reasons)
    assert analysis.reasons.rows == list(result.lost_reasons)
    first = result.lost_reasons[0]
    assert analysis.reasons.data(analysis.reasons.index(0, 0)) == first.reason
    assert analysis.reasons.data(analysis.reasons.index(0, 1)) == str(first.deals)
    assert analysis.formats.percent(result.total.win_rate) in analysis.summary.text()
    shown = [r for r in result.by_channel if r.closed]
    assert analysis.chart.categories() == [r.name for r in shown]
    assert analysis.chart.series()["Win rate"] == [float(r.win_rate or 0) for r in shown]


def test_analysis_all_time_and_chart_by_owner(analysis: WinLossView, ops: PlanOperations) -> None:
    analysis.period.setCurrentIndex(analysis.period.count() - 1)
    assert analysis.period.currentText() == "All time"
    result = win_loss(ops.plan, all_time=True)
    assert analysis.models["by_owner"].rows[-1] == result.total
    analysis.chart_choice.setCurrentIndex(1)
    shown = [r for r in result.by_owner if r.closed]
    assert analysis.chart.categories() == [r.name for r in shown]
    assert analysis.chart.series()["Win rate"] == [float(r.win_rate or 0) for r in shown]


def test_analysis_follows_a_deal_change(
    qtbot: QtBot, board: PipelineBoard, analysis: WinLossView, ops: PlanOperations
) -> None:
    won_before = analysis.result.total.won if analysis.result else -1
    negotiation, won = column_of(board, "Negotiation"), column_of(board, "Won")
    assert board.drop(deal_mime(negotiation.model.cards[0].id), won.column.stage.id)
    assert analysis.result is not None and analysis.result.total.won == won_before + 1


def test_a_dragged_card_carries_its_deal_id(board: PipelineBoard) -> None:
    lead = column_of(board, "Lead")
    model = lead.model
    mime = model.mimeData([model.index(1)])
    assert deal_from_mime(mime) == model.cards[1].id
    assert mime.formats() == [DEAL_MIME]
    assert model.flags(model.index(1)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert lead.view.dragEnabled() and lead.view.acceptDrops()
    other = QMimeData()
    other.setText("12")
    assert not model.canDropMimeData(other, Qt.DropAction.MoveAction, -1, -1, QModelIndex())


def test_card_menu_moves_and_double_click_asks_to_edit(
    qtbot: QtBot, board: PipelineBoard, ops: PlanOperations
) -> None:
    qualified = column_of(board, "Qualified")
    card = qualified.model.cards[0]
    menu = board.card_menu(qualified, qualified.model.index(0))
    assert menu is not None
    move: Any = next(a.menu() for a in menu.actions() if a.text() == "Move to")
    names = [a.text() for a in move.actions()]
    assert names == ["Lead", "Proposal", "Negotiation", "Won", "Lost"]
    next(a for a in move.actions() if a.text() == "Negotiation").trigger()
    negotiation_id = column_of(board, "Negotiation").column.stage.id
    assert deal_state(ops.plan, card.id)[0] == negotiation_id
    assert ops.undo_stack.undoText() == "Move Deal to Negotiation"

    lead = column_of(board, "Lead")
    with qtbot.waitSignal(board.edit_requested) as signal:
        lead.view.doubleClicked.emit(lead.model.index(0))
    assert signal.args == [lead.model.cards[0].id]


def test_a_hidden_analysis_waits_until_shown(
    qtbot: QtBot, board: PipelineBoard, analysis: WinLossView, ops: PlanOperations
) -> None:
    assert analysis.result is not None
    lost_before = analysis.result.total.lost
    analysis.hide()
    negotiation, lost = column_of(board, "Negotiation"), column_of(board, "Lost")
    reason = next(iter(board.board.lost_reasons))[0] if board.board else 0
    with ops.plan.uow() as uow:
        command = lose_deal(uow, negotiation.model.cards[0].id, reason, today=SAMPLE_TODAY)
    assert ops.run(command)
    assert analysis.is_stale and analysis.result.total.lost == lost_before
    assert lost.column is not None and lost.column.count > 0
    analysis.show()
    qtbot.waitUntil(lambda: not analysis.is_stale)
    assert analysis.result.total.lost == lost_before + 1
