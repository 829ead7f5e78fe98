"""Starting the window on a plan: the file's check that runs ahead on a thread
(``start_check``) refuses exactly what the plain check refuses, and the start loads what
the Dashboard shows and nothing more (no Excel, report or import modules)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner.db.plan import PlanError, check_file, start_check

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def scribble(path: Path) -> None:
    """Damage a few b-tree pages in the middle of the file (its header stays valid)."""
    data = bytearray(path.read_bytes())
    for offset in range(PAGE * 3, PAGE * 8):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))


def refusal(path: Path) -> str:
    with pytest.raises(PlanError) as refused:
        check_file(path)
    return str(refused.value)


def test_a_check_started_early_refuses_a_damaged_plan_with_the_same_sentence(
    sample_path: Path,
) -> None:
    scribble(sample_path)
    plain = refusal(sample_path)
    assert "is damaged" in plain
    start_check(sample_path)
    assert refusal(sample_path) == plain
    assert refusal(sample_path) == plain  # its result is used once; then checked afresh


def test_a_plan_damaged_after_its_early_check_is_checked_again(sample_path: Path) -> None:
    start_check(sample_path)
    scribble(sample_path)  # changes the file's size-and-time stamp the early check noted
    assert "is damaged" in refusal(sample_path)


def test_a_sound_plan_passes_its_early_check(sample_path: Path) -> None:
    start_check(sample_path)
    assert check_file(sample_path).revision == check_file(sample_path).revision
    start_check(sample_path.parent / "nothing here.smplan")  # left to check_file
    assert "no file" in refusal(sample_path.parent / "nothing here.smplan")


STARTUP = """
import sys
sys.path.insert(0, {root!r})
import app
code = app.main([{plan!r}, "--startup-time"])
print("modules=" + " ".join(sorted(sys.modules)))
sys.exit(code)
"""

# Modules the first paint of the Dashboard must not load: Excel, reports, imports,
# migrations, the other tabs and the statistics libraries.
NOT_AT_START = (
    "openpyxl",
    "xlsxwriter",
    "statsmodels",
    "pandas",
    "scipy",
    "alembic",
    "planner.io",
    "ui.report",
    "ui.report_dialog",
    "ui.export_dialog",
    "ui.import_deals_dialog",
    "ui.new_plan_dialog",
    "ui.profile_dialog",
    "ui.second_instance",
    "ui.upgrade_progress",
    "ui.tabs.pipeline",
    "ui.tabs.forecast",
    "ui.tabs.channels",
    "planner.queries.mix",
    "planner.queries.segments",
    "planner.queries.winloss",
    "numpy.ma",
)


def test_the_start_loads_only_what_the_dashboard_shows(sample_path: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SMPLANNER_CONFIG_DIR": str(tmp_path / "config"),
    }
    script = STARTUP.format(root=str(ROOT), plan=str(sample_path))
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^startup_ms=\d+$", result.stdout, re.M)
    found = re.search(r"^modules=(.*)$", result.stdout, re.M)
    assert found is not None
    modules = set(found.group(1).split())
    assert "ui.tabs.dashboard" in modules  # the measured start did show the Dashboard
    loaded = sorted(
        m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_AT_START)
    )
    assert loaded == []


def test_the_files_check_starts_before_sqlalchemy_loads() -> None:
    # app.py starts the check of a big plan's file first, so it runs while SQLAlchemy, the
    # models and Qt load (0.3 s and more) instead of after them.
    code = "import sys, planner.db.filecheck; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert source.index("start_check(path)") < source.index("from ui.application import")


def test_the_headless_half_loads_before_qt() -> None:
    # PySide6 reads the source of every module imported after it (ui.feature_check): app.py
    # loads SQLAlchemy, the models, numpy and the Dashboard's queries first. A Qt import
    # creeping into them would bring that cost back without failing anything else.
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); import app; app._import_before_qt(); "
        "print('PySide6' in sys.modules, all(m in sys.modules for m in "
        "('sqlalchemy.orm', 'sqlalchemy.dialects.sqlite', 'numpy', 'planner.db.models', "
        "'planner.queries.dashboard')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert source.index("_import_before_qt()\n") < source.index("from ui.feature_check import")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_numpy_starts_no_blas_threads_under_the_app() -> None:
    # OpenBLAS's worker spun ~60 ms of CPU at numpy's import, on the core the file check
    # and the first read need: app.py asks for one thread, unless the user chose otherwise.
    count = (
        f"import os, sys; sys.path.insert(0, {str(ROOT)!r}); import app; import numpy; "
        "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run(
        [sys.executable, "-c", count], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split() == ["1", "1"]
    env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run(
        [sys.executable, "-c", count], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.split()[0] == "2"
