"""The exported workbook opened by a real spreadsheet: LibreOffice (headless) recalculates
every formula, and the results must be the planner's own numbers. An edited copy checks
that the formulas are live (a changed target or sale flows into the Summary).

LibreOffice is slow to start, so both workbooks are converted in one run per module. The
tests skip when ``soffice`` is missing (``make system-deps`` installs it; CI does).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from planner.db.plan import Plan, open_plan
from planner.domain.periods import Month
from planner.io.excel_export import export_workbook
from planner.io.workbook_layout import ACTUALS_LAYOUT, PIPELINE_LAYOUT, TARGETS_LAYOUT
from planner.queries import deals, offerings, pipeline_figures, plan_vs_actual, segments
from planner.queries.channel_metrics import channel_metrics
from planner.queries.channels import compared_periods
from planner.queries.pipeline_forecast import forecast_outlook
from planner.queries.targets import revenue_to_date
from planner.sample import write_sample
from tests.conftest import SAMPLE_TODAY
from tests.unit.test_excel_export import RISKY, add_risky_deals

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]
CENT = Decimal("0.01")
TARGET_RAISE = 1000
SALE_RAISE = 500


def amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(repr(value)).quantize(CENT)


def recalculate(sources: list[Path], folder: Path) -> None:
    """Convert ``sources`` to .xlsx in ``folder`` with LibreOffice, which computes every
    formula and stores the results; its own profile keeps parallel runs apart."""
    assert SOFFICE is not None
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(folder), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Plan, Any, Any]]:
    """The plan, its export as LibreOffice computed it, and an edited copy likewise."""
    folder = tmp_path_factory.mktemp("libreoffice")
    write_sample(folder / "sample.smplan", today=SAMPLE_TODAY)
    plan = open_plan(folder / "sample.smplan")
    add_risky_deals(plan)
    exported = folder / "plan.xlsx"
    export_workbook(plan, exported, today=SAMPLE_TODAY)
    edited = folder / "edited.xlsx"
    book = openpyxl.load_workbook(exported)
    jan = book["Targets"].cell(TARGETS_LAYOUT.first_data_row, TARGETS_LAYOUT.first_month_column)
    jan.value += TARGET_RAISE
    actuals = book["Actuals"]
    first_sale = actuals.cell(ACTUALS_LAYOUT.first_data_row, ACTUALS_LAYOUT.index("revenue"))
    first_sale.value += SALE_RAISE
    book.save(edited)
    out = folder / "computed"
    out.mkdir()
    recalculate([exported, edited], out)
    yield (
        plan,
        openpyxl.load_workbook(out / "plan.xlsx", data_only=True),
        openpyxl.load_workbook(out / "edited.xlsx", data_only=True),
    )
    plan.close()


def summary_rows(book: Any) -> dict[str, tuple[Any, ...]]:
    sheet = book["Summary"]
    return {row[0]: row for row in sheet.iter_rows(max_col=10, values_only=True) if row[0]}


def test_plan_against_actual_matches_the_planner(computed: tuple[Plan, Any, Any]) -> None:
    plan, book, _ = computed
    rows = summary_rows(book)
    expected = plan_vs_actual(plan, 2026, today=SAMPLE_TODAY)
    assert len(expected) == 17
    for line in expected:
        found = rows[line.label]
        assert amount(found[1]) == line.target, line.label
        assert amount(found[2]) == line.actual, line.label
        assert amount(found[3]) == line.variance, line.label
        if line.variance_pct is None:
            assert found[4] in (None, ""), line.label
        else:
            assert abs(Decimal(repr(found[4])) * 100 - line.variance_pct) <= Decimal("0.05")
        assert amount(found[5]) == line.planned_spend, line.label
        assert amount(found[6]) == line.actual_spend, line.label
        assert found[8] == line.planned_leads, line.label
        assert (found[9] if found[9] != "" else None) == line.actual_leads, line.label


def test_key_figures_match_the_planner(computed: tuple[Plan, Any, Any]) -> None:
    plan, book, _ = computed
    rows = summary_rows(book)
    to_date = revenue_to_date(plan, 2026, today=SAMPLE_TODAY)
    figures = pipeline_figures(plan, 2026, today=SAMPLE_TODAY)
    assert amount(rows["Actual revenue, Jan 2026 to Oct 2026"][1]) == to_date.actual
    assert amount(rows["Target for the same months"][1]) == to_date.target
    assert amount(rows["Ahead (+) or behind (-) target"][1]) == to_date.variance
    assert rows["Open deals"][1] == figures.open_deals
    assert amount(rows["Open pipeline"][1]) == figures.open_amount
    # The planner rounds each deal's weighted value to the cent; the sheet adds exact ones.
    weighted = amount(rows["Weighted open pipeline"][1])
    assert weighted is not None
    assert abs(weighted - figures.weighted_open) <= CENT * figures.open_deals / 2
    assert figures.win_rate_pct is not None
    rate = Decimal(repr(rows["Win rate of deals closed in FY 2026"][1])) * 100
    assert abs(rate - figures.win_rate_pct) <= Decimal("0.05")
    spend = channel_metrics(plan, 2026, today=SAMPLE_TODAY)[-1].year
    assert amount(rows["Marketing budget for the year"][1]) == spend.planned_spend
    assert amount(rows["Marketing spend so far"][1]) == spend.actual_spend


def test_channel_totals_match_the_planner(computed: tuple[Plan, Any, Any]) -> None:
    plan, book, _ = computed
    year = channel_metrics(plan, 2026, today=SAMPLE_TODAY)[-1].year
    sheet = book["Channels"]
    totals = {
        row[2]: row[-1] for row in sheet.iter_rows(values_only=True) if row[1] == "All channels"
    }
    assert amount(totals["Cost per lead"]) == year.cost_per_lead_actual
    assert year.spend_variance is not None  # the whole year, November so far included


def test_spend_variances_compare_complete_months(computed: tuple[Plan, Any, Any]) -> None:
    """November (in progress) has spend so far but no over/under, on the Channels sheet
    and the Summary; the year's over/under counts the complete months only, as the
    Channels tab does (``compared_periods``)."""
    plan, book, _ = computed
    current = Month.of(SAMPLE_TODAY)
    label = "Spend over (+) / under (-) budget"
    found = {
        row[1]: row[3:16] for row in book["Channels"].iter_rows(values_only=True)
        if row[2] == label
    }  # fmt: skip
    checked = 0
    for channel in channel_metrics(plan, 2026, today=SAMPLE_TODAY):
        if channel.name not in found:  # an archived channel with deals but no figures
            continue
        compared = compared_periods(channel, current)
        cells = found[channel.name]
        for n, month in enumerate(channel.months):
            if month == current and channel.monthly[n].actual_spend is not None:
                assert cells[n] == "not over yet", channel.name
            else:
                assert amount(cells[n]) == compared[n].spend_variance, (channel.name, month)
        assert amount(cells[12]) == compared[-1].spend_variance, channel.name
        checked += 1
    assert checked == len(found)
    everything = channel_metrics(plan, 2026, today=SAMPLE_TODAY)[-1]
    assert everything.monthly[10].actual_spend is not None  # November has spend so far
    compared = compared_periods(everything, current)
    assert compared[-1].spend_variance != everything.year.spend_variance
    rows = summary_rows(book)
    for line, figures in zip(plan_vs_actual(plan, 2026, today=SAMPLE_TODAY),
                             [*compared[:3], compared[12], *compared[3:6], compared[13],
                              *compared[6:9], compared[14], *compared[9:12], compared[15],
                              compared[16]], strict=True):  # fmt: skip
        assert amount(rows[line.label][7]) == figures.spend_variance, line.label
    assert rows["Nov 2026 (so far)"][7] in (None, "")


def test_pipeline_weighted_values_match(computed: tuple[Plan, Any, Any]) -> None:
    plan, book, _ = computed
    sheet = book["Pipeline"]
    weighted = PIPELINE_LAYOUT.index("weighted")
    for offset, deal in enumerate(deals(plan, today=SAMPLE_TODAY)):
        value = sheet.cell(PIPELINE_LAYOUT.first_data_row + offset, weighted).value
        assert abs(Decimal(repr(value)) - deal.weighted) <= Decimal("0.005"), deal.id


def test_market_sizes_and_margins_match(computed: tuple[Plan, Any, Any]) -> None:
    plan, book, _ = computed
    grid = list(book["Segments"].iter_rows(min_row=4, values_only=True))
    columns, rows = list(grid[0]), {row[0]: row for row in grid[1:]}
    found = segments(plan)
    for s in found:
        c = columns.index(s.name)
        keys = ("Total market (TAM)", "Serviceable market (SAM)", "Obtainable market (SOM)")
        sizes = [amount(rows[k][c]) for k in keys]
        assert sizes == [s.tam, s.sam, s.som]
    every = columns.index("All segments")
    assert amount(rows["Total market (TAM)"][every]) == sum(s.tam for s in found)
    assert amount(rows["Obtainable market (SOM)"][every]) == sum(s.som for s in found)
    mix = list(book["Marketing mix"].iter_rows(min_row=4, values_only=True))
    names = list(mix[0])
    by_label = {row[0]: row for row in mix[1:]}
    for o in offerings(plan):
        column = names.index(o.name)
        assert amount(by_label["Margin"][column]) == o.margin
        if o.margin_pct is not None:
            pct = Decimal(repr(by_label["Margin %"][column])) * 100
            assert abs(pct - o.margin_pct) <= Decimal("0.05")


def test_forecast_gap_matches(computed: tuple[Plan, Any, Any]) -> None:
    plan, book, _ = computed
    outlook = forecast_outlook(plan, today=SAMPLE_TODAY)
    rows = {row[0]: row for row in book["Forecast"].iter_rows(min_row=5, values_only=True)}
    checked = 0
    for line in [*outlook.months, *outlook.quarters]:
        found = rows[line.label]
        assert amount(found[1]) == line.forecast
        assert amount(found[6]) == line.gap
        checked += line.gap is not None
    assert checked >= 2


def test_risky_text_stays_text_in_libreoffice(computed: tuple[Plan, Any, Any]) -> None:
    _, book, _ = computed
    sheet = book["Pipeline"]
    customer = PIPELINE_LAYOUT.index("customer")
    texts = {
        sheet.cell(r, customer).value
        for r in range(PIPELINE_LAYOUT.first_data_row, sheet.max_row + 1)
    }
    # Run as formulas, these would have become 3, 1, 3, 2: they must come back as typed.
    assert {"+1+2", "-3+4", "@SUM(1,2)", RISKY[0], RISKY[-1]} <= texts
    assert not {3, 1, 2, "Click me"} & texts


def test_edits_in_the_sheets_flow_into_the_summary(computed: tuple[Plan, Any, Any]) -> None:
    _, book, edited = computed
    before, after = summary_rows(book), summary_rows(edited)
    assert amount(after["Jan 2026"][1]) == amount(before["Jan 2026"][1]) + TARGET_RAISE
    assert amount(after["FY 2026 total"][1]) == amount(before["FY 2026 total"][1]) + TARGET_RAISE
    assert amount(after["Jan 2026"][2]) == amount(before["Jan 2026"][2]) + SALE_RAISE
    assert amount(after["Jan 2026"][3]) == amount(before["Jan 2026"][3]) - TARGET_RAISE + SALE_RAISE
