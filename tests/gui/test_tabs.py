"""The eight tabs on the sample plan: their models, the figures they show, and edits made
through the real table views, undone and redone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QTableView, QToolTip
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner import queries
from planner.db.models import Deal
from planner.db.plan import Plan
from planner.domain.periods import FiscalYear
from planner.services.commands import Change
from planner.services.profile import ProfileState, read_profile, update_profile
from ui.models.formats import Formats
from ui.models.table import RowTableModel
from ui.tabs import TAB_SPECS, PlanTab
from ui.tabs.dashboard import DashboardTab
from ui.tabs.pipeline import PipelineTab
from ui.tabs.targets import TargetsTab
from ui.undo import PlanOperations

# The offscreen platform cannot raise a tooltip window; the tooltip still gets its text.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

TODAY = dt.date(2026, 11, 23)  # tests/conftest.py builds the sample plan for this day
EUR = Formats("EUR")


def open_tab(qtbot: QtBot, factory: type[PlanTab], ops: PlanOperations) -> Any:
    tab = factory(ops)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def scalar(plan: Plan, statement: Any) -> Any:
    with plan.session() as session:
        return session.scalar(statement)


def column_of(model: RowTableModel, header: str) -> int:
    return [c.header for c in model.columns].index(header)


def cell(model: RowTableModel, row: int, header: str) -> str:
    return str(model.index(row, column_of(model, header)).data())


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


def wait_done_editing(qtbot: QtBot, view: QTableView) -> None:
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def test_tab_specs_follow_the_contract() -> None:
    assert [(s.group, s.title, s.key) for s in TAB_SPECS] == [
        (None, "Dashboard", "dashboard"),
        ("Marketing", "Marketing mix (4Ps)", "mix"),
        ("Marketing", "Segments", "segments"),
        ("Marketing", "Channels", "channels"),
        ("Sales", "Targets", "targets"),
        ("Sales", "Pipeline", "pipeline"),
        ("Sales", "Forecast", "forecast"),
        (None, "Actuals", "actuals"),
    ]
    for spec in TAB_SPECS:
        assert issubclass(spec.factory, PlanTab)
        assert spec.factory.title == spec.title
        sentences = spec.factory.explanation.count(". ") + 1
        assert 2 <= sentences <= 4, spec.key
        assert spec.factory.watched != Change.NONE


@pytest.mark.parametrize("spec", TAB_SPECS, ids=[s.key for s in TAB_SPECS])
def test_every_tab_shows_the_plan(
    qtbot: QtBot, qtmodeltester: Any, ops: PlanOperations, spec: Any
) -> None:
    tab = open_tab(qtbot, spec.factory, ops)
    assert tab.intro.text() == spec.factory.explanation and tab.intro.isVisible()
    assert not tab.is_stale
    models = [m for m in vars(tab).values() if isinstance(m, RowTableModel)]
    assert models
    for model in models:
        assert model.rowCount() > 0, model
        qtmodeltester.check(model)
    for label in tab.findChildren(QLabel):
        text = label.text().lower()
        assert not any(word in text for word in ("coming soon", "todo", "lorem", "placeholder"))


@pytest.mark.parametrize("spec", TAB_SPECS, ids=[s.key for s in TAB_SPECS])
def test_every_tab_copes_with_an_empty_plan(
    qtbot: QtBot, qtmodeltester: Any, empty_plan: Plan, spec: Any
) -> None:
    tab = open_tab(qtbot, spec.factory, PlanOperations(empty_plan))
    assert not tab.is_stale
    for model in (m for m in vars(tab).values() if isinstance(m, RowTableModel)):
        qtmodeltester.check(model)


def test_dashboard_figures_match_the_queries(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    fy = FiscalYear(2026, 1)
    assert tab.fiscal_year == fy
    rows = queries.plan_vs_actual(ops.plan, fy)
    assert [tab.model.index(r, 0).data() for r in range(tab.model.rowCount())] == [
        r.label for r in rows
    ]
    year = tab.model.rowCount() - 1
    assert cell(tab.model, year, "Target") == EUR.money(rows[-1].target)
    assert cell(tab.model, year, "Actual") == EUR.money(rows[-1].actual)
    assert cell(tab.model, year, "Variance %") == EUR.percent(rows[-1].variance_pct)
    assert tab.model.index(year, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert not tab.model.index(0, 0).data(Qt.ItemDataRole.FontRole)
    ytd = queries.revenue_to_date(ops.plan, fy, today=TODAY)
    assert tab.revenue.caption.text() == "Revenue to the end of Oct 2026"
    assert tab.revenue.value.text() == EUR.money(ytd.actual)
    assert EUR.money(ytd.target) in tab.revenue.detail.text()
    pipeline = queries.pipeline_figures(ops.plan, fy, today=TODAY)
    assert tab.pipeline.value.text() == EUR.money(pipeline.weighted_open)
    assert tab.win_rate.value.text() == EUR.percent(pipeline.win_rate_pct)


def test_dashboard_follows_the_fiscal_year_picked(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, DashboardTab, ops)
    labels = [tab.year_picker.combo.itemText(i) for i in range(tab.year_picker.combo.count())]
    assert labels[-2:] == ["FY 2026", "FY 2027"] and "FY 2024" in labels
    assert tab.year_picker.combo.currentText() == "FY 2026"
    tab.year_picker.combo.setCurrentIndex(labels.index("FY 2025"))
    assert tab.model.index(0, 0).data() == "Jan 2025"
    year_2025 = queries.plan_vs_actual(ops.plan, 2025)[-1]
    assert cell(tab.model, tab.model.rowCount() - 1, "Actual") == EUR.money(year_2025.actual)
    assert tab.revenue.caption.text() == "Revenue for the year"


def test_pipeline_amount_edit_undo_redo(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, PipelineTab, ops)
    model, view = tab.model, tab.view
    deals = queries.deals(ops.plan)
    assert model.rowCount() == len(deals) == 150
    first = deals[0]
    assert cell(model, 0, "Customer") == first.customer
    assert cell(model, 0, "Amount") == EUR.money(first.amount)
    assert cell(model, 0, "Weighted") == EUR.money(first.weighted)
    amount = select(Deal.amount_minor).where(Deal.id == first.id)
    original = scalar(ops.plan, amount)

    type_into(qtbot, view, model.index(0, column_of(model, "Amount")), "1,234.50")
    qtbot.waitUntil(lambda: scalar(ops.plan, amount) == 123450)
    assert cell(model, 0, "Amount") == "€1,234.50"
    assert cell(model, 0, "Weighted") == EUR.money(
        (Decimal("1234.50") * first.probability / 100).quantize(Decimal("0.01"))
    )
    assert ops.undo_stack.count() == 1
    assert ops.undo_stack.undoText() == "Change Amount"

    ops.undo_stack.undo()
    assert scalar(ops.plan, amount) == original
    assert cell(model, 0, "Amount") == EUR.money(first.amount)
    ops.undo_stack.redo()
    assert scalar(ops.plan, amount) == 123450
    assert cell(model, 0, "Amount") == "€1,234.50"
    assert view.currentIndex().row() == 1  # Return moved down; undo/redo keep it there
    shown_total = sum((d.amount for d in queries.deals(ops.plan)), Decimal(0))
    assert EUR.money(shown_total) in tab.totals.text()


def test_pipeline_refuses_bad_amount(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, PipelineTab, ops)
    model, view = tab.model, tab.view
    first = model.row_at(0)
    amount = select(Deal.amount_minor).where(Deal.id == first.id)
    before = scalar(ops.plan, amount)
    index = model.index(0, column_of(model, "Amount"))
    with qtbot.waitSignal(ops.failed) as failure:
        type_into(qtbot, view, index, "abc")
    message = failure.args[0]
    assert message == "'abc' is not an amount of money."
    wait_done_editing(qtbot, view)
    assert scalar(ops.plan, amount) == before
    assert ops.undo_stack.count() == 0
    assert index.data() == EUR.money(first.amount)  # the old value stays
    qtbot.waitUntil(lambda: QToolTip.text() == message)
    # A negative amount is refused by the field's rule, with its own message.
    with qtbot.waitSignal(ops.failed) as failure:
        type_into(qtbot, view, index, "-5")
    assert failure.args[0] == "An amount cannot be negative here."
    assert scalar(ops.plan, amount) == before and ops.undo_stack.count() == 0


def test_pipeline_customer_and_title_edits(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, PipelineTab, ops)
    model, view = tab.model, tab.view
    deal_id = model.row_at(2).id
    customer = select(Deal.customer).where(Deal.id == deal_id)
    title = select(Deal.title).where(Deal.id == deal_id)
    old_customer, old_title = scalar(ops.plan, customer), scalar(ops.plan, title)
    type_into(qtbot, view, model.index(2, column_of(model, "Customer")), "Corner Cafe")
    qtbot.waitUntil(lambda: scalar(ops.plan, customer) == "Corner Cafe")
    wait_done_editing(qtbot, view)
    type_into(qtbot, view, model.index(2, column_of(model, "Title")), "Brunch buffet")
    qtbot.waitUntil(lambda: scalar(ops.plan, title) == "Brunch buffet")
    assert [cell(model, 2, "Customer"), cell(model, 2, "Title")] == ["Corner Cafe", "Brunch buffet"]
    assert ops.undo_stack.undoText() == "Change Title"
    ops.undo_stack.undo()
    ops.undo_stack.undo()
    assert (scalar(ops.plan, customer), scalar(ops.plan, title)) == (old_customer, old_title)
    assert cell(model, 2, "Customer") == old_customer
    # An empty customer is refused and nothing is stored.
    wait_done_editing(qtbot, view)
    with qtbot.waitSignal(ops.failed) as failure:
        type_into(qtbot, view, model.index(2, column_of(model, "Customer")), " ")
    assert failure.args[0] == "This cannot be empty."
    assert scalar(ops.plan, customer) == old_customer


def test_pipeline_search_and_totals(qtbot: QtBot, ops: PlanOperations) -> None:
    tab = open_tab(qtbot, PipelineTab, ops)
    deals = queries.deals(ops.plan)
    word = deals[0].customer.split()[0]
    expected = [d for d in deals if word.casefold() in f"{d.customer}\n{d.title}".casefold()]
    qtbot.keyClicks(tab.search, word)
    assert tab.model.rowCount() == len(expected) < len(deals)
    amount = sum((d.amount for d in expected), Decimal(0))
    weighted = sum((d.weighted for d in expected), Decimal(0))
    assert tab.totals.text() == (
        f"{len(expected)} of {len(deals)} deals shown · Amount {EUR.money(amount)} · "
        f"Weighted {EUR.money(weighted)}"
    )
    tab.status.setCurrentIndex(tab.status.findText("Won"))
    assert all(row.status == "won" for row in tab.model.shown)
    tab.search.clear()
    tab.status.setCurrentIndex(0)
    assert tab.model.rowCount() == len(deals)
    # Sorting by amount puts the largest deal first when descending; stages sort in
    # pipeline order, not by name.
    tab.view.sortByColumn(column_of(tab.model, "Amount"), Qt.SortOrder.DescendingOrder)
    assert tab.model.row_at(0).amount == max(d.amount for d in deals)
    tab.view.sortByColumn(column_of(tab.model, "Stage"), Qt.SortOrder.AscendingOrder)
    assert [d.stage_position for d in tab.model.shown] == sorted(d.stage_position for d in deals)
    assert tab.model.row_at(0).stage == "Lead"


def test_actuals_totals(qtbot: QtBot, ops: PlanOperations) -> None:
    from ui.tabs.actuals import ActualsTab

    tab = open_tab(qtbot, ActualsTab, ops)
    rows = queries.monthly_actuals(ops.plan, 2026)
    total = tab.revenue_model.rowCount() - 1
    assert cell(tab.revenue_model, total, "Offering") == "All offerings"
    assert cell(tab.revenue_model, total, "Year") == EUR.money(rows[-1].revenue_total)
    assert cell(tab.revenue_model, 0, "Jan 2026") == EUR.money(rows[0].revenue[0])
    assert cell(tab.units_model, 0, "Year") == EUR.count(rows[0].units_total)


def test_hidden_tabs_catch_up_on_show_and_ignore_other_changes(
    qtbot: QtBot, ops: PlanOperations, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.tabs.pipeline as pipeline_module

    calls: list[int] = []
    real_deals: Callable[[Plan], list[Any]] = pipeline_module.deals

    def counting(plan: Plan, **options: Any) -> list[Any]:
        calls.append(1)
        return real_deals(plan, **options)

    monkeypatch.setattr(pipeline_module, "deals", counting)
    pipeline = open_tab(qtbot, PipelineTab, ops)
    targets = open_tab(qtbot, TargetsTab, ops)
    assert len(calls) == 1
    ops.notify(Change.TARGETS)  # not shown in the pipeline
    assert len(calls) == 1
    pipeline.hide()
    deal = pipeline.model.row_at(0)
    with ops.plan.uow() as uow:
        from planner.services.edit import change_field

        command = change_field(uow, Deal, deal.id, "amount_minor", Decimal("77"))
    assert ops.run(command)
    assert len(calls) == 1 and pipeline.is_stale  # hidden: only noted
    assert not targets.is_stale
    pipeline.show()
    assert len(calls) == 2 and not pipeline.is_stale
    assert cell(pipeline.model, 0, "Amount") == "€77.00"


def test_profile_change_reformats_every_tab(qtbot: QtBot, ops: PlanOperations) -> None:
    pipeline = open_tab(qtbot, PipelineTab, ops)
    dashboard = open_tab(qtbot, DashboardTab, ops)
    amount = pipeline.model.row_at(0).amount
    with ops.plan.uow() as uow:
        state = read_profile(uow)
        command = update_profile(uow, ProfileState(state.name, "GBP", 4, state.reps))
    assert ops.run(command)
    assert cell(pipeline.model, 0, "Amount") == Formats("GBP").money(amount)
    assert cell(pipeline.model, 0, "Amount").startswith("£")
    # The fiscal year now starts in April: the current one is FY 2026/27.
    assert dashboard.fiscal_year == FiscalYear(2026, 4)
    assert dashboard.model.index(0, 0).data() == "Apr 2026"
    ops.undo_stack.undo()
    assert cell(pipeline.model, 0, "Amount") == EUR.money(amount)
    assert dashboard.model.index(0, 0).data() == "Jan 2026"


def test_empty_plan_says_what_is_missing(qtbot: QtBot, empty_plan: Plan) -> None:
    ops = PlanOperations(empty_plan)
    pipeline = open_tab(qtbot, PipelineTab, ops)
    assert pipeline.totals.text() == "0 deals shown · Amount €0.00 · Weighted €0.00"
    dashboard = open_tab(qtbot, DashboardTab, ops)
    assert dashboard.win_rate.detail.text() == "No deals closed in FY 2026 yet."


def test_a_database_refusal_is_reported_and_stores_nothing(qtbot, empty_plan) -> None:
    """A rule broken inside the database (here a duplicate name) reaches the user as one line."""
    from planner.db.models import Channel
    from planner.services.commands import Change, InsertRow
    from ui.undo import PlanOperations

    ops = PlanOperations(empty_plan)
    assert ops.run(InsertRow(Channel, {"name": "Flyers"}, "Add Channel", Change.CHANNELS))
    with qtbot.waitSignal(ops.failed) as blocker:
        ok = ops.run(InsertRow(Channel, {"name": "Flyers"}, "Add Channel", Change.CHANNELS))
    assert not ok
    assert blocker.args[0].startswith("Add Channel could not be saved: UNIQUE constraint failed")
    assert ops.undo_stack.count() == 1
    with empty_plan.session() as session:
        assert session.query(Channel).count() == 1
