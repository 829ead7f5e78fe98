"""A chart's title: wraps to the chart's width instead of setting the chart's minimum width.

Imported with pyqtgraph, when the first chart is built (see ui/charts/__init__.py).
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import Qt

from ui.charts.style import TEXT


class TitleItem(pg.LabelItem):  # type: ignore[misc]
    """A chart title that wraps to the chart's width instead of widening the chart: a
    pyqtgraph LabelItem makes its text's width the chart's minimum width, so a long
    title ("Revenue: target, actual and outlook, Q2 FY 2026/27") pushed a narrow chart
    past the edge of its tab."""

    def __init__(self) -> None:
        super().__init__("", color=TEXT, size="11pt", bold=True, justify="left")

    def resizeEvent(self, ev: Any) -> None:
        width = self.rect().width()
        if width > 0 and self.item.textWidth() != width:
            self.item.setTextWidth(width)
        super().resizeEvent(ev)

    def updateMin(self) -> None:
        bounds = self.itemRect()
        height = bounds.height() if self.text else 0.0
        self.setMinimumWidth(0)
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, height),
            Qt.SizeHint.PreferredSize: (bounds.width(), height),
            Qt.SizeHint.MaximumSize: (-1, height),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        self.updateGeometry()
