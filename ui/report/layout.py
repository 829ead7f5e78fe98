"""Pages for a printed document: blocks flowed down A4 or Letter pages, painted with QPainter.

A document is a list of blocks (headings, paragraphs, bullet lists, tables, charts, page
breaks). Each block cuts itself into slices that must not be split: a line of text, a
table row, a whole chart. ``paginate`` places the slices page by page; a table row that
starts a new page brings the table's header row with it, and a heading never ends a page.
``paint_pages`` then draws every page with its header line and "Page n of N" footer.

Every length is in points (1/72 inch) whatever the device: the painter is scaled from
points to device pixels once per page, and fonts are sized in pixels of that point space,
so a 1200 dpi PDF, a printer and the on-screen preview come out the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
)

from ui.charts.style import MUTED_TEXT, TEXT

FONT_FAMILY = "DejaVu Sans"  # wide coverage (€, £, ₹, accents); falls back when missing
MARGINS_MM = QMarginsF(16, 12, 16, 12)
HEADER_HEIGHT = 26.0  # points, inside the margins: running header and its rule
FOOTER_HEIGHT = 20.0
RULE = "#C8C8C8"
SHADE = "#F1F3F5"
TOTAL_SHADE = "#E6EBF0"

Painter = Callable[[QPainter, QRectF], None]


def font(size: float, *, bold: bool = False, italic: bool = False) -> QFont:
    """A report font of ``size`` points (set as pixels in the point-based page space)."""
    result = QFont(FONT_FAMILY)
    result.setPixelSize(max(1, round(size * 4)))  # quarter points, via the scale below
    result.setBold(bold)
    result.setItalic(italic)
    # Unhinted glyphs measure the same on screen as in the PDF, so wrapped lines match.
    result.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return result


# Fonts are made four times larger and drawn with a quarter scale: integer pixel sizes
# then still step in quarter points, and glyph metrics stay smooth at small sizes.
FONT_SCALE = 0.25


def metrics(f: QFont) -> QFontMetricsF:
    return QFontMetricsF(f)


def text_width(f: QFont, text: str) -> float:
    return metrics(f).horizontalAdvance(text) * FONT_SCALE


def line_height(f: QFont) -> float:
    return metrics(f).height() * FONT_SCALE


def draw_text(
    painter: QPainter,
    rect: QRectF,
    f: QFont,
    text: str,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    color: str = TEXT,
) -> None:
    """Text in ``rect`` (points), drawn through the font scale."""
    painter.save()
    painter.setFont(f)
    painter.setPen(QColor(color))
    painter.scale(FONT_SCALE, FONT_SCALE)
    big = QRectF(rect.x() / FONT_SCALE, rect.y() / FONT_SCALE,
                 rect.width() / FONT_SCALE, rect.height() / FONT_SCALE)  # fmt: skip
    painter.drawText(big, int(align), text)
    painter.restore()


def wrap(f: QFont, text: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (a word longer than a line is
    broken by character); paragraphs in ``text`` stay separate lines."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            trial = f"{current} {word}" if current else word
            if text_width(f, trial) <= width:
                current = trial
                continue
            if current:
                lines.append(current)
            while text_width(f, word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and text_width(f, word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


@dataclass
class Slice:
    """An unbreakable piece of a page: ``height`` points tall, drawn by ``paint``.

    ``space_before`` is dropped at the top of a page. A slice that ``keep_with_next`` moves
    to the next page with the slice after it. ``repeat`` (a table's header row) is drawn
    first when this slice opens a page.
    """

    height: float
    paint: Painter
    space_before: float = 0.0
    keep_with_next: bool = False
    repeat: Slice | None = None
    page_break_before: bool = False
    text: str = ""  # what it says, for tests and debugging


@dataclass
class Page:
    placed: list[tuple[float, Slice]] = field(default_factory=list)  # (top, slice)


@dataclass(frozen=True)
class PageGeometry:
    """A page size and its printable body in points (origin: the paint rectangle)."""

    layout: QPageLayout

    @property
    def paint_rect(self) -> QRectF:
        rect = self.layout.paintRect(QPageLayout.Unit.Point)
        return QRectF(0, 0, rect.width(), rect.height())

    @property
    def body(self) -> QRectF:
        full = self.paint_rect
        return QRectF(0, HEADER_HEIGHT, full.width(), full.height() - HEADER_HEIGHT - FOOTER_HEIGHT)


def page_layout(paper: str) -> QPageLayout:
    """Portrait A4 or US Letter with the report's margins."""
    size = QPageSize.PageSizeId.Letter if paper == "letter" else QPageSize.PageSizeId.A4
    return QPageLayout(
        QPageSize(size), QPageLayout.Orientation.Portrait, MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )  # fmt: skip


def paginate(slices: Sequence[Slice], body_height: float) -> list[Page]:
    """Place ``slices`` top to bottom over as many pages as they need."""
    pages = [Page()]
    y = 0.0

    def fits(index: int, top: float) -> bool:
        """Whether the slice at ``index`` (and the ones it keeps with) fits from ``top``."""
        need, i = 0.0, index
        while i < len(slices):
            piece = slices[i]
            need += piece.height + (piece.space_before if need or top else 0.0)
            if not piece.keep_with_next or i + 1 == len(slices) or slices[i + 1].page_break_before:
                break
            i += 1
        return top + need <= body_height + 0.01 or need > body_height

    def new_page() -> None:
        nonlocal y
        pages.append(Page())
        y = 0.0

    for index, piece in enumerate(slices):
        if pages[-1].placed and (piece.page_break_before or not fits(index, y)):
            new_page()
        if not pages[-1].placed and piece.repeat is not None:
            pages[-1].placed.append((0.0, piece.repeat))
            y = piece.repeat.height
        if pages[-1].placed:
            y += piece.space_before
        pages[-1].placed.append((y, piece))
        y += piece.height
    return pages


@dataclass(frozen=True)
class RunningText:
    """What every page shows above and below its body."""

    left: str
    right: str
    footer_left: str


def paint_pages(
    device: QPagedPaintDevice,
    pages: Sequence[Page],
    geometry: PageGeometry,
    running: RunningText,
    painter: QPainter | None = None,
) -> None:
    """Draw ``pages`` on ``device`` (a QPdfWriter or QPrinter already set to ``geometry``)."""
    own = painter is None
    if painter is None:
        painter = QPainter()
        if not painter.begin(device):
            raise OSError("The report could not be started on this printer or file.")
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    full = geometry.paint_rect
    scale = device.width() / full.width() if full.width() else 1.0
    try:
        for number, page in enumerate(pages, start=1):
            if number > 1:
                device.newPage()
            painter.save()
            painter.scale(scale, scale)
            _paint_running(painter, full, running, number, len(pages))
            body = geometry.body
            for top, piece in page.placed:
                rect = QRectF(body.left(), body.top() + top, body.width(), piece.height)
                painter.save()
                piece.paint(painter, rect)
                painter.restore()
            painter.restore()
    finally:
        if own:
            painter.end()


def _paint_running(
    painter: QPainter, full: QRectF, running: RunningText, number: int, count: int
) -> None:
    small = font(8)
    top = QRectF(0, 0, full.width(), HEADER_HEIGHT - 8)
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
    draw_text(painter, top, font(8, bold=True), running.left, left, MUTED_TEXT)
    draw_text(painter, top, small, running.right, right, MUTED_TEXT)
    pen = QPen(QColor(RULE))
    pen.setWidthF(0.6)
    painter.setPen(pen)
    painter.drawLine(QPointF(0, HEADER_HEIGHT - 4), QPointF(full.width(), HEADER_HEIGHT - 4))
    bottom = QRectF(0, full.height() - FOOTER_HEIGHT + 6, full.width(), FOOTER_HEIGHT - 6)
    draw_text(painter, bottom, small, running.footer_left, left, MUTED_TEXT)
    draw_text(painter, bottom, small, f"Page {number} of {count}", right, MUTED_TEXT)
