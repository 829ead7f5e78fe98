"""Bad input typed or pasted into a real grid (the Segments table on the sample plan):
absurd amounts and junk are refused with a message at the cell and nothing is stored, a
paste with one bad cell stores none of it, the locale's decimal comma is read as meant, and
right-to-left and non-Latin names are stored and shown exactly as typed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import Segment
from planner.db.plan import Plan
from ui.tabs.segments import SegmentsTab
from ui.tabs.segments_table import COLUMN
from ui.undo import PlanOperations

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]


def make_tab(qtbot: QtBot, ops: PlanOperations) -> SegmentsTab:
    tab = SegmentsTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1200, 900)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> SegmentsTab:
    return make_tab(qtbot, ops)


@pytest.fixture
def german() -> Iterator[None]:
    old = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(old)


def at(tab: SegmentsTab, row: int, header: str) -> QModelIndex:
    return tab.model.index(row, COLUMN[header])


def segments(plan: Plan) -> list[tuple[str, int, int]]:
    query = select(Segment.name, Segment.customers, Segment.yearly_value_minor).order_by(Segment.id)
    with plan.session() as session:
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def type_into(qtbot: QtBot, tab: SegmentsTab, index: QModelIndex, text: str) -> None:
    """Open the cell's editor as a user does (F2), put ``text`` in it and press Return."""
    tab.view.setFocus()
    tab.view.setCurrentIndex(index)
    QTest.keyClick(tab.view, Qt.Key.Key_F2)
    editor = tab.view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.setText(text)  # any script, as an input method or a paste would put it
    QTest.keyClick(editor, Qt.Key.Key_Return)


@pytest.mark.parametrize(
    ("header", "text", "words"),
    [
        ("Yearly value", "1e308", "is not an amount of money"),
        ("Yearly value", "NaN", "is not an amount of money"),
        ("Yearly value", "inf", "is not an amount of money"),
        ("Yearly value", "5000000000000", "too large"),
        ("Yearly value", "-20", "cannot be negative"),
        ("Yearly value", "12 apples", "is not an amount of money"),
        ("Potential customers", "1e30", "too large"),
        ("Potential customers", "2.5", "whole number"),
        ("Segment", "", "cannot be empty"),
        ("Segment", "x" * 201, "under 200"),
    ],
)
def test_bad_cells_are_refused_at_the_cell(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations, header: str, text: str, words: str
) -> None:
    before = segments(ops.plan)
    shown = at(tab, 0, header).data()
    with qtbot.waitSignal(ops.failed) as failed:
        type_into(qtbot, tab, at(tab, 0, header), text)
    assert words in failed.args[0]
    assert "[<class" not in failed.args[0]
    assert segments(ops.plan) == before
    assert at(tab, 0, header).data() == shown
    assert tab.view.currentIndex() == at(tab, 0, header)  # it stays on the refused cell
    assert ops.undo_stack.count() == 0


def test_a_paste_with_junk_stores_nothing(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    before = segments(ops.plan)
    QApplication.clipboard().setText("Students\t1200\t55\r\nRetirees\tlots\t1e308\r\n")
    tab.view.setFocus()
    tab.view.setCurrentIndex(at(tab, 0, "Segment"))
    with qtbot.waitSignal(ops.failed) as failed:
        tab.view.paste()
    message = failed.args[0]
    # The message names the row and column of a refused cell and says why.
    assert ("Potential customers: 'lots'" in message) or (
        "Yearly value: '1e308' is not an amount of money." in message
    )
    assert segments(ops.plan) == before
    assert ops.undo_stack.count() == 0


def test_junk_characters_in_a_pasted_name_are_dropped(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    QApplication.clipboard().setText('"Young\r\nfamilies\x00"\t\r\n')
    tab.view.setFocus()
    tab.view.setCurrentIndex(at(tab, 0, "Segment"))
    tab.view.paste()
    qtbot.waitUntil(lambda: segments(ops.plan)[0][0] == "Young families")
    assert at(tab, 0, "Segment").data() == "Young families"


@pytest.mark.parametrize(
    "name", ["مخبز الأمل", "מאפיית השחר", "Пекарня «Утро»", "パン屋さん", "🎂 Party cakes"]
)
def test_names_in_any_script_are_stored_and_shown(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations, name: str
) -> None:
    type_into(qtbot, tab, at(tab, 0, "Segment"), name)
    qtbot.waitUntil(lambda: segments(ops.plan)[0][0] == name)
    assert at(tab, 0, "Segment").data() == name
    # The cell draws it with the text's own direction: Qt's layout does the reordering.
    rect = tab.view.visualRect(at(tab, 0, "Segment"))
    assert rect.isValid()


def test_decimal_comma_in_a_german_locale(qtbot: QtBot, german: None, ops: PlanOperations) -> None:
    tab = make_tab(qtbot, ops)
    index = at(tab, 0, "Yearly value")
    type_into(qtbot, tab, index, "1.234")  # a thousands point here, not 1.234 euros
    qtbot.waitUntil(lambda: segments(ops.plan)[0][2] == 123400)
    type_into(qtbot, tab, index, "12,5")
    qtbot.waitUntil(lambda: segments(ops.plan)[0][2] == 1250)
    type_into(qtbot, tab, index, "2.500,75")
    qtbot.waitUntil(lambda: segments(ops.plan)[0][2] == 250075)
    shown = str(at(tab, 0, "Yearly value").data())
    assert "2.500,75" in shown  # shown back in the locale's own way
    assert ops.undo_stack.count() == 3


def test_decimal_point_in_an_english_locale(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    index = at(tab, 0, "Yearly value")
    type_into(qtbot, tab, index, "1,234")  # a thousands comma here
    qtbot.waitUntil(lambda: segments(ops.plan)[0][2] == 123400)
    type_into(qtbot, tab, index, "1.5")
    qtbot.waitUntil(lambda: segments(ops.plan)[0][2] == 150)


# -- a form: the list price field of the marketing mix ----------------------------------------


def _price_field(qtbot: QtBot, ops: PlanOperations) -> tuple[Any, QLineEdit]:
    from ui.tabs.mix import MixTab

    tab = MixTab(ops)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    field = tab.editor.fields["list_price"]
    line = field.line  # type: ignore[attr-defined]
    assert isinstance(line, QLineEdit)
    return field, line


def _type_line(line: QLineEdit, text: str) -> None:
    line.setFocus()
    line.setText(text)
    QTest.keyClick(line, Qt.Key.Key_Return)


def _price(plan: Plan) -> int:
    from planner.db.models import Offering

    with plan.session() as session:
        query = select(Offering.list_price_minor).order_by(Offering.position, Offering.id)
        return int(session.scalars(query).first() or 0)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1e308", "'1e308' is not an amount of money."),
        ("NaN", "'NaN' is not an amount of money."),
        ("2000000000000", "That amount is too large"),
    ],
)
def test_a_form_field_refuses_absurd_amounts_where_typed(
    qtbot: QtBot, ops: PlanOperations, text: str, words: str
) -> None:
    field, line = _price_field(qtbot, ops)
    before = _price(ops.plan)
    _type_line(line, text)
    assert field.refused and field.message.isVisible()
    assert field.message.text().startswith(words)
    assert line.text() == text  # left for the user to correct
    assert _price(ops.plan) == before and ops.undo_stack.count() == 0


def test_a_form_field_reads_the_german_decimal_comma(
    qtbot: QtBot, german: None, ops: PlanOperations
) -> None:
    _field, line = _price_field(qtbot, ops)
    _type_line(line, "1.234")
    qtbot.waitUntil(lambda: _price(ops.plan) == 123400)
    _type_line(line, "7,25")
    qtbot.waitUntil(lambda: _price(ops.plan) == 725)


def test_the_cell_editor_offers_the_german_decimal_comma(
    qtbot: QtBot, german: None, ops: PlanOperations
) -> None:
    tab = make_tab(qtbot, ops)
    index = at(tab, 0, "Yearly value")
    type_into(qtbot, tab, index, "2500,75")
    qtbot.waitUntil(lambda: segments(ops.plan)[0][2] == 250075)
    tab.view.setFocus()
    tab.view.setCurrentIndex(index)
    QTest.keyClick(tab.view, Qt.Key.Key_F2)
    editor = tab.view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "2500,75"  # the mark the owner types, not a program's point
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert segments(ops.plan)[0][2] == 250075
    assert ops.undo_stack.count() == 1  # reading it back changed nothing
