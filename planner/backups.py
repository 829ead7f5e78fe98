"""Automatic backups: the last N copies of each plan, kept in the user's data folder.

When they are taken (``AutoBackup``, driven by the window): when a plan is opened for
editing, then at most once every ``minutes`` while edits are being made, and when the plan is
closed if it changed since the last copy. A copy identical to the newest one is not kept, so
opening a plan again and again never pushes older, different copies out of the rotation.

Copies are made with SQLite's backup API (``Plan.save_copy``), never a file copy, so a copy
taken while the plan is open is complete and consistent. Each plan has its own folder,
named after the file and a short hash of its full path (two "Plan.smplan" in different
folders do not mix). ``restore`` first keeps the current plan as a copy ("before restore"),
so a restore can itself be undone by restoring that copy. This module takes the folder as
an argument; the window decides where it is (``ui.restore_backup_dialog.backup_folder``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.db.plan import SUFFIX, Plan, PlanError, backup_to, check_file

DEFAULT_KEEP = 10
DEFAULT_MINUTES = 10
_STAMP = "%Y-%m-%d %H-%M-%S"
_NAME = re.compile(
    r"^(?P<stamp>\d{4}-\d\d-\d\d \d\d-\d\d-\d\d)(?:-(?P<n>\d+))? (?P<reason>[a-z ]+)$"
)

# Why a copy was taken, as the restore dialog shows it.
OPENED = "opened"
EDITING = "while editing"
CLOSED = "on close"
BEFORE_RESTORE = "before restore"
REASONS = (OPENED, EDITING, CLOSED, BEFORE_RESTORE)


@dataclass(frozen=True)
class Backup:
    """One kept copy of a plan."""

    path: Path
    taken_at: dt.datetime
    size: int
    reason: str

    @property
    def label(self) -> str:
        return {
            OPENED: "When the plan was opened",
            EDITING: "While you were editing",
            CLOSED: "When the plan was closed",
            BEFORE_RESTORE: "Before a backup was restored",
        }.get(self.reason, self.reason.capitalize())


def _content_hash(path: Path) -> str:
    """A hash of a copy's pages without its 100-byte header (which holds change counters),
    so two copies of the same plan content compare equal."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        handle.seek(100)
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class BackupStore:
    """The backups of every plan, under ``folder``; keeps the newest ``keep`` of each."""

    def __init__(self, folder: str | os.PathLike[str], keep: int = DEFAULT_KEEP) -> None:
        self.folder = Path(folder)
        self.keep = max(1, int(keep))
        # Copies never change once written: their hashes are remembered (a 60 MB plan
        # takes ~0.2 s to hash) by path, size and modification time.
        self._hashes: dict[tuple[Path, int, int], str] = {}

    def _hash(self, path: Path) -> str:
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self._hashes:
            self._hashes[key] = _content_hash(path)
        return self._hashes[key]

    def folder_for(self, plan_path: str | os.PathLike[str]) -> Path:
        plan_path = Path(plan_path).resolve()
        tag = hashlib.sha256(str(plan_path).encode("utf-8", "surrogatepass")).hexdigest()[:10]
        stem = re.sub(r"[^\w.-]+", "_", plan_path.stem)[:60] or "plan"
        return self.folder / f"{stem}-{tag}"

    def backups(self, plan_path: str | os.PathLike[str]) -> list[Backup]:
        """The kept copies of the plan at ``plan_path``, newest first."""
        folder = self.folder_for(plan_path)
        if not folder.is_dir():
            return []
        found: list[tuple[tuple[str, int], Backup]] = []
        for path in folder.glob(f"*{SUFFIX}"):
            match = _NAME.match(path.name[: -len(SUFFIX)])
            if match is None:
                continue
            try:
                taken = dt.datetime.strptime(match["stamp"], _STAMP)
                size = path.stat().st_size
            except (ValueError, OSError):
                continue
            order = (match["stamp"], int(match["n"] or 0))
            found.append((order, Backup(path, taken, size, match["reason"])))
        return [backup for _order, backup in sorted(found, key=lambda f: f[0], reverse=True)]

    def take(
        self, plan: Plan, reason: str, *, rotate: bool = True, dedupe: bool = True
    ) -> Backup | None:
        """Copy the open ``plan``; returns the new copy, or None when it is the same as the
        newest one (nothing new to keep; ``dedupe=False`` keeps it anyway). Raises
        ``PlanError`` when the copy fails."""
        folder = self.folder_for(plan.path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PlanError(
                f"The backup folder '{folder}' could not be made: {exc.strerror or exc}."
            ) from None
        dest = self._new_name(folder, reason)
        plan.save_copy(dest)
        newest = self.backups(plan.path)
        previous = next((b for b in newest if b.path != dest), None) if dedupe else None
        if previous is not None and self._hash(previous.path) == self._hash(dest):
            dest.unlink(missing_ok=True)
            return None
        if rotate:
            self.rotate(plan.path)
        return next(b for b in self.backups(plan.path) if b.path == dest)

    def rotate(self, plan_path: str | os.PathLike[str]) -> list[Path]:
        """Delete all but the newest ``keep`` copies; returns what was deleted."""
        removed = []
        for old in self.backups(plan_path)[self.keep :]:
            try:
                old.path.unlink()
            except OSError:
                continue  # held open elsewhere: try again at the next rotation
            removed.append(old.path)
        return removed

    def restore(self, backup: Backup | Path, plan: Plan) -> Backup:
        """Keep the open ``plan`` as a "before restore" copy, then replace its file with
        ``backup``. ``plan`` is closed by this call; open the file again to go on.

        Returns the "before restore" copy, kept even when it matches an earlier one so the
        list always shows where to go back to. Raises ``PlanError`` when ``backup`` is not a
        usable plan or the file cannot be replaced; the plan is then left as it was.
        """
        source = backup.path if isinstance(backup, Backup) else Path(backup)
        check_file(source)
        plan_path = plan.path
        kept = self.take(plan, BEFORE_RESTORE, rotate=False, dedupe=False)
        assert kept is not None  # dedupe=False always keeps the copy
        plan.close()
        # The restored copy is built beside the plan, then renamed over it in one step.
        tmp = plan_path.with_name(f".restore-{os.getpid()}-{plan_path.name}")
        try:
            backup_to(source, tmp)
            for sidecar in ("-wal", "-shm"):
                plan_path.with_name(plan_path.name + sidecar).unlink(missing_ok=True)
            os.replace(tmp, plan_path)
        except (OSError, PlanError) as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, PlanError):
                raise
            raise PlanError(
                f"'{plan_path.name}' could not be replaced: {exc.strerror or exc}."
            ) from None
        self.rotate(plan_path)
        return kept

    @staticmethod
    def _new_name(folder: Path, reason: str) -> Path:
        stamp = dt.datetime.now().strftime(_STAMP)
        # Copies within one second get -1, -2... after the highest there (even one rotated
        # away already left a higher one), so names always sort in the order taken.
        used = [
            int(match["n"] or 0)
            for path in folder.glob(f"{stamp}*{SUFFIX}")
            if (match := _NAME.match(path.name[: -len(SUFFIX)])) is not None
        ]
        suffix = f"-{max(used) + 1}" if used else ""
        return folder / f"{stamp}{suffix} {reason}{SUFFIX}"


class AutoBackup:
    """When to take copies of one open plan: on open, every ``minutes`` while editing, on
    close if edited since the last copy. The window calls ``opened``, ``edited`` (after each
    change) and ``closed``; ``clock`` is injectable for tests."""

    def __init__(
        self,
        store: BackupStore,
        plan: Plan,
        *,
        minutes: float = DEFAULT_MINUTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.plan = plan
        self.seconds = max(0.0, minutes * 60)
        self._clock = clock
        self._last: float | None = None
        self._dirty = False

    def opened(self) -> Backup | None:
        return self._take(OPENED)

    def edited(self) -> Backup | None:
        """Note an edit; takes a copy when the last one is ``minutes`` old."""
        self._dirty = True
        if self._last is not None and self._clock() - self._last < self.seconds:
            return None
        return self._take(EDITING)

    def closed(self) -> Backup | None:
        return self._take(CLOSED) if self._dirty else None

    def _take(self, reason: str) -> Backup | None:
        if self.plan.read_only:
            return None
        taken = self.store.take(self.plan, reason)
        self._last = self._clock()
        self._dirty = False
        return taken
