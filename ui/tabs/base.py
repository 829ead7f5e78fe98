"""What every tab of the main window shares: its explanation, the plan's formats, and
reloading only for the changes it shows.

A tab reads through ``planner.queries`` only. It listens to ``PlanOperations.changed``
and refreshes when the change flags meet its ``watched`` flags (or ``Change.PROFILE``:
currency and fiscal year start concern every tab). A hidden tab only notes what changed
and catches up when it is next shown, so an edit costs one tab's reload, not eight.
The first read happens on first show (or an explicit ``reload()``), which keeps opening
a large plan quick.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from planner.domain.periods import FiscalYear
from planner.queries import ProfileSummary, current_fiscal_year, fiscal_years, profile_summary
from planner.services.commands import Change
from ui.models.formats import Formats
from ui.tabs.widgets import FiscalYearPicker
from ui.undo import PlanOperations


def today() -> dt.date:
    """Today's date for "current" periods; tests replace it to pin the calendar."""
    return dt.date.today()


class PlanTab(QWidget):
    """A page of the main window showing one part of the plan."""

    title: ClassVar[str] = ""
    explanation: ClassVar[str] = ""
    watched: ClassVar[Change] = Change.NONE

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.profile: ProfileSummary | None = None
        self.formats = Formats()
        self._stale = Change.ALL  # nothing read yet
        self.setObjectName(f"{type(self).__name__}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.intro = QLabel(self.explanation)
        self.intro.setObjectName("tabExplanation")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.body = layout
        ops.changed.connect(self._on_changed)

    # -- for subclasses ------------------------------------------------------------------

    def refresh(self, changes: Change) -> None:
        """Re-read what ``changes`` affect; ``self.profile``/``self.formats`` are current."""
        raise NotImplementedError

    def today(self) -> dt.date:
        return today()

    # -- reloading -----------------------------------------------------------------------

    @property
    def is_stale(self) -> bool:
        """True until the tab has read what it shows: before its first showing, and after
        changes that arrived while it was hidden."""
        return bool(self._stale)

    def reload(self) -> None:
        """Re-read everything the tab shows from ``planner.queries``."""
        self._stale = Change.NONE
        self._apply(Change.ALL)

    def _apply(self, changes: Change) -> None:
        if self.profile is None or changes & Change.PROFILE:
            self.profile = profile_summary(self.ops.plan)
            self.formats = Formats(self.profile.currency)
            changes |= Change.PROFILE
        self.refresh(changes)

    def _on_changed(self, changes: Change) -> None:
        relevant = changes & (self.watched | Change.PROFILE)
        if not relevant:
            return
        self._stale |= relevant
        if self.isVisible():
            pending, self._stale = self._stale, Change.NONE
            self._apply(pending)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            pending, self._stale = self._stale, Change.NONE
            self._apply(pending)


@dataclass(frozen=True)
class TabSpec:
    """A tab as the main window lists it: its sidebar group (None for top level).

    The tab's class is named, not imported: ``factory`` imports its module the first time
    the tab is built, so starting the app pays only for the tab it shows first.
    """

    group: str | None
    title: str
    module: str
    class_name: str
    key: str

    @property
    def factory(self) -> type[PlanTab]:
        cls: type[PlanTab] = getattr(importlib.import_module(self.module), self.class_name)
        return cls


class FiscalYearTab(PlanTab):
    """A tab whose figures belong to one fiscal year, chosen above them (the current one at
    first)."""

    # Changes that can add a year to the choices (figures in a year not offered yet).
    YEAR_SOURCES: ClassVar[Change] = (
        Change.PROFILE | Change.TARGETS | Change.ACTUALS | Change.CHANNEL_MONTHS
    )

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.year_picker = FiscalYearPicker()
        self.body.addWidget(self.year_picker)
        self.year_picker.year_changed.connect(self._year_picked)

    @property
    def fiscal_year(self) -> FiscalYear:
        chosen = self.year_picker.selected()
        return chosen if chosen is not None else current_fiscal_year(self.ops.plan, self.today())

    def _apply(self, changes: Change) -> None:
        if self.profile is None or changes & self.YEAR_SOURCES:
            now = current_fiscal_year(self.ops.plan, self.today())
            self.year_picker.set_years(fiscal_years(self.ops.plan, self.today()), now)
        super()._apply(changes)

    def _year_picked(self, _year: FiscalYear) -> None:
        self.refresh(self.watched)
