"""The right side of the Marketing mix tab: one offering's Product, Price, Place and
Promotion, each edited in place beside a few lines of guidance.

Every field stores itself as one undo step ("Change Value Proposition") through
``change_field``; ticks and budgets go through the offering services. A refused value is
explained under its field and nothing is stored. ``show_detail`` refreshes what is shown
without disturbing the field the user is in.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from planner.db.models import Offering
from planner.domain.margin import margin
from planner.domain.money import MoneyError, parse_money
from planner.queries import OfferingDetail, OfferingRow
from planner.services.commands import Command
from planner.services.edit import change_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.offerings import set_offering_channel, set_offering_segments
from ui.models.formats import Formats, decimal_mark
from ui.tabs.mix_fields import ERROR_COLOUR, CheckList, ChoiceField, Field, LineField, TextField
from ui.tabs.mix_guide import FIELD_HELP, GUIDANCE, LIFECYCLE_MEANINGS, PRICING_MEANINGS
from ui.tabs.mix_models import PromotionModel, run_reporting
from ui.undo import PlanOperations
from ui.widgets.sheet import SheetView

_REFUSALS = (ValidationError, MoneyError, NotFoundError)
# (row attribute, record column, editor kind) of each P's own fields, in order.
_FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "Product": [
        ("description", "description", "text"),
        ("target_customers", "target_customers", "text"),
        ("value_proposition", "value_proposition", "text"),
        ("features", "features", "text"),
        ("lifecycle_stage", "lifecycle_stage", "lifecycle"),
    ],
    "Price": [
        ("list_price", "list_price_minor", "money"),
        ("unit_cost", "unit_cost_minor", "money"),
        ("pricing_approach", "pricing_approach", "pricing"),
        ("discount_policy", "discount_policy", "text"),
    ],
    "Place": [("place", "place", "text")],
    "Promotion": [
        ("promotion_message", "promotion_message", "text"),
        ("promotion_tactics", "promotion_tactics", "text"),
    ],
}

_SUBTITLES = {
    "Product": "what you sell, and to whom",
    "Price": "what it earns you",
    "Place": "where people buy it and how they get it",
    "Promotion": "how people hear of it",
}


def _label(attribute: str) -> QLabel:
    text, tip, _hint = FIELD_HELP[attribute]
    label = QLabel(f"{text}:")
    label.setToolTip(tip)
    label.setWordWrap(True)
    label.setMinimumWidth(120)
    label.setMaximumWidth(150)
    return label


class MixEditor(QWidget):
    """The 4Ps of one offering, editable in place."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.formats = Formats()
        self.detail: OfferingDetail | None = None
        self.fields: dict[str, Field] = {}
        self._columns: dict[str, str] = {}
        self._labels: dict[str, QLabel] = {}
        self._guides: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 4)
        self.heading = QLabel()
        self.heading.setObjectName("offeringHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.status = QLabel()
        self.status.setObjectName("offeringStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        self.segments = CheckList()
        self.segments.setObjectName("targetSegments")
        self.sold_through = CheckList()
        self.sold_through.setObjectName("soldThrough")
        self.margin = QLabel()
        self.margin.setObjectName("margin")
        self.margin.setTextFormat(Qt.TextFormat.PlainText)
        self.promotion_model = PromotionModel(ops, self)
        self.promotion = self._promotion_table()
        self.budget_total = QLabel()
        self.budget_total.setObjectName("promotionBudget")
        for p in ("Product", "Price", "Place", "Promotion"):
            layout.addWidget(self._section(p))
        layout.addStretch(1)
        self.segments.toggled.connect(self._segment_ticked)
        self.sold_through.toggled.connect(self._seller_ticked)
        for key in ("list_price", "unit_cost"):
            line = self.fields[key]
            assert isinstance(line, LineField)
            line.line.textEdited.connect(lambda _t: self._show_margin())
            line.line.escaped.connect(self._show_margin)

    # -- building ------------------------------------------------------------------------

    def _section(self, p: str) -> QGroupBox:
        box = QGroupBox(f"{p}: {_SUBTITLES[p]}")
        box.setStyleSheet("QGroupBox { font-weight: bold; }")
        box.setObjectName(f"section{p}")
        outer = QHBoxLayout(box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for attribute, column, kind in _FIELDS[p]:
            field = self._field(attribute, kind)
            field.setObjectName(f"mix_{attribute}")
            self.fields[attribute] = field
            self._columns[attribute] = column
            field.submitted.connect(lambda text, a=attribute: self._store(a, text))
            label = _label(attribute)
            self._labels[attribute] = label
            form.addRow(label, field)
            if attribute == "unit_cost":
                form.addRow(_label("margin"), self.margin)
            if attribute == "target_customers":
                form.addRow(_label("segments"), self.segments)
        if p == "Place":
            form.addRow(_label("sold_through"), self.sold_through)
        if p == "Promotion":
            label = _label("promoted_by")
            table = QVBoxLayout()
            table.addWidget(self.promotion)
            table.addWidget(self.budget_total)
            form.addRow(label, table)
        outer.addLayout(form, 3)
        guide = QLabel()
        guide.setObjectName(f"guide{p}")
        guide.setWordWrap(True)
        guide.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        guide.setFrameShape(QFrame.Shape.StyledPanel)
        guide.setMargin(8)
        guide.setFixedWidth(250)
        guide.setStyleSheet("QLabel { background: palette(alternate-base); }")
        self._guides[p] = guide
        outer.addWidget(guide, 0, Qt.AlignmentFlag.AlignTop)
        return box

    def _field(self, attribute: str, kind: str) -> Field:
        _text, tip, hint = FIELD_HELP[attribute]
        field: Field
        if kind == "money":
            field = LineField(numeric=True)
            field.line.setMaximumWidth(160)
            field.line.setToolTip(tip)
        elif kind == "lifecycle":
            field = ChoiceField(LIFECYCLE_MEANINGS)
        elif kind == "pricing":
            field = ChoiceField(PRICING_MEANINGS)
        else:
            field = TextField()
            field.box.setPlaceholderText(hint)
        return field

    def _promotion_table(self) -> SheetView:
        view = SheetView(sortable=False)
        view.setObjectName("promotionTable")
        view.setModel(self.promotion_model)
        view.setAlternatingRowColors(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return view

    # -- showing -------------------------------------------------------------------------

    def set_formats(self, formats: Formats) -> None:
        self.formats = formats
        self.promotion_model.set_formats(formats)
        for p, guide in self._guides.items():
            guide.setText(GUIDANCE[p](self._whole_money))
        for key in ("list_price", "unit_cost"):
            self._labels[key].setText(f"{FIELD_HELP[key][0]} ({formats.symbol.strip()}):")

    def _whole_money(self, amount: Decimal) -> str:
        """An amount without cents, for examples ("€45")."""
        locale, symbol = self.formats.locale, self.formats.symbol
        return str(locale.toCurrencyString(float(amount), symbol, 0))

    def show_detail(self, detail: OfferingDetail, *, other_offering: bool = False) -> None:
        """Show ``detail``; fields the user is correcting keep their text unless another
        offering is shown."""
        self.detail = detail
        row = detail.offering
        self.heading.setText(row.name)
        self.status.setText(
            "Archived: kept for past deals and figures, and left out of lists and choices. "
            "Unarchive it to plan with it again."
            if row.archived
            else ""
        )
        self.status.setVisible(row.archived)
        for attribute, field in self.fields.items():
            field.show_stored(self._stored(row, attribute), keep_refused=not other_offering)
        self.segments.set_items(
            [(s.id, s.name if s.targeted else f"{s.name} (not targeted)", s.linked,
              s.description) for s in detail.segments]
        )  # fmt: skip
        self.sold_through.set_items(
            [(c.id, f"{c.name} (archived)" if c.archived else c.name, c.sells, c.kind)
             for c in detail.channels]
        )  # fmt: skip
        self.promotion_model.offering_id = row.id
        self.promotion_model.set_rows(detail.channels)
        self._fit_promotion()
        self.budget_total.setText(self._budget_text(detail))
        self._show_margin()

    def _stored(self, row: OfferingRow, attribute: str) -> str:
        value = getattr(row, attribute)
        if isinstance(value, Decimal):
            return self.formats.money_edit(value)
        return str(value)

    def _budget_text(self, detail: OfferingDetail) -> str:
        promoting = sum(1 for c in detail.channels if c.promotes)
        if not promoting:
            return "No channel promotes it yet."
        channels = "channel" if promoting == 1 else "channels"
        total = self.formats.money(detail.promotion_budget)
        return f"Total: {total} a year in {promoting} {channels}."

    def _fit_promotion(self) -> None:
        view = self.promotion
        rows = self.promotion_model.rowCount()
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += sum(view.rowHeight(r) for r in range(rows)) or view.fontMetrics().height()
        view.setFixedHeight(height + 2)

    def _typed_money(self, key: str) -> Decimal | None:
        try:
            return parse_money(self.fields[key].text(), decimal_mark())
        except MoneyError:
            return None

    def _show_margin(self) -> None:
        """Margin of what is typed in the price fields right now, stored or not."""
        price, cost = self._typed_money("list_price"), self._typed_money("unit_cost")
        if price is None or cost is None:
            self.margin.setText("Type a price and a cost to see the margin.")
            self.margin.setStyleSheet("")
            return
        figures = margin(price, cost)
        text = f"{self.formats.money(figures.amount)} a sale"
        if figures.percent is not None:
            text += f", {self.formats.percent(figures.percent)} of the price"
        if figures.is_loss:
            text += ": each sale loses money"
        self.margin.setText(text)
        self.margin.setStyleSheet(f"color: {ERROR_COLOUR};" if figures.is_loss else "")

    # -- storing -------------------------------------------------------------------------

    def _store(self, attribute: str, text: str) -> None:
        field = self.fields[attribute]
        if self.detail is None:
            return
        offering_id = self.detail.offering.id
        try:
            value: Any = (
                parse_money(text, decimal_mark())
                if attribute in ("list_price", "unit_cost")
                else text
            )
            with self.ops.plan.uow() as uow:
                command = change_field(uow, Offering, offering_id, self._columns[attribute], value)
        except _REFUSALS as exc:
            field.refuse(str(exc))
            return
        if command.old == command.new:  # "6.5" for 6.50: nothing to store, show it tidily
            field.show_stored(self._stored(self.detail.offering, attribute), keep_refused=False)
            self._show_margin()
            return
        refused = run_reporting(self.ops, command)
        if refused is None:
            field.accept()
        else:
            field.refuse(refused)

    def _run_or_restore(self, build: Callable[[Any], Command]) -> None:
        """Store a tick; when refused, show the stored ticks again and say why."""
        try:
            with self.ops.plan.uow() as uow:
                command = build(uow)
        except _REFUSALS as exc:
            self.ops.failed.emit(str(exc))
            command = None
        refused = command is None or run_reporting(self.ops, command) is not None
        if refused and self.detail is not None:
            self.show_detail(self.detail)

    def _segment_ticked(self, _segment_id: int, _ticked: bool) -> None:
        if self.detail is None:
            return
        offering_id, wanted = self.detail.offering.id, self.segments.checked()
        self._run_or_restore(lambda uow: set_offering_segments(uow, offering_id, wanted))

    def _seller_ticked(self, channel_id: int, ticked: bool) -> None:
        if self.detail is None:
            return
        offering_id = self.detail.offering.id
        self._run_or_restore(
            lambda uow: set_offering_channel(uow, offering_id, channel_id, sells=ticked)
        )
