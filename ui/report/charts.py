"""Vector charts for the printed report, drawn straight with QPainter.

They follow the dashboard's look (``ui.charts.style``): one colour and pattern per role,
plans as hatched outlines, actuals solid, forecasts as a dashed line with diamonds and a
translucent range. Drawn as paths and text (no pictures), they stay crisp at any zoom
and on any printer. Lengths are points, as everywhere in the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF

from ui.charts.axes import ValueFormat, nice_spacing
from ui.charts.style import AXIS_LINE, GRID_ALPHA, MUTED_TEXT, TEXT, RoleStyle, role_style
from ui.report.layout import draw_text, font, line_height, text_width, wrap

HATCH_GAP = 3.2  # points between hatching lines
LABEL_SIZE = 7.5


@dataclass(frozen=True)
class Bars:
    role: str
    label: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Line:
    role: str
    label: str
    values: Sequence[float | None]
    low: Sequence[float | None] | None = None  # a range drawn as a band
    high: Sequence[float | None] | None = None


@dataclass(frozen=True)
class ChartSpec:
    categories: Sequence[str]
    bars: Sequence[Bars] = ()
    lines: Sequence[Line] = ()
    value_format: ValueFormat | None = None


def _pen(color: QColor, width: float, dashed: bool = False) -> QPen:
    pen = QPen(color)
    pen.setWidthF(width)
    if dashed:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([4.0, 2.5])
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def paint_box(painter: QPainter, rect: QRectF, style: RoleStyle) -> None:
    """A bar or legend swatch: solid, or (a plan) a pale tint hatched in the role colour."""
    if rect.height() <= 0 or rect.width() <= 0:
        return
    painter.save()
    if not style.hatched:
        painter.fillRect(rect, style.qcolor())
        painter.restore()
        return
    painter.fillRect(rect, style.qcolor(45))
    painter.setClipRect(rect)
    painter.setPen(_pen(style.qcolor(), 0.7))
    # Diagonal lines from lower left to upper right, anchored to the page so that bars
    # side by side hatch in step.
    start = math.floor((rect.left() - rect.height()) / HATCH_GAP) * HATCH_GAP
    x = start
    while x < rect.right():
        painter.drawLine(QPointF(x, rect.bottom()), QPointF(x + rect.height(), rect.top()))
        x += HATCH_GAP
    painter.setClipping(False)
    painter.setPen(_pen(style.qcolor(), 0.9))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect)
    painter.restore()


def _diamond(painter: QPainter, at: QPointF, style: RoleStyle, size: float = 3.2) -> None:
    points = [at + QPointF(0, -size), at + QPointF(size, 0), at + QPointF(0, size),
              at + QPointF(-size, 0)]  # fmt: skip
    painter.setPen(_pen(style.qcolor(), 0.8))
    painter.setBrush(QBrush(style.qcolor()))
    painter.drawPolygon(QPolygonF(points))


def _legend(painter: QPainter, rect: QRectF, spec: ChartSpec) -> float:
    """The legend in one row above the plot; returns its height."""
    f = font(LABEL_SIZE)
    height = line_height(f) + 4
    x = rect.left()
    entries: list[tuple[str, str, bool]] = [(b.role, b.label, True) for b in spec.bars]
    entries += [(line.role, line.label, False) for line in spec.lines]
    for role, label, is_bar in entries:
        style = role_style(role)
        mid = rect.top() + height / 2
        if is_bar:
            paint_box(painter, QRectF(x, mid - 4, 12, 8), style)
        else:
            painter.setPen(_pen(style.qcolor(), 1.6, style.dashed))
            painter.drawLine(QPointF(x, mid), QPointF(x + 14, mid))
            _diamond(painter, QPointF(x + 7, mid), style, 2.6)
        x += 17
        width = text_width(f, label) + 2
        draw_text(painter, QRectF(x, rect.top(), width, height), f, label, color=TEXT)
        x += width + 12
    for line in spec.lines:
        if line.low is not None:
            style = role_style(line.role)
            painter.fillRect(QRectF(x, rect.top() + height / 2 - 4, 12, 8),
                             style.qcolor(style.band_alpha))  # fmt: skip
            text = "Likely range"
            draw_text(painter, QRectF(x + 17, rect.top(), text_width(f, text) + 2, height), f, text)
            break
    return height


def paint_chart(painter: QPainter, rect: QRectF, spec: ChartSpec) -> None:
    """Grouped bars with lines over them, a value axis on the left, categories below."""
    fmt = spec.value_format or ValueFormat("count")
    small = font(LABEL_SIZE)
    legend = _legend(painter, rect, spec)
    figures = [v for b in spec.bars for v in b.values if v is not None]
    for line in spec.lines:
        for seq in (line.values, line.low or (), line.high or ()):
            figures += [v for v in seq if v is not None]
    low, high = min([0.0, *figures]), max([0.0, *figures])
    if high == low:
        high = low + 1.0
    spacing = nice_spacing(high - low, 5)
    low = math.floor(low / spacing) * spacing
    high = math.ceil(high / spacing) * spacing
    ticks = [low + i * spacing for i in range(round((high - low) / spacing) + 1)]
    labels = fmt.ticks(ticks, spacing)
    axis_w = max(text_width(small, t) for t in labels) + 6
    n = max(len(spec.categories), 1)
    label_lines = max(
        (len(wrap(small, c, (rect.width() - axis_w) / n - 4)) for c in spec.categories), default=1
    )
    label_h = min(label_lines, 3) * line_height(small) + 4
    plot = QRectF(rect.left() + axis_w, rect.top() + legend + 6,
                  rect.width() - axis_w, rect.height() - legend - 6 - label_h)  # fmt: skip

    def y_of(value: float) -> float:
        return plot.bottom() - (value - low) / (high - low) * plot.height()

    grid = QColor(AXIS_LINE)
    grid.setAlphaF(GRID_ALPHA)
    for value, text in zip(ticks, labels, strict=True):
        y = y_of(value)
        painter.setPen(_pen(QColor(AXIS_LINE) if value == 0 else grid, 0.5))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        box = QRectF(rect.left(), y - 6, axis_w - 4, 12)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        draw_text(painter, box, small, text, align, MUTED_TEXT)
    slot = plot.width() / n
    bar_w = slot * 0.72 / max(len(spec.bars), 1)
    for index, category in enumerate(spec.categories):
        left = plot.left() + index * slot
        lines = wrap(small, category, slot - 4)[:3]
        box = QRectF(left + 2, plot.bottom() + 3, slot - 4, label_h)
        align = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        draw_text(painter, box, small, "\n".join(lines), align, TEXT)
        # The bars a category has sit centred in its slot (a month with a target but no
        # actual yet shows one bar in the middle, under its forecast).
        present = [
            (bars, bars.values[index])
            for bars in spec.bars
            if index < len(bars.values) and bars.values[index] is not None
        ]
        for b_index, (bars, figure) in enumerate(present):
            assert figure is not None
            x = left + (slot - len(present) * bar_w) / 2 + b_index * bar_w
            top, bottom = sorted((y_of(figure), y_of(0.0)))
            paint_box(
                painter, QRectF(x + 0.6, top, bar_w - 1.2, bottom - top), role_style(bars.role)
            )
    for line in spec.lines:
        _paint_line(painter, line, plot, slot, y_of)


def _paint_line(
    painter: QPainter, line: Line, plot: QRectF, slot: float, y_of: Callable[[float], float]
) -> None:
    style = role_style(line.role)

    def x_of(index: int) -> float:
        return plot.left() + (index + 0.5) * slot

    if line.low is not None and line.high is not None:
        band = [(i, lo, hi) for i, (lo, hi) in enumerate(zip(line.low, line.high, strict=True))
                if lo is not None and hi is not None]  # fmt: skip
        if band:
            half = slot * 0.18  # a band over a single month still shows
            path = QPainterPath()
            upper = [QPointF(x_of(i) + dx, y_of(hi)) for i, _lo, hi in band for dx in (-half, half)]
            lower = [QPointF(x_of(i) + dx, y_of(lo)) for i, lo, _hi in band for dx in (-half, half)]
            path.addPolygon(QPolygonF(upper + lower[::-1]))
            painter.fillPath(path, style.qcolor(style.band_alpha))
    points = [QPointF(x_of(i), y_of(v)) for i, v in enumerate(line.values) if v is not None]
    if len(points) > 1:
        painter.setPen(_pen(style.qcolor(), 1.6, style.dashed))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF(points))
    for point in points:
        _diamond(painter, point, style)
