"""GUI fixtures: fresh settings per test, stand-ins for modal dialogs, and plan windows.

No test may show a real modal dialog (it would wait for a click forever), so the static
QFileDialog and QMessageBox functions are replaced for every GUI test: file dialogs answer
from a queue the test fills, message boxes are recorded for the test to check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

# The day tests/conftest.py builds the sample plan for: every tab's "today" in GUI tests,
# so the current fiscal year and month do not move with the calendar.
SAMPLE_TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    """As in the app (ui/gc_policy.py): cycles are collected on the GUI thread only, never on
    a worker that reads in the background; each test's leftovers are collected after it."""
    from ui import gc_policy

    gc_policy.install()
    yield
    gc_policy.collect_now()


@pytest.fixture(autouse=True)
def _sample_today(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.tabs import base

    monkeypatch.setattr(base, "today", lambda: SAMPLE_TODAY)


@pytest.fixture
def ops(sample_plan: Any) -> Any:
    """The undo path over a fresh copy of the sample plan (tabs are built on it)."""
    from ui.undo import PlanOperations

    return PlanOperations(sample_plan)


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts with no recent plans, no last plan and no saved window layout."""
    config = tmp_path / "config"
    monkeypatch.setenv("SMPLANNER_CONFIG_DIR", str(config))
    return config


@dataclass
class Dialogs:
    """What the stand-in dialogs answer, and every message box that was "shown"."""

    open_answers: list[Path] = field(default_factory=list)
    save_answers: list[Path] = field(default_factory=list)
    question_answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
    read_only_answer: bool = False  # "Open Read-Only" (True) or "Cancel" for a locked plan
    messages: list[tuple[str, str, str]] = field(default_factory=list)  # kind, title, text
    file_captions: list[str] = field(default_factory=list)

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _title, text in self.messages if kind is None or k == kind]


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    state = Dialogs()

    def answer(queue: list[Path]) -> Callable[..., tuple[str, str]]:
        def fake(_parent: Any, caption: str = "", *_args: Any, **_kwargs: Any) -> tuple[str, str]:
            state.file_captions.append(caption)
            assert queue, f"an unexpected file dialog was opened: {caption!r}"
            return str(queue.pop(0)), ""

        return fake

    def message(kind: str) -> Callable[..., QMessageBox.StandardButton]:
        def fake(
            _parent: Any, title: str, text: str, *_args: Any, **_kwargs: Any
        ) -> QMessageBox.StandardButton:
            state.messages.append((kind, title, text))
            if kind == "question":
                return state.question_answer
            return QMessageBox.StandardButton.Ok

        return fake

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer(state.open_answers))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer(state.save_answers))
    for kind in ("critical", "warning", "information", "question", "about"):
        monkeypatch.setattr(QMessageBox, kind, message(kind))

    from ui.second_instance import ReadOnlyQuestion

    def read_only_question(box: ReadOnlyQuestion) -> bool:
        state.messages.append(("read-only", box.windowTitle(), box.text()))
        return state.read_only_answer

    monkeypatch.setattr(ReadOnlyQuestion, "ask", read_only_question)
    return state


@pytest.fixture
def make_window(qtbot: QtBot) -> Callable[..., Any]:
    """Build a shown MainWindow on the real tabs; pytest-qt closes it after the test."""
    from ui.main_window import MainWindow

    def make(**kwargs: Any) -> MainWindow:
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def plan_window(make_window: Callable[..., Any], sample_path: Path) -> Iterator[Any]:
    """A window with the sample plan open."""
    window = make_window()
    assert window.open_path(sample_path)
    yield window
