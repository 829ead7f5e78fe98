"""ChartView: the one chart widget every tab, the dashboard and the report draw with.

A caller names categories (months, segments), says what the values are (money in the
plan's currency, counts, percentages), then adds bars, lines and bands by role; the role
picks the look (ui.charts.style). The chart takes care of the rest: axis units, thinned
month labels, a legend above the plot, exact values on hover, a white printable look, and
a context menu to copy or save the image. Mouse zoom and pan are off: it is a business
chart, not an oscilloscope. The frame (title, legend row, tooltip, images and menu) is
ui.charts.frame's, shared with the funnel chart.

pyqtgraph is imported when the first chart is built, not when this module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QPointF, QTimer
from PySide6.QtWidgets import QWidget

from ui.charts.axes import ValueFormat, ValueKind, axis_width
from ui.charts.frame import PLOT_ROW, ChartFrame
from ui.charts.series import Axis, Number, Series, align_zero, floats, padded_range, pick
from ui.charts.style import GRID_ALPHA, TEXT, role_style

if TYPE_CHECKING:
    from ui.charts.legend import LegendEntry

HIT_PIXELS = 20.0  # how near (across + up) the mouse must be to a line's point to name it


class ChartView(ChartFrame):
    """A chart of values by category. See the module docstring and ISSUE3 contract 2."""

    def __init__(
        self, title: str = "", parent: QWidget | None = None, locale: QLocale | None = None
    ) -> None:
        super().__init__(title, parent)
        self._locale = locale
        self._formats: dict[Axis, ValueFormat] = {
            "left": ValueFormat("count", locale=locale),
            "right": ValueFormat("count", locale=locale),
        }
        self._axis_titles: dict[Axis, str] = {"left": "", "right": ""}
        self._categories: list[str] = []
        self._series: dict[str, Series] = {}
        self._spares: dict[tuple[str, Axis], list[Any]] = {}

        self._bottom = self._items.CategoryAxis()
        self._left = self._items.ValueAxis("left", self._formats["left"])
        self._right = self._items.ValueAxis("right", self._formats["right"])
        self._plot = self._pg.PlotItem(
            axisItems={"bottom": self._bottom, "left": self._left, "right": self._right}
        )
        self._view.ci.addItem(self._plot, row=PLOT_ROW, col=0)
        self._setup_plot()
        # Adding four series is one redraw: ranges, axes and legend are worked out once,
        # on the next event loop turn (or at once before an export or a hover).
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self._refresh)
        self._refresh()

    # -- construction --------------------------------------------------------------

    def _setup_plot(self) -> None:
        parts = self._items.set_up_plot(self._plot, self._bottom, self._left, self._right)
        self._vb, self._right_vb, self._zero_line, self._empty = parts
        self._vb.sigResized.connect(self._sync_right_view)

    def _sync_right_view(self) -> None:
        self._right_vb.setGeometry(self._vb.geometry())
        self._right_vb.linkedViewChanged(self._vb, self._right_vb.XAxis)

    # -- the contract ----------------------------------------------------------------

    def set_categories(self, labels: Sequence[str]) -> None:
        """The x axis labels, in order. Starts a new chart: removes every series."""
        self._remove_all()
        self._categories = [str(label) for label in labels]
        self._bottom.set_labels(self._categories)
        self._changed()

    def categories(self) -> list[str]:
        return list(self._categories)

    def set_value_kind(
        self,
        kind: ValueKind,
        currency: str | None = None,
        axis: Axis = "left",
        label: str = "",
    ) -> None:
        """What the values on ``axis`` are; ``label`` names the axis ("Leads") if wanted."""
        previous = self._formats[axis]
        self._formats[axis] = ValueFormat(kind, currency or previous.currency, self._locale)
        self._axis_titles[axis] = label
        target = self._left if axis == "left" else self._right
        target.value_format = self._formats[axis]
        target.setLabel(label, color=TEXT) if label else target.showLabel(False)
        self._changed()

    def value_format(self, axis: Axis = "left") -> ValueFormat:
        return self._formats[axis]

    def add_bars(
        self,
        name: str,
        values: Sequence[Number | None],
        role: str = "actual",
        group: int = 0,
        groups: int = 1,
        axis: Axis = "left",
    ) -> None:
        """Bars, one per category; ``groups`` series share a category side by side."""
        if not 0 <= group < groups:
            raise ValueError(f"Bar group {group} is outside 0..{groups - 1}.")
        style = role_style(role)
        values_ = self._checked(name, values)
        slot = 0.8 / groups  # the groups fill 80% of a category, leaving a gap between
        x = [i - 0.4 + slot * (group + 0.5) for i in range(len(values_))]
        width = slot * (0.9 if groups > 1 else 0.75)
        data = self._items.BarData(x, values_, width, style)
        item = self._spare("bars", axis)
        if item is None:
            item = self._items.BarsItem(data)
        else:
            item.set_data(data)
        item.setZValue(0)
        self._store(Series(name, "bars", style, values_, axis, None, x, width, False, [item]))

    def add_line(
        self,
        name: str,
        values: Sequence[Number | None],
        role: str = "actual",
        dashed: bool | None = None,
        axis: Axis = "left",
    ) -> None:
        """A line through the categories' centres; ``dashed`` defaults to the role's."""
        style = role_style(role)
        values_ = self._checked(name, values)
        is_dashed = style.dashed if dashed is None else dashed
        x = [float(i) for i in range(len(values_))]
        reuse = self._spare("line", axis)
        graphics = self._items.line_graphics(x, values_, style, is_dashed, reuse)
        for item in graphics:
            item.setZValue(10)
        self._store(Series(name, "line", style, values_, axis, None, x, 0.0, is_dashed, graphics))

    def add_band(
        self,
        name: str,
        lower: Sequence[Number | None],
        upper: Sequence[Number | None],
        role: str = "forecast",
        axis: Axis = "left",
    ) -> None:
        """A translucent range (a forecast's likely low to high) behind bars and lines."""
        style = role_style(role)
        low, high = self._checked(name, lower), self._checked(name, upper)
        x = [float(i) for i in range(len(low))]
        item = self._items.band_item(x, low, high, style.qcolor(style.band_alpha))
        item.setZValue(-5)
        self._store(Series(name, "band", style, low, axis, high, x, 0.0, False, [item]))

    def clear(self) -> None:
        """Remove every series; categories and value kinds stay."""
        self._remove_all()
        self._changed()

    def series(self) -> dict[str, list[float | None]]:
        """What is plotted, by series name. A band gives "<name> (low)" and "<name> (high)"."""
        out: dict[str, list[float | None]] = {}
        for s in self._series.values():
            if s.kind == "band" and s.upper is not None:
                out[f"{s.name} (low)"] = list(s.values)
                out[f"{s.name} (high)"] = list(s.upper)
            else:
                out[s.name] = list(s.values)
        return out

    def legend(self) -> list[str]:
        """The legend's entries, in order, as shown ("Leads (right scale)")."""
        self._settle_data()
        return [entry.label for entry in self._legend.entries]

    def tick_labels(self, axis: Axis = "left") -> list[str]:
        """The value axis' tick labels as drawn now ("€0", "€10k", "€20k"): for tests and
        for a check that an axis reads well."""
        self._settle()
        item = self._left if axis == "left" else self._right
        low, high = (self._vb if axis == "left" else self._right_vb).viewRange()[1]
        size = item.geometry().height() or 200.0
        labels: list[str] = []
        for spacing, values in item.tickValues(low, high, size):
            labels.extend(item.tickStrings(values, 1.0, spacing))
        return labels

    def series_info(self, name: str) -> dict[str, Any]:
        """How a series is drawn (kind, role colour, axis, x positions, bar width, the
        graphics items): for tests."""
        s = self._series[name]
        return {
            "kind": s.kind,
            "color": s.style.color,
            "axis": s.axis,
            "x": list(s.x),
            "width": s.width,
            "dashed": s.dashed,
            "items": list(s.graphics),
        }

    # -- bookkeeping -----------------------------------------------------------------

    def _checked(self, name: str, values: Sequence[Number | None]) -> list[float | None]:
        if len(values) != len(self._categories):
            raise ValueError(
                f"Series {name!r} has {len(values)} values for {len(self._categories)} "
                "categories; call set_categories first."
            )
        return floats(values)

    def _store(self, series: Series) -> None:
        if series.name in self._series:
            self._remove(series.name)
        box = self._vb if series.axis == "left" else self._right_vb
        for item in series.graphics:
            if item.parentItem() is None:
                box.addItem(item, ignoreBounds=True)
            item.setVisible(True)
        self._series[series.name] = series
        self._changed()

    def _remove(self, name: str) -> None:
        """Take a series off the chart. Its main item is kept, hidden, for the next series
        of the same kind on the same axis: tabs replot on every edit, and building pyqtgraph
        items is most of what a replot costs."""
        series = self._series.pop(name)
        box = self._vb if series.axis == "left" else self._right_vb
        main, *extra = series.graphics
        if series.kind in ("bars", "line"):
            main.setVisible(False)
            self._spares.setdefault((series.kind, series.axis), []).append(main)
        else:
            extra.insert(0, main)
        for item in extra:
            box.removeItem(item)

    def _spare(self, kind: str, axis: Axis) -> Any:
        spares = self._spares.get((kind, axis))
        return spares.pop() if spares else None

    def _remove_all(self) -> None:
        for name in list(self._series):
            self._remove(name)

    # -- layout and ranges -------------------------------------------------------------

    def _changed(self) -> None:
        self._pending.start()

    def _settle_data(self) -> None:
        if self._pending.isActive():
            self._pending.stop()
            self._refresh()

    def is_empty(self) -> bool:
        """True when there is nothing to plot, and the chart says "No data yet"."""
        return not any(next(s.figures(), None) is not None for s in self._series.values())

    def _refresh(self) -> None:
        uses_right = any(s.axis == "right" for s in self._series.values())
        self._plot.showAxis("right", uses_right)
        self._right_vb.setVisible(uses_right)
        count = len(self._categories)
        self._vb.setXRange(-0.5, max(count, 1) - 0.5, padding=0)
        ranges = {
            side: padded_range(
                f for s in self._series.values() if s.axis == side for f in s.figures()
            )
            for side in ("left", "right")
        }
        has_data = not self.is_empty()
        if uses_right:
            ranges["left"], ranges["right"] = align_zero(ranges["left"], ranges["right"])
        sides: tuple[tuple[Axis, Any, Any], ...] = (
            ("left", self._vb, self._left),
            ("right", self._right_vb, self._right),
        )
        for side, box, axis_item in sides:
            low, high = ranges[side]
            box.setYRange(low, high, padding=0)
            axis_item.setWidth(
                axis_width(self._formats[side], low, high, bool(self._axis_titles[side]))
            )
        self._left.setStyle(showValues=has_data)
        self._left.setGrid(round(255 * GRID_ALPHA) if has_data else False)
        self._empty.setVisible(not has_data)
        self._empty.setPos(max(count, 1) / 2 - 0.5, 0.5)
        # Only a chart that goes below zero needs a zero line; otherwise it is the axis.
        self._zero_line.setVisible(self._vb.viewRange()[1][0] < 0)
        self._legend.set_entries(self._legend_entries(uses_right), indent=self._left.width())

    def _legend_entries(self, uses_right: bool) -> list[LegendEntry]:
        entries = []
        for s in self._series.values():
            label = f"{s.name} (right scale)" if uses_right and s.axis == "right" else s.name
            entries.append(self._legends.LegendEntry(label, s.kind, s.style, s.dashed))
        return entries

    # -- hover -----------------------------------------------------------------------

    def tooltip_text(self, name: str, index: int) -> str:
        """ "Actual spend · Mar 2026: €1,234.50" for one series at one category."""
        s = self._series[name]
        return s.text(index, self._categories[index], self._formats[s.axis])

    def category_text(self, index: int) -> str:
        """Every series at one category, one per line, under the category's name."""
        lines = [self._categories[index]]
        for s in self._series.values():
            lines.append(f"{s.name}: {s.value_text(index, self._formats[s.axis])}")
        return "\n".join(lines)

    def hover_text(self, scene_pos: QPointF) -> str:
        """The tooltip for the mouse at ``scene_pos``: the point or bar under it, or else
        every series at the category under it; empty outside the plot."""
        self._settle_data()
        if not self._series or not self._vb.sceneBoundingRect().contains(scene_pos):
            return ""
        index = round(self._vb.mapSceneToView(scene_pos).x())
        if not 0 <= index < len(self._categories):
            return ""

        def box(s: Series) -> Any:
            return self._vb if s.axis == "left" else self._right_vb

        def at(s: Series) -> QPointF:  # the mouse in the units of the series' axis
            point: QPointF = box(s).mapSceneToView(scene_pos)
            return point

        def near(s: Series, value: float) -> bool:  # the mouse on a line's point
            spot = box(s).mapViewToScene(QPointF(index, value))
            return bool((spot - scene_pos).manhattanLength() <= HIT_PIXELS)

        found = pick(list(self._series.values()), index, at, near)
        if found is not None:
            return self.tooltip_text(found.name, index)
        return self.category_text(index)

    # -- for tests, exports and the rare special chart -----------------------------------

    @property
    def plot_item(self) -> Any:
        """The pyqtgraph PlotItem, for the rare chart that needs more than the contract
        (and for tests); brought up to date first."""
        self._settle_data()
        return self._plot

    def _settle(self) -> None:
        self._settle_data()
        super()._settle()
        self._sync_right_view()
