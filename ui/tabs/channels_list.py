"""The channel list of the Channels tab: its rows and columns, the kind chooser, and the
dialog choosing which segments a channel reaches.

Each row is a channel with what it cost and brought in over the fiscal year shown below,
so the owner can compare channels at a glance; archived channels come last, in grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from planner.db.models import Channel
from planner.domain.pipeline import CHANNEL_KINDS
from planner.queries import ChannelRow, SegmentRow
from planner.queries.channel_metrics import ChannelYear, Figures
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.tabs.channels_grid import format_ratio, whole_money
from ui.undo import PlanOperations

Index = QModelIndex | QPersistentModelIndex
_ARCHIVED = QColor("#80868f")


@dataclass(frozen=True, slots=True)
class ChannelLine:
    """A channel and its figures for the fiscal year shown (all zero when it had none)."""

    channel: ChannelRow
    year: Figures

    @property
    def id(self) -> int:
        return self.channel.id


def channel_lines(rows: Sequence[ChannelRow], years: Sequence[ChannelYear]) -> list[ChannelLine]:
    by_id = {y.channel_id: y.year for y in years}
    return [ChannelLine(row, by_id.get(row.id, Figures())) for row in rows]


CHANNEL_COLUMNS: list[Column[ChannelLine]] = [
    Column("Channel", lambda c: c.channel.name, field="name"),
    Column(
        "Kind",
        lambda c: c.channel.kind,
        field="kind",
        tooltip="What sort of channel it is. Double-click or type to choose.",
    ),
    Column(
        "Segments reached",
        lambda c: ", ".join(c.channel.segments),
        tooltip="The customer groups this channel reaches. Double-click to choose them.",
    ),
    Column(
        "Planned spend",
        lambda c: c.year.planned_spend,
        Kind.MONEY,
        tooltip="Planned spend over the fiscal year chosen below.",
    ),
    Column(
        "Actual spend",
        lambda c: c.year.actual_spend,
        Kind.MONEY,
        tooltip="What was really spent in the fiscal year chosen below.",
    ),
    Column(
        "Actual leads",
        lambda c: c.year.actual_leads,
        Kind.COUNT,
        tooltip="Enquiries the channel really brought in the fiscal year chosen below.",
    ),
    Column(
        "Cost per lead",
        lambda c: c.year.cost_per_lead_actual,
        Kind.MONEY,
        tooltip="Actual spend divided by actual leads, over the fiscal year.",
    ),
    Column(
        "Revenue won",
        lambda c: c.year.revenue_won,
        Kind.MONEY,
        tooltip="Amounts of the deals from this channel won in the fiscal year.",
    ),
    Column(
        "Return on spend",
        lambda c: c.year.return_on_spend,
        align=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        tooltip="Revenue won for each unit of money spent in the fiscal year: 3.2x means "
        "every {c}1 spent brought {c}3.20 of won deals.",
    ),
    Column("Notes", lambda c: c.channel.notes, field="notes"),
]
KIND_COLUMN = 1
SEGMENTS_COLUMN = 2
RATIO_COLUMN = 8


class ChannelListModel(RowTableModel):
    """The channel list; archived channels in grey italics."""

    def __init__(self, ops: PlanOperations) -> None:
        super().__init__(
            CHANNEL_COLUMNS,
            ops=ops,
            command_for=field_commands(Channel),
            row_label=lambda c: c.channel.name,
        )
        self._whole: set[int] = set()
        self._grey = QBrush(_ARCHIVED)
        self._italic = QFont()
        self._italic.setItalic(True)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        value = super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str):
            return value.format(c=self.formats.symbol)
        return value

    def set_rows(self, rows: Sequence[Any]) -> None:
        # Money columns of whole amounts only read "€5,850", not "€5,850.00".
        self._whole = {
            n
            for n, column in enumerate(self.columns)
            if column.kind is Kind.MONEY
            and all((v := column.value(r)) is None or v == v.to_integral_value() for r in rows)
        }
        super().set_rows(rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid():
            line: ChannelLine = self.row_at(index.row())
            if role == Qt.ItemDataRole.DisplayRole and index.column() == RATIO_COLUMN:
                return format_ratio(self.formats, line.year.return_on_spend)
            if role == Qt.ItemDataRole.DisplayRole and index.column() in self._whole:
                value = self.columns[index.column()].value(line)
                return "" if value is None else whole_money(self.formats, value)
            if line.channel.archived:
                if role == Qt.ItemDataRole.ForegroundRole:
                    return self._grey
                if role == Qt.ItemDataRole.FontRole:
                    return self._italic
                if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
                    return "Archived: no longer in use; its history stays in the plan."
        return super().data(index, role)


def matches(line: ChannelLine, text: str) -> bool:
    """Whether the search box text appears in the channel's name, kind, segments or notes."""
    needle = text.casefold()
    c = line.channel
    return any(needle in part.casefold() for part in (c.name, c.kind, c.notes, *c.segments))


class KindDelegate(QStyledItemDelegate):
    """The Kind column's editor: a list of the channel kinds; choosing one stores it."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(list(CHANNEL_KINDS))
        combo.activated.connect(lambda _i: self._chosen(combo))
        return combo

    def _chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            # Open the list at once (once the editor is on screen): one click, not two.
            QTimer.singleShot(0, editor, editor.showPopup)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class SegmentsDialog(QDialog):
    """Tick the segments a channel reaches."""

    def __init__(
        self,
        channel: str,
        segments: Sequence[SegmentRow],
        reached: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Segments Reached")
        self.setObjectName("segmentsReachedDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Which groups of customers does “{channel}” reach? Linking them shows, on the "
            "Segments tab, through which channels each group hears from you."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        for segment in segments:
            item = QListWidgetItem(segment.name)
            item.setData(Qt.ItemDataRole.UserRole, segment.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = segment.name in reached
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        if not segments:
            layout.addWidget(QLabel("There are no segments yet; add them on the Segments tab."))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 440), self.sizeHint().height())

    def chosen(self) -> frozenset[int]:
        """The ids of the ticked segments."""
        return frozenset(
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_checked(self, names: Sequence[str]) -> None:
        """Tick exactly ``names`` (what a user's clicks would do)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            state = Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked
            item.setCheckState(state)
