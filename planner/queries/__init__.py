"""Read-only queries for tabs, charts, exports and reports.

Every query is a plain function that takes an open ``planner.db.plan.Plan`` (never a
session: each opens its own short read-only one) and returns frozen dataclass rows. Money
is ``Decimal`` in the plan's currency, months are ``Month``; per-year queries take a
``FiscalYear``, a year number in the plan's fiscal calendar, or None for the year
containing ``today`` (the real date unless given).

The package loads lazily: a name is imported from its module the first time it is asked
for, so opening the window loads the queries of the first tab only (each module's frozen
dataclasses cost about half a millisecond apiece to create; all of them, 40 ms of the
start). ``_EXPORTS`` says where each name lives; type checkers read the imports under
``TYPE_CHECKING``, and tests/unit/test_queries_package.py keeps the two the same.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# Each module of the package and the names it gives the package.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "actuals": (
        "MonthlyRevenue",
        "OfferingActuals",
        "monthly_actuals",
        "revenue_history",
        "locked_through",
    ),
    "channel_metrics": (
        "ALL_CHANNELS",
        "ChannelYear",
        "DealResults",
        "Figures",
        "channel_metrics",
        "deal_results",
    ),
    "channels": (
        "ChannelMonthRow",
        "ChannelRow",
        "channel_months",
        "channels",
        "SeasonalShapes",
        "seasonal_shapes",
    ),
    "feedback": (
        "ReasonCount",
        "SegmentFeedback",
        "closed_deal_years",
        "segment_feedback",
    ),
    "forecast": (
        "ForecastMonth",
        "SimpleForecast",
        "seasonal_naive",
        "simple_forecast",
        "GapPlan",
        "RevenueForecast",
        "close_the_gap",
        "revenue_forecast",
    ),
    "mix": (
        "ChannelLink",
        "OfferingDetail",
        "OfferingRow",
        "SegmentLink",
        "offering_detail",
        "offerings",
    ),
    "pipeline": (
        "Choice",
        "DealChoices",
        "DealDetail",
        "DealRow",
        "PipelineFigures",
        "deals",
        "pipeline_figures",
        "StageRow",
        "deal_choices",
        "deal_detail",
        "stages",
        "stale_reasons",
    ),
    "pipeline_forecast": (
        "ForecastOutlook",
        "PipelineForecast",
        "forecast_outlook",
        "pipeline_forecast",
    ),
    "profile": (
        "ProfileSummary",
        "current_fiscal_year",
        "fiscal_years",
        "profile_summary",
    ),
    "segments": (
        "LinkChoice",
        "SegmentLinkChoices",
        "SegmentRow",
        "segment_link_choices",
        "segments",
    ),
    "targets": (
        "Breakdown",
        "BreakdownRow",
        "BreakdownRowKind",
        "PeriodLevel",
        "PlanVsActualRow",
        "RevenueToDate",
        "TargetRow",
        "plan_vs_actual",
        "revenue_to_date",
        "targets",
        "TargetLine",
        "TargetOverview",
        "target_overview",
    ),
    "winloss": (
        "Board",
        "BoardCard",
        "BoardColumn",
        "BoardStage",
        "LostReasonRow",
        "WinLoss",
        "WinLossRow",
        "pipeline_board",
        "win_loss",
    ),
}
_SOURCE = {name: module for module, names in _EXPORTS.items() for name in names}

if TYPE_CHECKING:
    from planner.queries.actuals import (
        MonthlyRevenue,
        OfferingActuals,
        monthly_actuals,
        revenue_history,
    )
    from planner.queries.actuals import locked_through as locked_through
    from planner.queries.channel_metrics import ALL_CHANNELS as ALL_CHANNELS
    from planner.queries.channel_metrics import ChannelYear as ChannelYear
    from planner.queries.channel_metrics import DealResults as DealResults
    from planner.queries.channel_metrics import Figures as Figures
    from planner.queries.channel_metrics import channel_metrics as channel_metrics
    from planner.queries.channel_metrics import deal_results as deal_results
    from planner.queries.channels import ChannelMonthRow, ChannelRow, channel_months, channels
    from planner.queries.channels import SeasonalShapes as SeasonalShapes
    from planner.queries.channels import seasonal_shapes as seasonal_shapes
    from planner.queries.feedback import (
        ReasonCount,
        SegmentFeedback,
        closed_deal_years,
        segment_feedback,
    )
    from planner.queries.forecast import (
        ForecastMonth,
        SimpleForecast,
        seasonal_naive,
        simple_forecast,
    )
    from planner.queries.forecast import GapPlan as GapPlan
    from planner.queries.forecast import RevenueForecast as RevenueForecast
    from planner.queries.forecast import close_the_gap as close_the_gap
    from planner.queries.forecast import revenue_forecast as revenue_forecast
    from planner.queries.mix import (
        ChannelLink,
        OfferingDetail,
        OfferingRow,
        SegmentLink,
        offering_detail,
        offerings,
    )
    from planner.queries.pipeline import Choice as Choice
    from planner.queries.pipeline import DealChoices as DealChoices
    from planner.queries.pipeline import DealDetail as DealDetail
    from planner.queries.pipeline import DealRow, PipelineFigures, deals, pipeline_figures
    from planner.queries.pipeline import StageRow as StageRow
    from planner.queries.pipeline import deal_choices as deal_choices
    from planner.queries.pipeline import deal_detail as deal_detail
    from planner.queries.pipeline import stages as stages
    from planner.queries.pipeline import stale_reasons as stale_reasons
    from planner.queries.pipeline_forecast import ForecastOutlook as ForecastOutlook
    from planner.queries.pipeline_forecast import PipelineForecast as PipelineForecast
    from planner.queries.pipeline_forecast import forecast_outlook as forecast_outlook
    from planner.queries.pipeline_forecast import pipeline_forecast as pipeline_forecast
    from planner.queries.profile import (
        ProfileSummary,
        current_fiscal_year,
        fiscal_years,
        profile_summary,
    )
    from planner.queries.segments import (
        LinkChoice,
        SegmentLinkChoices,
        SegmentRow,
        segment_link_choices,
        segments,
    )
    from planner.queries.targets import Breakdown as Breakdown
    from planner.queries.targets import BreakdownRow as BreakdownRow
    from planner.queries.targets import BreakdownRowKind as BreakdownRowKind
    from planner.queries.targets import (
        PeriodLevel,
        PlanVsActualRow,
        RevenueToDate,
        TargetRow,
        plan_vs_actual,
        revenue_to_date,
        targets,
    )
    from planner.queries.targets import TargetLine as TargetLine
    from planner.queries.targets import TargetOverview as TargetOverview
    from planner.queries.targets import target_overview as target_overview
    from planner.queries.winloss import Board as Board
    from planner.queries.winloss import BoardCard as BoardCard
    from planner.queries.winloss import BoardColumn as BoardColumn
    from planner.queries.winloss import BoardStage as BoardStage
    from planner.queries.winloss import LostReasonRow as LostReasonRow
    from planner.queries.winloss import WinLoss as WinLoss
    from planner.queries.winloss import WinLossRow as WinLossRow
    from planner.queries.winloss import pipeline_board as pipeline_board
    from planner.queries.winloss import win_loss as win_loss
else:

    class _Package(types.ModuleType):
        """This package's module object: it imports a name's module when the name is first
        asked for."""

        def __getattr__(self, name: str) -> Any:
            module = _SOURCE.get(name)
            if module is None:
                raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
            value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            types.ModuleType.__setattr__(self, name, value)
            return value

        def __setattr__(self, name: str, value: Any) -> None:
            # The import system binds each module on its package as it loads. Where a
            # function has its module's name (targets, channels, segments, ...), the
            # package's name means the function, as it always has: keep it so.
            if name in _SOURCE and isinstance(value, types.ModuleType):
                return
            types.ModuleType.__setattr__(self, name, value)

    sys.modules[__name__].__class__ = _Package


__all__ = [
    "ChannelLink",
    "ChannelMonthRow",
    "ChannelRow",
    "DealRow",
    "ForecastMonth",
    "LinkChoice",
    "MonthlyRevenue",
    "OfferingActuals",
    "OfferingDetail",
    "OfferingRow",
    "PeriodLevel",
    "PipelineFigures",
    "PlanVsActualRow",
    "ProfileSummary",
    "ReasonCount",
    "RevenueToDate",
    "SegmentFeedback",
    "SegmentLink",
    "SegmentLinkChoices",
    "SegmentRow",
    "SimpleForecast",
    "TargetRow",
    "channel_months",
    "channels",
    "closed_deal_years",
    "current_fiscal_year",
    "deals",
    "fiscal_years",
    "monthly_actuals",
    "offering_detail",
    "offerings",
    "pipeline_figures",
    "plan_vs_actual",
    "profile_summary",
    "revenue_history",
    "revenue_to_date",
    "seasonal_naive",
    "segment_feedback",
    "segment_link_choices",
    "segments",
    "simple_forecast",
    "targets",
]
