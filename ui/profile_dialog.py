"""The Business Profile dialog: name, currency, fiscal year start and sales reps.

OK turns everything the user changed into one undoable command ("Change Business
Profile") run through ``PlanOperations``; Cancel changes nothing. A value the service
refuses is shown next to its field and the dialog stays open. The currency and month
pickers are shared with the New Plan dialog.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain.money import CURRENCIES
from planner.services.errors import ValidationError
from planner.services.profile import ProfileState, RepState, read_profile, update_profile
from ui.models.formats import Formats
from ui.undo import PlanOperations

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
REP_ID_ROLE = Qt.ItemDataRole.UserRole


def example_amount(code: str) -> str:
    """A sample amount in ``code``, formatted as every table in the app shows money."""
    return Formats(code).money(Decimal("1234.50"))


def default_currency() -> str:
    """The currency of this computer's locale when it is one we list, else EUR."""
    code = QLocale().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
    return code if code in CURRENCIES else "EUR"


class CurrencyCombo(QComboBox):
    """The listed ISO currencies with their names; any other ISO code can be typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, (name, _digits) in CURRENCIES.items():
            self.addItem(f"{code} — {name}", code)
        editor = self.lineEdit()
        assert editor is not None  # an editable combo box always has one
        editor.setPlaceholderText("Three-letter code, for example EUR")

    def code(self) -> str:
        text = self.currentText().strip()
        index = self.findText(text)
        if index >= 0:
            return str(self.itemData(index))
        return text.split(" ", 1)[0].upper() if text else ""

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(code)


class MonthCombo(QComboBox):
    """January to December; ``month()`` is 1-12."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItems(MONTHS)

    def month(self) -> int:
        return self.currentIndex() + 1

    def set_month(self, month: int) -> None:
        self.setCurrentIndex(month - 1)


class FieldMessage(QLabel):
    """A short message under a field saying why its value was refused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        palette = self.palette()
        # Dark red reads as "needs attention" on light and dark themes alike.
        palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.darkRed)
        self.setPalette(palette)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class ProfileDialog(QDialog):
    """Edit the business profile of the open plan; OK applies it as one undo step."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Business Profile")
        self._ops = ops
        with ops.plan.uow() as uow:
            self._original = read_profile(uow)

        self.name_edit = QLineEdit(self._original.name)
        self.name_edit.setMaxLength(200)
        self.currency_combo = CurrencyCombo()
        self.currency_combo.set_code(self._original.currency)
        self.currency_example = QLabel()
        self.month_combo = MonthCombo()
        self.month_combo.set_month(self._original.fiscal_start_month)
        self.messages = {field: FieldMessage() for field in ("name", "currency", "fiscal_start")}

        form = QFormLayout()
        form.addRow("Business &name:", self._with_message(self.name_edit, "name")[0])
        currency_box, currency_column = self._with_message(self.currency_combo, "currency")
        currency_column.addWidget(self.currency_example)
        form.addRow("&Currency:", currency_box)
        month_box, month_column = self._with_message(self.month_combo, "fiscal_start")
        month_hint = QLabel("Quarters and yearly totals count from this month.")
        hint_font = QFont(month_hint.font())
        hint_font.setPointSizeF(hint_font.pointSizeF() * 0.9)
        month_hint.setFont(hint_font)
        month_column.addWidget(month_hint)
        form.addRow("Fiscal year &starts in:", month_box)

        self.rep_list = QListWidget()
        self.rep_list.setToolTip(
            "Ticked reps can own new deals. Unticked reps stay on their past deals."
        )
        for rep in self._original.reps:
            self._add_rep_item(rep.name, rep.id, rep.active)
        self.add_rep_button = QPushButton("&Add")
        self.rename_rep_button = QPushButton("&Rename")
        self.remove_rep_button = QPushButton("Re&move")
        buttons = QVBoxLayout()
        for button in (self.add_rep_button, self.rename_rep_button, self.remove_rep_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        rep_row = QHBoxLayout()
        rep_row.addWidget(self.rep_list, 1)
        rep_row.addLayout(buttons)
        rep_hint = QLabel("Untick a rep who has left: their past deals keep their name.")
        rep_hint.setWordWrap(True)
        rep_hint.setFont(hint_font)
        self.removal_note = QLabel(
            "A rep who already owns deals or targets is kept as inactive rather than "
            "deleted, so past records keep their owner."
        )
        self.removal_note.setWordWrap(True)
        self.removal_note.hide()
        self.messages["reps"] = FieldMessage()
        reps_group = QGroupBox("Sales reps")
        reps_layout = QVBoxLayout(reps_group)
        reps_layout.addLayout(rep_row)
        reps_layout.addWidget(rep_hint)
        reps_layout.addWidget(self.messages["reps"])
        reps_layout.addWidget(self.removal_note)

        self.messages[""] = FieldMessage()  # a refusal that belongs to no single field
        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(reps_group, 1)
        layout.addWidget(self.messages[""])
        layout.addWidget(self.button_box)

        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        self.add_rep_button.clicked.connect(self.add_rep)
        self.rename_rep_button.clicked.connect(self.rename_rep)
        self.remove_rep_button.clicked.connect(self.remove_rep)
        self.rep_list.currentItemChanged.connect(self._update_rep_buttons)
        self.currency_combo.currentTextChanged.connect(self._update_currency_example)
        self.name_edit.textEdited.connect(lambda: self.messages["name"].show_message(""))
        self.currency_combo.currentTextChanged.connect(
            lambda: self.messages["currency"].show_message("")
        )
        self._update_currency_example()
        self._update_rep_buttons()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))

    def _with_message(self, field: QWidget, key: str) -> tuple[QWidget, QVBoxLayout]:
        """``field`` with its message below; more lines can go in the returned column."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(field)
        column.addWidget(self.messages[key])
        return box, column

    def _add_rep_item(self, name: str, rep_id: int | None, active: bool) -> QListWidgetItem:
        item = QListWidgetItem(name, self.rep_list)
        item.setData(REP_ID_ROLE, rep_id)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
        item.setCheckState(Qt.CheckState.Checked if active else Qt.CheckState.Unchecked)
        return item

    def _update_currency_example(self) -> None:
        code = self.currency_combo.code()
        shown = example_amount(code) if len(code) == 3 and code.isalpha() else ""
        self.currency_example.setText(f"Amounts will look like {shown}" if shown else "")

    def _update_rep_buttons(self) -> None:
        has_current = self.rep_list.currentItem() is not None
        self.rename_rep_button.setEnabled(has_current)
        self.remove_rep_button.setEnabled(has_current)

    def add_rep(self) -> None:
        taken = {self.rep_list.item(row).text().lower() for row in range(self.rep_list.count())}
        name, number = "New rep", 2
        while name.lower() in taken:
            name, number = f"New rep {number}", number + 1
        item = self._add_rep_item(name, None, True)
        self.rep_list.setCurrentItem(item)
        self.rep_list.editItem(item)

    def rename_rep(self) -> None:
        item = self.rep_list.currentItem()
        if item is not None:
            self.rep_list.editItem(item)

    def remove_rep(self) -> None:
        row = self.rep_list.currentRow()
        if row < 0:
            return
        item = self.rep_list.takeItem(row)
        if item is not None and item.data(REP_ID_ROLE) is not None:
            self.removal_note.show()

    def state(self) -> ProfileState:
        """What the dialog shows now, as the service reads it."""
        reps = []
        kept_ids = set()
        for row in range(self.rep_list.count()):
            item = self.rep_list.item(row)
            rep_id = item.data(REP_ID_ROLE)
            kept_ids.add(rep_id)
            active = item.checkState() == Qt.CheckState.Checked
            reps.append(RepState(rep_id, item.text(), active))
        # Someone removed and then re-added a rep under the same name: that is the same
        # person, so keep their record (a second row with that name could not be stored).
        removed = {
            rep.name.strip().lower(): rep.id
            for rep in self._original.reps
            if rep.id not in kept_ids
        }
        for index, rep in enumerate(reps):
            reused = removed.pop(rep.name.strip().lower(), None) if rep.id is None else None
            if reused is not None:
                reps[index] = RepState(reused, rep.name, rep.active)
        return ProfileState(
            self.name_edit.text(),
            self.currency_combo.code(),
            self.month_combo.month(),
            tuple(reps),
        )

    def show_error(self, field: str | None, message: str) -> None:
        for label in self.messages.values():
            label.show_message("")
        self.messages.get(field or "", self.messages[""]).show_message(message)
        focus = {"name": self.name_edit, "currency": self.currency_combo}.get(field or "")
        if focus is not None:
            focus.setFocus()

    def accept(self) -> None:
        try:
            with self._ops.plan.uow() as uow:
                command = update_profile(uow, self.state())
        except ValidationError as exc:
            self.show_error(exc.field, str(exc))
            return
        if command.old == command.new:  # nothing changed: no empty undo step
            super().accept()
            return
        refusals: list[str] = []

        def refused(message: str) -> None:
            refusals.append(message)

        self._ops.failed.connect(refused)
        try:
            applied = self._ops.run(command)
        finally:
            self._ops.failed.disconnect(refused)
        if applied:
            super().accept()
        else:
            self.show_error(None, refusals[0] if refusals else "The profile could not be saved.")
