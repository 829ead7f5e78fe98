"""File > Import Deals…: a step-by-step wizard over ``planner.io.deals_import``.

Choose a CRM export -> see which CRM it came from and its first rows -> check which column
holds what (filled in for HubSpot, Salesforce and Pipedrive; to be chosen for other files)
-> say which of your stages each CRM stage is, and what to do with owners who are not yet
sales reps -> read the summary (new, updated, skipped with reasons) -> Import, one undo
step. Nothing is stored before the last step. Tests drive it through ``set_file``,
``go_next``, the combos and ``finish``.

A CRM export can hold 100,000 deals: reading the file, reading its rows (on leaving the
columns page), working out the summary (on leaving the stages page) and the import itself
run on a worker thread behind a progress dialog with Cancel (``StepDialog.run_work``). The
import is one transaction on that worker, rolled back on Cancel; only the stored command
is then pushed on the undo stack (``apply_prepared``), so the window never waits on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from planner.db.plan import READ_ONLY_MESSAGE, UnitOfWork
from planner.io.crm_formats import FIELDS, FORMATS, GENERIC, normalise
from planner.io.deals_import import (
    BadRow,
    DealsImportOptions,
    DealsImportSummary,
    DealsSource,
    SourceDeal,
    StageChoice,
    crm_stage_names,
    load_stage_choices,
    parse_deals,
    plan_import,
    prepare_import,
    read_deals_file,
    suggest_stages,
    unknown_owners,
)
from planner.io.tabular import ImportCancelled, ImportProgress
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

CHOOSE_STAGE = "Choose a stage…"


@dataclass(frozen=True)
class _ReadDeals:
    """The file's rows read as deals on the worker, with what the stages page shows."""

    deals: list[SourceDeal]
    bad: list[BadRow]
    stage_counts: Counter[str]  # normalised CRM stage -> deals in it
    stage_names: list[str]
    unknown_owners: list[str]


class ImportDealsDialog(StepDialog):
    """The wizard. ``source`` is the file as read; ``summary`` what Import would do."""

    def __init__(self, ops: PlanOperations, parent: QWidget | None = None) -> None:
        super().__init__("Import Deals", "&Import", parent)
        self.ops = ops
        self.source: DealsSource | None = None
        self.deals: list[SourceDeal] = []
        self.bad: list[BadRow] = []
        self.summary: DealsImportSummary | None = None
        self._summary_lines: list[str] = []
        self._read: _ReadDeals | None = None
        self.stages: list[StageChoice] = load_stage_choices(ops.plan)
        self._build_file_page()
        self._build_preview_page()
        self._build_columns_page()
        self._build_stages_page()
        self._build_summary_page()
        self.start()

    # -- pages -----------------------------------------------------------------------------

    def _build_file_page(self) -> None:
        self.chooser = FileChooser("Choose a deals export")
        self.chooser.path_edit.setPlaceholderText("A .csv or .xlsx file exported from your CRM")
        self.chooser.chosen.connect(self.set_file)
        self.file_note = self.add_file_page(
            "Choose a list of deals exported from your CRM as a CSV or Excel (.xlsx) file. "
            "Exports of HubSpot deals, Salesforce opportunities and Pipedrive deals are "
            "recognised; for other lists you say which column is which. Importing a newer "
            "export of the same CRM updates the deals you imported before instead of adding "
            "them twice.",
            self.chooser,
            self._check_file,
        )

    def _build_preview_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.format_combo = QComboBox()
        for fmt in (*FORMATS, GENERIC):
            self.format_combo.addItem(fmt.label, fmt.key)
        self.format_combo.activated.connect(self._format_chosen)
        form.addRow("The file is:", self.format_combo)
        self.format_label = QLabel()
        self.format_label.setWordWrap(True)
        self.preview_table = PreviewTable()
        layout.addLayout(form)
        layout.addWidget(self.format_label)
        layout.addWidget(self.preview_table, 1)
        self.add_page(page, "The first rows of the file", lambda: None)

    def _build_columns_page(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        note = QLabel(
            "Which column holds what? Every deal needs a name (the deal name or the "
            "company); the rest is optional."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.combos: dict[str, ColumnCombo] = {}
        for name, label in FIELDS.items():
            self.combos[name] = ColumnCombo(optional=True)
            form.addRow(f"{label}:", self.combos[name])
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.add_page(scroll, "Columns", self._check_columns)

    def _build_stages_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.stages_note = QLabel()
        self.stages_note.setWordWrap(True)
        self.stage_table = ValueMappingTable("Stage in the file", "Stage in your pipeline")
        self.owners_note = QLabel()
        self.owners_note.setWordWrap(True)
        self.create_owners = QRadioButton("Add them as new sales reps")
        self.leave_unassigned = QRadioButton("Import their deals without an owner")
        self.create_owners.setChecked(True)
        self._owner_group = QButtonGroup(self)
        self._owner_group.addButton(self.create_owners)
        self._owner_group.addButton(self.leave_unassigned)
        layout.addWidget(self.stages_note)
        layout.addWidget(self.stage_table, 1)
        layout.addWidget(self.owners_note)
        layout.addWidget(self.create_owners)
        layout.addWidget(self.leave_unassigned)
        self.add_page(page, "Stages and owners", self._check_stages)

    def _build_summary_page(self) -> None:
        self.summary_text, self.skip_bad = self.add_summary_page()
        self.skip_bad.toggled.connect(self._update_finish)

    # -- steps -----------------------------------------------------------------------------

    def set_file(self, path: str) -> bool:
        """Read ``path`` and recognise its CRM; False (reason shown) if it cannot be read."""
        if self.work is not None:
            return False  # the path field losing focus to the progress dialog: reading already
        plan = self.ops.plan
        self.source = self.read_file(
            self.chooser, self.file_note, path, lambda p: read_deals_file(p, plan)
        )
        if self.source is None:
            return False
        table = self.source.table
        self.file_note.setText(
            f"{len(table.rows):,} rows and {len(table.headers)} columns read: "
            f"{self._format_words()}."
        )
        self._fill_columns()
        return True

    def _format_words(self) -> str:
        assert self.source is not None
        if self.source.remembered:
            return "its columns are read as you chose last time for files like this"
        if self.source.format is GENERIC:
            return "not an export this planner knows, so please check the columns"
        return f"this looks like an export of {self.source.format.label}"

    def _check_file(self) -> str | None:
        if self.source is None and self.chooser.path() and self.file_error is None:
            self.set_file(self.chooser.path())
        if self.source is None:
            return self.file_error or "Choose the file to import."
        return None

    def _format_chosen(self) -> None:
        if self.source is not None:
            self.source = self.source.with_format(self.format_combo.currentData())
            self._fill_columns()
            self.format_label.setText(f"Read as {self.source.format.label}.")

    def _fill_columns(self) -> None:
        assert self.source is not None
        headers = self.source.table.headers
        for name, combo in self.combos.items():
            combo.set_headers(headers, self.source.mapping.get(name))
        self.format_combo.setCurrentIndex(self.format_combo.findData(self.source.format.key))

    def mapping(self) -> dict[str, int]:
        """Field -> column as chosen on the columns page."""
        chosen = {name: combo.column() for name, combo in self.combos.items()}
        return {name: column for name, column in chosen.items() if column is not None}

    def _check_columns(self) -> str | None:
        mapping = self.mapping()
        if "title" not in mapping and "customer" not in mapping:
            return "Choose the column with the deal name or the company."
        columns = list(mapping.values())
        if len(columns) != len(set(columns)):
            return "Each column can be used for one thing only."
        assert self.source is not None
        source = self.source = self.source.with_mapping(mapping)
        plan = self.ops.plan

        def read(job: BackgroundWork) -> _ReadDeals:
            deals, bad = parse_deals(source, job.progress)
            counts = Counter(normalise(d.crm_stage) for d in deals if d.crm_stage)
            return _ReadDeals(deals, bad, counts, crm_stage_names(deals),
                              unknown_owners(plan, deals))  # fmt: skip

        try:
            read_deals = self.run_work("Reading the deals…", read)
        except ImportCancelled:
            return "Reading the deals was cancelled; press Next to read them again."
        self.deals, self.bad, self._read = read_deals.deals, read_deals.bad, read_deals
        return None

    def _check_stages(self) -> str | None:
        missing = [name for name, stage in self.stage_map_choices().items() if stage is None]
        if missing:
            names = ", ".join(f"'{name}'" for name in missing)
            return f"Choose a stage of your pipeline for {names}."
        return self._work_out_summary()

    def _work_out_summary(self) -> str | None:
        """What Import would do, worked out as if bad rows were skipped (so the summary can
        list them all); None, or why the wizard stays on the stages page."""
        assert self.source is not None
        plan, source, parsed = self.ops.plan, self.source, (self.deals, self.bad)
        options, day = self.options(skip_bad=True), today()
        try:
            _command, self.summary = self.run_work(
                "Comparing the deals with your plan…",
                lambda job: plan_import(
                    plan, source, options, today=day, parsed=parsed, progress=job.progress
                ),
            )
            self._summary_lines = self.summary.lines()
        except ImportCancelled:
            return "Working out the summary was cancelled; press Next to try again."
        except ValueError as exc:  # ValidationError: nothing importable
            self.summary, self._summary_lines = None, [str(exc)]
        return None

    def stage_map_choices(self) -> dict[str, int | None]:
        return {k: v if isinstance(v, int) else None for k, v in self.stage_table.mapping().items()}

    def entered(self, index: int) -> None:
        if self.source is None:
            return
        if index == 1:
            self.preview_table.show_table(self.source.table)
            self.format_label.setText(
                "If the file came from another CRM, choose it above; the columns follow."
            )
        elif index == 3:
            self._fill_stages()
        elif index == 4:
            self._fill_summary()

    def _fill_stages(self) -> None:
        assert self.source is not None
        previous = self.stage_table.mapping()
        assert self._read is not None
        counts, names = self._read.stage_counts, self._read.stage_names
        selected: dict[str, object] = dict(suggest_stages(names, self.stages))
        selected.update({k: v for k, v in previous.items() if k in selected and v is not None})
        choices: list[tuple[str, object]] = [(CHOOSE_STAGE, None)]
        choices += [(stage.name, stage.id) for stage in self.stages]
        values = [(name, counts[normalise(name)]) for name in names]
        self.stage_table.set_values(values, choices, selected)
        unknown = [name for name in names if selected.get(name) is None]
        if not names:
            text = "The file has no stages: open deals go to the first stage of your pipeline."
        elif unknown:
            verb = "is" if len(unknown) == 1 else "are"
            text = (
                f"{len(unknown)} of the file's stages {verb} not in your pipeline: choose "
                "where their deals go. The others were matched by name; check them."
            )
        else:
            text = "Every stage in the file was matched to a stage of your pipeline; check them."
        self.stages_note.setText(text)
        owners = self._read.unknown_owners
        has_owners = bool(owners)
        self.owners_note.setText(
            "These owners are not sales reps in your plan yet: " + ", ".join(owners) + "."
            if has_owners
            else "Every owner in the file is already a sales rep in your plan."
        )
        self.create_owners.setVisible(has_owners)
        self.leave_unassigned.setVisible(has_owners)

    def options(self, *, skip_bad: bool) -> DealsImportOptions:
        stage_map = {k: v for k, v in self.stage_map_choices().items() if v is not None}
        return DealsImportOptions(stage_map, self.create_owners.isChecked(), skip_bad)

    def _fill_summary(self) -> None:
        lines = list(self._summary_lines)
        problems = len(self.bad)
        if problems:
            lines += ["", "Nothing is imported while rows cannot be read, unless you skip them."]
        self.summary_text.setPlainText("\n".join(lines))
        self.skip_bad.setVisible(problems > 0)
        self.skip_bad.setChecked(False)
        plural = "s" if problems != 1 else ""
        self.skip_bad.setText(f"Skip the {problems} row{plural} that cannot be read")
        self._update_finish()

    def _update_finish(self) -> None:
        ready = self.summary is not None and (self.summary.new + self.summary.updated) > 0
        if self.bad and not self.skip_bad.isChecked():
            ready = False
        self.finish_button.setEnabled(ready)

    def finish(self) -> bool:
        """Import what the summary shows, as one undo step; True when stored.

        The worker checks the deals against the plan again and imports them in one
        transaction; the GUI thread then only pushes the stored command for Undo."""
        if self.source is None or not self.finish_button.isEnabled():
            return False
        plan = self.ops.plan
        if plan.read_only:
            self.show_error(READ_ONLY_MESSAGE)
            return False
        source, parsed = self.source, (self.deals, self.bad)
        options, day = self.options(skip_bad=self.skip_bad.isChecked()), today()

        def prepare(uow: UnitOfWork, progress: ImportProgress) -> Command:
            return prepare_import(
                uow.session, source, options, today=day, parsed=parsed, progress=progress
            )[0]

        def work(job: BackgroundWork) -> Command:
            return apply_prepared(plan, job, prepare, "Saving the deals in your plan…")

        try:
            command = self.run_work("Checking the deals against your plan…", work)
        except ImportCancelled:
            self.show_error("The import was cancelled; nothing was changed.")
            return False
        except (ValueError, LookupError) as exc:  # Validation/NotFoundError: one sentence
            self.show_error(str(exc))
            return False
        except SQLAlchemyError:
            self.show_error("The deals could not be imported; nothing was changed.")
            return False
        if not self.ops.run(AppliedCommand(command)):
            undo(plan, command)  # it could not be recorded for Undo: take it back now
            self.show_error("The deals could not be imported; nothing was changed.")
            return False
        self.accept()
        return True
