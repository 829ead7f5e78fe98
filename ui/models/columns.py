"""Column specs for ``RowTableModel`` and how a column's values are shown, read and stored.

A ``Column`` says how to get a value from a row, what kind of value it is (which decides
its formatting, alignment and how typed text is read back) and, for editable columns,
which record field an edit sets. The helpers here turn a value into display, editor and
clipboard text, read typed text back, and (``field_commands``) turn an edit into a
command. Nothing here holds rows or talks to Qt's model machinery; that is ``table.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum, auto
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QLocale, Qt

from planner.db.models import Base
from planner.db.plan import UnitOfWork
from planner.domain.money import parse_money
from planner.services.commands import Command
from planner.services.edit import change_field
from planner.services.errors import ValidationError
from ui.models.formats import Formats

R = TypeVar("R")


class Kind(Enum):
    """What a column holds; decides formatting, alignment and how an edit is read."""

    TEXT = auto()
    MONEY = auto()
    PERCENT = auto()
    COUNT = auto()
    DATE = auto()
    MONTH = auto()
    BOOL = auto()


NUMERIC = {Kind.MONEY, Kind.PERCENT, Kind.COUNT}


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: header, value getter, kind (or a per-row kind), an optional formatter
    overriding the kind's, alignment, and ``field``, the record field an edit sets (a grid
    whose ``command_for`` decides the field per row may use any marker). ``sort_by``
    replaces the value when sorting (a stage sorts by its place in the pipeline)."""

    header: str
    value: Callable[[R], Any]
    kind: Kind | Callable[[R], Kind] = Kind.TEXT
    display: Callable[[Any], str] | None = None
    align: Qt.AlignmentFlag | None = None
    field: str | None = None
    editable: Callable[[R], bool] | None = None  # per-row refinement of ``field``
    tooltip: str = ""
    sort_by: Callable[[R], Any] | None = None

    def kind_of(self, row: R) -> Kind:
        return self.kind if isinstance(self.kind, Kind) else self.kind(row)


def format_value(formats: Formats, kind: Kind, value: Any) -> str:
    if value is None:
        return ""
    if kind is Kind.MONEY:
        return formats.money(value)
    if kind is Kind.PERCENT:
        return formats.percent(value)
    if kind is Kind.COUNT:
        return formats.count(value)
    if kind is Kind.DATE:
        return formats.date(value)
    if kind is Kind.MONTH:
        return formats.month(value)
    if kind is Kind.BOOL:
        return "Yes" if value else "No"
    return str(value)


def edit_text(formats: Formats, kind: Kind, value: Any) -> str:
    """The text an editor starts with: plain, so it reads back exactly."""
    if value is None:
        return ""
    if kind is Kind.MONEY:
        return formats.money_edit(value)
    if kind is Kind.PERCENT:
        return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
    return str(value)


def copy_text(kind: Kind, value: Any) -> str:
    """A value as copied to the clipboard: plain, so a spreadsheet reads it as a number
    (1234.50, 12.5%, 1500, 2026-03-31) and a paste back into a table reads it exactly."""
    if value is None:
        return ""
    if kind is Kind.MONEY:
        return f"{value:.2f}"
    if kind is Kind.PERCENT:
        number = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
        return f"{number}%"
    if kind is Kind.BOOL:
        return "Yes" if value else "No"
    return str(value)


def copier(column: Column[Any]) -> Callable[[Any], str]:
    """A function giving a row's clipboard text for ``column``; decides the kind once per
    column rather than once per cell when the kind does not vary by row."""
    value, display = column.value, column.display
    if isinstance(column.kind, Kind):
        kind = column.kind
        if kind is Kind.TEXT and display is not None:
            return lambda row: display(value(row))
        if kind is Kind.TEXT:
            return lambda row: "" if (v := value(row)) is None else str(v)
        return lambda row: copy_text(kind, value(row))
    kind_of = column.kind_of
    return lambda row: copy_text(kind_of(row), value(row))


def sort_key(value: Any) -> tuple[int, Any]:
    """Sorts empty values last and text without regard to case."""
    if value is None:
        return (1, 0)
    return (0, value.casefold() if isinstance(value, str) else value)


def parse_input(kind: Kind, text: str, decimal_mark: str | None = None) -> Any:
    """Read what a user typed into a cell of ``kind``; raises MoneyError or ValidationError.
    ``decimal_mark`` is the user's locale's, for amounts such as 1,234 (see parse_money)."""
    text = text.strip()
    if kind is Kind.MONEY:
        return parse_money(text, decimal_mark)
    if kind is Kind.PERCENT:
        cleaned = text.rstrip("%").strip().replace(",", ".")
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            message = f"'{text}' is not a percentage; type a number such as 12.5."
            raise ValidationError(message) from None
    if kind is Kind.COUNT:
        cleaned = text.replace(",", "").replace(" ", "").replace("'", "").replace("\u00a0", "")
        return cleaned
    return text


def read_date(text: str, locale: QLocale) -> str:
    """A date typed or pasted in the user's own short format (3/31/2026, 31.03.26) as
    YYYY-MM-DD, which the date fields read; other text is returned as it was, for the
    field to refuse with its own message."""
    text = text.strip()
    short = locale.dateFormat(QLocale.FormatType.ShortFormat)
    # One letter reads one or two digits, so 1.2.27 is read as well as 01.02.27.
    short = re.sub(r"(?<!d)dd(?!d)", "d", re.sub(r"(?<!M)MM(?!M)", "M", short))
    long_year = short if "yyyy" in short else short.replace("yy", "yyyy")
    for form, base in ((long_year, 1900), (short, 2000)):
        day = locale.toDate(text, form, base)
        if day.isValid():
            return f"{day.year():04d}-{day.month():02d}-{day.day():02d}"
    return text


CommandFor = Callable[[UnitOfWork, Any, Column[Any], Any], Command | None]


def field_commands(
    entity: type[Base], key: Callable[[Any], Any] = lambda row: row.id
) -> CommandFor:
    """Edits that set ``column.field`` of the ``entity`` record behind each row."""

    def command_for(uow: UnitOfWork, row: Any, column: Column[Any], value: Any) -> Command:
        assert column.field is not None
        return change_field(uow, entity, key(row), column.field, value)

    return command_for
