"""The main window: the start page, or an open plan with its sidebar of tabs; and the menus.

One plan is open at a time. Opening, creating and closing plans, recent files, undo and
redo, and the window title all live here; the tabs themselves come from ``ui.tabs`` and
are built the first time they are shown, so opening a plan only pays for the tab in view.
There is no Save: every change is committed to the plan file as it is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QFont, QIcon, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QWidget,
)

import planner
from planner.db.plan import Plan
from planner.instance_lock import PlanLock
from planner.queries.profile import profile_summary
from planner.services.commands import Change
from ui import settings as opt
from ui.background import finish_reads
from ui.file_flows import FileFlows
from ui.settings import APPLICATION_TITLE, Settings
from ui.start_page import StartPage
from ui.undo import PlanOperations

if TYPE_CHECKING:
    from ui.tabs import TabSpec

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
KEY_ROLE = Qt.ItemDataRole.UserRole
SAVED = "All changes saved"


def app_icon() -> QIcon:
    """The application's icon (empty when the resources folder is not installed)."""
    path = RESOURCES / "icons" / "smplanner.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


class MainWindow(FileFlows):
    """The application window. ``tab_specs`` defaults to ``ui.tabs.TAB_SPECS``.

    With ``persist=False`` (used for timing runs) it never writes the settings.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        tab_specs: Sequence[TabSpec] | None = None,
        *,
        persist: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from ui import gc_policy

        # Tabs read on worker threads: cycles are collected here only. The first collection
        # waits until the event loop runs, after the plan and its first tab are built.
        gc_policy.install(starting=True)
        QTimer.singleShot(0, gc_policy.started)
        if tab_specs is None:
            from ui.tabs import TAB_SPECS

            tab_specs = TAB_SPECS
        self.settings = settings if settings is not None else Settings()
        self.tab_specs = list(tab_specs)
        self._persist = persist
        self._ops: PlanOperations | None = None
        self._tabs: dict[str, QWidget] = {}
        self._current_key = ""
        self._undo_group = QUndoGroup(self)
        self.setWindowIcon(app_icon())

        self.start_page = StartPage(app_icon())
        self.sidebar = QTreeWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setRootIsDecorated(False)
        self.sidebar.setItemsExpandable(False)
        self.sidebar.setMinimumWidth(160)
        self.tab_stack = QStackedWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.tab_stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.splitter)
        self.setCentralWidget(self.pages)
        self.saved_label = QLabel(SAVED)
        self.saved_label.setToolTip(
            "Every change is written to the plan file the moment you make it, "
            "so there is nothing to save by hand."
        )
        self.statusBar().addPermanentWidget(self.saved_label)

        self._create_actions()
        self._create_menus()
        self._build_navigation()
        self.start_page.new_requested.connect(self.new_plan)
        self.start_page.sample_requested.connect(self.new_from_sample)
        self.start_page.open_requested.connect(self.open_dialog)
        self.start_page.recent_requested.connect(self.open_recent)
        self.start_page.forget_requested.connect(self._forget_recent)
        self.sidebar.currentItemChanged.connect(self._sidebar_changed)
        style = RESOURCES / "style.qss"
        if style.is_file():
            self.setStyleSheet(style.read_text(encoding="utf-8"))
        self._restore_window()
        self._show_start_page()

    # ----- building -------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        self.new_action = self._action("&New…", self.new_plan, QKeySequence.StandardKey.New)
        self.sample_action = self._action("New from &Sample…", self.new_from_sample)
        self.open_action = self._action("&Open…", self.open_dialog, "Ctrl+O")
        self.save_copy_action = self._action(
            "Save a &Copy As…", self.save_copy, QKeySequence.StandardKey.SaveAs
        )
        self.close_action = self._action("&Close", self.close_plan, "Ctrl+W")
        self.restore_action = self._action("Restore from &Backup…", self.restore_backup)
        self.profile_action = self._action("Business &Profile…", self.edit_profile)
        self.import_actuals_action = self._action("Import Actual &Sales…", self.import_actuals)
        self.import_deals_action = self._action("Import &Deals…", self.import_deals)
        self.import_excel_action = self._action("Import from E&xcel…", self.import_excel)
        self.export_excel_action = self._action("&Export to Excel…", self.export_excel)
        self.report_action = self._action(
            "Print &Quarterly Report…", self.print_report, QKeySequence.StandardKey.Print
        )
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.clear_recent_action = self._action("&Clear Recent", self.clear_recent)
        self.undo_action = self._undo_group.createUndoAction(self, "Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self._undo_group.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.about_action = self._action(f"&About {APPLICATION_TITLE}", self._about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.tab_actions = QActionGroup(self)
        self.tab_actions.setExclusive(True)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.sample_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addActions([self.save_copy_action, self.restore_action, self.close_action])
        file_menu.addSeparator()
        file_menu.addAction(self.import_actuals_action)
        file_menu.addAction(self.import_deals_action)
        file_menu.addAction(self.import_excel_action)
        file_menu.addAction(self.export_excel_action)
        file_menu.addAction(self.report_action)
        file_menu.addAction(self.profile_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        self.view_menu = bar.addMenu("&View")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_navigation(self) -> None:
        """The sidebar (tabs grouped under headings) and the View menu with Ctrl+1..9."""
        groups: dict[str, QTreeWidgetItem] = {}
        previous_group: str | None = None
        for number, spec in enumerate(self.tab_specs, start=1):
            parent: QTreeWidget | QTreeWidgetItem = self.sidebar
            if spec.group is not None:
                if spec.group not in groups:
                    heading = QTreeWidgetItem(self.sidebar, [spec.group])
                    heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not a choice
                    font = QFont(heading.font(0))
                    font.setBold(True)
                    heading.setFont(0, font)
                    groups[spec.group] = heading
                parent = groups[spec.group]
            item = QTreeWidgetItem(parent, [spec.title])
            item.setData(0, KEY_ROLE, spec.key)
            if number > 1 and spec.group != previous_group:
                self.view_menu.addSeparator()
            previous_group = spec.group
            action = self.view_menu.addAction(spec.title)
            action.setCheckable(True)
            action.setData(spec.key)
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_tab(key))
            self.tab_actions.addAction(action)
        self.sidebar.expandAll()

    # ----- state ---------------------------------------------------------------------
    @property
    def ops(self) -> PlanOperations | None:
        """The open plan's operations, or None while the start page shows."""
        return self._ops

    @property
    def plan(self) -> Plan | None:
        return self._ops.plan if self._ops is not None else None

    def current_key(self) -> str:
        return self._current_key if self._ops is not None else ""

    def current_tab(self) -> QWidget | None:
        return self._tabs.get(self._current_key) if self._ops is not None else None

    def tab_keys(self) -> list[str]:
        return [spec.key for spec in self.tab_specs]

    def sidebar_item(self, key: str) -> QTreeWidgetItem | None:
        iterator = QTreeWidgetItemIterator(self.sidebar)
        while (item := iterator.value()) is not None:
            if item.data(0, KEY_ROLE) == key:
                return item
            iterator += 1
        return None

    def _update_title(self) -> None:
        plan = self.plan
        if plan is None:
            self.setWindowTitle(APPLICATION_TITLE)
            self.setWindowFilePath("")
            return
        name = profile_summary(plan).name
        read_only = " (read-only)" if plan.read_only else ""
        self.setWindowTitle(f"{name} — {plan.path.name}{read_only} — {APPLICATION_TITLE}")
        self.setWindowFilePath(str(plan.path))

    def _update_actions(self) -> None:
        has_plan = self._ops is not None
        for action in (self.save_copy_action, self.close_action, self.profile_action):
            action.setEnabled(has_plan)
        self.import_actuals_action.setEnabled(has_plan)
        self.import_deals_action.setEnabled(has_plan)
        self.import_excel_action.setEnabled(has_plan)
        self.export_excel_action.setEnabled(has_plan)
        self.report_action.setEnabled(has_plan)
        for action in self.tab_actions.actions():
            action.setEnabled(has_plan)
        self.saved_label.setVisible(has_plan)
        read_only = self.plan is not None and self.plan.read_only
        self.restore_action.setEnabled(has_plan and not read_only)
        if read_only:
            self.import_actuals_action.setEnabled(False)
            self.import_deals_action.setEnabled(False)
            self.import_excel_action.setEnabled(False)
        self.saved_label.setText("Read-only: nothing can be changed" if read_only else SAVED)

    def _refresh_recent(self) -> None:
        paths = self.settings.recent_files()
        self.start_page.set_recent(paths)
        self.recent_menu.clear()
        for number, path in enumerate(paths, start=1):
            missing = "" if path.is_file() else " (not found)"
            label = path.name.replace("&", "&&")
            action = self.recent_menu.addAction(f"&{number % 10} {label}{missing}")
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_recent(p))
        if not paths:
            self.recent_menu.addAction("No recent plans").setEnabled(False)
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(paths))

    def _default_folder(self) -> Path:
        if self.plan is not None:
            return self.plan.path.parent
        for path in self.settings.recent_files():
            if path.parent.is_dir():
                return path.parent
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents else Path.home()

    def _restore_window(self) -> None:
        geometry = self.settings.get(opt.WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1100, 720)
        state = self.settings.get(opt.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        splitter = self.settings.get(opt.SPLITTER_STATE)
        if splitter.isEmpty() or not self.splitter.restoreState(splitter):
            self.splitter.setSizes([210, 890])

    def _save_window(self) -> None:
        if self._persist:
            self.settings.set(opt.WINDOW_GEOMETRY, self.saveGeometry())
            self.settings.set(opt.WINDOW_STATE, self.saveState())
            self.settings.set(opt.SPLITTER_STATE, self.splitter.saveState())

    # ----- tabs -------------------------------------------------------------------------
    def show_tab(self, key: str) -> None:
        """Show the tab ``key``, building it the first time."""
        if self._ops is None:
            return
        spec = next((s for s in self.tab_specs if s.key == key), None)
        if spec is None:
            return
        widget = self._tabs.get(key)
        if widget is None:
            widget = spec.factory(self._ops, self.tab_stack)
            self._tabs[key] = widget
            self.tab_stack.addWidget(widget)
        self.tab_stack.setCurrentWidget(widget)
        self._current_key = key
        item = self.sidebar_item(key)
        if item is not None and self.sidebar.currentItem() is not item:
            self.sidebar.setCurrentItem(item)
        for action in self.tab_actions.actions():
            if action.data() == key:
                action.setChecked(True)
        if self._persist:
            self.settings.set(opt.LAST_TAB, key)

    def _sidebar_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        key = current.data(0, KEY_ROLE) if current is not None else None
        if key:
            self.show_tab(str(key))

    # ----- plans ------------------------------------------------------------------------
    def load_plan(self, plan: Plan, *, remember: bool = True, lock: PlanLock | None = None) -> None:
        """Show ``plan`` (already open) in the window; ``remember`` adds it to recent plans;
        ``lock`` is its instance lock, held until the plan is closed."""
        self._unload_plan()
        ops = PlanOperations(plan, self)
        last = self.settings.get(opt.LAST_TAB)
        first = next((s for s in self.tab_specs if s.key == last), self.tab_specs[0])
        # Its numbers are read on a thread from now on, while the rest is built.
        ops.first_read = first.start_first_read(ops)
        self._ops = ops
        self._undo_group.addStack(ops.undo_stack)
        self._undo_group.setActiveStack(ops.undo_stack)
        ops.changed.connect(self._on_changed)
        ops.changed.connect(self._plan_edited)
        ops.failed.connect(self._on_failed)
        self._guard_plan(plan, lock)
        self.pages.setCurrentWidget(self.splitter)
        self.show_tab(first.key)
        self._update_title()
        self._update_actions()
        if remember and self._persist:
            self.settings.add_recent(plan.path)
            self.settings.set(opt.LAST_PLAN, str(plan.path.resolve()))
            self._refresh_recent()
        if plan.upgraded_from is not None:
            where = plan.backup_path or plan.path.parent
            self.statusBar().showMessage(
                f"This plan was made by an older version and has been upgraded. "
                f"The old file was kept as '{where}'."
            )

    def _unload_plan(self) -> None:
        ops = self._ops
        if ops is None:
            return
        # Fields commit when they lose focus: take it away first, so text still being
        # typed (a description, a cell editor) is saved before the plan closes.
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()
        self._ops = None
        self._undo_group.removeStack(ops.undo_stack)
        ops.undo_stack.clear()
        for widget in self._tabs.values():
            self.tab_stack.removeWidget(widget)
            widget.deleteLater()
        self._tabs.clear()
        self._current_key = ""
        self.statusBar().clearMessage()
        finish_reads(ops)  # no tab read may still run on (or start on) the closed plan
        ops.finish_threads()
        self._close_guarded(ops.plan)
        ops.deleteLater()

    def _show_start_page(self) -> None:
        self.pages.setCurrentWidget(self.start_page)
        self._refresh_recent()
        self._update_title()
        self._update_actions()

    def edit_profile(self) -> None:
        if self._ops is None:
            return
        from ui.profile_dialog import ProfileDialog  # when first asked for, not at start

        dialog = ProfileDialog(self._ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def import_actuals(self) -> None:
        """File > Import Actual Sales…: the import wizard, on the open plan."""
        if self._ops is None:
            return
        from ui.import_actuals_dialog import ImportActualsDialog

        dialog = ImportActualsDialog(self._ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def print_report(self) -> None:
        """File > Print Quarterly Report…: choose, preview, print or save as PDF."""
        if self._ops is None:
            return
        from ui.report_dialog import ReportDialog

        dialog = ReportDialog(self._ops, self, self.settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def import_deals(self) -> None:
        """File > Import Deals…: the CRM import wizard, on the open plan."""
        if self._ops is None:
            return
        from ui.import_deals_dialog import ImportDealsDialog

        dialog = ImportDealsDialog(self._ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def import_excel(self) -> None:
        """File > Import from Excel…: figures changed in an exported workbook, as one step."""
        if self._ops is None:
            return
        from ui.excel_import_dialog import ExcelImportDialog

        dialog = ExcelImportDialog(self._ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def export_excel(self) -> None:
        """File > Export to Excel…: the chosen fiscal year as one workbook."""
        if self._ops is None:
            return
        from ui.export_dialog import ExportDialog

        dialog = ExportDialog(self._ops, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # ----- reactions --------------------------------------------------------------------
    def _on_changed(self, changes: Change) -> None:
        if changes & Change.PROFILE:
            self._update_title()

    def _on_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        # PlanOperations words undo and redo failures this way; those need the user's
        # attention because the step they asked for did not happen.
        if message.startswith(("Could not undo", "Could not redo")):
            QMessageBox.warning(self, "Undo", message)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APPLICATION_TITLE}",
            f"<b>{APPLICATION_TITLE}</b> {planner.__version__}<p>Plan marketing and sales "
            "for a small business, and compare the plan with what really happened. "
            "Your plan is one file on your computer; nothing is sent anywhere.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_window()
        self._unload_plan()
        event.accept()
