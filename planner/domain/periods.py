"""Months, fiscal years and fiscal quarters as small value types.

A fiscal year is named by the calendar year in which it starts: with a July start,
FY 2026 runs from July 2026 to June 2027 and is labelled "FY 2026/27".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

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


PeriodKind = Literal["year", "quarter", "months"]


@dataclass(frozen=True, slots=True)
class PeriodRange:
    """The months a view looks at: a whole fiscal year, one of its quarters, or a run of
    its months ("Mar–Jun 2027").

    A range always lies inside its ``fiscal_year`` (``first <= last``, both in the year):
    the owner plans and reviews one fiscal year at a time, targets and budgets are per
    fiscal year, and a range that crossed years would have no single target to compare
    with. ``kind`` follows the months, so ``months_between`` over exactly one quarter is a
    quarter.
    """

    fiscal_year: FiscalYear
    first: Month
    last: Month

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise PeriodError(f"A period must start before it ends ({self.first} > {self.last}).")
        if self.first not in self.fiscal_year or self.last not in self.fiscal_year:
            raise PeriodError(
                f"{self.first} to {self.last} is not inside {self.fiscal_year.label} "
                f"({self.fiscal_year.first_month} to {self.fiscal_year.last_month})."
            )

    @classmethod
    def year(cls, fiscal_year: FiscalYear) -> PeriodRange:
        return cls(fiscal_year, fiscal_year.first_month, fiscal_year.last_month)

    @classmethod
    def quarter(cls, quarter: FiscalQuarter) -> PeriodRange:
        return cls(quarter.fiscal_year, quarter.first_month, quarter.last_month)

    @classmethod
    def months_between(cls, fiscal_year: FiscalYear, first: Month, last: Month) -> PeriodRange:
        """The months ``first`` to ``last`` (both included) of ``fiscal_year``; raises
        ``PeriodError`` when they are reversed or not inside the year."""
        return cls(fiscal_year, first, last)

    @property
    def months(self) -> list[Month]:
        return list(month_range(self.first, self.last))

    @property
    def as_quarter(self) -> FiscalQuarter | None:
        """The fiscal quarter this range is exactly, else None."""
        offset = self.first - self.fiscal_year.first_month
        if offset % 3 == 0 and self.last - self.first == 2:
            return FiscalQuarter(self.fiscal_year, offset // 3 + 1)
        return None

    @property
    def kind(self) -> PeriodKind:
        if self.first == self.fiscal_year.first_month and self.last == self.fiscal_year.last_month:
            return "year"
        if self.as_quarter is not None:
            return "quarter"
        return "months"

    @property
    def label(self) -> str:
        """ "FY 2026/27", "Q2 FY 2026/27", "Mar 2027", "Mar–Jun 2027" or "Nov 2026–Feb 2027"."""
        kind = self.kind
        if kind == "year":
            return self.fiscal_year.label
        quarter = self.as_quarter
        if quarter is not None:
            return quarter.label
        if self.first == self.last:
            return self.first.short_label
        if self.first.year == self.last.year:
            return f"{self.first.name[:3]}–{self.last.short_label}"
        return f"{self.first.short_label}–{self.last.short_label}"

    def in_year(self, fiscal_year: FiscalYear) -> PeriodRange:
        """The same stretch of the year (the same quarter, the same month positions) in
        another fiscal year: what a view shows when the owner switches years."""
        shift = fiscal_year.first_month - self.fiscal_year.first_month
        return PeriodRange(fiscal_year, self.first + shift, self.last + shift)

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.first <= month <= self.last

    def __str__(self) -> str:
        return self.label
