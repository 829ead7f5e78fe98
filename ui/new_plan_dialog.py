"""The New Plan dialog: the three things a plan needs before it can be created.

It asks for the business name, the currency and the month the fiscal year starts; the
main window then asks where to save the file. Values are checked by the same rules as
the Business Profile dialog, and a refusal is shown next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from planner.services.errors import ValidationError
from planner.services.profile import ProfileState, validate_profile
from ui.profile_dialog import (
    CurrencyCombo,
    FieldMessage,
    MonthCombo,
    default_currency,
    example_amount,
)


@dataclass(frozen=True)
class NewPlanDetails:
    name: str
    currency: str
    fiscal_start_month: int


class NewPlanDialog(QDialog):
    """Ask for a new plan's business name, currency and fiscal year start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Plan")
        intro = QLabel(
            "Tell the planner a little about your business. You can change all of this "
            "later under File > Business Profile."
        )
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText("For example: Rosie's Bakery")
        self.currency_combo = CurrencyCombo()
        self.currency_combo.set_code(default_currency())
        self.currency_example = QLabel()
        self.month_combo = MonthCombo()
        self.month_combo.set_month(1)
        self.messages = {key: FieldMessage() for key in ("name", "currency", "fiscal_start", "")}

        form = QFormLayout()
        form.addRow("Business &name:", self.name_edit)
        form.addRow("", self.messages["name"])
        form.addRow("&Currency:", self.currency_combo)
        form.addRow("", self.currency_example)
        form.addRow("", self.messages["currency"])
        form.addRow("Fiscal year &starts in:", self.month_combo)
        form.addRow("", self.messages["fiscal_start"])
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.button_box.button(QDialogButtonBox.StandardButton.Ok).setText("Continue…")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.messages[""])
        layout.addWidget(self.button_box)

        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self.currency_combo.currentTextChanged.connect(self._update_currency_example)
        self.name_edit.textEdited.connect(lambda: self.messages["name"].show_message(""))
        self._update_currency_example()

    def _update_currency_example(self) -> None:
        code = self.currency_combo.code()
        valid = len(code) == 3 and code.isalpha()
        self.currency_example.setText(
            f"Amounts will look like {example_amount(code)}" if valid else ""
        )

    def details(self) -> NewPlanDetails:
        """The checked values (call after the dialog was accepted)."""
        state = validate_profile(
            ProfileState(
                self.name_edit.text(), self.currency_combo.code(), self.month_combo.month(), ()
            )
        )
        return NewPlanDetails(state.name, state.currency, state.fiscal_start_month)

    def accept(self) -> None:
        try:
            self.details()
        except ValidationError as exc:
            for label in self.messages.values():
                label.show_message("")
            self.messages.get(exc.field or "", self.messages[""]).show_message(str(exc))
            return
        super().accept()
