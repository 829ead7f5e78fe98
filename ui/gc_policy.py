"""Python's cyclic garbage collector runs only on the GUI thread, from a timer.

The collector runs on whichever thread happens to allocate when a generation fills up. With
reads, imports and exports on worker threads, that is often a worker: a cycle holding a Qt
object (a chart's pyqtgraph items, a dialog and its slots) is then destroyed there, and Qt
objects deleted from the wrong thread crash the process at random — the intermittent
segfaults "during garbage collection or at exit" seen once tabs read in the background.
So automatic collection is switched off and the GUI thread collects on a timer with the
thresholds the interpreter had (pyqtgraph's ``GarbageCollector`` does the same; this one
adds ``collect_now`` for tests and for closing a plan). Reference counting, which frees
almost everything, is untouched: only cycles wait for the next tick.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

INTERVAL_MS = 500

_installed: MainThreadCollector | None = None


class MainThreadCollector(QObject):
    """Collects what the interpreter would have collected, on the thread that owns it.

    ``starting``: the window is still being built (imports, the first tab), so the first
    tick waits for ``started``: everything made until then is the program and its first
    view, long-lived, and is frozen rather than walked (a tick in the middle of start-up
    walked 300,000 new objects, 25 ms in front of the first paint)."""

    def __init__(self, parent: QObject | None = None, *, starting: bool = False) -> None:
        super().__init__(parent)
        # The thresholds the interpreter uses (700, 10, 10 by default), kept at start: the
        # import wizard raises the last one while it works, which must not stick here.
        self.thresholds = gc.get_threshold()
        self.postponed = 0  # > 0 while long work asks full collections to wait
        gc.disable()
        # What exists by now is the program itself (modules, classes, Qt wrappers) and lives
        # until it ends: freeze it, so no collection walks it again. Without this the first
        # tick after start-up walks a million objects, 70 ms of the window's first paint.
        gc.freeze()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        if not starting:
            self.timer.start()

    def started(self) -> None:
        """Start-up is over: freeze what it made and start collecting (once)."""
        if not self.timer.isActive():
            gc.freeze()
            self.timer.start()

    def check(self) -> None:
        """Collect the generations that are over their thresholds, youngest first."""
        count0, count1, count2 = gc.get_count()
        first, second, third = self.thresholds
        if count0 > first:
            gc.collect(0)
            if count1 > second:
                gc.collect(1)
                if count2 > third and not self.postponed:
                    gc.collect(2)


def install(*, starting: bool = False) -> MainThreadCollector:
    """Switch automatic collection off and collect on the GUI thread (idempotent).

    ``starting`` (the window, as the app starts): the first collection waits for
    ``started``. Needs a QCoreApplication and must be called on its thread."""
    global _installed
    app = QCoreApplication.instance()
    assert app is not None and QThread.currentThread() is app.thread()
    if _installed is None:
        _installed = MainThreadCollector(app, starting=starting)
    return _installed


def started() -> None:
    """The window has been built and shown: see ``MainThreadCollector``."""
    if _installed is not None:
        _installed.started()


def collect_now() -> None:
    """A full collection on this (the GUI) thread: before a plan closes, after a test."""
    gc.collect()


@contextlib.contextmanager
def full_collections_postponed() -> Iterator[None]:
    """While long work builds 100,000s of objects on a worker, collect only the young
    generations: a full collection over them holds the GIL, and so the window, for a third of
    a second or more each time. It runs at the next tick after the work. GUI thread only."""
    collector = install()
    collector.postponed += 1
    try:
        yield
    finally:
        collector.postponed -= 1
