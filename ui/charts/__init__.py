"""Charts for every part of the app: ``from ui.charts import ChartView``.

Importing this package is cheap: it pulls in PySide6 only. pyqtgraph and numpy are
imported when the first ChartView is built, which costs about 0.2-0.35 s on this machine
(measured: numpy 60-140 ms, pyqtgraph 220-320 ms on top of PySide6.QtWidgets), so the
start page and a plan's first tab open without waiting for them.
"""

from ui.charts.axes import ValueFormat
from ui.charts.style import ROLES, RoleStyle, role_style
from ui.charts.view import ChartView

__all__ = ["ROLES", "ChartView", "RoleStyle", "ValueFormat", "role_style"]
