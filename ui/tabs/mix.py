"""The Marketing mix (4Ps) tab: each offering's product, price, place and promotion.

Offerings are listed on the left, where they are added, renamed in place, copied,
reordered, archived and deleted (each one undo step). The selected offering's 4Ps are
edited on the right (``ui.tabs.mix_editor``). With no offering yet, the right side says
how to start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.db.plan import UnitOfWork
from planner.queries import OfferingRow, offering_detail, offerings
from planner.services.commands import Change, Command
from planner.services.errors import NotFoundError, ValidationError
from planner.services.offerings import (
    add_offering,
    delete_offering,
    delete_question,
    duplicate_offering,
    free_name,
    move_offering,
    set_archived,
)
from ui.tabs.base import PlanTab
from ui.tabs.mix_editor import MixEditor
from ui.tabs.mix_models import OfferingListModel, run_reporting
from ui.undo import PlanOperations


class MixTab(PlanTab):
    title = "Marketing mix (4Ps)"
    explanation = (
        "What you sell and how, one offering at a time: the Product (what it is and for whom), "
        "its Price (and the margin it leaves), the Place where it is sold and delivered, and "
        "the Promotion that makes people want it. Getting these four to fit each other is "
        "most of marketing."
    )
    watched: ClassVar[Change] = Change.OFFERINGS | Change.CHANNELS | Change.SEGMENTS

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.list_model = OfferingListModel(ops, self)
        self.view = QListView()
        self.view.setObjectName("offeringsList")
        self.view.setModel(self.list_model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.list_model.edit_rejected.connect(self._rename_refused)
        self.editor = MixEditor(ops)
        self.promotion_model = self.editor.promotion_model
        self._current: int | None = None  # the offering shown on the right
        self._reloading = False  # the list is being refilled: selection moves are not the user's
        self._make_actions()
        self.show_archived = QCheckBox("Show archived")
        self.show_archived.setObjectName("showArchived")
        self.show_archived.setToolTip("Archived offerings are kept for past figures, greyed.")
        self.show_archived.toggled.connect(self._toggle_archived)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("Offerings"))
        left_layout.addWidget(self.view, 1)
        buttons = QGridLayout()
        for n, action in enumerate(self.list_actions):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button, n // 3, n % 3)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.show_archived)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setWidget(self.editor)
        self.pages = QStackedWidget()
        self.empty = self._empty_page()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.scroll_area)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        splitter.setChildrenCollapsible(False)
        self.body.addWidget(splitter, 1)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selection_moved())

    # -- building ------------------------------------------------------------------------

    def _make_actions(self) -> None:
        def action(text: str, slot: Callable[[], Any], tip: str, keys: str = "") -> QAction:
            made = QAction(text, self)
            made.setToolTip(tip)
            made.triggered.connect(slot)
            if keys:
                made.setShortcut(QKeySequence(keys))
                # Only while the list itself has focus: Delete or Insert typed while
                # renaming in place belong to the name.
                made.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            return made

        self.add_action = action("Add", self.add, "Add a new offering (Insert).", "Insert")
        self.rename_action = action("Rename", self.rename, "Rename the offering (F2).")
        self.duplicate_action = action(
            "Duplicate", self.duplicate, "Copy the offering with all its 4Ps and channels."
        )
        self.up_action = action("Move up", lambda: self.move_selected(-1), "Move it up.", "Alt+Up")
        self.down_action = action(
            "Move down", lambda: self.move_selected(1), "Move it down.", "Alt+Down"
        )
        self.archive_action = action(
            "Archive", self.toggle_archived, "Hide it from lists and choices, keeping its history."
        )
        self.delete_action = action("Delete…", self.delete, "Delete the offering.", "Delete")
        self.list_actions = [
            self.add_action, self.duplicate_action, self.rename_action,
            self.up_action, self.down_action, self.archive_action, self.delete_action,
        ]  # fmt: skip
        for made in self.list_actions:
            self.view.addAction(made)

    def _empty_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("mixEmpty")
        block = QWidget()
        block.setFixedWidth(480)
        inner = QVBoxLayout(block)
        self.empty_heading = QLabel()
        font = self.empty_heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.empty_heading.setFont(font)
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_add = QPushButton("Add your first offering")
        self.empty_add.setObjectName("emptyAdd")
        self.empty_add.clicked.connect(self.add)
        inner.addWidget(self.empty_heading)
        inner.addWidget(self.empty_text)
        inner.addSpacing(8)
        inner.addWidget(self.empty_add, 0, Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(block)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    # -- reading -------------------------------------------------------------------------

    def refresh(self, changes: Change) -> None:
        self.editor.set_formats(self.formats)
        rows = offerings(self.ops.plan)
        self._reloading = True
        try:
            self.list_model.set_rows(rows)
        finally:
            self._reloading = False
        before = self._current
        if self._current is not None and self.list_model.row_of(self._current) < 0:
            self._current = None  # deleted, or archived while archived ones are hidden
        if self._current is None and self.list_model.rowCount():
            self._select(self.list_model.row_at(0).id)
        elif self._current is not None:
            self._select(self._current)
        self._show(other_offering=self._current != before)

    def selected(self) -> OfferingRow | None:
        row = self.list_model.row_of(self._current) if self._current is not None else -1
        return self.list_model.row_at(row) if row >= 0 else None

    def _select(self, offering_id: int) -> None:
        row = self.list_model.row_of(offering_id)
        if row < 0:
            return
        index = self.list_model.index(row)
        self._current = offering_id  # first, so the selection signal finds nothing new
        if self.view.currentIndex() != index:
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _selection_moved(self) -> None:
        if self._reloading:
            return
        index = self.view.currentIndex()
        chosen = self.list_model.row_at(index.row()).id if index.isValid() else None
        if chosen != self._current:
            self._current = chosen
            self._show(other_offering=True)

    def _show(self, *, other_offering: bool) -> None:
        detail = offering_detail(self.ops.plan, self._current) if self._current else None
        self._update_actions()
        if detail is None:
            hidden = sum(1 for r in self.list_model.rows if r.archived)
            if self.list_model.rows and hidden == len(self.list_model.rows):
                self.empty_heading.setText("Every offering is archived")
                self.empty_text.setText(
                    "Tick “Show archived” under the list to see them, or add a new offering."
                )
            else:
                self.empty_heading.setText("Add your first offering")
                self.empty_text.setText(
                    "An offering is a product or a service line you sell, such as celebration "
                    "cakes, office catering or a monthly maintenance plan. Add one, then fill "
                    "in its product, price, place and promotion; each part explains itself."
                )
            self.pages.setCurrentWidget(self.empty)
            return
        self.pages.setCurrentWidget(self.scroll_area)
        self.editor.show_detail(detail, other_offering=other_offering)

    def _update_actions(self) -> None:
        row = self.selected()
        position = self.list_model.row_of(row.id) if row else -1
        group = [r for r in self.list_model.rows if row and r.archived == row.archived]
        at = next((n for n, r in enumerate(group) if row and r.id == row.id), -1)
        for made in (self.rename_action, self.duplicate_action, self.archive_action,
                     self.delete_action):  # fmt: skip
            made.setEnabled(position >= 0)
        self.up_action.setEnabled(at > 0)
        self.down_action.setEnabled(0 <= at < len(group) - 1)
        archived = bool(row and row.archived)
        self.archive_action.setText("Unarchive" if archived else "Archive")

    # -- list actions --------------------------------------------------------------------

    def _run(self, build: Callable[[UnitOfWork], Command]) -> Command | None:
        """Build a command and run it as one undo step; None when refused (and said why)."""
        try:
            with self.ops.plan.uow() as uow:
                command = build(uow)
        except (ValidationError, NotFoundError) as exc:
            self.ops.failed.emit(str(exc))
            return None
        return command if run_reporting(self.ops, command) is None else None

    def add(self) -> None:
        """Add "New offering", select it and let the user type its name."""
        holder: dict[str, str] = {}

        def build(uow: UnitOfWork) -> Command:
            holder["name"] = free_name(uow)
            return add_offering(uow, holder["name"])

        command = self._run(build)
        new_id = getattr(command, "new_id", None)
        if new_id is None:
            return
        self._select(new_id)
        self._show(other_offering=True)
        self.rename()

    def rename(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.setFocus()
            self.view.edit(index)

    def duplicate(self) -> None:
        row = self.selected()
        if row is None:
            return
        command = self._run(lambda uow: duplicate_offering(uow, row.id))
        new_id = getattr(command, "new_id", None)
        if new_id is not None:
            self._select(new_id)
            self._show(other_offering=True)

    def move_selected(self, delta: int) -> None:
        row = self.selected()
        if row is not None:
            self._run(lambda uow: move_offering(uow, row.id, delta))
            self.view.scrollTo(self.view.currentIndex())

    def toggle_archived(self) -> None:
        row = self.selected()
        if row is None:
            return
        position = self.list_model.row_of(row.id)
        if self._run(lambda uow: set_archived(uow, row.id, not row.archived)) is None:
            return
        if self.list_model.row_of(row.id) < 0 and self.list_model.rowCount():
            # Archived and hidden: keep the user's place in the list.
            neighbour = self.list_model.row_at(min(position, self.list_model.rowCount() - 1))
            self._select(neighbour.id)
            self._show(other_offering=True)

    def delete(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            with self.ops.plan.uow() as uow:
                question = delete_question(uow, row.id)
        except (ValidationError, NotFoundError) as exc:  # e.g. figures in locked months
            self.ops.failed.emit(str(exc))
            return
        answer = QMessageBox.question(
            self,
            "Delete offering",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        position = self.list_model.row_of(row.id)
        # Thousands of deals may name it: that takes a moment on a large plan.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            deleted = self._run(lambda uow: delete_offering(uow, row.id))
        finally:
            QApplication.restoreOverrideCursor()
        if deleted is None:
            return
        if self.list_model.rowCount():
            neighbour = self.list_model.row_at(min(position, self.list_model.rowCount() - 1))
            self._select(neighbour.id)
            self._show(other_offering=True)

    def _toggle_archived(self, shown: bool) -> None:
        before = self._current
        self._reloading = True
        try:
            self.list_model.set_rows(self.list_model.rows, show_archived=shown)
        finally:
            self._reloading = False
        if self._current is not None and self.list_model.row_of(self._current) >= 0:
            self._select(self._current)
        else:
            self._current = None
            if self.list_model.rowCount():
                self._select(self.list_model.row_at(0).id)
        self._show(other_offering=self._current != before)

    def _rename_refused(self, index: QModelIndex, message: str) -> None:
        rect = self.view.visualRect(index)
        where = self.view.viewport().mapToGlobal(rect.bottomLeft())
        QToolTip.showText(where, message, self.view.viewport(), rect, 8000)
