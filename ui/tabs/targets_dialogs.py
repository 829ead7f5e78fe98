"""Dialogs of the Targets tab: "Set yearly target…" and "Lock months up to…".

Each hands its choice to a callback that runs the command and returns None when stored
or the reason it was refused, which the dialog shows under its fields while staying open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.money import MoneyError, parse_money
from planner.domain.periods import FiscalYear, Month
from planner.services.targets import SpreadMethod
from ui.models.formats import decimal_mark

SPREADS = [
    (SpreadMethod.EVENLY, "Evenly: the same amount every month"),
    (
        SpreadMethod.LAST_YEAR,
        "Like last year's actual revenue (its seasonal shape; months not finished yet "
        "use the year before)",
    ),
    (SpreadMethod.KEEP_SHAPE, "Keep my monthly shape (scale the months I have)"),
]


class YearlyTargetDialog(QDialog):
    """Amount for the year and how to spread it over the months."""

    def __init__(
        self,
        fiscal_year: FiscalYear,
        current: Decimal,
        submit: Callable[[Decimal, SpreadMethod], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Set yearly target for {fiscal_year.label}")
        self._submit = submit
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Type the revenue you aim for in the whole year; it is spread over the months in "
            "whole amounts that add up exactly. Locked months keep their targets. You can "
            "still change any month by hand afterwards."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.amount = QLineEdit(f"{current:.0f}" if current else "")
        self.amount.setObjectName("yearlyAmount")
        form.addRow("Target for the year:", self.amount)
        layout.addLayout(form)
        self.methods = QButtonGroup(self)
        self.buttons: dict[SpreadMethod, QRadioButton] = {}
        for position, (method, text) in enumerate(SPREADS):
            button = QRadioButton(text)
            self.buttons[method] = button
            self.methods.addButton(button, position)
            layout.addWidget(button)
        self.buttons[SpreadMethod.EVENLY].setChecked(True)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)

    def method(self) -> SpreadMethod:
        return SPREADS[max(self.methods.checkedId(), 0)][0]

    def accept(self) -> None:
        try:
            amount = parse_money(self.amount.text(), decimal_mark())
        except MoneyError as exc:
            self.error.setText(str(exc))
            self.amount.setFocus()
            return
        refusal = self._submit(amount, self.method())
        if refusal:
            self.error.setText(refusal)
            return
        super().accept()


class LockMonthsDialog(QDialog):
    """Choose the last locked month, or unlock everything."""

    def __init__(
        self,
        months: Sequence[Month],
        current: Month | None,
        submit: Callable[[Month | None], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lock months")
        self._submit = submit
        self._months = list(months)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Lock the months whose books are closed, so their targets, actual sales and "
            "channel figures cannot be changed by accident. You can unlock them here at "
            "any time."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.through = QComboBox()
        self.through.setObjectName("lockThrough")
        self.through.addItem("Nothing locked")
        self.through.addItems([m.short_label for m in self._months])
        if current in self._months:
            self.through.setCurrentIndex(self._months.index(current) + 1)
        form.addRow("Lock months up to and including:", self.through)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def chosen(self) -> Month | None:
        index = self.through.currentIndex()
        return None if index <= 0 else self._months[index - 1]

    def accept(self) -> None:
        refusal = self._submit(self.chosen())
        if refusal:
            self.error.setText(refusal)
            return
        super().accept()
