"""ChartView, the chart every tab uses: what it plots, how it writes values, hover text,
exports (PNG, and SVG without pyqtgraph's crashing exporter), its menu, its cost to import."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QMenu, QToolTip
from pytestqt.qtbot import QtBot

from ui.charts import ROLES, ChartView, ValueFormat, role_style
from ui.charts.axes import category_step, elide, nice_spacing
from ui.charts.series import align_zero, isolated, padded_range

# The offscreen platform cannot raise a tooltip window; the tooltip still gets its text.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support raise")]

ROOT = Path(__file__).resolve().parents[2]
US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
GERMANY = QLocale(QLocale.Language.German, QLocale.Country.Germany)
NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS = [f"{m} 2026" for m in NAMES]
ACTUAL: list[float | int | Decimal | None] = [
    1200,
    1850.5,
    Decimal("1234.50"),
    900,
    None,
    1700,
    2300,
    2450,
    1999,
    2600,
    None,
    None,
]
PLAN = [1500] * 6 + [2000] * 6


@pytest.fixture
def make_chart(qtbot: QtBot) -> Callable[..., ChartView]:
    def make(title: str = "Spend: plan against actual", show: bool = True) -> ChartView:
        chart = ChartView(title=title, locale=US)
        qtbot.addWidget(chart)
        chart.resize(720, 380)
        if show:
            chart.show()
            qtbot.waitExposed(chart)
        return chart

    return make


def spend_chart(chart: ChartView) -> ChartView:
    chart.set_categories(MONTHS)
    chart.set_value_kind("money", currency="EUR")
    chart.set_value_kind("count", axis="right", label="Leads")
    chart.add_bars("Actual spend", ACTUAL, role="actual", group=0, groups=2)
    chart.add_bars("Planned spend", PLAN, role="plan", group=1, groups=2)
    chart.add_line(
        "Planned leads", [20, 22, 25, 25, 30, 30, 32, 35, 35, 38, 40, 40], "plan", axis="right"
    )
    chart.add_line(
        "Actual leads", [18, 25, 21, 15, 28, None, 36, 33, 30, 41, None, None], axis="right"
    )
    chart.add_band("Forecast range", [None] * 10 + [2000, 2100], [None] * 10 + [2900, 3100])
    chart.add_line("Forecast", [None] * 10 + [2450, 2600], role="forecast")
    return chart


# -- the formatter -------------------------------------------------------------------------


def test_money_ticks_use_readable_units_and_the_plan_currency() -> None:
    euro = ValueFormat("money", "EUR", US)
    assert euro.ticks([0, 5000, 10000, 15000, 20000], 5000) == ["€0", "€5k", "€10k", "€15k", "€20k"]
    assert euro.ticks([1_000_000, 1_200_000, 1_400_000], 200_000) == ["€1M", "€1.2M", "€1.4M"]
    assert euro.ticks([0, 250_000, 500_000], 250_000) == ["€0", "€250k", "€500k"]
    assert euro.ticks([2.5e9, 3e9], 5e8) == ["€2.5bn", "€3bn"]
    # Small amounts are written whole, with the locale's grouping.
    assert euro.ticks([0, 2000, 4000, 8000], 2000) == ["€0", "€2,000", "€4,000", "€8,000"]
    assert euro.ticks([0, 12.5, 25], 12.5) == ["€0", "€12.5", "€25"]


def test_money_ticks_below_zero() -> None:
    euro = ValueFormat("money", "EUR", US)
    assert euro.ticks([-3000, 0, 3000, 6000], 3000) == ["-€3,000", "€0", "€3,000", "€6,000"]
    assert euro.ticks([-20000, -10000, 0, 10000], 10000) == ["-€20k", "-€10k", "€0", "€10k"]
    assert euro.ticks([-1e-9, 1e6], 5e5) == ["€0", "€1M"]  # never "-€0" from a rounding error


def test_money_ticks_follow_the_locale_and_currency() -> None:
    assert ValueFormat("money", "EUR", GERMANY).ticks([0, 1_200_000], 200_000) == [
        "0\u00a0€",
        "1,2M\u00a0€",
    ]
    assert ValueFormat("money", "GBP", US).ticks([12000], 1000) == ["£12k"]
    assert ValueFormat("money", "USD", US).ticks([12000], 1000) == ["$12k"]


def test_count_and_percent_ticks_and_full_values() -> None:
    count = ValueFormat("count", locale=US)
    assert count.ticks([0, 1500, 3000], 1500) == ["0", "1,500", "3,000"]
    assert count.ticks([0, 50_000, 100_000], 50_000) == ["0", "50k", "100k"]
    assert count.full(1200) == "1,200"
    assert count.full(12.5) == "12.5"
    percent = ValueFormat("percent", locale=US)
    assert percent.ticks([0, 12.5, 25, 37.5], 12.5) == ["0%", "12.5%", "25%", "37.5%"]
    assert percent.ticks([0, 20_000], 10_000) == ["0%", "20,000%"]  # no "k" on percentages
    assert percent.full(12.345) == "12.3%"
    euro = ValueFormat("money", "EUR", US)
    assert euro.full(1234.5) == "€1,234.50"
    assert euro.full(-1234.5) == "-€1,234.50"
    assert euro.full(None) == "no figure"
    with pytest.raises(ValueError, match="money, count or percent"):
        ValueFormat("dollars", locale=US)  # type: ignore[arg-type]


def test_category_labels_thin_out_evenly_when_crowded() -> None:
    assert category_step(12, label_width=55, axis_length=900) == 1
    assert category_step(12, label_width=55, axis_length=600) == 2
    assert category_step(12, label_width=55, axis_length=250) == 4
    assert category_step(36, label_width=55, axis_length=600) == 6
    assert category_step(120, label_width=55, axis_length=600) == 24
    assert category_step(120, label_width=55, axis_length=1200) == 12
    assert category_step(240, label_width=55, axis_length=300) == 60
    assert elide("Independent coffee shops in the city") == "Independent coffe…"
    assert nice_spacing(3300) == 1000
    assert nice_spacing(1_505_000) == 500_000


def test_ranges_and_lone_points() -> None:
    assert padded_range([]) == (0.0, 1.0)
    assert padded_range([0.0, 0.0]) == (0.0, 1.0)
    assert padded_range([100.0, 50.0]) == pytest.approx((0.0, 106.0))
    assert padded_range([-50.0, 50.0]) == pytest.approx((-56.0, 56.0))
    # Zero at the same height on both axes: the right axis gets room below zero too.
    left, right = align_zero((-50.0, 150.0), (0.0, 40.0))
    assert left == (-50.0, 150.0) and right == pytest.approx((-40 / 3, 40.0))
    assert align_zero((0.0, 10.0), (0.0, 5.0)) == ((0.0, 10.0), (0.0, 5.0))
    assert isolated([1.0, None, 2.0, 3.0, None, None, 4.0]) == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
    ]


def test_roles_keep_their_look_and_differ_beyond_hue() -> None:
    def gray(hex_color: str) -> float:
        """The shade of grey a colour prints as (ITU-R BT.601 luma)."""
        color = QColor(hex_color)
        return 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()

    plan, actual, forecast = role_style("plan"), role_style("actual"), role_style("forecast")
    assert plan.hatched and not actual.hatched  # outline and hatching against solid fill
    assert forecast.dashed and not actual.dashed and not plan.dashed
    assert abs(gray(plan.color) - gray(actual.color)) > 0.15  # apart in grayscale too
    assert gray(ROLES["tam"].color) > gray(ROLES["sam"].color) > gray(ROLES["som"].color)
    with pytest.raises(ValueError, match="Unknown chart role 'actaul'"):
        role_style("actaul")


# -- what is plotted -----------------------------------------------------------------------


def test_series_reflect_what_was_added(make_chart: Callable[..., ChartView]) -> None:
    chart = spend_chart(make_chart())
    series = chart.series()
    assert chart.categories() == MONTHS
    assert list(series) == [
        "Actual spend",
        "Planned spend",
        "Planned leads",
        "Actual leads",
        "Forecast range (low)",
        "Forecast range (high)",
        "Forecast",
    ]
    assert series["Actual spend"][:5] == [1200.0, 1850.5, 1234.5, 900.0, None]
    assert series["Planned spend"] == [1500.0] * 6 + [2000.0] * 6
    assert series["Forecast range (high)"][-2:] == [2900.0, 3100.0]
    assert chart.series_info("Planned leads")["axis"] == "right"
    assert chart.plot_item.getAxis("right").isVisible()
    # The same role draws in the same colour in every chart.
    other = make_chart(show=False)
    other.set_categories(["North", "South"])
    other.add_line("Actual revenue", [1, 2], role="actual")
    assert (
        other.series_info("Actual revenue")["color"] == chart.series_info("Actual spend")["color"]
    )
    assert not other.plot_item.getAxis("right").isVisible()

    chart.add_bars("Actual spend", PLAN)  # the same name replaces the series
    assert chart.series()["Actual spend"] == [float(v) for v in PLAN]
    chart.clear()
    assert chart.series() == {}
    assert chart.categories() == MONTHS
    # A replot reuses the hidden items of the last one: they take the new look and data.
    chart.add_line("Forecast", [5.0] * 12, role="forecast", axis="right")
    (line,) = chart.series_info("Forecast")["items"]
    assert line.isVisible() and line.opts["pen"].style() == Qt.PenStyle.CustomDashLine
    assert list(line.getData()[1]) == [5.0] * 12
    shown = [item for item in chart._right_vb.childGroup.childItems() if item.isVisible()]
    assert shown == [line]  # the other line from before is hidden, not left on the chart
    chart.clear()
    chart.set_categories(["Q1", "Q2"])
    chart.add_bars("Leads", [3, 4])
    chart.set_categories(["Q3"])  # new categories start a new chart
    assert chart.series() == {}


def test_axes_write_ticks_with_the_formatter(make_chart: Callable[..., ChartView]) -> None:
    chart = spend_chart(make_chart())
    left, right = chart.plot_item.getAxis("left"), chart.plot_item.getAxis("right")
    assert left.tickStrings([0, 10000, 20000], 1.0, 10000) == ["€0", "€10k", "€20k"]
    assert left.tickStrings([-1000, 0, 1000], 1.0, 1000) == ["-€1,000", "€0", "€1,000"]
    assert right.tickStrings([0, 20, 40], 1.0, 20) == ["0", "20", "40"]
    # Leads come whole: no tick at 2.5 on a small count axis.
    assert all(spacing >= 1 for spacing, _ in right.tickSpacing(0, 4, 300))
    chart.set_value_kind("money", currency="GBP")
    assert chart.plot_item.getAxis("left").tickStrings([12000], 1.0, 1000) == ["£12k"]
    assert chart.tooltip_text("Actual spend", 2) == "Actual spend · Mar 2026: £1,234.50"
    # The bottom axis shows the months, every other one when 12 do not fit.
    bottom = chart.plot_item.getAxis("bottom")
    assert bottom.tickStrings([0.0, 2.0], 1.0, 2.0) == ["Jan 2026", "Mar 2026"]
    ((step, shown),) = bottom.tickValues(-0.5, 11.5, 300)
    assert step >= 2 and shown[:2] == [0.0, step]


def test_refuses_series_that_do_not_match_the_categories(
    make_chart: Callable[..., ChartView],
) -> None:
    chart = make_chart(show=False)
    chart.set_categories(MONTHS)
    with pytest.raises(ValueError, match="11 values for 12 categories"):
        chart.add_bars("Actual spend", [1.0] * 11)
    with pytest.raises(ValueError, match=r"outside 0\.\.1"):
        chart.add_bars("Actual spend", [1.0] * 12, group=2, groups=2)
    with pytest.raises(ValueError, match="Unknown chart role"):
        chart.add_line("Actual spend", [1.0] * 12, role="guess")
    assert chart.series() == {}


def test_grouped_bars_sit_side_by_side(make_chart: Callable[..., ChartView]) -> None:
    chart = spend_chart(make_chart())
    actual, plan = chart.series_info("Actual spend"), chart.series_info("Planned spend")
    assert actual["x"][:3] == pytest.approx([-0.2, 0.8, 1.8])
    assert plan["x"][:3] == pytest.approx([0.2, 1.2, 2.2])
    assert actual["width"] == plan["width"]
    assert actual["x"][0] + actual["width"] / 2 < plan["x"][0] - plan["width"] / 2  # no overlap
    three = make_chart(show=False)
    three.set_categories(["A", "B"])
    for group in range(3):
        three.add_bars(f"S{group}", [1, 2], group=group, groups=3)
    centres = [three.series_info(f"S{g}")["x"][1] for g in range(3)]
    assert centres == pytest.approx([1 - 0.8 / 3, 1.0, 1 + 0.8 / 3])


def test_none_values_are_gaps(make_chart: Callable[..., ChartView]) -> None:
    chart = spend_chart(make_chart())
    (actual_leads,) = chart.series_info("Actual leads")["items"]
    _x, y = actual_leads.getData()
    assert list(y[4:7]) == [28.0, pytest.approx(math.nan, nan_ok=True), 36.0]
    assert actual_leads.opts["connect"] == "finite"  # the line breaks at the gap
    marked = [y for y in actual_leads.scatter.data["y"] if not math.isnan(y)]
    assert len(marked) == 9  # a marker on each of the nine figures, none on gaps
    # No bar where actual spend is missing: the mouse there finds the category, not a bar.
    vb = chart.plot_item.getViewBox()
    missing = vb.mapViewToScene(QPointF(4 - 0.2, 10))  # May, inside where the bar would be
    assert chart.hover_text(missing).startswith("May 2026\n")
    assert "Actual spend: no figure" in chart.hover_text(missing)


def test_long_lines_mark_only_lone_points(make_chart: Callable[..., ChartView]) -> None:
    chart = make_chart(show=False)
    chart.set_categories([f"M{i}" for i in range(120)])
    values: list[float | None] = [float(i) for i in range(120)]
    values[50] = values[52] = None  # month 51 stands alone
    chart.add_line("Revenue", values)
    line, markers = chart.series_info("Revenue")["items"]
    assert [spot.pos().x() for spot in markers.points()] == [51.0]
    assert len(line.getData()[1]) == 120


@pytest.mark.parametrize("months", [12, 60])  # short lines have markers, long ones not
@pytest.mark.parametrize("nothing", [None, math.nan, math.inf])
def test_series_without_a_single_figure_draw_nothing_and_warn_nothing(
    make_chart: Callable[..., ChartView], months: int, nothing: float | None
) -> None:
    # An all-NaN line once made pyqtgraph call numpy's nanmin inside a Qt paint: the
    # "All-NaN slice" warning (an error under pytest) ended in a segmentation fault.
    chart = make_chart()
    labels = [f"M{i}" for i in range(months)]
    empty = [nothing] * months

    def draw() -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chart.image()
            chart.repaint()
            chart.tick_labels("right")
        return [f"{w.category.__name__}: {w.message}" for w in caught]

    chart.set_categories(labels)
    chart.set_value_kind("money", currency="EUR")
    chart.add_bars("Actual spend", empty)
    chart.add_band("Forecast range", empty, empty)
    chart.add_line("Target", empty, role="target")
    chart.add_line("Leads", empty, axis="right")
    assert draw() == []
    assert chart.is_empty() and chart._empty.isVisible()
    assert chart.series()["Target"] == chart.series()["Forecast range (high)"] == [None] * months
    assert len(chart.series_info("Target")["items"][0].getData()[1] or []) == 0
    assert chart.legend() == ["Actual spend", "Forecast range", "Target", "Leads (right scale)"]

    # Figures arrive in the same (reused) items, and go again.
    chart.add_line("Target", [100.0] * months, role="target")
    assert draw() == [] and not chart.is_empty()
    assert list(chart.series_info("Target")["items"][0].getData()[1]) == [100.0] * months
    assert chart.plot_item.getViewBox().viewRange()[1] == pytest.approx([0.0, 106.0])
    chart.add_line("Target", empty, role="target")
    assert draw() == [] and chart.is_empty()


def test_charts_freed_by_the_garbage_collector_do_not_crash(qtbot: QtBot) -> None:
    import gc
    import weakref

    for _ in range(8):
        chart = spend_chart(ChartView("Temporary", locale=US))
        chart.show()
        qtbot.waitExposed(chart)
        chart.context_menu()  # menus and axes must not keep the chart alive
        freed = weakref.ref(chart)
        del chart
        gc.collect()  # the chart's pyqtgraph view goes on the next event loop turn
        QApplication.processEvents()
        assert freed() is None


# -- hover ---------------------------------------------------------------------------------


def test_tooltips_give_exact_values(make_chart: Callable[..., ChartView]) -> None:
    chart = spend_chart(make_chart())
    assert chart.tooltip_text("Actual spend", 2) == "Actual spend · Mar 2026: €1,234.50"
    assert chart.tooltip_text("Actual leads", 6) == "Actual leads · Jul 2026: 36"
    assert (
        chart.tooltip_text("Forecast range", 11)
        == "Forecast range · Dec 2026: €2,100.00 to €3,100.00"
    )
    vb = chart.plot_item.getViewBox()
    right = chart._right_vb
    # Over the middle of March's actual bar (centre x = 2 - 0.2, height 1,234.50).
    assert chart.hover_text(vb.mapViewToScene(QPointF(1.8, 600))) == (
        "Actual spend · Mar 2026: €1,234.50"
    )
    # On a point of a line drawn against the right axis.
    assert chart.hover_text(right.mapViewToScene(QPointF(6, 36))) == "Actual leads · Jul 2026: 36"
    # Elsewhere in a month: every series for that month.
    text = chart.hover_text(vb.mapViewToScene(QPointF(0.45, 3200)))
    assert text.splitlines()[:3] == [
        "Jan 2026",
        "Actual spend: €1,200.00",
        "Planned spend: €1,500.00",
    ]
    assert chart.hover_text(QPointF(-100, -100)) == ""


def test_moving_the_mouse_shows_the_tooltip(
    qtbot: QtBot, make_chart: Callable[..., ChartView]
) -> None:
    chart = spend_chart(make_chart())
    view = chart._view
    scene_pos = chart.plot_item.getViewBox().mapViewToScene(QPointF(1.8, 600))
    qtbot.mouseMove(view.viewport(), view.mapFromScene(scene_pos))  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: QToolTip.text() == "Actual spend · Mar 2026: €1,234.50")


# -- exports and the menu ------------------------------------------------------------------


def test_export_png_and_svg(
    make_chart: Callable[..., ChartView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyqtgraph.exporters  # type: ignore[import-untyped]

    def crash(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("pyqtgraph's SVGExporter crashes with PySide6 >= 6.11")

    monkeypatch.setattr(pyqtgraph.exporters.SVGExporter, "export", crash)
    monkeypatch.setattr(pyqtgraph.exporters.SVGExporter, "__init__", crash)
    chart = spend_chart(make_chart())
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    chart.export_png(png)
    chart.export_svg(svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = chart.image()
    assert (image.width(), image.height()) == (720, 380)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert {"path", "text"} <= tags and "image" not in tags  # drawn as shapes, not a picture
    texts = "".join(root.itertext())
    for words in ("Spend: plan against actual", "Actual spend", "Mar 2026", "€2,000", "Leads"):
        assert words in texts


def test_export_straight_after_show_keeps_the_axis_width(qtbot: QtBot) -> None:
    chart = ChartView("Revenue", locale=US)
    qtbot.addWidget(chart)
    chart.set_categories(MONTHS)
    chart.set_value_kind("money", currency="EUR")
    chart.add_bars("Actual revenue", [125_000.0] * 12)
    left = chart.plot_item.getAxis("left")
    chart.show()  # no event loop turn before the export
    chart.image()
    # Laid out at its fixed width, wide enough for "€125k", before any paint measured text.
    assert left.width() == left.fixedWidth >= 50


def test_empty_chart_says_so_quietly(make_chart: Callable[..., ChartView], tmp_path: Path) -> None:
    chart = make_chart(title="")

    def says_no_data() -> bool:
        chart.image()  # brings the chart up to date, as a paint would
        text = chart._empty.textItem.toPlainText()
        return bool(chart._empty.isVisible() and text == "No data yet")

    assert chart.is_empty() and says_no_data()
    chart.export_png(tmp_path / "empty.png")
    chart.set_categories(MONTHS)
    chart.add_bars("Actual spend", [None] * 12)
    assert chart.is_empty() and says_no_data()
    chart.add_bars("Planned spend", PLAN, role="plan")
    assert not chart.is_empty() and not says_no_data()


def test_mouse_zoom_and_pan_are_off(make_chart: Callable[..., ChartView]) -> None:
    chart = spend_chart(make_chart())
    vb = chart.plot_item.getViewBox()
    assert vb.state["mouseEnabled"] == [False, False]
    assert not vb.menuEnabled()
    before = vb.viewRange()
    viewport = chart._view.viewport()
    centre = QPointF(viewport.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre)),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert vb.viewRange() == before
    assert vb.viewRange()[0] == [-0.5, 11.5]


# A popup menu cannot grab the keyboard on the offscreen platform; it still opens.
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_context_menu_copies_and_saves(
    make_chart: Callable[..., ChartView],
    dialogs: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chart = spend_chart(make_chart())
    menu = chart.context_menu()
    actions = {action.text(): action for action in menu.actions()}
    assert list(actions) == ["Copy Image", "Save as PNG…", "Save as SVG…"]

    actions["Copy Image"].trigger()
    copied = QApplication.clipboard().image()
    assert copied.width() >= 720 and copied.height() >= 380

    dialogs.save_answers.extend([tmp_path / "spend", tmp_path / "spend.svg"])
    actions["Save as PNG…"].trigger()
    actions["Save as SVG…"].trigger()
    assert (tmp_path / "spend.png").read_bytes()[:4] == b"\x89PNG"  # ".png" added
    assert ET.parse(tmp_path / "spend.svg").getroot().tag.endswith("svg")
    assert dialogs.file_captions == ["Save Chart as PNG", "Save Chart as SVG"]

    dialogs.save_answers.append(tmp_path / "no such folder" / "x.png")
    chart.context_menu().actions()[1].trigger()
    assert dialogs.texts("warning") == [
        "The chart could not be saved as x.png. Check the folder and try again."
    ]

    # A right-click on the plot opens our menu, not pyqtgraph's.
    viewport = chart._view.viewport()
    centre = viewport.rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, viewport.mapToGlobal(centre))
    QApplication.sendEvent(viewport, event)
    shown = [menu for menu in chart.findChildren(QMenu) if menu.isVisible()]
    assert [[a.text() for a in menu.actions()] for menu in shown] == [
        ["Copy Image", "Save as PNG…", "Save as SVG…"]
    ]
    shown[0].close()


def test_importing_the_package_does_not_import_pyqtgraph() -> None:
    """Also: a process that ends with a chart still on screen exits cleanly (a pyqtgraph
    view alive at interpreter exit used to crash it)."""
    code = (
        "import sys\n"
        "import ui.charts\n"
        "assert 'pyqtgraph' not in sys.modules and 'numpy' not in sys.modules, 'eager'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "chart = ui.charts.ChartView('x')\n"
        "assert 'pyqtgraph' in sys.modules\n"
        "chart.set_categories(['Jan', 'Feb'])\n"
        "chart.add_bars('Actual spend', [1, 2])\n"
        "chart.add_line('Planned leads', [3, 4], 'plan', axis='right')\n"
        "chart.show()\n"
        "app.processEvents()\n"
        "print('ok')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr
    assert result.returncode == 0, result.stderr


# -- every chart in the app ------------------------------------------------------------------

# Series names that say what kind of figure they are, and the look each kind must have.
# The first match wins: "Outlook (actual + forecast)" is a forecast.
_KIND_OF_SERIES = (
    (("forecast", "outlook", "likely"), "forecast"),
    (("target", "planned", "budget"), "plan"),
    (("actual",), "actual"),
)


def _app_charts(qtbot: QtBot, ops: Any, key: str) -> tuple[Any, list[ChartView]]:
    """The tab ``key`` shown on the sample plan, and its charts that show something (keep
    the tab: qtbot holds it weakly, and freeing it frees its charts)."""
    from ui.tabs import TAB_SPECS

    spec = next(s for s in TAB_SPECS if s.key == key)
    tab: Any = spec.factory(ops)
    qtbot.addWidget(tab)
    tab.resize(1400, 900)
    tab.show()
    qtbot.waitExposed(tab)
    if key == "pipeline":  # the win/loss chart sits on the analysis page
        tab.views.setCurrentWidget(tab.analysis)
        qtbot.waitUntil(lambda: not tab.analysis.is_stale)
    charts = [c for c in tab.findChildren(ChartView) if c.categories()]
    assert charts, f"the {spec.title} tab shows no chart"
    return tab, charts


@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
@pytest.mark.parametrize(
    "key", ["dashboard", "targets", "channels", "forecast", "segments", "pipeline"]
)
def test_every_chart_in_the_app_follows_the_rules(
    qtbot: QtBot, ops: Any, key: str, tmp_path: Path
) -> None:
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    previous = QLocale()
    QLocale.setDefault(german)
    try:
        _tab, charts = _app_charts(qtbot, ops, key)
        month_names = {
            german.standaloneMonthName(m, QLocale.FormatType.ShortFormat).rstrip(".")
            for m in range(1, 13)
        }
        for chart in charts:
            names = list(chart.series())
            # A legend naming every series (a band's two edges are one entry).
            assert len(chart.legend()) == len(chart._series) >= 1
            assert all(any(entry.startswith(s.name) for entry in chart.legend())
                       for s in chart._series.values())  # fmt: skip
            # The one menu: copy, PNG, SVG.
            actions = [a.text() for a in chart.context_menu().actions()]
            assert actions == ["Copy Image", "Save as PNG…", "Save as SVG…"]
            # Month axes in the user's language ("Okt 2026", not "Oct 2026").
            months = [c for c in chart.categories() if c[-4:].isdigit() and " " in c]
            if months:
                assert months == chart.categories()
                assert {c.rsplit(" ", 1)[0] for c in months} <= month_names
            # Money in the plan's currency with short units; the tooltip has the exact value.
            value_format = chart.value_format("left")
            if value_format.kind == "money":
                assert value_format.currency == "EUR"
                ticks = [t.replace("\xa0", " ") for t in chart.tick_labels("left")]
                assert ticks and all("€" in t for t in ticks if t != "0 €")
                if max(abs(f) for s in chart._series.values() for f in s.figures()) >= 10_000:
                    assert any(t.endswith(("k €", "M €")) for t in ticks), ticks
                first = next((n, i) for n in names for i, v in enumerate(chart.series()[n]) if v)
                tip = chart.tooltip_text(first[0].removesuffix(" (low)").removesuffix(" (high)"),
                                         first[1])  # fmt: skip
                assert tip.replace("\xa0", " ").endswith(" €") and "," in tip, tip  # "1.234,50 €"
            # Plan, actual and forecast look the same on every chart.
            for s in chart._series.values():
                lowered = s.name.lower()
                for words, role in _KIND_OF_SERIES:
                    if any(w in lowered for w in words):
                        assert s.style == role_style(role), (key, s.name)
                        break
        # And the first chart exports as a real PNG and SVG.
        png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
        charts[0].export_png(png)
        charts[0].export_svg(svg)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
        assert ET.parse(svg).getroot().tag.endswith("svg")
        assert charts[0].title() in "".join(ET.parse(svg).getroot().itertext())
    finally:
        QLocale.setDefault(previous)


def test_the_chart_tabs_fit_a_small_laptop_screen(plan_window: Any) -> None:
    # 1,024 pixels wide: the Forecast tab's pickers in one row once forced 1,090. (The
    # window's minimum is the widest of the tabs opened so far, so they are all opened.)
    for key in ("dashboard", "segments", "channels", "targets", "forecast"):
        plan_window.show_tab(key)
        QApplication.processEvents()  # the layouts take in the new tab
        plan_window.resize(1024, 700)
        assert plan_window.minimumSizeHint().width() <= 1024, key
        assert plan_window.width() == 1024, key


def test_month_and_quarter_labels_follow_the_locale() -> None:
    from planner.domain.periods import FiscalQuarter, FiscalYear, Month, PeriodRange
    from ui.charts.axes import month_label, month_labels, period_label, quarter_label

    french = QLocale(QLocale.Language.French, QLocale.Country.France)
    assert month_label(Month(2026, 2), US) == "Feb 2026"
    assert month_label(Month(2026, 10), GERMANY) == "Okt 2026"
    assert month_labels([Month(2026, 12), Month(2027, 1)], GERMANY) == ["Dez 2026", "Jan 2027"]
    assert month_label(Month(2026, 2), french, with_year=False) == "févr"
    fy = FiscalYear(2026, 7)
    assert quarter_label(FiscalQuarter(fy, 2), GERMANY) == "Q2 FY 2026/27 (Okt–Dez)"
    spring = PeriodRange.months_between(fy, Month(2027, 3), Month(2027, 5))
    assert period_label(spring, GERMANY) == "Mär–Mai 2027"
    assert period_label(spring, US) == spring.label == "Mar–May 2027"
    assert period_label(PeriodRange.year(fy), GERMANY) == "FY 2026/27"


def test_every_planned_figure_looks_alike_and_scenarios_differ_beyond_hue() -> None:
    # A target, a spend budget and planned leads are all "the plan": one look everywhere
    # (the Channels tab, the Dashboard and the printed report name them differently).
    assert role_style("budget") == role_style("target") == role_style("plan")
    worse, better = role_style("worse"), role_style("better")
    assert worse.color != better.color and worse.symbol != better.symbol  # ▼ against ▲
    assert role_style("pipeline").color not in {
        role_style(r).color for r in ("plan", "actual", "forecast")
    }


@pytest.mark.parametrize("kind", ["chart", "funnel"])
def test_a_long_title_wraps_instead_of_widening_the_chart(
    qtbot: QtBot, make_chart: Callable[..., ChartView], kind: str
) -> None:
    from ui.charts.funnel import FunnelChart, FunnelStep

    title = "Revenue: target, actual and outlook, " * 4
    chart: ChartView | FunnelChart
    if kind == "chart":
        chart = spend_chart(make_chart(title=title))
    else:  # the dashboard's funnel has the same frame, so the same title
        chart = FunnelChart(title, locale=US)
        qtbot.addWidget(chart)
        chart.set_steps([FunnelStep("Lead", 12, Decimal(48000)),
                         FunnelStep("Won", 3, Decimal(9000), "actual")],
                        [("Open deals", "forecast"), ("Won", "actual")])  # fmt: skip
        chart.show()
        qtbot.waitExposed(chart)
    chart.resize(320, 300)
    chart.image()  # lays the chart out
    assert chart._view.minimumSizeHint().width() < 320
    title = chart._title_item
    assert title.width() <= 320 and title.height() > 40  # on several lines, all of it shown
    chart.set_title("")
    chart.image()
    assert title.maximumHeight() == 0  # no title, no empty band above the legend


def test_crowded_names_are_shortened_and_crowded_months_thinned(
    make_chart: Callable[..., ChartView],
) -> None:
    from PySide6.QtGui import QImage, QPainter

    chart = make_chart(title="Win rate by source channel")
    chart.resize(360, 300)
    names = ["Google search ads", "Instagram & Facebook", "Email newsletter",
             "Wedding & business fairs", "Recommendations & referrals", "Shop"]  # fmt: skip
    chart.set_categories(names)
    chart.set_value_kind("percent")
    chart.add_bars("Win rate", [60, 50, 40, 21, 59, 37])
    chart.image()
    bottom = chart.plot_item.getAxis("bottom")

    def drawn() -> list[str]:
        """The labels pyqtgraph really draws (it drops any that would not fit)."""
        image = QImage(10, 10, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        try:
            specs = bottom.generateDrawSpecs(painter)
        finally:
            painter.end()
        return [text for _rect, _flags, text in specs[2]]

    # Every bar keeps a name, shortened to its width; the tooltip has it whole.
    labels = drawn()
    assert len(labels) == 6 and labels[-1] == "Shop"  # a short name stays whole
    assert all(label.endswith("…") and len(label) >= 4 for label in labels[:-1])
    assert all(n.startswith(label.rstrip("…")) for n, label in zip(names, labels, strict=True))
    assert chart.category_text(4).splitlines()[0] == "Recommendations & referrals"
    # Months are thinned out instead (every 2nd, 3rd... month), never cut.
    chart.set_categories(MONTHS)
    chart.add_bars("Actual spend", ACTUAL)
    chart.image()
    months = drawn()
    assert 2 <= len(months) < 12 and set(months) <= set(MONTHS)
    assert months[0] == "Jan 2026"  # the first label is drawn though it overhangs the axis
