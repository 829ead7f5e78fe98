"""Reading a CSV or Excel (.xlsx) export into a plain table of text cells.

Exports come from anywhere: UTF-8 with or without a BOM or Windows-1252, commas,
semicolons or tabs, blank lines, duplicate or missing header names. ``read_table`` turns
them into one shape (headers + rows of strings, each with its line number in the file) so
the importers only deal with meaning. Anything unreadable raises ``ImportFileError`` whose
text is one sentence for the user. openpyxl is imported only when an .xlsx is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 200 * 1024 * 1024  # an export larger than this is not a sales list
MAX_ROWS = 1_000_000
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50


class ImportFileError(Exception):
    """The file cannot be read as a table; ``str()`` is one sentence for the user."""


@dataclass(frozen=True)
class SourceRow:
    """One data row: ``line`` is its line (CSV) or row number (Excel) for messages."""

    line: int
    cells: list[str]


@dataclass(frozen=True)
class SourceTable:
    """A file read as text: unique header names and rows padded to the header width."""

    headers: list[str]
    rows: list[SourceRow]
    encoding: str
    delimiter: str | None
    sheet: str | None

    def column(self, index: int) -> list[str]:
        """Every value of column ``index``, in row order."""
        return [row.cells[index] for row in self.rows]


def read_table(path: str | Path) -> SourceTable:
    """Read ``path`` (.csv/.txt/.tsv or .xlsx) into a ``SourceTable``."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise ImportFileError(f"The file {name} could not be found or opened.") from None
    if not path.is_file():
        raise ImportFileError(f"{name} is a folder, not a file.")
    if size == 0:
        raise ImportFileError(f"The file {name} is empty.")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"The file {name} is too large to be a sales export.")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        raise ImportFileError(f"The file {name} could not be opened.") from None
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            f"{name} is an old Excel file (.xls): save it as .xlsx or CSV and import that."
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportFileError(f"{name} is not a valid Excel file.")
    return _read_csv(path)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in data[:65536]:
        # UTF-16 exports start with a BOM; anything else with NUL bytes is binary.
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), "utf-16"
        raise ImportFileError(f"{name} is not a text or Excel file.")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _detect_delimiter(text: str) -> str:
    """Pick the delimiter giving the most columns consistently over the first lines."""
    sample_lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(sample_lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        # Score: lines agreeing with the usual width, then that width.
        score = (sum(1 for w in widths if w == common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> SourceTable:
    name = path.name
    try:
        data = path.read_bytes()
    except OSError:
        raise ImportFileError(f"The file {name} could not be opened.") from None
    text, encoding = _decode(data, name)
    if not text.strip():
        raise ImportFileError(f"The file {name} is empty.")
    delimiter = _detect_delimiter(text)
    raw_rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        previous_end = 0
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            raw_rows.append((line, [c.strip() for c in cells]))
            if len(raw_rows) > MAX_ROWS:
                raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows.")
    except csv.Error:
        raise ImportFileError(
            f"{name} could not be read as a table (line {previous_end + 1} is malformed)."
        ) from None
    return _build(raw_rows, name, encoding=encoding, delimiter=delimiter, sheet=None)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _read_xlsx(path: Path) -> SourceTable:
    name = path.name
    import openpyxl  # type: ignore[import-untyped]  # lazily: only an Excel import pays
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(f"{name} is not a valid Excel file.") from None
    try:
        for sheet in book.worksheets:
            raw_rows: list[tuple[int, list[str]]] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if any(cells):
                    raw_rows.append((number, cells))
                if len(raw_rows) > MAX_ROWS:
                    raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows.")
            if raw_rows:
                return _build(raw_rows, name, encoding="xlsx", delimiter=None, sheet=sheet.title)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
        raise ImportFileError(f"{name} is not a valid Excel file.") from None
    finally:
        book.close()
    raise ImportFileError(f"The Excel file {name} has no data.")


def _unique_headers(cells: list[str]) -> list[str]:
    """Blank headers get "Column N"; repeated ones get " (2)", " (3)" so each is unique."""
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        header = cell or f"Column {index}"
        key = header.casefold()
        if key in seen:
            seen[key] += 1
            header = f"{header} ({seen[key]})"
        else:
            seen[key] = 1
        headers.append(header)
    return headers


def _build(
    raw_rows: list[tuple[int, list[str]]],
    name: str,
    *,
    encoding: str,
    delimiter: str | None,
    sheet: str | None,
) -> SourceTable:
    filled = [(line, cells) for line, cells in raw_rows if any(c.strip() for c in cells)]
    if not filled:
        raise ImportFileError(f"The file {name} is empty.")
    _header_line, header_cells = filled[0]
    width = max(len(cells) for _line, cells in filled)
    # Trailing empty columns (Excel's formatted-but-empty cells) are dropped.
    while width > 1 and all(len(c) < width or not c[width - 1] for _l, c in filled):
        width -= 1
    header_cells = (header_cells + [""] * width)[:width]
    rows = [SourceRow(line, (cells + [""] * width)[:width]) for line, cells in filled[1:]]
    return SourceTable(_unique_headers(header_cells), rows, encoding, delimiter, sheet)
