"""Schema versions: old files upgrade (after a backup) losing no row; bad upgrades roll back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import planner.db.plan as plan_module
from planner.db.models import Base
from planner.db.plan import (
    HEAD_REVISION,
    REVISIONS,
    PlanError,
    _make_engine,
    create_plan,
    open_plan,
)

MIGRATIONS = Path(plan_module.__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def make_old_plan(path: Path, revision: str = "0001") -> None:
    """A plan as the first release wrote it, with offerings that deals and targets point at."""
    engine = _make_engine(path, foreign_keys=False)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.exec_driver_sql(
            "INSERT INTO business_profile (id, name, currency, fiscal_start_month) "
            "VALUES (1, 'Old Bakery', 'EUR', 1)"
        )
        for offering_id, name in ((1, "Bread"), (2, "Catering")):
            conn.exec_driver_sql(
                "INSERT INTO offering (id, name, archived, description, target_customers, "
                "value_proposition, features, lifecycle_stage, list_price_minor, unit_cost_minor, "
                "pricing_approach, discount_policy, place, promotion_message, promotion_tactics) "
                "VALUES (?, ?, 0, '', '', '', '', '', 500, 200, '', '', '', '', '')",
                (offering_id, name),
            )
        conn.exec_driver_sql("INSERT INTO stage VALUES (1, 'Lead', 0, 10, 0, 0)")
        for n in range(20):
            conn.exec_driver_sql(
                "INSERT INTO deal (customer, title, offering_id, amount_minor, stage_id, "
                "created_on, status, notes) VALUES (?, '', ?, ?, 1, '2026-01-05', 'open', '')",
                (f"Customer {n}", 1 + n % 2, 1000 * n),
            )
        conn.exec_driver_sql(
            "INSERT INTO target (month, revenue_minor, offering_id) VALUES ('2026-01', 9900, 2)"
        )
    engine.dispose()


def table_rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_revision_list_matches_the_migration_scripts() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    ordered = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert tuple(ordered) == REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.smplan"
    make_old_plan(migrated, HEAD_REVISION)
    engine = _make_engine(migrated)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_first_revision_file_opens_after_upgrade_with_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.smplan"
    make_old_plan(path)
    plan = open_plan(path)
    try:
        assert plan.upgraded_from == "0001"
        assert plan.schema_version == HEAD_REVISION
    finally:
        plan.close()
    # offering was rebuilt by a batch migration: its children must all survive
    assert table_rows(path, "deal") == 20
    assert table_rows(path, "target") == 1
    with sqlite3.connect(path) as conn:
        positions = conn.execute("SELECT name, position FROM offering ORDER BY id").fetchall()
        assert positions == [("Bread", 0), ("Catering", 1)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    backup = tmp_path / "old.smplan.schema-0001.bak"
    assert backup.exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert conn.execute("SELECT COUNT(*) FROM deal").fetchone()[0] == 20


def test_a_failing_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.smplan"
    make_old_plan(path)
    with sqlite3.connect(path) as conn:  # a dangling reference the upgrade must not accept
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "INSERT INTO deal (customer, title, offering_id, amount_minor, stage_id, created_on, "
            "status, notes) VALUES ('Ghost', '', 77, 0, 1, '2026-01-05', 'open', '')"
        )
    with pytest.raises(PlanError, match="links between records"):
        open_plan(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        columns = [row[1] for row in conn.execute("PRAGMA table_info(offering)")]
        assert "position" not in columns
        assert conn.execute("SELECT COUNT(*) FROM deal").fetchone()[0] == 21


def test_new_plan_is_at_head_with_defaults(tmp_path: Path) -> None:
    plan = create_plan(tmp_path / "new.smplan", "Fresh", currency="GBP", fiscal_start_month=4)
    try:
        assert plan.schema_version == HEAD_REVISION
    finally:
        plan.close()
    assert table_rows(tmp_path / "new.smplan", "stage") == 6
    with sqlite3.connect(tmp_path / "new.smplan") as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == plan_module.APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".new-")] == []


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.smplan"
    path.write_bytes(b"keep me")
    with pytest.raises(PlanError, match="already exists"):
        create_plan(path, "X")
    assert path.read_bytes() == b"keep me"


def test_save_copy_is_consistent_and_single_file(tmp_path: Path) -> None:
    plan = create_plan(tmp_path / "a.smplan", "Copy Me")
    try:
        with plan.uow() as uow:
            from planner.db.models import Channel

            uow.session.add(Channel(name="Flyers", kind="Print"))
            uow.commit()
        plan.save_copy(tmp_path / "b.smplan")
        with pytest.raises(PlanError, match="cannot replace the open plan"):
            plan.save_copy(tmp_path / "a.smplan")
    finally:
        plan.close()
    assert not (tmp_path / "b.smplan-wal").exists()
    with sqlite3.connect(tmp_path / "b.smplan") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT name FROM channel").fetchall() == [("Flyers",)]
    copy = open_plan(tmp_path / "b.smplan")
    copy.close()


def test_second_revision_file_keeps_deal_history_through_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "v2.smplan"
    make_old_plan(path, "0002")
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO deal_event (deal_id, happened_on, kind, old_value, new_value) "
            "VALUES (?, '2026-02-01', 'stage', 'Lead', 'Qualified')",
            [(n,) for n in range(1, 21)],
        )
    plan = open_plan(path)
    plan.close()
    assert table_rows(path, "deal_event") == 20
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT locked_through, stale_days FROM business_profile").fetchone()
        assert row == (None, 30)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
