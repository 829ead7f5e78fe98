"""Opening an older plan in the window shows the upgrade's progress; Cancel leaves the plan
as it was, shows no error and keeps the start page."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QProgressDialog

from planner.db.plan import HEAD_REVISION
from ui.upgrade_progress import UpgradeProgressDialog

pytestmark = pytest.mark.gui


def revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


@pytest.fixture
def old_plan(tmp_path: Path) -> Path:
    from tests.integration.test_upgrade_progress import old_sample

    return old_sample(tmp_path / "old.smplan", "0003")


def test_upgrade_shows_its_progress(
    make_window: Callable[..., Any], old_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int, bool]] = []
    real = UpgradeProgressDialog.__call__

    def watching(self: UpgradeProgressDialog, text: str, done: int, total: int) -> bool:
        answer = real(self, text, done, total)
        assert isinstance(self.dialog, QProgressDialog)
        seen.append((self.dialog.labelText(), self.dialog.value(), self.dialog.isVisible()))
        return answer

    monkeypatch.setattr(UpgradeProgressDialog, "__call__", watching)
    window = make_window()
    assert window.open_path(old_plan)
    assert window.plan is not None and window.plan.schema_version == HEAD_REVISION
    assert seen and all(visible for *_rest, visible in seen)
    assert seen[0][0].startswith("This plan was made by an older version of the Planner")
    assert "Making a safety copy" in seen[0][0] and seen[-1][1] == 100
    # Closed once the plan is open.
    assert not [d for d in window.findChildren(QProgressDialog) if d.isVisible()]


def test_cancel_leaves_the_plan_as_it_was(
    make_window: Callable[..., Any], old_plan: Path, dialogs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = UpgradeProgressDialog.__call__

    def press_cancel(self: UpgradeProgressDialog, text: str, done: int, total: int) -> bool:
        answer = real(self, text, done, total)
        if "step 1 of" in text:
            self.cancel()  # as a click on Cancel would
            return real(self, text, done, total)
        return answer

    monkeypatch.setattr(UpgradeProgressDialog, "__call__", press_cancel)
    window = make_window()
    assert not window.open_path(old_plan)
    assert window.plan is None and revision(old_plan) == "0003"
    assert dialogs.messages == []  # the user chose this: no error to explain
    left = [p.name for p in old_plan.parent.iterdir() if p.name.startswith((".copy-", "old."))]
    assert left == ["old.smplan"]  # no safety copy, no half-written file
