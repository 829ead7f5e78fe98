"""The app's settings, each declared once with its type and default (in the style of Picard).

User choices (recent plans, the last plan and tab) live in the ``user`` section; window
geometry and splitter positions live apart in ``window``, so resetting the window layout
never loses a choice. Settings are an INI file in ``$SMPLANNER_CONFIG_DIR`` when that is
set (tests set it), else in the platform's usual place. Values are always read with
``type=``: QSettings hands back strings in a new process otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "SMPlanner"
APPLICATION = "smplanner"  # names the settings file, so kept plain
APPLICATION_TITLE = "Sales & Marketing Planner"
CONFIG_ENV = "SMPLANNER_CONFIG_DIR"
MAX_RECENT = 10

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: where it lives, what type it has and what it is until set."""

    section: str
    name: str
    type: type
    default: T

    @property
    def key(self) -> str:
        return f"{self.section}/{self.name}"


USER = "user"
WINDOW = "window"

RECENT_FILES: Option[list[str]] = Option(USER, "recent_files", list, [])
LAST_PLAN: Option[str] = Option(USER, "last_plan", str, "")
LAST_TAB: Option[str] = Option(USER, "last_tab", str, "")
# Automatic backups (planner.backups): how many copies of each plan, and how often while editing.
BACKUP_COUNT: Option[int] = Option(USER, "backup_count", int, 10)
BACKUP_MINUTES: Option[int] = Option(USER, "backup_minutes", int, 10)
WINDOW_GEOMETRY: Option[QByteArray] = Option(WINDOW, "geometry", QByteArray, QByteArray())
WINDOW_STATE: Option[QByteArray] = Option(WINDOW, "state", QByteArray, QByteArray())
SPLITTER_STATE: Option[QByteArray] = Option(WINDOW, "splitter", QByteArray, QByteArray())

OPTIONS: tuple[Option[Any], ...] = (
    RECENT_FILES,
    LAST_PLAN,
    LAST_TAB,
    BACKUP_COUNT,
    BACKUP_MINUTES,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    SPLITTER_STATE,
)


def settings_file() -> Path | None:
    """The INI file chosen by ``$SMPLANNER_CONFIG_DIR``, or None for the platform default."""
    folder = os.environ.get(CONFIG_ENV)
    return Path(folder) / "smplanner.ini" if folder else None


class Settings:
    """Typed access to the settings file; every write is flushed at once."""

    def __init__(self) -> None:
        path = settings_file()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._store = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._store = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )

    @property
    def file_name(self) -> str:
        return self._store.fileName()

    def get(self, option: Option[T]) -> T:
        value = self._store.value(option.key, option.default, type=option.type)
        if value is None:  # an empty list comes back as None
            value = option.default
        if option.type is list:  # also a fresh copy, never the shared default
            value = [str(item) for item in cast(list[Any], value) if item]
        return cast(T, value)

    def set(self, option: Option[T], value: T) -> None:
        self._store.setValue(option.key, value)
        self._store.sync()

    def reset(self, option: Option[Any]) -> None:
        self._store.remove(option.key)
        self._store.sync()

    # Recent plans: newest first, no duplicates, at most MAX_RECENT.
    def recent_files(self) -> list[Path]:
        return [Path(name) for name in self.get(RECENT_FILES)]

    def add_recent(self, path: Path) -> None:
        name = str(Path(path).resolve())
        names = [name] + [other for other in self.get(RECENT_FILES) if other != name]
        self.set(RECENT_FILES, names[:MAX_RECENT])

    def remove_recent(self, path: Path) -> None:
        name = str(Path(path).resolve())
        self.set(RECENT_FILES, [other for other in self.get(RECENT_FILES) if other != name])

    def clear_recent(self) -> None:
        self.set(RECENT_FILES, [])
