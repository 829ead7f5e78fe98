"""Upgrading an older plan reports its progress, and a cancel at any point leaves the file
exactly as it was (same schema, same rows, no copy or half-written file beside it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

import planner.db.plan as plan_module
from planner.db.plan import HEAD_REVISION, UpgradeCancelled, _make_engine, open_plan

TODAY = dt.date(2026, 11, 23)


def old_sample(path: Path, revision: str = "0002") -> Path:
    """The sample plan (300 deals) taken back to an older schema."""
    from planner.sample import write_sample

    write_sample(path, deals=300, today=TODAY)
    config = Config()
    config.set_main_option("script_location", str(Path(plan_module.__file__).parent / "migrations"))
    engine = _make_engine(path, foreign_keys=False, wal=False)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def revision_and_deals(path: Path) -> tuple[str, int]:
    with closing(sqlite3.connect(path)) as conn:  # closed: it leaves no -wal beside the file
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return revision, conn.execute("SELECT count(*) FROM deal").fetchone()[0]


def test_progress_runs_from_copy_to_check(tmp_path: Path) -> None:
    path = old_sample(tmp_path / "old.smplan")
    reports: list[tuple[str, int, int]] = []
    plan = open_plan(path, progress=lambda *report: reports.append(report) or True)
    try:
        assert (plan.upgraded_from, plan.schema_version) == ("0002", HEAD_REVISION)
    finally:
        plan.close()
    assert revision_and_deals(path) == (HEAD_REVISION, 300)
    done = [d for _text, d, _total in reports]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 100
    assert {total for *_rest, total in reports} == {100}
    texts = [text for text, *_rest in reports]
    assert texts[0].startswith("Making a safety copy")
    steps = len(plan_module.REVISIONS) - plan_module.REVISIONS.index("0002") - 1
    assert f"(step {steps} of {steps})" in " ".join(texts)
    assert texts[-1] == "Checking the upgraded plan…"
    # A current plan needs no upgrade: nothing is reported.
    quiet: list[object] = []
    open_plan(path, progress=lambda *report: quiet.append(report) or True).close()
    assert quiet == []


@pytest.mark.parametrize("stop_at", ["Making a safety copy", "(step 2 of", "Checking"])
def test_a_cancel_anywhere_leaves_the_file_as_it_was(tmp_path: Path, stop_at: str) -> None:
    path = old_sample(tmp_path / "old.smplan")
    before = digest(path)

    def progress(text: str, done: int, total: int) -> bool:
        return not (stop_at in text and done > 0)

    with pytest.raises(UpgradeCancelled, match="cancelled; the plan was left as it was"):
        open_plan(path, progress=progress)
    assert digest(path) == before
    assert revision_and_deals(path) == ("0002", 300)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.smplan"]
    # Opened again without cancelling, it upgrades as usual.
    open_plan(path).close()
    assert revision_and_deals(path) == (HEAD_REVISION, 300)
