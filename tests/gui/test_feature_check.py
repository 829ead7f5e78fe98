"""ui.feature_check: PySide6's look at every imported module, answered from the file's
bytes, gives the answers PySide6's own check gives."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import typing
from pathlib import Path
from types import ModuleType

import pytest

import planner.db.plan
import ui.application
from ui import feature_check

pytestmark = pytest.mark.gui


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quicken_puts_the_quicker_check_in_place_once() -> None:
    assert feature_check.quicken()
    feature = sys.modules[feature_check.FEATURE_MODULE]
    check = feature._mod_uses_pyside
    assert getattr(check, "quickened", False)
    assert feature_check.quicken()  # again: the same check, not a check wrapping a check
    assert feature._mod_uses_pyside is check


def test_the_quicker_check_answers_as_pysides_own(tmp_path: Path) -> None:
    feature_check.quicken()
    check = sys.modules[feature_check.FEATURE_MODULE]._mod_uses_pyside
    upstream = check.upstream
    mentions = tmp_path / "mentions_qt.py"
    mentions.write_text("# drawn with PySide6\nVALUE = 1\n", encoding="utf-8")
    plain = tmp_path / "plain_module.py"
    plain.write_text("VALUE = 2\n", encoding="utf-8")
    modules = [
        ui.application,  # imports PySide6
        planner.db.plan,  # never does
        typing,  # a big standard module
        sys,  # built in: no file
        sqlite3.dbapi2,
        importlib.import_module("_sqlite3"),  # an extension module
        load(mentions),
        load(plain),
    ]
    answers = [check(module) for module in modules]
    assert answers == [upstream(module) for module in modules]
    assert answers == [True, False, False, False, False, False, True, False]


def test_a_module_whose_file_is_gone_is_left_to_pysides_check(tmp_path: Path) -> None:
    gone = tmp_path / "gone_module.py"
    gone.write_text("VALUE = 3\n", encoding="utf-8")
    module = load(gone)
    gone.unlink()
    asked: list[ModuleType] = []

    def fallback(checked: ModuleType) -> bool:
        asked.append(checked)
        return False

    assert feature_check.uses_pyside(module, fallback) is False
    assert asked == [module]


def test_without_pysides_hook_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, feature_check.FEATURE_MODULE)
    assert feature_check.quicken() is False
