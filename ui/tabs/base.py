"""What every tab of the main window shares: its explanation, the plan's formats, and
reloading only for the changes it shows.

A tab reads through ``planner.queries`` only. It listens to ``PlanOperations.changed``
and refreshes when the change flags meet its ``watched`` flags (or ``Change.PROFILE``:
currency and fiscal year start concern every tab). A hidden tab only notes what changed
and catches up when it is next shown, so an edit costs one tab's reload, not eight.
The first read happens on first show (or an explicit ``reload()``), which keeps opening
a large plan quick.

A tab can split its refresh into reading the numbers (``reader``: returns a function of
``planner.queries`` calls on values captured now, no Qt) and showing them (``present``).
Such a tab reads on the GUI thread while its reads are quick, and on a worker
(``ui.background``) when its last read of the same changes took more than
``READ_ASYNC_AFTER`` of CPU time (or its ``read_mode`` says "async"), showing a quiet
"Updating…" meanwhile. Reads differ: on a large plan a deal edit re-reads the pipeline
(slow) while a budget edit re-reads one channel's figures (quick), so each kind of change
is timed apart; a kind not read yet is judged by the slowest read so far. A read that
an edit or a new period replaced before it came back is dropped (a generation counter),
and the newer read covers the changes of the one it replaced.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from planner.domain.periods import FiscalYear, PeriodRange
from planner.queries import ProfileSummary, fiscal_years, profile_summary
from planner.services.commands import Change
from ui import gc_policy
from ui.background import ReadJob, ReadResult, reads_for, timed_read
from ui.models.formats import Formats
from ui.tabs.period_picker import PeriodPicker
from ui.undo import PlanOperations


def today() -> dt.date:
    """Today's date for "current" periods; tests replace it to pin the calendar."""
    return dt.date.today()


# CPU seconds a read may take on the GUI thread before reads like it go to a worker. CPU
# time, not wall time, and without garbage collection (``timed_read``): a busy machine must
# not send a small plan's reads off the GUI thread (the sample plan's Dashboard: 0.01-0.05 s,
# ~0.09 s for its very first read), while the 100,000-deal plan's slow ones (a deal edit or
# a new period: 0.3-0.5 s) always go. A tab loads the modules its read needs before the
# read is timed, so a one-off import does not count as a slow read.
READ_ASYNC_AFTER = 0.15

ReadMode = Literal["auto", "sync", "async"]
UPDATING = "Updating…"


class PlanTab(QWidget):
    """A page of the main window showing one part of the plan."""

    title: ClassVar[str] = ""
    explanation: ClassVar[str] = ""
    watched: ClassVar[Change] = Change.NONE
    # Where a tab with a ``reader`` reads: "auto" on a worker when the last read of the
    # same changes was slow (``READ_ASYNC_AFTER``), "sync" always on the GUI thread,
    # "async" always on a worker.
    read_mode: ClassVar[ReadMode] = "auto"
    # The CPU time above which "auto" reads on a worker; a tab whose reads on a small plan
    # come close to it (the Forecast fits its models) sets its own, between the two sizes.
    read_async_after: ClassVar[float] = READ_ASYNC_AFTER

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        gc_policy.install()  # reads are timed without collections, and run on workers
        self.ops = ops
        self.profile: ProfileSummary | None = None
        self.formats = Formats()
        self._stale = Change.ALL  # nothing read yet
        self._generation = 0  # bumped by every read: a read that comes back older is dropped
        # What the read on a worker is reading for (None: no read there; Change.NONE: a
        # read for no change of the plan, such as a picker of the tab that moved).
        self._reading: Change | None = None
        self.read_seconds: float | None = None  # CPU time of the last read (with a reader)
        self._read_costs: dict[Change, float] = {}  # the last read's CPU time, by changes
        self.setObjectName(f"{type(self).__name__}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.intro = QLabel(self.explanation)
        self.intro.setObjectName("tabExplanation")
        self.intro.setWordWrap(True)
        self.updating = QLabel(UPDATING)
        self.updating.setObjectName("tabUpdating")
        self.updating.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quiet grey
        # Its room is kept while hidden, so the text beside it does not re-wrap each time.
        policy = self.updating.sizePolicy()
        policy.setRetainSizeWhenHidden(self.reads_in_parts)
        self.updating.setSizePolicy(policy)
        self.updating.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.intro, 1)
        top.addWidget(self.updating, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.body = layout
        ops.changed.connect(self._on_changed)

    # -- for subclasses ------------------------------------------------------------------

    def refresh(self, changes: Change) -> None:
        """Re-read what ``changes`` affect; ``self.profile``/``self.formats`` are current.

        A tab with a ``reader`` need not override it: this reads and presents at once."""
        reader = self.reader(changes)
        if reader is None:
            raise NotImplementedError
        self.present(changes, reader())

    def reader(self, changes: Change) -> Callable[[], Any] | None:
        """A function that reads the numbers ``changes`` affect, for ``present``.

        Called on the GUI thread, it captures what the read needs (plan, period, today);
        the function it returns may run on a worker thread, so it calls ``planner.queries``
        only and touches no widget and no attribute of the tab. None (the default): the
        tab reads and shows in ``refresh``."""
        return None

    def present(self, changes: Change, numbers: Any) -> None:
        """Show ``numbers`` (what ``reader(changes)``'s function returned); GUI thread."""
        raise NotImplementedError

    def today(self) -> dt.date:
        return today()

    @property
    def reads_in_parts(self) -> bool:
        """True for a tab that splits reading (``reader``) from showing (``present``)."""
        return type(self).reader is not PlanTab.reader

    @property
    def is_reading(self) -> bool:
        """True while a read on a worker has not been shown yet."""
        return self._reading is not None

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

    def read_now(self) -> None:
        """Read and show at once, on the GUI thread, what is stale or still being read on a
        worker (that read is then dropped): for an action that must find the row it just
        added (to select it and start editing it), whatever the size of the plan."""
        if not self._stale and self._reading is None:
            return
        pending, self._stale = self._stale | (self._reading or Change.NONE), Change.NONE
        self._at_once = True
        try:
            self._apply(pending)
        finally:
            self._at_once = False

    def _apply(self, changes: Change) -> None:
        if self.profile is None or changes & Change.PROFILE:
            self.profile = profile_summary(self.ops.plan)
            self.formats = Formats(self.profile.currency)
            changes |= Change.PROFILE
        self._read(changes)

    def _read(self, changes: Change) -> None:
        """Refresh for ``changes``: at once, or on a worker when this tab's reads are slow.
        A read still on a worker is replaced: its changes join this one's."""
        changes |= self._reading or Change.NONE
        self._generation += 1
        self._reading = None
        reader = self.reader(changes)
        if reader is None:
            self.updating.hide()
            self.refresh(changes)
            return
        if self._goes_to_worker(changes):
            generation = self._generation
            self._reading = changes
            self.updating.show()
            job = ReadJob(
                self,
                reader,
                self._read_done,
                lambda: self._generation == generation,
                changes,
            )
            reads_for(self.ops).submit(job)
            return
        self.updating.hide()
        result = timed_read(reader)
        self._show_read(changes, result)

    def _goes_to_worker(self, changes: Change) -> bool:
        if getattr(self, "_at_once", False):  # ``read_now``
            return False
        mode = type(self).read_mode
        if mode != "auto":
            return mode == "async"
        cost = self._read_costs.get(changes, max(self._read_costs.values(), default=0.0))
        return cost > type(self).read_async_after

    def _read_done(self, job: ReadJob, result: ReadResult) -> None:
        self._reading = None
        self.updating.hide()
        self._show_read(job.changes, result)

    def _show_read(self, changes: Change, result: ReadResult) -> None:
        self.read_seconds = self._read_costs[changes] = result.cpu_seconds
        if result.error is not None:
            raise result.error
        self.present(changes, result.value)

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
    # "module:function" taking the open plan's ``PlanOperations`` and starting the tab's
    # first read on a thread before the tab (or the rest of the window) is built; the tab
    # takes it from ``PlanOperations.take_first_read``. Empty: the tab reads when shown.
    first_read: str = ""

    @property
    def factory(self) -> type[PlanTab]:
        cls: type[PlanTab] = getattr(importlib.import_module(self.module), self.class_name)
        return cls

    def start_first_read(self, ops: PlanOperations) -> object | None:
        """Start this tab's first read of the plan of ``ops`` (see ``first_read``), if any."""
        if not self.first_read:
            return None
        module, function = self.first_read.split(":")
        start: Callable[[PlanOperations], object] = getattr(
            importlib.import_module(module), function
        )
        return start(ops)


class FiscalYearTab(PlanTab):
    """A tab whose figures belong to one fiscal year, with the period picker above them.

    The period (a fiscal year, a quarter or a run of months; the whole current year at
    first) is shared by every tab of the plan through ``ops.period_state``: picking Q2
    here shows Q2 on every tab. ``self.period`` is the selection, ``self.fiscal_year`` its
    year. When the selection changes, ``period_changed`` is called; by default it reloads
    the tab (``refresh(Change.ALL)``) at once when shown, else when next shown.
    """

    # Changes that can add a year to the choices (figures in a year not offered yet).
    YEAR_SOURCES: ClassVar[Change] = (
        Change.PROFILE | Change.TARGETS | Change.ACTUALS | Change.CHANNEL_MONTHS
    )

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        # The shared state is built (and hears ``ops.changed``) before this tab does, so a
        # new fiscal year start has moved the period before the tab reloads for it.
        state = ops.period_state
        super().__init__(ops, parent)
        self.period_state = state
        self._shown_period = self.period_state.period
        self.year_picker = PeriodPicker(self.period_state)
        self.body.addWidget(self.year_picker)
        self.period_state.period_changed.connect(self._period_picked)

    @property
    def period(self) -> PeriodRange:
        return self.period_state.period

    @property
    def fiscal_year(self) -> FiscalYear:
        return self.period_state.fiscal_year

    def period_changed(self, old: PeriodRange, new: PeriodRange) -> None:
        """The shared period moved from ``old`` to ``new`` while this tab is shown. Tabs
        that can do with less than a full reload (only a chart follows a quarter) say so
        here."""
        self._read(Change.ALL)

    def _apply(self, changes: Change) -> None:
        if self.profile is None or changes & self.YEAR_SOURCES:
            self.year_picker.set_years(fiscal_years(self.ops.plan, self.today()))
        self._shown_period = self.period
        super()._apply(changes)

    def _period_picked(self, period: PeriodRange) -> None:
        old = self._shown_period
        if period == old:
            return
        if not self.isVisible() or self.profile is None:
            self._stale |= Change.ALL  # read again when next shown
            return
        self._shown_period = period
        self.period_changed(old, period)
