"""The Pipeline tab on the sample plan: filters and totals against the query, the deal form,
win/lose/reopen with undo, the stale flags, and the stages editor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner import queries
from planner.db.models import Deal, DealEvent, Stage
from planner.db.plan import Plan
from planner.domain.pipeline import DealStatus
from ui.deal_dialog import LoseDialog, ReopenDialog
from ui.models.formats import Formats
from ui.tabs.pipeline import PipelineTab
from ui.tabs.pipeline_table import NEEDS_ATTENTION
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 11, 23)  # the sample plan is built for this day
EUR = Formats("EUR")


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> PipelineTab:
    widget = PipelineTab(ops)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def scalar(plan: Plan, statement: Any) -> Any:
    with plan.session() as session:
        return session.scalar(statement)


def totals_text(rows: list[queries.DealRow], every: int) -> str:
    amount = sum((d.amount for d in rows), Decimal(0))
    weighted = sum((d.weighted for d in rows), Decimal(0))
    count = str(len(rows)) if len(rows) == every else f"{len(rows)} of {every}"
    flagged = sum(d.stale for d in rows)
    attention = f" · {flagged} need attention" if flagged else ""
    return (
        f"{count} deals shown · Amount {EUR.money(amount)} · Weighted {EUR.money(weighted)}"
        f"{attention}"
    )


def pick(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def select_deal(tab: PipelineTab, deal_id: int) -> None:
    tab.table.select_deal(deal_id)
    assert tab.table.current_deal() is not None
    assert tab.table.current_deal().id == deal_id  # type: ignore[union-attr]


def test_filters_and_totals_match_the_query(tab: PipelineTab, ops: PlanOperations) -> None:
    every = queries.deals(ops.plan, today=TODAY)
    assert tab.totals.text() == totals_text(every, len(every))
    table = tab.table
    pick(table.status, "Open")
    pick(table.stage, "Proposal")
    expected = [d for d in every if d.status is DealStatus.OPEN and d.stage == "Proposal"]
    assert len(expected) > 0 and tab.model.shown == expected
    assert tab.totals.text() == totals_text(expected, len(every))
    owner = expected[0].owner
    pick(table.owner, owner)
    expected = [d for d in expected if d.owner == owner]
    assert tab.model.shown == expected
    assert tab.totals.text() == totals_text(expected, len(every))
    table.reset_filters()
    assert len(tab.model.shown) == len(every)

    offering, segment, channel = every[0].offering, every[0].segment, every[0].channel
    pick(table.offering, offering)
    pick(table.segment, segment)
    pick(table.channel, channel)
    expected = [
        d for d in every if (d.offering, d.segment, d.channel) == (offering, segment, channel)
    ]
    assert tab.model.shown == expected and expected
    table.reset_filters()

    # Close-date range: December 2026 only, both ends included.
    table.close_from.setDate(QDate(2026, 12, 1))
    table.close_to.setDate(QDate(2026, 12, 31))
    expected = [
        d for d in every
        if d.expected_close and dt.date(2026, 12, 1) <= d.expected_close <= dt.date(2026, 12, 31)
    ]  # fmt: skip
    assert tab.model.shown == expected and 0 < len(expected) < len(every)
    assert tab.totals.text() == totals_text(expected, len(every))
    pick(table.status, "Won")
    assert tab.model.shown == [d for d in expected if d.status is DealStatus.WON]
    table.clear_filters.click()
    assert tab.model.shown == every


def test_stale_deals_are_flagged_with_reasons(tab: PipelineTab) -> None:
    model = tab.model
    column = [c.header for c in model.columns].index(NEEDS_ATTENTION)
    stale = [(n, d) for n, d in enumerate(model.shown) if d.stale]
    assert stale, "the sample plan has deals that need attention"
    row, deal = stale[0]
    index = model.index(row, column)
    assert index.data() == "⚠ " + "; ".join(deal.stale_reasons)
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "This deal needs attention:\n" + "\n".join(deal.stale_reasons)
    fresh = next(n for n, d in enumerate(model.shown) if not d.stale)
    assert model.index(fresh, column).data() == ""
    assert all(d.status is DealStatus.OPEN for _, d in stale)


def test_new_deal_through_the_form(tab: PipelineTab, ops: PlanOperations) -> None:
    before = len(tab.model.rows)
    dialog = tab.deal_dialog()
    # Refused input is explained at its field; nothing is stored and no undo step made.
    dialog.amount.setText("12,50x")
    dialog.customer.setText("Corner Cafe")
    dialog.accept()
    assert dialog.messages["amount"].text() == "'12,50x' is not an amount of money."
    dialog.amount.setText("2,400.00")
    dialog.customer.setText("  ")
    dialog.accept()
    assert dialog.messages["customer"].text() == "Enter the customer's name."
    assert dialog.messages["amount"].text() == ""
    assert ops.undo_stack.count() == 0 and len(tab.model.rows) == before

    dialog.customer.setText("Corner Cafe")
    dialog.title_edit.setText("Weekly croissants")
    pick(dialog.stage, "Proposal (50 %)")
    dialog.probability.setText("")  # blank: the stage's 50 %
    dialog.close_date.setDate(QDate(2027, 1, 15))
    owner = dialog.owner.itemText(1)
    dialog.owner.setCurrentIndex(1)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert ops.undo_stack.undoText() == "Add Deal" and ops.undo_stack.count() == 1
    new = max(tab.model.rows, key=lambda d: d.id)
    assert (new.customer, new.title, new.stage, new.owner) == (
        "Corner Cafe", "Weekly croissants", "Proposal", owner,
    )  # fmt: skip
    assert (new.amount, new.probability, new.weighted) == (
        Decimal("2400.00"), 50, Decimal("1200.00"),
    )  # fmt: skip
    assert new.expected_close == dt.date(2027, 1, 15) and new.created_on == TODAY
    events = select(func.count(DealEvent.id)).where(DealEvent.deal_id == new.id)
    assert scalar(ops.plan, events) == 1
    ops.undo_stack.undo()
    assert len(tab.model.rows) == before
    assert scalar(ops.plan, select(Deal.id).where(Deal.id == new.id)) is None
    assert scalar(ops.plan, events) == 0
    ops.undo_stack.redo()
    assert len(tab.model.rows) == before + 1 and scalar(ops.plan, events) == 1


def test_edit_form_changes_close_date_and_counts_a_slip(
    tab: PipelineTab, ops: PlanOperations
) -> None:
    deal = next(d for d in tab.model.rows if d.status is DealStatus.OPEN and d.expected_close)
    dialog = tab.deal_dialog(deal.id)
    assert dialog.customer.text() == deal.customer
    assert dialog.amount.text() == f"{deal.amount:.2f}"
    assert deal.expected_close is not None
    later = deal.expected_close + dt.timedelta(days=14)
    dialog.close_date.setDate(QDate(later.year, later.month, later.day))
    dialog.accept()
    assert ops.undo_stack.undoText() == "Edit Deal"
    row = tab.model.rows[tab.model.rows.index(next(r for r in tab.model.rows if r.id == deal.id))]
    assert (row.expected_close, row.slips) == (later, deal.slips + 1)
    ops.undo_stack.undo()
    row = next(r for r in tab.model.rows if r.id == deal.id)
    assert (row.expected_close, row.slips) == (deal.expected_close, deal.slips)


def status_of(plan: Plan, deal_id: int) -> tuple[str, Any]:
    with plan.session() as session:
        d = session.get(Deal, deal_id)
        assert d is not None
        stage = session.get(Stage, d.stage_id)
        assert stage is not None
        return d.status, stage.name


def test_win_lose_reopen_buttons_with_undo(
    tab: PipelineTab, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = next(d for d in tab.model.shown if d.status is DealStatus.OPEN)
    select_deal(tab, deal.id)
    assert tab.table.win_button.isEnabled() and not tab.table.reopen_button.isEnabled()
    tab.table.win_button.click()
    assert status_of(ops.plan, deal.id) == ("won", "Won")
    assert ops.undo_stack.undoText() == "Win Deal"
    assert next(r for r in tab.model.rows if r.id == deal.id).status is DealStatus.WON
    assert tab.table.reopen_button.isEnabled() and not tab.table.win_button.isEnabled()
    ops.undo_stack.undo()
    assert status_of(ops.plan, deal.id) == ("open", deal.stage)
    assert next(r for r in tab.model.rows if r.id == deal.id).status is DealStatus.OPEN

    # Lose…: OK without a reason is refused at the question; then a reason loses it.
    answers: list[str] = []

    def answer_lose(dialog: LoseDialog) -> int:
        dialog.accept()
        answers.append(dialog.message.text())
        pick(dialog.combo, "Price too high")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(LoseDialog, "exec", answer_lose)
    select_deal(tab, deal.id)
    tab.table.lose_button.click()
    assert answers == ["Choose why the deal was lost."]
    assert status_of(ops.plan, deal.id) == ("lost", "Lost")
    row = next(r for r in tab.model.rows if r.id == deal.id)
    assert (row.lost_reason, row.weighted, row.closed_on) == ("Price too high", 0, TODAY)
    assert ops.undo_stack.undoText() == "Lose Deal"

    def answer_reopen(dialog: ReopenDialog) -> int:
        pick(dialog.combo, "Qualified")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(ReopenDialog, "exec", answer_reopen)
    select_deal(tab, deal.id)
    tab.table.reopen_button.click()
    assert status_of(ops.plan, deal.id) == ("open", "Qualified")
    assert ops.undo_stack.undoText() == "Reopen Deal"
    ops.undo_stack.undo()
    assert status_of(ops.plan, deal.id) == ("lost", "Lost")
    ops.undo_stack.undo()
    assert status_of(ops.plan, deal.id) == ("open", deal.stage)
    ops.undo_stack.redo()
    ops.undo_stack.redo()
    assert status_of(ops.plan, deal.id) == ("open", "Qualified")


def test_amount_edit_in_the_table_updates_weighted_and_totals(
    tab: PipelineTab, ops: PlanOperations
) -> None:
    model = tab.model
    column = [c.header for c in model.columns].index("Amount")
    deal = model.row_at(0)
    assert model.setData(model.index(0, column), "1000")
    row = model.row_at(0)
    assert row.amount == Decimal("1000.00")
    assert row.weighted == Decimal(row.probability * 10).quantize(Decimal("0.01"))
    every = queries.deals(ops.plan, today=TODAY)
    assert tab.totals.text() == totals_text(every, len(every))
    ops.undo_stack.undo()
    assert model.row_at(0).amount == deal.amount


def test_stages_dialog(tab: PipelineTab, ops: PlanOperations) -> None:
    dialog = tab.stages_dialog()
    model = dialog.model
    names = [s.name for s in model.rows]
    assert names == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    # A new default probability changes the weighted value of deals without their own.
    lead = model.rows[0]
    assert model.setData(model.index(0, 1), "15")
    assert ops.undo_stack.undoText() == "Change Stage Probability"
    in_lead = [d for d in tab.model.rows if d.stage == "Lead" and d.own_probability is None]
    assert in_lead and all(d.probability == 15 for d in in_lead)
    assert not model.setData(model.index(4, 1), "90")  # the won stage's is fixed
    ops.undo_stack.undo()
    assert next(s for s in dialog.model.rows if s.id == lead.id).probability == 10

    dialog.view.setCurrentIndex(model.index(0, 0))
    dialog.delete()
    assert dialog.message.text() == (
        f"Lead cannot be deleted: {lead.deals} deals are in it. Move them to another stage first."
    )
    dialog.add()
    assert [s.name for s in model.rows][4] == "New stage"
    assert tab.table.stage.findText("New stage") > 0  # the filter offers it
    assert model.setData(model.index(4, 0), "Tasting")
    assert dialog.selected() is not None and dialog.selected().name == "Tasting"  # type: ignore[union-attr]
    dialog.shift(-1)
    assert [s.name for s in model.rows][3:5] == ["Tasting", "Negotiation"]
    dialog.delete()  # nothing is in it
    assert "Tasting" not in [s.name for s in model.rows]
    for _ in range(4):
        ops.undo_stack.undo()
    assert [s.name for s in model.rows] == names


def test_view_switch_offers_the_views_that_exist(tab: PipelineTab) -> None:
    titles = [tab.views.tabText(n) for n in range(tab.views.count())]
    assert titles[0] == "Table"
    expected = ["Table"]
    if tab.board is not None:
        expected.append("Board")
    if tab.analysis is not None:
        expected.append("Win/loss")
    assert titles == expected
    for n in range(1, tab.views.count()):
        tab.views.setCurrentIndex(n)  # the view reloads when first shown
        assert tab.views.currentWidget().isVisible()


def test_saving_a_lost_deal_form_keeps_it_lost(tab: PipelineTab, ops: PlanOperations) -> None:
    deal = next(d for d in tab.model.rows if d.status is DealStatus.LOST)
    dialog = tab.deal_dialog(deal.id)
    assert dialog.stage.currentText().startswith("Lost")
    dialog.notes.setPlainText("Try again next season.")
    dialog.accept()
    assert status_of(ops.plan, deal.id) == ("lost", "Lost")
    assert ops.undo_stack.undoText() == "Edit Deal"


def test_close_date_and_probability_edits_in_the_table(
    tab: PipelineTab, ops: PlanOperations
) -> None:
    model = tab.model
    headers = [c.header for c in model.columns]
    row = next(n for n, d in enumerate(model.shown) if d.status is DealStatus.OPEN)
    deal = model.row_at(row)
    assert model.setData(model.index(row, headers.index("Expected close")), "2027-03-31")
    assert ops.undo_stack.undoText() == "Change Expected Close"
    changed = model.row_at(row)
    assert (changed.expected_close, changed.slips) == (dt.date(2027, 3, 31), deal.slips + 1)
    # Refused input stores nothing.
    assert not model.setData(model.index(row, headers.index("Expected close")), "soon")
    assert ops.undo_stack.count() == 1
    ops.undo_stack.undo()
    assert (model.row_at(row).expected_close, model.row_at(row).slips) == (
        deal.expected_close, deal.slips,
    )  # fmt: skip
    # The deal's own probability; cleared, the stage's counts again.
    column = headers.index("Probability")
    assert model.setData(model.index(row, column), "90")
    assert model.row_at(row).own_probability == 90
    assert model.row_at(row).weighted == (deal.amount * 90 / 100).quantize(Decimal("0.01"))
    assert model.setData(model.index(row, column), "")
    stage = next(s for s in queries.stages(ops.plan) if s.name == deal.stage)
    assert (model.row_at(row).own_probability, model.row_at(row).probability) == (
        None, stage.probability,
    )  # fmt: skip


def test_double_click_on_a_read_only_cell_opens_the_form(
    qtbot: QtBot, tab: PipelineTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.deal_dialog import DealDialog

    opened: list[str] = []

    def fake_exec(dialog: DealDialog) -> int:
        opened.append(dialog.customer.text())
        return 0

    monkeypatch.setattr(DealDialog, "exec", fake_exec)
    column = [c.header for c in tab.model.columns].index("Stage")
    index = tab.model.index(2, column)
    rect = tab.view.visualRect(index)
    # A real double click starts with a press, which the view needs to know the cell.
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [tab.model.row_at(2).customer]
    select_deal(tab, tab.model.row_at(3).id)
    tab.table.edit_button.click()
    assert opened[-1] == tab.model.row_at(3).customer


def test_renaming_a_filtered_stage_shows_all_stages_again(
    tab: PipelineTab, ops: PlanOperations
) -> None:
    pick(tab.table.stage, "Proposal")
    shown = len(tab.model.shown)
    dialog = tab.stages_dialog()
    row = [s.name for s in dialog.model.rows].index("Proposal")
    assert dialog.model.setData(dialog.model.index(row, 0), "Quote sent")
    assert tab.table.stage.currentText() == "All stages"
    assert len(tab.model.shown) == len(tab.model.rows) > shown
    assert sum(d.stage == "Quote sent" for d in tab.model.rows) == shown


def test_board_edit_request_opens_the_deal_form(qtbot, ops, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A card's "Edit Deal…" on the board opens the same form as the table's Edit."""
    from ui.tabs.pipeline import PipelineTab

    opened: list[int] = []
    monkeypatch.setattr(PipelineTab, "edit_deal", lambda self, deal_id: opened.append(deal_id))
    tab = PipelineTab(ops)
    qtbot.addWidget(tab)
    assert tab.board is not None
    tab.board.edit_requested.emit(7)
    assert opened == [7]
