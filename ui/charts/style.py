"""The look every chart shares: one colour and one pattern per role, fonts, greys.

A role ("plan", "actual", "forecast", ...) always looks the same, on every tab, on screen
and in the printed report, so an owner learns it once. Colours come from the Okabe-Ito
palette, which stays apart for the common kinds of colour blindness; each role also differs
in something other than hue (fill against outline with hatching, solid against dashed
lines, marker shape, lightness), so a chart still reads when printed in grayscale.

This module uses only QtGui, never pyqtgraph, so importing it costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPen

# Okabe & Ito (2008), "Color Universal Design".
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
PALE_BLUE = "#B3DDF2"  # a lighter sky blue, for the outermost of nested market sizes

BACKGROUND = "#FFFFFF"
TEXT = "#333333"
MUTED_TEXT = "#8A8A8A"
AXIS_LINE = "#9A9A9A"
GRID_ALPHA = 0.35  # of the axis colour: grid lines visible on paper, quiet on screen


@dataclass(frozen=True)
class RoleStyle:
    """How one role is drawn.

    ``hatched`` bars are an outline with diagonal hatching on a pale tint (a plan is a
    frame to be filled in); other bars are solid. Lines are ``dashed`` by default only
    for a forecast (a guess, not a record). ``symbol`` is a pyqtgraph marker code.
    """

    color: str
    hatched: bool = False
    dashed: bool = False
    symbol: str = "o"
    hollow_symbol: bool = False
    band_alpha: int = 60  # 0-255, for the translucent range around a forecast

    def qcolor(self, alpha: int = 255) -> QColor:
        color = QColor(self.color)
        color.setAlpha(alpha)
        return color


_PLAN = RoleStyle(ORANGE, hatched=True, symbol="o", hollow_symbol=True)

# Plan, actual and forecast are the three the owner compares everywhere: a target, a
# spend budget and planned leads are all "plan" and look alike on every chart.
ROLES: dict[str, RoleStyle] = {
    "actual": RoleStyle(BLUE, symbol="o"),
    "plan": _PLAN,
    "target": _PLAN,
    "budget": _PLAN,
    "forecast": RoleStyle(PURPLE, dashed=True, symbol="d", band_alpha=70),
    # What the open deals should bring (weighted by their chances): neither plan nor record.
    "pipeline": RoleStyle(GREEN, symbol="s"),
    # Scenarios around the likely forecast: told apart by marker direction in grayscale.
    "worse": RoleStyle(VERMILLION, symbol="t"),
    "better": RoleStyle(GREEN, symbol="t1"),
    "tam": RoleStyle(PALE_BLUE, symbol="t"),
    "sam": RoleStyle(SKY_BLUE, symbol="t"),
    "som": RoleStyle(BLUE, symbol="t"),
    "other": RoleStyle(VERMILLION, symbol="s"),
}


def role_style(role: str) -> RoleStyle:
    """The style for ``role``; an unknown role is a programming error, said plainly."""
    try:
        return ROLES[role]
    except KeyError:
        known = ", ".join(sorted(ROLES))
        raise ValueError(f"Unknown chart role {role!r}; use one of: {known}.") from None


def line_pen(style: RoleStyle, dashed: bool | None = None, width: float = 2.0) -> QPen:
    """A cosmetic pen (width in pixels, whatever the zoom) for a role's line."""
    pen = QPen(style.qcolor())
    pen.setWidthF(width)
    pen.setCosmetic(True)
    if style.dashed if dashed is None else dashed:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([4.0, 2.5])  # in pen widths: long enough to read when printed
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def text_color() -> QColor:
    return QColor(TEXT)


def chart_font(point_size: float = 9.0, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font
