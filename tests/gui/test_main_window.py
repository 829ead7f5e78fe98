"""The main window: tabs, the File and Edit menus, recent plans, settings and run_gui."""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from planner.db.plan import PlanError, check_file, create_plan, open_plan
from ui import settings as opt
from ui.main_window import MainWindow
from ui.new_plan_dialog import NewPlanDialog
from ui.profile_dialog import ProfileDialog
from ui.settings import APPLICATION_TITLE

pytestmark = pytest.mark.gui

SAMPLE_NAME = "Hartmann's Bakery & Catering"
EXPECTED_TABS = [
    (None, "Dashboard"),
    ("Marketing", "Marketing mix (4Ps)"),
    ("Marketing", "Segments"),
    ("Marketing", "Channels"),
    ("Sales", "Targets"),
    ("Sales", "Pipeline"),
    ("Sales", "Forecast"),
    (None, "Actuals"),
]


def business_name(path: Path) -> str:
    """The business name as stored in the file, read without the app's code."""
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT name FROM business_profile").fetchone()[0])


def title_for(name: str, path: Path) -> str:
    return f"{name} — {path.name} — {APPLICATION_TITLE}"


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts only reach the active window."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    # Keys go to the sidebar: a text field would take Ctrl+Z for its own undo.
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, key, modifiers)


def click_sidebar(qtbot: QtBot, window: MainWindow, title: str) -> None:
    items = window.sidebar.findItems(title, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    assert len(items) == 1, title
    rect = window.sidebar.visualItemRect(items[0])
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_window_on_the_sample_shows_every_tab(
    qtbot: QtBot, plan_window: MainWindow, sample_path: Path
) -> None:
    window = plan_window
    assert window.windowTitle() == title_for(SAMPLE_NAME, sample_path)
    assert window.pages.currentWidget() is window.splitter
    assert window.saved_label.isVisible()
    assert window.saved_label.text() == "All changes saved"
    assert [(s.group, s.title) for s in window.tab_specs] == EXPECTED_TABS
    # Headings in the sidebar are not choices; tabs sit under them.
    marketing = window.sidebar.findItems("Marketing", Qt.MatchFlag.MatchExactly)[0]
    assert not marketing.flags() & Qt.ItemFlag.ItemIsSelectable
    assert [marketing.child(i).text(0) for i in range(marketing.childCount())] == [
        "Marketing mix (4Ps)",
        "Segments",
        "Channels",
    ]

    seen: set[int] = set()
    for spec in reversed(window.tab_specs):  # the first one is already showing
        click_sidebar(qtbot, window, spec.title)
        tab = window.current_tab()
        assert window.current_key() == spec.key
        assert tab is not None and window.tab_stack.currentWidget() is tab
        qtbot.waitUntil(tab.isVisible)
        seen.add(id(tab))
    assert len(seen) == len(EXPECTED_TABS)

    activate(qtbot, window)
    view_titles = [a.text() for a in window.tab_actions.actions()]
    assert view_titles == [title for _group, title in EXPECTED_TABS]
    for number, spec in enumerate(window.tab_specs, start=1):
        press(
            qtbot, window, Qt.Key(Qt.Key.Key_0.value + number), Qt.KeyboardModifier.ControlModifier
        )
        assert window.current_key() == spec.key
        assert window.sidebar.currentItem().text(0) == spec.title
        assert window.tab_actions.checkedAction().text() == spec.title


def test_profile_edit_undo_and_redo_by_menu_and_keys(
    qtbot: QtBot, plan_window: MainWindow, sample_path: Path
) -> None:
    window = plan_window
    assert not window.undo_action.isEnabled()
    window.profile_action.trigger()
    dialog = window.findChild(ProfileDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "Rosie's Bakery")
    qtbot.mouseClick(dialog.button_box.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    new, old = "Rosie's Bakery", SAMPLE_NAME
    assert business_name(sample_path) == new
    assert window.windowTitle() == title_for(new, sample_path)
    assert window.undo_action.text() == "Undo Change Business Profile"
    assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()

    def check(name: str) -> None:
        assert business_name(sample_path) == name
        assert window.windowTitle() == title_for(name, sample_path)

    window.undo_action.trigger()
    check(old)
    assert window.redo_action.text() == "Redo Change Business Profile"
    window.redo_action.trigger()
    check(new)

    activate(qtbot, window)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_Z, ctrl)
    check(old)
    press(qtbot, window, Qt.Key.Key_Z, ctrl | shift)
    check(new)
    press(qtbot, window, Qt.Key.Key_Z, ctrl)
    check(old)
    press(qtbot, window, Qt.Key.Key_Y, ctrl)
    check(new)
    assert window.ops is not None and window.ops.undo_stack.count() == 1

    # Closing the plan clears the stack: nothing is left to undo on the start page.
    window.close_action.trigger()
    assert window.pages.currentWidget() is window.start_page
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    assert window.windowTitle() == APPLICATION_TITLE
    assert business_name(sample_path) == new


def test_failures_go_to_the_status_bar_and_undo_failures_to_a_message(
    plan_window: MainWindow, dialogs: Any
) -> None:
    assert plan_window.ops is not None
    plan_window.ops.failed.emit("Enter an amount, for example 1250 or 1,250.00.")
    assert plan_window.statusBar().currentMessage().startswith("Enter an amount")
    assert dialogs.messages == []
    plan_window.ops.failed.emit("Could not undo Change Amount: That deal no longer exists.")
    assert dialogs.texts("warning") == ["Could not undo Change Amount: That deal no longer exists."]


def test_start_page_without_a_plan(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    assert window.pages.currentWidget() is window.start_page
    assert window.windowTitle() == APPLICATION_TITLE
    assert window.ops is None and window.current_tab() is None
    assert not window.saved_label.isVisible()
    for action in (window.save_copy_action, window.close_action, window.profile_action):
        assert not action.isEnabled()
    assert not any(a.isEnabled() for a in window.tab_actions.actions())
    assert window.start_page.new_button.text() == "&New plan…"
    assert window.start_page.recent_paths() == []


def test_new_plan_asks_for_the_business_then_where_to_save(
    qtbot: QtBot, make_window: Callable[..., MainWindow], dialogs: Any, tmp_path: Path
) -> None:
    window = make_window()
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(NewPlanDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    ok = dialog.button_box.buttons()[0]

    # No name yet: the dialog says so next to the field and asks nothing else.
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.messages["name"].isVisible()
    assert dialog.messages["name"].text() == "Enter the business name."
    assert dialogs.file_captions == []

    qtbot.keyClicks(dialog.name_edit, "Green Thumb Gardens")
    dialog.currency_combo.set_code("GBP")
    assert "£" in dialog.currency_example.text()
    dialog.month_combo.set_month(4)
    dialogs.save_answers.append(tmp_path / "gardens")  # the suffix is added
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    created = tmp_path / "gardens.smplan"
    qtbot.waitUntil(lambda: window.plan is not None)
    assert dialogs.file_captions == ["Save the New Plan As"]
    assert window.plan is not None and window.plan.path == created
    with sqlite3.connect(created) as conn:
        row = conn.execute("SELECT name, currency, fiscal_start_month FROM business_profile")
        assert row.fetchone() == ("Green Thumb Gardens", "GBP", 4)
    assert window.windowTitle() == title_for("Green Thumb Gardens", created)
    assert window.settings.recent_files() == [created.resolve()]


def test_new_from_sample_writes_and_opens_the_sample(
    make_window: Callable[..., MainWindow], dialogs: Any, tmp_path: Path
) -> None:
    window = make_window()
    dialogs.save_answers.append(tmp_path / "try.smplan")
    window.sample_action.trigger()
    assert window.plan is not None and window.plan.path == tmp_path / "try.smplan"
    assert business_name(tmp_path / "try.smplan") == SAMPLE_NAME
    with sqlite3.connect(tmp_path / "try.smplan") as conn:
        assert conn.execute("SELECT COUNT(*) FROM deal").fetchone()[0] > 100


def test_recent_plans_persist_and_clear(
    qtbot: QtBot, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    first, second = tmp_path / "first.smplan", tmp_path / "second.smplan"
    create_plan(first, "First").close()
    create_plan(second, "Second").close()
    window = make_window()
    assert window.open_path(first) and window.open_path(second)
    window.close_plan()
    assert window.start_page.recent_paths() == [second, first]
    menu_texts = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert menu_texts == ["&1 second.smplan", "&2 first.smplan", "&Clear Recent"]
    window.close()

    again = make_window()
    assert again.start_page.recent_paths() == [second, first]
    # Clicking a recent plan opens it.
    list_widget = again.start_page.recent_list
    rect = list_widget.visualItemRect(list_widget.item(1))
    qtbot.mouseClick(list_widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert again.plan is not None and again.plan.path == first
    assert again.settings.recent_files() == [first, second]

    again.clear_recent_action.trigger()
    assert again.settings.recent_files() == []
    assert not again.clear_recent_action.isEnabled()
    again.close()
    assert make_window().start_page.recent_paths() == []


def test_missing_recent_plan_is_explained_and_removed(
    make_window: Callable[..., MainWindow], dialogs: Any, tmp_path: Path
) -> None:
    kept, gone = tmp_path / "kept.smplan", tmp_path / "gone.smplan"
    create_plan(kept, "Kept").close()
    create_plan(gone, "Gone").close()
    window = make_window()
    window.settings.add_recent(kept)
    window.settings.add_recent(gone)
    gone.unlink()
    window.close()

    window = make_window()
    texts = [window.start_page.recent_list.item(i).text() for i in range(2)]
    assert texts[0].startswith("gone.smplan — not found")
    assert texts[1].startswith("kept.smplan\n")
    window.start_page.recent_list.itemActivated.emit(window.start_page.recent_list.item(0))
    assert len(dialogs.messages) == 1
    kind, _title, text = dialogs.messages[0]
    assert kind == "warning"
    assert "'gone.smplan' is no longer in" in text
    assert "removed from the recent plans" in text
    assert window.start_page.recent_paths() == [kept]
    assert window.ops is None


def test_open_a_bad_file_shows_the_reason_and_leaves_it_untouched(
    make_window: Callable[..., MainWindow], dialogs: Any, tmp_path: Path, sample_path: Path
) -> None:
    bad = tmp_path / "bad.smplan"
    content = random.Random(2).randbytes(8192)
    bad.write_bytes(content)
    with pytest.raises(PlanError) as expected:
        check_file(bad)

    window = make_window()
    dialogs.open_answers.append(bad)
    window.open_action.trigger()
    assert dialogs.file_captions == ["Open Plan"]
    assert dialogs.messages == [("critical", "Could Not Open the Plan", str(expected.value))]
    assert str(expected.value) == "'bad.smplan' is not a plan file (it is not an SQLite database)."
    assert bad.read_bytes() == content
    assert window.ops is None and window.settings.recent_files() == []

    # Still usable: a good plan opens, and a bad one then leaves it open.
    dialogs.open_answers.append(sample_path)
    window.open_action.trigger()
    assert window.plan is not None and window.plan.path == sample_path
    dialogs.open_answers.append(bad)
    window.open_action.trigger()
    assert window.plan is not None and window.plan.path == sample_path
    assert len(dialogs.texts("critical")) == 2
    assert bad.read_bytes() == content


def test_save_a_copy_is_one_consistent_file(
    plan_window: MainWindow, dialogs: Any, tmp_path: Path, sample_path: Path
) -> None:
    window = plan_window
    dest = tmp_path / "copies"
    dest.mkdir()
    dialogs.save_answers.append(dest / "bakery copy")
    window.save_copy_action.trigger()
    copy = dest / "bakery copy.smplan"
    assert copy.is_file()
    assert sorted(p.name for p in dest.iterdir()) == ["bakery copy.smplan"]  # no -wal, no -shm
    assert window.plan is not None and window.plan.path == sample_path
    assert "Saved a copy as 'bakery copy.smplan'" in window.statusBar().currentMessage()
    tables = ("business_profile", "sales_rep", "offering", "deal", "actual_sale", "target")
    with sqlite3.connect(sample_path) as a, sqlite3.connect(copy) as b:
        assert a.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert b.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        for table in tables:
            query = f"SELECT * FROM {table} ORDER BY 1"
            assert a.execute(query).fetchall() == b.execute(query).fetchall(), table
    with open_plan(copy) as reopened:
        assert reopened.schema_version == window.plan.schema_version
    assert window.settings.recent_files()[:2] == [sample_path, copy]

    # The open plan's own name is refused, and the plan is left as it was.
    before = business_name(sample_path)
    dialogs.save_answers.append(sample_path)
    window.save_copy_action.trigger()
    assert dialogs.texts("warning") == ["That is the plan you have open. Choose another file name."]
    assert business_name(sample_path) == before


def test_later_starts_reopen_the_last_plan_and_tab(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sample_path: Path
) -> None:
    window = make_window()
    window.open_path(sample_path)
    third = window.tab_specs[2]
    click_sidebar(qtbot, window, third.title)
    window.resize(700, 500)
    window.close()  # quitting keeps the plan as the one to reopen

    again = make_window()
    assert again.reopen_last()
    assert again.plan is not None and again.plan.path == sample_path.resolve()
    assert again.current_key() == third.key
    assert (again.width(), again.height()) == (700, 500)
    again.close_action.trigger()  # closing it means: start on the start page next time
    again.close()

    assert not make_window().reopen_last()


def test_an_upgraded_plan_says_where_the_backup_is(
    make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    from alembic import command
    from alembic.config import Config

    import planner.db.plan as plan_module

    old = tmp_path / "old.smplan"
    config = Config()
    config.set_main_option("script_location", str(Path(plan_module.__file__).parent / "migrations"))
    engine = plan_module._make_engine(old, foreign_keys=False)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, plan_module.REVISIONS[0])
        conn.exec_driver_sql("INSERT INTO business_profile VALUES (1, 'Old Bakery', 'EUR', 1)")
    engine.dispose()

    window = make_window()
    assert window.open_path(old)
    message = window.statusBar().currentMessage()
    backup = old.with_name(f"old.smplan.schema-{plan_module.REVISIONS[0]}.bak")
    assert backup.is_file()
    assert "upgraded" in message and str(backup) in message


def test_run_gui_times_the_startup(
    qapp: QApplication, capsys: pytest.CaptureFixture[str], sample_path: Path
) -> None:
    from ui.application import run_gui

    started = time.time()
    assert run_gui(sample_path, startup_time=True, started_at=started) == 0
    out, err = capsys.readouterr()
    match = re.fullmatch(r"startup_ms=(\d+)\n", out)
    assert match, out
    assert 0 <= int(match.group(1)) <= (time.time() - started) * 1000 + 1
    assert err == ""
    assert QApplication.instance() is qapp
    assert qapp.applicationDisplayName() == APPLICATION_TITLE


def test_run_gui_on_a_bad_file_prints_the_reason(
    qapp: QApplication, capsys: pytest.CaptureFixture[str], dialogs: Any, tmp_path: Path
) -> None:
    from ui.application import run_gui

    empty = tmp_path / "empty.smplan"
    empty.write_bytes(b"")
    assert run_gui(empty, startup_time=True, started_at=time.time()) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "'empty.smplan' is empty, so it is not a plan file.\n"
    assert dialogs.messages == []
    assert empty.read_bytes() == b""


def test_run_gui_startup_time_reopens_the_last_plan(
    qapp: QApplication,
    capsys: pytest.CaptureFixture[str],
    make_window: Callable[..., MainWindow],
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.application import run_gui

    window = make_window()
    window.open_path(sample_path)
    window.close()
    shown: list[Path] = []
    load_plan = MainWindow.load_plan

    def record(self: MainWindow, plan: Any, **kwargs: Any) -> None:
        shown.append(plan.path)
        load_plan(self, plan, **kwargs)

    monkeypatch.setattr(MainWindow, "load_plan", record)
    assert run_gui(None, startup_time=True) == 0
    assert capsys.readouterr().out.startswith("startup_ms=")
    assert shown == [sample_path.resolve()]


def test_settings_read_back_in_a_new_process(tmp_path: Path, _fresh_settings: Path) -> None:
    """QSettings hands back strings in a new process unless read with a type."""
    store = opt.Settings()
    only = tmp_path / "Café Müller.smplan"
    store.add_recent(only)  # a one-item list is the case that comes back as a plain string
    store.set(opt.LAST_TAB, "pipeline")
    store.set(opt.WINDOW_GEOMETRY, QByteArray(b"\x01\x00geometry"))
    script = (
        "import json\n"
        "from ui import settings as opt\n"
        "s = opt.Settings()\n"
        "print(json.dumps([s.get(opt.RECENT_FILES), s.get(opt.LAST_TAB), s.get(opt.LAST_PLAN),"
        " bytes(s.get(opt.WINDOW_GEOMETRY).data()).hex(), s.get(opt.SPLITTER_STATE).isEmpty()]))\n"
    )
    env = dict(os.environ, SMPLANNER_CONFIG_DIR=str(_fresh_settings))
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(opt.__file__).parent.parent,
        check=True,
    )
    recent, tab, last, geometry, splitter_empty = json.loads(result.stdout)
    assert recent == [str(only.resolve())]
    assert (tab, last) == ("pipeline", "")
    assert bytes.fromhex(geometry) == b"\x01\x00geometry"
    assert splitter_empty is True
    ini = (_fresh_settings / "smplanner.ini").read_text(encoding="utf-8")
    assert "[user]" in ini and "[window]" in ini  # user choices kept apart from window state


def test_text_still_being_typed_is_saved_when_the_window_closes(
    qtbot: QtBot, plan_window: Any, sample_path: Path
) -> None:
    """Closing the window with the cursor still in a description box loses nothing."""
    import sqlite3

    from PySide6.QtWidgets import QPlainTextEdit

    window = plan_window
    window.show_tab("segments")
    box = window.current_tab().findChild(QPlainTextEdit, "segmentDescription")
    assert box is not None
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    box.selectAll()
    qtbot.keyClicks(box, "Firms with 20 to 250 staff")
    window.close()
    with sqlite3.connect(sample_path) as conn:
        texts = [row[0] for row in conn.execute("SELECT description FROM segment")]
    assert "Firms with 20 to 250 staff" in texts


def test_every_tab_fits_a_small_laptop_screen(plan_window: Any) -> None:
    # The window's minimum is the widest tab opened so far, so every tab is opened in turn;
    # the Pipeline's filter row and totals once forced 1,133 pixels.
    for key in plan_window.tab_keys():
        plan_window.show_tab(key)
        QApplication.processEvents()
        plan_window.resize(1024, 700)
        assert plan_window.minimumSizeHint().width() <= 1024, key
        assert plan_window.width() == 1024, key
