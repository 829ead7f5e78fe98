"""The lock beside an open plan: one holder at a time, nothing left after a normal close,
and a lock left by a crashed planner (a process killed with SIGKILL) is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from planner.instance_lock import LockHeld, PlanLock, lock_owner, lock_path

HOLDER = """
import sys
from planner.instance_lock import PlanLock
lock = PlanLock.acquire(sys.argv[1])
print("locked", flush=True)
sys.stdin.readline()
"""


def _start_holder(plan: Path) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(plan)],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


def test_second_holder_is_refused_and_the_file_goes_on_release(tmp_path: Path) -> None:
    plan = tmp_path / "bakery.smplan"
    plan.write_bytes(b"x")
    first = PlanLock.acquire(plan)
    assert lock_path(plan) == tmp_path / "bakery.smplan.lock"
    assert lock_path(plan).is_file()
    with pytest.raises(LockHeld) as refused:
        PlanLock.acquire(plan)
    assert "'bakery.smplan' is open in another window of the planner on this computer" in str(
        refused.value
    )
    assert refused.value.owner is not None and refused.value.owner.pid == os.getpid()
    owner = lock_owner(plan)
    assert owner is not None and owner.pid == os.getpid()
    first.release()
    first.release()  # twice is harmless
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bakery.smplan"]
    assert lock_owner(plan) is None
    with PlanLock.acquire(plan) as again:
        assert again.held
    assert not again.held
    assert not lock_path(plan).exists()


def test_a_lock_held_by_another_process_is_refused_until_it_exits(tmp_path: Path) -> None:
    plan = tmp_path / "shop.smplan"
    holder = _start_holder(plan)
    try:
        with pytest.raises(LockHeld) as refused:
            PlanLock.acquire(plan)
        assert refused.value.owner is not None
        assert refused.value.owner.pid == holder.pid
    finally:
        holder.communicate("\n", timeout=30)
    # The holder did not release (it just exited): the kernel dropped the lock anyway.
    with PlanLock.acquire(plan):
        pass
    assert not lock_path(plan).exists()


def test_a_crashed_holder_leaves_a_stale_lock_that_is_taken_over(tmp_path: Path) -> None:
    plan = tmp_path / "shop.smplan"
    holder = _start_holder(plan)
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate(timeout=30)  # reaps it and closes the pipes
    assert lock_path(plan).exists()  # left behind by the crash
    assert lock_owner(plan) is None  # but nobody holds it
    lock = PlanLock.acquire(plan)
    owner = lock_owner(plan)
    assert owner is not None and owner.pid == os.getpid()
    lock.release()
    assert not lock_path(plan).exists()


def test_garbage_in_a_stale_lock_file_does_not_matter(tmp_path: Path) -> None:
    plan = tmp_path / "shop.smplan"
    lock_path(plan).write_bytes(b"\x00\xffnot a lock")
    with PlanLock.acquire(plan):
        assert lock_path(plan).read_text().splitlines()[0] == str(os.getpid())
    assert not lock_path(plan).exists()


def test_a_missing_folder_is_an_error_not_a_held_lock(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        PlanLock.acquire(tmp_path / "gone" / "shop.smplan")
