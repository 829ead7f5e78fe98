"""``check_plan``: a sound plan passes; damage, broken links between records and records the
planner cannot read are each found and named in plain words; the file is never changed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from planner.check import check_plan


def _damage(path: Path, *statements: str) -> None:
    """Change the file behind the planner's back, as another tool or a bug could."""
    conn = sqlite3.connect(path)
    conn.isolation_level = None
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA ignore_check_constraints=ON")
    for statement in statements:
        conn.execute(statement)
    conn.close()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_sound_plan_passes_and_is_left_alone(sample_path: Path) -> None:
    before = _snapshot(sample_path.parent)
    result = check_plan(sample_path)
    assert result.ok, result.findings
    assert result.findings == []
    assert result.schema_version is not None
    facts = dict(result.facts)
    assert facts["File integrity"].startswith("ok")
    assert facts["Links between records"] == "ok"
    assert facts["Records"] == "4 offerings, 150 deals, actual sales for 37 months"
    assert _snapshot(sample_path.parent) == before  # no -wal, -shm or lock left either


def test_missing_stage_and_deleted_offering_are_named(sample_path: Path) -> None:
    conn = sqlite3.connect(sample_path)
    stage_id, deals = conn.execute(
        "SELECT stage_id, count(*) FROM deal WHERE status = 'open' GROUP BY stage_id "
        "ORDER BY stage_id LIMIT 1"
    ).fetchone()
    offering_id = conn.execute("SELECT max(id) FROM offering").fetchone()[0]
    targets = conn.execute(
        "SELECT count(*) FROM target WHERE offering_id = ?", (offering_id,)
    ).fetchone()[0]
    conn.close()
    assert deals > 0 and targets > 0
    _damage(
        sample_path,
        f"DELETE FROM stage WHERE id = {stage_id}",
        f"DELETE FROM offering WHERE id = {offering_id}",
    )
    before = sample_path.read_bytes()
    result = check_plan(sample_path)
    assert not result.ok
    texts = [f.text for f in result.problems]
    assert any(
        t.startswith(f"{deals} deals (numbers ")
        and t.endswith("name a pipeline stage that no longer exists.")
        for t in texts
    ), texts
    assert f"{targets} targets" in " ".join(texts)
    assert any("name an offering that no longer exists" in t for t in texts)
    assert sample_path.read_bytes() == before


def test_records_the_planner_cannot_read_are_problems(sample_path: Path) -> None:
    _damage(
        sample_path,
        "UPDATE actual_sale SET month = '2026-13' WHERE id = 3",
        "UPDATE target SET month = 'soon' WHERE id IN (1, 2)",
        "UPDATE deal SET probability = 150 WHERE id = 5",
        "UPDATE deal SET expected_close = '31/12/2026' WHERE id = 6",
        "UPDATE deal SET amount_minor = -100 WHERE id = 7",
        "UPDATE offering SET name = '   ' WHERE id = 1",
    )
    result = check_plan(sample_path)
    texts = [f.text for f in result.problems]
    assert "1 month of actual sales (number 3) has a month that cannot be read." in texts
    assert "2 targets (numbers 1 and 2) have a month that cannot be read." in texts
    assert "1 deal (number 5) has a probability outside 0 to 100 %." in texts
    assert "1 deal (number 6) has an expected close date that cannot be read." in texts
    assert "1 deal (number 7) has a negative amount." in texts
    assert "1 offering (number 1) has an empty name." in texts


def test_won_deal_outside_the_won_stage_and_notes(sample_path: Path) -> None:
    conn = sqlite3.connect(sample_path)
    won = conn.execute("SELECT id FROM deal WHERE status = 'won' ORDER BY id").fetchone()[0]
    open_stage = conn.execute(
        "SELECT id FROM stage WHERE NOT is_won AND NOT is_lost ORDER BY position"
    ).fetchone()[0]
    conn.close()
    _damage(
        sample_path,
        f"UPDATE deal SET stage_id = {open_stage} WHERE id = {won}",
        f"UPDATE deal SET closed_on = '2001-01-01' WHERE id = {won}",
    )
    result = check_plan(sample_path)
    assert [f.text for f in result.problems] == [
        f"1 deal (number {won}) is marked won but is not in the won stage."
    ]
    assert [f.text for f in result.notes] == [
        f"1 deal (number {won}) was closed before the day it was created."
    ]


def test_a_plan_with_only_notes_is_all_right(sample_path: Path) -> None:
    _damage(sample_path, "UPDATE deal SET closed_on = '2001-01-01' WHERE status = 'won'")
    result = check_plan(sample_path)
    assert result.ok
    assert len(result.notes) == 1 and "were closed before the day they were created" in (
        result.notes[0].text
    )


def test_damaged_pages_are_reported(sample_path: Path) -> None:
    data = bytearray(sample_path.read_bytes())
    page = 4096
    for offset in range(page * 3, page * 8):  # scribble over a few b-tree pages
        data[offset] = 0xA5
    sample_path.write_bytes(bytes(data))
    result = check_plan(sample_path)
    assert not result.ok
    assert "damaged" in result.problems[0].text or "damage" in result.problems[0].text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"hello, I am a text file" * 20, "not an SQLite database"),
    ],
)
def test_files_that_are_not_plans(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.smplan"
    path.write_bytes(content)
    result = check_plan(path)
    assert not result.ok and words in result.problems[0].text
    assert path.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["bad.smplan"]


def test_a_plan_open_in_a_window_is_read_with_its_latest_changes(
    sample_path: Path, tmp_path: Path
) -> None:
    from planner.db.plan import open_plan
    from planner.services.commands import execute
    from planner.services.offerings import add_offering

    copy = tmp_path / "copy.smplan"
    shutil.copyfile(sample_path, copy)
    # A window holding the plan keeps a connection, and so a -wal, open.
    with open_plan(copy) as plan, plan.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        with plan.uow() as uow:
            command = add_offering(uow, "Birthday cakes")
        execute(plan, command)  # committed to the -wal, not yet to the main file
        result = check_plan(copy)
    assert result.ok
    assert dict(result.facts)["Records"].startswith("5 offerings")
    assert any("open in the planner right now" in f.text for f in result.notes)
    missing = tmp_path / "missing.smplan"
    assert check_plan(missing).problems[0].text == f"There is no file at '{missing}'."


def test_a_plan_open_in_a_window_is_named(sample_path: Path) -> None:
    from planner.instance_lock import PlanLock

    with PlanLock.acquire(sample_path):
        result = check_plan(sample_path)
    assert result.ok
    assert any(
        f.text.startswith("The plan is open in a window of the planner on this computer since")
        for f in result.notes
    )
