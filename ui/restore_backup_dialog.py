"""File > Restore from Backup…: the automatic copies of the open plan, newest first.

The dialog lists each copy with when it was taken, why, and its size, and returns the one
chosen; ``FileFlows.restore_backup`` does the restoring (the plan as it is now is kept as a
copy first, so a restore can be undone by restoring that copy). ``backup_folder`` is where
copies live: the platform's application data folder, or ``$SMPLANNER_CONFIG_DIR/backups``
when that is set (tests), or ``$SMPLANNER_BACKUP_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, QStandardPaths, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.backups import Backup, BackupStore
from ui import settings as opt
from ui.models.formats import display_locale
from ui.settings import CONFIG_ENV, Settings

BACKUP_ENV = "SMPLANNER_BACKUP_DIR"


def backup_folder() -> Path:
    """Where automatic backups are kept."""
    if folder := os.environ.get(BACKUP_ENV):
        return Path(folder)
    if folder := os.environ.get(CONFIG_ENV):
        return Path(folder) / "backups"
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return (Path(data) if data else Path.home() / ".smplanner") / "backups"


def backup_store(settings: Settings) -> BackupStore:
    return BackupStore(backup_folder(), keep=settings.get(opt.BACKUP_COUNT))


def size_text(size: int) -> str:
    """'48 KB', '7.2 MB': sizes as a file manager shows them."""
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000)):,} KB"
    return f"{size / 1000 / 1000:,.1f} MB"


class RestoreBackupDialog(QDialog):
    """Choose a copy of ``plan_path`` to go back to; ``chosen()`` after it was accepted."""

    def __init__(self, store: BackupStore, plan_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreBackupDialog")
        self.setWindowTitle("Restore from Backup")
        self.backups = store.backups(plan_path)
        locale = display_locale()
        # The locale's short date and time, with seconds: copies a minute apart must differ.
        when_format = locale.dateTimeFormat(locale.FormatType.ShortFormat)
        if "ss" not in when_format:
            when_format = when_format.replace("mm", "mm:ss", 1)
        intro = QLabel(
            f"The planner keeps copies of '{plan_path.name}' on its own: when you open it, "
            "every few minutes while you make changes, and when you close it. Choose the "
            "copy to go back to. The plan as it is now is kept as a copy first, so you can "
            "come back to it the same way."
        )
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setObjectName("backupList")
        self.list.setHeaderLabels(["Taken", "When", "Size"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for backup in self.backups:
            t = backup.taken_at
            taken = QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute, t.second))
            item = QTreeWidgetItem(
                [
                    locale.toString(taken, when_format),
                    backup.label,
                    size_text(backup.size),
                ]
            )
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, str(backup.path))
            self.list.addTopLevelItem(item)
        for column in range(3):
            self.list.resizeColumnToContents(column)
        self.empty = QLabel(
            "There are no copies of this plan yet. The first is made the next time you open it."
        )
        self.empty.setWordWrap(True)
        self.empty.setVisible(not self.backups)
        self.list.setVisible(bool(self.backups))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            "Restore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda _item, _column: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.resize(560, 360)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def chosen(self) -> Backup | None:
        item = self.list.currentItem()
        if item is None or not item.isSelected():
            return None
        return self.backups[self.list.indexOfTopLevelItem(item)]
