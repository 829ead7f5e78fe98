"""The pyqtgraph pieces of a chart's plot: axes, bars, lines and bands (the legend row is
ui.charts.legend).

Imported only when the first ChartView is built (pyqtgraph and numpy take ~0.3 s to
import; see ui/charts/__init__.py). Bars are drawn here rather than with pyqtgraph's
BarGraphItem so that hatching stays in screen pixels whatever the scale (in SVG too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ui.charts.axes import ValueFormat, category_step, elide
from ui.charts.series import isolated
from ui.charts.style import (
    AXIS_LINE,
    BACKGROUND,
    GRID_ALPHA,
    MUTED_TEXT,
    TEXT,
    RoleStyle,
    chart_font,
    line_pen,
)

HATCH_GAP = 6.0  # pixels between hatch lines, along the axes
MIN_HATCH_WIDTH = 6.0  # narrower bars get a plain tint instead of hatching
EMPTY_TEXT = "No data yet"  # an empty state, said quietly
MANY_POINTS = 40  # a line longer than this gets markers only on its lone points
TEXT_OVERHANG = 12.0  # pixels a tick label may reach past the end of its axis


class CategoryAxis(pg.AxisItem):  # type: ignore[misc]
    """A bottom axis with one label per category. When the labels do not fit, months and
    quarters are thinned out evenly (every 2nd, 3rd... month: the eye fills in the rest),
    while names (channels, segments) are shortened to their bar's width so that every
    bar keeps its name; the tooltip gives it in full."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.labels: list[str] = []
        self.shown: list[str] = []  # the labels as drawn (shortened when crowded)
        self.step = 1

    def set_labels(self, labels: Sequence[str]) -> None:
        self.labels = [elide(label) for label in labels]
        self.shown = list(self.labels)
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        if not self.labels:
            return []
        metrics = QFontMetricsF(self.style["tickFont"] or chart_font())
        widest = max(metrics.horizontalAdvance(label) for label in self.labels)
        per_unit = size / max(maxVal - minVal, 1e-9)
        shown = max(1, round(size / per_unit))
        self.shown = list(self.labels)
        self.step = category_step(shown, widest, size)
        if self.step > 1 and not any(is_dated(label) for label in self.labels):
            room = per_unit - CATEGORY_GAP
            short = [fit_label(metrics, label, room) for label in self.labels]
            if all(short):
                self.shown, self.step = short, 1
        first = max(0, math.ceil(minVal))
        last = min(len(self.labels) - 1, math.floor(maxVal))
        start = first + (-first % self.step)
        return [(float(self.step), [float(i) for i in range(start, last + 1, self.step)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.shown[round(v)] if 0 <= round(v) < len(self.shown) else "" for v in values]

    def boundingRect(self) -> QRectF:
        # pyqtgraph drops a tick label reaching past the axis' ends: the first and last
        # labels may overhang a little (into the value axes' corners) and still be drawn.
        rect: QRectF = super().boundingRect()
        return rect.adjusted(-CATEGORY_OVERHANG, 0, CATEGORY_OVERHANG, 0)


CATEGORY_GAP = 8.0  # pixels between two shortened names
CATEGORY_OVERHANG = 40.0  # pixels an end label may reach past the axis
_DATED = re.compile(r"(\d{4}|Q[1-4])$|^Q[1-4]\b")


def is_dated(label: str) -> bool:
    """A month or quarter label ("Mar 2026", "Q2 FY 2026"): thinned, never shortened."""
    return bool(_DATED.search(label))


def fit_label(metrics: QFontMetricsF, label: str, room: float) -> str:
    """``label`` shortened with "…" to ``room`` pixels, or "" when not even three of its
    letters would be left (then the axis thins instead)."""
    if metrics.horizontalAdvance(label) <= room:
        return label
    short = metrics.elidedText(label, Qt.TextElideMode.ElideRight, room)
    return short if len(short.rstrip("…")) >= 3 else ""


class ValueAxis(pg.AxisItem):  # type: ignore[misc]
    """A left or right axis whose ticks are written by a ValueFormat."""

    def __init__(self, orientation: str, value_format: ValueFormat) -> None:
        super().__init__(orientation)
        # The format itself, not a callback into the chart: the scene owns this axis, and
        # a closure over the chart would keep the chart alive for ever.
        self.value_format = value_format

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        levels: list[Any] = super().tickSpacing(minVal, maxVal, size)
        if self.value_format.kind == "count":
            # People and deals come whole: no tick at 2.5 leads.
            levels = [(spacing, offset) for spacing, offset in levels if spacing >= 1]
            if not levels:
                levels = [(1.0, 0.0)]
        return levels[:1]  # major ticks only: labels at round numbers, not a cluttered scale

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return self.value_format.ticks([v * scale for v in values], spacing * scale)

    def boundingRect(self) -> QRectF:
        # With a grid, pyqtgraph's bounds stop at the axis ends, which hides a label
        # sitting on an end (the "€0" at the bottom): let labels overhang a little.
        rect: QRectF = super().boundingRect()
        return rect.adjusted(0, -TEXT_OVERHANG, 0, TEXT_OVERHANG)


def set_up_plot(
    plot: Any, bottom: CategoryAxis, left: ValueAxis, right: ValueAxis
) -> tuple[Any, Any, Any, Any]:
    """A business chart's plot: no zoom, pan or pyqtgraph menu, a second view for the
    right axis, a zero line and an empty-state text. Returns (left view, right view,
    zero line, empty text)."""
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.showAxis("right", False)
    view = plot.getViewBox()
    view.setMenuEnabled(False)
    view.disableAutoRange()
    right_view = pg.ViewBox(enableMenu=False)
    right_view.setMouseEnabled(x=False, y=False)
    right_view.disableAutoRange()
    # A child of the plot, not a free scene item: it goes away with the plot.
    right_view.setParentItem(plot)
    # Above the left view: the right axis usually carries the lines (leads over spend
    # bars), and a line must never pass behind a bar.
    right_view.setZValue(view.zValue() + 1)
    right.linkToView(right_view)
    right_view.setXLink(view)
    style_axes(bottom, left, right)
    left.setGrid(round(255 * GRID_ALPHA))
    zero_line = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(AXIS_LINE, width=1))
    view.addItem(zero_line, ignoreBounds=True)
    empty = pg.TextItem(EMPTY_TEXT, color=MUTED_TEXT, anchor=(0.5, 0.5))
    empty.setFont(chart_font(11))
    view.addItem(empty, ignoreBounds=True)
    return view, right_view, zero_line, empty


def style_axes(bottom: CategoryAxis, left: ValueAxis, right: ValueAxis) -> None:
    font = chart_font()
    for axis in (bottom, left, right):
        axis.setPen(axis_pen())
        axis.setTextPen(TEXT)
        axis.setStyle(tickFont=font, tickTextOffset=6)
    # Let the first and last month's label reach a little past the plot's ends.
    bottom.setStyle(tickLength=4, hideOverlappingLabels=24)
    left.setStyle(tickLength=0)
    right.setStyle(tickLength=0)


def line_graphics(
    x: Sequence[float],
    values: Sequence[float | None],
    style: RoleStyle,
    dashed: bool,
    reuse: Any = None,
) -> list[Any]:
    """A line broken at missing values, with markers: on every point of a short series,
    only on lone points (nothing to join them to) of a long one, where markers are noise."""
    marker = {
        "symbol": style.symbol,
        "pen": pg.mkPen(style.qcolor(), width=1.5),
        "brush": QColor("white") if style.hollow_symbol else style.qcolor(),
    }
    short = len(values) <= MANY_POINTS
    options: dict[str, Any] = {
        "pen": line_pen(style, dashed),
        # A white casing under the line: it stays visible where it crosses bars of its
        # own colour (actual leads over actual spend).
        "shadowPen": pg.mkPen(BACKGROUND, width=5),
        "connect": "finite",
        "antialias": True,
        # Markers drawn as shapes, not stamped from a bitmap atlas: SVG output stays vector.
        "useCache": False,
        "symbol": marker["symbol"] if short else None,
        "symbolSize": 7,
        "symbolPen": marker["pen"],
        "symbolBrush": marker["brush"],
    }
    xs = list(x)
    y = [math.nan if v is None else v for v in values]
    if all(v is None for v in values):
        # Nothing to draw: an empty item. An all-NaN one makes pyqtgraph's bounds call
        # numpy's nanmin, whose "All-NaN slice" warning, raised inside a Qt paint as an
        # error (the tests' setting), ended in a segmentation fault.
        xs, y = [], []
    if reuse is None:
        line = pg.PlotDataItem(xs, y, **options)
    else:  # a replot: new data in an item already in the plot (creating one costs more)
        line = reuse
        line.setData(xs, y, **options)
    lone = [] if short else isolated(values)
    spots = [(xi, v) for xi, v, one in zip(x, values, lone, strict=False) if one and v is not None]
    if not spots:
        return [line]
    markers = pg.ScatterPlotItem(
        [p[0] for p in spots],
        [p[1] for p in spots],
        size=6,
        useCache=False,
        antialias=True,
        **marker,
    )
    return [line, markers]


@dataclass
class BarData:
    """Bars of one series: centres, heights (None = no bar), width, look."""

    x: list[float]
    heights: list[float | None]
    width: float
    style: RoleStyle


class BarsItem(pg.GraphicsObject):  # type: ignore[misc]
    """Bars drawn in screen pixels, so outlines and hatching look the same at any size."""

    def __init__(self, data: BarData) -> None:
        super().__init__()
        self.set_data(data)

    def set_data(self, data: BarData) -> None:
        """New bars in the same item (a replot reuses items: creating them costs more)."""
        self.prepareGeometryChange()
        self.data = data
        drawn = [h for h in data.heights if h is not None]
        low, high = min([0.0, *drawn]), max([0.0, *drawn])
        left = min(data.x, default=0.0) - data.width / 2
        right = max(data.x, default=0.0) + data.width / 2
        self._bounds = QRectF(left, low, right - left, high - low)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange: Any = None) -> Any:
        r = self._bounds
        return (r.left(), r.right()) if axis == 0 else (r.top(), r.bottom())

    def paint(self, painter: QPainter, *_args: Any) -> None:
        style = self.data.style
        transform = painter.transform()
        half = self.data.width / 2
        rects = []
        for x, height in zip(self.data.x, self.data.heights, strict=True):
            if height is None:
                continue
            rect = transform.mapRect(QRectF(x - half, min(0.0, height), 2 * half, abs(height)))
            if rect.height() < 1:
                rect.setHeight(1)  # a zero still shows as a hairline on the axis
            rects.append(rect)
        if not rects:
            return
        # Hatching needs room: on bars a few pixels wide (120 months) a tint reads better.
        hatched = style.hatched and rects[0].width() >= MIN_HATCH_WIDTH
        painter.save()
        painter.resetTransform()  # draw in pixels: same outlines and hatching at any scale
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # crisp edges
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.qcolor(45 if hatched else (140 if style.hatched else 255)))
        painter.drawRects(rects)
        if hatched:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(style.qcolor(), 1.0))
            # Hatch only what can show: painted before its range follows new figures, a
            # bar can be millions of pixels tall, and hatching all of it froze the window.
            shown = QRectF(painter.viewport())
            painter.drawLines(
                [line for rect in rects for line in hatch_lines(rect.intersected(shown))]
            )
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        outline = QPen(style.qcolor(), 1.5 if hatched else 1.0)
        outline.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRects([rect.adjusted(0.5, 0.5, -0.5, -0.5) for rect in rects])
        painter.restore()


def hatch_lines(rect: QRectF) -> list[QLineF]:
    """Diagonal lines (/) inside ``rect``, HATCH_GAP apart, cut at its edges.

    A line is x + y = k in pixels; k runs over multiples of the gap, so neighbouring bars
    share one pattern. Cutting the lines here (not with a clip) keeps SVG output small.
    """
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    lines = []
    k = math.ceil((left + top) / HATCH_GAP) * HATCH_GAP
    while k <= right + bottom:
        x0, x1 = max(left, k - bottom), min(right, k - top)
        if x1 > x0:
            lines.append(QLineF(x0, k - x0, x1, k - x1))
        k += HATCH_GAP
    return lines


def band_item(
    x: Sequence[float], lower: Sequence[float | None], upper: Sequence[float | None], color: QColor
) -> QGraphicsPathItem:
    """A translucent area between two lines; a missing value splits it into pieces."""
    path = QPainterPath()
    run: list[tuple[float, float, float]] = []
    for xi, lo, hi in [*zip(x, lower, upper, strict=True), (0.0, None, None)]:
        if lo is not None and hi is not None:
            run.append((xi, lo, hi))
            continue
        if len(run) == 1:  # a lone month: a short slab, so it still shows
            xi0, lo0, hi0 = run[0]
            run = [(xi0 - 0.15, lo0, hi0), (xi0 + 0.15, lo0, hi0)]
        if run:
            path.moveTo(run[0][0], run[0][2])
            for px, _lo, hi_ in run[1:]:
                path.lineTo(px, hi_)
            for px, lo_, _hi in reversed(run):
                path.lineTo(px, lo_)
            path.closeSubpath()
        run = []
    item = QGraphicsPathItem(path)
    item.setBrush(QBrush(color))
    item.setPen(QPen(Qt.PenStyle.NoPen))
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresParentOpacity, False)
    return item


def axis_pen() -> QPen:
    pen = QPen(QColor(AXIS_LINE))
    pen.setCosmetic(True)
    return pen
