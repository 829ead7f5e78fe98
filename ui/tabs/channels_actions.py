"""What the Channels tab does with its buttons: run a command as one undo step (saying
why when refused), and add, delete, archive, move a channel or choose its segments.

A mixin of ``ChannelsTab``: it relies on the tab's list, its search box, its notice line
and its selection (declared below for the type checker).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from planner.db.plan import UnitOfWork
from planner.queries import segments
from planner.services import channels as svc
from planner.services.commands import Command, CompositeCommand
from planner.services.errors import NotFoundError, ValidationError
from ui.tabs.channels_list import SEGMENTS_COLUMN, ChannelLine, ChannelListModel, SegmentsDialog
from ui.undo import PlanOperations
from ui.widgets import SearchBox, SheetView


class ChannelActions:
    """Running commands and the channel list's actions, for ``ChannelsTab``."""

    ops: PlanOperations
    model: ChannelListModel
    view: SheetView
    search: SearchBox
    notice: QLabel
    dialog: SegmentsDialog | None
    last_refusal: str

    def current_line(self) -> ChannelLine | None:
        raise NotImplementedError

    def _select(self, channel_id: int | None) -> None:
        raise NotImplementedError

    def _ensure_fresh(self) -> None:
        raise NotImplementedError

    # -- running commands ------------------------------------------------------------

    def say(self, message: str) -> None:
        """Tell the owner why something was not done, under the grid and in the status bar."""
        self.last_refusal = message
        self.notice.setText(message)
        self.ops.failed.emit(message)

    def run(
        self, build: Callable[[UnitOfWork], Command | None], unchanged: str = ""
    ) -> Command | None:
        """Build a command from the plan as it is now and run it as one undo step; the
        command when it was stored, None (with the reason said) when not. A command of
        no parts is not run: ``unchanged`` says why nothing happened."""
        self.last_refusal = ""
        try:
            with self.ops.plan.uow() as uow:
                command = build(uow)
        except (ValidationError, NotFoundError) as exc:
            self.say(str(exc))
            return None
        if command is None:
            return None
        if isinstance(command, CompositeCommand) and not command.parts:
            self.notice.setText(unchanged)
            return None
        refusals: list[str] = []
        self.ops.failed.connect(refusals.append)
        try:
            stored = self.ops.run(command)
        finally:
            self.ops.failed.disconnect(refusals.append)
        if not stored:
            self.last_refusal = refusals[-1] if refusals else "That change could not be stored."
            self.notice.setText(self.last_refusal)
            return None
        return command

    # -- the channel list ------------------------------------------------------------

    def add_channel(self) -> int | None:
        """Add "New channel" at the end, select it and start editing its name."""
        command = self.run(svc.add_channel)
        new_id = getattr(command, "new_id", None)
        if new_id is None:
            return None
        self.search.clear()
        self._ensure_fresh()
        self._select(new_id)
        index = self.view.currentIndex().siblingAtColumn(0)
        self.view.setCurrentIndex(index)
        self.view.edit(index)
        return int(new_id)

    def delete_channel(self) -> bool:
        """Ask first, naming what goes with the channel; one undo step brings it all back."""
        line = self.current_line()
        if line is None:
            return False
        try:
            with self.ops.plan.uow() as uow:
                detail = svc.describe_channel_dependents(uow, line.id)
        except (ValidationError, NotFoundError) as exc:  # e.g. figures in locked months
            self.say(str(exc))
            return False
        text = f"Delete the channel “{line.channel.name}”?"
        if detail:
            text += f"\n\n{detail}"
        text += "\n\nYou can undo this with Edit > Undo."
        answer = QMessageBox.question(cast(QWidget, self), "Delete Channel", text)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.run(lambda uow: svc.delete_channel(uow, line.id)) is not None

    def toggle_archived(self) -> bool:
        line = self.current_line()
        if line is None:
            return False
        archive = not line.channel.archived
        return self.run(lambda uow: svc.archive_channel(uow, line.id, archive)) is not None

    def move_channel(self, step: int) -> bool:
        line = self.current_line()
        if line is None:
            return False
        return self.run(lambda uow: svc.move_channel(uow, line.id, step)) is not None

    def edit_segments(self) -> SegmentsDialog | None:
        """Open the list of segments to tick for the selected channel (not modal to the
        app: the answer arrives through the dialog's ``accepted``)."""
        line = self.current_line()
        if line is None:
            return None
        dialog = SegmentsDialog(
            line.channel.name, segments(self.ops.plan), line.channel.segments, cast(QWidget, self)
        )
        dialog.accepted.connect(
            lambda: self.run(lambda uow: svc.set_segments_reached(uow, line.id, dialog.chosen()))
        )
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() == SEGMENTS_COLUMN:
            self.edit_segments()
