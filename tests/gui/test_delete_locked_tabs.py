"""The Delete buttons of the Channels, Marketing mix and Segments tabs on the sample plan
with months locked: a channel, offering or segment with figures in a locked month is
refused with one sentence (through ``PlanOperations.failed``) before any question is
asked, and nothing disappears from the tab or the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from table_dump import dump_tables

from planner import queries
from planner.db.models import Channel
from planner.domain.periods import Month
from planner.services.commands import Command
from planner.services.targets import Part, lock_months, set_part_target
from ui.tabs.channels import ChannelsTab
from ui.tabs.mix import MixTab
from ui.tabs.segments import SegmentsTab
from ui.undo import PlanOperations

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

JUNE = Month(2026, 6)
SEARCH = "Google search ads"
CATERING = "Catering for events & offices"


def run(ops: PlanOperations, build: Any, *args: Any) -> None:
    with ops.plan.uow() as uow:
        command: Command = build(uow, *args)
    assert ops.run(command)


def lock_june(ops: PlanOperations) -> None:
    run(ops, lock_months, JUNE)
    assert ops.undo_stack.count() == 1


def show(qtbot: QtBot, tab: Any) -> None:
    qtbot.addWidget(tab)
    tab.resize(1280, 860)
    tab.show()
    qtbot.waitExposed(tab)


def refused(name: str, instead: str = "Archive it instead") -> str:
    return (
        f"'{name}' has figures in locked months (up to June 2026). "
        f"{instead}, or unlock those months first."
    )


def test_channels_delete_button_shows_the_refusal(
    qtbot: QtBot, ops: PlanOperations, dialogs: Any
) -> None:
    lock_june(ops)
    tab = ChannelsTab(ops)
    show(qtbot, tab)
    with ops.plan.session() as session:
        search = session.scalar(select(Channel.id).where(Channel.name == SEARCH))
    tab._select(search)
    line = tab.current_line()
    assert line is not None and line.channel.name == SEARCH
    channels_before = [row.channel.name for row in tab.model.rows]
    before = dump_tables(ops.plan)
    with qtbot.waitSignal(ops.failed) as failure:
        tab.delete_button.click()
    assert failure.args == [refused(SEARCH)]
    assert tab.notice.text() == refused(SEARCH)
    assert dialogs.texts("question") == []  # refused before asking
    assert dump_tables(ops.plan) == before and ops.undo_stack.count() == 1
    assert [row.channel.name for row in tab.model.rows] == channels_before


def test_mix_delete_button_shows_the_refusal(
    qtbot: QtBot, ops: PlanOperations, dialogs: Any
) -> None:
    lock_june(ops)
    tab = MixTab(ops)
    show(qtbot, tab)
    model = tab.list_model
    names = [str(model.index(r).data()) for r in range(model.rowCount())]
    tab.view.setCurrentIndex(model.index(names.index(CATERING)))
    assert tab.editor.heading.text() == CATERING
    delete = [b for b in tab.findChildren(QToolButton) if b.text() == "Delete"]
    assert len(delete) == 1
    before = dump_tables(ops.plan)
    with qtbot.waitSignal(ops.failed) as failure:
        delete[0].click()
    assert failure.args == [refused(CATERING)]
    assert dialogs.texts("question") == []
    assert dump_tables(ops.plan) == before and ops.undo_stack.count() == 1
    assert [str(model.index(r).data()) for r in range(model.rowCount())] == names
    assert tab.editor.heading.text() == CATERING


def test_segments_delete_button_shows_the_refusal(
    qtbot: QtBot, ops: PlanOperations, dialogs: Any
) -> None:
    offices = queries.segments(ops.plan)[0]
    run(ops, set_part_target, Month(2026, 4), Part.SEGMENT, offices.id, Decimal("900"))
    run(ops, lock_months, JUNE)
    tab = SegmentsTab(ops)
    show(qtbot, tab)
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    count = tab.model.rowCount()
    before = dump_tables(ops.plan)
    with qtbot.waitSignal(ops.failed) as failure:
        tab.delete_button.click()
    assert failure.args == [refused(offices.name, "Untick Targeted to set it aside instead")]
    assert dialogs.texts("question") == []
    assert dump_tables(ops.plan) == before and ops.undo_stack.count() == 2
    assert tab.model.rowCount() == count and tab.model.rows[0].name == offices.name
