"""Columns for month-by-month tables with quarter and year totals (Dashboard and Targets)."""

from __future__ import annotations

from typing import Any

from planner.queries import PeriodLevel, PlanVsActualRow, TargetRow
from ui.models.table import Column, Kind


def period_key(row: Any) -> tuple[str, str, str]:
    return (row.level.value, str(row.first_month), str(row.last_month))


def is_total(row: Any) -> bool:
    return bool(row.level is not PeriodLevel.MONTH)


VARIANCE_TIP = (
    "Actual minus target. Totals compare only the months that already have actual revenue."
)

TARGET_COLUMNS: list[Column[TargetRow]] = [
    Column("Period", lambda r: r.label),
    Column("Target revenue", lambda r: r.target, Kind.MONEY),
    Column("Target units", lambda r: r.target_units, Kind.COUNT),
    Column("Actual revenue", lambda r: r.actual, Kind.MONEY),
    Column("Units sold", lambda r: r.actual_units, Kind.COUNT),
    Column("Variance", lambda r: r.variance, Kind.MONEY, tooltip=VARIANCE_TIP),
    Column("Variance %", lambda r: r.variance_pct, Kind.PERCENT, tooltip=VARIANCE_TIP),
]

PLAN_VS_ACTUAL_COLUMNS: list[Column[PlanVsActualRow]] = [
    Column("Period", lambda r: r.label),
    Column("Target", lambda r: r.target, Kind.MONEY),
    Column("Actual", lambda r: r.actual, Kind.MONEY),
    Column("Variance", lambda r: r.variance, Kind.MONEY, tooltip=VARIANCE_TIP),
    Column("Variance %", lambda r: r.variance_pct, Kind.PERCENT, tooltip=VARIANCE_TIP),
    Column("Planned spend", lambda r: r.planned_spend, Kind.MONEY),
    Column("Actual spend", lambda r: r.actual_spend, Kind.MONEY),
    Column("Planned leads", lambda r: r.planned_leads, Kind.COUNT),
    Column("Actual leads", lambda r: r.actual_leads, Kind.COUNT),
]
