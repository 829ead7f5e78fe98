"""Charts for every part of the app: ``from ui.charts import ChartView``.

Importing this package is cheap: PySide6 and ui.models only (about 20 ms on top of those,
which the app has loaded anyway). pyqtgraph and numpy are imported when the first
ChartView is built, which costs about 0.3 s on this machine (measured with
bench/bench_charts.py: first ChartView 280-315 ms, of which numpy ~60-140 ms and
pyqtgraph ~220-320 ms on a cold cache), so the start page and a plan's first tab open
without waiting for them.
"""

from ui.charts.axes import ValueFormat
from ui.charts.style import ROLES, RoleStyle, role_style
from ui.charts.view import ChartView

__all__ = ["ROLES", "ChartView", "RoleStyle", "ValueFormat", "role_style"]
