"""Start the window: the QApplication, the main window, and the ``--startup-time`` measurement.

``run_gui`` is what ``app.py`` calls. Only Qt core and widgets, the plan file code and the
tabs in view are imported on the way to the first paint; heavier modules load when a tab
that needs them is first shown.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

import planner
from ui.settings import APPLICATION, APPLICATION_TITLE, ORGANIZATION

# How long a timing run waits for the first paint before giving up.
STARTUP_LIMIT_MS = 120_000
# Notices the headless ("offscreen") platform prints for every window; they say nothing
# about the app and would bury the one line a timing run prints on stderr.
_PLATFORM_NOISE = ("does not support propagateSizeHints",)


def _quiet_platform_notices(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    if kind == QtMsgType.QtDebugMsg or any(noise in message for noise in _PLATFORM_NOISE):
        return
    print(message, file=sys.stderr)


def create_application() -> QApplication:
    """The QApplication: the one that exists already (pytest-qt makes one), else a new one."""
    app = QApplication.instance()
    if app is None:
        # Qt 6 scales for high-DPI screens by itself; pass fractional factors (150%)
        # through rather than rounding them, so text stays the size the user chose.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(sys.argv[:1] or ["smplanner"])
    assert isinstance(app, QApplication), "the window needs a QApplication"
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION_TITLE)
    app.setApplicationVersion(planner.__version__)
    app.setDesktopFileName("smplanner")
    from ui.main_window import app_icon

    app.setWindowIcon(app_icon())
    return app


class _FirstPaint(QObject):
    """Ends ``loop`` once ``widget`` has painted and the event queue has run dry."""

    def __init__(self, widget: QWidget, loop: QEventLoop) -> None:
        super().__init__(widget)
        self._widget = widget
        self._loop = loop
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            # The paint is under way now; a zero timer fires once it and the rest of the
            # frame are done, which is when the user sees the tab.
            QTimer.singleShot(0, self._loop.quit)
        return False


def _time_startup(path: Path | None, started_at: float) -> int:
    from planner.db.plan import PlanError, open_plan
    from ui.main_window import MainWindow

    window = MainWindow(persist=False)
    if path is not None:
        try:
            plan = open_plan(path)
        except PlanError as exc:
            print(exc, file=sys.stderr)
            window.deleteLater()
            return 1
        window.load_plan(plan, remember=False)
    else:
        window.reopen_last(remember=False)
    target = window.current_tab() or window.start_page
    loop = QEventLoop()
    watcher = _FirstPaint(target, loop)
    limit = QTimer()
    limit.setSingleShot(True)
    limit.timeout.connect(lambda: loop.exit(1))
    limit.start(STARTUP_LIMIT_MS)
    window.show()
    timed_out = loop.exec()
    elapsed_ms = round((time.time() - started_at) * 1000)
    limit.stop()
    watcher.deleteLater()
    window.close()
    window.deleteLater()
    if timed_out:
        print(
            f"The window did not finish drawing within {STARTUP_LIMIT_MS // 1000} seconds.",
            file=sys.stderr,
        )
        return 1
    print(f"startup_ms={elapsed_ms}", flush=True)
    return 0


def run_gui(
    path: Path | None, *, startup_time: bool = False, started_at: float | None = None
) -> int:
    """Open the window on ``path``, else on the last plan, else on the start page.

    With ``startup_time``: show the window, wait until the first tab has painted, print
    ``startup_ms=N`` (milliseconds since ``started_at``, the process start in
    ``time.time()`` seconds) and return 0. A plan that cannot be opened prints its one
    sentence on stderr and returns 1; no dialog is ever shown in that mode.
    """
    if started_at is None:
        started_at = time.time()
    if startup_time and QApplication.instance() is None:
        qInstallMessageHandler(_quiet_platform_notices)
    app = create_application()
    if startup_time:
        return _time_startup(path, started_at)

    from ui.main_window import MainWindow

    window = MainWindow()
    if path is None:
        window.reopen_last()
    window.show()
    if path is not None:
        # After show(), so a refusal or the "open read-only?" question sits on top of a
        # visible window; nothing is painted before app.exec(), so the start page never
        # flashes. open_path takes the plan's lock, so a second window is told.
        window.open_path(path)
    return app.exec()
