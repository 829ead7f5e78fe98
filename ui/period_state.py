"""The period the owner is looking at, shared by every tab of one open plan.

Picking "Q2" on the Dashboard shows Q2 on Targets, Channels and Actuals too: each tab's
``PeriodPicker`` reads and writes this one ``PeriodState`` (reached as
``PlanOperations.period_state``), and tabs listen to ``period_changed``.

When the fiscal year's start month changes (the profile was edited), the selection is moved
to the same stretch of the re-cut year, so a chosen quarter stays a quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, PeriodRange
from planner.queries import current_fiscal_year
from planner.services.commands import Change


class PeriodState(QObject):
    """One selected ``PeriodRange``; ``period_changed`` carries the new one."""

    period_changed = Signal(object)  # PeriodRange

    def __init__(
        self,
        period: PeriodRange,
        parent: QObject | None = None,
        *,
        plan: Plan | None = None,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        super().__init__(parent)
        self._period = period
        # Only to follow a new fiscal year start month (``on_plan_changed``).
        self._plan = plan
        self._today = today

    @classmethod
    def for_plan(
        cls, plan: Plan, today: Callable[[], dt.date], parent: QObject | None = None
    ) -> PeriodState:
        """The whole current fiscal year of ``plan`` (as of ``today()``)."""
        period = PeriodRange.year(current_fiscal_year(plan, today()))
        return cls(period, parent, plan=plan, today=today)

    @property
    def period(self) -> PeriodRange:
        return self._period

    @property
    def fiscal_year(self) -> FiscalYear:
        return self._period.fiscal_year

    def set_period(self, period: PeriodRange) -> None:
        """Select ``period``; emits ``period_changed`` only when it differs."""
        if period == self._period:
            return
        self._period = period
        self.period_changed.emit(period)

    def set_fiscal_year(self, fiscal_year: FiscalYear) -> None:
        """Another year, keeping the same stretch of it (Q2 stays Q2)."""
        self.set_period(self._period.in_year(fiscal_year))

    def on_plan_changed(self, changes: Change) -> None:
        """Follow a new fiscal year start month (connected to ``PlanOperations.changed``)."""
        if not changes & Change.PROFILE or self._plan is None or self._today is None:
            return
        start = current_fiscal_year(self._plan, self._today()).start_month
        year = self._period.fiscal_year
        if year.start_month != start:
            # The re-cut year that shares most months with the old one (the one holding
            # its seventh month) keeps the owner's place: the current year stays current.
            self.set_fiscal_year(FiscalYear.containing(year.first_month + 6, start))
