"""How long the window could not answer: a precise timer beating on the GUI thread.

Shared by the benchmarks that time work the window does or hands to a worker
(bench_refresh, bench_undo, bench_backup): the longest gap between two beats around the
work is the longest time the event loop was blocked.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, Qt, QTimer

BEAT_MS = 5


class Heartbeat:
    """Notes the time of every beat of a precise timer on the GUI thread."""

    def __init__(self) -> None:
        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))
        self.timer.start()

    def longest_gap(self, start: float, end: float) -> float:
        """The longest time between two beats around [start, end]."""
        before = [b for b in self.beats if b < start][-1:]
        inside = [b for b in self.beats if start <= b <= end]
        after = [b for b in self.beats if b > end][:1]
        beats = before + inside + after
        return max((b - a for a, b in itertools.pairwise(beats)), default=0.0)


def run_loop(start: Callable[[], None], check: Callable[[QEventLoop], None]) -> None:
    """Run an event loop that calls ``start`` once after a few beats (as a click would come,
    with beats before it to measure from) and ``check(loop)`` every beat until ``check``
    quits the loop."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(BEAT_MS)
    poll.timeout.connect(lambda: check(loop))
    QTimer.singleShot(100, start)
    poll.start()
    loop.exec()
    poll.stop()
