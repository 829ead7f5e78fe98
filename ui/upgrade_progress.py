"""The window that shows a plan's schema upgrade as it runs, with a Cancel button.

``open_plan`` upgrades a plan written by an older version of the Planner before it opens
it: a safety copy first, then each schema step, then a check (a second or two on 100,000
deals). ``UpgradeProgressDialog`` is the ``progress`` function it reports to. The window
only appears when an upgrade really runs (on the first report), and Cancel makes
``open_plan`` stop and roll back, leaving the file exactly as it was.
"""

from __future__ import annotations

from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

INTRO = (
    "This plan was made by an older version of the Planner, so it is being brought up to "
    "date. A copy of it as it was is kept beside it."
)


class UpgradeProgressDialog:
    """``open_plan``'s ``progress``: use it in a ``with`` block around the call, which
    closes the window however the upgrade ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent
        self.dialog: QProgressDialog | None = None
        self.reports: list[tuple[str, int, int]] = []  # what it was told, for tests

    def __call__(self, text: str, done: int, total: int) -> bool:
        self.reports.append((text, done, total))
        dialog = self.dialog
        if dialog is None:
            dialog = self.dialog = QProgressDialog(self.parent)
            dialog.setObjectName("upgradeProgress")
            dialog.setWindowTitle("Upgrading the Plan")
            dialog.setCancelButtonText("Cancel")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumDuration(0)
            dialog.setMinimumWidth(460)
            dialog.show()
        dialog.setLabelText(f"{INTRO}\n\n{text}")
        dialog.setMaximum(total)
        dialog.setValue(done)
        # The upgrade runs on this thread: let the window paint and hear a click on Cancel.
        QApplication.processEvents()
        return not dialog.wasCanceled()

    def cancel(self) -> None:
        """What a click on Cancel does (for keyboard users: Escape does the same)."""
        if self.dialog is not None:
            self.dialog.cancel()

    def __enter__(self) -> UpgradeProgressDialog:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
