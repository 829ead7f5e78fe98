"""The Marketing mix (4Ps) tab: each offering's product, price, place and promotion."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from planner.db.models import Offering
from planner.queries import OfferingRow, offerings
from planner.services.commands import Change
from ui.models.table import Column, Kind, RowTableModel, field_commands
from ui.tabs.base import PlanTab
from ui.tabs.widgets import fit_columns, make_table
from ui.undo import PlanOperations

OFFERING_COLUMNS: list[Column[OfferingRow]] = [
    Column("Offering", lambda o: o.name, field="name"),
    Column("Life-cycle stage", lambda o: o.lifecycle_stage),
    Column("List price", lambda o: o.list_price, Kind.MONEY),
    Column("Margin", lambda o: o.margin, Kind.MONEY, tooltip="List price minus unit cost."),
    Column("Margin %", lambda o: o.margin_pct, Kind.PERCENT, tooltip="Margin of the list price."),
]

# (group, [(label, attribute)]); money and lists are formatted in ``_value``.
_MIX: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Product",
        [
            ("What it is", "description"),
            ("For whom", "target_customers"),
            ("Why they buy it", "value_proposition"),
            ("Features", "features"),
            ("Life-cycle stage", "lifecycle_stage"),
            ("Segments served", "segments"),
        ],
    ),
    (
        "Price",
        [
            ("List price", "list_price"),
            ("Unit cost", "unit_cost"),
            ("Margin", "margin"),
            ("Pricing approach", "pricing_approach"),
            ("Discount rules", "discount_policy"),
        ],
    ),
    ("Place", [("Where and how it is sold", "place"), ("Sold through", "sold_through")]),
    (
        "Promotion",
        [
            ("Message", "promotion_message"),
            ("Tactics", "promotion_tactics"),
            ("Promoted by", "promoted_by"),
        ],
    ),
]
_NOT_SET = "Not filled in"


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
        self.model = RowTableModel(OFFERING_COLUMNS, ops=ops, command_for=field_commands(Offering))
        self.view = make_table(self.model, name="offeringsTable")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        self.heading = QLabel()
        self.heading.setObjectName("offeringHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        details_layout.addWidget(self.heading)
        self.fields: dict[str, QLabel] = {}
        for group, rows in _MIX:
            box = QGroupBox(group)
            form = QFormLayout(box)
            for label, attribute in rows:
                value = QLabel()
                value.setObjectName(f"mix_{attribute}")
                value.setWordWrap(True)
                value.setTextFormat(Qt.TextFormat.PlainText)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(f"{label}:", value)
                self.fields[attribute] = value
            details_layout.addWidget(box)
        details_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(details)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.body.addWidget(splitter, 1)
        self.details = details
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_mix())
        self.model.dataChanged.connect(lambda *_: self._show_mix())
        self.model.modelReset.connect(self._show_mix)

    def refresh(self, changes: Change) -> None:
        self.model.set_formats(self.formats)
        if changes & (self.watched | Change.PROFILE):
            self.model.set_rows(offerings(self.ops.plan))
            fit_columns(self.view)
            if not self.view.currentIndex().isValid() and self.model.rowCount():
                self.view.setCurrentIndex(self.model.index(0, 0))
        self._show_mix()

    def selected(self) -> OfferingRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_mix(self) -> None:
        offering = self.selected()
        self.details.setVisible(offering is not None)
        if offering is None:
            return
        archived = " (archived)" if offering.archived else ""
        self.heading.setText(f"{offering.name}{archived}")
        for attribute, label in self.fields.items():
            text = self._value(offering, attribute)
            label.setText(text or _NOT_SET)
            label.setEnabled(bool(text))

    def _value(self, offering: OfferingRow, attribute: str) -> str:
        value = getattr(offering, attribute)
        if attribute == "margin":
            if offering.margin_pct is None:
                return self.formats.money(value) if offering.unit_cost else ""
            return f"{self.formats.money(value)} ({self.formats.percent(offering.margin_pct)})"
        if attribute in ("list_price", "unit_cost"):
            return self.formats.money(value)
        if isinstance(value, tuple):
            return ", ".join(value)
        return str(value)
