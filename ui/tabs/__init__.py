"""The tabs of the main window, in sidebar order, grouped as the owner thinks of them."""

from ui.tabs.actuals import ActualsTab
from ui.tabs.base import FiscalYearTab, PlanTab, TabSpec
from ui.tabs.channels import ChannelsTab
from ui.tabs.dashboard import DashboardTab
from ui.tabs.forecast import ForecastTab
from ui.tabs.mix import MixTab
from ui.tabs.pipeline import PipelineTab
from ui.tabs.segments import SegmentsTab
from ui.tabs.targets import TargetsTab

TAB_SPECS: list[TabSpec] = [
    TabSpec(None, DashboardTab.title, DashboardTab, "dashboard"),
    TabSpec("Marketing", MixTab.title, MixTab, "mix"),
    TabSpec("Marketing", SegmentsTab.title, SegmentsTab, "segments"),
    TabSpec("Marketing", ChannelsTab.title, ChannelsTab, "channels"),
    TabSpec("Sales", TargetsTab.title, TargetsTab, "targets"),
    TabSpec("Sales", PipelineTab.title, PipelineTab, "pipeline"),
    TabSpec("Sales", ForecastTab.title, ForecastTab, "forecast"),
    TabSpec(None, ActualsTab.title, ActualsTab, "actuals"),
]

__all__ = [
    "TAB_SPECS",
    "ActualsTab",
    "ChannelsTab",
    "DashboardTab",
    "FiscalYearTab",
    "ForecastTab",
    "MixTab",
    "PipelineTab",
    "PlanTab",
    "SegmentsTab",
    "TabSpec",
    "TargetsTab",
]
