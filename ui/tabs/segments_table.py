"""The tables of the Segments tab: the segments with their market size, and the feedback
from sales per segment; plus how their cells are edited.

Priority is shown and typed as High, Medium or Low (a drop-down in the cell); Targeted is a
check box, and also takes Yes or No when typed or pasted. Every other editable cell goes through the
segment's field rules in ``planner.services.edit``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from planner.db.models import Segment
from planner.db.plan import UnitOfWork
from planner.domain.periods import FiscalYear
from planner.queries import SegmentFeedback, SegmentRow
from planner.services.commands import Command
from planner.services.edit import change_field
from planner.services.errors import ValidationError
from ui.models.formats import Formats
from ui.models.table import Column, Kind, RowTableModel
from ui.undo import PlanOperations

PRIORITIES = {1: "High", 2: "Medium", 3: "Low"}
_PRIORITY_WORDS = {
    **{label.casefold(): number for number, label in PRIORITIES.items()},
    **{label[0].casefold(): number for number, label in PRIORITIES.items()},
    **{str(number): number for number in PRIORITIES},
}
_YES = {"yes", "y", "true", "1", "x", "✓", "✔"}
_NO = {"no", "n", "false", "0", "-"}

TAM_TIP = (
    "Total market (TAM): what all potential customers together spend a year on offerings "
    "like yours (potential customers × yearly value)."
)
SAM_TIP = (
    "Serviceable market (SAM): the part of the total market your offerings and channels "
    "can actually reach (TAM × serviceable share)."
)
SOM_TIP = (
    "Obtainable market (SOM): the part of the serviceable market you can realistically win "
    "(SAM × obtainable share)."
)

SEGMENT_COLUMNS: list[Column[SegmentRow]] = [
    Column(
        "Segment",
        lambda s: s.name,
        field="name",
        tooltip="A short name for a group of customers with similar needs.",
    ),
    Column(
        "Potential customers",
        lambda s: s.customers,
        Kind.COUNT,
        field="customers",
        tooltip="How many such customers exist in the area you could serve at all.",
    ),
    Column(
        "Yearly value",
        lambda s: s.yearly_value,
        Kind.MONEY,
        field="yearly_value_minor",
        tooltip="What one such customer spends on offerings like yours in a year.",
    ),
    Column("Total market (TAM)", lambda s: s.tam, Kind.MONEY, tooltip=TAM_TIP),
    Column(
        "Serviceable share",
        lambda s: s.serviceable_pct,
        Kind.PERCENT,
        field="serviceable_bp",
        tooltip="The part of the market your offerings and channels can actually reach.",
    ),
    Column("Serviceable (SAM)", lambda s: s.sam, Kind.MONEY, tooltip=SAM_TIP),
    Column(
        "Obtainable share",
        lambda s: s.obtainable_pct,
        Kind.PERCENT,
        field="obtainable_bp",
        tooltip="The part of the reachable market you can realistically win.",
    ),
    Column("Obtainable (SOM)", lambda s: s.som, Kind.MONEY, tooltip=SOM_TIP),
    Column(
        "Growth a year",
        lambda s: s.growth_pct,
        Kind.PERCENT,
        field="growth_bp",
        tooltip="How fast this market grows (or shrinks, below 0) in a year.",
    ),
    Column(
        "Priority",
        lambda s: PRIORITIES.get(s.priority, str(s.priority)),
        field="priority",
        sort_by=lambda s: s.priority,
        tooltip="How much of your effort this segment deserves: High, Medium or Low.",
    ),
    Column(
        "Targeted",
        lambda s: s.targeted,
        Kind.BOOL,
        field="targeted",
        tooltip="Ticked when you actively go after this segment this year.",
    ),
    Column(
        "Description",
        lambda s: s.description,
        field="description",
        tooltip="Who they are: age or size of business, where, what they do.",
    ),
    Column(
        "Needs and pains",
        lambda s: s.needs,
        field="needs",
        tooltip="What they want to get done, and what annoys them about the options today.",
    ),
]
COLUMN = {column.header: n for n, column in enumerate(SEGMENT_COLUMNS)}
PRIORITY_COLUMN = COLUMN["Priority"]
TARGETED_COLUMN = COLUMN["Targeted"]
# Market sizes are estimates: whole money reads better than cents, and keeps them narrow.
MARKET_COLUMNS = frozenset(COLUMN[h] for h in ("Total market (TAM)", "Serviceable (SAM)",
                                                "Obtainable (SOM)"))  # fmt: skip
# Headers on two lines, so the figures fit across a laptop screen.
_HEADER_LINES = {
    "Potential customers": "Potential\ncustomers",
    "Yearly value": "Yearly\nvalue",
    "Serviceable share": "Serviceable\nshare",
    "Obtainable share": "Obtainable\nshare",
    "Growth a year": "Growth\na year",
    "Total market (TAM)": "Total market\n(TAM)",
    "Serviceable (SAM)": "Serviceable\n(SAM)",
    "Obtainable (SOM)": "Obtainable\n(SOM)",
}


def read_priority(value: Any) -> int:
    """1, 2 or 3 from "High", "medium", "L", "2"...; refuses anything else."""
    number = _PRIORITY_WORDS.get(str(value if value is not None else "").strip().casefold())
    if number is None:
        raise ValidationError("Choose a priority: High, Medium or Low.", "priority")
    return number


def read_yes_no(value: Any) -> bool:
    """True or False from a check box, or from "Yes", "no", "x", "1"... typed or pasted."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO or text == "":
        return False
    raise ValidationError(f"'{value}' is not Yes or No.", "targeted")


def segment_command(uow: UnitOfWork, row: SegmentRow, column: Column[Any], value: Any) -> Command:
    """The command for an edit of one segment cell (``RowTableModel.command_for``)."""
    assert column.field is not None
    if column.field == "priority":
        value = read_priority(value)
    elif column.field == "targeted":
        value = read_yes_no(value)
    return change_field(uow, Segment, row.id, column.field, value)


class SegmentTableModel(RowTableModel):
    """Segments under ``SEGMENT_COLUMNS``; the Targeted column is a check box."""

    def __init__(self, ops: PlanOperations, parent: QObject | None = None) -> None:
        super().__init__(
            SEGMENT_COLUMNS,
            ops=ops,
            command_for=segment_command,
            row_label=lambda s: s.name,
            parent=parent,
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if index.isValid() and index.column() == TARGETED_COLUMN:
            targeted = self.row_at(index.row()).targeted
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if targeted else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.DisplayRole:
                return "Yes" if targeted else "No"
            if role == Qt.ItemDataRole.EditRole:
                return "Yes" if targeted else "No"
        if (
            role == Qt.ItemDataRole.DisplayRole
            and index.isValid()
            and index.column() in MARKET_COLUMNS
        ):
            value = self.columns[index.column()].value(self.row_at(index.row()))
            return self.formats.locale.toCurrencyString(float(value), self.formats.symbol, 0)
        return super().data(index, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        header = super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole and isinstance(header, str):
            return _HEADER_LINES.get(header, header)
        return header

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == TARGETED_COLUMN:
            # A click or Space ticks it; typing or pasting Yes or No works too.
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == TARGETED_COLUMN:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            return super().setData(index, "Yes" if checked else "No", Qt.ItemDataRole.EditRole)
        return super().setData(index, value, role)


class PriorityDelegate(QStyledItemDelegate):
    """A drop-down of High, Medium and Low for the Priority cell; a choice is stored at once."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("priorityEditor")
        combo.addItems(list(PRIORITIES.values()))
        combo.activated.connect(lambda _n: self._choose(combo))
        return combo

    def _choose(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


# -- feedback from sales -------------------------------------------------------------------


def reasons_text(row: SegmentFeedback) -> str:
    """ "Price too high (7), Chose a competitor (4)" """
    return ", ".join(f"{r.reason} ({r.deals:,})" for r in row.top_lost_reasons)


FEEDBACK_COLUMNS: list[Column[SegmentFeedback]] = [
    Column("Segment", lambda f: f.segment),
    Column("Deals won", lambda f: f.won, Kind.COUNT),
    Column("Deals lost", lambda f: f.lost, Kind.COUNT),
    Column(
        "Win rate",
        lambda f: f.win_rate,
        Kind.PERCENT,
        tooltip="Deals won out of all deals closed (won or lost).",
    ),
    Column("Revenue won", lambda f: f.revenue_won, Kind.MONEY),
    Column(
        "Average won deal",
        lambda f: f.average_won,
        Kind.MONEY,
        tooltip="Revenue won divided by the number of deals won.",
    ),
    Column(
        "Lost most often to",
        reasons_text,
        tooltip="The reasons recorded most often on lost deals, with how many deals each.",
    ),
]


def feedback_sentence(
    row: SegmentFeedback | None, formats: Formats, year: FiscalYear | None
) -> str:
    """What sales says about one segment, in words, for the detail panel (all time when
    ``year`` is None)."""
    if row is None or row.closed == 0:
        if year is None:
            return "No deals from this segment have been won or lost yet."
        return f"No deals from this segment were won or lost in {year.label}."
    period = "so far" if year is None else f"in {year.label}"
    parts = [
        f"Sales {period}: {row.won:,} won and {row.lost:,} lost",
        f"a win rate of {formats.percent(row.win_rate)}." if row.win_rate is not None else "",
    ]
    text = ", ".join(p for p in parts if p)
    if row.won:
        average = formats.money(row.average_won)
        text += f" Revenue won {formats.money(row.revenue_won)}, {average} a deal on average."
    if row.top_lost_reasons:
        text += f" Lost most often to: {reasons_text(row)}."
    if row.lost_without_reason:
        many = row.lost_without_reason != 1
        text += (
            f" {row.lost_without_reason:,} lost deal{'s' if many else ''} "
            f"{'have' if many else 'has'} no reason recorded."
        )
    return text
