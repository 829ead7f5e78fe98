"""The building blocks of a printed document, cut into slices that ``layout.paginate`` flows.

``Flow`` collects a document in reading order: headings, paragraphs, bullet points, tables,
charts and page breaks. Text is cut into lines and a table into rows, so a long paragraph
or table continues on the next page; a table row is never split, and the rows on a new
page are headed by the table's header row again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from ui.charts.style import MUTED_TEXT, TEXT
from ui.report.layout import (
    RULE,
    SHADE,
    TOTAL_SHADE,
    Painter,
    Slice,
    draw_text,
    font,
    line_height,
    wrap,
)

BODY_SIZE = 9.5
TABLE_SIZE = 8.5
CELL_PAD_X = 5.0
CELL_PAD_Y = 3.0
KEEP_TOGETHER_ROWS = 6
ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop


class RowKind(Enum):
    NORMAL = "normal"
    TOTAL = "total"  # bold on a tint, with a rule above
    MUTED = "muted"  # grey text: a figure that is not a record (a forecast)


@dataclass(frozen=True)
class Column:
    title: str
    weight: float = 1.0  # share of the table's width
    numeric: bool = True  # right-aligned


@dataclass(frozen=True)
class Row:
    cells: Sequence[str]
    kind: RowKind = RowKind.NORMAL


def _rule(painter: QPainter, y: float, left: float, right: float, width: float = 0.6) -> None:
    pen = QPen(QColor(RULE))
    pen.setWidthF(width)
    painter.setPen(pen)
    painter.drawLine(QPointF(left, y), QPointF(right, y))


class Flow:
    """A document being written top to bottom, ``width`` points wide."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.slices: list[Slice] = []
        self._break_next = False

    def _add(self, piece: Slice) -> None:
        if self._break_next:
            piece.page_break_before = True
            self._break_next = False
        self.slices.append(piece)

    def page_break(self) -> None:
        self._break_next = True

    # -- text ------------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 16.0, 2: 12.0}.get(level, 10.5)
        f = font(size, bold=True)
        height = line_height(f) + (6.0 if level == 1 else 3.0)

        def paint(painter: QPainter, rect: QRectF) -> None:
            draw_text(painter, rect, f, text, ALIGN_LEFT, TEXT)
            if level == 1:
                _rule(painter, rect.bottom() - 2, rect.left(), rect.right(), 1.0)

        space = 30.0 if level == 1 else 12.0  # dropped at the top of a page
        self._add(Slice(height, paint, space, keep_with_next=True, text=text))

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY_SIZE,
        bold: bool = False,
        italic: bool = False,
        color: str = TEXT,
        space_before: float = 6.0,
        indent: float = 0.0,
        bullet: str = "",
        align: Qt.AlignmentFlag = ALIGN_LEFT,
        attach: bool = False,
        lead_in: bool = False,
    ) -> None:
        """Wrapped text, one slice per line so it may continue on the next page. An
        ``attach``-ed paragraph (a footnote) never starts a page apart from what it explains;
        a ``lead_in`` (an introduction) never ends a page apart from what it introduces."""
        if attach and self.slices:
            self.slices[-1].keep_with_next = True
        f = font(size, bold=bold, italic=italic)
        step = line_height(f) * 1.2
        lines = wrap(f, text, self.width - indent)
        for index, line in enumerate(lines):

            def paint(
                painter: QPainter, rect: QRectF, line: str = line, first: bool = index == 0
            ) -> None:
                body = QRectF(
                    rect.left() + indent, rect.top(), rect.width() - indent, rect.height()
                )
                draw_text(painter, body, f, line, align, color)
                if first and bullet:
                    mark = QRectF(rect.left(), rect.top(), indent, rect.height())
                    draw_text(painter, mark, f, bullet, ALIGN_LEFT, color)

            # Keep the first two lines of a paragraph together: no line alone at a foot.
            keep = (index == 0 and len(lines) > 1) or (lead_in and index + 1 == len(lines))
            self._add(Slice(step, paint, space_before if index == 0 else 0.0, keep, text=line))

    def bullets(self, items: Sequence[str], *, size: float = BODY_SIZE) -> None:
        for item in items:
            self.paragraph(item, size=size, indent=14.0, bullet="\u2022", space_before=5.0)

    def spacer(self, height: float) -> None:
        self._add(Slice(height, lambda _p, _r: None))

    # -- tables and charts -----------------------------------------------------------------

    def table(
        self, columns: Sequence[Column], rows: Sequence[Row], *, space_before: float = 8.0
    ) -> None:
        """A table whose header row repeats on every page it runs onto."""
        total_weight = sum(c.weight for c in columns) or 1.0
        widths = [self.width * c.weight / total_weight for c in columns]
        header_font = font(TABLE_SIZE, bold=True)
        body_font = font(TABLE_SIZE)
        bold_font = font(TABLE_SIZE, bold=True)

        def measure(cells: Sequence[str], f: QFont) -> tuple[list[list[str]], float]:
            pairs = zip(cells, widths, strict=True)
            wrapped = [wrap(f, cell, w - 2 * CELL_PAD_X) for cell, w in pairs]
            lines = max(len(w) for w in wrapped)
            return wrapped, lines * line_height(f) + 2 * CELL_PAD_Y

        def painter_for(wrapped: list[list[str]], f: QFont, kind: str) -> Painter:
            def paint(painter: QPainter, rect: QRectF) -> None:
                if kind in ("header", "total"):
                    painter.fillRect(rect, QColor(SHADE if kind == "header" else TOTAL_SHADE))
                x = rect.left()
                color = MUTED_TEXT if kind == "muted" else TEXT
                for lines, width, column in zip(wrapped, widths, columns, strict=True):
                    align = ALIGN_RIGHT if column.numeric else ALIGN_LEFT
                    cell = QRectF(x + CELL_PAD_X, rect.top() + CELL_PAD_Y,
                                  width - 2 * CELL_PAD_X, line_height(f))  # fmt: skip
                    for line in lines:
                        draw_text(painter, cell, f, line, align, color)
                        cell.translate(0, line_height(f))
                    x += width
                if kind == "header":
                    _rule(painter, rect.bottom(), rect.left(), rect.right(), 0.9)
                elif kind == "total":
                    _rule(painter, rect.top(), rect.left(), rect.right(), 0.9)
                else:
                    _rule(painter, rect.bottom(), rect.left(), rect.right(), 0.3)

            return paint

        wrapped, height = measure([c.title for c in columns], header_font)
        header = Slice(height, painter_for(wrapped, header_font, "header"), space_before,
                       keep_with_next=True, text=" | ".join(c.title for c in columns))  # fmt: skip
        self._add(header)
        # A short table (a few rows) stays on one page: one row alone overleaf reads badly.
        together = len(rows) <= KEEP_TOGETHER_ROWS
        for index, row in enumerate(rows):
            f = bold_font if row.kind is RowKind.TOTAL else body_font
            wrapped, height = measure(row.cells, f)
            kind = {RowKind.TOTAL: "total", RowKind.MUTED: "muted"}.get(row.kind, "row")
            keep = together and index + 1 < len(rows)
            self._add(Slice(height, painter_for(wrapped, f, kind), keep_with_next=keep,
                            repeat=header, text=" | ".join(row.cells)))  # fmt: skip

    def chart(
        self, height: float, paint: Painter, *, space_before: float = 8.0, title: str = ""
    ) -> None:
        self._add(Slice(height, paint, space_before, text=title))
