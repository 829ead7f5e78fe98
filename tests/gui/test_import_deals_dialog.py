"""The Import Deals wizard, driven step by step on a new plan (no modal exec)."""

# ruff: noqa: E501  (the sample exports keep their real, long header lines)

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

import ui.import_deals_dialog as dialog_module
from planner.db.models import Deal, SalesRep, Stage
from planner.db.plan import Plan
from ui.import_deals_dialog import CHOOSE_STAGE, ImportDealsDialog
from ui.undo import PlanOperations

pytestmark = pytest.mark.gui

HUBSPOT = """Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Closed Lost Reason,Create Date,Associated Company
101,Website redesign,appointmentscheduled,2026-03-31,Anna Berg,"1,250.50",,2026-01-05,Acme GmbH
102,Catering contract,Closed Won,2026-02-14,Ben Ortiz,3000,,2026-01-10,Blue Cafe
103,Wedding cake,closedlost,2026-02-20,Anna Berg,800,price too high,2026-01-12,
104,Office lunches,Pilot running,2026-04-30,,450,,2026-02-01,Corner Office
"""


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialog_module, "today", lambda: dt.date(2026, 4, 10))


@pytest.fixture
def ops(empty_plan: Plan) -> Iterator[PlanOperations]:
    yield PlanOperations(empty_plan)


def make_dialog(qtbot: QtBot, ops: PlanOperations) -> ImportDealsDialog:
    dialog = ImportDealsDialog(ops)
    qtbot.addWidget(dialog)
    return dialog


def export(tmp_path: Path, content: str, name: str = "deals.csv") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def deals(plan: Plan) -> list[tuple[Any, ...]]:
    with plan.session() as session:
        rows = session.execute(
            select(Deal.external_ref, Deal.customer, Deal.amount_minor, Stage.name, Deal.status,
                   SalesRep.name)
            .join(Stage, Stage.id == Deal.stage_id)
            .outerjoin(SalesRep, SalesRep.id == Deal.owner_id)
            .order_by(Deal.external_ref)
        ).all()  # fmt: skip
        return [tuple(r) for r in rows]


def test_wizard_maps_an_unknown_stage_imports_and_undoes(
    qtbot: QtBot, ops: PlanOperations, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, ops)
    assert not dialog.go_next()  # no file yet
    assert dialog.error.text() == "Choose the file to import."
    assert dialog.set_file(export(tmp_path, HUBSPOT))
    assert "HubSpot deals" in dialog.file_note.text() and "4 rows" in dialog.file_note.text()
    assert dialog.go_next()
    assert dialog.format_combo.currentData() == "hubspot"
    assert dialog.preview_table.rowCount() == 4
    assert dialog.preview_table.verticalHeaderItem(0).text() == "2"  # line numbers
    assert dialog.go_next()
    assert dialog.combos["customer"].column() == 8 and dialog.combos["stage"].column() == 2
    assert dialog.go_next()
    table = dialog.stage_table
    assert table.rowCount() == 4
    assert table.combo("appointmentscheduled").currentText() == "Qualified"
    assert table.combo("Closed Won").currentText() == "Won"
    assert table.combo("Pilot running").currentText() == CHOOSE_STAGE
    assert "1 of the file's stages is not in your pipeline" in dialog.stages_note.text()
    assert "Anna Berg, Ben Ortiz" in dialog.owners_note.text()
    assert not dialog.go_next()
    assert dialog.error.text() == "Choose a stage of your pipeline for 'Pilot running'."
    combo = table.combo("Pilot running")
    combo.setCurrentIndex(combo.findText("Proposal"))
    assert dialog.go_next()
    text = dialog.summary_text.toPlainText()
    assert text.startswith("4 new deals, 0 updated deals and 0 skipped rows.")
    assert "New sales reps: Anna Berg, Ben Ortiz." in text
    assert dialog.finish_button.isEnabled() and not dialog.skip_bad.isVisibleTo(dialog)
    assert dialog.finish()
    assert ops.undo_stack.count() == 1 and ops.undo_stack.undoText() == "Import Deals"
    assert deals(ops.plan) == [
        ("hubspot:101", "Acme GmbH", 125050, "Qualified", "open", "Anna Berg"),
        ("hubspot:102", "Blue Cafe", 300000, "Won", "won", "Ben Ortiz"),
        ("hubspot:103", "Wedding cake", 80000, "Lost", "lost", "Anna Berg"),
        ("hubspot:104", "Corner Office", 45000, "Proposal", "open", None),
    ]
    ops.undo_stack.undo()
    assert deals(ops.plan) == []
    with ops.plan.session() as session:
        assert session.scalars(select(SalesRep)).all() == []
    ops.undo_stack.redo()
    assert len(deals(ops.plan)) == 4


def test_bad_rows_need_skipping_and_owners_can_stay_unassigned(
    qtbot: QtBot, ops: PlanOperations, tmp_path: Path
) -> None:
    content = HUBSPOT + "105,Broken,Closed Won,2026-02-30,Cara Lane,12,,2026-01-10,Cafe\n"
    dialog = make_dialog(qtbot, ops)
    assert dialog.set_file(export(tmp_path, content))
    for _step in range(3):
        assert dialog.go_next()
    combo = dialog.stage_table.combo("Pilot running")
    combo.setCurrentIndex(combo.findText("Lead"))
    dialog.leave_unassigned.setChecked(True)
    assert dialog.go_next()
    text = dialog.summary_text.toPlainText()
    assert "Line 6: '2026-02-30' is not a date." in text
    assert "4 new deals, 0 updated deals and 1 skipped row." in text
    assert "New sales reps" not in text
    assert dialog.skip_bad.isVisibleTo(dialog) and not dialog.finish_button.isEnabled()
    assert not dialog.finish()
    assert deals(ops.plan) == []
    dialog.skip_bad.setChecked(True)
    assert dialog.finish_button.isEnabled()
    assert dialog.finish()
    assert [row[5] for row in deals(ops.plan)] == [None, None, None, None]


def test_other_files_get_their_columns_chosen_by_hand(
    qtbot: QtBot, ops: PlanOperations, tmp_path: Path
) -> None:
    content = "Client;Job;Worth;Phase\nRiver Hotel;Breakfast buffet;1.500,00;Proposal\n"
    dialog = make_dialog(qtbot, ops)
    assert dialog.set_file(export(tmp_path, content))
    assert "not an export this planner knows" in dialog.file_note.text()
    assert dialog.go_next() and dialog.format_combo.currentData() == "csv"
    assert dialog.go_next()
    assert dialog.combos["title"].column() is None
    assert dialog.combos["amount"].column() is None
    dialog.combos["customer"].select(None)
    assert not dialog.go_next()
    assert dialog.error.text() == "Choose the column with the deal name or the company."
    dialog.combos["customer"].select(0)
    dialog.combos["title"].select(1)
    dialog.combos["amount"].select(2)
    dialog.combos["stage"].select(3)
    assert dialog.go_next()
    assert dialog.stage_table.combo("Proposal").currentText() == "Proposal"
    assert dialog.go_next()
    assert dialog.finish()
    assert deals(ops.plan) == [
        ("csv:Breakfast buffet|", "River Hotel", 150000, "Proposal", "open", None)
    ]
    second = make_dialog(qtbot, ops)  # the same shape of file next time
    assert second.set_file(export(tmp_path, content, "next.csv"))
    assert "as you chose last time" in second.file_note.text()
    assert second.combos["amount"].column() == 2 and second.combos["title"].column() == 1


def test_file_menu_opens_the_wizard(plan_window: Any, qtbot: QtBot) -> None:
    action = plan_window.import_deals_action
    assert action.isEnabled() and action.text() == "Import &Deals…"
    action.trigger()
    found = plan_window.findChildren(ImportDealsDialog)
    assert len(found) == 1 and found[0].isVisible()
    found[0].reject()
