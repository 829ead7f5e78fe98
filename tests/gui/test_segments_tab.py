"""The Segments tab on the sample plan: editing cells, pasting, refused input, the chart,
links, adding and deleting segments, and the feedback from sales; each with undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QToolTip
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner import queries
from planner.db.models import Deal, Segment, SegmentOffering
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear
from ui.models.formats import Formats
from ui.tabs.segments import SegmentsTab
from ui.tabs.segments_table import COLUMN, SAM_TIP, SOM_TIP, TAM_TIP
from ui.undo import PlanOperations

# The offscreen platform cannot raise a tooltip window; the tooltip still gets its text.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

TODAY = dt.date(2026, 11, 23)  # tests/conftest.py builds the sample plan for this day
EUR = Formats("EUR")
D = Decimal
TAM, SAM, SOM = "Total market (TAM)", "Serviceable (SAM)", "Obtainable (SOM)"


def whole(amount: str) -> str:
    """A market size as the table shows it: in whole euros."""
    return EUR.locale.toCurrencyString(float(amount), EUR.symbol, 0)


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> SegmentsTab:
    tab = SegmentsTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1200, 900)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def scalar(plan: Plan, statement: Any) -> Any:
    with plan.session() as session:
        return session.scalar(statement)


def cell(tab: SegmentsTab, row: int, header: str) -> str:
    return str(tab.model.index(row, COLUMN[header]).data())


def at(tab: SegmentsTab, row: int, header: str) -> QModelIndex:
    return tab.model.index(row, COLUMN[header])


def type_over(qtbot: QtBot, tab: SegmentsTab, index: QModelIndex, text: str) -> None:
    """Select a cell and type over it as a user does: the first key opens the editor."""
    tab.view.setFocus()
    tab.view.setCurrentIndex(index)
    qtbot.keyClick(tab.view, text[0])
    editor = tab.view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def customers_of(plan: Plan, name: str) -> tuple[int, int]:
    row = select(Segment.customers, Segment.yearly_value_minor).where(Segment.name == name)
    with plan.session() as session:
        customers, value = session.execute(row).one()
    return customers, value


def test_models_and_what_the_tab_shows(tab: SegmentsTab, qtmodeltester: Any) -> None:
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.feedback_model)
    headers = [tab.model.headerData(COLUMN[h], Qt.Orientation.Horizontal) for h in (TAM, SAM)]
    assert headers == ["Total market\n(TAM)", "Serviceable\n(SAM)"]  # two lines, to fit
    tips = [
        tab.model.headerData(COLUMN[h], Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for h in (TAM, SAM, SOM)
    ]
    assert tips == [TAM_TIP, SAM_TIP, SOM_TIP]
    for words in ("(TAM)", "(SAM)", "(SOM)"):
        assert words in tab.intro.text()
    # The sample's first segment, worked out by hand: 1,800 x 1,600 = 2,880,000;
    # 45 % of that is 1,296,000; 6 % of that is 77,760.
    assert cell(tab, 0, "Segment") == "Offices & companies"
    assert cell(tab, 0, TAM) == whole("2880000")
    assert cell(tab, 0, SAM) == whole("1296000")
    assert cell(tab, 0, SOM) == whole("77760")
    assert (cell(tab, 0, "Priority"), cell(tab, 2, "Priority")) == ("High", "Medium")
    targeted = at(tab, 0, "Targeted").data(Qt.ItemDataRole.CheckStateRole)
    assert targeted == Qt.CheckState.Checked
    rows = queries.segments(tab.ops.plan)
    assert tab.chart.categories() == [s.name for s in rows]
    series = tab.chart.series()
    assert series[TAM][0] == 2880000.0 and series[SOM][0] == 77760.0
    assert series[SAM] == [float(s.sam) for s in rows]
    som = sum((s.som for s in rows if s.targeted), D(0))
    assert tab.totals.text() == (
        f"Obtainable revenue a year (SOM) across 4 targeted segments: {EUR.money(som)}"
    )
    assert tab.detail.title() == "Offices && companies"  # "&&" shows as one "&"
    assert tab.detail.description.toPlainText() == rows[0].description
    checked = tab.detail.checked_ids(tab.detail.offerings)
    assert checked == rows[0].offering_ids and checked


def test_typing_a_customer_count_updates_sizes_and_chart(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    type_over(qtbot, tab, at(tab, 0, "Potential customers"), "2,000")
    qtbot.waitUntil(lambda: customers_of(ops.plan, "Offices & companies")[0] == 2000)
    # 2,000 x 1,600 = 3,200,000; 45 % = 1,440,000; 6 % = 86,400.
    assert cell(tab, 0, TAM) == whole("3200000")
    assert cell(tab, 0, SAM) == whole("1440000")
    assert cell(tab, 0, SOM) == whole("86400")
    assert tab.chart.series()[SOM][0] == 86400.0
    assert tab.view.currentIndex().row() == 1  # Return moved down, as in a spreadsheet
    assert ops.undo_stack.count() == 1
    assert ops.undo_stack.undoText() == "Change Potential Customers"
    ops.undo_stack.undo()
    assert customers_of(ops.plan, "Offices & companies")[0] == 1800
    assert cell(tab, 0, TAM) == whole("2880000")
    assert tab.chart.series()[TAM][0] == 2880000.0
    ops.undo_stack.redo()
    assert tab.chart.series()[TAM][0] == 3200000.0
    assert cell(tab, 0, SOM) == whole("86400")
    # A share typed with its % sign: 50 % of 3,200,000 = 1,600,000; 6 % of that = 96,000.
    type_over(qtbot, tab, at(tab, 0, "Serviceable share"), "50%")
    assert cell(tab, 0, SAM) == whole("1600000")
    assert cell(tab, 0, SOM) == whole("96000")
    assert tab.chart.series()[SAM][0] == 1600000.0
    som = sum((s.som for s in queries.segments(ops.plan) if s.targeted), D(0))
    assert som == D("768730") - D("77760") + D("96000")
    assert tab.totals.text().endswith(EUR.money(som))


def test_paste_of_a_block_is_one_undo_step(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    names = ["Offices & companies", "Private celebrations"]
    before = [customers_of(ops.plan, n) for n in names]
    QApplication.clipboard().setText("2000\t1700\r\n10000\t950.50\r\n")
    tab.view.setFocus()
    tab.view.setCurrentIndex(at(tab, 0, "Potential customers"))
    qtbot.keyClick(tab.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [customers_of(ops.plan, n) for n in names] == [(2000, 170000), (10000, 95050)]
    assert ops.undo_stack.count() == 1 and ops.undo_stack.undoText() == "Paste 4 Cells"
    assert cell(tab, 1, TAM) == whole("9505000")  # 10,000 x 950.50
    assert tab.chart.series()[TAM][:2] == [3400000.0, 9505000.0]
    ops.undo_stack.undo()
    assert [customers_of(ops.plan, n) for n in names] == before
    assert tab.chart.series()[TAM][0] == 2880000.0
    ops.undo_stack.redo()
    assert [customers_of(ops.plan, n) for n in names] == [(2000, 170000), (10000, 95050)]
    # Delete clears the selected figures to zero, as one more step.
    selection = tab.view.selectionModel()
    tab.view.setCurrentIndex(at(tab, 0, "Potential customers"))
    for header in ("Potential customers", "Yearly value"):
        selection.select(at(tab, 0, header), selection.SelectionFlag.Select)
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert customers_of(ops.plan, names[0]) == (0, 0)
    assert cell(tab, 0, TAM) == whole("0")
    assert ops.undo_stack.count() == 2 and ops.undo_stack.undoText() == "Clear 2 Cells"
    ops.undo_stack.undo()
    assert customers_of(ops.plan, names[0]) == (2000, 170000)


def test_refused_values_store_nothing(qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations) -> None:
    share = select(Segment.obtainable_bp).where(Segment.name == "Offices & companies")
    with qtbot.waitSignal(ops.failed) as failure:
        type_over(qtbot, tab, at(tab, 0, "Obtainable share"), "150")
    assert failure.args == ["Enter a percentage from 0 to 100."]
    assert QToolTip.text() == "Enter a percentage from 0 to 100."
    assert scalar(ops.plan, share) == 600
    assert cell(tab, 0, "Obtainable share") == "6.0%"
    assert ops.undo_stack.count() == 0
    assert tab.view.currentIndex() == at(tab, 0, "Obtainable share")  # stays to be fixed
    # A paste with one bad cell stores none of its cells and names the bad one.
    QApplication.clipboard().setText("2000\t-5")
    tab.view.setCurrentIndex(at(tab, 0, "Potential customers"))
    with qtbot.waitSignal(ops.failed) as failure:
        assert not tab.view.paste()
    assert failure.args == ["Offices & companies, Yearly value: An amount cannot be negative here."]
    assert customers_of(ops.plan, "Offices & companies") == (1800, 160000)
    assert scalar(ops.plan, share) == 600 and ops.undo_stack.count() == 0
    # Names are required and unique.
    with qtbot.waitSignal(ops.failed) as failure:
        type_over(qtbot, tab, at(tab, 1, "Segment"), "offices & COMPANIES")
    assert failure.args == ["There is already a segment called 'offices & COMPANIES'."]
    assert ops.undo_stack.count() == 0


def test_priority_drop_down_and_targeted_check_box(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    priority = select(Segment.priority).where(Segment.name == "Offices & companies")
    index = at(tab, 0, "Priority")
    tab.view.setCurrentIndex(index)
    tab.view.edit(index)
    combo = tab.view.indexWidget(index)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(n) for n in range(combo.count())] == ["High", "Medium", "Low"]
    assert combo.currentText() == "High"
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    qtbot.waitUntil(lambda: scalar(ops.plan, priority) == 3)
    assert cell(tab, 0, "Priority") == "Low"
    # Space ticks the check box off: the segment no longer counts in the targeted SOM.
    targeted = select(Segment.targeted).where(Segment.name == "Offices & companies")
    tab.view.setFocus()
    tab.view.setCurrentIndex(at(tab, 0, "Targeted"))
    qtbot.keyClick(tab.view, Qt.Key.Key_Space)
    assert scalar(ops.plan, targeted) is False
    assert "across 3 targeted segments" in tab.totals.text()
    assert ops.undo_stack.undoText() == "Change Targeted"
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    assert (scalar(ops.plan, priority), scalar(ops.plan, targeted)) == (1, True)
    assert cell(tab, 0, "Priority") == "High"
    # Pasted words work too.
    QApplication.clipboard().setText("medium\tno")
    tab.view.setCurrentIndex(at(tab, 0, "Priority"))
    assert tab.view.paste()
    assert (scalar(ops.plan, priority), scalar(ops.plan, targeted)) == (2, False)


def test_detail_panel_edits_text_and_links(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations
) -> None:
    first = queries.segments(ops.plan)[0]
    needs = select(Segment.needs).where(Segment.id == first.id)
    box = tab.detail.needs
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "Lunch for meetings")
    assert scalar(ops.plan, needs) == first.needs  # stored when the box is left
    tab.view.setFocus()
    qtbot.waitUntil(lambda: scalar(ops.plan, needs) == "Lunch for meetings")
    assert cell(tab, 0, "Needs and pains") == "Lunch for meetings"
    assert ops.undo_stack.undoText() == "Change Needs and Pains"
    # Link an offering: tick it in the list.
    links = tab.detail.offerings
    item = next(
        links.item(n)
        for n in range(links.count())
        if links.item(n).checkState() == Qt.CheckState.Unchecked
    )
    offering = item.data(Qt.ItemDataRole.UserRole)
    linked = (
        select(func.count())
        .select_from(SegmentOffering)
        .where(SegmentOffering.segment_id == first.id, SegmentOffering.offering_id == offering)
    )
    item.setCheckState(Qt.CheckState.Checked)
    assert scalar(ops.plan, linked) == 1
    assert ops.undo_stack.count() == 2
    assert ops.undo_stack.undoText() == "Change Offerings for Segment"
    assert offering in tab.selected().offering_ids  # type: ignore[union-attr]
    ops.undo_stack.undo()
    assert scalar(ops.plan, linked) == 0
    assert offering not in tab.detail.checked_ids(links)
    ops.undo_stack.undo()
    assert box.toPlainText() == first.needs == scalar(ops.plan, needs)
    # Text too long for the field is refused at the box and kept there to be fixed.
    box.setFocus()
    box.setPlainText("x" * 20001)
    box.document().setModified(True)
    tab.view.setFocus()
    qtbot.waitUntil(lambda: tab.detail.message.isVisible())
    assert tab.detail.message.text() == "Keep this under 20000 characters."
    assert scalar(ops.plan, needs) == first.needs and ops.undo_stack.index() == 0
    box.show_text(first.needs)
    # Channels likewise: untick every one.
    channels = tab.detail.channels
    for n in range(channels.count()):
        channels.item(n).setCheckState(Qt.CheckState.Unchecked)
    assert queries.segments(ops.plan)[0].channels == ()
    assert tab.detail.checked_ids(channels) == frozenset()


def test_add_and_delete_segments_with_undo(
    qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations, dialogs: Any
) -> None:
    count = tab.model.rowCount()
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == count + 1
    assert cell(tab, count, "Segment") == "New segment"
    editor = tab.view.indexWidget(at(tab, count, "Segment"))
    assert isinstance(editor, QLineEdit)  # ready to type the name
    qtbot.keyClicks(editor, "Schools")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert [s.name for s in queries.segments(ops.plan)][-1] == "Schools"
    assert tab.chart.categories()[-1] == "Schools"
    # Delete the first segment: asked first, with what depends on it.
    offices = queries.segments(ops.plan)[0]
    deals = select(func.count()).select_from(Deal).where(Deal.segment_id == offices.id)
    n_deals = scalar(ops.plan, deals)
    assert n_deals > 0
    tab.view.setCurrentIndex(at(tab, 0, "Segment"))
    dialogs.question_answer = dialogs.question_answer.No
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == count + 1  # not deleted
    dialogs.question_answer = dialogs.question_answer.Yes
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    question = dialogs.texts("question")[-1]
    assert question.startswith(f"Delete the segment '{offices.name}'? It is used by {n_deals:,}")
    assert "Edit > Undo brings it back." in question
    assert tab.model.rows[0].name == "Private celebrations"
    assert "Offices & companies" not in tab.chart.categories()
    assert scalar(ops.plan, deals) == 0
    assert ops.undo_stack.undoText() == "Delete Segment"
    ops.undo_stack.undo()
    assert scalar(ops.plan, deals) == n_deals  # the deals name the segment again
    assert tab.model.rows[0].name == "Offices & companies"
    assert tab.feedback[offices.id].closed > 0
    ops.undo_stack.undo()  # the name
    ops.undo_stack.undo()  # the new segment
    assert tab.model.rowCount() == count


def test_search_narrows_the_segments(qtbot: QtBot, tab: SegmentsTab) -> None:
    tab.search.setFocus()
    qtbot.keyClicks(tab.search, "christmas")  # in the needs of offices only
    assert [s.name for s in tab.model.shown] == ["Offices & companies"]
    tab.search.clear()
    assert tab.model.rowCount() == 4


def test_move_segments(qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations) -> None:
    names = [s.name for s in tab.model.rows]
    tab.view.setCurrentIndex(at(tab, 0, "Segment"))
    assert not tab.up_button.isEnabled() and tab.down_button.isEnabled()
    qtbot.mouseClick(tab.down_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in queries.segments(ops.plan)] == [names[1], names[0], *names[2:]]
    assert tab.selected().name == names[0]  # type: ignore[union-attr]
    assert tab.chart.categories()[:2] == [names[1], names[0]]
    # Sorted by a column, moving returns to the owner's order first.
    tab.view.sortByColumn(COLUMN[TAM], Qt.SortOrder.DescendingOrder)
    tab.view.setCurrentIndex(tab.model.index(tab.model.row_of_key(tab.model.rows[2].id), 0))
    qtbot.mouseClick(tab.up_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in tab.model.shown] == [names[1], names[2], names[0], *names[3:]]
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    assert [s.name for s in tab.model.shown] == names


def test_feedback_from_sales(qtbot: QtBot, tab: SegmentsTab, ops: PlanOperations) -> None:
    rows = queries.segment_feedback(ops.plan)
    model = tab.feedback_model
    assert model.rowCount() == len(rows)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == [
        "Segment", "Deals won", "Deals lost", "Win rate", "Revenue won", "Average won deal",
        "Lost most often to",
    ]  # fmt: skip
    first = rows[0]
    assert [model.index(0, c).data() for c in range(model.columnCount())] == [
        first.segment,
        EUR.count(first.won),
        EUR.count(first.lost),
        EUR.percent(first.win_rate),
        EUR.money(first.revenue_won),
        EUR.money(first.average_won),
        ", ".join(f"{r.reason} ({r.deals})" for r in first.top_lost_reasons),
    ]
    reasons = ", ".join(f"{r.reason} ({r.deals})" for r in first.top_lost_reasons)
    text = tab.detail.feedback.text()
    assert text.startswith(f"Sales so far: {first.won:,} won and {first.lost:,} lost")
    assert f"Lost most often to: {reasons}." in text
    # One fiscal year only.
    tab.one_year.setChecked(True)
    year = tab.year_picker.selected()
    assert year == FiscalYear(2026)
    in_year = queries.segment_feedback(ops.plan, year)
    assert [r.won for r in model.rows] == [r.won for r in in_year]
    assert sum(r.closed for r in in_year) < sum(r.closed for r in rows)
    assert tab.detail.feedback.text().startswith("Sales in FY 2026:")
    tab.year_picker.select(FiscalYear(2025))
    assert [r.lost for r in model.rows] == [
        r.lost for r in queries.segment_feedback(ops.plan, FiscalYear(2025))
    ]
    tab.one_year.setChecked(False)
    assert [r.won for r in model.rows] == [r.won for r in rows]
    # Clicking a feedback row selects that segment above.
    qtbot.mouseClick(
        tab.feedback_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=tab.feedback_view.visualRect(model.index(2, 0)).center(),
    )
    assert tab.selected().id == rows[2].id  # type: ignore[union-attr]


def test_a_deal_lost_elsewhere_updates_the_feedback(tab: SegmentsTab, ops: PlanOperations) -> None:
    """The tab follows changes made on other tabs (Change.DEALS) without a reopen."""
    from planner.services.edit import change_field

    first = tab.feedback_model.rows[0]
    with ops.plan.session() as session:
        deal = session.scalar(
            select(Deal.id).where(Deal.segment_id == first.id, Deal.status == "won").limit(1)
        )
        amount = session.scalar(select(Deal.amount_minor).where(Deal.id == deal))
    with ops.plan.uow() as uow:
        command = change_field(uow, Deal, deal, "amount_minor", D(amount) / 100 + 1000)
    assert ops.run(command)
    assert tab.feedback_model.rows[0].revenue_won == first.revenue_won + 1000
    ops.undo_stack.undo()
    assert tab.feedback_model.rows[0].revenue_won == first.revenue_won


def test_a_new_plan_starts_empty(qtbot: QtBot, empty_plan: Plan) -> None:
    ops = PlanOperations(empty_plan)
    tab = SegmentsTab(ops)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert (tab.model.rowCount(), tab.feedback_model.rowCount()) == (0, 0)
    assert not tab.detail.isEnabled() and not tab.delete_button.isEnabled()
    assert tab.chart.series() == {TAM: [], SAM: [], SOM: []}
    assert tab.totals.text().endswith(f"0 targeted segments: {EUR.money(D(0))}")
    tab.add_segment()
    assert [s.name for s in tab.model.rows] == ["New segment"]
    assert tab.detail.isEnabled() and tab.feedback_model.rowCount() == 1
    assert tab.detail.feedback.text() == "No deals from this segment have been won or lost yet."
    assert tab.detail.offerings.item(0).text() == "No offerings in the plan yet."
    ops.undo_stack.undo()
    assert tab.model.rowCount() == 0 and not tab.detail.isEnabled()
