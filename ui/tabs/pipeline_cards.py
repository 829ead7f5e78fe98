"""The pieces of the pipeline board: a list model of deal cards that drags and accepts
deals (as a MIME type carrying the deal id), the delegate that paints a card, one stage
column, and the dialog asking why a deal was lost.

A column shows the newest cards the board read; scrolled to its end, it reads the next
ones for that column alone (``canFetchMore``/``fetchMore``), so a stage with 30,000 deals
costs nothing until someone scrolls through it.

A drop does not change the database itself: the column model hands the deal id to the
board's callback through a queued call, so the model reset that follows the move never
happens inside Qt's own drop handling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from planner.queries import BoardCard, BoardColumn
from ui.models.formats import Formats

DEAL_MIME = "application/x-smplanner-deal-id"
CARD_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
STALE_RED = QColor("#d32f2f")


def deal_mime(deal_id: int) -> QMimeData:
    """What a dragged card carries: its deal id, as text under ``DEAL_MIME``."""
    mime = QMimeData()
    mime.setData(DEAL_MIME, QByteArray(str(deal_id).encode("ascii")))
    return mime


def deal_from_mime(mime: QMimeData | None) -> int | None:
    """The deal id a drop carries, or None when it carries something else."""
    if mime is None or not mime.hasFormat(DEAL_MIME):
        return None
    try:
        return int(bytes(mime.data(DEAL_MIME).data()).decode("ascii"))
    except ValueError:
        return None


def card_tooltip(card: BoardCard, formats: Formats) -> str:
    lines = [card.customer]
    if card.title:
        lines.append(card.title)
    lines.append(f"Amount: {formats.money(card.amount)}")
    if card.owner:
        lines.append(f"Owner: {card.owner}")
    if card.closed_on is not None:
        lines.append(f"Closed: {formats.date(card.closed_on)}")
    elif card.expected_close is not None:
        lines.append(f"Expected to close: {formats.date(card.expected_close)}")
    if card.lost_reason:
        lines.append(f"Lost because: {card.lost_reason}")
    if card.stale_reasons:
        lines.append("Needs attention: " + "; ".join(card.stale_reasons))
    return "\n".join(lines)


CardsAfter = Callable[[int], Sequence[BoardCard]]  # the next cards after the first n


class CardListModel(QAbstractListModel):
    """The cards of one column. Cards drag out as their deal id; a deal dropped here is
    handed to ``on_drop(deal_id)`` on the next turn of the event loop. With ``more`` and
    ``total`` set, the view reads further cards as it is scrolled to the end."""

    def __init__(self, formats: Formats, on_drop: Callable[[int], Any] | None = None) -> None:
        super().__init__()
        self.formats = formats
        self.cards: tuple[BoardCard, ...] = ()
        self.on_drop = on_drop
        self.total = 0
        self.more: CardsAfter | None = None

    def set_cards(
        self,
        cards: Sequence[BoardCard],
        formats: Formats,
        *,
        total: int | None = None,
        more: CardsAfter | None = None,
    ) -> None:
        self.beginResetModel()
        self.cards = tuple(cards)
        self.formats = formats
        self.total = len(self.cards) if total is None else total
        self.more = more
        self.endResetModel()

    @property
    def hidden(self) -> int:
        """Cards of the column not read yet."""
        return max(self.total - len(self.cards), 0)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.more is not None and self.hidden > 0

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        assert self.more is not None
        known = {card.id for card in self.cards}
        # A card dragged in since the column was read may come again: keep it once.
        new = [card for card in self.more(len(self.cards)) if card.id not in known]
        if not new:
            self.total = len(self.cards)  # the column shrank since it was read
            return
        start = len(self.cards)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        self.cards = (*self.cards, *new)
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cards):
            return None
        card = self.cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.customer
        if role == Qt.ItemDataRole.ToolTipRole:
            return card_tooltip(card, self.formats)
        if role == CARD_ROLE:
            return card
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # the empty space of the column
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def mimeTypes(self) -> list[str]:
        return [DEAL_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = [i.row() for i in indexes if i.isValid()]
        return deal_mime(self.cards[rows[0]].id) if rows else QMimeData()

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return deal_from_mime(data) is not None and self.on_drop is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        deal_id = deal_from_mime(data)
        if deal_id is None or self.on_drop is None:
            return False
        callback = self.on_drop
        QTimer.singleShot(0, lambda: callback(deal_id))
        # False: the board reloads every column after the move, so no view moves rows itself.
        return False


class CardDelegate(QStyledItemDelegate):
    """Paints a deal as a small card: customer, title, amount and owner, close date, and a
    red dot when the deal needs attention."""

    PADDING = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = option.fontMetrics.height()
        return QSize(200, 4 * line + 2 * self.PADDING + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        card: BoardCard | None = index.data(CARD_ROLE)
        if card is None:
            return
        model = index.model()
        formats: Formats = model.formats if isinstance(model, CardListModel) else Formats()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = option.rect.adjusted(3, 3, -3, -3)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(
            palette.color(QPalette.ColorRole.Highlight) if selected else QColor("#c8ccd2")
        )
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(box, 5, 5)
        inner = box.adjusted(self.PADDING, self.PADDING - 2, -self.PADDING, -self.PADDING)
        line = option.fontMetrics.height()
        metrics = option.fontMetrics
        bold = QFont(option.font)
        bold.setBold(True)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        if card.stale:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(STALE_RED)
            painter.drawEllipse(box.right() - 13, box.top() + 6, 8, 8)
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        middle = Qt.AlignmentFlag.AlignVCenter
        width = inner.width() - (12 if card.stale else 0)

        def row(i: int, text_: str, color: QColor, font: QFont, align: Qt.AlignmentFlag) -> None:
            painter.setFont(font)
            painter.setPen(color)
            rect = QRect(inner.left(), inner.top() + i * line, width, line)
            elided = painter.fontMetrics().elidedText(text_, Qt.TextElideMode.ElideRight, width)
            painter.drawText(rect, align | middle, elided)

        row(0, card.customer, text, bold, left)
        row(1, card.title, muted, option.font, left)
        amount = formats.money(card.amount)
        row(2, amount, text, bold, left)
        owner_width = width - metrics.horizontalAdvance(amount) - 12
        if card.owner and owner_width > 20:
            painter.setFont(option.font)
            painter.setPen(muted)
            rect = QRect(inner.right() - owner_width, inner.top() + 2 * line, owner_width, line)
            owner = metrics.elidedText(card.owner, Qt.TextElideMode.ElideRight, owner_width)
            painter.drawText(rect, right | middle, owner)
        if card.closed_on is not None:
            when = f"Closed {formats.date(card.closed_on)}"
        elif card.expected_close is not None:
            when = f"Close by {formats.date(card.expected_close)}"
        else:
            when = "No close date yet"
        row(3, when, STALE_RED if "Past its close date" in card.stale_reasons else muted,
            option.font, left)  # fmt: skip
        painter.restore()


class StageColumn(QFrame):
    """One stage: a header with its figures, its cards, and how many more are not shown."""

    WIDTH = 230

    def __init__(self, formats: Formats, on_drop: Callable[[int], Any]) -> None:
        super().__init__()
        self.setObjectName("boardColumn")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(self.WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("boardColumnTitle")
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.1)
        self.title.setFont(title_font)
        self.figures = QLabel()
        self.figures.setObjectName("boardColumnFigures")
        self.figures.setWordWrap(True)
        self.model = CardListModel(formats, on_drop)
        self.view = QListView()
        self.view.setObjectName("boardCards")
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view))
        self.view.setUniformItemSizes(True)  # every card is as tall: quick with many cards
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model.rowsInserted.connect(lambda *_: self.show_hidden())
        self.more = QLabel()
        self.more.setObjectName("boardColumnMore")
        self.more.setWordWrap(True)
        for widget in (self.title, self.figures):
            layout.addWidget(widget)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.more)
        self.column: BoardColumn | None = None

    def show_column(
        self,
        column: BoardColumn,
        formats: Formats,
        period: str,
        more: CardsAfter | None = None,
    ) -> None:
        """Show ``column``; ``more(n)`` reads the cards after the first n when the user
        scrolls to the end of those shown."""
        self.column = column
        self.title.setText(column.stage.name)
        deals = f"{formats.count(column.count)} deal{'s' if column.count != 1 else ''}"
        if column.weighted is None:
            self.figures.setText(f"{deals} · {formats.money(column.total)}\n{period}")
        else:
            self.figures.setText(
                f"{deals} · {formats.money(column.total)}\n"
                f"Weighted {formats.money(column.weighted)}"
            )
        self.figures.setToolTip(
            "Closed deals in the period chosen above."
            if column.weighted is None
            else "Open deals in this stage: their total, and the total weighted by the chance "
            "of winning each."
        )
        self.model.set_cards(column.cards, formats, total=column.count, more=more)
        self.show_hidden()

    def show_hidden(self) -> None:
        """The line under the cards: how many more there are, or why there are none."""
        column, formats = self.column, self.model.formats
        if column is None:
            return
        hidden = self.model.hidden
        if hidden and self.model.more is None:
            self.more.setText(f"and {formats.count(hidden)} more (newest shown)")
        elif hidden:
            self.more.setText(f"{formats.count(hidden)} more below: scroll down")
        elif not column.count:
            self.more.setText(
                "No deals closed in this period."
                if column.stage.is_closed
                else "No open deals here. Drag a card here to move it."
            )
        self.more.setVisible(bool(hidden or not column.count))


class LostReasonDialog(QDialog):
    """Asks why a deal was lost: a list of the plan's reasons, OK and Cancel."""

    def __init__(
        self, reasons: Sequence[tuple[int, str]], customer: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Why was the deal lost?")
        self.setMinimumWidth(380)
        self._ids = [reason_id for reason_id, _name in reasons]
        layout = QVBoxLayout(self)
        label = QLabel(
            f"Why did you lose the deal with {customer}? Knowing this helps you and your "
            "marketing see what to change."
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.list = QListWidget()
        self.list.setObjectName("lostReasons")
        self.list.addItems([name for _id, name in reasons])
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.list.currentRowChanged.connect(lambda row: self.ok.setEnabled(row >= 0))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> int | None:
        row = self.list.currentRow()
        return self._ids[row] if 0 <= row < len(self._ids) else None


def ask_lost_reason(
    parent: QWidget | None, reasons: Sequence[tuple[int, str]], customer: str
) -> int | None:
    """The id of the reason the user picked, or None when they cancelled."""
    dialog = LostReasonDialog(reasons, customer, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()
