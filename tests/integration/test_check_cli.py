"""``python app.py check PLAN`` as a user runs it: a plain report, exit 0 only when all is
well, 1 otherwise, never a traceback, and the file left byte-for-byte as it was."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from cli_runner import run_app


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _facts(stdout: str) -> list[tuple[str, str]]:
    return [
        (label.strip(), value.strip())
        for label, _colon, value in (line.partition(":") for line in stdout.splitlines())
        if value
    ]


def test_a_sound_plan_exits_zero(sample_path: Path, tmp_path: Path) -> None:
    before = _files(sample_path.parent)
    result = run_app("check", str(sample_path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Plan:                   {sample_path}"
    assert "Links between records:  ok" in lines
    assert lines[-1] == "All is well: no problems were found. The file was not changed."
    assert _files(sample_path.parent) == before


def test_broken_links_exit_one_with_plain_words(sample_path: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(sample_path)
    conn.isolation_level = None
    conn.execute("PRAGMA foreign_keys=OFF")
    deals = conn.execute("SELECT count(*) FROM deal WHERE segment_id = 1").fetchone()[0]
    conn.execute("DELETE FROM segment WHERE id = 1")
    conn.close()
    before = sample_path.read_bytes()
    result = run_app("check", str(sample_path), tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    text = " ".join(result.stdout.split())
    assert f"{deals} deals (numbers" in text
    assert "name a segment that no longer exists." in text
    assert re.search(r"\b\d+ problems? found:", text)
    assert result.stdout.rstrip().endswith("The file was not changed.")
    assert sample_path.read_bytes() == before
    as_json = run_app("check", str(sample_path), "--json", tmp_path=tmp_path)
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    assert report["schema_version"] == dict(_facts(result.stdout))["Schema version"].split()[0]
    assert any("segment that no longer exists" in p for p in report["problems"])


def test_bad_files_exit_one_without_a_traceback(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "empty.smplan").write_bytes(b"")
    (work / "folder.smplan").mkdir()
    before = _files(work)
    for name, words in (
        ("empty.smplan", "is empty, so it is not a plan file."),
        ("folder.smplan", "is a folder, not a plan file."),
        ("missing.smplan", "There is no file at"),
    ):
        result = run_app("check", str(work / name), tmp_path=tmp_path)
        assert result.returncode == 1, name
        assert "Traceback" not in result.stdout + result.stderr
        assert words in result.stdout
    assert _files(work) == before
    assert sorted(p.name for p in work.iterdir()) == ["empty.smplan", "folder.smplan"]


def test_check_is_listed_in_help(tmp_path: Path) -> None:
    result = run_app("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "check" in result.stdout and "verify a plan file" in result.stdout
