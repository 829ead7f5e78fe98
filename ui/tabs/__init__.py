"""The tabs of the main window, in sidebar order, grouped as the owner thinks of them.

Each tab's module is imported only when the tab is first built (see ``TabSpec.factory``);
``from ui.tabs import MixTab`` still works and imports just that module.
"""

from __future__ import annotations

import importlib
from typing import Any

from ui.tabs.base import FiscalYearTab, PlanTab, TabSpec

_DASHBOARD_READ = "ui.tabs.dashboard_read:start_first_read"
TAB_SPECS: list[TabSpec] = [
    # The Dashboard's numbers are read from the moment the plan opens (``first_read``).
    TabSpec(None, "Dashboard", "ui.tabs.dashboard", "DashboardTab", "dashboard", _DASHBOARD_READ),
    TabSpec("Marketing", "Marketing mix (4Ps)", "ui.tabs.mix", "MixTab", "mix"),
    TabSpec("Marketing", "Segments", "ui.tabs.segments", "SegmentsTab", "segments"),
    TabSpec("Marketing", "Channels", "ui.tabs.channels", "ChannelsTab", "channels"),
    TabSpec("Sales", "Targets", "ui.tabs.targets", "TargetsTab", "targets"),
    TabSpec("Sales", "Pipeline", "ui.tabs.pipeline", "PipelineTab", "pipeline"),
    TabSpec("Sales", "Forecast", "ui.tabs.forecast", "ForecastTab", "forecast"),
    TabSpec(None, "Actuals", "ui.tabs.actuals", "ActualsTab", "actuals"),
]
_BY_CLASS = {spec.class_name: spec for spec in TAB_SPECS}


def __getattr__(name: str) -> Any:
    spec = _BY_CLASS.get(name)
    if spec is None:
        raise AttributeError(f"module 'ui.tabs' has no attribute {name!r}")
    return getattr(importlib.import_module(spec.module), name)


__all__ = ["TAB_SPECS", "FiscalYearTab", "PlanTab", "TabSpec", *_BY_CLASS]
