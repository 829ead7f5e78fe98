"""Starting the crash driver, reading its lines with a deadline, killing its children, and
checking a plan file after a kill (shared by the crash tests)."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from planner.db.plan import Plan, open_plan

DRIVER = Path(__file__).resolve().parent / "crash_driver.py"
DEADLINE = 30.0  # seconds any one expected line may take before the test fails


class Driver:
    """The driver process: send it a command, read its lines, kill the child it forked."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=DRIVER.parent,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._fd = self.proc.stdout.fileno()
        os.set_blocking(self._fd, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)
        self._buffer = b""

    def send(self, *words: str) -> int:
        """Start a child with a command; returns the child's pid."""
        assert self.proc.stdin is not None
        self.proc.stdin.write((" ".join(words) + "\n").encode())
        self.proc.stdin.flush()
        first = self.line()
        assert first.startswith("pid "), first
        return int(first.split()[1])

    def line(self) -> str:
        """The next line, waiting at most ``DEADLINE`` seconds (no sleeping: select)."""
        limit = time.monotonic() + DEADLINE
        while b"\n" not in self._buffer:
            left = limit - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                raise AssertionError(f"the crash driver said nothing for {DEADLINE} s")
            chunk = os.read(self._fd, 65536)
            if not chunk:
                raise AssertionError(f"the crash driver stopped: {self._stderr()}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        text = line.decode()
        if text.startswith("error "):
            raise AssertionError(f"the driver's child failed: {text}")
        return text

    def until_ended(self) -> list[str]:
        """Every line up to the driver's "ended" line (that line excluded)."""
        lines = []
        while not (line := self.line()).startswith("ended "):
            lines.append(line)
        return lines

    def kill(self, pid: int) -> None:
        # The child may have finished on its own (a kill meant for after its commit).
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=DEADLINE)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self._selector.close()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def _stderr(self) -> str:
        assert self.proc.stderr is not None
        self.proc.wait(timeout=DEADLINE)
        return self.proc.stderr.read().decode(errors="replace")[-2000:]


def reopen_checked(path: Path) -> Plan:
    """Open ``path`` as the app does, after a kill: integrity and foreign keys must be ok."""
    plan = open_plan(path)
    with plan.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    return plan
