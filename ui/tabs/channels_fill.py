"""The "Spread a yearly budget" dialog of the Channels tab.

The owner types one figure for the year (spend or leads) and picks how it is shared out:
evenly, like last year's spend on the channel, or like the business's revenue last year.
A preview shows every month before anything is stored; the months always add up to the
amount exactly (``planner.services.channels.share_out``); locked months keep their
figures and show them greyed. Storing is the caller's ``apply`` function, which returns
the reason when the plan refuses, shown here at the amount.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.db.models import ChannelMonth
from planner.domain.money import MoneyError, from_minor, parse_money
from planner.domain.periods import FiscalYear, Month
from planner.queries.channels import SeasonalShapes
from planner.services.channels import share_out
from planner.services.edit import validate_field
from planner.services.errors import ValidationError
from ui.models.formats import Formats, decimal_mark
from ui.tabs.channels_grid import whole_money

SPEND, LEADS = "planned_spend_minor", "planned_leads"
_LOCKED, _LOCKED_TEXT = QColor(235, 235, 235), QColor(110, 110, 110)  # as in the grid
Shape = tuple[Decimal | None, ...]


@dataclass(frozen=True)
class SpreadRequest:
    """What the owner asked for: ``total`` as typed (Decimal money or a whole number of
    leads) of ``field`` over ``months``, like ``shape`` (None: evenly)."""

    field: str
    total: Any
    months: tuple[Month, ...]
    shape: Shape | None


def _has_data(shape: Sequence[Decimal | None]) -> bool:
    return any(v is not None and v > 0 for v in shape)


class SpreadDialog(QDialog):
    """Spread a yearly figure over months; ``apply(request)`` stores it and returns None,
    or returns why it was refused (the dialog then stays open and shows the reason)."""

    def __init__(
        self,
        channel: str,
        fiscal_year: FiscalYear,
        months: Sequence[Month],
        shapes: SeasonalShapes,
        formats: Formats,
        totals: dict[str, Any],
        apply: Callable[[SpreadRequest], str | None],
        field: str = SPEND,
        parent: QWidget | None = None,
        *,
        kept: dict[str, dict[Month, int]] | None = None,
    ) -> None:
        super().__init__(parent)
        # The stored figures of the locked months among ``months``, per field.
        self._kept = kept or {}
        self.setWindowTitle("Spread a Yearly Budget")
        self.setObjectName("spreadDialog")
        self._months = tuple(months)
        self._first = fiscal_year.first_month
        self._formats = formats
        self._totals = totals
        self._apply = apply
        first, last = self._months[0], self._months[-1]
        span = (
            f"the months of {fiscal_year.label}"
            if len(self._months) == 12
            else f"{first.short_label} to {last.short_label}"
        )
        layout = QVBoxLayout(self)
        locked = (
            ""
            if not any(self._kept.values())
            else (" Locked months keep their figures; the rest goes to the open months.")
        )
        self.intro = intro = QLabel(
            f"Share one figure for “{channel}” out over {span}. The months always add up "
            f"to exactly that figure; money is rounded to whole units of your currency.{locked}"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.figure = QComboBox()
        self.figure.addItem("Planned spend", SPEND)
        self.figure.addItem("Planned leads", LEADS)
        self.figure.setCurrentIndex(0 if field == SPEND else 1)
        form.addRow("&Figure:", self.figure)
        self.amount = QLineEdit()
        self.amount.setObjectName("spreadAmount")
        form.addRow("&Amount for the period:", self.amount)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        form.addRow("", self.error)
        layout.addLayout(form)

        last_year = shapes.last_year.label
        self.shapes: dict[str, Shape | None] = {
            "even": None,
            "channel": self._pick(shapes.channel_spend),
            "revenue": self._pick(shapes.revenue),
        }
        self.even = QRadioButton("&Evenly: the same in every month")
        self.like_channel = QRadioButton(f"Like last year's &spend on this channel ({last_year})")
        self.like_revenue = QRadioButton(f"Like the business's &revenue last year ({last_year})")
        self._group = QButtonGroup(self)
        for button, key in (
            (self.even, "even"),
            (self.like_channel, "channel"),
            (self.like_revenue, "revenue"),
        ):
            self._group.addButton(button)
            button.setProperty("shape", key)
            layout.addWidget(button)
            shape = self.shapes[key]
            if key == "even" or shape is None:
                continue
            known = sum(1 for v in shape if v is not None)
            if not _has_data(shape):
                button.setEnabled(False)
                button.setText(button.text() + ": nothing recorded")
            elif known < len(shape):
                # Months not recorded (the rest of a year in progress) get nothing.
                button.setText(button.text() + f": {known} of {len(shape)} months recorded")
        self.even.setChecked(True)

        self.preview = QTableWidget(1, len(self._months))
        self.preview.setObjectName("spreadPreview")
        self.preview.setHorizontalHeaderLabels([m.name[:3] for m in self._months])
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview.setFixedHeight(self.preview.horizontalHeader().sizeHint().height() * 2 + 8)
        layout.addWidget(QLabel("Preview:"))
        layout.addWidget(self.preview)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Spread")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(max(640, 62 * len(self._months)), self.sizeHint().height())

        self.figure.currentIndexChanged.connect(lambda _i: self._figure_changed())
        self.amount.textChanged.connect(lambda _t: self.update_preview())
        self._group.buttonToggled.connect(lambda *_: self.update_preview())
        self._figure_changed()

    def _pick(self, shape: Sequence[Decimal | None]) -> Shape:
        """Last year's values of the months spread over (shapes run over last year's
        twelve months in fiscal order, so a month sits where it sits in this year)."""
        return tuple(shape[m - self._first] for m in self._months)

    # -- reading the fields ----------------------------------------------------------

    @property
    def field(self) -> str:
        return str(self.figure.currentData())

    def _figure_changed(self) -> None:
        total = self._totals.get(self.field)
        if self.field == SPEND:
            self.amount.setText(self._formats.money_edit(total) if total is not None else "")
        else:
            self.amount.setText("" if total is None else str(total))
        self.amount.selectAll()
        self.update_preview()

    def shape_key(self) -> str:
        checked = self._group.checkedButton()
        return str(checked.property("shape")) if checked is not None else "even"

    def request(self) -> SpreadRequest:
        """What is asked, checked; raises ValidationError with the reason."""
        text = self.amount.text().strip()
        if self.field == SPEND:
            try:
                total: Any = parse_money(text, decimal_mark())
            except MoneyError as exc:
                raise ValidationError(str(exc)) from None
        else:
            total = text.replace(",", "").replace(" ", "")
        if isinstance(total, Decimal) and total < 0:
            raise ValidationError("A negative amount cannot be spread; enter zero or more.")
        validate_field(ChannelMonth, self.field, total)
        return SpreadRequest(self.field, total, self._months, self.shapes[self.shape_key()])

    def amounts(self) -> list[Any]:
        """The months' figures the spread gives (Decimal money or lead counts)."""
        request = self.request()
        stored = validate_field(ChannelMonth, request.field, request.total)
        kept = self._kept.get(request.field, {})
        parts = share_out(stored, request.months, request.field, request.shape, kept)
        return [from_minor(p) for p in parts] if request.field == SPEND else parts

    def update_preview(self) -> None:
        try:
            amounts = self.amounts()
        except ValidationError as exc:
            self.show_error(str(exc))
            for column in range(self.preview.columnCount()):
                self.preview.setItem(0, column, QTableWidgetItem(""))
            return
        self.show_error("")
        kept = self._kept.get(self.field, {})
        for column, amount in enumerate(amounts):
            if self.field == LEADS:
                text = self._formats.count(amount)
            elif amount == amount.to_integral_value():
                text = whole_money(self._formats, amount)
            else:
                text = self._formats.money(amount)
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            month = self._months[column]
            if month in kept:
                item.setBackground(QBrush(_LOCKED))
                item.setForeground(QBrush(_LOCKED_TEXT))
                item.setToolTip(f"{month.name} {month.year} is locked: it keeps this figure.")
            self.preview.setItem(0, column, item)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.ok.setEnabled(not message)

    def preview_texts(self) -> list[str]:
        items = [self.preview.item(0, c) for c in range(self.preview.columnCount())]
        return [item.text() if item is not None else "" for item in items]

    def accept(self) -> None:
        try:
            request = self.request()
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        refusal = self._apply(request)
        if refusal:
            self.show_error(refusal)
            return
        super().accept()
