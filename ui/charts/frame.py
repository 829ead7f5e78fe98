"""ChartFrame: what every chart widget in the app shares, whatever it draws.

A pyqtgraph view on white with a title that wraps (never widens the chart), the legend row
under it and the drawing below; exact values in a tooltip under the mouse; and the ways out:
Copy Image, Save as PNG…, Save as SVG… (ui.charts.export). ChartView (bars, lines, bands by
category) and FunnelChart (the pipeline by stage) build on it, so both look and behave
alike and a fix here reaches both.

pyqtgraph is imported in ``ChartFrame.__init__``, not when this module is imported (see
ui/charts/__init__.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QContextMenuEvent, QImage
from PySide6.QtWidgets import QGraphicsView, QMenu, QToolTip, QVBoxLayout, QWidget

from ui.charts import export, lifetime
from ui.charts.style import BACKGROUND

# The size a chart asks for: a page that holds charts still to be built keeps their room.
CHART_WIDTH, CHART_HEIGHT = 560, 320
PLOT_ROW = 2  # the grid row of the drawing, under the title (row 0) and the legend (row 1)


class ChartFrame(QWidget):
    """The shared frame of a chart. A subclass puts its drawing at ``PLOT_ROW`` of
    ``self._view.ci`` and answers ``hover_text``."""

    # Room around the chart inside the view (left, top, right, bottom), in pixels.
    MARGINS: ClassVar[tuple[int, int, int, int]] = (6, 8, 10, 4)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # type: ignore[import-untyped]

        from ui.charts import items, legend
        from ui.charts.title import TitleItem

        self._pg: Any = pg
        self._items = items
        self._legends = legend
        self._title = ""
        self._last_tip = ""
        self._view: Any = pg.GraphicsLayoutWidget()
        self._view.setBackground(BACKGROUND)
        self._view.setAntialiasing(True)
        # A cached background would go into an SVG as one big bitmap.
        self._view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self._view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self.setMinimumSize(280, 200)
        lifetime.watch(self, self._view)

        grid = self._view.ci
        grid.setContentsMargins(*self.MARGINS)
        grid.layout.setVerticalSpacing(2)
        self._title_item = TitleItem()
        grid.addItem(self._title_item, row=0, col=0)
        self._legend = legend.LegendRow()
        grid.addItem(self._legend, row=1, col=0)
        self._view.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.set_title(title)

    # -- the title -------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        self._title = title
        self._title_item.setText(title)
        self._title_item.setVisible(bool(title))

    def title(self) -> str:
        return self._title

    # -- hover -----------------------------------------------------------------------

    def hover_text(self, scene_pos: QPointF) -> str:
        """The tooltip for the mouse at ``scene_pos``; empty for none."""
        return ""

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        text = self.hover_text(scene_pos)
        if text == self._last_tip:
            return
        self._last_tip = text
        if not text:
            QToolTip.hideText()
            return
        where = self._view.mapToGlobal(self._view.mapFromScene(scene_pos))
        QToolTip.showText(where, text, self._view)

    # -- images and the context menu -------------------------------------------------

    def image(self, scale: float = 1.0) -> QImage:
        self._settle()
        return export.render_image(self, scale)

    def export_png(self, path: str | Path, scale: float = 1.0) -> None:
        """Write the chart as a PNG image; raises OSError with a plain message."""
        self._settle()
        export.write_png(self, path, scale)

    def export_svg(self, path: str | Path) -> None:
        """Write the chart as an SVG drawing (vector shapes and text)."""
        self._settle()
        export.write_svg(self, path, self._title)

    def copy_image(self) -> None:
        self._settle()
        export.copy_to_clipboard(self)

    def context_menu(self) -> QMenu:
        """Copy Image, Save as PNG…, Save as SVG… (in place of pyqtgraph's menu)."""
        return export.context_menu(self, self.copy_image, self.save_png_as, self.save_svg_as)

    def save_png_as(self) -> Path | None:
        """Ask where, then save as PNG (at twice the screen size, sharp in documents)."""
        self._settle()
        return export.ask_and_save(self, "png", self._title)

    def save_svg_as(self) -> Path | None:
        self._settle()
        return export.ask_and_save(self, "svg", self._title)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        # pyqtgraph's own menus are switched off, so a right-click on the drawing falls
        # through to here. popup() rather than exec(): no nested event loop.
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())
        event.accept()

    def sizeHint(self) -> QSize:
        return QSize(CHART_WIDTH, CHART_HEIGHT)

    def _settle(self) -> None:
        """Lay the chart out now, so an export straight after show() has every label."""
        self.ensurePolished()
        if self._view.size() != self.size():
            self._view.resize(self.size())
        self._view.ci.layout.activate()
