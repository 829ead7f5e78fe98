"""Undo and redo in the window never change closed books.

The owner types May's target, then locks months through June. Through Targets > "Lock
months…" the lock is itself the last undo step, so Ctrl+Z first reopens the books and the
next Ctrl+Z takes May back (the first test). When the lock is not in this window's undo
history (stored through the services, as a script on the plan would), Ctrl+Z is refused
with the lock's sentence in a message, May keeps its value and Edit > Undo still offers the
edit; once the months are unlocked the same Ctrl+Z takes May back (the second test).
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from planner.db.models import Target
from planner.db.plan import Plan
from planner.domain.periods import Month
from planner.services.commands import Change, execute
from planner.services.targets import lock_months
from ui.tabs.targets import TargetsTab

pytestmark = pytest.mark.gui

MAY = Month(2026, 5)
JUNE = Month(2026, 6)
REFUSED = (
    "Could not undo Change revenue target for May 2026: "
    "May 2026 is locked. Unlock it under 'Lock months' to change it."
)


def may_target(plan: Plan) -> list[int]:
    """Revenue of May's business-wide target records, in minor units."""
    with plan.session() as s:
        stmt = select(Target.revenue_minor).where(
            Target.month == MAY, Target.offering_id.is_(None),
            Target.segment_id.is_(None), Target.owner_id.is_(None),
        )  # fmt: skip
        return list(s.scalars(stmt))


def may_cell(tab: TargetsTab) -> QModelIndex:
    model = tab.model
    row = next(n for n, r in enumerate(model.shown) if getattr(r, "label", None) == "May 2026")
    column = next(n for n, c in enumerate(model.columns) if c.header == "Target")
    index: QModelIndex = model.index(row, column)
    return index


def shown(tab: TargetsTab) -> str:
    return str(tab.model.data(may_cell(tab)))


def targets_tab(qtbot: QtBot, window: Any) -> TargetsTab:
    window.show_tab("targets")
    tab = window.current_tab()
    assert isinstance(tab, TargetsTab)
    qtbot.waitUntil(lambda: any(getattr(r, "label", None) == "May 2026" for r in tab.model.shown))
    return tab


def type_in_may(tab: TargetsTab, text: str) -> None:
    view, cell = tab.view, may_cell(tab)
    view.setFocus()
    view.setCurrentIndex(cell)
    view.edit(cell)
    editor = view.indexWidget(cell)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def ctrl_z(window: Any) -> None:
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_undo_after_locking_first_reopens_the_books(qtbot: QtBot, plan_window: Any) -> None:
    window, ops = plan_window, plan_window.ops
    tab = targets_tab(qtbot, window)
    old = may_target(ops.plan)
    old_text = shown(tab)
    type_in_may(tab, "52000")
    qtbot.waitUntil(lambda: may_target(ops.plan) == [5_200_000])
    assert tab.lock_through(JUNE) is None
    qtbot.waitUntil(lambda: tab.lock_note.text() == "Locked up to June 2026.")
    assert window.undo_action.text() == "Undo Lock months up to Jun 2026"
    ctrl_z(window)  # undoes the lock: the books reopen, May keeps its new value
    qtbot.waitUntil(lambda: tab.lock_note.text() != "Locked up to June 2026.")
    assert may_target(ops.plan) == [5_200_000]
    assert window.undo_action.text() == "Undo Change revenue target for May 2026"
    ctrl_z(window)
    qtbot.waitUntil(lambda: shown(tab) == old_text)
    assert may_target(ops.plan) == old


def test_undo_into_a_month_locked_since_is_refused_until_unlocked(
    qtbot: QtBot, plan_window: Any, dialogs: Any
) -> None:
    window, ops = plan_window, plan_window.ops
    tab = targets_tab(qtbot, window)
    old = may_target(ops.plan)
    old_text = shown(tab)
    type_in_may(tab, "52000")
    qtbot.waitUntil(lambda: shown(tab) == "€52,000.00")
    assert ops.undo_stack.count() == 1

    def set_lock(through: Month | None) -> None:
        """Lock (or unlock) outside the window's undo history, then tell the window."""
        with ops.plan.uow() as uow:
            command = lock_months(uow, through)
        ops.notify(execute(ops.plan, command))

    set_lock(JUNE)
    qtbot.waitUntil(lambda: tab.lock_note.text() == "Locked up to June 2026.")
    changed: list[Change] = []
    ops.changed.connect(changed.append)
    ctrl_z(window)
    assert dialogs.texts("warning") == [REFUSED]
    assert window.statusBar().currentMessage() == REFUSED
    assert may_target(ops.plan) == [5_200_000] and shown(tab) == "€52,000.00"
    assert changed == []
    # The stack still says the edit is done, so the next Ctrl+Z is the same edit again.
    assert ops.undo_stack.index() == 1 and not window.redo_action.isEnabled()
    assert window.undo_action.text() == "Undo Change revenue target for May 2026"

    set_lock(None)
    qtbot.waitUntil(lambda: tab.lock_note.text() != "Locked up to June 2026.")
    ctrl_z(window)
    qtbot.waitUntil(lambda: shown(tab) == old_text)
    assert may_target(ops.plan) == old and ops.undo_stack.index() == 0

    # Redo obeys the same rule, and stays on offer until the months are unlocked.
    set_lock(JUNE)
    window.redo_action.trigger()
    assert dialogs.texts("warning")[-1] == REFUSED.replace("Could not undo", "Could not redo")
    assert may_target(ops.plan) == old and ops.undo_stack.index() == 0
    assert window.redo_action.text() == "Redo Change revenue target for May 2026"
    set_lock(None)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: shown(tab) == "€52,000.00")
    assert may_target(ops.plan) == [5_200_000] and ops.undo_stack.index() == 1
