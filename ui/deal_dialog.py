"""The deal form (new or edit), and the two small questions the pipeline asks: why a deal
was lost, and which stage a closed deal is reopened in.

Each dialog builds its command with ``planner.services.deals`` and runs it through
``PlanOperations`` on OK, so one OK is one undo step. A refused value is explained under
its field and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from planner.domain.money import MoneyError, parse_money
from planner.queries import Choice, DealChoices, DealDetail, deal_choices, deal_detail
from planner.services.commands import Command
from planner.services.deals import DealFields, add_deal, lose_deal, reopen_deal, update_deal
from planner.services.errors import NotFoundError, ValidationError
from ui.models.formats import decimal_mark
from ui.profile_dialog import FieldMessage
from ui.undo import PlanOperations


def fill_combo(combo: QComboBox, choices: tuple[Choice, ...], none_text: str | None) -> None:
    """Entries with the record id as item data; ``none_text`` first (data None) if given."""
    combo.clear()
    if none_text is not None:
        combo.addItem(none_text, None)
    for choice in choices:
        combo.addItem(choice.name, choice.id)


def select_data(combo: QComboBox, value: int | None) -> None:
    found = combo.findData(value)
    combo.setCurrentIndex(max(found, 0))


def run_reporting(ops: PlanOperations, command: Command) -> str | None:
    """Run ``command``; the refusal message when it was refused, else None."""
    refusals: list[str] = []
    ops.failed.connect(refusals.append)
    try:
        applied = ops.run(command)
    finally:
        ops.failed.disconnect(refusals.append)
    if applied:
        return None
    return refusals[0] if refusals else "The change could not be saved."


class DealDialog(QDialog):
    """Add a deal (``deal_id`` None) or edit one; OK saves it as one undo step."""

    def __init__(
        self,
        ops: PlanOperations,
        deal_id: int | None = None,
        *,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops, self._deal_id, self._today = ops, deal_id, today
        detail = deal_detail(ops.plan, deal_id) if deal_id is not None else None
        self.choices: DealChoices = deal_choices(
            ops.plan, keep_owner=detail.owner_id if detail else None
        )
        self.setWindowTitle("Edit Deal" if deal_id is not None else "New Deal")
        self.setObjectName("dealDialog")
        self.setMinimumWidth(480)
        self.customer = QLineEdit()
        self.customer.setPlaceholderText("Who would buy: a person or a business")
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("What for, in a few words (optional)")
        self.offering, self.segment = QComboBox(), QComboBox()
        self.channel, self.owner, self.stage = QComboBox(), QComboBox(), QComboBox()
        fill_combo(self.offering, self.choices.offerings, "(no offering)")
        fill_combo(self.segment, self.choices.segments, "(no segment)")
        fill_combo(self.channel, self.choices.channels, "(not known)")
        fill_combo(self.owner, self.choices.owners, "(nobody yet)")
        # Losing asks for a reason, so the lost stage is reached through Lose… only (a lost
        # deal being edited keeps it, so saving its form does not reopen it).
        current = detail.stage_id if detail else None
        self._stages = [s for s in self.choices.stages if not s.is_lost or s.id == current]
        for stage in self._stages:
            self.stage.addItem(f"{stage.name} ({stage.probability} %)", stage.id)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.probability = QLineEdit()
        self.has_close = QCheckBox("Expected to close on")
        self.close_date = QDateEdit()
        self.close_date.setCalendarPopup(True)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.messages: dict[str, FieldMessage] = {}
        form = QFormLayout()
        rows: list[tuple[str, QWidget, str]] = [
            ("Customer:", self.customer, "customer"), ("Title:", self.title_edit, "title"),
            ("Offering:", self.offering, "offering_id"), ("Segment:", self.segment, "segment_id"),
            ("Source channel:", self.channel, "channel_id"), ("Owner:", self.owner, "owner_id"),
            ("Amount:", self.amount, "amount"), ("Stage:", self.stage, "stage"),
            ("Probability (%):", self.probability, "probability"),
        ]  # fmt: skip
        for label, widget, key in rows:
            form.addRow(label, self._with_message(widget, key))
        close_row = QHBoxLayout()
        close_row.addWidget(self.has_close)
        close_row.addWidget(self.close_date, 1)
        holder = QWidget()
        holder.setLayout(close_row)
        close_row.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self._with_message(holder, "expected_close"))
        form.addRow("Notes:", self._with_message(self.notes, "notes"))
        self.general = FieldMessage()
        self.messages[""] = self.general
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self.stage.currentIndexChanged.connect(lambda *_: self._stage_hint())
        self.has_close.toggled.connect(self.close_date.setEnabled)
        self._load(detail)

    def _with_message(self, widget: QWidget, key: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        message = FieldMessage()
        message.setObjectName(f"message_{key}")
        column.addWidget(message)
        self.messages[key] = message
        return box

    def _load(self, detail: DealDetail | None) -> None:
        close = self._today + dt.timedelta(days=30)
        if detail is None:
            self.stage.setCurrentIndex(0)
            self.has_close.setChecked(True)
        else:
            self.customer.setText(detail.customer)
            self.title_edit.setText(detail.title)
            select_data(self.offering, detail.offering_id)
            select_data(self.segment, detail.segment_id)
            select_data(self.channel, detail.channel_id)
            select_data(self.owner, detail.owner_id)
            self.amount.setText(f"{detail.amount:.2f}")
            self.probability.setText("" if detail.probability is None else str(detail.probability))
            select_data(self.stage, detail.stage_id)
            self.has_close.setChecked(detail.expected_close is not None)
            close = detail.expected_close or close
            self.notes.setPlainText(detail.notes)
        self.close_date.setDate(QDate(close.year, close.month, close.day))
        self.close_date.setEnabled(self.has_close.isChecked())
        self._stage_hint()

    def _stage_hint(self) -> None:
        index = self.stage.currentIndex()
        if 0 <= index < len(self._stages):
            stage = self._stages[index]
            self.probability.setPlaceholderText(f"Blank: the stage's {stage.probability} %")

    def fields(self) -> DealFields:
        """What the form holds; raises ValidationError (with the field) for unreadable text."""
        try:
            amount = (
                parse_money(self.amount.text(), decimal_mark())
                if self.amount.text().strip()
                else Decimal(0)
            )
        except MoneyError as exc:
            raise ValidationError(str(exc), "amount") from None
        text = self.probability.text().strip().rstrip("%").strip()
        probability: int | None = None
        if text:
            if not text.isdigit():
                raise ValidationError("Enter a whole number from 0 to 100, or leave it blank.",
                                      "probability")  # fmt: skip
            probability = int(text)
        close = None
        if self.has_close.isChecked():
            q = self.close_date.date()
            close = dt.date(q.year(), q.month(), q.day())
        return DealFields(
            customer=self.customer.text(), title=self.title_edit.text(),
            offering_id=self.offering.currentData(), segment_id=self.segment.currentData(),
            channel_id=self.channel.currentData(), owner_id=self.owner.currentData(),
            amount=amount, probability=probability, stage_id=self.stage.currentData(),
            expected_close=close, notes=self.notes.toPlainText(),
        )  # fmt: skip

    def show_error(self, field: str | None, message: str) -> None:
        for label in self.messages.values():
            label.show_message("")
        self.messages.get(field or "", self.general).show_message(message)

    def accept(self) -> None:
        try:
            fields = self.fields()
            with self._ops.plan.uow() as uow:
                if self._deal_id is None:
                    command: Command = add_deal(uow, fields, today=self._today)
                else:
                    command = update_deal(uow, self._deal_id, fields, today=self._today)
        except ValidationError as exc:
            self.show_error(exc.field, str(exc))
            return
        except NotFoundError as exc:
            self.show_error(None, str(exc))
            return
        refusal = run_reporting(self._ops, command)
        if refusal is None:
            super().accept()
        else:
            self.show_error(None, refusal)


class _ChoiceDialog(QDialog):
    """A one-question dialog: a combo box, a message under it, OK and Cancel."""

    def __init__(self, title: str, question: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.combo = QComboBox()
        self.message = FieldMessage()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        text = QLabel(question)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(self.combo)
        layout.addWidget(self.message)
        layout.addWidget(buttons)


class LoseDialog(_ChoiceDialog):
    """Why was the deal lost? A reason is required; OK loses the deal (one undo step)."""

    def __init__(
        self, ops: PlanOperations, deal_id: int, *, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Lose Deal",
            "Why was this deal lost? Knowing the reasons shows marketing and sales what to fix.",
            parent,
        )
        self._ops, self._deal_id, self._today = ops, deal_id, today
        fill_combo(self.combo, deal_choices(ops.plan).lost_reasons, "Choose a reason…")

    def accept(self) -> None:
        try:
            with self._ops.plan.uow() as uow:
                command = lose_deal(uow, self._deal_id, self.combo.currentData(), today=self._today)
        except (ValidationError, NotFoundError) as exc:
            self.message.show_message(str(exc))
            return
        refusal = run_reporting(self._ops, command)
        if refusal is None:
            super().accept()
        else:
            self.message.show_message(refusal)


class ReopenDialog(_ChoiceDialog):
    """Which open stage does a won or lost deal go back to? OK reopens it."""

    def __init__(
        self, ops: PlanOperations, deal_id: int, *, today: dt.date, parent: QWidget | None = None
    ) -> None:
        super().__init__("Reopen Deal", "Reopen the deal in which stage?", parent)
        self._ops, self._deal_id, self._today = ops, deal_id, today
        opened = tuple(Choice(s.id, s.name) for s in deal_choices(ops.plan).stages if s.is_open)
        fill_combo(self.combo, opened, None)
        if len(opened) > 1:  # most reopened deals are back in talks: the last open stage
            self.combo.setCurrentIndex(len(opened) - 1)

    def accept(self) -> None:
        try:
            with self._ops.plan.uow() as uow:
                command = reopen_deal(
                    uow, self._deal_id, self.combo.currentData(), today=self._today
                )
        except (ValidationError, NotFoundError) as exc:
            self.message.show_message(str(exc))
            return
        refusal = run_reporting(self._ops, command)
        if refusal is None:
            super().accept()
        else:
            self.message.show_message(refusal)
