"""Reading messy CSV and Excel exports into headers and rows of text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.io.tabular import ImportFileError, read_table


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_bom_and_commas(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "a.csv", "\ufeffDate,Amount\n2026-01-05,12.50\n\n2026-01-06,3\n".encode()
    )
    table = read_table(path)
    assert table.headers == ["Date", "Amount"]
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ["2026-01-05", "12.50"]),
        (4, ["2026-01-06", "3"]),
    ]


def test_semicolons_decimal_commas_and_cp1252(tmp_path: Path) -> None:
    text = 'Datum;Artikel;Betrag\n05.03.2026;"Kaffee; groß";"1.234,50"\n06.03.2026;Tee;€ 12,50\n'
    table = read_table(_write(tmp_path, "b.csv", text.encode("cp1252")))
    assert table.delimiter == ";"
    assert table.encoding == "cp1252"
    assert table.rows[0].cells == ["05.03.2026", "Kaffee; groß", "1.234,50"]
    assert table.rows[1].cells[2] == "€ 12,50"


def test_tabs_duplicate_and_blank_headers_and_short_rows(tmp_path: Path) -> None:
    text = "Amount\tAmount\t\nx\t1\t2\ny\n"
    table = read_table(_write(tmp_path, "c.txt", text.encode()))
    assert table.delimiter == "\t"
    assert table.headers == ["Amount", "Amount (2)", "Column 3"]
    assert table.rows[1].cells == ["y", "", ""]
    assert table.column(1) == ["1", ""]


def test_multiline_quoted_cell_keeps_the_starting_line(tmp_path: Path) -> None:
    text = 'Date,Note\n2026-01-01,"two\nlines"\n2026-01-02,x\n'
    table = read_table(_write(tmp_path, "d.csv", text.encode()))
    assert [r.line for r in table.rows] == [2, 4]


def test_xlsx_first_sheet_with_data(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Empty"
    sheet = book.create_sheet("Orders")
    sheet.append(["Order date", "Qty", "Price", None])
    sheet.append([dt.datetime(2026, 3, 5), 3, 12.5, None])
    sheet.append([dt.date(2026, 4, 1), -1.0, 2, None])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.sheet == "Orders"
    assert table.headers == ["Order date", "Qty", "Price"]
    assert [r.cells for r in table.rows] == [["2026-03-05", "3", "12.5"], ["2026-04-01", "-1", "2"]]
    assert [r.line for r in table.rows] == [2, 3]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n \n", "is empty"),
        ("bin.csv", bytes(range(256)) * 4, "not a text or Excel file"),
        ("fake.xlsx", b"PK\x03\x04garbage", "not a valid Excel file"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file"),
    ],
)
def test_unreadable_files_give_one_sentence(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_table(_write(tmp_path, name, data))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="could not be found"):
        read_table(tmp_path / "nope.csv")
