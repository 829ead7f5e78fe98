"""Files that are not usable plans are refused with one clear line and left byte-for-byte as
they were: no change to the file, and no -wal, -shm or backup file created beside it.

Each case is checked three ways: ``check_file`` and ``open_plan`` called directly, then
``app.py info`` and ``app.py PLAN --startup-time`` as real processes.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import run_app

from planner.db.plan import PlanError, check_file, open_plan

PAGE = 4096


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder`` with its bytes (None for a folder)."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def _empty(work: Path, plan: Path) -> Path:
    path = work / "empty.smplan"
    path.write_bytes(b"")
    return path


def _random_bytes(work: Path, plan: Path) -> Path:
    path = work / "noise.smplan"
    path.write_bytes(random.Random(1).randbytes(4096))
    return path


def _cut_to_half(work: Path, plan: Path) -> Path:
    path = work / "half.smplan"
    data = plan.read_bytes()
    cut = len(data) // 2 // PAGE * PAGE  # a whole number of pages: only the page count tells
    assert 0 < cut < len(data)
    path.write_bytes(data[:cut])
    return path


def _cut_mid_page(work: Path, plan: Path) -> Path:
    path = work / "cut.smplan"
    data = plan.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 1234])
    return path


def _other_program(work: Path, plan: Path) -> Path:
    path = work / "contacts.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")  # as many programs do; must not leave siblings
    conn.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contact (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    return path


def _newer_version(work: Path, plan: Path) -> Path:
    path = work / "future.smplan"
    shutil.copyfile(plan, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return path


def _missing_folder(work: Path, plan: Path) -> Path:
    return work / "no such folder" / "plan.smplan"


def _missing_file(work: Path, plan: Path) -> Path:
    return work / "never written.smplan"


def _a_folder(work: Path, plan: Path) -> Path:
    path = work / "folder.smplan"
    path.mkdir()
    (path / "inside.txt").write_text("not a plan")
    return path


# case id -> (builder, words the message must contain, the name the message must mention)
CASES: dict[str, tuple[Callable[[Path, Path], Path], str, str]] = {
    "empty": (_empty, "is empty", "empty.smplan"),
    "random-bytes": (_random_bytes, "not a plan file", "noise.smplan"),
    "truncated-half": (_cut_to_half, "damaged", "half.smplan"),
    "truncated-mid-page": (_cut_mid_page, "damaged", "cut.smplan"),
    "other-program": (_other_program, "another program", "contacts.db"),
    "newer-version": (_newer_version, "newer version", "future.smplan"),
    "missing-folder": (_missing_folder, "does not exist", "no such folder"),
    "missing-file": (_missing_file, "no file", "never written.smplan"),
    "a-folder": (_a_folder, "folder", "folder.smplan"),
}


@pytest.fixture(params=list(CASES))
def case(
    request: pytest.FixtureRequest, sample_path: Path, tmp_path: Path
) -> tuple[Path, str, str]:
    """One bad input in ``tmp_path / "work"``; truncated and newer copies come from the sample."""
    build, words, name = CASES[request.param]
    work = tmp_path / "work"
    work.mkdir()
    assert sample_path.stat().st_size > 16 * PAGE
    return build(work, sample_path), words, name


def assert_refused(result: subprocess.CompletedProcess[str], words: str, name: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert words in lines[0] and name in lines[0]
    assert result.stdout == ""


def test_check_and_open_refuse_and_leave_the_file_alone(
    case: tuple[Path, str, str], tmp_path: Path
) -> None:
    path, words, name = case
    before = snapshot(tmp_path / "work")
    with pytest.raises(PlanError) as checked:
        check_file(path)
    with pytest.raises(PlanError) as opened:
        open_plan(path)
    for message in (str(checked.value), str(opened.value)):
        assert words in message and name in message
        assert "\n" not in message and message.endswith(".")
    assert snapshot(tmp_path / "work") == before


def test_info_refuses_with_one_line(case: tuple[Path, str, str], tmp_path: Path) -> None:
    path, words, name = case
    before = snapshot(tmp_path / "work")
    assert_refused(run_app("info", str(path), tmp_path=tmp_path), words, name)
    assert snapshot(tmp_path / "work") == before


@pytest.mark.gui
def test_startup_time_refuses_with_one_line(case: tuple[Path, str, str], tmp_path: Path) -> None:
    path, words, name = case
    before = snapshot(tmp_path / "work")
    assert_refused(run_app(str(path), "--startup-time", tmp_path=tmp_path), words, name)
    assert snapshot(tmp_path / "work") == before


def test_newer_version_message_names_the_schema(sample_path: Path, tmp_path: Path) -> None:
    path = _newer_version(tmp_path, sample_path)
    with pytest.raises(PlanError, match=r"schema 9999\); update the app"):
        check_file(path)


def test_plan_open_elsewhere_is_read_through_its_wal(sample_path: Path, tmp_path: Path) -> None:
    """With another connection's changes still only in the -wal, the check must see them."""
    path = tmp_path / "busy.smplan"
    shutil.copyfile(sample_path, path)
    writer = sqlite3.connect(path)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("UPDATE alembic_version SET version_num = '9999'")
        writer.commit()
        assert path.with_name("busy.smplan-wal").stat().st_size > 0  # not yet in the file
        with pytest.raises(PlanError, match="newer version"):
            check_file(path)
    finally:
        writer.close()
