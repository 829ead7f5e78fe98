"""Shared fixtures. GUI tests live in tests/gui and are marked ``gui``."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A fixed "today" for the sample plan, so numbers in tests never depend on the clock.
SAMPLE_TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True, scope="session")
def _isolated_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the user's real settings (recent files, window state) out of every test."""
    config = tmp_path_factory.mktemp("config")
    old = os.environ.get("SMPLANNER_CONFIG_DIR")
    os.environ["SMPLANNER_CONFIG_DIR"] = str(config)
    yield
    if old is None:
        os.environ.pop("SMPLANNER_CONFIG_DIR", None)
    else:
        os.environ["SMPLANNER_CONFIG_DIR"] = old


@pytest.fixture
def empty_plan(tmp_path: Path) -> Iterator[object]:
    """A new plan with only the defaults every plan starts with."""
    from planner.db.plan import create_plan

    plan = create_plan(tmp_path / "empty.smplan", "Test Bakery")
    yield plan
    plan.close()


@pytest.fixture(scope="session")
def _sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from planner.sample import write_sample

    path = tmp_path_factory.mktemp("sample") / "sample.smplan"
    write_sample(path, today=SAMPLE_TODAY)
    return path


@pytest.fixture
def sample_path(_sample_master: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample plan (built once per session) that a test may change."""
    dest = tmp_path / "sample.smplan"
    shutil.copyfile(_sample_master, dest)
    return dest


@pytest.fixture
def sample_plan(sample_path: Path) -> Iterator[object]:
    from planner.db.plan import open_plan

    plan = open_plan(sample_path)
    yield plan
    plan.close()
