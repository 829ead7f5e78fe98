"""The spreadsheet table (SheetView), many-cell edits (RowTableModel.set_many) and the
search box, on a real plan file: typing, moving, copy, paste from Excel, clear, undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QLocale, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from planner.db.models import Channel, ChannelMonth, Deal, Stage
from planner.db.plan import Plan, UnitOfWork
from planner.domain.periods import Month
from planner.queries import DealRow, deals
from planner.services.commands import Change, Command, InsertRow, execute
from planner.services.edit import change_field, validate_field
from ui.models.formats import Formats
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.undo import PlanOperations
from ui.widgets import SearchBox, SheetView
from ui.widgets import sheet as sheet_module
from ui.widgets.sheet import parse_tsv, to_tsv

pytestmark = pytest.mark.gui

COLUMNS: list[Column[DealRow]] = [
    Column("Customer", lambda d: d.customer, field="customer"),
    Column("Title", lambda d: d.title, field="title"),
    Column("Amount", lambda d: d.amount, Kind.MONEY, field="amount_minor"),
    Column("Probability", lambda d: d.own_probability, Kind.COUNT, field="probability"),
    Column("Expected close", lambda d: d.expected_close, Kind.DATE, field="expected_close"),
    Column("Weighted", lambda d: d.weighted, Kind.MONEY),
]
CUSTOMER, TITLE, AMOUNT, PROBABILITY, CLOSE, WEIGHTED = range(6)
DEALS = [  # customer, title, amount in cents, own probability, expected close
    ("Acme", "Website", 123450, 40, dt.date(2026, 3, 31)),
    ("Bolt", "Logo", 50000, None, None),
    ("Cole", "Shop fit", 990000, 75, dt.date(2026, 6, 1)),
    ("Dart", "Flyers", 1000, 10, None),
]


@pytest.fixture
def ops(empty_plan: Plan) -> PlanOperations:
    with empty_plan.session() as session:
        stage = session.scalar(select(Stage.id).order_by(Stage.position).limit(1))
    for customer, title, amount, probability, close in DEALS:
        values = {
            "customer": customer, "title": title, "amount_minor": amount,
            "probability": probability, "expected_close": close, "stage_id": stage,
            "created_on": dt.date(2026, 1, 5),
        }  # fmt: skip
        execute(empty_plan, InsertRow(Deal, values, "Add Deal", Change.DEALS))
    return PlanOperations(empty_plan)


class Sheet:
    """A SheetView on the plan's deals, reloaded on every change as a tab would."""

    def __init__(self, qtbot: QtBot, ops: PlanOperations) -> None:
        self.ops = ops
        self.model = RowTableModel(COLUMNS, ops=ops, command_for=field_commands(Deal))
        self.view = SheetView()
        self.view.setModel(self.model)
        self.view.resize(900, 400)
        qtbot.addWidget(self.view)
        self.reload()
        ops.changed.connect(lambda _changes: self.reload())
        self.view.show()
        qtbot.waitExposed(self.view)
        self.view.setFocus()

    def reload(self) -> None:
        self.model.set_rows(deals(self.ops.plan))

    def index(self, row: int, column: int) -> QModelIndex:
        return self.model.index(row, column)

    def select(self, top: int, left: int, bottom: int, right: int) -> None:
        self.view.go_to(self.index(top, left))
        selection = self.view.selectionModel()
        selection.select(
            QItemSelection(self.index(top, left), self.index(bottom, right)),
            selection.SelectionFlag.ClearAndSelect,
        )


@pytest.fixture
def sheet(qtbot: QtBot, ops: PlanOperations) -> Sheet:
    return Sheet(qtbot, ops)


def stored(plan: Plan, customer: str, field: str) -> Any:
    with plan.session() as session:
        return session.scalar(select(getattr(Deal, field)).where(Deal.customer == customer))


def stored_deals(plan: Plan) -> list[tuple[Any, ...]]:
    with plan.session() as session:
        rows = session.execute(
            select(Deal.customer, Deal.title, Deal.amount_minor, Deal.probability,
                   Deal.expected_close).order_by(Deal.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


def type_over(qtbot: QtBot, view: SheetView, text: str) -> QLineEdit:
    """Type into the current cell as a user would: the first key opens the editor (with
    the cell's text selected, so it is replaced), the rest go to the editor."""
    qtbot.keyClick(view, text[0])
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, text[1:])
    return editor


def set_clipboard(text: str) -> None:
    QApplication.clipboard().setText(text)


def clipboard() -> str:
    return QApplication.clipboard().text()


# -- typing and moving -----------------------------------------------------------------


def test_typing_replaces_the_cell_and_return_moves_down(qtbot: QtBot, sheet: Sheet) -> None:
    view = sheet.view
    view.go_to(sheet.index(0, AMOUNT))
    editor = type_over(qtbot, view, "2500")
    assert editor.text() == "2500"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert stored(sheet.ops.plan, "Acme", "amount_minor") == 250000
    assert view.state() != QAbstractItemView.State.EditingState
    assert (view.currentIndex().row(), view.currentIndex().column()) == (1, AMOUNT)
    assert sheet.ops.undo_stack.undoText() == "Change Amount"
    # Shift+Return commits and goes back up.
    type_over(qtbot, view, "7")
    qtbot.keyClick(view.indexWidget(sheet.index(1, AMOUNT)), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert stored(sheet.ops.plan, "Bolt", "amount_minor") == 700
    assert view.currentIndex().row() == 0
    # Return without an editor moves down too.
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.currentIndex().row() == 1


def test_tab_commits_and_moves_right_escape_cancels(qtbot: QtBot, sheet: Sheet) -> None:
    view = sheet.view
    view.go_to(sheet.index(2, TITLE))
    type_over(qtbot, view, "Shop refit")
    qtbot.keyClick(view.indexWidget(sheet.index(2, TITLE)), Qt.Key.Key_Tab)
    assert stored(sheet.ops.plan, "Cole", "title") == "Shop refit"
    assert (view.currentIndex().row(), view.currentIndex().column()) == (2, AMOUNT)
    type_over(qtbot, view, "1")
    qtbot.keyClick(view.indexWidget(sheet.index(2, AMOUNT)), Qt.Key.Key_Backtab)
    assert stored(sheet.ops.plan, "Cole", "amount_minor") == 100
    assert view.currentIndex().column() == TITLE
    # Escape throws the typing away.
    type_over(qtbot, view, "Nothing")
    qtbot.keyClick(view.indexWidget(sheet.index(2, TITLE)), Qt.Key.Key_Escape)
    assert stored(sheet.ops.plan, "Cole", "title") == "Shop refit"
    assert sheet.ops.undo_stack.count() == 2
    # Arrow keys move between cells.
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 3


def test_f2_edits_in_place(qtbot: QtBot, sheet: Sheet) -> None:
    view = sheet.view
    view.go_to(sheet.index(0, TITLE))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.indexWidget(sheet.index(0, TITLE))
    assert isinstance(editor, QLineEdit)
    assert not editor.hasSelectedText() and editor.cursorPosition() == len("Website")
    qtbot.keyClicks(editor, " shop")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert stored(sheet.ops.plan, "Acme", "title") == "Website shop"


def test_a_refused_edit_stays_on_its_cell(qtbot: QtBot, sheet: Sheet) -> None:
    view = sheet.view
    view.go_to(sheet.index(1, AMOUNT))
    type_over(qtbot, view, "lots")
    with qtbot.waitSignal(sheet.ops.failed) as failure:
        qtbot.keyClick(view.indexWidget(sheet.index(1, AMOUNT)), Qt.Key.Key_Return)
    assert failure.args == ["'lots' is not an amount of money."]
    assert view.currentIndex().row() == 1
    assert stored(sheet.ops.plan, "Bolt", "amount_minor") == 50000
    assert sheet.ops.undo_stack.count() == 0


# -- copy ------------------------------------------------------------------------------


def test_copy_gives_plain_values_a_spreadsheet_reads(qtbot: QtBot, sheet: Sheet) -> None:
    sheet.select(0, AMOUNT, 1, CLOSE)
    qtbot.keyClick(sheet.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard() == "1234.50\t40\t2026-03-31\n500.00\t\t"
    html = QApplication.clipboard().mimeData().html()
    assert "<td>1234.50</td><td>40</td><td>2026-03-31</td>" in html
    sheet.view.copy_with_headers()
    assert clipboard().split("\n")[0] == "Amount\tProbability\tExpected close"


def test_copy_quotes_text_as_excel_does(qtbot: QtBot, sheet: Sheet) -> None:
    rows = [["Line one\nline two", 'say "hi"', "a\tb"], ['"quoted"', "", "x"]]
    text = to_tsv(rows)
    assert text == '"Line one\nline two"\tsay "hi"\t"a\tb"\n"""quoted"""\t\tx'
    assert parse_tsv(text) == rows
    assert parse_tsv(text.replace("\n", "\r\n") + "\r\n") == rows


def test_copying_a_hundred_thousand_rows_is_quick(qtbot: QtBot, ops: PlanOperations) -> None:
    import time

    rows = deals(ops.plan)
    model = RowTableModel(COLUMNS * 2)  # 12 columns
    model.set_rows([rows[n % len(rows)] for n in range(100_000)])
    view = SheetView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectAll()
    started = time.perf_counter()
    view.copy()
    took = time.perf_counter() - started
    lines = clipboard().split("\n")
    assert len(lines) == 100_000 and lines[1].split("\t")[2] == "500.00"
    assert took < 3.0, took


# -- paste -----------------------------------------------------------------------------


def test_paste_from_excel_is_one_undo_step(qtbot: QtBot, sheet: Sheet) -> None:
    plan, stack = sheet.ops.plan, sheet.ops.undo_stack
    before = stored_deals(plan)
    set_clipboard("Web shop\t2,500.00\r\nNew logo\t99\r\n")  # Excel ends with a line break
    sheet.view.go_to(sheet.index(0, TITLE))
    qtbot.keyClick(sheet.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    after = [
        ("Acme", "Web shop", 250000, 40, dt.date(2026, 3, 31)),
        ("Bolt", "New logo", 9900, None, None),
        *before[2:],
    ]
    assert stored_deals(plan) == after
    assert stack.count() == 1 and stack.undoText() == "Paste 4 Cells"
    assert sheet.model.index(1, AMOUNT).data() == "€99.00"
    stack.undo()
    assert stored_deals(plan) == before
    assert sheet.model.index(0, TITLE).data() == "Website"
    stack.redo()
    assert stored_deals(plan) == after


def test_a_paste_with_one_bad_cell_stores_nothing(qtbot: QtBot, sheet: Sheet) -> None:
    before = stored_deals(sheet.ops.plan)
    set_clipboard("Web shop\t2500\nNew logo\tabc\n")
    sheet.view.go_to(sheet.index(0, TITLE))
    with qtbot.waitSignal(sheet.ops.failed) as failure:
        sheet.view.paste()
    assert failure.args == ["Bolt, Amount: 'abc' is not an amount of money."]
    assert stored_deals(sheet.ops.plan) == before
    assert sheet.ops.undo_stack.count() == 0
    # A rule broken in the database layer (an empty customer) is named the same way.
    set_clipboard("Zed\n\n")
    sheet.view.go_to(sheet.index(2, CUSTOMER))
    with qtbot.waitSignal(sheet.ops.failed) as failure:
        sheet.view.paste()
    assert failure.args == ["Dart, Customer: This cannot be empty."]
    assert stored_deals(sheet.ops.plan) == before


def test_row_label_names_the_row(qtbot: QtBot, ops: PlanOperations) -> None:
    model = RowTableModel(
        COLUMNS, ops=ops, command_for=field_commands(Deal), row_label=lambda d: f"Deal {d.id}"
    )
    model.set_rows(deals(ops.plan))
    failures: list[str] = []
    ops.failed.connect(failures.append)
    assert not model.set_many([(model.index(3, PROBABILITY), "120")], "Paste Cell")
    assert failures == ["Deal 4, Probability: A probability is between 0 and 100 %."]
    # Without a name in the first column, the row is named by its place.
    by_amount = RowTableModel(COLUMNS[2:], ops=ops, command_for=field_commands(Deal))
    by_amount.set_rows(deals(ops.plan))
    assert not by_amount.set_many([(by_amount.index(2, 0), "-3")], "Paste Cell")
    assert failures[-1] == "Row 3, Amount: An amount cannot be negative here."


def test_one_value_fills_the_selection(qtbot: QtBot, sheet: Sheet) -> None:
    set_clipboard("25\r\n")
    sheet.select(0, PROBABILITY, 3, PROBABILITY)
    weighted = QItemSelection(sheet.index(0, WEIGHTED), sheet.index(3, WEIGHTED))
    sheet.view.selectionModel().select(weighted, QItemSelectionModel.SelectionFlag.Select)
    notes: list[str] = []
    sheet.view.message.connect(notes.append)
    assert sheet.view.paste()
    assert [row[3] for row in stored_deals(sheet.ops.plan)] == [25, 25, 25, 25]
    assert notes == ["4 cells cannot be changed here and were skipped."]  # Weighted
    assert sheet.ops.undo_stack.undoText() == "Paste 4 Cells"
    sheet.ops.undo_stack.undo()
    assert [row[3] for row in stored_deals(sheet.ops.plan)] == [40, None, 75, 10]


def test_paste_past_the_edge_is_left_out(qtbot: QtBot, sheet: Sheet) -> None:
    set_clipboard("1\t2\t3\n4\t5\t6\n")
    sheet.view.go_to(sheet.index(3, PROBABILITY))
    notes: list[str] = []
    sheet.view.message.connect(notes.append)
    with qtbot.waitSignal(sheet.ops.failed) as failure:
        sheet.view.paste()
    # The date column refuses "2": nothing stored, the cell is named.
    assert failure.args == ["Dart, Expected close: '2' is not a date; write it as YYYY-MM-DD."]
    set_clipboard("1\t2026-12-01\t3\n4\t5\t6\n")
    assert sheet.view.paste()
    assert stored_deals(sheet.ops.plan)[3][3:] == (1, dt.date(2026, 12, 1))
    assert notes[-1] == (
        "3 cells fell outside the table and were left out. "
        "1 cell cannot be changed here and was skipped."
    )


def test_dates_paste_in_the_users_own_format(qtbot: QtBot, sheet: Sheet) -> None:
    us = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    sheet.model.set_formats(Formats("EUR", us))
    model = sheet.model
    assert model.set_many([(model.index(0, CLOSE), "12/24/2026")], "Paste Cell")
    assert stored(sheet.ops.plan, "Acme", "expected_close") == dt.date(2026, 12, 24)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    sheet.model.set_formats(Formats("EUR", german))
    assert model.set_many([(model.index(0, CLOSE), "1.2.27")], "Paste Cell")
    assert stored(sheet.ops.plan, "Acme", "expected_close") == dt.date(2027, 2, 1)
    assert model.set_many([(model.index(0, CLOSE), "2027-02-03")], "Paste Cell")
    assert stored(sheet.ops.plan, "Acme", "expected_close") == dt.date(2027, 2, 3)


# -- clear -----------------------------------------------------------------------------


def test_delete_clears_as_one_step(qtbot: QtBot, sheet: Sheet) -> None:
    plan, stack = sheet.ops.plan, sheet.ops.undo_stack
    before = stored_deals(plan)
    sheet.select(0, AMOUNT, 2, CLOSE)
    qtbot.keyClick(sheet.view, Qt.Key.Key_Delete)
    # Amount is required (becomes 0); probability and close date are optional (empty).
    assert [row[2:] for row in stored_deals(plan)[:3]] == [(0, None, None)] * 3
    assert stack.count() == 1 and stack.undoText() == "Clear 9 Cells"
    stack.undo()
    assert stored_deals(plan) == before
    stack.redo()
    assert [row[2:] for row in stored_deals(plan)[:3]] == [(0, None, None)] * 3
    # Required text is refused, naming the cell.
    sheet.select(1, CUSTOMER, 1, TITLE)
    with qtbot.waitSignal(sheet.ops.failed) as failure:
        qtbot.keyClick(sheet.view, Qt.Key.Key_Backspace)
    assert failure.args == ["Bolt, Customer: This cannot be empty."]
    assert stored_deals(plan)[1][:2] == ("Bolt", "Logo")


def test_a_big_clear_asks_first(
    qtbot: QtBot, sheet: Sheet, dialogs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheet_module, "CONFIRM_CELLS", 10)
    plan = sheet.ops.plan
    before = stored_deals(plan)
    sheet.select(0, TITLE, 3, WEIGHTED)  # 16 editable cells and 4 Weighted ones
    dialogs.question_answer = QMessageBox.StandardButton.No
    qtbot.keyClick(sheet.view, Qt.Key.Key_Delete)
    assert dialogs.texts("question") == [
        "Clear 16 cells? This can take a little while; Edit > Undo puts everything back."
    ]
    assert stored_deals(plan) == before and sheet.ops.undo_stack.count() == 0
    dialogs.question_answer = QMessageBox.StandardButton.Yes
    assert sheet.view.clear()
    assert stored_deals(plan) == [(d[0], "", 0, None, None) for d in DEALS]
    # Everything, customers included: a required name cannot be emptied, so nothing is.
    qtbot.keyClick(sheet.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(sheet.ops.failed) as failure:
        qtbot.keyClick(sheet.view, Qt.Key.Key_Delete)
    assert failure.args == ["Acme, Customer: This cannot be empty."]
    assert stored_deals(plan) == [(d[0], "", 0, None, None) for d in DEALS]


def test_rows_mode_pastes_and_clears_in_the_current_column(qtbot: QtBot, sheet: Sheet) -> None:
    view = sheet.view
    view.set_select_rows(True)
    view.go_to(sheet.index(1, AMOUNT))
    view.selectionModel().select(
        QItemSelection(sheet.index(2, 0), sheet.index(2, WEIGHTED)),
        QItemSelectionModel.SelectionFlag.Select,
    )
    assert view.selected_cells() == [(1, AMOUNT), (2, AMOUNT)]
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard().split("\n")[0] == "Bolt\tLogo\t500.00\t\t\t50.00"  # whole rows
    set_clipboard("42")
    assert view.paste()
    assert [d[2] for d in stored_deals(sheet.ops.plan)] == [123450, 4200, 4200, 1000]
    assert view.clear()
    assert [d[2] for d in stored_deals(sheet.ops.plan)] == [123450, 0, 0, 1000]


def test_a_multi_block_copy_leaves_unselected_cells_blank(sheet: Sheet) -> None:
    sheet.select(0, CUSTOMER, 0, CUSTOMER)
    sheet.view.selectionModel().select(
        QItemSelection(sheet.index(2, AMOUNT), sheet.index(2, AMOUNT)),
        QItemSelectionModel.SelectionFlag.Select,
    )
    sheet.view.copy()
    assert clipboard() == "Acme\t\n\t9900.00"


def test_menu_actions_copy_paste_and_clear(qtbot: QtBot, sheet: Sheet) -> None:
    view = sheet.view
    assert [a.text() for a in (view.copy_action, view.paste_action, view.clear_action)] == [
        "&Copy", "&Paste", "C&lear Cells",
    ]  # fmt: skip
    sheet.select(0, TITLE, 0, TITLE)
    view.copy_action.trigger()
    assert clipboard() == "Website"
    view.go_to(sheet.index(1, TITLE))
    view.paste_action.trigger()
    assert stored(sheet.ops.plan, "Bolt", "title") == "Website"
    assert sheet.ops.undo_stack.undoText() == "Paste Cell"
    view.clear_action.trigger()
    assert stored(sheet.ops.plan, "Bolt", "title") == ""
    assert sheet.ops.undo_stack.undoText() == "Clear Cell"


# -- a grid whose cells create records -------------------------------------------------


GRID_FIELDS = ("planned_spend_minor", "planned_leads")


def grid_rows(plan: Plan, channel_id: int, months: list[Month]) -> list[tuple[Any, ...]]:
    with plan.session() as session:
        found = {
            r.month: r
            for r in session.scalars(
                select(ChannelMonth).where(ChannelMonth.channel_id == channel_id)
            )
        }
        return [
            (field, *(getattr(found[m], field) if m in found else None for m in months))
            for field in GRID_FIELDS
        ]


def test_pasting_into_a_month_without_a_record_creates_one(
    qtbot: QtBot, ops: PlanOperations
) -> None:
    plan = ops.plan
    execute(plan, InsertRow(Channel, {"name": "Flyers", "kind": "Print"}, "Add", Change.CHANNELS))
    with plan.session() as session:
        channel_id = session.scalar(select(Channel.id))
    months = [Month(2026, 1), Month(2026, 2)]

    def command_for(uow: UnitOfWork, row: Any, column: Column[Any], value: Any) -> Command:
        """Like the Channels grid: find the month's record in this unit of work (a cell
        pasted before may have just created it), else insert one."""
        field, month = row[0], months[COLUMNS_GRID.index(column) - 1]
        record = uow.session.scalar(
            select(ChannelMonth.id).where(
                ChannelMonth.channel_id == channel_id, ChannelMonth.month == month
            )
        )
        if record is not None:
            return change_field(uow, ChannelMonth, record, field, value)
        values = {"channel_id": channel_id, "month": month,
                  field: validate_field(ChannelMonth, field, value)}  # fmt: skip
        return InsertRow(ChannelMonth, values, "Change Figure", Change.CHANNEL_MONTHS)

    model = RowTableModel(COLUMNS_GRID, key=lambda r: r[0], ops=ops, command_for=command_for)
    view = SheetView(sortable=False)
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_rows(grid_rows(plan, channel_id, months))
    ops.changed.connect(lambda _c: model.set_rows(grid_rows(plan, channel_id, months)))
    set_clipboard("120\t80\r\n3\t2\r\n")
    view.go_to(model.index(0, 1))
    assert view.paste()
    expected = [("planned_spend_minor", 12000, 8000), ("planned_leads", 3, 2)]
    assert grid_rows(plan, channel_id, months) == expected
    with plan.session() as session:
        assert session.scalar(select(func.count()).select_from(ChannelMonth)) == 2
    ops.undo_stack.undo()
    with plan.session() as session:
        assert session.scalar(select(func.count()).select_from(ChannelMonth)) == 0
    ops.undo_stack.redo()
    assert grid_rows(plan, channel_id, months) == expected


COLUMNS_GRID: list[Column[tuple[Any, ...]]] = [
    Column("Measure", lambda r: r[0]),
    Column("Jan", lambda r: r[1], kind=lambda r: Kind.MONEY if "minor" in r[0] else Kind.COUNT,
           field="month"),
    Column("Feb", lambda r: r[2], kind=lambda r: Kind.MONEY if "minor" in r[0] else Kind.COUNT,
           field="month"),
]  # fmt: skip


# -- sorting and searching -------------------------------------------------------------


def test_header_click_sorts(qtbot: QtBot, sheet: Sheet) -> None:
    header = sheet.view.horizontalHeader()
    assert [r.customer for r in sheet.model.shown] == ["Acme", "Bolt", "Cole", "Dart"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(AMOUNT) + 5, 5))  # fmt: skip
    assert [r.customer for r in sheet.model.shown] == ["Dart", "Bolt", "Acme", "Cole"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(AMOUNT) + 5, 5))  # fmt: skip
    assert [r.customer for r in sheet.model.shown] == ["Cole", "Acme", "Bolt", "Dart"]


def test_search_box_filters(qtbot: QtBot, sheet: Sheet) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    box = SearchBox()
    layout = QVBoxLayout(page)
    layout.addWidget(box)
    assert box.placeholderText() == "Search…" and box.isClearButtonEnabled()

    def search(text: str) -> None:
        words = text.casefold().split()
        sheet.model.set_filter(
            (lambda d: all(w in d.customer.casefold() for w in words)) if words else None
        )

    box.text_changed.connect(search)
    searched: list[str] = []
    box.text_changed.connect(searched.append)
    qtbot.keyClicks(box, " co")
    assert searched == ["c", "co"]
    assert [r.customer for r in sheet.model.shown] == ["Cole"]
    with qtbot.assertNotEmitted(box.text_changed):
        qtbot.keyClicks(box, " ")
    box.clear()
    assert sheet.model.rowCount() == 4
    # Ctrl+F in the window focuses the box.
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert box.hasFocus()


def test_row_table_model_passes_the_model_tester(qtmodeltester: Any, sheet: Sheet) -> None:
    qtmodeltester.check(sheet.model)


@pytest.fixture(autouse=True)
def _clean_clipboard() -> Iterator[None]:
    yield
    QApplication.clipboard().clear()
