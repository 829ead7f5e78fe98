"""The core never imports Qt: every planner module imports with PySide6 and pyqtgraph blocked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import planner

ROOT = Path(planner.__file__).parent.parent


def planner_modules() -> list[str]:
    names = ["planner"]
    for info in pkgutil.walk_packages([str(ROOT / "planner")], prefix="planner."):
        if ".migrations" not in info.name:
            names.append(info.name)
    return names


def test_planner_never_imports_qt() -> None:
    modules = planner_modules()
    assert len(modules) > 10
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'ui', 'shiboken6'):\n"
        "            raise ImportError('planner must not import ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
