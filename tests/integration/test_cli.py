"""The command line: demo, info, --version, --help and --startup-time as real processes, and
the error handling that turns every failure into one sentence (in-process, fast)."""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cli_runner
import pytest

import app
import planner
from planner.cli import guarded
from planner.db.plan import HEAD_REVISION, PlanError, check_file, create_plan
from planner.services.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]


run_app = functools.partial(cli_runner.run_app, timeout=180)


def info_json(path: Path, tmp_path: Path) -> dict[str, object]:
    result = run_app("info", str(path), "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


# --- demo and info as processes ------------------------------------------------------------


def test_demo_writes_the_sample_and_info_describes_it(tmp_path: Path) -> None:
    path = tmp_path / "bakery.smplan"
    result = run_app("demo", str(path), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0] and "150 deals" in lines[0] and "3 years" in lines[0]
    assert check_file(path).revision == HEAD_REVISION

    data = info_json(path, tmp_path)
    assert data["schema_version"] == HEAD_REVISION
    assert 3 <= data["offerings"] <= 4  # type: ignore[operator]
    assert 3 <= data["segments"] <= 4  # type: ignore[operator]
    assert 5 <= data["channels"] <= 6  # type: ignore[operator]
    assert data["deals"] == 150
    assert data["actual_months"] >= 36  # type: ignore[operator]
    assert data["business"] and data["business"] in lines[0]  # type: ignore[operator]

    text = run_app("info", str(path), tmp_path=tmp_path)
    assert text.returncode == 0, text.stderr
    assert re.search(rf"^Business: +{re.escape(str(data['business']))}$", text.stdout, re.M)
    assert re.search(rf"^Schema version: +{HEAD_REVISION}$", text.stdout, re.M)
    assert re.search(rf"^Deals: +150 \({data['open_deals']} open\)$", text.stdout, re.M)
    assert re.search(rf"^Offerings: +{data['offerings']}$", text.stdout, re.M)
    assert re.search(rf"^Actual sales: +{data['actual_months']} months$", text.stdout, re.M)


def test_demo_with_more_deals_and_years(tmp_path: Path) -> None:
    path = tmp_path / "bigger.smplan"
    result = run_app("demo", str(path), "--deals", "500", "--years", "4", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "500 deals" in result.stdout and "4 years" in result.stdout
    data = info_json(path, tmp_path)
    assert data["deals"] == 500
    assert data["actual_months"] >= 48  # type: ignore[operator]


def test_demo_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "mine.smplan"
    path.write_bytes(b"my own notes, not a plan")
    result = run_app("demo", str(path), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"'{path}' already exists; add --force to replace it."]
    assert path.read_bytes() == b"my own notes, not a plan"

    forced = run_app("demo", str(path), "--force", "--deals", "10", tmp_path=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert check_file(path).revision == HEAD_REVISION


def test_version_and_help(tmp_path: Path) -> None:
    version = run_app("--version", tmp_path=tmp_path)
    assert version.returncode == 0
    assert version.stdout.strip() == f"smplanner {planner.__version__}" == "smplanner 0.1.0"

    shown = run_app("--help", tmp_path=tmp_path)
    assert shown.returncode == 0
    assert shown.stdout.startswith("usage: ")
    assert re.search(r"^  demo +write a sample plan", shown.stdout, re.M)
    assert re.search(r"^  info +show a plan's business", shown.stdout, re.M)
    assert "--startup-time" in shown.stdout
    assert "examples:" in shown.stdout and "demo bakery.smplan" in shown.stdout


def test_headless_commands_never_load_qt_or_numpy(tmp_path: Path) -> None:
    path = tmp_path / "light.smplan"
    script = (
        "import json, sys, app\n"
        f"codes = [app.main(['demo', {str(path)!r}, '--deals', '20', '--years', '1']),\n"
        f"         app.main(['info', {str(path)!r}, '--json'])]\n"
        "roots = ('PySide6', 'shiboken6', 'pyqtgraph', 'numpy', 'ui')\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in roots)\n"
        "print(json.dumps({'codes': codes, 'heavy': heavy}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report == {"codes": [0, 0], "heavy": []}


def test_process_start_time_comes_from_the_kernel(tmp_path: Path) -> None:
    script = (
        "import time\n"
        "before = time.time()\n"
        "import app\n"
        "started = app.process_start_time()\n"
        "print(before - started, started != app._IMPORTED_AT)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    lead, from_kernel = result.stdout.split()
    # The process started before this script's first line ran, by the interpreter's own
    # start-up (tens of milliseconds), give or take one 10 ms clock tick.
    assert -0.02 <= float(lead) < 5.0
    if sys.platform.startswith("linux"):
        assert from_kernel == "True"


@pytest.mark.gui
def test_startup_time_prints_milliseconds(sample_path: Path, tmp_path: Path) -> None:
    result = run_app(str(sample_path), "--startup-time", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    found = re.findall(r"^startup_ms=(\d+)$", result.stdout, re.M)
    assert len(found) == 1, result.stdout
    assert 0 < int(found[0]) < 120_000


# --- in-process: arguments and error wording ----------------------------------------------


def test_info_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    create_plan(tmp_path / "shop.smplan", "Tiny Shop", currency="USD", fiscal_start_month=7).close()
    assert app.main(["info", str(tmp_path / "shop.smplan")]) == 0
    out = capsys.readouterr().out
    assert "Business:       Tiny Shop\n" in out
    assert "Currency:       USD\n" in out
    assert "Fiscal year:    starts in July\n" in out
    assert "Deals:          0 (0 open)\n" in out


def test_info_on_an_older_plan_says_it_was_upgraded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command as alembic_command
    from alembic.config import Config

    import planner.db.plan as plan_module

    path = tmp_path / "old.smplan"
    engine = plan_module._make_engine(path, foreign_keys=False)
    config = Config()
    config.set_main_option("script_location", str(Path(plan_module.__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        alembic_command.upgrade(config, "0001")
        conn.exec_driver_sql("INSERT INTO business_profile VALUES (1, 'Old Bakery', 'EUR', 1)")
    engine.dispose()

    assert app.main(["info", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["business"], data["schema_version"]) == ("Old Bakery", HEAD_REVISION)
    assert data["upgraded_from"] == "0001"
    assert (tmp_path / "old.smplan.schema-0001.bak").exists()
    assert app.main(["info", str(path)]) == 0  # now current: nothing more to upgrade
    assert "Upgraded" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["info"], "the following arguments are required: PLAN"),
        (["demo", "x.smplan", "--deals", "-5"], "the number of deals must be between 0 and"),
        (["demo", "x.smplan", "--years", "many"], "'many' is not a whole number"),
        (["--no-such-option"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2_with_usage(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: ") and words in captured.err


def _raise(exc: BaseException) -> Callable[[], int]:
    def run() -> int:
        raise exc

    return run


def _locked() -> BaseException:
    from sqlalchemy.exc import OperationalError

    return OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(
    ("exc", "sentence"),
    [
        (PlanError("'a.smplan' is damaged: the file is cut short."), None),
        (ValidationError("The amount cannot be negative", "amount"), None),
        (
            PermissionError(13, "Permission denied", "/srv/plans/a.smplan"),
            "Cannot use '/srv/plans/a.smplan': permission denied.",
        ),
        (
            FileNotFoundError(2, "No such file or directory", "gone.csv"),
            "Cannot use 'gone.csv': no such file or directory.",
        ),
        (_locked(), "The plan file could not be read or written: database is locked."),
        (
            RuntimeError("two\nlines"),
            "Unexpected error: RuntimeError: two lines; please report it.",
        ),
    ],
)
def test_errors_become_one_sentence(
    exc: BaseException,
    sentence: str | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SMPLANNER_DEBUG", raising=False)
    assert guarded(_raise(exc)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    expected = sentence or str(exc).rstrip(".") + "."
    assert captured.err == expected + "\n"


def test_interrupt_exits_130_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    assert guarded(_raise(KeyboardInterrupt())) == 130
    assert capsys.readouterr() == ("", "")


def test_debug_mode_shows_the_real_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMPLANNER_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        guarded(_raise(RuntimeError("boom")))
