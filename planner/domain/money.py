"""Exact money: ``Decimal`` in code, integer hundredths ("minor units") in the database.

Every amount is stored as hundredths of the plan's currency unit whatever the currency
(even JPY, which has no minor unit in practice): changing the plan's currency then never
rescales stored numbers, and display rounding follows the currency's own digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

MINOR_PER_UNIT = 100
_CENT = Decimal("0.01")

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
    """Return ``amount`` in integer hundredths, rounding half up (as an accountant would)."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation as exc:
        raise MoneyError(f"'{amount}' is not an amount of money.") from exc
    if not value.is_finite():
        raise MoneyError(f"'{amount}' is not an amount of money.")
    return int((value * MINOR_PER_UNIT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor: int) -> Decimal:
    """Return the ``Decimal`` amount for ``minor`` hundredths."""
    return (Decimal(minor) / MINOR_PER_UNIT).quantize(_CENT)


def parse_money(text: str) -> Decimal:
    """Read an amount typed by a user: ``1234.5``, ``1,234.50``, ``€ 1 234,50``, ``-20``.

    A comma followed by exactly one or two digits at the end is a decimal comma;
    otherwise commas, spaces and apostrophes group thousands.
    """
    cleaned = text.strip()
    for symbol in ("€", "$", "£", "¥", "₹", "₩", "R$", "kr", "zł", "CHF", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(symbol, " " if symbol in ("\u00a0", "\u202f") else "")
    cleaned = cleaned.strip()
    if not cleaned:
        raise MoneyError("Enter an amount, for example 1250 or 1,250.00.")
    negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
    cleaned = cleaned.strip("-()").strip()
    head, sep, tail = cleaned.rpartition(",")
    if sep and "." not in cleaned and len(tail) in (1, 2) and tail.isdigit():
        cleaned = head + "." + tail
    elif "," in cleaned and "." in cleaned and cleaned.rfind(",") > cleaned.rfind("."):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    cleaned = cleaned.replace(",", "").replace(" ", "").replace("'", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyError(f"'{text}' is not an amount of money.") from exc
    if not value.is_finite():
        raise MoneyError(f"'{text}' is not an amount of money.")
    return -value if negative else value


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
