"""Running ``app.py`` as a user would, in a subprocess, for the command-line tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_app(*args: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python app.py ARGS`` offscreen, with its own settings folder under ``tmp_path`` and
    without the debug switch (errors must print one sentence, not a traceback)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SMPLANNER_CONFIG_DIR": str(tmp_path / "config"),
    }
    env.pop("SMPLANNER_DEBUG", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )
