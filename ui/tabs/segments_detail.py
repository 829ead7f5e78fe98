"""The panel below the segments table: the selected segment's long texts, the offerings and
channels that serve it, and what sales says about it.

Description and needs are edited in multi-line boxes and stored when the box loses focus
(one undo step per box). Ticking an offering or a channel stores the new set of links at
once, one undo step per tick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from planner.db.models import Segment
from planner.queries import LinkChoice, SegmentLinkChoices, SegmentRow
from planner.services.commands import Command
from planner.services.edit import change_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.segments import set_segment_channels, set_segment_offerings
from ui.undo import PlanOperations


def build_and_run(
    ops: PlanOperations, build: Callable[..., Command | None], *args: Any
) -> tuple[Command | None, str]:
    """Build a command with ``build(uow, *args)`` and run it as one undo step.

    Returns (the command, "") when stored, (None, "") when there was nothing to change,
    and (None, the reason) when it was refused; the reason also goes to ``ops.failed``."""
    try:
        with ops.plan.uow() as uow:
            command = build(uow, *args)
    except (ValidationError, NotFoundError) as exc:
        ops.failed.emit(str(exc))
        return None, str(exc)
    if command is None:
        return None, ""
    refusals: list[str] = []
    ops.failed.connect(refusals.append)
    try:
        stored = ops.run(command)
    finally:
        ops.failed.disconnect(refusals.append)
    if not stored:
        return None, refusals[-1] if refusals else "That change could not be stored."
    return command, ""


class CommitTextEdit(QPlainTextEdit):
    """A multi-line box that hands over its text when it loses focus, if it was changed."""

    committed = Signal(str)

    def show_text(self, text: str) -> None:
        """Show ``text`` as stored (not a change of the user's). Text being typed stays: a
        read that arrives late (from a worker) must not wipe it; it is stored on focus-out."""
        if self.hasFocus() and self.document().isModified():
            return
        if text != self.toPlainText():
            self.setPlainText(text)
        self.document().setModified(False)

    def commit(self) -> None:
        if self.document().isModified():
            self.document().setModified(False)
            self.committed.emit(self.toPlainText())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit()


def _caption(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class SegmentDetail(QGroupBox):
    """The selected segment, edited in full."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmentDetail")
        self.ops = ops
        self.segment_id: int | None = None
        self._shown: tuple[SegmentRow | None, SegmentLinkChoices, str] | None = None
        self.description = CommitTextEdit()
        self.description.setObjectName("segmentDescription")
        self.description.setPlaceholderText(
            "For example: local companies with 20 to 250 staff within 30 km."
        )
        self.needs = CommitTextEdit()
        self.needs.setObjectName("segmentNeeds")
        self.needs.setPlaceholderText(
            "For example: lunch for meetings without fuss, one invoice a month."
        )
        for box in (self.description, self.needs):
            box.setTabChangesFocus(True)
            box.setMinimumHeight(box.fontMetrics().lineSpacing() * 3 + 12)
        self.description.committed.connect(lambda text: self._store("description", text))
        self.needs.committed.connect(lambda text: self._store("needs", text))
        self.offerings = QListWidget()
        self.offerings.setObjectName("segmentOfferings")
        self.channels = QListWidget()
        self.channels.setObjectName("segmentChannels")
        for links in (self.offerings, self.channels):
            links.setToolTip("Tick each one that serves this segment.")
            links.itemChanged.connect(lambda _item, links=links: self._links_changed(links))
        self.message = QLabel()
        self.message.setObjectName("segmentMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #B00020;")
        self.message.hide()
        self.feedback = QLabel()
        self.feedback.setObjectName("segmentFeedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        grid = QGridLayout(self)
        grid.addWidget(_caption("&Who they are", self.description), 0, 0)
        grid.addWidget(self.description, 1, 0)
        grid.addWidget(_caption("What they &need, and what bothers them", self.needs), 2, 0)
        grid.addWidget(self.needs, 3, 0)
        grid.addWidget(_caption("&Offerings for them", self.offerings), 0, 1)
        grid.addWidget(self.offerings, 1, 1)
        grid.addWidget(_caption("&Channels that reach them", self.channels), 2, 1)
        grid.addWidget(self.channels, 3, 1)
        grid.addWidget(self.message, 4, 0, 1, 2)
        grid.addWidget(self.feedback, 5, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(3, 1)

    # -- showing -------------------------------------------------------------------------

    def show_segment(
        self, segment: SegmentRow | None, choices: SegmentLinkChoices, feedback: str
    ) -> None:
        """Show ``segment`` (None: nothing selected)."""
        self._shown = (segment, choices, feedback)
        if segment is None or segment.id != self.segment_id:
            self.message.hide()
        self.segment_id = None if segment is None else segment.id
        self.setEnabled(segment is not None)
        # "&" would mark a keyboard shortcut in a group box title.
        title = segment.name.replace("&", "&&") if segment is not None else "No segment selected"
        self.setTitle(title)
        self.description.show_text(segment.description if segment else "")
        self.needs.show_text(segment.needs if segment else "")
        self._fill(self.offerings, choices.offerings, segment.offering_ids if segment else None)
        self._fill(self.channels, choices.channels, segment.channel_ids if segment else None)
        self.feedback.setText(feedback if segment is not None else "")

    def _fill(
        self, links: QListWidget, choices: tuple[LinkChoice, ...], linked: frozenset[int] | None
    ) -> None:
        linked = linked or frozenset()
        links.blockSignals(True)
        links.clear()
        for choice in choices:
            if choice.archived and choice.id not in linked:
                continue  # an archived offering or channel is offered only to unlink it
            text = f"{choice.name} (archived)" if choice.archived else choice.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            checked = choice.id in linked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            links.addItem(item)
        if not choices:
            kind = "offerings" if links is self.offerings else "channels"
            empty = QListWidgetItem(f"No {kind} in the plan yet.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            links.addItem(empty)
        links.blockSignals(False)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- storing -------------------------------------------------------------------------

    def _store(self, field: str, text: str) -> None:
        if self.segment_id is None:
            return
        _command, refusal = build_and_run(
            self.ops, change_field, Segment, self.segment_id, field, text
        )
        self.show_message(refusal)
        if refusal:  # keep what was typed, to be fixed, and try again on the next focus-out
            box = self.description if field == "description" else self.needs
            box.document().setModified(True)

    def checked_ids(self, links: QListWidget) -> frozenset[int]:
        return frozenset(
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in (links.item(n) for n in range(links.count()))
            if item.checkState() == Qt.CheckState.Checked
        )

    def _links_changed(self, links: QListWidget) -> None:
        if self.segment_id is None:
            return
        store = set_segment_offerings if links is self.offerings else set_segment_channels
        _command, refusal = build_and_run(self.ops, store, self.segment_id, self.checked_ids(links))
        if refusal and self._shown is not None:
            self.show_segment(*self._shown)  # back to the links as stored
        self.show_message(refusal)
