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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

# The file's check needs no SQLAlchemy and lives apart (see there); its names are this
# module's too, as they always were.
from planner.db.filecheck import APPLICATION_ID as APPLICATION_ID
from planner.db.filecheck import HEAD_REVISION as HEAD_REVISION
from planner.db.filecheck import REVISIONS as REVISIONS
from planner.db.filecheck import FileCheck as FileCheck
from planner.db.filecheck import PlanError as PlanError
from planner.db.filecheck import check_file as check_file
from planner.db.filecheck import quoted_name as _name
from planner.db.filecheck import start_check as start_check
from planner.db.models import Base, BusinessProfile

SUFFIX = ".smplan"


class UpgradeCancelled(PlanError):
    """The user stopped a schema upgrade: the plan was left exactly as it was."""


# Told what a long upgrade is doing: (a sentence for the user, steps done, steps in all).
# Returning False cancels the upgrade, which then leaves the file as it was.
UpgradeProgress = Callable[[str, int, int], bool]
_BACKUP_PAGES = 256  # database pages copied between two progress reports (1 MiB)


def _make_engine(
    path: Path, *, foreign_keys: bool = True, wal: bool = True, read_only: bool = False
) -> Engine:
    if read_only:
        # mode=ro reads through the -wal of a window that has the plan open. A file nobody
        # can write (and with no -wal) is read ``immutable``, which creates no -wal/-shm.
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        wal_file = path.with_name(f"{path.name}-wal")
        mode = "ro" if writable or wal_file.exists() else "ro&immutable=1"
        uri = f"{path.resolve().as_uri()}?mode={mode}"
        # Connections come from ``creator``: SQLAlchemy's URL parsing would undo the
        # percent-escapes of a path with spaces or '#'. The URL still picks the pool.
        engine = create_engine(
            f"sqlite:///{path}",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        )
        wal = False
    else:
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


def backup_to(source: Path, dest: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """Copy the plan at ``source`` to ``dest`` with SQLite's backup API (consistent while open).

    The copy is written beside ``dest`` and renamed into place, in rollback-journal mode so
    it is a single self-contained file. ``progress(pages copied, pages in all)`` is called
    as it goes; an exception it raises stops the copy and leaves no file behind.
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
            if progress is None:
                src.backup(dst)
            else:
                src.backup(
                    dst,
                    pages=_BACKUP_PAGES,
                    progress=lambda _status, left, total: progress(total - left, total),
                )
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        os.replace(tmp, dest)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise PlanError(f"The copy '{dest.name}' could not be written: {exc}.") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _upgrade(path: Path, revision: str, progress: UpgradeProgress | None = None) -> Path:
    """Back up, then migrate ``path`` from ``revision`` to the head; returns the backup path.

    ``progress`` hears of the copy (steps 0-40 of 100), each migration and the final check;
    when it returns False the upgrade stops, rolls back and removes its backup copy."""
    from alembic import command
    from alembic.config import Config

    def tell(text: str, done: int) -> None:
        if progress is not None and progress(text, done, 100) is False:
            raise UpgradeCancelled(
                f"The upgrade of {_name(path)} was cancelled; the plan was left as it was."
            )

    backup = path.with_name(f"{path.name}.schema-{revision}.bak")
    copying = "Making a safety copy of the plan before upgrading it…"
    tell(copying, 0)
    backup_to(path, backup, lambda done, total: tell(copying, 40 * done // max(total, 1)))
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    pending = REVISIONS[REVISIONS.index(revision) + 1 :]
    engine = _make_engine(path, foreign_keys=False, wal=False)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            # One revision at a time, all in this one transaction: progress between them,
            # and a cancel or a failure anywhere rolls every one of them back.
            for number, target in enumerate(pending):
                tell(
                    f"Upgrading the plan to this version of the Planner "
                    f"(step {number + 1} of {len(pending)})…",
                    40 + 55 * number // len(pending),
                )
                command.upgrade(config, target)
            tell("Checking the upgraded plan…", 95)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise PlanError(
                    f"Upgrading {_name(path)} would break {len(broken)} links between records; "
                    "the file was left as it was."
                )
            tell("Checking the upgraded plan…", 100)
    except UpgradeCancelled:
        backup.unlink(missing_ok=True)  # the plan is unchanged: its copy is not needed
        raise
    finally:
        engine.dispose()
    return backup


def _refuse_writes(*_args: Any) -> None:
    raise PlanError(READ_ONLY_MESSAGE)


class UnitOfWork:
    """One transaction: commits only when ``commit()`` is called, else rolls back."""

    def __init__(self, factory: sessionmaker[Session], *, read_only: bool = False) -> None:
        self._factory = factory
        self._read_only = read_only
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        if self._read_only:
            event.listen(self.session, "before_flush", _refuse_writes)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        if self._read_only:
            raise PlanError(READ_ONLY_MESSAGE)
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()


class Plan:
    """An open plan file. Every write goes through ``uow()`` and is committed at once."""

    def __init__(
        self,
        path: Path,
        upgraded_from: str | None = None,
        backup_path: Path | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.path = path
        self.upgraded_from = upgraded_from
        self.backup_path = backup_path  # the copy kept before an upgrade, if there was one
        self.read_only = read_only  # opened to look at only: no uow() can commit
        self.engine = _make_engine(path, read_only=read_only)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        # A read-only plan still builds commands (they read), but never commits one.
        return UnitOfWork(self._factory, read_only=self.read_only)

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


def read_only_reason(path: str | os.PathLike[str]) -> str | None:
    """Why the plan at ``path`` could not be changed here (a read-only file or folder), as
    one sentence, or None when it can be."""
    path = Path(path)
    if not path.is_file() or (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return None
    where = "file" if not os.access(path, os.W_OK) else "folder it is in"
    return (
        f"{_name(path)} cannot be changed: the {where} is read-only. "
        "You can open it read-only to look at it."
    )


READ_ONLY_MESSAGE = "This plan is open read-only, so nothing can be changed in this window."


def open_plan(
    path: str | os.PathLike[str],
    *,
    read_only: bool = False,
    progress: UpgradeProgress | None = None,
) -> Plan:
    """Open an existing plan, upgrading its schema (after a backup) when it is older.

    ``read_only`` opens it to look at only (a ``mode=ro`` connection): nothing is written,
    no upgrade is run, and a unit of work refuses to commit. (The window asks
    ``read_only_reason`` first, to offer read-only for a plan it could not change.)

    ``progress`` is told how an upgrade goes (see ``UpgradeProgress``; it is not called
    when the plan needs none) and can cancel it: ``UpgradeCancelled``, file untouched.
    """
    path = Path(path)
    found = check_file(path)
    if read_only:
        if found.needs_upgrade:
            raise PlanError(
                f"{_name(path)} was made by an older version of the Planner and must be "
                "upgraded before it can be opened read-only; open it normally once."
            )
        try:
            return Plan(path, read_only=True)
        except Exception as exc:
            raise PlanError(f"{_name(path)} cannot be opened: {exc}.") from None
    upgraded_from = backup_path = None
    if found.needs_upgrade:
        backup_path = _upgrade(path, found.revision, progress)
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
