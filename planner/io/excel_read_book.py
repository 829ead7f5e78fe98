"""Opening an exported workbook for reading back, and reading its cells as plan values.

``open_book`` checks the file (size, zip bombs, XML tricks: ``zip_guard``) and reads the
sheets that can come back with ``excel_read_xml``: each cell as stored, so the importer
can tell a derived cell the owner typed over from one still computed, and each formula's
last result, for an editable cell where the owner typed a formula (``=1200*1.1``).

The ``read_*`` helpers turn one cell into a plan value or raise ``ValueError`` with a
short phrase ("'abc' is not an amount") that the caller prefixes with the cell
("Targets!D7").
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from planner.domain.money import MoneyError, parse_money
from planner.domain.periods import MONTH_NAMES, Month, PeriodError
from planner.io.excel_read_xml import Formula
from planner.io.tabular import MAX_CELLS, MAX_FILE_BYTES, ImportFileError

_CENT = Decimal("0.01")
# What a malformed part makes the XML reader raise (SyntaxError covers ParseError).
_XML_ERRORS = (
    zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError,
    SyntaxError, EOFError, OverflowError, RuntimeError, NotImplementedError,
)  # fmt: skip


def column_letter(number: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(sheet: str, row: int, column: int) -> str:
    """ "Targets!D7"; a sheet name with spaces is quoted as Excel does."""
    title = f"'{sheet}'" if " " in sheet else sheet
    return f"{title}!{column_letter(column)}{row}"


__all__ = ["Formula"]


def is_formula(value: object) -> bool:
    return isinstance(value, Formula)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class Book:
    """The rows of the sheets read (1-based access through ``value``), the computed result
    of each of their formula cells, and the ``_planner`` metadata."""

    name: str
    sheet_names: list[str]
    rows: dict[str, list[tuple[Any, ...]]]
    meta: dict[str, str]
    results: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)

    def has(self, sheet: str) -> bool:
        return sheet in self.rows

    def row_count(self, sheet: str) -> int:
        return len(self.rows.get(sheet, []))

    def value(self, sheet: str, row: int, column: int) -> Any:
        """The cell as stored: a value, or a ``Formula``."""
        return _at(self.rows.get(sheet, []), row, column)

    def cached(self, sheet: str, row: int, column: int) -> Any:
        """The last computed result of a formula cell (None when the file has none: a file
        written by a program that does not compute, and never opened in a spreadsheet)."""
        return self.results.get(sheet, {}).get((row, column))


def _at(rows: list[tuple[Any, ...]], row: int, column: int) -> Any:
    if not 1 <= row <= len(rows):
        return None
    cells = rows[row - 1]
    return cells[column - 1] if 1 <= column <= len(cells) else None


def open_book(path: str | Path, sheets: Iterable[str], meta_sheet: str) -> Book:
    """Read ``sheets`` (those present) and the key/value ``meta_sheet`` of the workbook at
    ``path``; ``ImportFileError`` (one sentence) when it is not a readable workbook."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportFileError(f"{name} is a folder, not a file.")
        if size == 0:
            raise ImportFileError(f"The file {name} is empty.")
        if size > MAX_FILE_BYTES:
            raise ImportFileError(f"The file {name} is too large to be a planner workbook.")
        data = path.read_bytes()
    except OSError:
        raise ImportFileError(f"The file {name} could not be found or opened.") from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            f"{name} is an old Excel file (.xls); the planner reads the .xlsx workbooks it exports."
        )
    if not data.startswith(b"PK"):
        raise ImportFileError(f"{name} is not an Excel workbook (.xlsx).")
    from planner.io.zip_guard import UnsafeWorkbookError, check_xlsx

    try:
        check_xlsx(io.BytesIO(data), name)
    except UnsafeWorkbookError as exc:
        raise ImportFileError(str(exc)) from None
    wanted = [*sheets, meta_sheet]
    book = _load(data, name, wanted)
    meta_rows = book.rows.pop(meta_sheet, [])
    book.meta = {
        str(cells[0]).strip(): "" if len(cells) < 2 or cells[1] is None else str(cells[1])
        for cells in meta_rows
        if cells and not is_blank(cells[0])
    }
    return book


def _load(data: bytes, name: str, wanted: list[str]) -> Book:
    from planner.io.excel_read_xml import Workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = Workbook(archive)
            book = Book(name, list(workbook.sheets), {}, {})
            cells = 0
            for title in wanted:
                if title not in workbook.sheets:
                    continue
                sheet = workbook.read(title)
                cells += sum(len(row) for row in sheet.rows)
                if cells > MAX_CELLS:
                    raise ImportFileError(f"{name} has too many cells to import at once.")
                book.rows[title] = sheet.rows
                book.results[title] = sheet.results
    except _XML_ERRORS:
        raise ImportFileError(f"{name} is not a valid Excel file.") from None
    return book


# -- reading one cell as a plan value ---------------------------------------------------


def _shown(value: object) -> str:
    text = str(value).strip()
    return text if len(text) <= 40 else text[:37] + "..."


def read_money(value: object) -> Decimal | None:
    """An amount in currency units, rounded to cents; None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, bool | dt.date | dt.time):
        raise ValueError(f"'{_shown(value)}' is not an amount")
    try:
        if isinstance(value, int | float):
            amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        else:
            amount = parse_money(str(value))
    except (InvalidOperation, MoneyError, ValueError):
        raise ValueError(f"'{_shown(value)}' is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"'{_shown(value)}' is not an amount")
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def read_count(value: object) -> int | None:
    """A whole number; None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, bool | dt.date | dt.time):
        raise ValueError(f"'{_shown(value)}' is not a whole number")
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"'{_shown(value)}' is not a whole number") from None
    # Float noise from a formula (2.0000000001) is not a fraction anybody typed.
    rounded = number.quantize(Decimal(1), rounding=ROUND_HALF_UP) if number.is_finite() else None
    if rounded is None or abs(number - rounded) > Decimal("0.000001"):
        raise ValueError(f"'{_shown(value)}' is not a whole number")
    return int(rounded)


def read_percent(value: object) -> int | None:
    """A whole percentage from a fraction (0.4 -> 40) or text ("40%", "40"); None if blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool | dt.date | dt.time):
        raise ValueError(f"'{_shown(value)}' is not a percentage")
    try:
        if isinstance(value, int | float):
            percent = (
                Decimal(repr(value)) * 100 if isinstance(value, float) else Decimal(value) * 100
            )
        else:
            percent = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"'{_shown(value)}' is not a percentage") from None
    if not percent.is_finite():
        raise ValueError(f"'{_shown(value)}' is not a percentage")
    whole = percent.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if abs(percent - whole) > Decimal("0.0001"):
        raise ValueError(f"{percent.normalize():f}% is not a whole percentage")
    if not 0 <= whole <= 100:
        raise ValueError(f"{whole}% is not between 0% and 100%")
    return int(whole)


def read_date(value: object) -> dt.date | None:
    """A date (a date cell, or text written as YYYY-MM-DD); None for a blank cell."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValueError(f"'{_shown(value)}' is not a date; write it as YYYY-MM-DD")


_MONTH_TEXT = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{4})$")


def read_month(value: object) -> Month | None:
    """A month: a date cell (any day of it), "2026-03" or "Mar 2026"; None if blank."""
    if is_blank(value):
        return None
    try:
        if isinstance(value, dt.date):
            return Month.of(value)
        if isinstance(value, str):
            text = value.strip()
            match = _MONTH_TEXT.match(text)
            if match:
                word = match.group(1).casefold()
                for number, month_name in enumerate(MONTH_NAMES, start=1):
                    if month_name.casefold().startswith(word[:3]) and (
                        len(word) == 3 or month_name.casefold() == word
                    ):
                        return Month(int(match.group(2)), number)
            return Month.parse(text[:7]) if len(text) in (7, 10) else Month.parse(text)
    except PeriodError:
        pass
    raise ValueError(f"'{_shown(value)}' is not a month; write it as YYYY-MM or 'Mar 2026'")


def read_text(value: object) -> str:
    """Text as the owner sees it: numbers without a trailing ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_id(value: object) -> int | None:
    """A record id (a positive whole number); None for a blank cell."""
    try:
        number = read_count(value)
    except ValueError:
        number = 0
    if number is not None and number <= 0:
        raise ValueError(f"'{_shown(value)}' is not an ID")
    return number


@dataclass
class Findings:
    """What reading found besides edits: ``problems`` (cell, sentence) stop the import;
    ``notes`` are things left alone on purpose (a total typed over); ``warnings`` ask the
    owner to look twice before applying (rows that may have been imported before)."""

    problems: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def problem(self, where: str, message: str) -> None:
        self.problems.append((where, message))

    def note(self, message: str) -> None:
        self.notes.append(message)


UNREADABLE: Any = object()  # an editable cell reported as a problem: skip it


def editable_value(book: Book, sheet: str, row: int, column: int, found: Findings) -> Any:
    """The value of an editable cell: a formula's last result, or ``UNREADABLE`` (with a
    problem reported) when the file keeps no result for it."""
    value = book.value(sheet, row, column)
    if not is_formula(value):
        return value
    result = book.cached(sheet, row, column)
    if result is None:
        found.problem(
            cell_name(sheet, row, column),
            "this formula's result is not saved in the file; type the number instead, or "
            "open and save the workbook in Excel or LibreOffice first.",
        )
        return UNREADABLE
    return result
