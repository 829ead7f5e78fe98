"""Data validation of the Excel export, read back with openpyxl: every column the import
reads as a name offers a drop-down whose cells hold exactly the names the import accepts,
figures refuse what the import would refuse, each rule stops a wrong entry with a plain
message, and the lists on the hidden ``_planner`` sheet change nothing an import reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy import select

from planner.db.models import Stage
from planner.db.plan import Plan, open_plan
from planner.io.excel_export import export_workbook, read_data, write_workbook
from planner.io.excel_import import read_workbook
from planner.io.excel_read_book import open_book
from planner.io.excel_read_lists import load_names
from planner.io.workbook_layout import (
    ACTUALS_LAYOUT,
    CHANNEL_FIGURES,
    CHANNELS_LAYOUT,
    META,
    PIPELINE_LAYOUT,
    TARGETS_LAYOUT,
    UNASSIGNED_OFFERING,
    Kind,
    Meta,
    parse_channel_row_key,
)
from tests.conftest import SAMPLE_TODAY

LAST_ROW = 1048576
# Pipeline column -> the Names attribute of the import that says which names it takes.
PIPELINE_NAMES = {
    "offering": "offering", "segment": "segment", "channel": "channel", "owner": "owner",
    "stage": "stage", "lost_reason": "lost_reason",
}  # fmt: skip


@pytest.fixture(scope="module")
def exported(_sample_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(plan, workbook path, workbook) of the sample plan's export, once per module."""
    folder = tmp_path_factory.mktemp("validation")
    plan = open_plan(shutil.copyfile(_sample_master, folder / "copy.smplan"))
    path = folder / "plan.xlsx"
    export_workbook(plan, path, today=SAMPLE_TODAY)
    yield plan, path, openpyxl.load_workbook(path)
    plan.close()


def rules(sheet: Any) -> list[Any]:
    return list(sheet.data_validations.dataValidation)


def rule_on(sheet: Any, coordinate: str) -> Any:
    """The one validation covering ``coordinate``."""
    found = [dv for dv in rules(sheet) if coordinate in dv.sqref]
    assert len(found) == 1, f"{coordinate}: {len(found)} rules"
    return found[0]


def whole_column(layout: Any, key: str) -> str:
    c = openpyxl.utils.get_column_letter(layout.index(key))
    return f"{c}{layout.first_data_row}:{c}{LAST_ROW}"


def source_names(book: Any, formula: str) -> list[str]:
    """The names in the cells a list rule refers to ("'_planner'!$D$2:$D$5")."""
    match = re.fullmatch(r"'?([^'!]+)'?!(\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?\d+)", formula)
    assert match, formula
    sheet, cells = match.groups()
    return [row[0].value for row in book[sheet][cells.replace("$", "")]]


def assert_stops(dv: Any) -> None:
    """Refuses a wrong entry with a title and message within Excel's limits, allows an
    empty cell, and shows its drop-down (showDropDown=1 would hide it)."""
    assert dv.errorStyle == "stop" and dv.showErrorMessage
    assert dv.allowBlank
    assert not dv.showDropDown
    assert dv.errorTitle and len(dv.errorTitle) <= 32
    assert dv.error and len(dv.error) <= 255 and dv.error.endswith(".")


def test_each_pipeline_name_column_offers_exactly_the_plans_names(exported: Any) -> None:
    plan, _path, book = exported
    sheet = book["Pipeline"]
    accepted = load_names(plan).by_id  # what the import takes, by kind
    for key, kind in PIPELINE_NAMES.items():
        dv = rule_on(sheet, f"{openpyxl.utils.get_column_letter(PIPELINE_LAYOUT.index(key))}6")
        assert dv.type == "list"
        assert str(dv.sqref) == whole_column(PIPELINE_LAYOUT, key)
        names = source_names(book, dv.formula1)
        assert sorted(names) == sorted(accepted[kind].values()) and len(names) > 0, key
        assert dv.formula1.startswith(f"'{META}'!"), "lists live on the hidden sheet"
        assert_stops(dv)
    with plan.session() as session:
        in_order = list(session.scalars(select(Stage.name).order_by(Stage.position, Stage.id)))
    stage = rule_on(sheet, "H6")
    assert source_names(book, stage.formula1) == in_order  # the pipeline's own order
    assert stage.error == (
        "Pick one of the pipeline stages from the list. To win or lose a deal, pick a won "
        "or lost stage."
    )
    assert stage.errorTitle == "Pick a stage"
    # Names with commas (the sample's "Cafés, hotels & restaurants") stay whole.
    segments = source_names(book, rule_on(sheet, "E6").formula1)
    assert "Cafés, hotels & restaurants" in segments


def test_status_amount_probability_and_date_rules(exported: Any) -> None:
    _plan, _path, book = exported
    sheet = book["Pipeline"]
    layout = PIPELINE_LAYOUT
    status = rule_on(sheet, "I6")
    assert (status.type, status.formula1) == ("list", '"Open,Won,Lost"')
    amount = rule_on(sheet, "J7")
    assert (amount.type, amount.operator) == ("decimal", "between")
    assert (amount.formula1, amount.formula2) == ("0", "1000000000000")
    probability = rule_on(sheet, "K6")
    assert probability.type == "custom"
    # Relative to the first cell: whole percentages from 0% to 100% (stored as fractions).
    assert probability.formula1 == (
        "AND(ISNUMBER(K6),K6>=0,K6<=1,ABS(K6*100-ROUND(K6*100,0))<0.0001)"
    )
    close = rule_on(sheet, "N6")
    assert (close.type, close.formula1, close.formula2) == ("date", "1", "2958465")
    for dv, key in ((status, "status"), (amount, "amount"), (probability, "probability"),
                    (close, "expected_close")):  # fmt: skip
        assert str(dv.sqref) == whole_column(layout, key)
        assert_stops(dv)
    # Headers, the totals row and columns the import never reads carry no rule.
    covered = {str(dv.sqref).split(":")[0][:-1] for dv in rules(sheet)}
    assert covered == set("DEFGHPIJKN")
    assert not any(f"{c}{layout.header_row}" in dv.sqref for dv in rules(sheet) for c in "DHJ")
    assert not any("J3" in dv.sqref for dv in rules(sheet))


def test_the_percent_rule_takes_whole_percentages_only() -> None:
    """The custom rule's arithmetic, as a spreadsheet evaluates it (floats)."""

    def allowed(value: float) -> bool:
        return 0 <= value <= 1 and abs(value * 100 - round(value * 100)) < 0.0001

    assert all(allowed(n / 100) for n in range(101))  # 0.29 * 100 is 28.999999999999996
    assert not any(allowed(v) for v in (0.415, 1.2, -0.1, 0.001))


def test_actuals_offerings_and_figures(exported: Any) -> None:
    plan, _path, book = exported
    sheet = book["Actuals"]
    offering = rule_on(sheet, "C6")
    assert str(offering.sqref) == whole_column(ACTUALS_LAYOUT, "offering")
    names = source_names(book, offering.formula1)
    assert names[-1] == UNASSIGNED_OFFERING
    assert sorted(names[:-1]) == sorted(load_names(plan).by_id["offering"].values())
    revenue = rule_on(sheet, "D6")
    assert (revenue.type, revenue.formula1, revenue.formula2) == (
        "decimal", "-1000000000000", "1000000000000",
    )  # fmt: skip
    assert "refund" in revenue.error  # refunds are negative sales
    units = rule_on(sheet, "E6")
    assert (units.type, units.formula1, units.formula2) == ("whole", "0", "999999999999")
    for dv in (offering, revenue, units):
        assert_stops(dv)
    assert len(rules(sheet)) == 3  # not on the month nor the offering ID


def cells_of(dv: Any) -> set[tuple[int, int]]:
    return {
        (row, column)
        for cells in dv.sqref.ranges
        for row in range(cells.min_row, cells.max_row + 1)
        for column in range(cells.min_col, cells.max_col + 1)
    }


def keyed_rows(sheet: Any, first: int) -> list[tuple[int, str]]:
    return [
        (row, str(sheet.cell(row, 1).value))
        for row in range(first, sheet.max_row + 1)
        if sheet.cell(row, 1).value
    ]


def test_grids_check_the_figures_of_their_editable_rows_only(exported: Any) -> None:
    _plan, _path, book = exported
    months = range(TARGETS_LAYOUT.first_month_column, TARGETS_LAYOUT.total_column)
    targets = book["Targets"]
    (amount,) = rules(targets)
    rows = [row for row, _key in keyed_rows(targets, TARGETS_LAYOUT.first_data_row)]
    assert len(rows) > 1
    assert cells_of(amount) == {(r, c) for r in rows for c in months}
    assert (amount.type, amount.formula1) == ("decimal", "0")
    assert_stops(amount)

    channels = book["Channels"]
    spend, leads = rules(channels)
    kinds: dict[Kind, set[tuple[int, int]]] = {Kind.MONEY: set(), Kind.INT: set()}
    for row, key in keyed_rows(channels, CHANNELS_LAYOUT.first_data_row):
        _channel, figure = parse_channel_row_key(key)
        kinds[figure.kind] |= {(row, c) for c in months}
    assert len(kinds[Kind.MONEY]) == len(kinds[Kind.INT]) > 0
    assert (spend.type, cells_of(spend)) == ("decimal", kinds[Kind.MONEY])
    assert (leads.type, cells_of(leads)) == ("whole", kinds[Kind.INT])
    assert {f.kind for f in CHANNEL_FIGURES if not f.derived} == {Kind.MONEY, Kind.INT}


def test_the_lists_change_nothing_the_import_reads(exported: Any) -> None:
    plan, path, book = exported
    meta = open_book(path, (), META).meta
    assert set(meta) == {m.value for m in Meta}
    assert book[META].sheet_state == "hidden"
    assert book[META]["D1"].value == "Offerings"
    reading = read_workbook(path, plan, today=SAMPLE_TODAY)
    assert reading.problems == [] and len(reading.edits) == 0


def test_every_listed_name_is_one_the_import_takes(exported: Any, tmp_path: Path) -> None:
    """Pick every name of every drop-down in some row: the import understands them all."""
    plan, path, _book = exported
    book = openpyxl.load_workbook(path)
    pipeline, actuals = book["Pipeline"], book["Actuals"]
    names = {key: source_names(book, rule_on(pipeline, f"{c}6").formula1)
             for key, c in (("offering", "D"), ("segment", "E"), ("channel", "F"),
                            ("owner", "G"), ("stage", "H"), ("lost_reason", "P"))}  # fmt: skip
    lost = {n for n in names["stage"] if n.casefold() == "lost"}
    widest = max(len(v) for v in names.values())
    first = PIPELINE_LAYOUT.first_data_row
    for n in range(widest):
        row = first + n
        for key, listed in names.items():
            pipeline.cell(row, PIPELINE_LAYOUT.index(key)).value = listed[n % len(listed)]
        if pipeline.cell(row, PIPELINE_LAYOUT.index("stage")).value not in lost:
            pipeline.cell(row, PIPELINE_LAYOUT.index("lost_reason")).value = None
    # Actuals: the first month's rows, each moved to the next name of the list.
    offerings = source_names(book, rule_on(actuals, "C6").formula1)
    for n in range(len(offerings)):
        row = ACTUALS_LAYOUT.first_data_row + n
        actuals.cell(row, ACTUALS_LAYOUT.index("offering_id")).value = None
        actuals.cell(row, ACTUALS_LAYOUT.index("offering")).value = offerings[
            (n + 1) % len(offerings)
        ]
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    reading = read_workbook(edited, plan, today=SAMPLE_TODAY)
    assert [str(p) for p in reading.problems] == []
    assert len(reading.edits.deals) > 0 and len(reading.edits.actuals) > 0


def _data(plan: Plan) -> Any:
    return read_data(plan, today=SAMPLE_TODAY)


def test_long_lists_and_risky_names_are_cells_of_text(exported: Any, tmp_path: Path) -> None:
    """A list far past the 255 characters an inline list may hold is a range of cells, and
    a name that looks like a formula stays text there."""
    plan = exported[0]
    reps = tuple(f"Sales representative number {n:02}" for n in range(1, 41))
    risky = ("=1+1", "+Referral", "@SUM(1,2)")
    data = _data(plan)
    choices = {**data.choices, "owner": reps, "lost_reason": risky}
    path = tmp_path / "long.xlsx"
    write_workbook(dataclasses.replace(data, choices=choices), path)
    book = openpyxl.load_workbook(path)
    owner = rule_on(book["Pipeline"], "G6")
    assert len(",".join(reps)) > 255
    assert source_names(book, owner.formula1) == list(reps)
    reason = rule_on(book["Pipeline"], "P6")
    cells = [row[0] for row in book[META][reason.formula1.split("!")[1].replace("$", "")]]
    assert [c.value for c in cells] == list(risky)
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as archive:
        meta_xml = archive.read("xl/worksheets/sheet9.xml").decode()
    assert "<f>" not in meta_xml and "<f " not in meta_xml


def test_a_plan_without_names_of_a_kind_refuses_any_text(empty_plan: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    export_workbook(empty_plan, path, today=dt.date(2026, 11, 23))
    book = openpyxl.load_workbook(path)
    sheet = book["Pipeline"]
    for column, word in (("D", "offerings"), ("E", "customer segments"),
                         ("F", "marketing channels"), ("G", "sales reps")):  # fmt: skip
        dv = rule_on(sheet, f"{column}6")
        assert (dv.type, dv.operator, dv.formula1) == ("textLength", "equal", "0")
        assert dv.error.startswith(f"This plan has no {word} yet")
        assert_stops(dv)
    # Every new plan has stages and lost reasons; sales can always be "not linked".
    assert rule_on(sheet, "H6").type == rule_on(sheet, "P6").type == "list"
    assert source_names(book, rule_on(book["Actuals"], "C6").formula1) == [UNASSIGNED_OFFERING]
    assert rules(book["Channels"]) == []  # no channels: no rows to check
    assert len(cells_of(rules(book["Targets"])[0])) == 12  # the whole business's months


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_keeps_the_rules_and_its_file_imports(exported: Any, tmp_path: Path) -> None:
    """Saved again by LibreOffice, the drop-downs still refer to the same names and the file
    still reads back with no differences."""
    plan, path, book = exported
    out = tmp_path / "saved"
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = openpyxl.load_workbook(out / path.name)
    for column in "DEFGHP":
        ours, theirs = (
            rule_on(book["Pipeline"], f"{column}6"),
            rule_on(saved["Pipeline"], f"{column}6"),
        )
        assert theirs.type == "list" and theirs.errorStyle == "stop"
        assert theirs.error == ours.error
        assert source_names(saved, theirs.formula1) == source_names(book, ours.formula1)
    assert rule_on(saved["Pipeline"], "J6").type == "decimal"
    assert rule_on(saved["Pipeline"], "K6").type == "custom"
    # LibreOffice cuts whole columns short when it saves (this one to the rows written and
    # a thousand more), but every deal's row keeps its rule.
    assert f"H{book['Pipeline'].max_row}" in rule_on(saved["Pipeline"], "H6").sqref
    reading = read_workbook(out / path.name, plan, today=SAMPLE_TODAY)
    assert reading.problems == [] and len(reading.edits) == 0
