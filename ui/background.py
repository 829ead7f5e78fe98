"""Reading a tab's numbers off the GUI thread, and applying them on it.

A tab whose reads are slow (a plan a hundred times a small business's size) hands a plain
function (``planner.queries`` calls on values it captured, no Qt) to the plan's
``BackgroundReads``. A worker thread runs it with its own SQLAlchemy session (each read
opens one through ``Plan.session()``; SQLite in WAL mode lets it read beside the window's
writes), and the result comes back to the GUI thread through a queued signal, where the
tab applies it unless a newer read has replaced it (``ReadJob.wanted``).

One worker per plan: two reads at once would only share two busy cores, and a queued
read that has been replaced is skipped without running. A running read that reads in
parts calls ``check_wanted()`` between them and stops there once it has been replaced.
Closing the plan calls ``finish_reads``: queued reads are dropped and a running one is
waited for (to the end of its current part), so nothing reads a closed plan and no thread
outlives the objects it reports to.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal


class ReadCancelled(Exception):
    """A read stopped between its parts: a newer read replaced it, or its plan is closing."""


_running = threading.local()  # the job a worker thread is reading for, and its runner


def check_wanted() -> None:
    """Raise ``ReadCancelled`` if the read running on this thread is no longer wanted.

    A read calls it between its parts; on the GUI thread (a read done at once) it does
    nothing, so the same read function serves both ways."""
    job: ReadJob | None = getattr(_running, "job", None)
    runner: BackgroundReads | None = getattr(_running, "runner", None)
    if job is not None and runner is not None and (runner.closed or not job.wanted()):
        raise ReadCancelled


@dataclass(frozen=True)
class ReadResult:
    """What a read returned (or raised), and the CPU time it took on its thread."""

    value: Any
    error: BaseException | None
    cpu_seconds: float


def timed_read(read: Callable[[], Any]) -> ReadResult:
    """Run ``read`` and measure it in CPU time of this thread, which a busy machine (other
    programs, or the GUI thread holding the GIL) does not inflate the way wall time does.

    No garbage collection runs inside it: collections happen only on the GUI thread between
    events (ui/gc_policy.py, installed by every tab), so a collection of the whole process is
    never counted as the read's own cost and cannot send a small plan's reads off the GUI
    thread."""
    start = time.thread_time()
    try:
        value, error = read(), None
    except Exception as exc:  # handed to the GUI thread, which raises it there
        value, error = None, exc
    seconds = time.thread_time() - start
    return ReadResult(value, error, seconds)


@dataclass(frozen=True, eq=False)
class ReadJob:
    """A read for ``receiver``: ``read`` runs on the worker, ``done`` on the GUI thread.

    ``wanted`` is asked on the worker before the read starts and on the GUI thread before
    ``done``: a tab answers False once a newer read replaced this one."""

    receiver: QObject
    read: Callable[[], Any]
    done: Callable[[ReadJob, ReadResult], None]
    wanted: Callable[[], bool]
    changes: Any = None  # what the receiver is reading for; the runner does not look


class _Task(QRunnable):
    def __init__(self, runner: BackgroundReads, job: ReadJob) -> None:
        super().__init__()
        self._runner = runner
        self._job = job

    def run(self) -> None:
        runner, job = self._runner, self._job
        if runner.closed or not job.wanted():
            runner._skipped.emit(job)
            return
        _running.job, _running.runner = job, runner
        try:
            result = timed_read(job.read)
        finally:
            _running.job = _running.runner = None
        if isinstance(result.error, ReadCancelled):
            runner._skipped.emit(job)
        else:
            runner._finished.emit(job, result)


class BackgroundReads(QObject):
    """The reads of one open plan; build with ``reads_for(ops)``."""

    _finished = Signal(object, object)  # ReadJob, ReadResult (emitted on the worker)
    _skipped = Signal(object)  # ReadJob
    settled = Signal()  # no read is queued or running any more

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.closed = False
        self._pending = 0  # jobs submitted and not yet back on the GUI thread
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        # Queued: the slots run on the GUI thread, whichever thread emitted.
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._skipped.connect(self._drop, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """True while a submitted read has not come back to the GUI thread."""
        return self._pending > 0

    def submit(self, job: ReadJob) -> None:
        if self.closed:
            return
        self._pending += 1
        self._pool.start(_Task(self, job))

    def finish(self) -> None:
        """Drop queued reads and wait for the running one; later submits are ignored."""
        self.closed = True
        self._pool.clear()
        self._pool.waitForDone()
        self._pending = 0

    def _deliver(self, job: ReadJob, result: ReadResult) -> None:
        self._settle_one()
        if self.closed or not shiboken6.isValid(job.receiver) or not job.wanted():
            return
        job.done(job, result)

    def _drop(self, _job: ReadJob) -> None:
        self._settle_one()

    def _settle_one(self) -> None:
        self._pending = max(0, self._pending - 1)
        if not self._pending and not self.closed:
            self.settled.emit()


def reads_for(ops: QObject) -> BackgroundReads:
    """The background reads of the plan ``ops`` (a ``PlanOperations``), made on first use.

    It is a child of ``ops`` and is finished when ``ops`` goes (or the application quits),
    before Qt deletes it: a worker never reports to a deleted object."""
    runner = ops.findChild(BackgroundReads, "", Qt.FindChildOption.FindDirectChildrenOnly)
    if runner is None:
        from ui import gc_policy

        gc_policy.install()  # never collect a cycle of Qt objects on the worker
        made = runner = BackgroundReads(ops)

        def finish(*_args: object) -> None:
            if shiboken6.isValid(made):
                made.finish()

        # Plain functions, not ``made.finish``: PySide cannot call a bound slot of an
        # object whose parent is being destroyed.
        ops.destroyed.connect(finish)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(finish)
    return runner


def finish_reads(ops: QObject) -> None:
    """Before the plan of ``ops`` closes: no read may run on, or start on, a closed plan."""
    runner = ops.findChild(BackgroundReads, "", Qt.FindChildOption.FindDirectChildrenOnly)
    if runner is not None:
        runner.finish()
