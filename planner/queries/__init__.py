"""Read-only queries for tabs, charts, exports and reports.

Every query is a plain function that takes an open ``planner.db.plan.Plan`` (never a
session: each opens its own short read-only one) and returns frozen dataclass rows. Money
is ``Decimal`` in the plan's currency, months are ``Month``; per-year queries take a
``FiscalYear``, a year number in the plan's fiscal calendar, or None for the year
containing ``today`` (the real date unless given).
"""

from planner.queries.actuals import (
    MonthlyRevenue,
    OfferingActuals,
    monthly_actuals,
    revenue_history,
)
from planner.queries.channels import ChannelMonthRow, ChannelRow, channel_months, channels
from planner.queries.forecast import ForecastMonth, SimpleForecast, seasonal_naive, simple_forecast
from planner.queries.mix import OfferingRow, offerings
from planner.queries.pipeline import DealRow, PipelineFigures, deals, pipeline_figures
from planner.queries.profile import (
    ProfileSummary,
    current_fiscal_year,
    fiscal_years,
    profile_summary,
)
from planner.queries.segments import SegmentRow, segments
from planner.queries.targets import (
    PeriodLevel,
    PlanVsActualRow,
    RevenueToDate,
    TargetRow,
    plan_vs_actual,
    revenue_to_date,
    targets,
)

__all__ = [
    "ChannelMonthRow",
    "ChannelRow",
    "DealRow",
    "ForecastMonth",
    "MonthlyRevenue",
    "OfferingActuals",
    "OfferingRow",
    "PeriodLevel",
    "PipelineFigures",
    "PlanVsActualRow",
    "ProfileSummary",
    "RevenueToDate",
    "SegmentRow",
    "SimpleForecast",
    "TargetRow",
    "channel_months",
    "channels",
    "current_fiscal_year",
    "deals",
    "fiscal_years",
    "monthly_actuals",
    "offerings",
    "pipeline_figures",
    "plan_vs_actual",
    "profile_summary",
    "revenue_history",
    "revenue_to_date",
    "seasonal_naive",
    "segments",
    "simple_forecast",
    "targets",
]
