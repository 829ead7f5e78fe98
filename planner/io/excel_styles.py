"""How the exported workbook looks: number formats in the plan's currency, cell looks, and
the page setup every sheet shares (print area, fit to width, repeated headers, header
and footer). Imported only while exporting: it imports openpyxl at once.

Cells are made in openpyxl's write-only mode (the 100,000-deal sheet streams to disk). A
look's fonts, fills and formats are resolved once into a template cell; each new cell
copies the template's style ids, which is much quicker than setting five style objects
on every one of a million cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from planner.domain.money import currency_digits
from planner.io.safe_text import is_risky
from planner.io.workbook_layout import Kind

# Symbols written before the amount; other currencies get their ISO code after it.
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹",
            "KRW": "₩", "AUD": "A$", "CAD": "C$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$",
            "BRL": "R$", "MXN": "MX$"}  # fmt: skip

PERCENT_FORMAT = "0.0%"
WHOLE_PERCENT_FORMAT = "0%"
INT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "mmm yyyy"

HEADER_FILL = "1F4E79"
DERIVED_FILL = "EEF2F7"
TOTAL_FILL = "DCE6F1"
MUTED = "7F7F7F"


def money_format(currency: str) -> str:
    """An Excel number format for amounts in ``currency``: "€"#,##0.00 with negatives in
    red and a minus sign (LibreOffice and Excel read the same code)."""
    digits = currency_digits(currency)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    symbol = _SYMBOLS.get(currency)
    body = f'"{symbol}"{number}' if symbol else f'{number} "{currency}"'
    return f"{body};[Red]-{body}"


@dataclass(frozen=True, slots=True)
class Look:
    """How one kind of cell looks."""

    number_format: str = "General"
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    wrap: bool = False
    halign: str | None = None
    valign: str | None = None
    border_top: bool = False


PLAIN = Look()
TITLE = Look(bold=True, size=14, color=HEADER_FILL)
SUBTITLE = Look(italic=True, color=MUTED)
NOTE = Look(italic=True, color=MUTED, wrap=True, valign="top")
HEADING = Look(bold=True, size=12, color=HEADER_FILL)
HEADER = Look(bold=True, color="FFFFFF", fill=HEADER_FILL, wrap=True, valign="center")
LABEL = Look(bold=True)
ID_LOOK = Look(number_format="0", color=MUTED)


class Cells:
    """Makes styled write-only cells for one sheet; ``look_of`` gives the look of a kind."""

    def __init__(self, sheet: Any, currency: str) -> None:
        self.sheet = sheet
        self.money = money_format(currency)
        self._templates: dict[Look, Any] = {}
        self._quoted: dict[Look, Any] = {}

    def _template(self, look: Look, quoted: bool = False) -> Any:
        cache = self._quoted if quoted else self._templates
        found = cache.get(look)
        if found is None:
            found = WriteOnlyCell(self.sheet)
            found.number_format = look.number_format
            if look.bold or look.italic or look.size or look.color:
                found.font = Font(
                    bold=look.bold, italic=look.italic, size=look.size, color=look.color
                )
            if look.fill:
                found.fill = PatternFill("solid", start_color=look.fill, end_color=look.fill)
            if look.wrap or look.halign or look.valign:
                found.alignment = Alignment(
                    wrap_text=look.wrap, horizontal=look.halign, vertical=look.valign
                )
            if look.border_top:
                found.border = Border(top=Side(style="thin", color=HEADER_FILL))
            if quoted:
                found.quotePrefix = True
            cache[look] = found
        return found

    def cell(self, value: Any, look: Look = PLAIN) -> Any:
        """A cell holding ``value``. Text is always text, never a formula (see safe_text):
        formulas are made by ``formula``."""
        if isinstance(value, str):
            return self.text(value, look)
        made = WriteOnlyCell(self.sheet, value=value)
        made._style = copy(self._template(look)._style)
        return made

    def text(self, value: str, look: Look = PLAIN) -> Any:
        risky = is_risky(value)
        made = WriteOnlyCell(self.sheet)
        made._value = value
        made.data_type = "s"  # even "=1+1" stays the text it is
        made._style = copy(self._template(look, quoted=risky)._style)
        return made

    def formula(self, text: str, look: Look = PLAIN) -> Any:
        """A live formula (``text`` starts with "=")."""
        made = WriteOnlyCell(self.sheet, value=text)
        made._style = copy(self._template(look)._style)
        return made

    def column_cell(self, look: Look, quoted: bool = False) -> Any:
        """A cell of its own with ``look``, to be filled again for every row of a column
        (see ``ColumnCells``)."""
        made = WriteOnlyCell(self.sheet)
        made._style = copy(self._template(look, quoted=quoted)._style)
        return made

    def look_of(self, kind: Kind, *, derived: bool = False, bold: bool = False) -> Look:
        formats = {
            Kind.MONEY: self.money,
            Kind.INT: INT_FORMAT,
            Kind.PERCENT: WHOLE_PERCENT_FORMAT,
            Kind.DATE: DATE_FORMAT,
            Kind.MONTH: MONTH_FORMAT,
            Kind.ID: "0",
            Kind.TEXT: "@",
        }
        return Look(
            number_format=formats[kind],
            fill=TOTAL_FILL if bold else (DERIVED_FILL if derived else None),
            color=MUTED if kind is Kind.ID else None,
            bold=bold,
        )


def set_widths(sheet: Any, widths: Mapping[int, float], hidden: tuple[int, ...] = ()) -> None:
    """Column widths in characters (before the first row is written, in write-only mode)."""
    for number, width in widths.items():
        sheet.column_dimensions[get_column_letter(number)].width = width
    for number in hidden:
        sheet.column_dimensions[get_column_letter(number)].hidden = True


def page_setup(
    sheet: Any,
    *,
    business: str,
    last_column: int,
    last_row: int,
    header_rows: tuple[int, int] | None,
    landscape: bool,
) -> None:
    """Print area, orientation, one page wide, repeated header rows, and a header and
    footer naming the business, the sheet and the page."""
    last = get_column_letter(max(last_column, 1))
    sheet.print_area = f"A1:{last}{max(last_row, 1)}"
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as needed
    sheet.print_options.horizontalCentered = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    if header_rows is not None:
        sheet.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    # "&" starts a code in Excel's header language: a business called "Smith & Sons"
    # must be written "Smith && Sons".
    safe_name = business.replace("&", "&&")
    sheet.oddHeader.left.text = safe_name
    sheet.oddHeader.right.text = "&A"  # the sheet's name
    sheet.oddFooter.left.text = "Sales & Marketing Planner".replace("&", "&&")
    sheet.oddFooter.right.text = "Page &P of &N"


def letter(column: int) -> str:
    return str(get_column_letter(column))


class ColumnCells:
    """Cells for a long table, one reusable cell per column: a row is serialised as soon as
    it is appended in write-only mode, so each row refills the same styled cells instead
    of making (and styling) a million new ones. ``kinds`` say how each column's values are
    stored: "n" numbers, "d" dates, "s" text (guarded like ``Cells.text``), "f" formulas.
    """

    def __init__(self, cells: Cells, looks: list[Look], kinds: list[str]) -> None:
        self.kinds = kinds
        self.plain = [cells.column_cell(look) for look in looks]
        self.quoted: list[Any] = [
            cells.column_cell(look, quoted=True) if kind == "s" else None
            for look, kind in zip(looks, kinds, strict=True)
        ]

    def row(self, values: list[Any]) -> list[Any]:
        """The cells of one row (None where a value is None or empty text)."""
        out: list[Any] = []
        for value, kind, plain, quoted in zip(
            values, self.kinds, self.plain, self.quoted, strict=True
        ):
            if value is None or value == "":
                out.append(None)
                continue
            cell = quoted if kind == "s" and is_risky(value) else plain
            cell._value = value
            cell.data_type = kind
            out.append(cell)
        return out
