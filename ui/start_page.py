"""The start page, shown while no plan is open: make a plan, open one, or pick a recent one.

It only shows choices and announces them through signals; the main window does the work.
Recent plans that are no longer where they were are shown greyed with "not found".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ui.settings import APPLICATION_TITLE

PATH_ROLE = Qt.ItemDataRole.UserRole


class StartPage(QWidget):
    """Big buttons for New, New from sample and Open, and the list of recent plans."""

    new_requested = Signal()
    sample_requested = Signal()
    open_requested = Signal()
    recent_requested = Signal(Path)
    forget_requested = Signal(Path)

    def __init__(self, icon: QIcon | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(APPLICATION_TITLE)
        title_font = QFont(title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.8)
        title_font.setBold(True)
        title.setFont(title_font)
        summary = QLabel(
            "Plan your marketing and sales in one place: who your customers are, how you "
            "reach them, what you aim to sell, and how the year is really going."
        )
        summary.setWordWrap(True)
        heading = QHBoxLayout()
        if icon is not None and not icon.isNull():
            logo = QLabel()
            logo.setPixmap(icon.pixmap(QSize(64, 64)))
            heading.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.addWidget(title)
        texts.addWidget(summary)
        heading.addLayout(texts, 1)

        style = self.style()
        self.new_button = self._big_button(
            "&New plan…", style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        )
        self.sample_button = self._big_button(
            "New from &sample…", style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        )
        self.open_button = self._big_button(
            "&Open…", style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton)
        )
        self.new_button.setToolTip("Start an empty plan for your business")
        self.sample_button.setToolTip("A finished plan of a small bakery, to look around and try")
        self.open_button.setToolTip("Open a plan file (.smplan) you saved before")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.sample_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        recent_title = QLabel("Recent plans")
        recent_font = QFont(recent_title.font())
        recent_font.setBold(True)
        recent_title.setFont(recent_font)
        self.recent_list = QListWidget()
        self.recent_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.recent_list.setIconSize(QSize(24, 24))
        self.no_recent_label = QLabel("Plans you create or open will be listed here.")
        self.no_recent_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._recent_stack = QStackedWidget()
        self._recent_stack.addWidget(self.recent_list)
        self._recent_stack.addWidget(self.no_recent_label)

        column = QVBoxLayout()
        column.addLayout(heading)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addSpacing(16)
        column.addWidget(recent_title)
        column.addWidget(self._recent_stack, 1)
        # Keep the page a readable width on a wide screen, centred.
        content = QWidget()
        content.setLayout(column)
        content.setMaximumWidth(760)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(content, 4)
        outer.addStretch(1)

        self.new_button.clicked.connect(self.new_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        self.open_button.clicked.connect(self.open_requested)
        # One click opens, like a link. Some styles already activate on a single click;
        # listening to both there would open the plan twice.
        self.recent_list.itemActivated.connect(self._item_chosen)
        single_click = QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick
        if not self.style().styleHint(single_click, None, self.recent_list):
            self.recent_list.itemClicked.connect(self._item_chosen)
        self.recent_list.customContextMenuRequested.connect(self._context_menu)

    def _big_button(self, text: str, icon: QIcon) -> QPushButton:
        button = QPushButton(icon, text)
        button.setIconSize(QSize(24, 24))
        button.setMinimumHeight(48)
        button.setMinimumWidth(160)
        return button

    def set_recent(self, paths: list[Path]) -> None:
        """Show ``paths`` (newest first); files no longer there are greyed "not found"."""
        self.recent_list.clear()
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for path in paths:
            found = path.is_file()
            label = path.name if found else f"{path.name} — not found"
            item = QListWidgetItem(file_icon, f"{label}\n{path.parent}")
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path) if found else f"{path} is no longer there.")
            if not found:
                item.setForeground(muted)
            self.recent_list.addItem(item)
        self._recent_stack.setCurrentWidget(self.recent_list if paths else self.no_recent_label)

    def recent_paths(self) -> list[Path]:
        return [
            Path(self.recent_list.item(row).data(PATH_ROLE))
            for row in range(self.recent_list.count())
        ]

    def _item_chosen(self, item: QListWidgetItem) -> None:
        self.recent_requested.emit(Path(item.data(PATH_ROLE)))

    def _context_menu(self, pos: QPoint) -> None:
        item = self.recent_list.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        forget = menu.addAction("Remove from Recent Plans")
        if menu.exec(self.recent_list.viewport().mapToGlobal(pos)) is forget:
            self.forget_requested.emit(Path(item.data(PATH_ROLE)))
