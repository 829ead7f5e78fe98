"""Filling in the Channels grid quickly: spread a yearly budget, copy last year, fill right.

Each helper acts on the channel shown in the grid and on the figure (row) or cells
selected in it, and stores its work as one undo step ("Spread Budget", "Copy From Last
Year", "Fill Right") through ``planner.services.channels``. They are offered as buttons
above the grid and in the grid's context menu; Ctrl+R fills right, as in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget

from planner.domain.money import to_minor
from planner.domain.periods import Month
from planner.queries import seasonal_shapes
from planner.services import channels as svc
from planner.services.commands import CompositeCommand
from planner.services.errors import ValidationError
from ui.tabs.channels_fill import LEADS, SPEND, SpreadDialog, SpreadRequest
from ui.tabs.channels_grid import ChannelGridModel, GridRow, Line
from ui.widgets import SheetView
from ui.widgets.sheet import show_cell_message

if TYPE_CHECKING:
    from ui.tabs.channels import ChannelsTab


class GridView(SheetView):
    """The grid's table: the sheet's own menu (copy, paste, clear) plus the helpers."""

    extra_actions: Sequence[QAction] = ()

    def edit(self, index: Any, trigger: Any = None, event: Any = None) -> bool:  # type: ignore[override]
        # A key typed (or a double click) on a locked month's figure opens no editor;
        # say why at the cell and in the status bar rather than doing nothing.
        model = self.model()
        if (
            trigger is not None
            and isinstance(model, ChannelGridModel)
            and index.isValid()
            and trigger & self.editTriggers()
        ):
            refusal = model.locked_refusal(index.row(), index.column())
            if refusal is not None:
                show_cell_message(self, index, refusal)
                self.note(refusal)
                return False
        return super().edit(index, trigger, event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if self.model() is None:
            return
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        menu.addAction(self.copy_headers_action)
        self.paste_action.setEnabled(bool(QApplication.clipboard().text()))
        menu.addAction(self.paste_action)
        menu.addAction(self.clear_action)
        menu.addSeparator()
        for action in self.extra_actions:
            menu.addAction(action)
        menu.exec(event.globalPos())


class GridHelpers:
    """The three helpers of one Channels tab, as actions and buttons."""

    def __init__(self, tab: ChannelsTab) -> None:
        self.tab = tab
        self.spread_action = QAction("&Spread a Yearly Budget…", tab)
        self.spread_action.setToolTip(
            "Share one figure for the year out over the months: evenly or like last year."
        )
        self.spread_action.triggered.connect(lambda *_: self.open_spread_dialog())
        self.copy_plan_action = QAction("Last Year's &Plan", tab)
        self.copy_plan_action.triggered.connect(
            lambda *_: self.copy_from_last_year(svc.CopySource.PLAN)
        )
        self.copy_actual_action = QAction("Last Year's &Actual Figures", tab)
        self.copy_actual_action.triggered.connect(
            lambda *_: self.copy_from_last_year(svc.CopySource.ACTUAL)
        )
        self.copy_menu = QMenu("&Copy From Last Year", tab)
        self.copy_menu.addAction(self.copy_plan_action)
        self.copy_menu.addAction(self.copy_actual_action)
        self.fill_action = QAction("&Fill Right", tab)
        self.fill_action.setShortcut(QKeySequence("Ctrl+R"))
        self.fill_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.fill_action.setToolTip(
            "Copy the selected month's figure to the rest of the year, or the first "
            "selected cell's figure to the other selected cells (Ctrl+R)."
        )
        self.fill_action.triggered.connect(lambda *_: self.fill_right())
        tab.grid.addAction(self.fill_action)

        self.spread_button = _button("Spread a yearly budget…", self.spread_action)
        self.copy_button = QPushButton("Copy from last year")
        self.copy_button.setToolTip(
            "Plan this year's spend and leads like last year: from last year's plan or "
            "from what really happened."
        )
        self.copy_button.setMenu(self.copy_menu)
        self.fill_button = _button("Fill right", self.fill_action)
        self.buttons: list[QWidget] = [self.spread_button, self.copy_button, self.fill_button]
        self.actions: list[QAction] = [self.fill_action, self.spread_action,
                                       self.copy_menu.menuAction()]  # fmt: skip

    def update_actions(self) -> None:
        one = not self.tab.showing_all
        for action in (self.spread_action, self.fill_action):
            action.setEnabled(one)
        for widget in (self.spread_button, self.fill_button):
            widget.setEnabled(one)
        has_channels = bool(self.tab.model.rows)
        self.copy_menu.setEnabled(has_channels)
        self.copy_button.setEnabled(has_channels)
        year = self.tab.fiscal_year if self.tab.profile is not None else None
        last = f" ({(year + -1).label})" if year is not None else ""
        scope = "all channels" if self.tab.showing_all else "this channel"
        self.copy_plan_action.setText(f"Last Year's &Plan{last}, for {scope}")
        self.copy_actual_action.setText(f"Last Year's &Actual Figures{last}, for {scope}")

    # -- what is selected ------------------------------------------------------------

    def _month_cells(self) -> dict[int, list[int]]:
        """Selected editable month cells: grid row -> its selected month columns."""
        model = self.tab.grid_model
        cells: dict[int, list[int]] = {}
        grid = self.tab.grid
        selected = [(i.row(), i.column()) for i in grid.selectionModel().selectedIndexes()]
        current = grid.currentIndex()
        if not selected and current.isValid():
            selected = [(current.row(), current.column())]
        for r, column in selected:
            row: GridRow = model.row_at(r)
            if row.editable and model.month_of_column(column) is not None:
                cells.setdefault(r, []).append(column)
        return {r: sorted(columns) for r, columns in cells.items()}

    def _chosen_line(self) -> Line:
        index = self.tab.grid.currentIndex()
        if index.isValid():
            line = self.tab.grid_model.row_at(index.row()).line
            if line in (Line.PLANNED_LEADS, Line.ACTUAL_LEADS):
                return Line.PLANNED_LEADS
        return Line.PLANNED_SPEND

    # -- the helpers -------------------------------------------------------------------

    def open_spread_dialog(self) -> SpreadDialog | None:
        """Open the spread dialog for the channel shown: over the months selected in one
        row when several are, else over the whole year."""
        tab = self.tab
        year = tab.shown_year()
        if year.channel_id is None:
            tab.say("Choose one channel (This channel) to spread a budget over its months.")
            return None
        model = tab.grid_model
        months: list[Month] = list(year.months)
        cells = self._month_cells()
        if len(cells) == 1:
            columns = next(iter(cells.values()))
            if len(columns) > 1:
                months = [m for c in columns if (m := model.month_of_column(c)) is not None]
        span = [year.months.index(m) for m in months]
        totals: dict[str, Any] = {
            SPEND: sum((year.monthly[i].planned_spend for i in span), start=0),
            LEADS: sum(year.monthly[i].planned_leads for i in span),
        }
        field = SPEND if self._chosen_line() is Line.PLANNED_SPEND else LEADS
        channel_id = year.channel_id
        # Locked months keep their figures (the service's rule); the preview shows it.
        locked = model.locked_through
        kept: dict[str, dict[Month, int]] = {SPEND: {}, LEADS: {}}
        for i in span:
            if locked is not None and year.months[i] <= locked:
                kept[SPEND][year.months[i]] = to_minor(year.monthly[i].planned_spend)
                kept[LEADS][year.months[i]] = year.monthly[i].planned_leads

        def apply(request: SpreadRequest) -> str | None:
            def build(uow: Any) -> CompositeCommand:
                return svc.spread_budget(uow, channel_id, request.months, request.field,
                                         request.total, request.shape)  # fmt: skip

            stored = tab.run(build, "The months already hold these figures.")
            return None if stored is not None or not tab.last_refusal else tab.last_refusal

        dialog = SpreadDialog(
            year.name, year.fiscal_year, months, seasonal_shapes(tab.ops.plan, year.fiscal_year,
            channel_id), tab.formats, totals, apply, field, tab, kept=kept,
        )  # fmt: skip
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def copy_from_last_year(self, source: svc.CopySource) -> bool:
        """Copy last year's plan or actuals into this year's plan: for the channel shown,
        or for every active channel when all are shown."""
        tab = self.tab
        year = tab.shown_year()
        if year.channel_id is not None:
            ids = [year.channel_id]
        else:
            ids = [line.id for line in tab.model.rows if not line.channel.archived]
        if not ids:
            tab.say("Add a channel first.")
            return False
        fiscal_year = year.fiscal_year
        command = tab.run(
            lambda uow: svc.copy_from_last_year(uow, ids, fiscal_year, source),
            "This year's plan already matches last year's.",
        )
        return command is not None

    def fill_right(self) -> bool:
        """The first selected month of a row goes into the other selected months of that
        row; a single selected month goes into every month after it."""
        tab = self.tab
        model = tab.grid_model
        cells = self._month_cells()
        if not cells:
            tab.say("Select a month of planned or actual figures of one channel to fill right.")
            return False
        jobs = []
        for r, columns in cells.items():
            row: GridRow = model.row_at(r)
            targets = columns[1:] if len(columns) > 1 else range(columns[0] + 1, 13)
            months = [m for c in targets if (m := model.month_of_column(c)) is not None]
            if months:
                jobs.append((row, months, row.values[columns[0] - 1]))
        if not jobs:
            tab.say("There are no months to the right of the last month of the year.")
            return False

        def build(uow: Any) -> CompositeCommand:
            parts = []
            for row, months, value in jobs:
                if row.channel_id is None or row.line.field is None:
                    continue
                try:
                    parts.append(svc.fill_right(uow, row.channel_id, row.line.field, months, value))
                except ValidationError as exc:  # say which figure: "Actual spend: ..."
                    raise ValidationError(f"{row.line.label}: {exc}", exc.field) from None
            return CompositeCommand("Fill Right", parts)

        return tab.run(build, "Those months already hold that figure.") is not None


def _button(text: str, action: QAction) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(action.toolTip())
    button.clicked.connect(lambda *_: action.trigger())
    action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
    return button
