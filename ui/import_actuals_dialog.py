"""File > Import Actual Sales…: a step-by-step wizard over ``planner.io.actuals_import``.

Choose a file -> see its first rows and the formats found -> check which column is the
date, the amount (or quantity and price) and the product, and how dates and numbers are
written -> say which offering each product is -> read the summary -> Import, one undo
step. Nothing is stored before the last step. Tests drive it through ``set_file``,
``go_next``, the combos and ``finish``.

A year of till lines can be 100,000 rows: reading the file, working out the summary (on
leaving the offerings page) and the import run on a worker thread behind a progress
dialog with Cancel (``StepDialog.run_work``). The import is one transaction on that
worker, rolled back on Cancel; only the stored command is then pushed on the undo stack
(``apply_prepared``), so the window never waits on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from planner.db.plan import READ_ONLY_MESSAGE, UnitOfWork
from planner.io.actuals_import import (
    ActualsMapping,
    ImportPreview,
    LoadedFile,
    distinct_products,
    load_file,
    match_offerings,
)
from planner.io.tabular import ImportCancelled, ImportProgress
from planner.io.values import DateOrder
from planner.queries import profile_summary
from planner.services.commands import Command, undo
from ui.import_widgets import (
    ColumnCombo,
    FileChooser,
    PreviewTable,
    StepDialog,
    ValueMappingTable,
)
from ui.import_work import AppliedCommand, BackgroundWork, apply_prepared
from ui.tabs.base import today
from ui.undo import PlanOperations

NOT_ASSIGNED = -1  # combo data for "not assigned to an offering"
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)"}
_ORDERS: list[tuple[str, DateOrder]] = [
    ("Day first (31/12/2026)", "DMY"),
    ("Month first (12/31/2026)", "MDY"),
    ("Year first (2026-12-31)", "YMD"),
]


def locale_date_order() -> DateOrder:
    """Month first for locales that write dates that way (US English), else day first."""
    short = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    return "MDY" if short.find("M") < short.find("d") and not short.startswith("y") else "DMY"


class ImportActualsDialog(StepDialog):
    """The wizard. ``loaded``/``preview`` hold what was read and what would be imported."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__("Import Actual Sales", "&Import", parent)
        self.ops = ops
        self.currency = profile_summary(ops.plan).currency
        self.loaded: LoadedFile | None = None
        self.preview: ImportPreview | None = None
        self._build_file_page()
        self._build_preview_page()
        self._build_columns_page()
        self._build_offerings_page()
        self._build_summary_page()
        self.start()

    # -- pages -----------------------------------------------------------------------------

    def _build_file_page(self) -> None:
        self.chooser = FileChooser("Choose a sales export")
        self.chooser.chosen.connect(self.set_file)
        self.file_note = self.add_file_page(
            "Choose a list of your sales exported from your shop, till or accounting "
            "software, as a CSV or Excel (.xlsx) file. Each line should have a date and an "
            "amount (or a quantity and a price), and may name the product. Lines are added "
            "up per month; importing the same file again adds nothing twice.",
            self.chooser,
            self._check_file,
        )

    def _build_preview_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.formats_label = QLabel()
        self.formats_label.setWordWrap(True)
        self.preview_table = PreviewTable()
        layout.addWidget(self.formats_label)
        layout.addWidget(self.preview_table, 1)
        self.add_page(page, "The first lines of the file", lambda: None)

    def _build_columns_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.combos = {
            "date": ColumnCombo(optional=False),
            "amount": ColumnCombo(optional=True),
            "quantity": ColumnCombo(optional=True),
            "price": ColumnCombo(optional=True),
            "offering": ColumnCombo(optional=True),
        }
        form.addRow(QLabel("Which column holds what? Choose the amount of each line, or its "
                           "quantity and unit price to multiply."))  # fmt: skip
        form.addRow("Date of the sale:", self.combos["date"])
        form.addRow("Amount of the line:", self.combos["amount"])
        form.addRow("Quantity (units):", self.combos["quantity"])
        form.addRow("Unit price:", self.combos["price"])
        form.addRow("Product or offering:", self.combos["offering"])
        self.order_combo = QComboBox()
        for label, order in _ORDERS:
            self.order_combo.addItem(label, order)
        self.order_note = QLabel()
        self.order_note.setWordWrap(True)
        self.mark_combo = QComboBox()
        self.mark_combo.addItem("A point: 1,234.50", ".")
        self.mark_combo.addItem("A comma: 1.234,50", ",")
        form.addRow("Dates are written:", self.order_combo)
        form.addRow("", self.order_note)
        form.addRow("Decimals are written with:", self.mark_combo)
        self.add_page(page, "Columns and formats", self._check_columns)

    def _build_offerings_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.offerings_note = QLabel()
        self.offerings_note.setWordWrap(True)
        self.offering_table = ValueMappingTable("Product in the file", "Offering in your plan")
        layout.addWidget(self.offerings_note)
        layout.addWidget(self.offering_table, 1)
        self.add_page(page, "Products and offerings", self._work_out_preview)

    def _build_summary_page(self) -> None:
        self.summary, self.skip_bad = self.add_summary_page()
        self.skip_bad.toggled.connect(self._update_finish)

    # -- steps -----------------------------------------------------------------------------

    def set_file(self, path: str) -> bool:
        """Read ``path`` and detect its columns; False (reason shown) if it cannot be read."""
        if self.work is not None:
            return False  # the path field losing focus to the progress dialog: reading already
        plan = self.ops.plan
        self.loaded = self.read_file(
            self.chooser, self.file_note, path, lambda p: load_file(plan, p)
        )
        if self.loaded is None:
            return False
        detection = self.loaded.detection
        if not detection.date_order_certain and not self.loaded.remembered:
            # The values cannot tell (every day is 12 or less): follow the user's locale.
            mapping = replace(detection.mapping, date_order=locale_date_order())
            self.loaded = replace(self.loaded, detection=replace(detection, mapping=mapping))
        table = self.loaded.table
        self.file_note.setText(f"{len(table.rows):,} lines and {len(table.headers)} columns read.")
        self._fill_columns(self.loaded.detection.mapping)
        return True

    def _check_file(self) -> str | None:
        if self.loaded is None and self.chooser.path() and self.file_error is None:
            self.set_file(self.chooser.path())
        if self.loaded is None:
            return self.file_error or "Choose the file to import."
        return None

    def _fill_columns(self, mapping: ActualsMapping) -> None:
        assert self.loaded is not None
        headers = self.loaded.table.headers
        for role, combo in self.combos.items():
            combo.set_headers(headers, getattr(mapping, role))
        self.order_combo.setCurrentIndex(self.order_combo.findData(mapping.date_order))
        self.mark_combo.setCurrentIndex(self.mark_combo.findData(mapping.decimal_mark))

    def mapping(self) -> ActualsMapping:
        """The mapping as chosen on the columns page."""
        return ActualsMapping(
            **{role: combo.column() for role, combo in self.combos.items()},
            date_order=self.order_combo.currentData(),
            decimal_mark=self.mark_combo.currentData(),
        )

    def _check_columns(self) -> str | None:
        mapping = self.mapping()
        if (problem := mapping.problem()) is not None:
            return problem
        used = [c for c in (mapping.date, mapping.amount, mapping.quantity, mapping.price,
                            mapping.offering) if c is not None]  # fmt: skip
        if len(used) != len(set(used)):
            return "Each column can play one part only; choose different columns."
        return None

    def entered(self, index: int) -> None:
        if self.loaded is None:
            return
        if index == 1:
            self._fill_preview()
        elif index == 2:
            certain = self.loaded.detection.date_order_certain
            self.order_note.setVisible(not certain)
            self.order_note.setText(
                ""
                if certain
                else "The dates in this file could be read either way (no day "
                "is above 12): check which it is."
            )
        elif index == 3:
            self._fill_offerings()
        elif index == 4:
            self._fill_summary()

    def _fill_preview(self) -> None:
        assert self.loaded is not None
        table, mapping = self.loaded.table, self.loaded.detection.mapping
        separator = _DELIMITERS.get(table.delimiter or ",")
        source = (f"sheet '{table.sheet}'" if table.sheet
                  else f"text ({table.encoding}) separated by {separator}")  # fmt: skip
        order = next(label for label, o in _ORDERS if o == mapping.date_order)
        mark = "a comma" if mapping.decimal_mark == "," else "a point"
        remembered = (
            " (as you chose last time for a file like this)" if self.loaded.remembered else ""
        )
        self.formats_label.setText(
            f"Read as {source}. Dates: {order.split(' (')[0].lower()}; decimals written with "
            f"{mark}{remembered}. The first {min(20, len(table.rows))} of "
            f"{len(table.rows):,} lines:"
        )
        self.preview_table.show_table(table)

    def _fill_offerings(self) -> None:
        assert self.loaded is not None
        mapping = self.mapping()
        products = distinct_products(self.loaded.table, mapping)
        if mapping.offering is None:
            self.offerings_note.setText(
                "No product column was chosen: every sale will count as not assigned to an "
                "offering. Go back to choose one if your file names the products."
            )
        else:
            self.offerings_note.setText(
                "Which offering of your plan is each product? Names that match an offering "
                "are already chosen; the rest count as not assigned unless you choose one."
            )
        counts: Counter[str] = Counter()
        if mapping.offering is not None:
            counts.update(self.loaded.table.column(mapping.offering))
        matched = match_offerings(products, self.loaded.offerings)
        choices: list[tuple[str, object]] = [("Not assigned to an offering", NOT_ASSIGNED)]
        choices += [(name, oid) for oid, name in self.loaded.offerings.items()]
        current = self._offering_choices() if self.offering_table.rowCount() else {}
        remembered = self.loaded.products  # chosen last time for a file of this shape
        selected: dict[str, object] = {}
        for product in products:
            choice = remembered[product] if product in remembered else matched.get(product)
            selected[product] = NOT_ASSIGNED if choice is None else choice
        selected.update({p: v for p, v in current.items() if p in selected})
        self.offering_table.set_values([(p, counts[p]) for p in products], choices, selected)

    def _offering_choices(self) -> dict[str, object]:
        return self.offering_table.mapping()

    def offering_map(self) -> dict[str, int | None]:
        """Each product text -> the chosen offering id, None for not assigned."""
        return {
            text: None if data == NOT_ASSIGNED else int(data)  # type: ignore[call-overload]
            for text, data in self._offering_choices().items()
        }

    def _work_out_preview(self) -> str | None:
        """What Import would do (on the worker); None, or why the wizard stays put."""
        assert self.loaded is not None
        loaded, plan = self.loaded, self.ops.plan
        mapping, offering_map = self.mapping(), self.offering_map()
        try:
            self.preview = self.run_work(
                "Adding up the sales…",
                lambda job: loaded.preview(plan, mapping, offering_map, progress=job.progress),
            )
        except ImportCancelled:
            return "Adding up the sales was cancelled; press Next to try again."
        return None

    def _fill_summary(self) -> None:
        assert self.preview is not None
        lines = self.preview.summary_lines(self.currency, limit=200)
        problems = len(self.preview.problems)
        if problems:
            lines.append("")
            lines.append("Nothing is imported while lines cannot be read, unless you skip them.")
        self.summary.setPlainText("\n".join(lines))
        self.skip_bad.setVisible(problems > 0)
        self.skip_bad.setChecked(False)
        self.skip_bad.setText(
            f"Skip the {problems} line{'s' if problems != 1 else ''} that cannot be read "
            "and import the rest"
        )
        self._update_finish()

    def _update_finish(self) -> None:
        preview = self.preview
        ready = preview is not None and preview.lines_used > 0
        if preview is not None and preview.problems and not self.skip_bad.isChecked():
            ready = False
        self.finish_button.setEnabled(ready)

    def finish(self) -> bool:
        """Import what the summary shows, as one undo step; True when stored.

        The worker imports in one transaction; the GUI thread then only pushes the stored
        command for Undo."""
        preview = self.preview
        if preview is None or not self.finish_button.isEnabled():
            return False
        plan = self.ops.plan
        if plan.read_only:
            self.show_error(READ_ONLY_MESSAGE)
            return False
        command = preview.command(today(), skip_bad=self.skip_bad.isChecked())

        def prepare(_uow: UnitOfWork, _progress: ImportProgress) -> Command:
            return command

        def work(job: BackgroundWork) -> Command:
            return apply_prepared(plan, job, prepare, "Saving the sales in your plan…")

        try:
            self.run_work("Importing the sales…", work)
        except ImportCancelled:
            self.show_error("The import was cancelled; nothing was changed.")
            return False
        except (ValueError, LookupError) as exc:  # a locked month: one plain sentence
            self.show_error(str(exc))
            return False
        except SQLAlchemyError:  # the disk is full, the file locked: nothing was stored
            self.show_error("The sales could not be imported; nothing was changed.")
            return False
        if not self.ops.run(AppliedCommand(command)):
            undo(plan, command)  # it could not be recorded for Undo: take it back now
            self.show_error("The sales could not be imported; nothing was changed.")
            return False
        self.accept()
        return True
