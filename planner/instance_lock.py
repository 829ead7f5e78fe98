"""One planner window per plan: a lock file beside the plan while a window edits it.

``PlanLock.acquire(path)`` creates ``PLAN.lock`` (``bakery.smplan.lock``) and holds an
exclusive ``flock`` on it for as long as the plan is open; ``release()`` deletes it, so a
normal close leaves nothing behind. When the planner crashes the kernel drops the flock,
so the next ``acquire`` finds the file unlocked, knows it is stale and takes it over: a crash
never keeps the plan locked. Without ``fcntl`` (Windows) a lock is stale when the process
it names no longer runs on this computer.

A second ``acquire`` while the lock is held raises ``LockHeld``, which says who holds it;
the window then offers to open the plan read-only. The lock guards against two windows
editing one plan (each would keep its own undo history over the other's changes); SQLite
itself keeps the file sound either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"
_ATTEMPTS = 5  # retries when another process is taking or dropping the lock at that moment


def lock_path(plan_path: str | os.PathLike[str]) -> Path:
    plan_path = Path(plan_path)
    return plan_path.with_name(plan_path.name + LOCK_SUFFIX)


@dataclass(frozen=True)
class LockOwner:
    """Who holds a lock, as written in the lock file."""

    pid: int
    host: str
    since: str  # ISO date and time the lock was taken

    def describe(self) -> str:
        here = self.host == socket.gethostname()
        where = "on this computer" if here else f"on the computer '{self.host}'"
        when = ""
        with contextlib.suppress(ValueError):
            taken = dt.datetime.fromisoformat(self.since)
            when = f" since {taken:%d %b %Y, %H:%M}"
        return f"{where}{when}"


class LockHeld(Exception):
    """The plan is open in another window of the planner."""

    def __init__(self, path: Path, owner: LockOwner | None) -> None:
        self.path = path
        self.owner = owner
        where = f" {owner.describe()}" if owner is not None else ""
        super().__init__(f"'{path.name}' is open in another window of the planner{where}.")


def _read_owner(fd: int) -> LockOwner | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        lines = os.read(fd, 4096).decode("utf-8", "replace").splitlines()
        return LockOwner(int(lines[0]), lines[1], lines[2])
    except (OSError, ValueError, IndexError):
        return None


def _write_owner(fd: int) -> None:
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    data = f"{os.getpid()}\n{socket.gethostname()}\n{stamp}\n".encode()
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
    os.fsync(fd)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


class PlanLock:
    """The lock on one plan, held by this process until ``release()``."""

    def __init__(self, plan_path: Path, fd: int) -> None:
        self.plan_path = plan_path
        self.path = lock_path(plan_path)
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, plan_path: str | os.PathLike[str]) -> PlanLock:
        """Take the lock on ``plan_path``; raise ``LockHeld`` when another window has it.

        ``OSError`` means the lock file could not be made at all (a read-only folder).
        """
        plan_path = Path(plan_path)
        path = lock_path(plan_path)
        for _attempt in range(_ATTEMPTS):
            fd = _open_lock(path)
            if fd is None:  # the file vanished between our look and our open: try again
                continue
            held, owner = _try_lock(fd)
            if held:
                os.close(fd)
                raise LockHeld(plan_path, owner)
            # The holder may have deleted the file after we opened it, and a new lock file
            # may be there now: only the file still at ``path`` counts.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            _write_owner(fd)
            return cls(plan_path, fd)
        raise LockHeld(plan_path, None)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Delete the lock file and let go of it; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Deleted while still locked, so no one can mistake it for stale in between.
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(fd)

    def __enter__(self) -> PlanLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _open_lock(path: Path) -> int | None:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(path, flags, 0o644)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise
        return None


def _try_lock(fd: int) -> tuple[bool, LockOwner | None]:
    """(True, owner) when someone else holds the lock, else (False, None) with it now ours."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True, _read_owner(fd)
        return False, None
    owner = _read_owner(fd)  # pragma: no cover - Windows: judge by the process named
    here = owner is not None and owner.host == socket.gethostname()
    if owner is not None and (not here or _process_alive(owner.pid)):
        return True, owner
    return False, None


def lock_owner(plan_path: str | os.PathLike[str]) -> LockOwner | None:
    """Who holds the lock on ``plan_path`` now, or None when no window has the plan open."""
    path = lock_path(plan_path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _read_owner(fd)
            return None  # a lock file left by a crash
        owner = _read_owner(fd)  # pragma: no cover - Windows
        return owner if owner is not None and _process_alive(owner.pid) else None
    finally:
        os.close(fd)
