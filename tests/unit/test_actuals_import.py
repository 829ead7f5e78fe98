"""Importing actual sales: detection, monthly sums worked out by hand, repeats, undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from planner.db.models import ActualSale, BusinessProfile, ImportBatch, ImportedLine, Offering
from planner.domain.periods import Month
from planner.io.actuals_import import (
    ActualsMapping,
    ImportRefused,
    detect_mapping,
    import_file,
    load_file,
)
from planner.io.tabular import ImportFileError, read_table
from planner.services.actuals import set_actual
from planner.services.commands import execute, undo
from planner.services.errors import ValidationError

TODAY = dt.date(2026, 5, 1)

# Semicolons, decimal commas, day-first dates, a BOM, currency symbols and a return.
GERMAN = (
    "\ufeffDatum;Artikel;Menge;Preis;Betrag\n"
    "05.03.2026;Brot;2;3,50;7,00\n"
    "17.03.2026;Kuchen;1;€ 12,50;€ 12,50\n"
    "02.04.2026;brot;10;3,50;1.035,00\n"
    "03.04.2026;Brot;-1;3,50;3,50\n"  # a return: negative quantity, positive total
    "20.04.2026;Kaffee;3;2,00;6,00\n"
)


def _plan_with_offerings(plan: Any) -> dict[str, int]:
    with plan.uow() as uow:
        for n, name in enumerate(["Brot", "Kuchen"]):
            uow.session.add(Offering(name=name, position=n))
        uow.commit()
    with plan.session() as s:
        return {o.name: o.id for o in s.scalars(select(Offering))}


def _write(tmp_path: Path, text: str, name: str = "sales.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _actuals(plan: Any) -> dict[tuple[str, int | None], tuple[int, int | None]]:
    with plan.session() as s:
        return {
            (str(a.month), a.offering_id): (a.revenue_minor, a.units)
            for a in s.scalars(select(ActualSale))
        }


def _count(plan: Any, model: Any) -> int:
    with plan.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def test_detects_german_columns_and_formats(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, GERMAN))
    detection = detect_mapping(table, "MDY")
    assert detection.mapping == ActualsMapping(
        date=0, amount=4, quantity=2, price=3, offering=1, date_order="DMY", decimal_mark=","
    )
    assert detection.date_order_certain


def test_detects_english_quantity_times_price_and_ambiguous_dates(tmp_path: Path) -> None:
    text = "Order date,Product,Qty,Unit price\n03/04/2026,Tea,2,1.50\n04/05/2026,Tea,1,2\n"
    detection = detect_mapping(read_table(_write(tmp_path, text)), "MDY")
    m = detection.mapping
    assert (m.date, m.offering, m.quantity, m.price, m.amount) == (0, 1, 2, 3, None)
    assert (m.date_order, detection.date_order_certain) == ("MDY", False)


def test_german_file_sums_per_month_and_offering(empty_plan: Any, tmp_path: Path) -> None:
    ids = _plan_with_offerings(empty_plan)
    preview = import_file(empty_plan, _write(tmp_path, GERMAN), today=TODAY)
    # March: Brot 7.00 (2 units), Kuchen 12.50 (1). April: Brot 1035.00 - 3.50 = 1031.50
    # (10 - 1 = 9 units; "brot" matches "Brot"), Kaffee 6.00 (3) not assigned.
    assert _actuals(empty_plan) == {
        ("2026-03", ids["Brot"]): (700, 2),
        ("2026-03", ids["Kuchen"]): (1250, 1),
        ("2026-04", ids["Brot"]): (103150, 9),
        ("2026-04", None): (600, 3),
    }
    assert [(str(m.month), m.revenue, m.units) for m in preview.months] == [
        ("2026-03", Decimal("19.50"), 3),
        ("2026-04", Decimal("1037.50"), 12),
    ]
    assert preview.total == Decimal("1057.00")
    assert preview.unmatched == {"Kaffee": 1}
    text = "\n".join(preview.summary_lines("EUR"))
    assert "March 2026: EUR 19.50, 3 units (2 lines)" in text
    assert "'Kaffee' (1 line) matches no offering" in text


def test_importing_twice_doubles_nothing_and_overlap_adds_only_new_lines(
    empty_plan: Any, tmp_path: Path
) -> None:
    _plan_with_offerings(empty_plan)
    path = _write(tmp_path, GERMAN)
    import_file(empty_plan, path, today=TODAY)
    before = _actuals(empty_plan)
    again = import_file(empty_plan, path, today=TODAY)
    assert again.lines_used == 0 and again.already_imported == 5
    assert _actuals(empty_plan) == before
    longer = _write(tmp_path, GERMAN + "21.04.2026;Kaffee;1;2,00;2,00\n", "more.csv")
    more = import_file(empty_plan, longer, today=TODAY)
    assert (more.lines_used, more.already_imported) == (1, 5)
    assert _actuals(empty_plan)[("2026-04", None)] == (800, 4)


def test_identical_lines_in_one_file_both_count(empty_plan: Any, tmp_path: Path) -> None:
    text = "Date,Amount\n2026-01-05,10\n2026-01-05,10\n"
    preview = import_file(empty_plan, _write(tmp_path, text), today=TODAY)
    assert preview.lines_used == 2
    assert _actuals(empty_plan) == {("2026-01", None): (2000, None)}


def test_bad_rows_import_nothing_unless_skipped(empty_plan: Any, tmp_path: Path) -> None:
    # A duplicate header: the first "Total" is the amount.
    text = (
        'Date,Total,Total\n2026-01-05,"$1,200.50",1\n2026-01-06,abc,2\n2026-01-07,,3\n'
        "2026-02-01,1,4\n2026-02-02,2,5\n2026-02-03,3,6\n2026-02-04,4,7\n"
    )
    path = _write(tmp_path, text)
    with pytest.raises(ImportRefused) as refused:
        import_file(empty_plan, path, today=TODAY)
    assert [str(p) for p in refused.value.preview.problems] == [
        "line 3: 'abc' is not an amount",
        "line 4: the amount is blank",
    ]
    assert "Nothing was imported" in str(refused.value)
    assert _count(empty_plan, ActualSale) == 0 and _count(empty_plan, ImportBatch) == 0
    preview = import_file(empty_plan, path, skip_bad=True, today=TODAY)
    assert preview.lines_used == 5
    assert _actuals(empty_plan) == {
        ("2026-01", None): (120050, None),
        ("2026-02", None): (1000, None),
    }
    with empty_plan.session() as s:
        batch = s.scalars(select(ImportBatch)).one()
        assert (batch.rows_imported, batch.rows_skipped, batch.file_name) == (5, 2, "sales.csv")


def test_import_is_one_step_and_undo_removes_it_exactly(empty_plan: Any, tmp_path: Path) -> None:
    ids = _plan_with_offerings(empty_plan)
    with empty_plan.uow() as uow:  # a figure typed earlier, which the import adds to
        uow.session.add(ActualSale(month=Month(2026, 3), offering_id=ids["Brot"],
                                   revenue_minor=1000, units=1))  # fmt: skip
        uow.commit()
    loaded = load_file(empty_plan, _write(tmp_path, GERMAN))
    preview = loaded.preview(empty_plan, offering_map={"Kaffee": ids["Kuchen"]})
    command = preview.command(TODAY)
    execute(empty_plan, command)
    assert _actuals(empty_plan)[("2026-03", ids["Brot"])] == (1700, 3)
    assert _actuals(empty_plan)[("2026-04", ids["Kuchen"])] == (600, 3)
    assert _count(empty_plan, ImportedLine) == 5
    undo(empty_plan, command)
    assert _actuals(empty_plan) == {("2026-03", ids["Brot"]): (1000, 1)}
    assert _count(empty_plan, ImportedLine) == 0 and _count(empty_plan, ImportBatch) == 0
    execute(empty_plan, command)  # redo
    assert _count(empty_plan, ImportedLine) == 5
    assert _actuals(empty_plan)[("2026-04", ids["Brot"])] == (103150, 9)
    # The next export of the same shape remembers that Kaffee is counted as Kuchen.
    nxt = load_file(empty_plan, _write(tmp_path, GERMAN.replace("2026", "2025"), "next.csv"))
    assert nxt.remembered and nxt.products == {"Kaffee": ids["Kuchen"]}
    assert nxt.preview(empty_plan).totals[(Month(2025, 4), ids["Kuchen"])].revenue_minor == 600


def test_mapping_is_remembered_for_files_of_the_same_shape(empty_plan: Any, tmp_path: Path) -> None:
    text = "When,Money,Extra\n2026-02-01,5,9\n"
    first = load_file(empty_plan, _write(tmp_path, text))
    assert first.detection.mapping.date == 0 and not first.remembered
    chosen = ActualsMapping(date=0, amount=2, date_order="YMD")
    execute(empty_plan, first.preview(empty_plan, chosen).command(TODAY))
    second = load_file(empty_plan, _write(tmp_path, "When,Money,Extra\n2026-03-01,5,7\n", "b.csv"))
    assert second.remembered and second.detection.mapping.amount == 2
    assert second.preview(empty_plan).total == Decimal("7.00")


def test_xlsx_with_quantity_and_price(empty_plan: Any, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Product", "Quantity", "Price"])
    sheet.append([dt.datetime(2026, 6, 3), "Tea", 4, 2.25])
    sheet.append([dt.datetime(2026, 6, 30), "Tea", -1, 2.25])
    sheet.append([dt.datetime(2026, 7, 1), "Tea", 2, 3])
    path = tmp_path / "shop.xlsx"
    book.save(path)
    preview = import_file(empty_plan, path, today=TODAY)
    # June: 4 x 2.25 - 1 x 2.25 = 6.75 (3 units); July: 6.00 (2 units).
    assert _actuals(empty_plan) == {("2026-06", None): (675, 3), ("2026-07", None): (600, 2)}
    assert preview.unmatched == {"Tea": 3}


def test_locked_months_are_bad_lines(empty_plan: Any, tmp_path: Path) -> None:
    with empty_plan.uow() as uow:
        uow.session.get(BusinessProfile, 1).locked_through = Month(2026, 1)
        uow.commit()
    path = _write(tmp_path, "Date,Amount\n2026-01-31,5\n2026-02-01,7\n")
    with pytest.raises(ImportRefused, match="line 2: January 2026 is locked"):
        import_file(empty_plan, path, today=TODAY)
    import_file(empty_plan, path, skip_bad=True, today=TODAY)
    assert _actuals(empty_plan) == {("2026-02", None): (700, None)}


def test_no_date_column_is_one_sentence(empty_plan: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^No column of sale dates was recognised in sales.csv"):
        import_file(empty_plan, _write(tmp_path, "A,B\nx,1\n"), today=TODAY)


@pytest.mark.parametrize("data", [b"", bytes(range(256))])
def test_empty_and_binary_files(empty_plan: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFileError):
        import_file(empty_plan, path, today=TODAY)


def test_set_actual_edits_merge_undo_and_respect_the_lock(empty_plan: Any) -> None:
    ids = _plan_with_offerings(empty_plan)
    march = Month(2026, 3)
    with empty_plan.uow() as uow:  # an older plan may hold two rows for one month
        uow.session.add(ActualSale(month=march, offering_id=ids["Brot"], revenue_minor=100))
        uow.session.add(ActualSale(month=march, offering_id=ids["Brot"], revenue_minor=50))
        uow.commit()
    with empty_plan.uow() as uow:
        command = set_actual(uow, march, ids["Brot"], "units", "4")
    execute(empty_plan, command)
    assert _actuals(empty_plan) == {("2026-03", ids["Brot"]): (150, 4)}
    with empty_plan.uow() as uow:
        revenue = set_actual(uow, march, ids["Brot"], "revenue", Decimal("99.95"))
    execute(empty_plan, revenue)
    assert _actuals(empty_plan) == {("2026-03", ids["Brot"]): (9995, 4)}
    undo(empty_plan, revenue)
    undo(empty_plan, command)
    with empty_plan.session() as s:
        assert sorted(a.revenue_minor for a in s.scalars(select(ActualSale))) == [50, 100]
    with empty_plan.uow() as uow:
        uow.session.get(BusinessProfile, 1).locked_through = Month(2026, 3)
        uow.commit()
    with empty_plan.uow() as uow, pytest.raises(ValidationError, match=r"^March 2026 is locked"):
        set_actual(uow, march, None, "revenue", Decimal(1))
