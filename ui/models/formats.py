"""How values look on screen: money in the plan's currency, percentages, counts, dates, months.

Formatting follows the user's locale (digit grouping, decimal mark, date order). The bare
"C" locale of a headless or unconfigured machine is shown as US English, which reads far
better than C's "1234.50€".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QDate, QLocale

from planner.domain.money import currency_digits
from planner.domain.periods import Month

# Symbols that mean one currency wherever the user is; other codes are shown as the code,
# so a "$" never leaves a reader wondering which dollar.
_UNAMBIGUOUS = {"EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}


def display_locale() -> QLocale:
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def decimal_mark() -> str:
    """The user's decimal mark ("," or "."), for reading amounts typed in forms."""
    return display_locale().decimalPoint()


def currency_symbol(code: str, locale: QLocale) -> str:
    """The symbol to show for ``code``: the locale's own when it is the local currency."""
    if locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode) == code:
        return locale.currencySymbol(QLocale.CurrencySymbolFormat.CurrencySymbol)
    symbol = _UNAMBIGUOUS.get(code)
    if symbol:
        return symbol
    # A code written before the number needs a space ("USD 12.00", not "USD12.00").
    sample = locale.toCurrencyString(1.0, "¤¤")
    return f"{code}\u00a0" if sample.startswith("¤¤") and not sample[2].isspace() else code


class Formats:
    """Formatting for one plan's currency in the user's locale."""

    def __init__(self, currency: str = "EUR", locale: QLocale | None = None) -> None:
        self.currency = currency
        self.locale = locale or display_locale()
        self.digits = currency_digits(currency)
        self.symbol = currency_symbol(currency, self.locale)

    def money(self, amount: Decimal | None) -> str:
        if amount is None:
            return ""
        text = self.locale.toCurrencyString(float(abs(amount)), self.symbol, self.digits)
        # A plain minus sign reads better for owners than the accounting "(1,234.50)".
        return f"{self.locale.negativeSign()}{text}" if amount < 0 else text

    def money_edit(self, amount: Decimal | None) -> str:
        """The amount as a user edits it: digits and the locale's decimal mark ("1234,50" in
        a decimal-comma locale), no symbol or grouping; parse_money reads it back."""
        if amount is None:
            return ""
        text = f"{amount:.2f}"
        mark = self.locale.decimalPoint()
        return text.replace(".", ",") if mark == "," else text

    def percent(self, value: Decimal | None, decimals: int = 1) -> str:
        if value is None:
            return ""
        return f"{self.locale.toString(float(value), 'f', decimals)}%"

    def count(self, value: int | None) -> str:
        return "" if value is None else self.locale.toString(int(value))

    def date(self, day: dt.date | None) -> str:
        if day is None:
            return ""
        return self.locale.toString(
            QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat
        )

    @staticmethod
    def month(month: Month | None) -> str:
        return "" if month is None else month.short_label
