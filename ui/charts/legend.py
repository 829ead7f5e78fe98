"""A chart's legend: one row of entries (wrapping when narrow) above the plot.

Drawn here rather than with pyqtgraph's LegendItem so that the legend sits above the plot
instead of on the data, and its samples (hatched bars, dashed lines, markers) look exactly
like the series they name. Imported with pyqtgraph, when the first chart is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy

from ui.charts.items import hatch_lines
from ui.charts.style import TEXT, RoleStyle, chart_font, line_pen


@dataclass(frozen=True)
class LegendEntry:
    label: str
    kind: str  # "bars", "line" or "band"
    style: RoleStyle
    dashed: bool = False


class LegendRow(pg.GraphicsWidget):  # type: ignore[misc]
    """The legend as a row (wrapping when narrow) above the plot, never over the data."""

    SAMPLE = 22.0
    GAP = 16.0
    ROW = 18.0

    def __init__(self) -> None:
        self._height = -1.0
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.entries: list[LegendEntry] = []
        self.indent = 0.0
        self._font = chart_font()
        self._metrics = QFontMetricsF(self._font)
        self._relayout()

    def set_entries(self, entries: Sequence[LegendEntry], indent: float) -> None:
        self.entries = list(entries)
        self.indent = indent
        self._relayout()
        self.update()

    def _positions(self, width: float) -> list[QPointF]:
        x, y, spots = self.indent, 0.0, []
        for entry in self.entries:
            w = self.SAMPLE + 5 + self._metrics.horizontalAdvance(entry.label)
            if x > self.indent and x + w > width:
                x, y = self.indent, y + self.ROW
            spots.append(QPointF(x, y))
            x += w + self.GAP
        return spots

    def _relayout(self) -> None:
        spots = self._positions(self.size().width() or 600.0)
        rows = 0 if not spots else round(spots[-1].y() / self.ROW) + 1
        height = rows * self.ROW + (6 if rows else 0)
        if height != self._height:
            self._height = height
            self.setMinimumHeight(height)
            self.setMaximumHeight(height)
            self.updateGeometry()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._relayout()

    def sizeHint(self, which: Qt.SizeHint, constraint: QSizeF = QSizeF()) -> QSizeF:  # noqa: B008
        height = max(self._height, 0.0)
        if which == Qt.SizeHint.MaximumSize:
            return QSizeF(1e6, height)
        return QSizeF(0.0 if which == Qt.SizeHint.MinimumSize else 100.0, height)

    def paint(self, painter: QPainter, *_args: Any) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self._font)
        for entry, spot in zip(self.entries, self._positions(self.size().width()), strict=True):
            sample = QRectF(spot.x(), spot.y() + 3, self.SAMPLE, self.ROW - 6)
            _draw_sample(painter, entry, sample)
            painter.setPen(QColor(TEXT))
            text = QRectF(sample.right() + 5, spot.y(), 1000, self.ROW)
            painter.drawText(text, Qt.AlignmentFlag.AlignVCenter, entry.label)


def _draw_sample(painter: QPainter, entry: LegendEntry, rect: QRectF) -> None:
    style = entry.style
    painter.save()
    if entry.kind == "bars":
        box = QRectF(rect.center().x() - 6, rect.top(), 12, rect.height())
        painter.fillRect(box, style.qcolor(45 if style.hatched else 255))
        if style.hatched:
            painter.setPen(QPen(style.qcolor(), 1.0))
            painter.drawLines(hatch_lines(box))
        painter.setPen(QPen(style.qcolor(), 1.5 if style.hatched else 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
    elif entry.kind == "band":
        painter.fillRect(rect, style.qcolor(style.band_alpha))
    else:
        y = rect.center().y()
        painter.setPen(line_pen(style, entry.dashed))
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.translate(rect.center())
        brush = QBrush(QColor("white") if style.hollow_symbol else style.qcolor())
        pen = QPen(style.qcolor(), 1.5)
        pen.setCosmetic(True)  # drawSymbol scales the painter to the symbol's size
        pg.graphicsItems.ScatterPlotItem.drawSymbol(painter, style.symbol, 7, pen, brush)
    painter.restore()
