"""What a chart holds, as plain data: its series, the value ranges, the tooltip texts.

Kept apart from the drawing so the numbers a chart shows (and tests check) come from one
place, and this part needs no pyqtgraph.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from PySide6.QtCore import QPointF

from ui.charts.axes import ValueFormat
from ui.charts.style import RoleStyle

Axis = Literal["left", "right"]
SeriesKind = Literal["bars", "line", "band"]
Number = float | int | Decimal


@dataclass
class Series:
    """One named series: its values (None = no figure), how and where it is drawn."""

    name: str
    kind: SeriesKind
    style: RoleStyle
    values: list[float | None]
    axis: Axis = "left"
    upper: list[float | None] | None = None  # a band's high edge; ``values`` is its low
    x: list[float] = field(default_factory=list)
    width: float = 0.0  # bars only
    dashed: bool = False
    graphics: list[Any] = field(default_factory=list)

    def figures(self) -> Iterator[float]:
        for v in [*self.values, *(self.upper or [])]:
            if v is not None and math.isfinite(v):
                yield v

    def text(self, index: int, category: str, fmt: ValueFormat) -> str:
        """ "Actual spend · Mar 2026: €1,234.50"; a band gives its low and high."""
        return f"{self.name} · {category}: {self.value_text(index, fmt)}"

    def value_text(self, index: int, fmt: ValueFormat) -> str:
        if self.kind == "band" and self.upper is not None:
            low, high = self.values[index], self.upper[index]
            if low is None or high is None:
                return "no figure"
            return f"{fmt.full(low)} to {fmt.full(high)}"
        return fmt.full(self.values[index])


def pick(
    series: Sequence[Series],
    index: int,
    at: Callable[[Series], QPointF],
    near: Callable[[Series, float], bool],
) -> Series | None:
    """The series under the mouse at category ``index``: a line's point first (lines are
    drawn on top), then a bar, then a band. ``at`` gives the mouse position in a series'
    units; ``near`` says whether the mouse is on a line's point at a value."""
    order = {"line": 0, "bars": 1, "band": 2}
    for s in sorted(series, key=lambda s: order[s.kind]):
        value = s.values[index]
        if value is None:
            continue
        if s.kind == "line":
            if near(s, value):
                return s
            continue
        mouse = at(s)
        if s.kind == "bars":
            inside = abs(mouse.x() - s.x[index]) <= s.width / 2
            if inside and min(0.0, value) <= mouse.y() <= max(0.0, value):
                return s
        elif s.upper is not None:
            high = s.upper[index]
            if high is not None and value <= mouse.y() <= high:
                return s
    return None


def floats(values: Sequence[Number | None]) -> list[float | None]:
    """The values as floats; a NaN or an infinity is no figure (None), like a missing one."""
    out: list[float | None] = []
    for v in values:
        f = None if v is None else float(v)
        out.append(f if f is not None and math.isfinite(f) else None)
    return out


def isolated(values: Sequence[float | None]) -> list[bool]:
    """Points with no neighbour on either side: a line cannot show them, a marker must."""
    out = []
    for i, v in enumerate(values):
        before = i > 0 and values[i - 1] is not None
        after = i + 1 < len(values) and values[i + 1] is not None
        out.append(v is not None and not before and not after)
    return out


def padded_range(figures: Iterable[float]) -> tuple[float, float]:
    """Zero and every figure, with a little room beyond the tallest bar."""
    numbers = list(figures)
    if not numbers:
        return 0.0, 1.0
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    if low == high:
        return 0.0, 1.0
    room = (high - low) * 0.06
    return (low - room if low < 0 else low), (high + room if high > 0 else high)


def align_zero(
    left: tuple[float, float], right: tuple[float, float]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Stretch two axis ranges so that zero sits at the same height on both sides."""

    def below(r: tuple[float, float]) -> float:  # the share of the axis below zero
        return -r[0] / (r[1] - r[0])

    share = max(below(left), below(right))
    if share <= 0 or share >= 1:
        return left, right

    def stretched(r: tuple[float, float]) -> tuple[float, float]:
        low, high = r
        if high <= 0:
            return low, high
        return min(low, -share * high / (1 - share)), high

    return stretched(left), stretched(right)
