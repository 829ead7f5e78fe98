"""Automatic backups: copies taken with the backup API, rotated to the newest N, identical
copies not kept twice, the schedule (open, every N minutes while editing, close), a
restore that keeps the current plan first so it can be undone, and the same schedule with
the copies taken on a worker thread (one at a time, merged, waited for on close)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from planner.backups import (
    BEFORE_RESTORE,
    CLOSED,
    EDITING,
    OPENED,
    AutoBackup,
    BackgroundBackup,
    Backup,
    BackupOutcome,
    BackupStore,
)
from planner.db.plan import Plan, PlanError, check_file, create_plan, open_plan
from planner.services.commands import execute
from planner.services.offerings import add_offering


def _offerings(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT name FROM offering ORDER BY name")]
    finally:
        conn.close()


def _add(plan: Plan, name: str) -> None:
    with plan.uow() as uow:
        command = add_offering(uow, name)
    execute(plan, command)


@pytest.fixture
def plan(tmp_path: Path) -> Iterator[Plan]:
    (tmp_path / "work").mkdir()
    plan = create_plan(tmp_path / "work" / "bakery.smplan", "Bakery")
    yield plan
    plan.close()


def test_copies_are_whole_plans_kept_per_plan_and_rotated(plan: Plan, tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups", keep=3)
    first = store.take(plan, OPENED)
    assert first is not None and first.reason == OPENED
    assert first.path.parent == store.folder_for(plan.path)
    assert first.path.parent.parent == tmp_path / "backups"
    assert first.size == first.path.stat().st_size > 0
    # Nothing changed: the same content is not kept twice.
    assert store.take(plan, EDITING) is None
    assert len(store.backups(plan.path)) == 1
    for n in range(5):
        _add(plan, f"Cake {n}")
        assert store.take(plan, EDITING) is not None
    kept = store.backups(plan.path)
    assert len(kept) == 3  # rotated to the newest three
    assert [b.taken_at for b in kept] == sorted((b.taken_at for b in kept), reverse=True)
    # Newest first, and each is a complete plan that opens on its own.
    assert _offerings(kept[0].path) == [f"Cake {n}" for n in range(5)]
    assert _offerings(kept[2].path) == [f"Cake {n}" for n in range(3)]
    for backup in kept:
        assert not backup.path.with_name(backup.path.name + "-wal").exists()
        with open_plan(backup.path, read_only=True) as copy:
            assert copy.schema_version == plan.schema_version


def test_two_plans_with_the_same_name_keep_separate_backups(tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        create_plan(tmp_path / "a" / "Plan.smplan", "A") as a,
        create_plan(tmp_path / "b" / "Plan.smplan", "B") as b,
    ):
        store.take(a, OPENED)
        store.take(b, OPENED)
    assert store.folder_for(a.path) != store.folder_for(b.path)
    assert len(store.backups(a.path)) == len(store.backups(b.path)) == 1


def test_schedule_opened_every_n_minutes_and_on_close(plan: Plan, tmp_path: Path) -> None:
    now = [1000.0]
    store = BackupStore(tmp_path / "backups", keep=10)
    auto = AutoBackup(store, plan, minutes=10, clock=lambda: now[0])
    assert auto.opened() is not None
    _add(plan, "Bread")
    now[0] += 60  # a minute later: too soon for another copy
    assert auto.edited() is None
    _add(plan, "Rolls")
    now[0] += 9 * 60 + 1  # ten minutes after the first copy
    taken = auto.edited()
    assert taken is not None and taken.reason == EDITING
    assert _offerings(taken.path) == ["Bread", "Rolls"]
    _add(plan, "Tarts")
    now[0] += 5
    assert auto.edited() is None
    closing = auto.closed()  # edited since the last copy
    assert closing is not None and closing.reason == CLOSED
    assert _offerings(closing.path) == ["Bread", "Rolls", "Tarts"]
    assert auto.closed() is None  # nothing new since


def test_no_copies_of_a_plan_opened_read_only(plan: Plan, tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    with open_plan(plan.path, read_only=True) as viewer:
        auto = AutoBackup(store, viewer)
        assert auto.opened() is None
        assert auto.closed() is None
    assert store.backups(plan.path) == []


def test_restore_replaces_the_plan_and_can_be_undone(plan: Plan, tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups", keep=2)
    path = plan.path
    _add(plan, "Bread")
    old = store.take(plan, OPENED)
    assert old is not None
    _add(plan, "Wedding cakes")
    kept = store.restore(old, plan)
    assert kept is not None and kept.reason == BEFORE_RESTORE
    assert _offerings(path) == ["Bread"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["bakery.smplan"]
    # Undo the restore by restoring the copy it kept first.
    reopened = open_plan(path)
    store.restore(kept, reopened)
    assert _offerings(path) == ["Bread", "Wedding cakes"]
    with open_plan(path) as again:
        _add(again, "Pies")  # the restored file is a working plan
    assert _offerings(path) == ["Bread", "Pies", "Wedding cakes"]
    assert len(store.backups(path)) == 2


def test_restoring_a_broken_copy_leaves_the_plan_alone(plan: Plan, tmp_path: Path) -> None:
    store = BackupStore(tmp_path / "backups")
    _add(plan, "Bread")
    broken = tmp_path / "broken.smplan"
    broken.write_bytes(b"not a plan at all")
    with pytest.raises(PlanError, match="not a plan file"):
        store.restore(broken, plan)
    _add(plan, "Rolls")  # still open and usable
    assert _offerings(plan.path) == ["Bread", "Rolls"]
    assert store.backups(plan.path) == []


def test_a_backup_folder_that_cannot_be_made_is_one_sentence(plan: Plan, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = BackupStore(blocker / "backups")
    with pytest.raises(PlanError, match="could not be made"):
        store.take(plan, OPENED)


def test_money_in_a_copy_is_exact(plan: Plan, tmp_path: Path) -> None:
    from planner.db.models import Offering
    from planner.services.edit import change_field

    _add(plan, "Bread")
    with plan.uow() as uow:
        offering_id = uow.session.query(Offering).one().id
        command = change_field(uow, Offering, offering_id, "list_price_minor", Decimal("3.45"))
    execute(plan, command)
    copy = BackupStore(tmp_path / "backups").take(plan, OPENED)
    assert copy is not None
    conn = sqlite3.connect(copy.path)
    try:
        assert conn.execute("SELECT list_price_minor FROM offering").fetchone() == (345,)
    finally:
        conn.close()


def test_a_read_only_plan_builds_commands_but_never_commits(plan: Plan) -> None:
    _add(plan, "Bread")
    with open_plan(plan.path, read_only=True) as viewer:
        with viewer.uow() as uow:
            command = add_offering(uow, "Rolls")  # reading to build a command works
        with pytest.raises(PlanError, match="open read-only"):
            execute(viewer, command)
    assert _offerings(plan.path) == ["Bread"]


# ----- copies taken on a worker thread (BackgroundBackup) ---------------------------------
class _GatedStore(BackupStore):
    """A store whose copies on the worker wait for ``go`` and note the thread they ran on.

    ``hold``: "before" the copy starts, or "after" it was written and before it is compared
    and rotated (edits made meanwhile are then not in it, as when they come mid-copy)."""

    def __init__(self, folder: Path, *, hold: str = "after", fail: bool = False) -> None:
        super().__init__(folder)
        self.go = threading.Event()
        self.go.set()
        self.held = threading.Event()  # set when a copy on the worker waits at the gate
        self.hold = hold
        self.threads: list[str] = []
        self.fail = fail

    def _gate(self) -> None:
        if threading.current_thread().name == "plan-backup":
            self.held.set()
            assert self.go.wait(30), "the test never let the copy go"

    def take(self, plan: Plan, reason: str, **kwargs: bool) -> Backup | None:
        self.threads.append(threading.current_thread().name)
        if self.hold == "before" or self.fail:
            self._gate()
        if self.fail:
            raise PlanError("The copy 'x.smplan' could not be written: disk full.")
        return super().take(plan, reason, **kwargs)

    def backups(self, plan_path: str | os.PathLike[str]) -> list[Backup]:
        if self.hold == "after":  # ``take`` lists the copies right after writing its own
            self._gate()
        return super().backups(plan_path)


def _background(
    plan: Plan, store: BackupStore, minutes: float = 10, clock: Callable[[], float] | None = None
) -> tuple[BackgroundBackup, list[BackupOutcome]]:
    outcomes: list[BackupOutcome] = []
    auto = AutoBackup(store, plan, minutes=minutes, clock=clock or time.monotonic)
    return BackgroundBackup(auto, outcomes.append), outcomes


def test_the_opening_copy_is_taken_on_a_worker(plan: Plan, tmp_path: Path) -> None:
    store = _GatedStore(tmp_path / "backups", hold="before")
    store.go.clear()
    background, outcomes = _background(plan, store)
    background.opened()  # returns at once, the copy waits for ``go``
    assert background.busy
    assert store.backups(plan.path) == []
    store.go.set()
    background.wait()
    assert not background.busy
    assert store.threads == ["plan-backup"]
    [outcome] = outcomes
    assert outcome.reason == OPENED and outcome.error is None and outcome.backup is not None
    assert store.backups(plan.path) == [outcome.backup]
    check_file(outcome.backup.path)


def test_an_edit_during_a_copy_is_merged_into_one_more(plan: Plan, tmp_path: Path) -> None:
    # A copy after every edit (0 minutes): three edits while the opening copy runs lead to
    # one more copy, taken when it ends, holding all three.
    store = _GatedStore(tmp_path / "backups")
    store.go.clear()
    background, outcomes = _background(plan, store, minutes=0)
    background.opened()
    assert store.held.wait(30)  # the opening copy is written: the edits come after it
    for name in ("Bread", "Rolls", "Tarts"):
        _add(plan, name)
        background.edited()
    store.go.set()
    background.wait()
    assert [o.reason for o in outcomes] == [OPENED, EDITING]
    assert store.threads == ["plan-backup", "plan-backup"]
    editing = outcomes[1].backup
    assert editing is not None and _offerings(editing.path) == ["Bread", "Rolls", "Tarts"]
    assert background.closed() is None  # nothing new since that copy


def test_an_edit_not_yet_due_is_copied_later(plan: Plan, tmp_path: Path) -> None:
    now = [1000.0]
    store = _GatedStore(tmp_path / "backups")
    store.go.clear()
    background, outcomes = _background(plan, store, minutes=10, clock=lambda: now[0])
    background.opened()
    assert store.held.wait(30)  # the opening copy is written: the edit comes after it
    _add(plan, "Bread")
    background.edited()  # during the opening copy: not due, but noted
    store.go.set()
    background.wait()
    assert [o.reason for o in outcomes] == [OPENED]
    now[0] += 10 * 60  # ten minutes after the opening copy: the next edit takes one
    _add(plan, "Rolls")
    background.edited()
    background.wait()
    assert [o.reason for o in outcomes] == [OPENED, EDITING]
    assert outcomes[1].backup is not None
    assert _offerings(outcomes[1].backup.path) == ["Bread", "Rolls"]


def test_closing_waits_for_the_running_copy(plan: Plan, tmp_path: Path) -> None:
    store = _GatedStore(tmp_path / "backups")
    store.go.clear()
    background, outcomes = _background(plan, store)
    background.opened()
    assert store.held.wait(30)  # the opening copy is written: the edit comes after it
    _add(plan, "Bread")
    background.edited()
    release = threading.Timer(0.2, store.go.set)
    release.start()
    closing = background.closed()  # waits for the opening copy, then copies on this thread
    release.join()
    assert [o.reason for o in outcomes] == [OPENED]
    assert closing is not None and closing.reason == CLOSED
    assert store.threads == ["plan-backup", threading.current_thread().name]
    kept = store.backups(plan.path)
    assert [b.reason for b in kept] == [CLOSED, OPENED]
    for backup in kept:
        check_file(backup.path)
    assert _offerings(closing.path) == ["Bread"]
    assert sorted(p.name for p in kept[0].path.parent.iterdir()) == sorted(
        b.path.name for b in kept
    )  # no half-written copy left beside them
    background.edited()  # after closing: no more copies
    assert not background.busy


def test_a_failed_copy_is_reported_and_tried_again(plan: Plan, tmp_path: Path) -> None:
    store = _GatedStore(tmp_path / "backups", fail=True)
    background, outcomes = _background(plan, store)
    background.opened()
    background.wait()
    [failed] = outcomes
    assert failed.reason == OPENED and failed.backup is None
    assert isinstance(failed.error, PlanError) and "disk full" in str(failed.error)
    store.fail = False
    _add(plan, "Bread")
    background.edited()  # no copy was made yet, so the next edit takes one
    background.wait()
    assert [o.reason for o in outcomes] == [OPENED, EDITING]
    assert outcomes[1].error is None and outcomes[1].backup is not None


def test_a_read_only_plan_gets_no_copies_in_the_background(plan: Plan, tmp_path: Path) -> None:
    store = _GatedStore(tmp_path / "backups")
    with open_plan(plan.path, read_only=True) as viewer:
        background, outcomes = _background(viewer, store)
        background.opened()
        background.edited()
        assert not background.busy
        assert background.closed() is None
    assert outcomes == [] and store.threads == []


def test_identical_copies_are_told_apart_by_every_byte_after_the_header(tmp_path: Path) -> None:
    from planner.backups import _same_content

    body = bytes(range(256)) * 40_000  # ~10 MB: more than one chunk compared at a time
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"A" * 100 + body)
    b.write_bytes(b"B" * 100 + body)  # only the header (change counters) differs
    assert _same_content(a, b)
    b.write_bytes(b"A" * 100 + body[:-1] + b"\x00")  # the very last byte differs
    assert not _same_content(a, b)
    b.write_bytes(b"A" * 100 + body + b"\x00")  # one byte longer
    assert not _same_content(a, b)
