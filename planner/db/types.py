"""Column types that store domain values: months as 'YYYY-MM' text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from planner.domain.periods import Month


class MonthType(TypeDecorator[Month]):
    """A ``Month`` stored as 'YYYY-MM', which sorts and compares correctly as text."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return str(Month.parse(value))
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Month | None:
        return None if value is None else Month.parse(value)
