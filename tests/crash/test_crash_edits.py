"""Killing the app (SIGKILL) at random moments during a long series of edits loses nothing.

A driver process performs edits through the real services and ``execute``/``undo``, and
prints "confirmed N" after each commit, as the app shows an edit once it is saved. The
test kills it after a random number of confirmed edits, 25 times in a row on one plan,
and after each kill reopens the file: it must pass ``PRAGMA integrity_check`` and hold
exactly the state after the confirmed edits (or after one more: the edit being made when
the kill came may have been committed without being confirmed yet).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_edits import State, read_state, states_after
from crash_harness import Driver, reopen_checked

from planner.db.plan import create_plan

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX"),
    pytest.mark.slow,
]

SEED = 20261123
KILLS = 25


@pytest.fixture
def driver() -> Iterator[Driver]:
    started = Driver()
    yield started
    started.close()


def test_kills_during_edits_lose_no_confirmed_edit(tmp_path: Path, driver: Driver) -> None:
    path = tmp_path / "crash.smplan"
    create_plan(path, "Crash Test Bakery").close()
    rng = random.Random(SEED)
    done, state = 0, State()
    for _kill in range(KILLS):
        pid = driver.send("edits", str(path), str(SEED), str(done))
        wanted = rng.randint(1, 40)
        confirmed = done
        while confirmed < done + wanted:
            line = driver.line()
            assert line.startswith("confirmed "), line
            confirmed = int(line.split()[1])
        driver.kill(pid)
        # Lines the child wrote before it died: those edits were confirmed too.
        for line in driver.until_ended():
            confirmed = int(line.split()[1])
        expected = states_after(SEED, done, state, confirmed - done + 1)
        plan = reopen_checked(path)
        try:
            with plan.session() as session:
                found = read_state(session)
        finally:
            plan.close()
        if found.comparable() == expected[-2].comparable():
            done, state = confirmed, found
        else:
            assert found.comparable() == expected[-1].comparable(), (
                f"after {confirmed} confirmed edits the plan matches neither that state nor "
                "the next one"
            )
            done, state = confirmed + 1, found
    # The series really did something: deals, actuals and targets all exist.
    assert done >= KILLS
    assert state.deals and state.actuals and state.targets
