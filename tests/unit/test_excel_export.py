"""The Excel export read back with openpyxl: sheets where workbook_layout says, values equal
to the plan's queries, number formats, live formulas, charts, print setup, text that can
never run as a formula, and a cancelled or failed export that leaves the old file alone."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, select, update

from planner.db.models import Deal
from planner.db.plan import Plan, create_plan, open_plan
from planner.io import excel_export, excel_sheets
from planner.io.excel_export import ExportCancelled, ExportError, export_workbook
from planner.io.safe_text import is_risky
from planner.io.workbook_layout import (
    ACTUALS_LAYOUT,
    CHANNEL_FIGURES,
    CHANNELS_LAYOUT,
    FORMAT_VERSION,
    META,
    PIPELINE_LAYOUT,
    SHEETS,
    TARGETS_LAYOUT,
    UNASSIGNED_OFFERING,
    Meta,
    TargetPart,
    parse_channel_row_key,
    parse_target_row_key,
)
from planner.queries import channel_months, deals, monthly_actuals, target_overview
from planner.queries.targets import Breakdown, BreakdownRowKind
from planner.sample import write_sample
from planner.services.commands import execute
from planner.services.deals import DealFields, add_deal
from tests.conftest import SAMPLE_TODAY

RISKY = (
    '=HYPERLINK("http://example.com","Click me")',
    "+1+2",
    "-3+4",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=2+2",
    "=cmd|' /C calc'!A0",
)


def money(value: Any) -> Any:
    """A number read back (a float) as the exact amount it was written as."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return value


def add_risky_deals(plan: Plan) -> None:
    """Deals whose customer, title and notes a spreadsheet would run if written as is. The
    deal form trims a leading tab; an import from another system may not, so the stored
    text is set directly afterwards."""
    for text in RISKY:
        fields = DealFields(customer="x", amount=Decimal("10.00"))
        with plan.uow() as uow:
            command = add_deal(uow, fields, today=SAMPLE_TODAY)
        execute(plan, command)
        with plan.uow() as uow:
            last = uow.session.scalar(select(func.max(Deal.id)))
            uow.session.execute(
                update(Deal).where(Deal.id == last).values(customer=text, title=text, notes=text)
            )
            uow.commit()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Plan, Path]]:
    """The sample plan with risky deals, exported once for the whole module."""
    folder = tmp_path_factory.mktemp("export")
    write_sample(folder / "sample.smplan", today=SAMPLE_TODAY)
    plan = open_plan(folder / "sample.smplan")
    add_risky_deals(plan)
    out = folder / "plan.xlsx"
    export_workbook(plan, out, today=SAMPLE_TODAY)
    yield plan, out
    plan.close()


@pytest.fixture(scope="module")
def book(exported: tuple[Plan, Path]) -> Any:
    return openpyxl.load_workbook(exported[1])


def test_sheets_in_order_with_hidden_metadata(book: Any, exported: tuple[Plan, Path]) -> None:
    assert book.sheetnames == [*SHEETS, META]
    meta = book[META]
    assert meta.sheet_state == "hidden"
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert values[Meta.FORMAT_VERSION] == FORMAT_VERSION
    assert values[Meta.BUSINESS_NAME] == "Hartmann's Bakery & Catering"
    assert values[Meta.CURRENCY] == "EUR"
    assert values[Meta.FISCAL_YEAR] == 2026
    assert values[Meta.FISCAL_START_MONTH] == 1
    assert values[Meta.FIRST_MONTH] == "2026-01"
    assert values[Meta.TODAY] == "2026-11-23"
    assert values[Meta.PLAN_FILE] == "sample.smplan"
    assert values[Meta.SCHEMA_VERSION] == exported[0].schema_version


def test_targets_grid_holds_the_plan_targets(book: Any, exported: tuple[Plan, Path]) -> None:
    plan = exported[0]
    sheet = book["Targets"]
    layout = TARGETS_LAYOUT
    assert sheet.column_dimensions["A"].hidden
    header = [sheet.cell(layout.header_row, c).value for c in range(1, layout.total_column + 1)]
    assert header[1:3] == ["Target for", "Name"]
    assert header[layout.first_month_column - 1] == dt.datetime(2026, 1, 1)
    assert header[-1] == "Year total"
    overview = target_overview(plan, 2026, today=SAMPLE_TODAY)
    first = layout.first_data_row
    assert parse_target_row_key(sheet.cell(first, 1).value) == (None, None)
    whole = [money(sheet.cell(first, layout.month_column(n)).value) for n in range(12)]
    assert whole == [line.target for line in overview.lines[:12]]
    assert sheet.cell(first, layout.total_column).value == f"=SUM(D{first}:O{first})"
    parts = target_overview(plan, 2026, Breakdown.OFFERING, today=SAMPLE_TODAY).breakdown_rows
    expected = {r.item_id: list(r.months) for r in parts if r.kind is BreakdownRowKind.PART}
    found = {}
    row = first + 1
    while sheet.cell(row, 1).value:
        part, item_id = parse_target_row_key(sheet.cell(row, 1).value)
        assert part is TargetPart.OFFERING
        found[item_id] = [money(sheet.cell(row, layout.month_column(n)).value) for n in range(12)]
        row += 1
    assert found == expected
    # The rest not assigned to any offering is a derived row: no key, a formula per month.
    assert sheet.cell(row, 2).value == "Not assigned"
    assert sheet.cell(row, 4).value == f"=D${first}-SUM(D{first + 1}:D{row - 1})"


def test_channels_grid_holds_each_figure(book: Any, exported: tuple[Plan, Path]) -> None:
    plan = exported[0]
    sheet = book["Channels"]
    layout = CHANNELS_LAYOUT
    rows = channel_months(plan, 2026, today=SAMPLE_TODAY)
    by_key = {(r.channel_id, r.month.month): r for r in rows}
    checked = 0
    for r in range(layout.first_data_row, sheet.max_row + 1):
        key = sheet.cell(r, 1).value
        if not key:
            continue
        channel_id, figure = parse_channel_row_key(key)
        assert sheet.cell(r, 3).value == figure.label
        for n in range(12):
            value = sheet.cell(r, layout.month_column(n)).value
            expected = getattr(by_key[(channel_id, n + 1)], figure.key)
            assert (money(value) if figure.kind.value == "money" else value) == expected
            checked += 1
    editable = [f for f in CHANNEL_FIGURES if not f.derived]
    assert checked == len({r.channel_id for r in rows}) * len(editable) * 12
    variance = layout.first_data_row + 2
    assert (
        sheet.cell(variance, 4).value
        == f'=IF(D{variance - 1}="","",D{variance - 1}-D{variance - 2})'
    )
    # November is in progress: no over/under, so the year total compares Jan to Oct only.
    nov = layout.month_column(10)
    assert sheet.cell(layout.header_row, nov).value.date() == SAMPLE_TODAY.replace(day=1)
    assert sheet.cell(variance, nov).value == f'=IF(N{variance - 1}="","","not over yet")'
    assert sheet.cell(variance, nov).alignment.horizontal == "right"
    assert sheet.cell(variance, nov - 1).value.endswith(f"M{variance - 1}-M{variance - 2})")
    channel_count = len({r.channel_id for r in rows})
    all_channels = layout.first_data_row + channel_count * len(CHANNEL_FIGURES) + 1 + 2
    assert sheet.cell(all_channels, 3).value == CHANNEL_FIGURES[2].label
    assert sheet.cell(all_channels, nov).value == f'=IF(N{all_channels - 1}="","","not over yet")'
    assert "Nov 2026 is not over yet" in sheet.cell(2, 2).value


def test_pipeline_lists_every_deal(book: Any, exported: tuple[Plan, Path]) -> None:
    plan = exported[0]
    sheet = book["Pipeline"]
    layout = PIPELINE_LAYOUT
    headers = [sheet.cell(layout.header_row, c + 1).value for c in range(len(layout.columns))]
    assert headers == [c.header for c in layout.columns]
    rows = deals(plan, today=SAMPLE_TODAY)
    first = layout.first_data_row
    assert sheet.max_row == first + len(rows) - 1
    col = {c.key: layout.index(c.key) for c in layout.columns}
    for offset in (0, 57, len(rows) - 1):
        deal, r = rows[offset], first + offset
        assert sheet.cell(r, col["id"]).value == deal.id
        assert money(sheet.cell(r, col["amount"]).value) == deal.amount
        assert sheet.cell(r, col["probability"]).value == pytest.approx(deal.probability / 100)
        assert sheet.cell(r, col["weighted"]).value == f"=J{r}*K{r}"
        assert sheet.cell(r, col["stage"]).value == deal.stage
        assert sheet.cell(r, col["created_on"]).value == dt.datetime.combine(
            deal.created_on, dt.time()
        )
    assert sheet.cell(3, col["amount"]).value == "=SUBTOTAL(9,J6:J1048576)"
    assert sheet.freeze_panes == "C6"
    assert sheet.auto_filter.ref == f"A5:Q{sheet.max_row}"


def test_actuals_list_one_row_per_month_and_offering(
    book: Any, exported: tuple[Plan, Path]
) -> None:
    plan = exported[0]
    sheet = book["Actuals"]
    layout = ACTUALS_LAYOUT
    offerings = [r for r in monthly_actuals(plan, 2026, today=SAMPLE_TODAY) if not r.is_total]
    first = layout.first_data_row
    assert sheet.max_row == first + 12 * len(offerings) - 1
    total = Decimal(0)
    for r in range(first, sheet.max_row + 1):
        month, name = sheet.cell(r, 2).value, sheet.cell(r, 3).value
        revenue = money(sheet.cell(r, 4).value)
        match = next(o for o in offerings if o.offering == name or (
            o.offering_id is None and name == UNASSIGNED_OFFERING))  # fmt: skip
        assert sheet.cell(r, 1).value == match.offering_id
        assert revenue == match.revenue[month.month - 1]
        total += revenue or 0
    assert total == sum(o.revenue_total for o in offerings)


def test_number_formats_follow_the_currency(book: Any) -> None:
    pipeline = book["Pipeline"]
    amount = pipeline.cell(6, PIPELINE_LAYOUT.index("amount"))
    assert amount.number_format == '"€"#,##0.00;[Red]-"€"#,##0.00'
    assert pipeline.cell(6, PIPELINE_LAYOUT.index("probability")).number_format == "0%"
    assert pipeline.cell(6, PIPELINE_LAYOUT.index("created_on")).number_format == "yyyy-mm-dd"
    assert book["Actuals"].cell(6, 2).number_format == "mmm yyyy"
    assert book["Summary"]["E18"].number_format == "0.0%"
    assert excel_export_money("JPY") == '"¥"#,##0;[Red]-"¥"#,##0'
    assert excel_export_money("CHF") == '#,##0.00 "CHF";[Red]-#,##0.00 "CHF"'


def excel_export_money(code: str) -> str:
    from planner.io.excel_styles import money_format

    return money_format(code)


def test_summary_is_formulas_over_the_other_sheets(book: Any) -> None:
    sheet = book["Summary"]
    labels = [sheet.cell(r, 1).value for r in range(1, 40)]
    jan = labels.index("Jan 2026") + 1
    assert sheet.cell(jan, 2).value == "=Targets!D5"
    assert "SUMIFS(Actuals!$D:$D,Actuals!$B:$B,DATE(2026,1,1))" in sheet.cell(jan, 3).value
    assert sheet.cell(jan, 4).value == f'=IF(C{jan}="","",C{jan}-B{jan})'
    so_far = labels.index("Nov 2026 (so far)") + 1
    assert sheet.cell(so_far, 4).value is None  # the month in progress shows no variance
    assert sheet.cell(so_far, 8).value is None  # nor does its marketing spend
    assert sheet.cell(so_far - 1, 8).value.startswith("=Channels!M")
    q1 = labels.index("Q1 FY 2026") + 1
    assert sheet.cell(q1, 2).value == f"=SUM(B{jan}:B{jan + 2})"
    assert sheet.cell(jan, 6).value.startswith("=Channels!D")


def test_summary_has_three_native_charts(book: Any, exported: tuple[Plan, Path]) -> None:
    with zipfile.ZipFile(exported[1]) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = [archive.read(n).decode() for n in charts]
    assert len(charts) == 3
    assert "Revenue: target and actual" in xml[0]
    assert "<barChart>" in xml[0] and "<lineChart>" in xml[0]
    assert "'Summary'!$B$17:$B$28" in xml[0] and "'Summary'!$C$17:$C$28" in xml[0]
    assert "Marketing spend: budget and actual" in xml[1]
    assert "Open pipeline by stage" in xml[2]
    assert all('<delete val="0"' in x for x in xml)  # axes are drawn
    assert len(book_charts(exported[1])) == 3


def book_charts(path: Path) -> list[Any]:
    """The charts openpyxl itself reads back from the Summary."""
    return list(openpyxl.load_workbook(path)["Summary"]._charts)


def test_every_sheet_is_print_ready(book: Any) -> None:
    upright = {"Actuals", "Forecast"}  # narrow sheets print upright
    for name in SHEETS:
        sheet = book[name]
        assert sheet.print_area, name
        expected = "portrait" if name in upright else "landscape"
        assert sheet.page_setup.orientation == expected, name
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddHeader.left.text == "Hartmann's Bakery && Catering", name
        assert sheet.oddHeader.right.text == "&A"
        assert sheet.oddFooter.right.text == "Page &P of &N"
    assert book["Pipeline"].print_title_rows == "$5:$5"
    assert book["Targets"].print_title_rows == "$4:$4"


def test_risky_text_is_written_as_text(book: Any, exported: tuple[Plan, Path]) -> None:
    sheet = book["Pipeline"]
    customer = PIPELINE_LAYOUT.index("customer")
    notes = PIPELINE_LAYOUT.index("notes")
    # XML reads a carriage return in text back as a line feed: still text, never a formula.
    expected = {text.replace("\r", "\n") for text in RISKY}
    found = {}
    for r in range(PIPELINE_LAYOUT.first_data_row, sheet.max_row + 1):
        cell = sheet.cell(r, customer)
        if cell.value in expected:
            found[cell.value] = cell
            assert cell.data_type == "s"
            assert cell.quotePrefix
            assert sheet.cell(r, notes).data_type == "s"
    assert set(found) == expected
    with zipfile.ZipFile(exported[1]) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        pipeline = archive.read(sorted(names)[5]).decode()
    assert "HYPERLINK" in pipeline and "<f>HYPERLINK" not in pipeline
    assert "<f>cmd" not in pipeline and "<f>SUM(1,2)" not in pipeline


@pytest.mark.parametrize(
    ("text", "risky"),
    [("=1", True), ("+1", True), ("-1", True), ("@x", True), ("\tx", True), ("\rx", True),
     ("  =1", True), ("Cakes", False), ("1-2", False), ("", False), ("e=mc2", False)],
)  # fmt: skip
def test_is_risky(text: str, risky: bool) -> None:
    assert is_risky(text) is risky


def test_cancel_leaves_the_old_file(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    plan = exported[0]
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the old workbook")
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 8  # in the middle of the sheets

    with pytest.raises(ExportCancelled):
        export_workbook(plan, out, today=SAMPLE_TODAY, should_stop=stop)
    assert out.read_bytes() == b"the old workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_failure_leaves_the_old_file(
    exported: tuple[Plan, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the old workbook")

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(excel_sheets, "write_actuals", broken)
    with pytest.raises(ExportError, match="could not be written: no space left on device"):
        export_workbook(exported[0], out, today=SAMPLE_TODAY)
    assert out.read_bytes() == b"the old workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_missing_folder_is_one_sentence(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_workbook(exported[0], tmp_path / "nope" / "x.xlsx", today=SAMPLE_TODAY)


def test_progress_counts_up_to_the_total(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    export_workbook(exported[0], tmp_path / "p.xlsx", today=SAMPLE_TODAY,
                    progress=lambda d, t, w: seen.append((d, t, w)))  # fmt: skip
    done = [d for d, _t, _w in seen[1:]]
    assert done == sorted(done)
    assert seen[-1][0] == seen[-1][1]
    assert {"Reading the plan", "Writing the deals", "Saving the file"} <= {w for *_, w in seen}


def test_an_empty_plan_exports(tmp_path: Path) -> None:
    plan = create_plan(tmp_path / "empty.smplan", "Smith & Sons")
    try:
        result = export_workbook(plan, tmp_path / "empty.xlsx", today=SAMPLE_TODAY)
    finally:
        plan.close()
    assert result.deals == 0
    book = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert book["Pipeline"].max_row <= PIPELINE_LAYOUT.first_data_row
    assert book["Summary"].oddHeader.left.text == "Smith && Sons"
    assert "forecast" in book["Forecast"]["A2"].value.lower()


def test_the_old_file_keeps_its_permissions(exported: tuple[Plan, Path], tmp_path: Path) -> None:
    out = tmp_path / "shared.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o640)
    export_workbook(exported[0], out, today=SAMPLE_TODAY)
    assert out.stat().st_mode & 0o777 == 0o640
    assert zipfile.is_zipfile(out)


def test_module_imports_no_openpyxl_until_used() -> None:
    import subprocess
    import sys

    code = "import sys, planner.io.excel_export; print('openpyxl' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "False"
    assert excel_export.ExportResult  # the public result type exists
