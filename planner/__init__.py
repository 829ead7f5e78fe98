"""The headless core of the Sales & Marketing Planner.

Nothing under ``planner`` imports Qt: every use case here runs from a plain Python
script, and the Qt layer in ``ui`` is a thin shell on top.
"""

__version__ = "0.1.0"
