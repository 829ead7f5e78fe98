"""Reading the values found in exported files: amounts, dates, and keys for lines and headers.

Exports from shops, accounting tools and CRMs write numbers and dates in the exporter's
locale ("1.234,50", "€ 12,50", "03/05/2026"). These helpers detect the format from a sample
of a column and then parse every cell of it the same way, so one file is read consistently.
Errors are ``ValueError`` whose message is a short phrase for a line report
("'abc' is not an amount"). No Qt here: the importers and the CLI share it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Literal

# A file's amount above what a user may type is a mistake, and would overflow SQLite's
# integers once summed: parse_amount refuses it.
from planner.domain.money import MAX_AMOUNT as MAX_AMOUNT

DecimalMark = Literal[".", ","]
DateOrder = Literal["DMY", "MDY", "YMD"]

# Symbols and codes removed before reading an amount; longer ones first so "R$" goes whole.
_CURRENCY_TOKENS = sorted(
    [
        "€", "$", "£", "¥", "₹", "₩", "₺", "₽", "R$", "kr", "Kr", "zł", "Fr.", "CHF", "EUR",
        "USD", "GBP", "JPY", "SEK", "NOK", "DKK", "PLN", "CZK", "AUD", "CAD", "NZD", "ZAR",
        "INR", "SGD", "HKD", "MXN", "BRL", "HUF", "CNY", "KRW", "Kč",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
_SPACES = ("\u00a0", "\u202f", "\u2009", " ")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _quoted(text: str, limit: int = 40) -> str:
    """``text`` in quotes for a message, shortened: a cell may be thousands of characters."""
    text = text.strip()
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 1]}…'"


def _clean_amount(text: str) -> tuple[str, bool]:
    """Strip currency, spaces and sign markers; return (digits with separators, negative)."""
    cleaned = text.strip()
    for token in _CURRENCY_TOKENS:
        cleaned = cleaned.replace(token, "")
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    cleaned = cleaned.replace("'", "").replace("’", "")  # Swiss thousands: 1'234.50
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    # Unicode minus and a trailing minus ("12.50-") appear in accounting exports.
    cleaned = cleaned.replace("\u2212", "-")
    if cleaned.endswith("-"):
        negative, cleaned = not negative, cleaned[:-1]
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    elif cleaned.startswith("+"):
        cleaned = cleaned[1:]
    return cleaned, negative


def parse_amount(text: str, decimal_mark: DecimalMark = ".") -> Decimal:
    """Read ``text`` as a number with ``decimal_mark``: "1.234,50" with "," is 1234.50.

    Currency symbols/codes, spaces, apostrophes, "(12.50)" and "12.50-" (negative) are
    understood. Thousands separators must group by three, so "12,50" with "." is refused
    rather than read as 1250. Amounts above ``MAX_AMOUNT`` are refused. Raises
    ``ValueError`` ("'abc' is not an amount").
    """
    if not text or not text.strip():
        raise ValueError("the amount is blank")
    cleaned, negative = _clean_amount(text)
    thousands = "," if decimal_mark == "." else "."
    if thousands in cleaned:
        head, mark, tail = cleaned.partition(decimal_mark)
        groups = head.split(thousands)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise ValueError(f"{_quoted(text)} is not an amount")
        cleaned = "".join(groups) + mark + tail
    cleaned = cleaned.replace(decimal_mark, ".")
    if cleaned.startswith("."):
        cleaned = "0" + cleaned
    if not _NUMBER.match(cleaned):
        raise ValueError(f"{_quoted(text)} is not an amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes this
        raise ValueError(f"{_quoted(text)} is not an amount") from exc
    if value > MAX_AMOUNT:
        raise ValueError(f"{_quoted(text)} is too large an amount")
    return -value if negative else value


def detect_decimal_mark(samples: Iterable[str]) -> DecimalMark:
    """Guess the decimal mark of a column from its values ("." when nothing tells).

    Both marks in one value: the last is the decimal mark. One mark repeated ("1.234.567"):
    it groups thousands. One mark followed by other than three digits ("12,5", "3.14159"):
    it is the decimal mark. "1,234" alone says nothing.
    """
    votes = {".": 0, ",": 0}
    for sample in samples:
        cleaned, _ = _clean_amount(sample)
        if not cleaned or not re.fullmatch(r"[\d.,]+", cleaned):
            continue
        dots, commas = cleaned.count("."), cleaned.count(",")
        if dots and commas:
            votes["." if cleaned.rfind(".") > cleaned.rfind(",") else ","] += 1
        elif dots > 1:
            votes[","] += 1
        elif commas > 1:
            votes["."] += 1
        elif dots or commas:
            mark = "." if dots else ","
            tail = cleaned.rpartition(mark)[2]
            if len(tail) != 3:
                votes[mark] += 1
    return "," if votes[","] > votes["."] else "."


_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})\.?(?:$|[T\s])")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("jan", "january", "januar", "jän", "jänner"),
        ("feb", "february", "februar"),
        ("mar", "march", "mär", "märz", "maerz", "mrz"),
        ("apr", "april"),
        ("may", "mai"),
        ("jun", "june", "juni"),
        ("jul", "july", "juli"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("oct", "october", "okt", "oktober"),
        ("nov", "november"),
        ("dec", "december", "dez", "dezember"),
    ],
    start=1,
):
    for _name in _names:
        _MONTH_NAMES[_name] = _number


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) <= 2 else year


def _numeric_parts(text: str) -> tuple[str, str, str] | None:
    match = _NUMERIC_DATE.match(text.strip())
    return (match.group(1), match.group(2), match.group(3)) if match else None


def parse_date(text: str, order: DateOrder = "DMY") -> dt.date:
    """Read a date: "2026-03-05", "05.03.2026", "3/5/26", "5 Mar 2026", "March 5, 2026".

    ``order`` decides numeric dates whose year is last; a four-digit first part is always
    year-first. A time after the date is ignored. Raises ``ValueError``.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("the date is blank")
    try:
        parts = _numeric_parts(raw)
        if parts is not None:
            a, b, c = parts
            if len(a) == 4 or order == "YMD":
                return dt.date(_year(a), int(b), int(c))
            if order == "MDY":
                return dt.date(_year(c), int(a), int(b))
            return dt.date(_year(c), int(b), int(a))
        compact = _COMPACT_DATE.match(raw)
        if compact:
            return dt.date(int(compact.group(1)), int(compact.group(2)), int(compact.group(3)))
        tokens = [t for t in re.split(r"[\s,./\-]+", raw.casefold()) if t]
        month = next((_MONTH_NAMES[t] for t in tokens if t in _MONTH_NAMES), None)
        numbers = [t for t in tokens if t.isdigit()]
        if month is not None and len(numbers) >= 2:
            year_text = next((n for n in numbers if len(n) == 4), numbers[-1])
            numbers.remove(year_text)
            return dt.date(_year(year_text), month, int(numbers[0]))
    except (ValueError, OverflowError):  # OverflowError: a "year" of twenty digits
        pass
    raise ValueError(f"{_quoted(raw)} is not a date")


def detect_date_order(samples: Iterable[str], default: DateOrder = "DMY") -> DateOrder:
    """Guess how a column writes its dates: "DMY", "MDY" or "YMD" (``default`` if unknown).

    A first part above 12 means day-first, a second part above 12 means month-first;
    when no value tells (all parts 12 or less), ``default`` is returned: ask the user.
    """
    order, _certain = guess_date_order(samples, default)
    return order


def guess_date_order(samples: Iterable[str], default: DateOrder = "DMY") -> tuple[DateOrder, bool]:
    """Like ``detect_date_order`` but also says whether the values decided it (True)."""
    day_first = month_first = year_first = numeric = 0
    samples_list = list(samples)
    for sample in samples_list:
        parts = _numeric_parts(sample)
        if parts is None:
            continue
        numeric += 1
        a, b, _c = parts
        if len(a) == 4:
            year_first += 1
        elif int(a) > 12:
            day_first += 1
        elif int(b) > 12:
            month_first += 1
    if numeric == 0:
        return default, True  # only ISO-like or named months: the order does not matter
    if year_first == numeric:
        return "YMD", True
    if day_first and not month_first:
        return "DMY", True
    if month_first and not day_first:
        return "MDY", True
    if (
        not day_first
        and not month_first
        and all("." in sample for sample in samples_list if _numeric_parts(sample))
    ):
        return "DMY", True  # "05.03.2026": dotted dates are written day first
    return default, False


def default_date_order() -> DateOrder:
    """The date order of the user's locale, from the environment (US English: month first)."""
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "MDY" if value.startswith(("en_US", "en_PH")) else "DMY"
    return "DMY"


def _normalise(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def line_key(kind: str, cells: Sequence[str]) -> str:
    """A sha256 hex key of a source line, ignoring spacing and letter case."""
    text = kind + "\x1e" + "\x1f".join(_normalise(c) for c in cells)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def header_signature(headers: Sequence[str]) -> str:
    """A sha256 hex key of a header row, so files of the same shape share a mapping."""
    text = "\x1f".join(_normalise(h) for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
