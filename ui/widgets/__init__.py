"""Widgets every tab shares: the spreadsheet-like table and the search box."""

from ui.widgets.search import SearchBox
from ui.widgets.sheet import SheetView

__all__ = ["SearchBox", "SheetView"]
