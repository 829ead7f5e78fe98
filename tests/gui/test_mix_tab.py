"""The Marketing mix tab on the sample plan: editing the 4Ps in place, refused input, the
list's add/duplicate/move/archive/delete buttons, ticks and budgets, each undone and redone
through the undo stack."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner import queries
from planner.db.models import Deal, Offering, OfferingChannel, SegmentOffering, Target
from planner.db.plan import Plan
from planner.services.offerings import delete_question
from planner.services.profile import read_profile, update_profile
from ui.tabs.mix import MixTab
from ui.tabs.mix_fields import LineField, TextField
from ui.undo import PlanOperations

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

TODAY = dt.date(2026, 11, 23)
ACTIVE = ["Bakery counter", "Catering for events & offices", "Web shop gift boxes",
          "Wholesale to cafés"]  # fmt: skip


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> MixTab:
    return open_tab(qtbot, ops)


def open_tab(qtbot: QtBot, ops: PlanOperations) -> MixTab:
    made = MixTab(ops)
    qtbot.addWidget(made)
    made.resize(1280, 860)
    made.show()
    qtbot.waitExposed(made)
    made.activateWindow()
    qtbot.waitUntil(made.isActiveWindow)
    return made


def scalar(plan: Plan, statement: Any) -> Any:
    with plan.session() as session:
        return session.scalar(statement)


def offering_id(plan: Plan, name: str) -> int:
    return int(scalar(plan, select(Offering.id).where(Offering.name == name)))


def names(tab: MixTab) -> list[str]:
    model = tab.list_model
    return [str(model.index(r).data()) for r in range(model.rowCount())]


def select_offering(tab: MixTab, name: str) -> None:
    tab.view.setCurrentIndex(tab.list_model.index(names(tab).index(name)))
    assert tab.editor.heading.text() == name


def line(tab: MixTab, key: str) -> QLineEdit:
    field = tab.editor.fields[key]
    assert isinstance(field, LineField)
    return field.line


def type_line(qtbot: QtBot, editor: QLineEdit, text: str, *, enter: bool = True) -> None:
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    if enter:
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def button(tab: MixTab, text: str) -> QToolButton:
    found = [b for b in tab.findChildren(QToolButton) if b.text() == text]
    assert len(found) == 1, text
    return found[0]


def price_minor(plan: Plan, name: str) -> int:
    return int(scalar(plan, select(Offering.list_price_minor).where(Offering.name == name)))


def test_shows_the_selected_offering(tab: MixTab, ops: PlanOperations, qtmodeltester: Any) -> None:
    assert names(tab) == ACTIVE
    first = queries.offerings(ops.plan)[0]
    assert tab.editor.heading.text() == first.name == "Bakery counter"
    assert tab.editor.fields["description"].text() == first.description
    assert line(tab, "list_price").text() == "6.50"
    assert line(tab, "unit_cost").text() == "2.60"
    assert tab.editor.margin.text() == "€3.90 a sale, 60.0% of the price"  # 3.90 / 6.50
    assert tab.editor.fields["lifecycle_stage"].text() == "Maturity"
    # Every P has its guidance with an example, in the plan's currency.
    for p in ("Product", "Price", "Place", "Promotion"):
        guide = tab.editor._guides[p].text()
        assert "Example:" in guide and 150 < len(guide) < 450, p
    assert "sells for €45 and costs €14" in tab.editor._guides["Price"].text()
    # The counter is promoted by the shop window (1,640), Instagram (1,200) and email (180).
    assert tab.editor.budget_total.text() == "Total: €3,020.00 a year in 3 channels."
    select_offering(tab, "Catering for events & offices")
    assert line(tab, "list_price").text() == "32.00"
    assert tab.editor.margin.text() == "€17.50 a sale, 54.7% of the price"  # 17.50 / 32
    qtmodeltester.check(tab.list_model)
    qtmodeltester.check(tab.promotion_model)


def test_list_price_typed_stored_undone_and_redone(
    qtbot: QtBot, tab: MixTab, ops: PlanOperations
) -> None:
    name = "Catering for events & offices"
    select_offering(tab, name)
    price = line(tab, "list_price")
    type_line(qtbot, price, "35", enter=False)
    # The margin follows what is typed, before anything is stored.
    assert tab.editor.margin.text() == "€20.50 a sale, 58.6% of the price"  # 20.50 / 35
    assert price_minor(ops.plan, name) == 3200
    qtbot.keyClick(price, Qt.Key.Key_Return)
    assert price_minor(ops.plan, name) == 3500
    assert ops.undo_stack.count() == 1 and ops.undo_stack.undoText() == "Change List Price"
    assert price.text() == "35.00" and price.hasFocus()
    assert tab.editor.heading.text() == name  # still the same offering
    ops.undo_stack.undo()
    assert price_minor(ops.plan, name) == 3200
    assert price.text() == "32.00"
    assert tab.editor.margin.text() == "€17.50 a sale, 54.7% of the price"
    ops.undo_stack.redo()
    assert price_minor(ops.plan, name) == 3500
    assert tab.editor.margin.text() == "€20.50 a sale, 58.6% of the price"
    # A cost above the price shows the loss in red.
    type_line(qtbot, line(tab, "unit_cost"), "40")
    assert tab.editor.margin.text() == "-€5.00 a sale, -14.3% of the price: each sale loses money"
    assert "color" in tab.editor.margin.styleSheet()


def test_bad_price_is_refused_at_the_field(qtbot: QtBot, tab: MixTab, ops: PlanOperations) -> None:
    name = "Catering for events & offices"
    select_offering(tab, name)
    field = tab.editor.fields["list_price"]
    price = line(tab, "list_price")
    type_line(qtbot, price, "abc")
    assert field.refused and field.message.isVisible()
    assert field.message.text() == "'abc' is not an amount of money."
    assert price.text() == "abc"  # the user's text stays to be corrected
    assert price_minor(ops.plan, name) == 3200 and ops.undo_stack.count() == 0
    assert tab.editor.margin.text() == "Type a price and a cost to see the margin."
    type_line(qtbot, price, "-5")
    assert field.message.text() == "An amount cannot be negative here."
    assert price_minor(ops.plan, name) == 3200 and ops.undo_stack.count() == 0
    # Another edit elsewhere does not wipe the text being corrected.
    type_line(qtbot, line(tab, "unit_cost"), "15")
    assert price.text() == "-5" and field.refused
    qtbot.keyClick(price, Qt.Key.Key_Escape)
    assert price.text() == "32.00" and not field.refused and field.message.isHidden()
    assert tab.editor.margin.text() == "€17.00 a sale, 53.1% of the price"  # 17 / 32
    # Correcting the value stores it.
    type_line(qtbot, price, "-5")
    type_line(qtbot, price, "34")
    assert price_minor(ops.plan, name) == 3400 and not field.refused


def test_text_fields_store_on_leaving(qtbot: QtBot, tab: MixTab, ops: PlanOperations) -> None:
    field = tab.editor.fields["value_proposition"]
    assert isinstance(field, TextField)
    stored = select(Offering.value_proposition).where(Offering.name == "Bakery counter")
    before = scalar(ops.plan, stored)
    field.box.setFocus()
    qtbot.waitUntil(field.box.hasFocus)
    qtbot.keyClick(field.box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field.box, "Bread like grandmother's")
    qtbot.keyClick(field.box, Qt.Key.Key_Return)  # a new line, not "store"
    qtbot.keyClicks(field.box, "baked nearby")
    assert scalar(ops.plan, stored) == before and ops.undo_stack.count() == 0
    line(tab, "list_price").setFocus()
    qtbot.waitUntil(lambda: scalar(ops.plan, stored) == "Bread like grandmother's\nbaked nearby")
    assert ops.undo_stack.undoText() == "Change Value Proposition"
    ops.undo_stack.undo()
    assert scalar(ops.plan, stored) == before == field.text()
    # A choice is stored as soon as it is picked.
    combo = tab.editor.fields["lifecycle_stage"].focusProxy()
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    stage = select(Offering.lifecycle_stage).where(Offering.name == "Bakery counter")
    assert scalar(ops.plan, stage) == "Decline"
    assert ops.undo_stack.undoText() == "Change Life-Cycle Stage"
    assert "falling" in tab.editor.fields["lifecycle_stage"].hint.text()  # type: ignore[attr-defined]
    ops.undo_stack.undo()
    assert tab.editor.fields["lifecycle_stage"].text() == "Maturity"


def test_add_and_rename_in_place(qtbot: QtBot, tab: MixTab, ops: PlanOperations) -> None:
    button(tab, "Add").click()
    assert names(tab) == [*ACTIVE, "New offering"]
    assert tab.editor.heading.text() == "New offering"
    editor = tab.view.indexWidget(tab.view.currentIndex())
    assert isinstance(editor, QLineEdit)  # ready for the name to be typed
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "Birthday cakes")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: names(tab)[-1] == "Birthday cakes")
    assert tab.editor.heading.text() == "Birthday cakes"
    assert [ops.undo_stack.text(i) for i in range(2)] == ["Add Offering", "Rename Offering"]
    count = select(func.count()).select_from(Offering)
    assert scalar(ops.plan, count) == 5
    ops.undo_stack.undo()
    assert names(tab)[-1] == "New offering"
    ops.undo_stack.undo()
    assert names(tab) == ACTIVE and scalar(ops.plan, count) == 4
    assert tab.editor.heading.text() == "Bakery counter"
    ops.undo_stack.redo()
    ops.undo_stack.redo()
    assert names(tab) == [*ACTIVE, "Birthday cakes"]


def test_duplicate_and_move(qtbot: QtBot, tab: MixTab, ops: PlanOperations) -> None:
    select_offering(tab, "Bakery counter")
    button(tab, "Duplicate").click()
    assert names(tab) == [ACTIVE[0], "Bakery counter (copy)", *ACTIVE[1:]]
    assert tab.editor.heading.text() == "Bakery counter (copy)"
    assert line(tab, "list_price").text() == "6.50"
    assert tab.editor.budget_total.text() == "Total: €3,020.00 a year in 3 channels."
    copy = offering_id(ops.plan, "Bakery counter (copy)")
    links = select(func.count()).where(OfferingChannel.offering_id == copy)
    assert scalar(ops.plan, links) == 3
    assert ops.undo_stack.undoText() == "Duplicate Offering"
    ops.undo_stack.undo()
    assert names(tab) == ACTIVE and scalar(ops.plan, links) == 0
    # Move up is off at the top; moving down and back is one step each.
    select_offering(tab, "Bakery counter")
    assert not button(tab, "Move up").isEnabled()
    button(tab, "Move down").click()
    assert names(tab) == [ACTIVE[1], ACTIVE[0], *ACTIVE[2:]]
    assert tab.editor.heading.text() == "Bakery counter"  # the moved one stays selected
    assert ops.undo_stack.undoText() == "Move Offering Down"
    button(tab, "Move up").click()
    assert names(tab) == ACTIVE
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    assert names(tab) == ACTIVE
    ops.undo_stack.redo()
    assert names(tab) == [ACTIVE[1], ACTIVE[0], *ACTIVE[2:]]


def test_archive_hides_and_show_archived_greys(
    qtbot: QtBot, tab: MixTab, ops: PlanOperations
) -> None:
    select_offering(tab, "Web shop gift boxes")
    button(tab, "Archive").click()
    assert ops.undo_stack.undoText() == "Archive Offering"
    assert names(tab) == [ACTIVE[0], ACTIVE[1], ACTIVE[3]]
    assert tab.editor.heading.text() == "Wholesale to cafés"  # the next one
    tab.show_archived.setChecked(True)
    assert names(tab) == [ACTIVE[0], ACTIVE[1], ACTIVE[3], "Web shop gift boxes (archived)"]
    archived = tab.list_model.index(3)
    grey = QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert archived.data(Qt.ItemDataRole.ForegroundRole).color() == grey
    tab.view.setCurrentIndex(archived)
    assert tab.editor.status.isVisible() and "Archived" in tab.editor.status.text()
    assert button(tab, "Unarchive").isEnabled()
    button(tab, "Unarchive").click()
    assert ops.undo_stack.undoText() == "Unarchive Offering"
    assert names(tab) == ACTIVE  # back in its old place
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    tab.show_archived.setChecked(False)
    assert names(tab) == ACTIVE


def test_delete_asks_and_undo_brings_everything_back(
    qtbot: QtBot, tab: MixTab, ops: PlanOperations, dialogs: Any
) -> None:
    name = "Catering for events & offices"
    catering = offering_id(ops.plan, name)
    deals = select(func.count()).where(Deal.offering_id == catering)
    targets = select(func.count()).where(Target.offering_id == catering)
    before = (scalar(ops.plan, deals), scalar(ops.plan, targets))
    assert before[0] > 0
    with ops.plan.uow() as uow:
        question = delete_question(uow, catering)
    assert question.startswith(f"Delete '{name}'? {before[0]:,} deals")
    select_offering(tab, name)
    dialogs.question_answer = dialogs.question_answer.No
    button(tab, "Delete").click()
    assert dialogs.texts("question") == [question]
    assert names(tab) == ACTIVE and ops.undo_stack.count() == 0
    dialogs.question_answer = dialogs.question_answer.Yes
    button(tab, "Delete").click()
    assert names(tab) == [ACTIVE[0], *ACTIVE[2:]]
    assert tab.editor.heading.text() == "Web shop gift boxes"
    assert ops.undo_stack.undoText() == "Delete Offering"
    assert (scalar(ops.plan, deals), scalar(ops.plan, targets)) == (0, 0)
    ops.undo_stack.undo()
    assert names(tab) == ACTIVE
    assert (scalar(ops.plan, deals), scalar(ops.plan, targets)) == before
    ops.undo_stack.redo()
    assert names(tab) == [ACTIVE[0], *ACTIVE[2:]]


def test_tick_a_segment_and_a_selling_channel(tab: MixTab, ops: PlanOperations) -> None:
    counter = offering_id(ops.plan, "Bakery counter")
    served = select(func.count()).where(SegmentOffering.offering_id == counter)
    assert scalar(ops.plan, served) == 3
    item = next(
        tab.editor.segments.item(n)
        for n in range(tab.editor.segments.count())
        if tab.editor.segments.item(n).text().startswith("Cafés")
    )
    assert item.checkState() == Qt.CheckState.Unchecked
    item.setCheckState(Qt.CheckState.Checked)
    assert scalar(ops.plan, served) == 4
    assert ops.undo_stack.undoText() == "Change Target Segments"
    ops.undo_stack.undo()
    assert scalar(ops.plan, served) == 3 and item.checkState() == Qt.CheckState.Unchecked
    sellers = tab.editor.sold_through
    web = next(sellers.item(n) for n in range(sellers.count())
               if sellers.item(n).text() == "Email newsletter")  # fmt: skip
    web.setCheckState(Qt.CheckState.Checked)
    assert queries.offerings(ops.plan, counter)[0].sold_through == (
        "Email newsletter", "Shop window & counter",
    )  # fmt: skip
    assert ops.undo_stack.undoText() == "Change Sales Channels"


def test_edit_promotion_budgets(qtbot: QtBot, tab: MixTab, ops: PlanOperations) -> None:
    counter = offering_id(ops.plan, "Bakery counter")
    model, view = tab.promotion_model, tab.editor.promotion
    search = next(r for r in range(model.rowCount()) if model.row_at(r).name.startswith("Google"))
    link = select(OfferingChannel.promotes, OfferingChannel.yearly_budget_minor).where(
        OfferingChannel.offering_id == counter,
        OfferingChannel.channel_id == model.row_at(search).id,
    )

    def stored() -> Any:
        with ops.plan.session() as s:
            row = s.execute(link).first()
            return None if row is None else tuple(row)

    assert stored() is None
    budget = model.index(search, model.BUDGET)
    view.setFocus()
    view.setCurrentIndex(budget)
    qtbot.keyClicks(view, "5")  # typing over the cell opens its editor
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "00")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored() == (True, 50_000))  # a budget means it promotes
    assert ops.undo_stack.undoText() == "Change Promotion Budget"
    assert tab.editor.budget_total.text() == "Total: €3,520.00 a year in 4 channels."
    assert model.index(search, model.PROMOTES).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Checked
    )
    ops.undo_stack.undo()
    assert stored() is None
    assert tab.editor.budget_total.text() == "Total: €3,020.00 a year in 3 channels."
    # A refused budget stores nothing and adds no undo step.
    steps = ops.undo_stack.count()
    with qtbot.waitSignal(model.edit_rejected) as refused:
        assert not model.setData(budget, "-20")
    assert refused.args[1] == "An amount cannot be negative here."
    assert ops.undo_stack.count() == steps and stored() is None
    # Ticking "promotes" off clears that channel's budget; on again, it promotes with none.
    instagram = next(r for r in range(model.rowCount()) if model.row_at(r).name.startswith("Insta"))
    tick = model.index(instagram, model.PROMOTES)
    assert model.setData(tick, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert ops.undo_stack.undoText() == "Change Promotion Channels"
    assert tab.editor.budget_total.text() == "Total: €1,820.00 a year in 2 channels."
    ops.undo_stack.undo()
    # A block pasted from a spreadsheet is one undo step.
    mime = QMimeData()
    mime.setText("250\n75.50\n")
    QApplication.clipboard().setMimeData(mime)
    view.setCurrentIndex(budget)
    assert view.paste()
    assert ops.undo_stack.undoText() == "Paste 2 Cells"
    assert stored() == (True, 25_000)
    # Search ads 250 + Instagram 75.50 (was 1,200) + email 180 + shop window 1,640.
    assert tab.editor.budget_total.text() == "Total: €2,145.50 a year in 4 channels."
    ops.undo_stack.undo()
    assert stored() is None
    assert tab.editor.budget_total.text() == "Total: €3,020.00 a year in 3 channels."


def test_currency_change_reaches_every_amount(tab: MixTab, ops: PlanOperations) -> None:
    with ops.plan.uow() as uow:
        state = read_profile(uow)
        command = update_profile(uow, replace(state, currency="GBP"))
    assert ops.run(command)
    assert tab.editor._labels["list_price"].text() == "List price (£):"
    assert tab.editor.margin.text() == "£3.90 a sale, 60.0% of the price"
    assert "sells for £45 and costs £14" in tab.editor._guides["Price"].text()
    assert tab.editor.budget_total.text() == "Total: £3,020.00 a year in 3 channels."
    ops.undo_stack.undo()
    assert tab.editor.margin.text() == "€3.90 a sale, 60.0% of the price"


def test_undo_keeps_the_selection(qtbot: QtBot, tab: MixTab, ops: PlanOperations) -> None:
    select_offering(tab, "Web shop gift boxes")
    type_line(qtbot, line(tab, "unit_cost"), "9")
    select_offering(tab, "Wholesale to cafés")
    ops.undo_stack.undo()  # the change was to another offering: the selection stays
    assert tab.editor.heading.text() == "Wholesale to cafés"
    assert tab.view.currentIndex().row() == 3


def test_empty_plan_says_how_to_start(
    qtbot: QtBot, empty_plan: Plan, qtmodeltester: Any, tmp_path: Path
) -> None:
    ops = PlanOperations(empty_plan)
    tab = open_tab(qtbot, ops)
    assert tab.list_model.rowCount() == 0
    assert tab.pages.currentWidget() is tab.empty
    assert tab.empty_heading.text() == "Add your first offering"
    assert not button(tab, "Delete").isEnabled()
    qtmodeltester.check(tab.list_model)
    tab.empty_add.click()
    assert names(tab) == ["New offering"]
    assert tab.pages.currentWidget() is tab.scroll_area
    tab.view.closePersistentEditor(tab.view.currentIndex())
    assert tab.editor.margin.text() == "€0.00 a sale"  # no price yet: no percentage
    ops.undo_stack.undo()
    assert tab.pages.currentWidget() is tab.empty
    # Every offering archived: the right side says where they went.
    ops.undo_stack.redo()
    button(tab, "Archive").click()
    assert tab.empty_heading.text() == "Every offering is archived"
    assert not tab.grab().isNull()


def test_render_on_the_sample_plan(tab: MixTab, tmp_path: Path) -> None:
    """A picture of the tab for a person to look at; the test checks it was drawn."""
    picture = tab.grab()
    assert picture.width() >= 1200 and picture.height() >= 800
    assert picture.save(str(tmp_path / "mix-tab.png"))
    widgets = [w for w in tab.findChildren(QWidget) if w.isVisible()]
    assert len(widgets) > 50
