"""What the Channels tab reads, apart from how it shows it: no widgets, so a read of a large
plan can run on a worker thread (``ui.tabs.base``).

``channel_reader`` reads the parts that a change touches: the channel list only when
channels, segments or the profile changed, and the deal results by channel (the slow part
on a large plan) only when a deal changed or the fiscal year is another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planner.db.plan import Plan
from planner.domain.periods import FiscalYear, Month
from planner.queries import ChannelRow, channels, locked_through
from planner.queries.channel_metrics import (
    ChannelYear,
    DealResults,
    channel_metrics,
    deal_results,
)
from planner.services.commands import Change
from ui.background import check_wanted

# Changes after which the channel list itself (names, kinds, segments) is read again.
LIST_CHANGES = Change.CHANNELS | Change.SEGMENTS | Change.PROFILE


@dataclass(frozen=True)
class ChannelNumbers:
    """One read of the Channels tab: the channel list (None: not re-read), the deal
    results by channel, the year's figures of every channel and the lock date."""

    rows: list[ChannelRow] | None
    deals: DealResults
    years: list[ChannelYear]
    locked_through: Month | None = None


def channel_reader(
    plan: Plan,
    fiscal_year: FiscalYear,
    changes: Change,
    *,
    have_list: bool,
    deals: DealResults | None,
) -> Callable[[], ChannelNumbers]:
    """The read after ``changes``, given whether the tab has its channel list already and
    the deal results it read last (None: none yet)."""
    read_list = bool(changes & LIST_CHANGES) or not have_list
    # The deal results stand while no deal changed.
    if changes & (Change.DEALS | LIST_CHANGES) or deals is None or deals.fiscal_year != fiscal_year:
        deals = None

    def read() -> ChannelNumbers:
        rows = channels(plan) if read_list else None
        check_wanted()
        results = deals if deals is not None else deal_results(plan, fiscal_year)
        check_wanted()
        years = channel_metrics(plan, fiscal_year, every_channel=True, deals=results)
        return ChannelNumbers(rows, results, years, locked_through(plan))

    return read
