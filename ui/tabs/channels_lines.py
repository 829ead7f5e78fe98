"""The rows of the Channels tab's month-by-month grid: which figures it shows and their values.

``Line`` names each figure (label, kind, the stored field an input edits, where its value
comes from in ``planner.queries.channel_metrics.Figures``, and what it means); ``GridRow``
is one figure over the twelve months, four quarters and the year; ``grid_rows`` builds
them from a channel's year. How the rows look and are edited is ``channels_grid``'s part.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from planner.domain.periods import Month
from planner.queries.channel_metrics import ChannelYear, Figures
from planner.queries.channels import compared_periods
from ui.models.table import Kind

RATIO = "ratio"  # a Line whose values read "3.2x"


class Line(Enum):
    """A row of the grid: label, kind, the stored field it edits (inputs only), how its
    value comes from a period's ``Figures``, and what it means."""

    PLANNED_SPEND = (
        "Planned spend",
        Kind.MONEY,
        "planned_spend_minor",
        "planned_spend",
        "What you plan to spend on this channel.",
    )
    ACTUAL_SPEND = (
        "Actual spend",
        Kind.MONEY,
        "actual_spend_minor",
        "actual_spend",
        "What you really spent; leave a month empty until you know.",
    )
    PLANNED_LEADS = (
        "Planned leads",
        Kind.COUNT,
        "planned_leads",
        "planned_leads",
        "How many enquiries you expect the channel to bring.",
    )
    ACTUAL_LEADS = (
        "Actual leads",
        Kind.COUNT,
        "actual_leads",
        "actual_leads",
        "How many enquiries it really brought; empty until you know.",
    )
    SPEND_VARIANCE = (
        "Spend variance",
        Kind.MONEY,
        None,
        "spend_variance",
        "Actual spend minus planned spend, over the months whose actual spend "
        "is entered. Above zero: you spent more than planned.",
    )
    SPEND_VARIANCE_PCT = (
        "Spend variance %",
        Kind.PERCENT,
        None,
        "spend_variance_pct",
        "The spend variance as a share of the planned spend it is compared with.",
    )
    LEADS_VARIANCE = (
        "Leads variance",
        Kind.COUNT,
        None,
        "leads_variance",
        "Actual leads minus planned leads, over the months whose actual leads "
        "are entered. Above zero: more leads than planned.",
    )
    LEADS_VARIANCE_PCT = (
        "Leads variance %",
        Kind.PERCENT,
        None,
        "leads_variance_pct",
        "The leads variance as a share of the planned leads it is compared with.",
    )
    COST_PER_LEAD_PLAN = (
        "Cost per lead (plan)",
        Kind.MONEY,
        None,
        "cost_per_lead_plan",
        "Planned spend divided by planned leads: what you expect one lead to cost.",
    )
    COST_PER_LEAD = (
        "Cost per lead (actual)",
        Kind.MONEY,
        None,
        "cost_per_lead_actual",
        "Actual spend divided by actual leads: what one lead really cost.",
    )
    DEALS_SOURCED = (
        "Deals sourced",
        Kind.COUNT,
        None,
        "deals_sourced",
        "Deals in the pipeline that came from this channel, by the month they were created.",
    )
    DEALS_WON = (
        "Deals won",
        Kind.COUNT,
        None,
        "deals_won",
        "Deals from this channel that were won, by the month they closed.",
    )
    REVENUE_WON = (
        "Revenue won",
        Kind.MONEY,
        None,
        "revenue_won",
        "The amounts of the deals won from this channel.",
    )
    COST_PER_CUSTOMER = (
        "Cost per customer won",
        Kind.MONEY,
        None,
        "cost_per_customer",
        "Actual spend divided by deals won: what winning one customer through this channel cost.",
    )
    RETURN_ON_SPEND = ("Return on spend", RATIO, None, "return_on_spend",
                       "Revenue won for each unit of money spent: 3.2x means every {c}1 spent "
                       "brought {c}3.20 of won deals. Below 1x the channel costs more than the "
                       "deals it wins bring in.")  # fmt: skip

    def __init__(self, label: str, kind: Kind | str, field: str | None, attr: str,
                 tooltip: str) -> None:  # fmt: skip
        self.label = label
        self.kind = kind
        self.field = field
        self.attr = attr
        self.tooltip = tooltip

    def of(self, figures: Figures) -> Any:
        return getattr(figures, self.attr)

    @property
    def is_input(self) -> bool:
        return self.field is not None


INPUT_LINES = [line for line in Line if line.is_input]
# Variances: compared over the months that are over, shown with a sign.
SIGNED_LINES = {Line.SPEND_VARIANCE, Line.SPEND_VARIANCE_PCT, Line.LEADS_VARIANCE,
                Line.LEADS_VARIANCE_PCT}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GridRow:
    """One figure of one channel (``channel_id`` None: all channels) over the 17 periods:
    twelve months, four quarters, the year."""

    line: Line
    channel_id: int | None
    months: tuple[Month, ...]
    values: tuple[Any, ...]

    @property
    def editable(self) -> bool:
        return self.line.is_input and self.channel_id is not None

    @property
    def kind(self) -> Kind:
        return Kind.TEXT if self.line.kind == RATIO else self.line.kind  # type: ignore[return-value]


def grid_rows(year: ChannelYear, current: Month | None = None) -> list[GridRow]:
    """The grid's rows for one channel's (or all channels') year of figures; the
    variances leave out the month in progress (``current``), which is not over yet."""
    periods = year.periods
    compared = periods if current is None else compared_periods(year, current)
    return [
        GridRow(line, year.channel_id, year.months,
                tuple(line.of(f) for f in (compared if line in SIGNED_LINES else periods)))
        for line in Line
    ]  # fmt: skip
