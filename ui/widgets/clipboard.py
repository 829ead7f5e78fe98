"""Clipboard text for ``SheetView``: tab-separated text as spreadsheets write and read it,
the texts and HTML table of a copied block, where a pasted block lands, and the notes and
undo labels a paste or a clear shows.

Everything here works on plain lists of texts and cell positions; the view itself
(selection, keys, confirming and storing) stays in ``sheet.py``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QMimeData, Qt


def cells_label(verb: str, count: int) -> str:
    """ "Paste 6 Cells", "Clear Cell": how a many-cell edit reads in Edit > Undo."""
    return f"{verb} Cell" if count == 1 else f"{verb} {count:,} Cells"


def to_tsv(rows: Sequence[Sequence[str]]) -> str:
    """Tab-separated text as Excel writes it: a cell holding a tab, a line break or a
    leading quote is put in quotes, with its quotes doubled."""

    def quoted(text: str) -> str:
        if "\t" in text or "\n" in text or "\r" in text or text.startswith('"'):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "\n".join("\t".join(quoted(t) for t in row) for row in rows)


def parse_tsv(text: str) -> list[list[str]]:
    """Read tab-separated text copied from a spreadsheet: rows end with \\n or \\r\\n (the
    last one's line break is dropped), a cell that starts with a quote runs to its closing
    quote and may hold tabs and line breaks, and ``""`` inside it is one quote."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    rows: list[list[str]] = [[]]
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            close = _closing_quote(text, i + 1)
            if close is not None:
                rows[-1].append(text[i + 1 : close].replace('""', '"'))
                i = close + 1
            else:  # a lone quote: the cell is literal text
                end = _cell_end(text, i)
                rows[-1].append(text[i:end])
                i = end
        else:
            end = _cell_end(text, i)
            rows[-1].append(text[i:end])
            i = end
        if i >= n:
            break
        if text[i] == "\n":
            rows.append([])
        i += 1
    return rows


def _cell_end(text: str, start: int) -> int:
    tab, newline = text.find("\t", start), text.find("\n", start)
    ends = [p for p in (tab, newline) if p >= 0]
    return min(ends) if ends else len(text)


def _closing_quote(text: str, start: int) -> int | None:
    """Position of the quote closing a quoted cell (followed by a tab, a line break or the
    end), or None when there is none."""
    i = start
    while True:
        i = text.find('"', i)
        if i < 0:
            return None
        if i + 1 < len(text) and text[i + 1] == '"':
            i += 2
            continue
        if i + 1 == len(text) or text[i + 1] in "\t\n":
            return i
        return None


def block_texts(
    model: Any,
    rows: list[int],
    columns: list[int],
    ranges: Sequence[tuple[int, int, int, int]],
    *,
    headers: bool,
) -> list[list[str]]:
    """The texts of the block of ``rows`` x ``columns`` for the clipboard; cells of the
    block outside every selected range (top, bottom, left, right) are blank, and with
    ``headers`` the column titles come first."""
    if hasattr(model, "copy_texts"):
        texts: list[list[str]] = model.copy_texts(rows, columns)
    else:
        texts = [[str(model.index(r, c).data() or "") for c in columns] for r in rows]
    if len(ranges) > 1:  # blank the cells of the block that are not selected
        for i, r in enumerate(rows):
            for j, c in enumerate(columns):
                if not any(t <= r <= b and le <= c <= ri for t, b, le, ri in ranges):
                    texts[i][j] = ""
    if headers:
        horizontal = Qt.Orientation.Horizontal
        titles = [str(model.headerData(c, horizontal) or "") for c in columns]
        texts.insert(0, titles)
    return texts


def clipboard_data(texts: list[list[str]], *, headers: bool, with_html: bool) -> QMimeData:
    """Tab-separated text and, when ``with_html``, an HTML table for word processors."""
    mime = QMimeData()
    mime.setText(to_tsv(texts))
    if with_html:
        mime.setHtml(_html_table(texts, header=headers))
    return mime


def place_block(
    block: list[list[str]], rows: list[int], columns: list[int]
) -> tuple[list[tuple[int, int, str]], int]:
    """Where a pasted block lands on the ``rows`` and ``columns`` from the paste start on:
    (row, column, text) for each cell that fits, and how many cells fell outside."""
    targets: list[tuple[int, int, str]] = []
    outside = 0
    for i, line in enumerate(block):
        for j, cell in enumerate(line):
            if i < len(rows) and j < len(columns):
                targets.append((rows[i], columns[j], cell))
            else:
                outside += 1
    return targets, outside


def paste_notes(outside: int, locked: int, editable: int) -> list[str]:
    """The status-bar notes of a paste: cells left out, cells skipped, or nothing to do."""
    notes = []
    if outside:
        notes.append(f"{_cells(outside)} fell outside the table and {_were(outside)} left out.")
    if locked:
        notes.append(f"{_cells(locked)} cannot be changed here and {_were(locked)} skipped.")
    if not editable and not notes:
        notes.append("There is nothing here that can be changed.")
    return notes


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count:,} cells"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def _html_table(rows: list[list[str]], *, header: bool) -> str:
    lines = ["<table>"]
    for n, row in enumerate(rows):
        tag = "th" if header and n == 0 else "td"
        cells = "".join(
            f"<{tag}>{html.escape(text).replace(chr(10), '<br>')}</{tag}>" for text in row
        )
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</table>")
    return "".join(lines)
