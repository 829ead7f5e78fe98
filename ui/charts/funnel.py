"""FunnelChart: the pipeline as a funnel, one step per stage, showing deals and their value.

Each step is a bar centred on the chart, as wide as its value against the widest step, with
the stage's name on the left and "15 deals · €32,000" on the bar; light bands join the
steps so the narrowing reads at a glance. Open stages are drawn in the forecast colour
(possible revenue), the last step (deals won) in the actual colour, as everywhere else.

It shares ChartView's frame (ui.charts.frame): the title that wraps instead of widening the
chart, the legend row above, exact values on hover, and the context menu to copy or save it
as PNG or SVG. Like ChartView, pyqtgraph is imported when the first one is built.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QLocale, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from ui.charts.axes import ValueFormat
from ui.charts.frame import PLOT_ROW, ChartFrame
from ui.charts.style import MUTED_TEXT, TEXT, RoleStyle, chart_font, role_style

EMPTY_TEXT = "No deals yet"
LABEL_GAP = 12.0  # pixels between the stage names and the widest bar
BAR_SHARE = 0.68  # of a row's height; the rest joins one step to the next


@dataclass(frozen=True)
class FunnelStep:
    """One step: a stage name, how many deals and what they are worth; ``role`` picks the
    colour (see ui.charts.style)."""

    name: str
    deals: int
    value: Decimal
    role: str = "forecast"


def deals_text(count: int, locale: QLocale) -> str:
    return f"{locale.toString(count)} deal{'' if count == 1 else 's'}"


class FunnelChart(ChartFrame):
    """Steps from the top of the funnel down. See the module docstring."""

    MARGINS = (6, 8, 10, 8)

    def __init__(
        self, title: str = "", parent: QWidget | None = None, locale: QLocale | None = None
    ) -> None:
        super().__init__(title, parent)
        self._format = ValueFormat("money", locale=locale)
        self._steps: list[FunnelStep] = []
        self._box = self._pg.ViewBox(enableMenu=False)
        self._box.setMouseEnabled(x=False, y=False)
        self._box.disableAutoRange()
        self._box.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self._view.ci.addItem(self._box, row=PLOT_ROW, col=0)
        self._drawing = _item_class()(self._format)
        self._box.addItem(self._drawing)

    # -- what the caller sets -----------------------------------------------------------

    def set_currency(self, currency: str) -> None:
        self._format = ValueFormat("money", currency, self._format.locale)
        self._drawing.value_format = self._format
        self._drawing.update()

    def set_steps(self, steps: Sequence[FunnelStep], legend: Sequence[tuple[str, str]]) -> None:
        """The steps from the top down; ``legend`` is (label, role) per colour used."""
        self._steps = list(steps)
        self._drawing.set_steps(self._steps)
        entries = [
            self._legends.LegendEntry(label, "bars", role_style(role)) for label, role in legend
        ]
        self._legend.set_entries(entries, indent=0.0)

    def steps(self) -> list[FunnelStep]:
        """What is drawn (for tests and for the tooltip)."""
        return list(self._steps)

    def is_empty(self) -> bool:
        return not any(step.deals for step in self._steps)

    # -- hover ------------------------------------------------------------------------

    def step_text(self, index: int) -> str:
        """ "Proposal: 15 deals worth €32,000.00"."""
        step = self._steps[index]
        count = deals_text(step.deals, self._format.locale)
        return f"{step.name}: {count} worth {self._format.full(float(step.value))}"

    def hover_text(self, scene_pos: QPointF) -> str:
        rect = self._box.sceneBoundingRect()
        if not self._steps or not rect.contains(scene_pos):
            return ""
        row = int((scene_pos.y() - rect.top()) / (rect.height() / len(self._steps)))
        return self.step_text(min(max(row, 0), len(self._steps) - 1))


@functools.cache
def _item_class() -> type[Any]:
    """The pyqtgraph item class, defined on first use so importing this module stays cheap."""
    import pyqtgraph as pg  # type: ignore[import-untyped]

    class FunnelItem(pg.GraphicsObject):  # type: ignore[misc]
        """The steps, drawn in pixels over the whole view box (0..1 both ways)."""

        def __init__(self, value_format: ValueFormat) -> None:
            super().__init__()
            self.value_format = value_format
            self.steps: list[FunnelStep] = []

        def set_steps(self, steps: list[FunnelStep]) -> None:
            self.steps = steps
            self.update()

        def boundingRect(self) -> QRectF:
            return QRectF(0.0, 0.0, 1.0, 1.0)

        def paint(self, painter: QPainter, *_args: Any) -> None:
            area = painter.transform().mapRect(self.boundingRect())
            painter.save()
            painter.resetTransform()  # pixels: text and outlines the same size at any scale
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setFont(chart_font())
            _paint_steps(painter, area, self.steps, self.value_format)
            painter.restore()

    return FunnelItem


def _bar_text(step: FunnelStep, value_format: ValueFormat) -> str:
    """ "15 deals · €32,000": whole money on the bar; the tooltip has the cents."""
    locale = value_format.locale
    amount = locale.toCurrencyString(float(step.value), value_format.formats.symbol, 0)
    return f"{deals_text(step.deals, locale)} · {amount}"


def _paint_steps(
    painter: QPainter, area: QRectF, steps: Sequence[FunnelStep], value_format: ValueFormat
) -> None:
    if not steps:
        return
    metrics = QFontMetricsF(painter.font())
    names = max(metrics.horizontalAdvance(s.name) for s in steps)
    left = area.left() + names + LABEL_GAP
    width = max(area.right() - left, 1.0)
    centre = left + width / 2
    row = area.height() / len(steps)
    widest = max(s.value for s in steps)
    empty = not any(s.deals for s in steps)
    bars: list[QRectF] = []
    for i, step in enumerate(steps):
        share = float(step.value / widest) if widest > 0 else 0.0
        half = max(width * share / 2, 1.0)  # an empty stage shows as a hairline
        top = area.top() + i * row + row * (1 - BAR_SHARE) / 2
        bars.append(QRectF(centre - half, top, 2 * half, row * BAR_SHARE))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 14))
    for upper, lower in itertools.pairwise(bars):  # the joins between steps
        painter.drawPolygon(
            QPolygonF([upper.bottomLeft(), upper.bottomRight(), lower.topRight(), lower.topLeft()])
        )
    for step, bar in zip(steps, bars, strict=True):
        _draw_step(painter, role_style(step.role), bar)
        painter.setPen(QColor(TEXT))
        label = QRectF(area.left(), bar.top(), names, bar.height())
        painter.drawText(label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         step.name)  # fmt: skip
        if not empty:
            painter.setPen(QColor(TEXT if step.deals else MUTED_TEXT))
            text = _bar_text(step, value_format)
            wide = metrics.horizontalAdvance(text)
            beside = bar.right() + 6
            if wide > bar.width() - 8 and beside + wide <= area.right():
                # A narrow step: the text beside it, not spilling over its outline.
                room = QRectF(beside, bar.top(), area.right() - beside, bar.height())
                align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            else:
                room = QRectF(left, bar.top(), width, bar.height())
                align = Qt.AlignmentFlag.AlignCenter
            painter.drawText(room, align, text)
    if empty:
        painter.setPen(QColor(MUTED_TEXT))
        painter.drawText(QRectF(left, area.top(), width, area.height()),
                         Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)  # fmt: skip


def _draw_step(painter: QPainter, style: RoleStyle, bar: QRectF) -> None:
    """A pale fill (the text on it stays readable) with a solid outline in the role's colour."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.qcolor(70))
    painter.drawRect(bar)
    outline = QPen(style.qcolor(), 1.5)
    outline.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(outline)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(bar.adjusted(0.75, 0.75, -0.75, -0.75))
