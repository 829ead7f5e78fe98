"""Text on chart axes and in tooltips: money, counts and percentages, short and in full.

Axis ticks are short ("€12k", "€1.2M", "-€3k", "45%") so they fit beside a chart; a
tooltip shows the exact value ("€1,234.50"). Both follow the user's locale and the plan's
currency through ``ui.models.formats.Formats``. The category axis shows every label when
there is room and thins them out evenly (every 2nd, 3rd, 6th month...) when there is not.

Plain functions on plain numbers, no pyqtgraph: they are unit-tested directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFontMetricsF

from planner.domain.periods import FiscalQuarter, Month, PeriodRange
from ui.charts.style import chart_font
from ui.models.formats import Formats, display_locale

ValueKind = Literal["money", "count", "percent"]
VALUE_KINDS: tuple[ValueKind, ...] = ("money", "count", "percent")

# Below this, ticks show the whole number ("€8,500"); from here on in units ("€12k").
_COMPACT_FROM = 10_000
_UNITS = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))
# Steps between shown category labels: months read best by 2, 3, 4, 6 or 12.
_NICE_STEPS = (1, 2, 3, 4, 6, 12)


class ValueFormat:
    """How the values on one axis are written, short (ticks) and in full (tooltips)."""

    def __init__(
        self,
        kind: ValueKind = "count",
        currency: str = "EUR",
        locale: QLocale | None = None,
    ) -> None:
        if kind not in VALUE_KINDS:
            raise ValueError(f"Unknown value kind {kind!r}; use money, count or percent.")
        self.kind: ValueKind = kind
        self.formats = Formats(currency, locale or display_locale())
        self.locale = self.formats.locale
        # Where the symbol goes in this locale ("€1" or "1 €"), with "1" standing for the
        # number: the compact ticks reuse the locale's own currency pattern.
        self._money_pattern = self.locale.toCurrencyString(1.0, "\u00a4", 0)

    @property
    def currency(self) -> str:
        return self.formats.currency

    # -- ticks ---------------------------------------------------------------------

    def ticks(self, values: Sequence[float], spacing: float) -> list[str]:
        """Short labels for axis ticks ``spacing`` apart, in one unit for the whole axis."""
        if not values:
            return []
        largest = max(abs(v) for v in values)
        divisor, suffix = 1.0, ""
        if self.kind != "percent" and largest >= _COMPACT_FROM:
            divisor, suffix = next((d, s) for d, s in _UNITS if largest >= d)
        decimals = _decimals_for(spacing / divisor if spacing > 0 else 1.0)
        return [self._short(v / divisor, decimals, suffix) for v in values]

    def tick(self, value: float, spacing: float) -> str:
        return self.ticks([value], spacing)[0]

    def _short(self, value: float, decimals: int, suffix: str) -> str:
        if abs(value) < 0.5 * 10**-decimals:
            value, suffix = 0.0, ""  # "€0", never "-€0" or "€0k"
        number = self.locale.toString(abs(value), "f", decimals)
        if decimals:
            point = self.locale.decimalPoint()
            number = number.rstrip("0").rstrip(point) if point in number else number
        number += suffix
        if self.kind == "money":
            text = self._money_pattern.replace("1", number, 1).replace(
                "\u00a4", self.formats.symbol
            )
        elif self.kind == "percent":
            text = f"{number}%"
        else:
            text = number
        return f"{self.locale.negativeSign()}{text}" if value < 0 else text

    # -- full values -----------------------------------------------------------------

    def full(self, value: float | None) -> str:
        """The exact value, as a table would show it: "€1,234.50", "1,200", "12.5%"."""
        if value is None:
            return "no figure"
        if self.kind == "money":
            return self.formats.money(Decimal(repr(float(value))))
        if self.kind == "percent":
            return self.formats.percent(Decimal(repr(float(value))))
        if float(value).is_integer():
            return self.formats.count(int(value))
        text = self.locale.toString(float(value), "f", 2)
        return text.rstrip("0").rstrip(self.locale.decimalPoint())

    def widest(self, low: float, high: float) -> str:
        """The longest tick label an axis from ``low`` to ``high`` might show."""
        spacing = nice_spacing(high - low)
        first = math.ceil(low / spacing)
        values = [i * spacing for i in range(first, math.floor(high / spacing) + 1)]
        return max(self.ticks(values or [low, high], spacing), key=len)


def axis_width(value_format: ValueFormat, low: float, high: float, titled: bool) -> int:
    """Pixels for a value axis from ``low`` to ``high``: its widest tick label, and room
    for the axis title if it has one. Fixed up front, so nothing shifts on first paint."""
    metrics = QFontMetricsF(chart_font())
    width = metrics.horizontalAdvance(value_format.widest(low, high)) + 14
    if titled:
        width += metrics.height() + 6
    return max(36, math.ceil(width))


def _decimals_for(step: float) -> int:
    """The fewest decimals (0-3) that write multiples of ``step`` exactly."""
    for decimals in range(4):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return decimals
    return 3


def nice_spacing(span: float, most: int = 6) -> float:
    """A 1-2-5 step that cuts ``span`` into at most ``most`` parts."""
    if span <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(span / most))
    return next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if span / (m * magnitude) <= most)


def category_step(count: int, label_width: float, axis_length: float, gap: float = 14) -> int:
    """Show every n-th category label so that labels ``label_width`` wide do not touch."""
    if count <= 1 or axis_length <= 0:
        return 1
    fits = max(1, int(axis_length // (label_width + gap)))
    needed = math.ceil(count / fits)
    for step in _NICE_STEPS:
        if step >= needed:
            return step
    return 12 * math.ceil(needed / 12)


def month_name(month: int, locale: QLocale | None = None) -> str:
    """The month's short name in the user's language ("Mar", "mars", "Mär"), as it stands
    alone (some languages inflect month names inside a date)."""
    name = (locale or display_locale()).standaloneMonthName(month, QLocale.FormatType.ShortFormat)
    return name.rstrip(".")  # "Okt." and "févr." read as abbreviations without the dot too


def month_label(month: Month, locale: QLocale | None = None, with_year: bool = True) -> str:
    """A month on a chart axis or in a picker: "Mar 2027" in the user's language."""
    name = month_name(month.month, locale)
    return f"{name} {month.year}" if with_year else name


def month_labels(months: Sequence[Month], locale: QLocale | None = None) -> list[str]:
    """Category labels for months ("Mar 2027" in the user's language); the axis thins
    them out when they are crowded and the tooltip repeats the one under the mouse."""
    return [month_label(m, locale) for m in months]


def quarter_label(quarter: FiscalQuarter, locale: QLocale | None = None) -> str:
    """ "Q2 FY 2026/27 (Oct–Dec)": the quarter with its months, which differ by plan."""
    first, last = quarter.first_month, quarter.last_month
    return f"{quarter.label} ({month_name(first.month, locale)}–{month_name(last.month, locale)})"


def period_label(period: PeriodRange, locale: QLocale | None = None) -> str:
    """``PeriodRange.label`` with month names in the user's language."""
    if period.kind != "months":
        return period.label
    first, last = period.first, period.last
    if first == last:
        return month_label(first, locale)
    if first.year == last.year:
        return f"{month_name(first.month, locale)}–{month_label(last, locale)}"
    return f"{month_label(first, locale)}–{month_label(last, locale)}"


def elide(label: str, limit: int = 18) -> str:
    """Shorten a long category name for the axis; the tooltip keeps it whole."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
