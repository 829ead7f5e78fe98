"""Import from Excel: export the sample plan, change cells with openpyxl as an owner would
in Excel, read the workbook back, apply it as one undo step and compare the plan."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, select

from planner.db.models import ActualSale, ChannelMonth, Deal, DealEvent, Stage, Target
from planner.db.plan import Plan, open_plan
from planner.domain.periods import Month
from planner.io.excel_export import export_workbook
from planner.io.excel_import import WorkbookImport, import_command, read_workbook
from planner.io.tabular import ImportFileError
from planner.io.workbook_layout import META
from planner.services.commands import execute, undo
from planner.services.targets import lock_months
from tests.conftest import SAMPLE_TODAY

TODAY = SAMPLE_TODAY


@pytest.fixture(scope="module")
def exported(_sample_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plan's current fiscal year (2026), exported once for the module."""
    folder = tmp_path_factory.mktemp("export")
    plan = open_plan(shutil.copyfile(_sample_master, folder / "copy.smplan"))
    try:
        export_workbook(plan, folder / "plan.xlsx", today=TODAY)
    finally:
        plan.close()
    return folder / "plan.xlsx"


@pytest.fixture
def edit(exported: Path, tmp_path: Path) -> Callable[[Callable[[Any], None]], Path]:
    """Save a copy of the export changed by ``change(workbook)``; returns its path."""

    def make(change: Callable[[Any], None]) -> Path:
        book = openpyxl.load_workbook(exported)
        change(book)
        path = tmp_path / "edited.xlsx"
        book.save(path)
        return path

    return make


def read(path: Path, plan: Plan) -> WorkbookImport:
    return read_workbook(path, plan, today=TODAY)


def problems(reading: WorkbookImport) -> list[str]:
    return [str(p) for p in reading.problems]


def snapshot(plan: Plan) -> dict[str, Any]:
    """Everything the import can change, as plain values."""
    tables = {
        "targets": (Target.month, Target.offering_id, Target.revenue_minor),
        "channels": (
            ChannelMonth.channel_id, ChannelMonth.month, ChannelMonth.planned_spend_minor,
            ChannelMonth.actual_spend_minor, ChannelMonth.planned_leads, ChannelMonth.actual_leads,
        ),
        "actuals": (ActualSale.month, ActualSale.offering_id, ActualSale.revenue_minor,
                    ActualSale.units),
        "deals": (
            Deal.id, Deal.customer, Deal.amount_minor, Deal.stage_id, Deal.status,
            Deal.probability, Deal.lost_reason_id, Deal.expected_close,
        ),
    }  # fmt: skip
    with plan.session() as s:
        found: dict[str, Any] = {
            name: sorted((tuple(r) for r in s.execute(select(*columns))), key=str)
            for name, columns in tables.items()
        }
        found["events"] = s.scalar(select(func.count()).select_from(DealEvent))
    return found


def target(plan: Plan, month: Month, offering_id: int | None) -> int:
    with plan.session() as s:
        return int(
            s.scalar(
                select(func.sum(Target.revenue_minor)).where(
                    Target.month == month,
                    Target.offering_id.is_(None)
                    if offering_id is None
                    else Target.offering_id == offering_id,
                    Target.segment_id.is_(None),
                    Target.owner_id.is_(None),
                )
            )
            or 0
        )


def test_an_unchanged_export_changes_nothing(exported: Path, sample_plan: Plan) -> None:
    reading = read(exported, sample_plan)
    assert reading.problems == [] and reading.warnings == [] and len(reading.edits) == 0
    assert reading.summary() == "Nothing in the workbook differs from the plan."
    assert not reading.can_apply
    assert reading.sheets_read == ("Targets", "Channels", "Actuals", "Pipeline")


def _owner_edits(book: Any) -> None:
    targets, channels = book["Targets"], book["Channels"]
    assert targets["A6"].value == "offering:1" and targets["E4"].value == dt.datetime(2026, 2, 1)
    targets["E6"] = 12345.5  # Bakery counter, Feb 2026: 17,400 -> 12,345.50
    targets["G5"] = 50000  # the whole business, Apr 2026
    assert channels["A6"].value == "channel:1:actual_spend"
    channels["E6"] = 777  # Google search ads, actual spend Feb 2026: 316 -> 777
    channels["O8"] = 40  # planned leads, Dec 2026
    actuals = book["Actuals"]
    assert actuals["C6"].value == "Bakery counter" and actuals["B6"].value.month == 1
    actuals["D6"] = 1000  # revenue Jan 2026
    actuals["E6"] = None  # units not known
    pipeline = book["Pipeline"]
    assert pipeline["A6"].value == 1 and pipeline["A7"].value == 2
    pipeline["J6"] = 4321  # deal 1: amount
    pipeline["H7"] = "won"  # deal 2: Qualified -> Won (names match in any case)
    row = pipeline.max_row + 1
    pipeline.cell(row, 2, "New Customer Ltd")
    pipeline.cell(row, 3, "Weekly bread")
    pipeline.cell(row, 10, 500)
    pipeline.cell(row + 1, 2, "Lost Cause GmbH")
    pipeline.cell(row + 1, 8, "Lost")
    pipeline.cell(row + 1, 10, 80)
    pipeline.cell(row + 1, 16, "Price too high")


def test_the_round_trip_applies_every_change_as_one_undo_step(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan, tmp_path: Path
) -> None:
    before = snapshot(sample_plan)
    reading = read(edit(_owner_edits), sample_plan)
    assert problems(reading) == []
    assert reading.counts() == {"Targets": 2, "Channels": 2, "Actuals": 2, "Pipeline": 4}
    assert reading.summary() == (
        "2 targets, 2 channel figures, 2 actual sales figures and 4 deals (2 new) will change."
    )
    lines = reading.change_lines()
    assert "Targets: Bakery counter, Feb 2026: 17,400.00 → 12,345.50" in lines
    assert "Channels: Google search ads, actual spend, Feb 2026: 316.00 → 777.00" in lines
    assert "Actuals: Bakery counter, Jan 2026, units sold: 2,519 → empty" in lines
    assert "Pipeline: deal 1 (Schmid & Hartung Insurance): amount 519.00 → 4,321.00" in lines
    assert "Pipeline: deal 2 (Richter Medical Centre): stage Qualified → Won" in lines
    assert "Pipeline: New Customer Ltd: new deal, 500.00 in Lead" in lines

    command = import_command(reading, today=TODAY)
    assert command.label == "Import from Excel"
    execute(sample_plan, command)
    after = snapshot(sample_plan)
    assert target(sample_plan, Month(2026, 2), 1) == 1_234_550
    # Lowering a part of a fully assigned month keeps the total the workbook shows.
    assert target(sample_plan, Month(2026, 2), None) == 3_360_000
    assert target(sample_plan, Month(2026, 4), None) == 5_000_000
    with sample_plan.session() as s:
        spend = s.scalar(
            select(ChannelMonth.actual_spend_minor).where(
                ChannelMonth.channel_id == 1, ChannelMonth.month == Month(2026, 2)
            )
        )
        assert spend == 77_700
        sale = s.scalars(
            select(ActualSale).where(
                ActualSale.month == Month(2026, 1), ActualSale.offering_id == 1
            )
        ).one()
        assert (sale.revenue_minor, sale.units) == (100_000, None)
        deal1, deal2 = s.get(Deal, 1), s.get(Deal, 2)
        assert deal1 is not None and deal2 is not None
        assert deal1.amount_minor == 432_100
        assert (deal2.status, deal2.closed_on) == ("won", TODAY)
        new = {d.customer: d for d in s.scalars(select(Deal).where(Deal.id > 150))}
        won_stage = s.scalar(select(Stage.name).where(Stage.id == new["New Customer Ltd"].stage_id))
        assert won_stage == "Lead" and new["New Customer Ltd"].amount_minor == 50_000
        assert new["Lost Cause GmbH"].status == "lost"
        assert new["Lost Cause GmbH"].lost_reason_id is not None

    # Exported again, the plan reads back as the same workbook: nothing left to import.
    again = tmp_path / "again.xlsx"
    export_workbook(sample_plan, again, today=TODAY)
    assert len(read(again, sample_plan).edits) == 0

    undo(sample_plan, command)
    assert snapshot(sample_plan) == before
    execute(sample_plan, command)  # redo
    assert snapshot(sample_plan) == after


def test_cells_that_cannot_be_read_are_listed_and_nothing_is_applied(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        book["Targets"]["F6"] = "abc"
        book["Targets"]["E6"] = 1000  # a fine change, but not alone
        book["Channels"]["E5"] = -20
        book["Pipeline"]["H6"] = "Almost there"
        book["Pipeline"]["K7"] = 1.5
        book["Pipeline"]["A8"] = 9999
        book["Actuals"]["B7"] = "sometime"

    before = snapshot(sample_plan)
    reading = read(edit(change), sample_plan)
    assert problems(reading) == [
        "Targets!F6: 'abc' is not an amount.",
        "Channels!E5: An amount cannot be negative here.",
        "Actuals!B7: 'sometime' is not a month; write it as YYYY-MM or 'Mar 2026'.",
        "Pipeline!H6: 'Almost there' is not a stage of your pipeline in this plan.",
        "Pipeline!K7: 150% is not between 0% and 100%.",
        "Pipeline!A8: There is no deal with ID 9999 in this plan.",
    ]
    assert not reading.can_apply
    assert "Nothing can be imported until these 6 problems are fixed" in reading.report()
    with pytest.raises(ValueError):
        import_command(reading, today=TODAY)
    assert snapshot(sample_plan) == before


def test_a_change_in_a_locked_month_is_a_problem_with_its_cell(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    with sample_plan.uow() as uow:
        command = lock_months(uow, Month(2026, 3))
    execute(sample_plan, command)

    def change(book: Any) -> None:
        book["Targets"]["F7"] = 9000  # Catering, Mar 2026: locked
        book["Targets"]["G7"] = 9000  # Apr 2026: open
        book["Actuals"]["D6"] = 1  # Bakery counter, Jan 2026: locked

    reading = read(edit(change), sample_plan)
    assert problems(reading) == [
        "Targets!F7: March 2026 is locked. Unlock it under 'Lock months' to change it.",
        "Actuals!D6: January 2026 is locked. Unlock it under 'Lock months' to change it.",
    ]
    assert len(reading.edits) == 3 and not reading.can_apply


def test_typing_over_a_total_is_ignored_with_a_note(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        book["Targets"]["D10"] = 5  # "Not assigned": a formula
        book["Targets"]["P6"] = 1  # a year total
        book["Channels"]["E7"] = 5  # spend variance
        book["Pipeline"]["L6"] = 3  # weighted value

    reading = read(edit(change), sample_plan)
    assert reading.problems == [] and len(reading.edits) == 0
    assert len(reading.notes) == 4
    assert reading.notes[0] == (
        "Targets!P6: the year total of Bakery counter is worked out by the planner, so the "
        "figure typed there was not imported."
    )
    assert any(n.startswith("Targets!D10: Not assigned to an offering is") for n in reading.notes)
    assert any(n.startswith("Pipeline!L6: the weighted value") for n in reading.notes)


def _with_cached_value(path: Path, cell: str, formula: str, value: str) -> None:
    """Give the formula in ``cell`` of the Targets sheet a saved result, as Excel would."""
    index = openpyxl.load_workbook(path, read_only=True).sheetnames.index("Targets") + 1
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = f"xl/worksheets/sheet{index}.xml"
    xml = parts[name].decode()
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>)<f>{re.escape(formula)}</f><v>\s*</v>')
    if not pattern.search(xml):
        pattern = re.compile(rf'(<c r="{cell}"[^>]*>)<f>{re.escape(formula)}</f>')
    xml, n = pattern.subn(rf"\1<f>{formula}</f><v>{value}</v>", xml)
    assert n == 1
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)


def test_a_formula_typed_in_counts_by_its_saved_result(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        book["Targets"]["H6"] = "=1000*2"
        book["Targets"]["I6"] = "=1+1"  # never computed: no result in the file

    path = edit(change)
    _with_cached_value(path, "H6", "1000*2", "2000")
    reading = read(path, sample_plan)
    assert problems(reading) == [
        "Targets!I6: This formula's result is not saved in the file; type the number "
        "instead, or open and save the workbook in Excel or LibreOffice first."
    ]
    assert [(e.where, e.new_minor) for e in reading.edits.targets] == [("Targets!H6", 200_000)]


def test_text_that_only_looks_like_a_formula_stays_text(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        cell = book["Pipeline"]["B6"]
        cell.value = "=HYPERLINK(1)"
        cell.data_type = "s"
        cell.quotePrefix = True

    reading = read(edit(change), sample_plan)
    assert reading.problems == []
    assert reading.change_lines() == [
        "Pipeline: deal 1 (=HYPERLINK(1)): customer 'Schmid & Hartung Insurance' → '=HYPERLINK(1)'"
    ]


def test_actual_sales_rows_added_at_the_bottom(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        sheet = book["Actuals"]
        row = sheet.max_row + 1
        sheet.cell(row, 2, "2027-01")
        sheet.cell(row, 3, "Not linked to an offering")
        sheet.cell(row, 4, 250.5)
        sheet.cell(row + 1, 2, dt.datetime(2027, 1, 1))  # the same month and offering again
        sheet.cell(row + 1, 4, 10)
        sheet.cell(row + 2, 2, "Feb 2027")
        sheet.cell(row + 2, 3, "Cupcakes")

    reading = read(edit(change), sample_plan)
    last = 5 + 12 * 4
    assert problems(reading) == [
        f"Actuals!B{last + 2}: Not linked to an offering, Jan 2027 is already on row "
        f"{last + 1}; keep one row.",
        f"Actuals!C{last + 3}: 'Cupcakes' is not an offering in this plan.",
    ]
    assert reading.change_lines() == [
        "Actuals: Not linked to an offering, Jan 2027, revenue: empty → 250.50"
    ]


def test_a_workbook_of_another_business_is_flagged(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        meta = book[META]
        for row in meta.iter_rows():
            if row[0].value == "business_name":
                row[1].value = "Other Shop"

    reading = read(edit(change), sample_plan)
    assert len(reading.warnings) == 1
    assert reading.warnings[0].startswith(
        "This workbook was exported from the plan of 'Other Shop'"
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Callable[[str, bytes], Path]]:
    def make(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    yield make


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_files_that_are_not_planner_workbooks_get_one_sentence(
    hostile: Callable[[str, bytes], Path], sample_plan: Plan, tmp_path: Path
) -> None:
    cases = {
        "text.xlsx": (b"Customer,Amount\nA,1\n", "text.xlsx is not an Excel workbook (.xlsx)."),
        "empty.xlsx": (b"", "The file empty.xlsx is empty."),
        "old.xls": (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "old.xls is an old Excel file (.xls)"),
        "archive.xlsx": (_zip({"a.txt": b"hello"}), "is a zip archive, not an Excel workbook."),
        "broken.xlsx": (
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook><sheets>"}),
            "broken.xlsx is not a valid Excel file.",
        ),
        "bare.xlsx": (_zip({"[Content_Types].xml": b"<Types/>"}), "bare.xlsx is not a valid"),
        "bomb.xlsx": (
            _zip({"[Content_Types].xml": b"<Types/>", "xl/big.bin": b"\0" * (20 * 1024 * 1024)}),
            "(a 'zip bomb')",
        ),
    }
    plain = openpyxl.Workbook()
    plain.active.title = "Sales"
    plain.save(tmp_path / "plain.xlsx")
    for name, (data, expected) in cases.items():
        with pytest.raises(ImportFileError, match=re.escape(expected)):
            read(hostile(name, data), sample_plan)
    with pytest.raises(ImportFileError, match="not a workbook exported by the planner"):
        read(tmp_path / "plain.xlsx", sample_plan)


SOFFICE = shutil.which("soffice")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed; `make system-deps` adds it"
)
def test_a_workbook_saved_by_libreoffice_reads_back(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan, tmp_path: Path
) -> None:
    """The owner edits in LibreOffice: its file keeps the hidden key column and the
    _planner sheet, computes the formula typed in, and changes nothing else."""

    def change(book: Any) -> None:
        book["Targets"]["H6"] = "=1000*2"
        book["Channels"]["E6"] = 777
        book["Pipeline"]["J6"] = 4321

    source = edit(change)
    out = tmp_path / "saved"
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: runs never collide
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--calc",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    reading = read(out / source.name, sample_plan)
    assert reading.problems == [] and reading.warnings == []
    assert reading.change_lines() == [
        "Targets: Bakery counter, May 2026: 20,000.00 → 2,000.00",
        "Channels: Google search ads, actual spend, Feb 2026: 316.00 → 777.00",
        "Pipeline: deal 1 (Schmid & Hartung Insurance): amount 519.00 → 4,321.00",
    ]


def test_columns_inserted_and_rows_sorted_in_excel_change_nothing(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    """Grid rows are found by their key, month columns by their dates, list columns by
    their headers: rearranging the sheets is not an edit."""

    def change(book: Any) -> None:
        book["Targets"].insert_cols(4)  # a column before January
        book["Pipeline"].insert_cols(10)  # a column before Amount
        book["Pipeline"]["J5"] = "My notes"
        targets = book["Targets"]
        for column in range(1, 18):  # swap two offering rows, as a sort would
            first, second = targets.cell(6, column), targets.cell(7, column)
            first.value, second.value = second.value, first.value
        book["Targets"]["F7"] = 17500  # Bakery counter (now on row 7), Feb 2026

    reading = read(edit(change), sample_plan)
    assert reading.problems == []
    # Feb 2026 is fully assigned, so the raised part raises the month's total (the
    # Targets tab's rule), and the preview says so.
    assert reading.change_lines() == [
        "Targets: Bakery counter, Feb 2026: 17,400.00 → 17,500.00",
        "Targets: Whole business, Feb 2026: 33,600.00 → 33,700.00 (follows the parts above)",
    ]


def test_a_workbook_without_its_planner_sheet_cannot_be_read_back(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        del book[META]

    with pytest.raises(ImportFileError, match="has lost the hidden '_planner' sheet"):
        read(edit(change), sample_plan)


def test_a_refusal_by_the_plan_names_the_cell_it_is_about(
    edit: Callable[[Callable[[Any], None]], Path], sample_plan: Plan
) -> None:
    def change(book: Any) -> None:
        book["Pipeline"]["J6"] = 10**14  # deal 1's amount: more than the plan stores
        book["Pipeline"]["C7"] = "x" * 201  # deal 2's name: too long

    reading = read(edit(change), sample_plan)
    assert problems(reading) == [
        "Pipeline!J6: That amount is too large.",
        "Pipeline!C7: Keep the title under 200 characters.",
    ]
