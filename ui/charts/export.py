"""Getting a chart out of the app: the clipboard, PNG files and SVG files.

SVG is written with QSvgGenerator and QWidget.render(): pyqtgraph's own SVGExporter
crashes with PySide6 >= 6.11 (STACK-NOTES). The chart is rendered whole (title, legend,
axes), so what is saved is what the owner sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, QStandardPaths
from PySide6.QtGui import QAction, QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from ui.charts.style import BACKGROUND


def render_image(widget: QWidget, scale: float = 1.0) -> QImage:
    """The widget drawn on white at ``scale`` times its size (2.0 for sharp printing)."""
    size = widget.size()
    image = QImage(
        max(1, round(size.width() * scale)),
        max(1, round(size.height() * scale)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(scale)
    image.fill(BACKGROUND)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        widget.render(painter, QPoint())
    finally:
        painter.end()
    return image


def write_png(widget: QWidget, path: str | Path, scale: float = 1.0) -> None:
    writer = QImageWriter(str(path), QByteArray(b"png"))
    if not writer.write(render_image(widget, scale)):
        raise OSError(f"The chart could not be saved as {Path(path).name}.")


def write_svg(widget: QWidget, path: str | Path, title: str = "") -> None:
    size = widget.size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(size.width(), size.height()))
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    # Fonts are sized in points: use the screen's resolution so text keeps its size.
    generator.setResolution(widget.logicalDpiX())
    generator.setTitle(title or "Chart")
    generator.setDescription("Made with Sales & Marketing Planner")
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"The chart could not be saved as {Path(path).name}.")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        widget.render(painter, QPoint())
    finally:
        painter.end()
    if not Path(path).is_file():
        raise OSError(f"The chart could not be saved as {Path(path).name}.")


def copy_to_clipboard(widget: QWidget) -> None:
    QGuiApplication.clipboard().setImage(render_image(widget, scale=2.0))


def context_menu(
    parent: QWidget,
    copy_image: Callable[[], object],
    save_png: Callable[[], object],
    save_svg: Callable[[], object],
) -> QMenu:
    """The chart's menu. Pass bound methods, not lambdas over the chart: the menu is the
    chart's child, and a closure would keep the chart alive through Qt."""
    menu = QMenu(parent)
    for text, slot in (
        ("Copy Image", copy_image),
        ("Save as PNG…", save_png),
        ("Save as SVG…", save_svg),
    ):
        action = QAction(text, menu)
        action.triggered.connect(slot)
        menu.addAction(action)
    return menu


def file_stem(title: str) -> str:
    """A file name from a chart title: "Spend: plan against actual" -> "Spend plan against
    actual"."""
    stem = re.sub(r"[^\w\s-]", "", title).strip()
    return re.sub(r"\s+", " ", stem) or "Chart"


def ask_and_save(widget: QWidget, kind: str, title: str) -> Path | None:
    """Ask where to save the chart as ``kind`` ("png" or "svg"), save it, say if it failed."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    suggested = str(Path(folder or Path.home()) / f"{file_stem(title)}.{kind}")
    filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
    chosen, _filter = QFileDialog.getSaveFileName(
        widget, f"Save Chart as {kind.upper()}", suggested, filters[kind]
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != f".{kind}":
        path = path.with_name(f"{path.name}.{kind}")
    try:
        if kind == "png":
            write_png(widget, path, scale=2.0)
        else:
            write_svg(widget, path, title)
    except OSError as exc:
        QMessageBox.warning(widget, "Chart Not Saved", f"{exc} Check the folder and try again.")
        return None
    return path
