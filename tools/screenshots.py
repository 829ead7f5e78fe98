"""Screenshots of the main window on the sample plan, one per tab (run under Xvfb).

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshots.py OUTDIR

The first tab's picture is also what README.md shows (docs/main-window.png).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/screens")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    os.environ["SMPLANNER_CONFIG_DIR"] = str(tmp / "config")
    from planner.sample import write_sample
    from ui.application import run_gui  # noqa: F401  (sets up the application the same way)
    from ui.main_window import MainWindow

    plan_path = tmp / "Hartmann.smplan"
    write_sample(plan_path)
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(persist=False)
    window.resize(1360, 860)
    window.show()
    window.settings.add_recent(plan_path) if hasattr(window, "settings") else None
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(out / "start.png"))
    print(out / "start.png")
    window.open_path(plan_path)
    for key in window.tab_keys():
        window.show_tab(key)
        for _ in range(5):
            app.processEvents()
        screen = app.primaryScreen()
        image = screen.grabWindow(0) if os.environ.get("DISPLAY") else window.grab()
        image.save(str(out / f"{key}.png"))
        print(out / f"{key}.png")
    from ui.profile_dialog import ProfileDialog

    dialog = ProfileDialog(window.ops, window)
    dialog.show()
    for _ in range(5):
        app.processEvents()
    dialog.grab().save(str(out / "profile.png"))
    print(out / "profile.png")
    dialog.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
