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

``BackgroundBackup`` takes the opening and while-editing copies on a worker thread (a
100,000-deal plan takes 0.2-0.3 s to copy and compare), one at a time; the closing copy is
taken on the caller's thread once the running one has finished, so the plan is never closed,
replaced or unlocked under a copy being written. The worker uses only its own sqlite3
connections (``backup_to``) and files, never the plan's SQLAlchemy engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from planner.db.plan import SUFFIX, Plan, PlanError, backup_to, check_file

DEFAULT_KEEP = 10
DEFAULT_MINUTES = 10
_CHUNK = 8 << 20  # bytes compared at a time when looking for an identical copy
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


def _same_content(a: Path, b: Path) -> bool:
    """Whether two copies hold the same plan: the same bytes after the 100-byte header
    (which holds change counters). Read side by side, stopping at the first difference:
    cheaper than hashing both (0.3 s of CPU for a 70 MB plan, with the GIL taken back
    hundreds of times, which slowed a window opening beside the backup worker)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as first, b.open("rb") as second:
        first.seek(100)
        second.seek(100)
        while True:
            chunk = first.read(_CHUNK)
            if chunk != second.read(_CHUNK):
                return False
            if not chunk:
                return True


class BackupStore:
    """The backups of every plan, under ``folder``; keeps the newest ``keep`` of each."""

    def __init__(self, folder: str | os.PathLike[str], keep: int = DEFAULT_KEEP) -> None:
        self.folder = Path(folder)
        self.keep = max(1, int(keep))

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
        if previous is not None and _same_content(previous.path, dest):
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


@dataclass(frozen=True)
class _Started:
    """A copy being taken, and the schedule as it was before it (put back if it fails)."""

    reason: str
    last: float | None
    dirty: bool


class AutoBackup:
    """When to take copies of one open plan: on open, every ``minutes`` while editing, on
    close if edited since the last copy. The window calls ``opened``, ``edited`` (after each
    change) and ``closed``; ``clock`` is injectable for tests. (``BackgroundBackup`` drives
    the same schedule with the copies taken on a worker thread.)"""

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
        self._last: float | None = None  # when the last copy was started
        self._dirty = False

    def opened(self) -> Backup | None:
        return self._take(OPENED)

    def edited(self) -> Backup | None:
        """Note an edit; takes a copy when the last one is ``minutes`` old."""
        self.note_edit()
        if not self.due():
            return None
        return self._take(EDITING)

    def closed(self) -> Backup | None:
        return self._take(CLOSED) if self._dirty else None

    # The steps of ``_take``, for a caller that runs the copy elsewhere.
    @property
    def dirty(self) -> bool:
        """Edited since the last copy was started."""
        return self._dirty

    def note_edit(self) -> None:
        self._dirty = True

    def due(self) -> bool:
        """Whether an edit now calls for a copy: none yet, or the last is ``minutes`` old."""
        return self._last is None or self._clock() - self._last >= self.seconds

    def begin(self, reason: str) -> _Started | None:
        """A copy for ``reason`` starts now (None: a read-only plan gets no copies)."""
        if self.plan.read_only:
            return None
        started = _Started(reason, self._last, self._dirty)
        self._last = self._clock()
        self._dirty = False
        return started

    def failed(self, started: _Started) -> None:
        """The copy ``started`` failed: the schedule is as if it had not been tried (the
        next edit tries again, the close still takes a copy if it was due one)."""
        self._last = started.last
        self._dirty = self._dirty or started.dirty

    def _take(self, reason: str) -> Backup | None:
        started = self.begin(reason)
        if started is None:
            return None
        try:
            return self.store.take(self.plan, reason)
        except BaseException:
            self.failed(started)
            raise


@dataclass(frozen=True)
class BackupOutcome:
    """What a copy taken on the worker came to: the copy (None when it was the same as the
    newest one and not kept), or the error that stopped it."""

    reason: str
    backup: Backup | None
    error: Exception | None = None


class BackgroundBackup:
    """``auto``'s opening and while-editing copies, taken on a worker thread one at a time.

    ``report`` hears of each copy on the worker thread (the window passes it on to the GUI
    thread through a queued signal). An edit that calls for a copy while one runs is merged
    into one more copy taken when it ends; an edit that is not yet due leaves the plan
    "edited", so a later edit or the close takes the copy. ``closed`` (and ``stop``) wait
    for the running copy before they return. All calls come from one thread (the window's).
    """

    def __init__(self, auto: AutoBackup, report: Callable[[BackupOutcome], None]) -> None:
        self.auto = auto
        self._report = report
        self._lock = threading.Lock()  # guards the schedule and the fields below
        self._thread: threading.Thread | None = None
        self._again = False  # an edit asked for a copy while one was running
        self._stopped = False

    @property
    def plan(self) -> Plan:
        return self.auto.plan

    @property
    def busy(self) -> bool:
        """A copy is being taken (or is about to be, after the running one)."""
        with self._lock:
            return self._thread is not None

    def opened(self) -> None:
        with self._lock:
            if self._thread is None and not self._stopped:
                self._start(OPENED)

    def edited(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self.auto.note_edit()
            if not self.auto.due():
                return
            if self._thread is not None:
                self._again = True
            else:
                self._start(EDITING)

    def wait(self) -> None:
        """Wait until no copy is being taken (including one that follows the running one)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join()

    def stop(self) -> None:
        """Take no more copies on the worker; wait for the one running to be complete."""
        with self._lock:
            self._stopped = True
            self._again = False
        self.wait()

    def closed(self) -> Backup | None:
        """``stop``, then take the closing copy on this thread (raises as ``AutoBackup``)."""
        self.stop()
        return self.auto.closed()

    def _start(self, reason: str) -> None:
        started = self.auto.begin(reason)
        if started is None:
            return
        # Not a daemon: quitting Python waits for a copy being written rather than leave
        # its temporary file behind.
        thread = threading.Thread(target=self._run, args=(started,), name="plan-backup")
        self._thread = thread
        thread.start()

    def _run(self, started: _Started) -> None:
        while True:
            try:
                outcome = BackupOutcome(
                    started.reason, self.auto.store.take(self.plan, started.reason)
                )
            except Exception as exc:  # said to the user; never stops them working
                with self._lock:
                    self.auto.failed(started)
                outcome = BackupOutcome(started.reason, None, exc)
            self._report(outcome)
            with self._lock:
                follow = self._again and not self._stopped and self.auto.dirty
                self._again = False
                following = self.auto.begin(EDITING) if follow else None
                if following is None:
                    self._thread = None
                    return
            started = following
