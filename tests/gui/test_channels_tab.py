"""The Channels tab on the sample plan: the channel list, the month grid typed into and
pasted into, the filling helpers, the chart, each one undo step, refused input stored
nowhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QTableView,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner.db.models import Channel, ChannelMonth, Deal, SegmentChannel
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import channel_metrics
from planner.queries.channel_metrics import ChannelYear
from planner.services.edit import change_field
from planner.services.profile import read_profile, update_profile
from ui.models.formats import Formats
from ui.models.table import RowTableModel
from ui.tabs.channels import ChannelsTab
from ui.tabs.channels_grid import Line, whole_money
from ui.undo import PlanOperations

# The offscreen platform cannot raise a tooltip window; the tooltip still gets its text.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

TODAY = dt.date(2026, 11, 23)  # tests/conftest.py builds the sample plan for this day
FY = FiscalYear(2026, 1)
NEXT = FiscalYear(2027, 1)
EUR = Formats("EUR")
SEARCH = "Google search ads"


@pytest.fixture
def tab(qtbot: QtBot, ops: PlanOperations) -> ChannelsTab:
    tab = ChannelsTab(ops)
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def scalar(plan: Plan, statement: Any) -> Any:
    with plan.session() as session:
        return session.scalar(statement)


def channel_id(plan: Plan, name: str) -> int:
    return int(scalar(plan, select(Channel.id).where(Channel.name == name)))


def figure(plan: Plan, name: str, month: str, field: str) -> Any:
    column = getattr(ChannelMonth, field)
    return scalar(
        plan,
        select(column).where(
            ChannelMonth.channel_id == channel_id(plan, name),
            ChannelMonth.month == Month.parse(month),
        ),
    )


def months_in(plan: Plan, name: str, year: FiscalYear) -> int:
    return int(
        scalar(
            plan,
            select(func.count())
            .select_from(ChannelMonth)
            .where(
                ChannelMonth.channel_id == channel_id(plan, name),
                ChannelMonth.month >= year.first_month,
                ChannelMonth.month <= year.last_month,
            ),
        )
    )


def column_of(model: RowTableModel, header: str) -> int:
    return [c.header for c in model.columns].index(header)


def cell(tab: ChannelsTab, line: Line, header: str) -> str:
    model = tab.grid_model
    return str(model.index(model.row_of_line(line), column_of(model, header)).data())


def grid_index(tab: ChannelsTab, line: Line, header: str) -> QModelIndex:
    model = tab.grid_model
    return model.index(model.row_of_line(line), column_of(model, header))


def type_into(qtbot: QtBot, view: QTableView, index: QModelIndex, text: str) -> None:
    """Open the cell's editor as a user would, replace its text and press Return."""
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def select_cells(view: QTableView, first: QModelIndex, last: QModelIndex) -> None:
    view.setCurrentIndex(first)
    view.selectionModel().select(
        QItemSelection(first, last), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )


def metrics(plan: Plan, name: str, year: FiscalYear = FY) -> ChannelYear:
    return next(r for r in channel_metrics(plan, year) if r.name == name)


# -- the list and the grid ------------------------------------------------------------------


def test_models_and_what_the_tab_shows(qtbot: QtBot, tab: ChannelsTab, qtmodeltester: Any) -> None:
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.grid_model)
    names = [line.channel.name for line in tab.model.shown]
    assert names[0] == SEARCH and len(names) == 6
    year = metrics(tab.ops.plan, SEARCH)
    list_spend = tab.model.index(0, column_of(tab.model, "Planned spend")).data()
    assert list_spend == whole_money(EUR, year.year.planned_spend) == "€5,850"
    cost = tab.model.index(0, column_of(tab.model, "Cost per lead")).data()
    assert cost == EUR.money(year.year.cost_per_lead_actual) == "€19.58"  # 4,817 / 246
    assert tab.grid_heading.text() == f"Month by month, FY 2026: {SEARCH}"
    # January of the sample: €300 planned, €265 spent, 17 leads planned and got.
    assert cell(tab, Line.PLANNED_SPEND, "Jan") == "€300"
    assert cell(tab, Line.ACTUAL_SPEND, "Jan") == "€265"
    assert cell(tab, Line.SPEND_VARIANCE, "Jan") == "-€35"
    assert cell(tab, Line.SPEND_VARIANCE_PCT, "Jan") == "-11.7%"
    assert cell(tab, Line.COST_PER_LEAD_PLAN, "Jan") == "€17.65"  # 300 / 17
    assert cell(tab, Line.COST_PER_LEAD, "Jan") == "€15.59"  # 265 / 17
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€5,850"
    q1 = year.quarterly[0]
    assert cell(tab, Line.ACTUAL_SPEND, "Q1") == whole_money(EUR, q1.actual_spend)
    assert cell(tab, Line.REVENUE_WON, "Year") == whole_money(EUR, year.year.revenue_won)
    ratio = f"{year.year.return_on_spend:.1f}x"
    assert cell(tab, Line.RETURN_ON_SPEND, "Year") == ratio
    # December has no actuals yet: no variance, and a positive variance shows its sign.
    assert cell(tab, Line.SPEND_VARIANCE, "Dec") == ""
    assert cell(tab, Line.SPEND_VARIANCE, "Feb") == "+€16"
    # Inputs are editable per month; worked-out figures and totals are not, and look it.
    model = tab.grid_model
    jan = grid_index(tab, Line.PLANNED_SPEND, "Jan")
    assert model.flags(jan) & Qt.ItemFlag.ItemIsEditable
    for line, header in ((Line.PLANNED_SPEND, "Q1"), (Line.PLANNED_SPEND, "Year"),
                         (Line.COST_PER_LEAD, "Jan"), (Line.SPEND_VARIANCE, "Mar")):  # fmt: skip
        index = grid_index(tab, line, header)
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert jan.data(Qt.ItemDataRole.BackgroundRole) is None
    assert grid_index(tab, Line.PLANNED_SPEND, "Year").data(Qt.ItemDataRole.FontRole).bold()


def test_type_a_planned_spend_then_undo_and_redo(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    assert figure(plan, SEARCH, "2026-02", "planned_spend_minor") == 30000
    type_into(qtbot, tab.grid, grid_index(tab, Line.PLANNED_SPEND, "Feb"), "999")
    assert figure(plan, SEARCH, "2026-02", "planned_spend_minor") == 99900
    assert ops.undo_stack.count() == 1 and ops.undo_stack.undoText() == "Change Planned Spend"
    # The totals, the variance and the worked-out figures follow: +699 on the year.
    assert cell(tab, Line.PLANNED_SPEND, "Feb") == "€999"
    assert cell(tab, Line.PLANNED_SPEND, "Q1") == "€1,799"
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€6,549"
    assert cell(tab, Line.SPEND_VARIANCE, "Feb") == "-€683"  # 316 - 999
    assert cell(tab, Line.COST_PER_LEAD_PLAN, "Feb") == "€58.76"  # 999 / 17
    list_spend = tab.model.index(0, column_of(tab.model, "Planned spend"))
    assert list_spend.data() == "€6,549"
    assert tab.chart.series()["Planned spend"][1] == 999.0
    ops.undo_stack.undo()
    assert figure(plan, SEARCH, "2026-02", "planned_spend_minor") == 30000
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€5,850"
    assert tab.chart.series()["Planned spend"][1] == 300.0
    ops.undo_stack.redo()
    assert cell(tab, Line.SPEND_VARIANCE, "Feb") == "-€683"
    # Leads are whole numbers; an empty actual means "not known yet".
    type_into(qtbot, tab.grid, grid_index(tab, Line.ACTUAL_LEADS, "Dec"), "12")
    assert figure(plan, SEARCH, "2026-12", "actual_leads") == 12
    assert cell(tab, Line.LEADS_VARIANCE, "Dec") == "-32"  # 12 - 44
    assert ops.undo_stack.count() == 2


@pytest.mark.parametrize(
    ("line", "text", "message"),
    [
        (Line.PLANNED_SPEND, "abc", "'abc' is not an amount of money."),
        (Line.ACTUAL_SPEND, "-5", "An amount cannot be negative here."),
        (Line.PLANNED_LEADS, "2.5", "Enter a whole number."),
        (Line.ACTUAL_LEADS, "-1", "A count cannot be negative."),
    ],
)
def test_refused_input_stores_nothing(
    qtbot: QtBot, tab: ChannelsTab, line: Line, text: str, message: str
) -> None:
    field = line.field
    assert field is not None
    before = figure(tab.ops.plan, SEARCH, "2026-03", field)
    with qtbot.waitSignal(tab.ops.failed) as failure:
        type_into(qtbot, tab.grid, grid_index(tab, line, "Mar"), text)
    assert failure.args[0] == message
    assert figure(tab.ops.plan, SEARCH, "2026-03", field) == before
    assert tab.ops.undo_stack.count() == 0


def test_a_month_without_figures_is_created_on_first_edit(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    tab.year_picker.select(NEXT)  # nothing entered for next year yet
    assert tab.grid_heading.text() == f"Month by month, FY 2027: {SEARCH}"
    assert months_in(plan, SEARCH, NEXT) == 0
    type_into(qtbot, tab.grid, grid_index(tab, Line.PLANNED_LEADS, "Jan"), "12")
    assert months_in(plan, SEARCH, NEXT) == 1 and cell(tab, Line.PLANNED_LEADS, "Jan") == "12"
    ops.undo_stack.undo()
    assert months_in(plan, SEARCH, NEXT) == 0 and cell(tab, Line.PLANNED_LEADS, "Jan") == "0"
    ops.undo_stack.redo()
    assert months_in(plan, SEARCH, NEXT) == 1 and cell(tab, Line.PLANNED_LEADS, "Jan") == "12"


def test_paste_a_block_from_excel_is_one_undo_step(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    tab.year_picker.select(NEXT)
    spend = [str(100 * (m + 1)) for m in range(12)]  # 100 ... 1,200
    block = [spend, ["" if m > 1 else "90.50" for m in range(12)],
             ["10"] * 12, ["" if m else "7" for m in range(12)]]  # fmt: skip
    QApplication.clipboard().setText("\r\n".join("\t".join(row) for row in block) + "\r\n")
    tab.grid.setFocus()
    tab.grid.setCurrentIndex(grid_index(tab, Line.PLANNED_SPEND, "Jan"))
    qtbot.keyClick(tab.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert ops.undo_stack.count() == 1
    assert months_in(plan, SEARCH, NEXT) == 12  # every month created, once
    assert figure(plan, SEARCH, "2027-12", "planned_spend_minor") == 120000
    assert figure(plan, SEARCH, "2027-02", "actual_spend_minor") == 9050
    assert figure(plan, SEARCH, "2027-03", "actual_spend_minor") is None
    assert figure(plan, SEARCH, "2027-01", "actual_leads") == 7
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€7,800"
    assert cell(tab, Line.PLANNED_LEADS, "Q4") == "30"
    assert cell(tab, Line.SPEND_VARIANCE, "Q1") == "-€119.00"  # 90.50 x 2 - (100 + 200)
    # Money rows of whole euros read without cents; a row with cents shows them all.
    assert cell(tab, Line.PLANNED_SPEND, "Jan") == "€100"
    assert cell(tab, Line.ACTUAL_SPEND, "Q1") == "€181.00"
    ops.undo_stack.undo()
    assert months_in(plan, SEARCH, NEXT) == 0 and cell(tab, Line.PLANNED_SPEND, "Year") == "€0"
    ops.undo_stack.redo()
    assert months_in(plan, SEARCH, NEXT) == 12 and cell(tab, Line.PLANNED_LEADS, "Q4") == "30"


def test_a_refused_cell_in_a_paste_stores_nothing(qtbot: QtBot, tab: ChannelsTab) -> None:
    tab.year_picker.select(NEXT)
    QApplication.clipboard().setText("100\t200\tabc\n")
    tab.grid.setCurrentIndex(grid_index(tab, Line.PLANNED_SPEND, "Jan"))
    with qtbot.waitSignal(tab.ops.failed) as failure:
        tab.grid.paste()
    assert failure.args[0] == "Planned spend, Mar: 'abc' is not an amount of money."
    assert months_in(tab.ops.plan, SEARCH, NEXT) == 0 and tab.ops.undo_stack.count() == 0


def test_all_channels_add_up_and_cannot_be_typed_into(qtbot: QtBot, tab: ChannelsTab) -> None:
    tab.all_channels.click()
    assert tab.grid_heading.text() == "Month by month, FY 2026: all channels together"
    together = channel_metrics(tab.ops.plan, FY)[-1]
    assert cell(tab, Line.PLANNED_SPEND, "Year") == whole_money(EUR, together.year.planned_spend)
    assert cell(tab, Line.DEALS_WON, "Year") == str(together.year.deals_won)
    index = grid_index(tab, Line.PLANNED_SPEND, "Jan")
    assert not tab.grid_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not tab.helpers.fill_action.isEnabled() and not tab.helpers.spread_button.isEnabled()
    tab.this_channel.click()
    assert tab.grid_heading.text().endswith(SEARCH)


def test_chart_matches_the_grid(qtbot: QtBot, tab: ChannelsTab) -> None:
    def grid_values(line: Line) -> list[float | None]:
        row = tab.grid_model.row_at(tab.grid_model.row_of_line(line))
        return [None if v is None else float(v) for v in row.values[:12]]

    for scope in (tab.this_channel, tab.all_channels):
        scope.click()
        series = tab.chart.series()
        assert series["Planned spend"] == grid_values(Line.PLANNED_SPEND)
        assert series["Actual spend"] == grid_values(Line.ACTUAL_SPEND)
        assert series["Planned leads"] == grid_values(Line.PLANNED_LEADS)
        assert series["Actual leads"] == grid_values(Line.ACTUAL_LEADS)
        assert tab.chart.series_info("Planned leads")["axis"] == "right"
    assert tab.chart.title().startswith("All channels")
    together = channel_metrics(tab.ops.plan, FY)[-1]
    assert tab.chart.series()["Planned spend"][0] == float(together.monthly[0].planned_spend)
    # Another channel in the list: the chart follows it.
    tab.this_channel.click()
    tab.view.setCurrentIndex(tab.model.index(3, 0))
    assert tab.chart.title().startswith("Wedding & business fairs")
    fairs = metrics(tab.ops.plan, "Wedding & business fairs")
    assert tab.chart.series()["Planned spend"][0] == float(fairs.monthly[0].planned_spend)


# -- the filling helpers -----------------------------------------------------------------------


def test_spread_a_yearly_budget_through_the_dialog(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    tab.year_picker.select(NEXT)
    dialog = tab.helpers.open_spread_dialog()
    assert dialog is not None and dialog.field == "planned_spend_minor"
    dialog.amount.setText("1000")
    assert dialog.preview_texts() == ["€84"] * 4 + ["€83"] * 8
    dialog.amount.setText("-5")
    assert dialog.error.text() == "A negative amount cannot be spread; enter zero or more."
    assert not dialog.ok.isEnabled()
    dialog.accept()
    assert ops.undo_stack.count() == 0 and dialog.isVisible()
    dialog.amount.setText("1,000")
    dialog.accept()
    assert not dialog.isVisible()
    assert ops.undo_stack.undoText() == "Spread Budget" and ops.undo_stack.count() == 1
    planned = [figure(plan, SEARCH, str(m), "planned_spend_minor") for m in NEXT.months]
    assert planned == [8400] * 4 + [8300] * 8
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€1,000"
    ops.undo_stack.undo()
    assert months_in(plan, SEARCH, NEXT) == 0
    # Like last year's spend on this channel: FY 2026 spend was entered to November.
    dialog = tab.helpers.open_spread_dialog()
    assert dialog is not None
    last_year = metrics(plan, SEARCH).monthly
    total = sum((f.actual_spend or Decimal(0) for f in last_year), Decimal(0))
    dialog.like_channel.setChecked(True)
    dialog.amount.setText(str(total))
    dialog.accept()
    planned = [figure(plan, SEARCH, str(m), "planned_spend_minor") for m in NEXT.months[:11]]
    assert planned == [int(f.actual_spend * 100) for f in last_year[:11]]  # type: ignore[operator]
    assert cell(tab, Line.PLANNED_SPEND, "Dec") == "€0"


def test_spread_leads_over_selected_months(qtbot: QtBot, tab: ChannelsTab) -> None:
    tab.year_picker.select(NEXT)
    select_cells(tab.grid, grid_index(tab, Line.PLANNED_LEADS, "Mar"),
                 grid_index(tab, Line.PLANNED_LEADS, "Jun"))  # fmt: skip
    dialog = tab.helpers.open_spread_dialog()
    assert dialog is not None and dialog.field == "planned_leads"
    assert "over Mar 2027 to Jun 2027." in dialog.intro.text()
    dialog.amount.setText("10")
    assert dialog.preview_texts() == ["3", "3", "2", "2"]
    dialog.accept()
    leads = [cell(tab, Line.PLANNED_LEADS, h) for h in ("Feb", "Mar", "Apr", "May", "Jun", "Jul")]
    assert leads == ["0", "3", "3", "2", "2", "0"]


def test_copy_from_last_year(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    tab.year_picker.select(NEXT)
    tab.helpers.copy_plan_action.trigger()
    assert ops.undo_stack.undoText() == "Copy From Last Year"
    this_year = metrics(plan, SEARCH).monthly
    assert [cell(tab, Line.PLANNED_SPEND, m.name[:3]) for m in NEXT.months] == [
        whole_money(EUR, f.planned_spend) for f in this_year
    ]
    ops.undo_stack.undo()
    # From actuals, for all channels: months of FY 2026 with actuals (to November).
    tab.all_channels.click()
    tab.helpers.copy_actual_action.trigger()
    assert ops.undo_stack.count() == 1 and ops.undo_stack.undoText() == "Copy From Last Year"
    together = channel_metrics(plan, FY)[-1]
    assert cell(tab, Line.PLANNED_SPEND, "Nov") == whole_money(
        EUR, together.monthly[10].actual_spend
    )
    assert cell(tab, Line.PLANNED_LEADS, "Jan") == str(together.monthly[0].actual_leads)
    assert cell(tab, Line.PLANNED_SPEND, "Dec") == "€0"
    ops.undo_stack.undo()
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€0"
    # A year before which nothing was planned: said, not stored.
    tab.year_picker.select(FiscalYear(2023, 1))
    with qtbot.waitSignal(ops.failed) as failure:
        tab.helpers.copy_plan_action.trigger()
    assert failure.args[0] == "There is no plan in FY 2022 to copy."
    assert ops.undo_stack.index() == 0


def test_fill_right(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    tab.grid.setFocus()
    tab.grid.setCurrentIndex(grid_index(tab, Line.PLANNED_LEADS, "Mar"))
    qtbot.keyClick(tab.grid, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert ops.undo_stack.undoText() == "Fill Right" and ops.undo_stack.count() == 1
    march = figure(plan, SEARCH, "2026-03", "planned_leads")
    later = [figure(plan, SEARCH, f"2026-{m:02d}", "planned_leads") for m in range(4, 13)]
    assert later == [march] * 9
    assert cell(tab, Line.PLANNED_LEADS, "Year") == str(17 + 17 + 28 * 10)
    ops.undo_stack.undo()
    assert figure(plan, SEARCH, "2026-12", "planned_leads") == 44
    # A selection: the first cell's figure goes into the others of its row only.
    select_cells(tab.grid, grid_index(tab, Line.PLANNED_SPEND, "Oct"),
                 grid_index(tab, Line.ACTUAL_SPEND, "Dec"))  # fmt: skip
    tab.helpers.fill_button.click()
    assert [cell(tab, Line.PLANNED_SPEND, h) for h in ("Oct", "Nov", "Dec")] == ["€550"] * 3
    # Actual spend: October's 614 also into November and December.
    assert [cell(tab, Line.ACTUAL_SPEND, h) for h in ("Nov", "Dec")] == ["€614"] * 2
    assert ops.undo_stack.count() == 1 and ops.undo_stack.undoText() == "Fill Right"
    tab.grid.setCurrentIndex(grid_index(tab, Line.PLANNED_SPEND, "Dec"))
    tab.grid.selectionModel().clearSelection()
    assert not tab.helpers.fill_right()
    assert tab.notice.text() == "There are no months to the right of the last month of the year."


# -- the channel list --------------------------------------------------------------------------


def test_add_rename_and_choose_a_kind(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    new_id = tab.add_channel()
    assert new_id is not None and ops.undo_stack.undoText() == "Add Channel"
    assert tab.model.row_at(tab.view.currentIndex().row()).channel.name == "New channel"
    assert tab.view.state() == QAbstractItemView.State.EditingState  # ready to name it
    editor = tab.view.indexWidget(tab.view.currentIndex())
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "Flyers")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: scalar(plan, select(Channel.name).where(Channel.id == new_id)) == "Flyers"
    )
    row = tab.model.row_of_key(new_id)
    kind = tab.model.index(row, column_of(tab.model, "Kind"))
    assert tab.model.setData(kind, "Print")
    assert scalar(plan, select(Channel.kind).where(Channel.id == new_id)) == "Print"
    with qtbot.waitSignal(ops.failed) as failure:
        assert not tab.model.setData(kind, "Carrier pigeon")
    assert failure.args[0].startswith("Choose one of: Search ads, Social")
    assert ops.undo_stack.count() == 3
    # The new channel's grid is there to fill in.
    assert tab.grid_heading.text() == "Month by month, FY 2026: Flyers"
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€0"
    for _ in range(3):
        ops.undo_stack.undo()
    assert scalar(plan, select(func.count()).select_from(Channel)) == 6


def test_delete_asks_first_and_undo_restores(qtbot: QtBot, tab: ChannelsTab, dialogs: Any) -> None:
    plan, ops = tab.ops.plan, tab.ops
    search = channel_id(plan, SEARCH)
    months = select(func.count()).select_from(ChannelMonth).where(ChannelMonth.channel_id == search)
    before = scalar(plan, months)
    dialogs.question_answer = dialogs.question_answer.No
    assert not tab.delete_channel()
    assert ops.undo_stack.count() == 0
    kind, title, text = dialogs.messages[-1]
    assert (kind, title) == ("question", "Delete Channel")
    assert text.startswith(f"Delete the channel “{SEARCH}”?\n\nIts {before} months of figures")
    assert "deals that came from it stay, without a source channel" in text
    dialogs.question_answer = dialogs.question_answer.Yes
    assert tab.delete_channel()
    assert ops.undo_stack.undoText() == "Delete Channel" and scalar(plan, months) == 0
    assert SEARCH not in [line.channel.name for line in tab.model.rows]
    assert tab.grid_heading.text() == "Month by month, FY 2026: Instagram & Facebook"
    ops.undo_stack.undo()
    assert scalar(plan, months) == before
    assert tab.model.rows[0].channel.name == SEARCH


def test_archive_move_and_segments(qtbot: QtBot, tab: ChannelsTab) -> None:
    plan, ops = tab.ops.plan, tab.ops
    search = channel_id(plan, SEARCH)
    assert not tab.up_button.isEnabled() and tab.down_button.isEnabled()
    tab.down_button.click()
    assert [line.channel.name for line in tab.model.rows][:2] == ["Instagram & Facebook", SEARCH]
    assert tab.current_line().id == search and tab.up_button.isEnabled()  # type: ignore[union-attr]
    tab.archive_button.click()
    assert ops.undo_stack.undoText() == "Archive Channel"
    assert tab.model.rows[-1].channel.name == SEARCH and tab.archive_button.text() == "Bring back"
    assert tab.model.index(5, 0).data(Qt.ItemDataRole.FontRole).italic()
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    assert tab.model.rows[0].channel.name == SEARCH
    # Segments reached, ticked in the dialog.
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    dialog = tab.edit_segments()
    assert dialog is not None
    reached = tab.model.rows[0].channel.segments
    items = [dialog.list.item(i) for i in range(dialog.list.count())]
    ticked = [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]
    assert ticked == list(reached)
    dialog.set_checked(["Cafés, hotels & restaurants"])
    dialog.accept()
    links = (
        select(func.count()).select_from(SegmentChannel).where(SegmentChannel.channel_id == search)
    )
    assert scalar(plan, links) == 1
    assert ops.undo_stack.undoText() == "Change Segments Reached"
    assert tab.model.index(0, column_of(tab.model, "Segments reached")).data() == (
        "Cafés, hotels & restaurants"
    )
    ops.undo_stack.undo()
    assert scalar(plan, links) == len(reached)


def test_search_filters_the_list(qtbot: QtBot, tab: ChannelsTab) -> None:
    tab.search.setText("email")
    assert [line.channel.name for line in tab.model.shown] == ["Email newsletter"]
    assert tab.grid_heading.text().endswith("Email newsletter")
    tab.search.clear()
    assert tab.model.rowCount() == 6


def test_an_empty_plan(qtbot: QtBot, empty_plan: Plan) -> None:
    ops = PlanOperations(empty_plan)
    tab = ChannelsTab(ops)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.grid_heading.text() == (
        "Month by month, FY 2026: add a channel above to plan its spend and leads."
    )
    assert not tab.delete_button.isEnabled() and not tab.helpers.copy_button.isEnabled()
    assert tab.add_channel() is not None
    type_into(qtbot, tab.grid, grid_index(tab, Line.PLANNED_SPEND, "Jan"), "250")
    assert cell(tab, Line.PLANNED_SPEND, "Year") == "€250"


def test_deal_and_profile_changes_reach_the_figures(qtbot: QtBot, tab: ChannelsTab) -> None:
    """Another tab's edits (a won deal's amount, the currency) update grid, list and chart."""
    plan, ops = tab.ops.plan, tab.ops
    search = channel_id(plan, SEARCH)
    won = select(Deal.id, Deal.amount_minor, Deal.closed_on).where(
        Deal.channel_id == search, Deal.status == "won", Deal.closed_on >= FY.first_month.first_day
    )
    with plan.session() as session:
        deal, amount, closed = session.execute(won.limit(1)).one()
    header = Month.of(closed).name[:3]
    before = metrics(plan, SEARCH).year.revenue_won
    with plan.uow() as uow:
        command = change_field(uow, Deal, deal, "amount_minor", Decimal(amount) / 100 + 1000)
    assert ops.run(command)
    assert cell(tab, Line.REVENUE_WON, "Year") == whole_money(EUR, before + 1000)
    assert metrics(plan, SEARCH).year.revenue_won == before + 1000
    revenue = tab.model.index(0, column_of(tab.model, "Revenue won"))
    assert revenue.data() == whole_money(EUR, before + 1000)
    assert cell(tab, Line.REVENUE_WON, header) != ""
    ops.undo_stack.undo()
    assert revenue.data() == whole_money(EUR, before)
    # The currency follows the profile.
    with plan.uow() as uow:
        state = read_profile(uow)
        command = update_profile(uow, replace(state, currency="GBP"))
    assert ops.run(command)
    assert cell(tab, Line.PLANNED_SPEND, "Jan") == "£300"
    assert tab.chart.value_format().currency == "GBP"
    ops.undo_stack.undo()
    assert cell(tab, Line.PLANNED_SPEND, "Jan") == "€300"


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_kind_is_chosen_from_a_list_and_segments_open_on_double_click(
    qtbot: QtBot, tab: ChannelsTab
) -> None:
    plan = tab.ops.plan
    kind = tab.model.index(2, column_of(tab.model, "Kind"))  # Email newsletter
    tab.view.setCurrentIndex(kind)
    assert tab.view.edit(kind, QAbstractItemView.EditTrigger.DoubleClicked, None)
    combo = tab.view.indexWidget(kind)
    assert isinstance(combo, QComboBox)
    assert combo.currentText() == "Email" and combo.count() == 10
    qtbot.waitUntil(lambda: combo.view().isVisible())  # the list opens by itself
    combo.hidePopup()
    combo.setCurrentIndex(combo.findText("Partners"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: tab.view.state() != QAbstractItemView.State.EditingState)
    email = channel_id(plan, "Email newsletter")
    assert scalar(plan, select(Channel.kind).where(Channel.id == email)) == "Partners"
    assert tab.ops.undo_stack.undoText() == "Change Kind"
    segments_cell = tab.model.index(2, column_of(tab.model, "Segments reached"))
    tab.view.doubleClicked.emit(segments_cell)
    assert tab.dialog is not None and tab.dialog.isVisible()
    assert "“Email newsletter”" in tab.dialog.findChild(QLabel).text()
    tab.dialog.reject()
    assert tab.ops.undo_stack.count() == 1
