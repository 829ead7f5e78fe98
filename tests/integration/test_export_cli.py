"""``python app.py export PLAN --xlsx OUT [--year FY]`` run as a user would."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # type: ignore[import-untyped]

from planner.io.workbook_layout import META, SHEETS, Meta
from tests.integration.cli_runner import run_app


def meta(path: Path) -> dict[str, object]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {row[0]: row[1] for row in book[META].iter_rows(values_only=True)}


def test_export_writes_the_workbook(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = run_app("export", str(sample_path), "--xlsx", str(out), "--year", "2025",
                     "--today", "2026-11-23", tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Wrote FY 2025 to {out} (150 deals)."
    assert result.stderr == ""
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == [*SHEETS, META]
    found = meta(out)
    assert found[Meta.FISCAL_YEAR] == 2025
    assert found[Meta.TODAY] == "2026-11-23"


def test_export_problems_are_one_sentence(sample_path: Path, tmp_path: Path) -> None:
    missing = run_app("export", str(sample_path), "--xlsx", str(tmp_path / "no" / "p.xlsx"),
                      tmp_path=tmp_path)  # fmt: skip
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"The folder '{tmp_path / 'no'}' does not exist."
    wrong = run_app("export", str(sample_path), "--xlsx", str(tmp_path / "p.csv"),
                    tmp_path=tmp_path)  # fmt: skip
    assert wrong.returncode == 2
    assert "must end in .xlsx" in wrong.stderr
    bad_year = run_app("export", str(sample_path), "--xlsx", str(tmp_path / "p.xlsx"),
                       "--year", "next", tmp_path=tmp_path)  # fmt: skip
    assert bad_year.returncode == 2
    assert "'next' is not a fiscal year" in bad_year.stderr
    no_plan = run_app("export", str(tmp_path / "none.smplan"), "--xlsx",
                      str(tmp_path / "p.xlsx"), tmp_path=tmp_path)  # fmt: skip
    assert no_plan.returncode == 1
    assert "Traceback" not in no_plan.stderr and len(no_plan.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p.xlsx").exists()
