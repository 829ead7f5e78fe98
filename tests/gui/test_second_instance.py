"""A plan open in one window of the planner, opened again: the second window is told so and
may open it read-only (nothing can be changed, the title says so) or cancel. Checked with two
real windows in this process, and with a second process holding the plan's lock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from planner.db.plan import execute_sql
from planner.instance_lock import lock_path
from planner.services.offerings import add_offering
from ui.second_instance import ReadOnlyQuestion

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
REAL_ASK = ReadOnlyQuestion.ask  # taken before the GUI conftest stands in for it


@pytest.fixture
def real_question(monkeypatch: pytest.MonkeyPatch, dialogs: Any) -> None:
    """The real question box (clicked by ``answer_question``) instead of the stand-in."""
    monkeypatch.setattr(ReadOnlyQuestion, "ask", REAL_ASK)


def answer_question(choice: str, seen: list[tuple[str, str]]) -> None:
    """When the read-only question shows, note its text and press ``choice``."""

    def press() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReadOnlyQuestion)]
        visible = [box for box in boxes if box.isVisible()]
        if not visible:
            QTimer.singleShot(10, press)
            return
        box = visible[0]
        seen.append((box.text(), box.informativeText()))
        button = box.read_only_button if choice == "read-only" else box.cancel_button
        button.click()

    QTimer.singleShot(0, press)


def _offerings(window: Any) -> int:
    return int(execute_sql(window.plan, "SELECT count(*) FROM offering")[0][0])


def _add_offering(window: Any, name: str) -> bool:
    with window.plan.uow() as uow:
        command = add_offering(uow, name)
    return bool(window.ops.run(command))


def test_second_window_opens_read_only(
    make_window: Callable[..., Any], sample_path: Path, qtbot: QtBot, real_question: None
) -> None:
    first = make_window()
    assert first.open_path(sample_path)
    assert lock_path(sample_path).is_file()
    second = make_window()
    seen: list[tuple[str, str]] = []
    answer_question("read-only", seen)
    assert second.open_path(sample_path)
    assert seen and seen[0][0].startswith(
        "'sample.smplan' is open in another window of the planner on this computer since"
    )
    assert "open it read-only" in seen[0][1]
    assert second.plan.read_only
    assert "sample.smplan (read-only) — " in second.windowTitle()
    assert second.saved_label.text() == "Read-only: nothing can be changed"
    assert not second.restore_action.isEnabled()
    assert not second.import_deals_action.isEnabled()

    # An edit in the read-only window is refused with a clear message, nothing stored.
    before = _offerings(first)
    with qtbot.waitSignal(second.ops.failed) as failed:
        second.ops.run(_build_offering(first, "Scones"))
    assert "open read-only" in failed.args[0]
    assert "read-only" in second.statusBar().currentMessage()
    assert second.ops.undo_stack.count() == 0
    assert _offerings(first) == before

    # The first window still edits; the read-only one reads the committed change.
    assert _add_offering(first, "Muffins")
    assert _offerings(second) == before + 1

    second.close_plan()
    assert lock_path(sample_path).is_file()  # still the first window's
    first.close_plan()
    assert not lock_path(sample_path).exists()


def _build_offering(window: Any, name: str) -> Any:
    with window.plan.uow() as uow:
        return add_offering(uow, name)


def test_cancel_leaves_the_second_window_on_the_start_page(
    make_window: Callable[..., Any], sample_path: Path, real_question: None
) -> None:
    first = make_window()
    assert first.open_path(sample_path)
    second = make_window()
    seen: list[tuple[str, str]] = []
    answer_question("cancel", seen)
    assert not second.open_path(sample_path)
    assert seen
    assert second.plan is None
    assert second.pages.currentWidget() is second.start_page
    assert first.plan is not None and not first.plan.read_only


HOLDER = """
import sys
from planner.db.plan import open_plan
from planner.instance_lock import PlanLock
lock = PlanLock.acquire(sys.argv[1])
plan = open_plan(sys.argv[1])
with plan.engine.connect() as conn:
    conn.exec_driver_sql("SELECT count(*) FROM deal").fetchone()
    print("open", flush=True)
    sys.stdin.readline()
"""


def test_a_plan_open_in_another_process(
    make_window: Callable[..., Any], sample_path: Path, dialogs: Any
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(sample_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        window = make_window()
        dialogs.read_only_answer = True
        assert window.open_path(sample_path)
        assert "is open in another window of the planner" in dialogs.texts("read-only")[0]
        assert window.plan.read_only
        assert int(execute_sql(window.plan, "SELECT count(*) FROM deal")[0][0]) == 150
        window.close_plan()
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    # The other process has gone: the plan opens for editing again, with no question.
    window = make_window()
    assert window.open_path(sample_path)
    assert not window.plan.read_only
    assert len(dialogs.texts("read-only")) == 1  # asked only the first time
    window.close_plan()
    assert not lock_path(sample_path).exists()


def test_a_stale_lock_from_a_crash_does_not_ask(
    make_window: Callable[..., Any], sample_path: Path
) -> None:
    lock_path(sample_path).write_text("999999\nsomewhere\n2026-01-01T00:00:00\n")
    window = make_window()
    assert window.open_path(sample_path)  # no question: nobody holds the lock
    assert not window.plan.read_only
    window.close_plan()
    assert not lock_path(sample_path).exists()


def test_a_plan_that_cannot_be_written_is_offered_read_only(
    make_window: Callable[..., Any],
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: Any,
) -> None:
    import os

    real_access = os.access

    def no_writing(path: Any, mode: int, **kwargs: Any) -> bool:
        # As a read-only file looks to the planner (tests may run as root, who can write).
        if mode == os.W_OK and Path(path).resolve() == sample_path.resolve():
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", no_writing)  # planner.db.plan calls os.access
    before = sample_path.read_bytes()
    window = make_window()
    dialogs.read_only_answer = True
    assert window.open_path(sample_path)
    assert dialogs.messages[-1][1] == "Plan Cannot Be Changed"
    assert dialogs.texts("read-only")[0] == (
        "'sample.smplan' cannot be changed: the file is read-only. "
        "You can open it read-only to look at it."
    )
    assert window.plan.read_only
    assert "(read-only)" in window.windowTitle()
    window.close_plan()
    assert sample_path.read_bytes() == before
    assert sorted(p.name for p in sample_path.parent.iterdir() if "sample" in p.name) == [
        "sample.smplan"
    ]


def test_every_tab_shows_a_read_only_plan_and_refuses_a_typed_edit(
    make_window: Callable[..., Any], sample_path: Path, qtbot: QtBot
) -> None:
    from planner.db.plan import open_plan

    before = sample_path.read_bytes()
    window = make_window()
    window.load_plan(open_plan(sample_path, read_only=True), remember=False)
    for key in window.tab_keys():  # no tab writes while it loads
        window.show_tab(key)
        assert window.current_key() == key
    window.show_tab("segments")
    tab = window.current_tab()
    model = tab.model
    with qtbot.waitSignal(window.ops.failed) as failed:
        model.setData(model.index(0, 1), "1234")
    assert "open read-only" in failed.args[0]
    window.close_plan()
    assert sample_path.read_bytes() == before
