"""Is this file a plan this build can open? The read-only look at a file before it is opened.

Apart from ``planner.db.plan`` (which re-exports all of it) because it needs no SQLAlchemy:
``app.py`` starts the check of the file it was given (``start_check``) on a thread before it
imports SQLAlchemy and the models (~0.3 s), so the 0.1-0.4 s ``PRAGMA quick_check`` of a big
plan is done by the time the window opens it, instead of half done.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

APPLICATION_ID = 0x534D504C  # "SMPL": marks an SQLite file as ours
# Every schema revision this build knows, oldest first; the last is the current one.
# A test checks this list against the Alembic scripts, so opening a current file never
# needs to import Alembic.
REVISIONS = ("0001", "0002", "0003", "0004", "0005")
HEAD_REVISION = REVISIONS[-1]
_SQLITE_MAGIC = b"SQLite format 3\x00"


class PlanError(Exception):
    """A plan file cannot be used. ``str(error)`` is one plain sentence for the user."""


@dataclass(frozen=True)
class FileCheck:
    """What a read-only look at a plan file found."""

    path: Path
    revision: str

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != HEAD_REVISION


def quoted_name(path: Path) -> str:
    """The file's name in quotes, for a sentence (the whole path when it has no name)."""
    return f"'{path.name}'" if path.name else f"'{path}'"


@dataclass
class _EarlyCheck:
    """A ``check_file`` started ahead on a thread (``start_check``) and what it found."""

    stamp: tuple[int, int, int, bool]
    done: threading.Event
    found: FileCheck | None = None
    refusal: str | None = None  # the PlanError's sentence


_early_checks: dict[Path, _EarlyCheck] = {}
_early_lock = threading.Lock()


def _file_stamp(path: Path) -> tuple[int, int, int, bool] | None:
    """What tells that a file is still the one an early check looked at (None: no file)."""
    try:
        info = path.stat()
    except OSError:
        return None
    wal = path.with_name(f"{path.name}-wal").exists()  # decides how the check reads it
    return (info.st_ino, info.st_size, info.st_mtime_ns, wal)


def start_check(path: str | os.PathLike[str]) -> None:
    """Start checking ``path`` on a thread now; the next ``check_file`` of it waits for this
    check instead of running its own, unless the file changed in between.

    ``PRAGMA quick_check`` reads the whole file (0.1-0.4 s for 100,000 deals) and SQLite
    lets other Python threads run meanwhile, so the window starts this before it imports
    and builds itself, and the plan is still refused, with the same sentence, before
    anything is shown or written. A file that is missing or a folder is left to
    ``check_file``."""
    path = Path(path)
    stamp = _file_stamp(path)
    if stamp is None or not path.is_file():
        return
    early = _EarlyCheck(stamp, threading.Event())

    def run() -> None:
        try:
            early.found = _check_file(path)
        except PlanError as exc:
            early.refusal = str(exc)
        except Exception:  # check_file then checks again itself, and says what is wrong
            pass
        finally:
            early.done.set()

    with _early_lock:
        _early_checks[path.resolve()] = early
    threading.Thread(target=run, name="plan-check", daemon=True).start()


def _early_result(path: Path) -> FileCheck | None:
    """The result of an early check of ``path`` (raising its refusal), waiting for it;
    None when there is none for the file as it is now (each result is used once)."""
    with _early_lock:
        if not _early_checks:
            return None
        early = _early_checks.pop(path.resolve(), None)
    if early is None:
        return None
    early.done.wait()
    if early.stamp != _file_stamp(path):
        return None  # the file changed since: look again
    if early.refusal is not None:
        raise PlanError(early.refusal)
    return None if early.found is None else FileCheck(path, early.found.revision)


def check_file(path: str | os.PathLike[str]) -> FileCheck:
    """Look at ``path`` without writing to it; raise ``PlanError`` if it is not a usable plan."""
    path = Path(path)
    found = _early_result(path)
    return found if found is not None else _check_file(path)


def _check_file(path: Path) -> FileCheck:
    if not path.parent.exists():
        raise PlanError(f"The folder '{path.parent}' does not exist.")
    if path.is_dir():
        raise PlanError(f"{quoted_name(path)} is a folder, not a plan file.")
    if not path.exists():
        raise PlanError(f"There is no file at '{path}'.")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise PlanError(f"{quoted_name(path)} cannot be read: {exc.strerror or exc}.") from None
    if size == 0:
        raise PlanError(f"{quoted_name(path)} is empty, so it is not a plan file.")
    if not header.startswith(_SQLITE_MAGIC):
        raise PlanError(f"{quoted_name(path)} is not a plan file (it is not an SQLite database).")
    if len(header) < 100:
        raise PlanError(f"{quoted_name(path)} is damaged: the file is cut short.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    if page_size < 512 or size % page_size or (page_count and size < page_size * page_count):
        raise PlanError(f"{quoted_name(path)} is damaged: the file is cut short.")
    # A read-only connection to a WAL-mode file creates -wal and -shm siblings and leaves
    # them behind. Unless a -wal is already there (the plan is open elsewhere, or a writer
    # stopped before its last checkpoint), every page is in the main file, and ``immutable``
    # reads it without creating anything.
    wal = path.with_name(f"{path.name}-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.Error as exc:
        raise PlanError(f"{quoted_name(path)} cannot be opened: {exc}.") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise PlanError(
                f"{quoted_name(path)} is an SQLite database of another program, not a plan file."
            )
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.DatabaseError:
            rows = []
        if len(rows) != 1:
            raise PlanError(f"{quoted_name(path)} is damaged: its schema version is missing.")
        revision = str(rows[0][0])
        if revision not in REVISIONS:
            raise PlanError(
                f"{quoted_name(path)} was made by a newer version of the Planner "
                f"(schema {revision}); update the app to open it."
            )
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise PlanError(f"{quoted_name(path)} is damaged: {ok}.")
    except sqlite3.DatabaseError as exc:
        raise PlanError(f"{quoted_name(path)} is damaged and cannot be read ({exc}).") from None
    finally:
        conn.close()
    return FileCheck(path, revision)
