"""The question shown when a plan cannot be opened for editing here: open it read-only?

Two cases lead here: the plan is open in another window of the planner (its lock is held,
see ``planner.instance_lock``), or the file or its folder cannot be written. Either way the
user may look at the plan read-only (nothing can be changed, the title says so) or cancel.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from planner.instance_lock import LockHeld

TITLE = "Plan Already Open"
READ_ONLY_TITLE = "Plan Cannot Be Changed"
OPEN_READ_ONLY = "Open Read-Only"


def held_message(held: LockHeld) -> tuple[str, str]:
    """The main text and the explanation for a plan another window has open."""
    where = f" {held.owner.describe()}" if held.owner is not None else ""
    text = f"'{held.path.name}' is open in another window of the planner{where}."
    info = (
        "Only one window can change a plan at a time, so that no change is lost. "
        "You can open it read-only to look at it: you will see the plan as it is now, "
        "but not changes made in the other window after this. To make changes, "
        "switch to the other window, or close it first."
    )
    return text, info


def read_only_file_message(path: Path, reason: str) -> tuple[str, str]:
    """The main text and explanation for a plan file that cannot be written."""
    info = (
        "Nothing can be changed in it here. To make changes, save a copy in a folder you "
        "can write to (File > Save a Copy As… once it is open) and work in the copy."
    )
    return reason, info


class ReadOnlyQuestion(QMessageBox):
    """ "Open Read-Only" or "Cancel"; ``ask()`` returns True for read-only."""

    def __init__(self, title: str, text: str, info: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyQuestion")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(title)
        self.setText(text)
        self.setInformativeText(info)
        self.read_only_button = self.addButton(OPEN_READ_ONLY, QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.read_only_button)
        self.setEscapeButton(self.cancel_button)

    def ask(self) -> bool:
        self.exec()
        return self.clickedButton() is self.read_only_button


def ask_open_read_only(parent: QWidget | None, held: LockHeld) -> bool:
    """Tell the user the plan is open in another window; True when they chose read-only."""
    text, info = held_message(held)
    return ReadOnlyQuestion(TITLE, text, info, parent).ask()


def ask_open_read_only_file(parent: QWidget | None, path: Path, reason: str) -> bool:
    """Tell the user the plan file cannot be written; True when they chose read-only."""
    text, info = read_only_file_message(path, reason)
    return ReadOnlyQuestion(READ_ONLY_TITLE, text, info, parent).ask()
