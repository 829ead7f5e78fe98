"""Pipeline > Edit Stages…: the plan's stages with their order and default probability.

Names and probabilities are edited in the table (each edit one undo step); buttons add a
stage, move one up or down, and delete one no deal is in. The won and lost stages stay
at the end: every pipeline needs exactly one of each.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import UnitOfWork
from planner.queries import StageRow, stages
from planner.services.commands import Change, Command
from planner.services.errors import NotFoundError, ValidationError
from planner.services.stages import (
    add_stage,
    delete_stage,
    move_stage,
    rename_stage,
    set_stage_probability,
)
from ui.deal_dialog import run_reporting
from ui.models.table import Column, Kind, RowTableModel
from ui.profile_dialog import FieldMessage
from ui.tabs.widgets import make_table
from ui.undo import PlanOperations


def _kind(stage: StageRow) -> str:
    return "Won" if stage.is_won else "Lost" if stage.is_lost else "Open"


def _stage_command(uow: UnitOfWork, row: StageRow, column: Column[Any], value: Any) -> Command:
    if column.field == "name":
        return rename_stage(uow, row.id, str(value))
    try:
        number = int(str(value).strip().rstrip("%").strip())
    except ValueError:
        raise ValidationError("A probability is a whole number from 0 to 100 %.") from None
    return set_stage_probability(uow, row.id, number)


STAGE_COLUMNS: list[Column[StageRow]] = [
    Column("Stage", lambda s: s.name, field="name"),
    Column(
        "Probability (%)",
        lambda s: s.probability,
        Kind.COUNT,
        field="probability",
        editable=lambda s: s.is_open,
        tooltip="The chance a deal in this stage is won, when the deal has no figure of its own.",
    ),
    Column("Kind", _kind),
    Column("Deals in it", lambda s: s.deals, Kind.COUNT),
]


class StagesDialog(QDialog):
    """Edit the stages of the open plan; every change is its own undo step."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self.setWindowTitle("Edit Stages")
        self.setObjectName("stagesDialog")
        self.resize(560, 400)
        intro = QLabel(
            "The steps a deal goes through, in order. The probability is how likely a deal "
            "in that stage is to be won; it decides the deal's weighted value unless the "
            "deal has its own. Double-click a name or a probability to change it."
        )
        intro.setWordWrap(True)
        self.model = RowTableModel(STAGE_COLUMNS, ops=ops, command_for=_stage_command)
        self.view = make_table(self.model, sortable=False, name="stagesTable", select_rows=True)
        self.message = FieldMessage()
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add Stage")
        self.up_button = QPushButton("Move Up")
        self.down_button = QPushButton("Move Down")
        self.delete_button = QPushButton("Delete Stage")
        for button in (self.add_button, self.up_button, self.down_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.add_button.clicked.connect(lambda *_: self.add())
        self.up_button.clicked.connect(lambda *_: self.shift(-1))
        self.down_button.clicked.connect(lambda *_: self.shift(1))
        self.delete_button.clicked.connect(lambda *_: self.delete())
        ops.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(stages(self._ops.plan))
        self.view.resizeColumnsToContents()

    def _changed(self, changes: Change) -> None:
        if changes & (Change.STAGES | Change.DEALS):
            self.reload()

    def selected(self) -> StageRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, stage_id: int) -> None:
        row = self.model.row_of_key(stage_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def _run(self, build: Any) -> bool:
        try:
            with self._ops.plan.uow() as uow:
                command = build(uow)
        except (ValidationError, NotFoundError) as exc:
            self.message.show_message(str(exc))
            return False
        refusal = run_reporting(self._ops, command)
        self.message.show_message(refusal or "")
        return refusal is None

    def add(self, name: str | None = None) -> None:
        """Add an open stage before won and lost, named "New stage" (then renamed in place)."""
        taken = {s.name.casefold() for s in self.model.rows}
        if name is None:
            name, n = "New stage", 2
            while name.casefold() in taken:
                name, n = f"New stage {n}", n + 1
        probability = max((s.probability for s in self.model.rows if s.is_open), default=50)
        if self._run(lambda uow: add_stage(uow, name, probability)):
            added = next(s for s in self.model.rows if s.name == name)
            self.select(added.id)

    def shift(self, step: int) -> None:
        """Move the chosen stage one place earlier (-1) or later (+1)."""
        stage = self.selected()
        if stage is None:
            self.message.show_message("Choose a stage first.")
            return
        if self._run(lambda uow: move_stage(uow, stage.id, step)):
            self.select(stage.id)

    def delete(self) -> None:
        stage = self.selected()
        if stage is None:
            self.message.show_message("Choose a stage first.")
            return
        self._run(lambda uow: delete_stage(uow, stage.id))
