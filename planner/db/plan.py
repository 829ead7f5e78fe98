"""A plan file: checking, creating, opening, migrating and copying ``.smplan`` files.

A plan is one SQLite database that the user owns. Every check that can refuse a file runs
on a read-only connection before anything writes, so a file that is not a plan, is
damaged, or comes from a newer version of the app is left byte-for-byte untouched.

Connections follow SQLAlchemy's recipe for pysqlite (STACK-NOTES): the driver's own
transaction handling is switched off and ``BEGIN`` is emitted explicitly, so schema changes
are transactional and a failing migration rolls back completely. Migrations run with
foreign keys OFF (a batch migration of a parent table would otherwise cascade-delete its
children) and ``PRAGMA foreign_key_check`` must come back empty before they commit.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from planner.db.models import Base, BusinessProfile

SUFFIX = ".smplan"
APPLICATION_ID = 0x534D504C  # "SMPL": marks an SQLite file as ours
# Every schema revision this build knows, oldest first; the last is the current one.
# A test checks this list against the Alembic scripts, so opening a current file never
# needs to import Alembic.
REVISIONS = ("0001", "0002", "0003")
HEAD_REVISION = REVISIONS[-1]
_SQLITE_MAGIC = b"SQLite format 3\x00"


class PlanError(Exception):
    """A plan file cannot be used. ``str(error)`` is one plain sentence for the user."""


@dataclass(frozen=True)
class FileCheck:
    """What a read-only look at a plan file found."""

    path: Path
    revision: str

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != HEAD_REVISION


def _name(path: Path) -> str:
    return f"'{path.name}'" if path.name else f"'{path}'"


def check_file(path: str | os.PathLike[str]) -> FileCheck:
    """Look at ``path`` without writing to it; raise ``PlanError`` if it is not a usable plan."""
    path = Path(path)
    if not path.parent.exists():
        raise PlanError(f"The folder '{path.parent}' does not exist.")
    if path.is_dir():
        raise PlanError(f"{_name(path)} is a folder, not a plan file.")
    if not path.exists():
        raise PlanError(f"There is no file at '{path}'.")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise PlanError(f"{_name(path)} cannot be read: {exc.strerror or exc}.") from None
    if size == 0:
        raise PlanError(f"{_name(path)} is empty, so it is not a plan file.")
    if not header.startswith(_SQLITE_MAGIC):
        raise PlanError(f"{_name(path)} is not a plan file (it is not an SQLite database).")
    if len(header) < 100:
        raise PlanError(f"{_name(path)} is damaged: the file is cut short.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    if page_size < 512 or size % page_size or (page_count and size < page_size * page_count):
        raise PlanError(f"{_name(path)} is damaged: the file is cut short.")
    # A read-only connection to a WAL-mode file creates -wal and -shm siblings and leaves
    # them behind. Unless a -wal is already there (the plan is open elsewhere, or a writer
    # stopped before its last checkpoint), every page is in the main file, and ``immutable``
    # reads it without creating anything.
    wal = path.with_name(f"{path.name}-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.Error as exc:
        raise PlanError(f"{_name(path)} cannot be opened: {exc}.") from None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise PlanError(
                f"{_name(path)} is an SQLite database of another program, not a plan file."
            )
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.DatabaseError:
            rows = []
        if len(rows) != 1:
            raise PlanError(f"{_name(path)} is damaged: its schema version is missing.")
        revision = str(rows[0][0])
        if revision not in REVISIONS:
            raise PlanError(
                f"{_name(path)} was made by a newer version of the Planner "
                f"(schema {revision}); update the app to open it."
            )
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise PlanError(f"{_name(path)} is damaged: {ok}.")
    except sqlite3.DatabaseError as exc:
        raise PlanError(f"{_name(path)} is damaged and cannot be read ({exc}).") from None
    finally:
        conn.close()
    return FileCheck(path, revision)


def _make_engine(path: Path, *, foreign_keys: bool = True, wal: bool = True) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout=5000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _stamp(conn: Any, revision: str) -> None:
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    conn.exec_driver_sql("DELETE FROM alembic_version")
    conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (revision,))


def backup_to(source: Path, dest: Path) -> None:
    """Copy the plan at ``source`` to ``dest`` with SQLite's backup API (consistent while open).

    The copy is written beside ``dest`` and renamed into place, in rollback-journal mode so
    it is a single self-contained file.
    """
    dest = Path(dest)
    if not dest.parent.exists():
        raise PlanError(f"The folder '{dest.parent}' does not exist.")
    fd, tmp_name = tempfile.mkstemp(prefix=".copy-", suffix=SUFFIX, dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        os.replace(tmp, dest)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise PlanError(f"The copy '{dest.name}' could not be written: {exc}.") from None


def _upgrade(path: Path, revision: str) -> Path:
    """Back up, then migrate ``path`` from ``revision`` to the head; returns the backup path."""
    from alembic import command
    from alembic.config import Config

    backup = path.with_name(f"{path.name}.schema-{revision}.bak")
    backup_to(path, backup)
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    engine = _make_engine(path, foreign_keys=False, wal=False)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise PlanError(
                    f"Upgrading {_name(path)} would break {len(broken)} links between records; "
                    "the file was left as it was."
                )
    finally:
        engine.dispose()
    return backup


class UnitOfWork:
    """One transaction: commits only when ``commit()`` is called, else rolls back."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


class Plan:
    """An open plan file. Every write goes through ``uow()`` and is committed at once."""

    def __init__(
        self, path: Path, upgraded_from: str | None = None, backup_path: Path | None = None
    ) -> None:
        self.path = path
        self.upgraded_from = upgraded_from
        self.backup_path = backup_path  # the copy kept before an upgrade, if there was one
        self.engine = _make_engine(path)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._factory)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only session for queries; it never commits."""
        with self._factory() as session:
            try:
                yield session
            finally:
                session.rollback()

    @property
    def schema_version(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar())

    def save_copy(self, dest: str | os.PathLike[str]) -> None:
        dest = Path(dest)
        if dest.resolve() == self.path.resolve():
            raise PlanError("Choose another file name: a copy cannot replace the open plan.")
        backup_to(self.path, dest)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Plan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_plan(path: str | os.PathLike[str]) -> Plan:
    """Open an existing plan, upgrading its schema (after a backup) when it is older."""
    path = Path(path)
    found = check_file(path)
    upgraded_from = backup_path = None
    if found.needs_upgrade:
        backup_path = _upgrade(path, found.revision)
        upgraded_from = found.revision
    try:
        return Plan(path, upgraded_from, backup_path)
    except Exception as exc:  # the driver reports locked or read-only files here
        raise PlanError(f"{_name(path)} cannot be opened: {exc}.") from None


def create_plan(
    path: str | os.PathLike[str],
    name: str,
    *,
    currency: str = "EUR",
    fiscal_start_month: int = 1,
    overwrite: bool = False,
) -> Plan:
    """Create a new, empty plan at ``path`` with default pipeline stages and lost reasons.

    The file is built beside ``path`` and renamed into place, so a failure leaves nothing.
    """
    from planner.services.setup import seed_defaults

    path = Path(path)
    if not path.parent.exists():
        raise PlanError(f"The folder '{path.parent}' does not exist.")
    if path.exists() and not overwrite:
        raise PlanError(f"{_name(path)} already exists.")
    fd, tmp_name = tempfile.mkstemp(prefix=".new-", suffix=SUFFIX, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        engine = _make_engine(tmp)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
                Base.metadata.create_all(conn)
                _stamp(conn, HEAD_REVISION)
            with Session(engine) as session:
                session.add(
                    BusinessProfile(
                        id=1, name=name, currency=currency, fiscal_start_month=fiscal_start_month
                    )
                )
                seed_defaults(session)
                session.commit()
        finally:
            engine.dispose()
        # A journal left by the file being replaced must never be replayed into the new one.
        for sidecar in ("-wal", "-shm"):
            path.with_name(path.name + sidecar).unlink(missing_ok=True)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Plan(path)


def execute_sql(plan: Plan, sql: str) -> list[Any]:
    """Run a read-only SQL statement (for diagnostics and tests)."""
    with plan.engine.connect() as conn:
        return list(conn.execute(text(sql)).fetchall())
