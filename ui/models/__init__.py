"""Item models and delegates shared by the tabs: one generic row table, value formats,
and the cell editor."""

from ui.models.delegates import CellDelegate
from ui.models.formats import Formats
from ui.models.table import Column, Kind, RowTableModel, field_commands, parse_input

__all__ = [
    "CellDelegate",
    "Column",
    "Formats",
    "Kind",
    "RowTableModel",
    "field_commands",
    "parse_input",
]
