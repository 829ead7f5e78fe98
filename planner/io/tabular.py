"""Reading a CSV or Excel (.xlsx) export into a plain table of text cells.

Exports come from anywhere: UTF-8 with or without a BOM, UTF-16 or Windows-1252, commas,
semicolons or tabs, blank lines, duplicate or missing header names. ``read_table`` turns
them into one shape (headers + rows of strings, each with its line number in the file) so
the importers only deal with meaning. Anything unreadable raises ``ImportFileError`` whose
text is one sentence for the user. openpyxl is imported only when an .xlsx is read, and
only after ``zip_guard`` has checked the archive (zip bombs, XML entity tricks). Limits on
size, rows, columns and cells keep a hostile file from hanging the app or filling memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 200 * 1024 * 1024  # an export larger than this is not a sales list
MAX_ROWS = 1_000_000
MAX_COLUMNS = 1_000
# Cells kept in memory (rows x used columns): bounds memory and time for any file that
# passes the size limit (a 200 MB file of commas would otherwise be gigabytes of lists).
MAX_CELLS = 25_000_000
_SNIFF_CHARS = 256 * 1024
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384  # the most a real worksheet can have
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50


class ImportFileError(Exception):
    """The file cannot be read as a table; ``str()`` is one sentence for the user."""


class ImportCancelled(Exception):
    """The user stopped a long import step (its ``progress`` returned False): nothing stored."""


# Told how far a long import step is: (rows done, rows in all); returning False stops it
# with ``ImportCancelled`` (the style of ``planner.db.plan.UpgradeProgress``).
ImportProgress = Callable[[int, int], bool]


def report(progress: ImportProgress | None, done: int, total: int) -> None:
    """Tell ``progress`` (if any) how far a step is; raise ``ImportCancelled`` if it says stop."""
    if progress is not None and progress(done, total) is False:
        raise ImportCancelled


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
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            # Excel stores a password-protected workbook in the old container format.
            raise ImportFileError(
                f"{name} is password-protected: save it without a password and import that."
            )
        raise ImportFileError(
            f"{name} is an old Excel file (.xls): save it as .xlsx or CSV and import that."
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportFileError(f"{name} is not a valid Excel file.")
    return _read_csv(path)


def _utf16_without_bom(sample: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when NUL bytes sit at every other position of mostly ASCII
    text (an export written as UTF-16 without its BOM), else None."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd >= 0.9 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.9 * pairs and odd == 0:
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        codec = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif b"\x00" in data[:65536]:
        # Anything else with NUL bytes is binary, unless it is UTF-16 that lost its BOM.
        found = _utf16_without_bom(data[:4096])
        if found is None:
            raise ImportFileError(f"{name} is not a text or Excel file.")
        codec = found
    else:
        codec = ""
    if codec:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{name} is damaged: it is not valid {codec.upper()} text."
            ) from None
        return text.removeprefix("\ufeff"), codec
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _detect_delimiter(text: str) -> str:
    """Pick the delimiter giving the most columns consistently over the first lines."""
    head = text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES]
    sample_lines = [line for line in head if line.strip()]
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
    del data  # the text is a copy: a large file is not held twice
    if not text.strip():
        raise ImportFileError(f"The file {name} is empty.")
    delimiter = _detect_delimiter(text)
    raw_rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    budget = _Budget(name)
    previous_end = 0
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            kept = _trimmed([c.strip() for c in cells])
            if kept:
                budget.take(len(kept))
                raw_rows.append((line, kept))
    except csv.Error as exc:
        line = previous_end + 1
        # The limit is csv's process-wide default (131,072 characters); raising it would
        # change every other reader in the process, and no real cell is that long.
        if "field larger than field limit" in str(exc):
            raise ImportFileError(
                f"{name} has a cell of more than {csv.field_size_limit():,} characters "
                f"starting on line {line} (perhaps a quote that is never closed)."
            ) from None
        raise ImportFileError(
            f"{name} could not be read as a table (line {line} is malformed)."
        ) from None
    return _build(raw_rows, name, encoding=encoding, delimiter=delimiter, sheet=None)


class _Budget:
    """Counts rows and kept cells while a file is read; refuses a file past the limits."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self.cells = 0

    def take(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > MAX_ROWS:
            raise ImportFileError(f"{self.name} has more than {MAX_ROWS:,} rows.")
        if self.cells > MAX_CELLS:
            raise ImportFileError(f"{self.name} has too many cells to import at once.")


def _trimmed(cells: list[str]) -> list[str]:
    """``cells`` without its trailing empty cells (an empty list for a blank row)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells if end == len(cells) else cells[:end]


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

    from planner.io.zip_guard import UnsafeWorkbookError, check_xlsx

    try:
        handle = path.open("rb")
    except OSError:
        raise ImportFileError(f"The file {name} could not be opened.") from None
    # openpyxl reports a broken part by whatever its parsers raise (SyntaxError covers
    # xml.etree's ParseError, zlib.error damaged compressed data).
    broken = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
              TypeError, AttributeError, IndexError, SyntaxError, EOFError, OverflowError,
              zlib.error)  # fmt: skip
    with handle, warnings.catch_warnings():
        # openpyxl warns about parts it skips (styles, extensions, odd definitions): they
        # do not change the cell values read here, and the user cannot act on them.
        warnings.simplefilter("ignore")
        try:
            check_xlsx(handle, name)
            handle.seek(0)
            # A file object, not the path: openpyxl refuses paths not ending in .xlsx.
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except UnsafeWorkbookError as exc:
            raise ImportFileError(str(exc)) from None
        except broken:
            raise ImportFileError(f"{name} is not a valid Excel file.") from None
        try:
            for sheet in book.worksheets:
                raw_rows = _sheet_rows(sheet, name)
                if raw_rows:
                    title = str(sheet.title)
                    return _build(raw_rows, name, encoding="xlsx", delimiter=None, sheet=title)
        except broken:
            raise ImportFileError(f"{name} is not a valid Excel file.") from None
        finally:
            book.close()
    raise ImportFileError(f"The Excel file {name} has no data.")


def _sheet_rows(sheet: Any, name: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a read-only sheet with their row numbers, within the limits."""
    # The dimensions a file declares are not trusted: "A1:XFD1048576" would make openpyxl
    # pad every row to 16,384 cells and yield a million rows.
    sheet.reset_dimensions()
    budget = _Budget(name)
    raw_rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > _EXCEL_ROWS:
            # Blank rows are yielded too: a row numbered 10**12 must not be walked up to.
            raise ImportFileError(f"{name} is not a valid Excel file.")
        if len(values) > _EXCEL_COLUMNS:
            raise ImportFileError(f"{name} is not a valid Excel file.")
        cells = _trimmed([_cell_text(v) for v in values])
        if cells:
            budget.take(len(cells))
            raw_rows.append((number, cells))
    return raw_rows


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
    # Trailing empty columns (Excel's formatted-but-empty cells) are dropped: the width is
    # the last column with a value in any row.
    width = max(1, *(len(_trimmed(cells)) for _line, cells in filled))
    if width > MAX_COLUMNS:
        raise ImportFileError(
            f"{name} has more than {MAX_COLUMNS:,} columns, so it is not a sales or deals list."
        )
    if width * len(filled) > MAX_CELLS:
        raise ImportFileError(f"{name} has too many cells to import at once.")
    header_cells = (header_cells + [""] * width)[:width]
    rows = [SourceRow(line, (cells + [""] * width)[:width]) for line, cells in filled[1:]]
    return SourceTable(_unique_headers(header_cells), rows, encoding, delimiter, sheet)
