"""Months, fiscal years and fiscal quarters as small value types.

A fiscal year is named by the calendar year in which it starts: with a July start,
FY 2026 runs from July 2026 to June 2027 and is labelled "FY 2026/27".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period that cannot be read; the message says what was expected."""


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, ordered and hashable. ``str(Month(2026, 3)) == '2026-03'``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"Month must be 1 to 12, not {self.month}.")
        if not 1900 <= self.year <= 9999:
            raise PeriodError(f"Year {self.year} is out of range.")

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise PeriodError(f"'{text}' is not a month; write it as YYYY-MM, e.g. 2026-03.")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        """Months since year 0: differences of indexes count months."""
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, other: Month) -> int:
        return self.index - other.index

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return (self + 1).first_day - dt.timedelta(days=1)

    @property
    def name(self) -> str:
        return MONTH_NAMES[self.month - 1]

    @property
    def short_label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1][:3]} {self.year}"


def month_range(first: Month, last: Month) -> Iterator[Month]:
    """Every month from ``first`` to ``last``, both included."""
    for index in range(first.index, last.index + 1):
        yield Month.from_index(index)


@dataclass(frozen=True, order=True, slots=True)
class FiscalYear:
    """A twelve-month fiscal year starting in ``start_month`` of calendar year ``year``."""

    year: int
    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise PeriodError(f"Fiscal year start month must be 1 to 12, not {self.start_month}.")

    @classmethod
    def containing(cls, month: Month | dt.date, start_month: int) -> FiscalYear:
        if isinstance(month, dt.date):
            month = Month.of(month)
        year = month.year if month.month >= start_month else month.year - 1
        return cls(year, start_month)

    @property
    def first_month(self) -> Month:
        return Month(self.year, self.start_month)

    @property
    def last_month(self) -> Month:
        return self.first_month + 11

    @property
    def months(self) -> list[Month]:
        return list(month_range(self.first_month, self.last_month))

    @property
    def quarters(self) -> list[FiscalQuarter]:
        return [FiscalQuarter(self, q) for q in (1, 2, 3, 4)]

    @property
    def label(self) -> str:
        if self.start_month == 1:
            return f"FY {self.year}"
        return f"FY {self.year}/{(self.year + 1) % 100:02d}"

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.first_month <= month <= self.last_month

    def __add__(self, years: int) -> FiscalYear:
        return FiscalYear(self.year + years, self.start_month)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True, slots=True)
class FiscalQuarter:
    """Quarter 1 to 4 of a fiscal year."""

    fiscal_year: FiscalYear
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise PeriodError(f"A quarter is 1 to 4, not {self.number}.")

    @classmethod
    def containing(cls, month: Month | dt.date, start_month: int) -> FiscalQuarter:
        if isinstance(month, dt.date):
            month = Month.of(month)
        fy = FiscalYear.containing(month, start_month)
        return cls(fy, (month - fy.first_month) // 3 + 1)

    @classmethod
    def parse(cls, text: str, start_month: int) -> FiscalQuarter:
        """Read ``2026-Q3`` (fiscal year 2026, third quarter)."""
        match = _QUARTER_RE.match(text.strip())
        if not match:
            raise PeriodError(f"'{text}' is not a quarter; write it as YYYY-Qn, e.g. 2026-Q3.")
        return cls(FiscalYear(int(match.group(1)), start_month), int(match.group(2)))

    @property
    def first_month(self) -> Month:
        return self.fiscal_year.first_month + 3 * (self.number - 1)

    @property
    def months(self) -> list[Month]:
        first = self.first_month
        return [first, first + 1, first + 2]

    @property
    def last_month(self) -> Month:
        return self.first_month + 2

    def previous(self) -> FiscalQuarter:
        if self.number == 1:
            return FiscalQuarter(self.fiscal_year + -1, 4)
        return FiscalQuarter(self.fiscal_year, self.number - 1)

    def next(self) -> FiscalQuarter:
        if self.number == 4:
            return FiscalQuarter(self.fiscal_year + 1, 1)
        return FiscalQuarter(self.fiscal_year, self.number + 1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.fiscal_year.label}"

    def __str__(self) -> str:
        return f"{self.fiscal_year.year}-Q{self.number}"
