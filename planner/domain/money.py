"""Exact money: ``Decimal`` in code, integer hundredths ("minor units") in the database.

Every amount is stored as hundredths of the plan's currency unit whatever the currency
(even JPY, which has no minor unit in practice): changing the plan's currency then never
rescales stored numbers, and display rounding follows the currency's own digits.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

MINOR_PER_UNIT = 100
_CENT = Decimal("0.01")
# The largest amount a user may type: a trillion, far beyond any small business, and small
# enough that tens of thousands of such figures still sum inside SQLite's 64-bit integers.
MAX_AMOUNT = Decimal(10) ** 12
_STORABLE = Decimal(10) ** 14  # what to_minor converts at all (derived sums may pass MAX)
TOO_LARGE = "That amount is too large; the planner takes amounts up to 1,000,000,000,000."
_DIGITS_AND_MARKS = re.compile(r"[0-9.,]+")

# ISO 4217 codes offered in the profile dialog, with the digits shown after the point.
CURRENCIES: dict[str, tuple[str, int]] = {
    "AUD": ("Australian dollar", 2),
    "BRL": ("Brazilian real", 2),
    "CAD": ("Canadian dollar", 2),
    "CHF": ("Swiss franc", 2),
    "CNY": ("Chinese yuan", 2),
    "CZK": ("Czech koruna", 2),
    "DKK": ("Danish krone", 2),
    "EUR": ("Euro", 2),
    "GBP": ("Pound sterling", 2),
    "HKD": ("Hong Kong dollar", 2),
    "HUF": ("Hungarian forint", 2),
    "INR": ("Indian rupee", 2),
    "JPY": ("Japanese yen", 0),
    "KRW": ("South Korean won", 0),
    "MXN": ("Mexican peso", 2),
    "NOK": ("Norwegian krone", 2),
    "NZD": ("New Zealand dollar", 2),
    "PLN": ("Polish zloty", 2),
    "SEK": ("Swedish krona", 2),
    "SGD": ("Singapore dollar", 2),
    "USD": ("US dollar", 2),
    "ZAR": ("South African rand", 2),
}


class MoneyError(ValueError):
    """An amount that cannot be read as money; the message says why in plain words."""


def to_minor(amount: Decimal | int | str) -> int:
    """Return ``amount`` in integer hundredths, rounding half up (as an accountant would).

    Raises ``MoneyError`` for what is not a finite number, and for amounts beyond any
    plan (``1e308``) that would overflow SQLite's 64-bit integers once summed.
    """
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation as exc:
        raise MoneyError(f"'{amount}' is not an amount of money.") from exc
    if not value.is_finite():
        raise MoneyError(f"'{amount}' is not an amount of money.")
    if abs(value) > _STORABLE:
        raise MoneyError(TOO_LARGE)
    return int((value * MINOR_PER_UNIT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor: int) -> Decimal:
    """Return the ``Decimal`` amount for ``minor`` hundredths."""
    return (Decimal(minor) / MINOR_PER_UNIT).quantize(_CENT)


def parse_money(text: str, decimal_mark: str | None = None) -> Decimal:
    """Read an amount typed by a user: ``1234.5``, ``1,234.50``, ``€ 1 234,50``, ``-20``.

    Spaces, apostrophes and whichever of comma and point is not the decimal mark group
    thousands. When both appear, the last one is the decimal mark; a lone mark followed by
    other than exactly three digits (``12,5``, ``1.50``) can only be one. Only a lone mark
    before three digits (``1,234``, ``1.234``) is ambiguous: ``decimal_mark`` (the user's
    locale's, "," or ".") decides it, else a comma groups and a point is decimal.

    Refused, with one plain sentence: text that is not a plain number (``1e5``, ``NaN``,
    ``inf``, letters, ``12..3``) and amounts above ``MAX_AMOUNT``. More than two decimals
    are kept here and rounded to cents when stored.
    """
    cleaned = text.strip()
    for symbol in ("€", "$", "£", "¥", "₹", "₩", "R$", "kr", "zł", "CHF", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(symbol, " " if symbol in ("\u00a0", "\u202f") else "")
    cleaned = cleaned.strip()
    if not cleaned:
        raise MoneyError("Enter an amount, for example 1250 or 1,250.00.")
    negative = cleaned.startswith(("-", "\u2212")) or (
        cleaned.startswith("(") and cleaned.endswith(")")
    )
    cleaned = cleaned.strip("-\u2212()").strip()
    cleaned = cleaned.replace(" ", "").replace("'", "").replace("\u2019", "")
    number = _plain_number(cleaned, decimal_mark)
    if number is None:
        raise MoneyError(f"'{text.strip()}' is not an amount of money.")
    value = Decimal(number)
    if value > MAX_AMOUNT:
        raise MoneyError(TOO_LARGE)
    return -value if negative else value


def _plain_number(cleaned: str, decimal_mark: str | None) -> str | None:
    """``cleaned`` (digits, commas and points only) as "1234.5", or None when it is not."""
    if not _DIGITS_AND_MARKS.fullmatch(cleaned):
        return None
    commas, points = cleaned.count(","), cleaned.count(".")
    decimal = ""  # no mark, or one mark repeated: it groups thousands
    if commas and points:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
    elif commas + points == 1:
        mark = "," if commas else "."
        if len(cleaned.rpartition(mark)[2]) != 3:
            decimal = mark
        elif decimal_mark is not None:
            decimal = mark if decimal_mark == mark else ""
        else:
            decimal = "." if mark == "." else ""
    whole, fraction = cleaned, ""
    if decimal:
        whole, _sep, fraction = cleaned.rpartition(decimal)
        if not fraction.isdigit() or decimal in whole:
            return None
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and not (
        len({c for c in whole if c in ".,"}) == 1
        and 1 <= len(groups[0]) <= 3
        and all(len(g) in (2, 3) for g in groups[1:])  # 2 for lakh grouping: 12,34,567
    ):
        return None
    digits = "".join(groups)
    if (digits and not digits.isdigit()) or not (digits or fraction):
        return None
    return f"{digits or '0'}.{fraction}" if fraction else digits


def round_money(amount: Decimal) -> Decimal:
    """Round to hundredths, half to even, for derived figures such as weighted values."""
    return amount.quantize(_CENT, rounding=ROUND_HALF_EVEN)


def currency_digits(code: str) -> int:
    """Digits after the point when showing amounts in ``code`` (2 when unknown)."""
    return CURRENCIES.get(code, ("", 2))[1]


def format_money(amount: Decimal, code: str) -> str:
    """Plain, locale-neutral formatting for the command line: ``EUR 1,234.50``."""
    digits = currency_digits(code)
    quantum = Decimal(1).scaleb(-digits)
    return f"{code} {amount.quantize(quantum, rounding=ROUND_HALF_UP):,.{digits}f}"
