"""Hostile and broken import files: each gets one clear sentence, fast, and the plan is unchanged.

Covers wrong encodings (UTF-16 with and without a BOM, UTF-32, Latin-1), huge fields and
an unclosed quote (csv's field size limit), empty files, too many columns, files that are
not really .xlsx, zip bombs (declared and lying sizes), XML entity tricks (billion laughs,
external entities, a DTD hidden after padding), absurd sheet dimensions and row numbers,
and wrong columns, bad numbers and dates through both importers.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import struct
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from planner.db.plan import Plan
from planner.io import actuals_import, tabular, zip_guard
from planner.io.actuals_import import ImportRefused, import_file
from planner.io.deals_import import BadRowsError, import_deals_file
from planner.io.tabular import ImportFileError, read_table
from planner.io.zip_guard import UnsafeWorkbookError, check_xlsx
from planner.services.errors import ValidationError

TODAY = dt.date(2026, 5, 1)
CSV = "Date,Product,Amount\n2026-03-05,Bread,12.50\n2026-03-06,Cake,3.00\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def dump(plan: Plan) -> list[str]:
    """Every row of the plan as SQL text, to show an import left it exactly as it was."""
    conn = sqlite3.connect(plan.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def workbook_bytes(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, member: str, change: Any) -> bytes:
    """The workbook ``data`` with ``member`` replaced by ``change(old bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SIMPLE: list[list[Any]] = [
    ["Date", "Amount"],
    [dt.date(2026, 3, 5), 12.5],
    [dt.date(2026, 3, 6), 3],
]


# -- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-16"), "utf-16"),
        ("\ufeff".encode("utf-16-be") + CSV.encode("utf-16-be"), "utf-16"),
        (CSV.encode("utf-16-le"), "utf-16-le"),  # a UTF-16 export that lost its BOM
        (CSV.encode("utf-16-be"), "utf-16-be"),
        (CSV.encode("utf-32"), "utf-32"),
        ("\ufeff".encode() + CSV.encode(), "utf-8-sig"),
    ],
)
def test_unicode_encodings_are_read(tmp_path: Path, data: bytes, encoding: str) -> None:
    table = read_table(write(tmp_path, "sales.csv", data))
    assert table.encoding == encoding
    assert table.headers == ["Date", "Product", "Amount"]
    assert [r.cells for r in table.rows] == [
        ["2026-03-05", "Bread", "12.50"],
        ["2026-03-06", "Cake", "3.00"],
    ]


def test_latin1_export_keeps_its_accents(tmp_path: Path) -> None:
    text = "Datum;Artikel;Betrag\n05.03.2026;Käse für Müller;1,50\n06.03.2026;Crème brûlée;2\n"
    table = read_table(write(tmp_path, "kasse.csv", text.encode("latin-1")))
    assert table.encoding == "cp1252"
    assert table.column(1) == ["Käse für Müller", "Crème brûlée"]


def test_damaged_utf16_is_one_sentence(tmp_path: Path) -> None:
    data = CSV.encode("utf-16") + b"\x00"  # an odd number of bytes: cut in a character
    with pytest.raises(ImportFileError, match=r"^sales.csv is damaged: it is not valid UTF-16"):
        read_table(write(tmp_path, "sales.csv", data))


# -- sizes and shapes ------------------------------------------------------------------------


def test_huge_field_names_the_line(tmp_path: Path) -> None:
    data = b"Date,Note\n2026-01-01,ok\n2026-01-02," + b"x" * 200_000 + b"\n"
    with pytest.raises(ImportFileError, match=r"more than 131,072 characters starting on line 3"):
        read_table(write(tmp_path, "notes.csv", data))


def test_unclosed_quote_is_reported_not_swallowed(tmp_path: Path) -> None:
    data = b'Date,Note\n2026-01-01,"never closed\n' + b"2026-01-02,x\n" * 20_000
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=r"starting on line 2 \(perhaps a quote"):
        read_table(write(tmp_path, "quote.csv", data))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n", "\ufeff".encode("utf-16"), b",,,\n , ,\n"]
)
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ImportFileError, match=r"^The file empty.csv is empty\.$"):
        read_table(write(tmp_path, "empty.csv", data))


def test_too_many_columns(tmp_path: Path) -> None:
    header = ",".join(f"Column {i}" for i in range(1_500)).encode()
    with pytest.raises(ImportFileError, match="more than 1,000 columns"):
        read_table(write(tmp_path, "wide.csv", header + b"\n1,2\n"))


def test_a_line_of_commas_does_not_widen_the_table(tmp_path: Path) -> None:
    data = b"Date,Amount\n" + b"," * 100_000 + b"\n2026-01-01,5\n"
    table = read_table(write(tmp_path, "commas.csv", data))
    assert table.headers == ["Date", "Amount"]
    assert [r.cells for r in table.rows] == [["2026-01-01", "5"]]


def test_row_and_cell_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 100)
    rows = b"".join(b"2026-01-01,%d\n" % n for n in range(150))
    with pytest.raises(ImportFileError, match="more than 100 rows"):
        read_table(write(tmp_path, "long.csv", b"Date,Amount\n" + rows))
    monkeypatch.setattr(tabular, "MAX_ROWS", 1_000_000)
    monkeypatch.setattr(tabular, "MAX_CELLS", 50)
    with pytest.raises(ImportFileError, match="too many cells"):
        read_table(write(tmp_path, "long.csv", b"Date,Amount\n" + rows))


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "export.csv"
    folder.mkdir()
    with pytest.raises(ImportFileError, match="is a folder, not a file"):
        read_table(folder)


# -- files that are not really .xlsx ------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Date,Amount\n1,2\n", "is not a valid Excel file"),  # a CSV renamed to .xlsx
        (_zip({"notes.txt": b"hello"}), "is a zip archive, not an Excel workbook"),
        (_zip({"[Content_Types].xml": b"<Types/>"}), "is not a valid Excel file"),
        (workbook_bytes(SIMPLE)[:-200], "is not a valid Excel file"),  # cut short
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "is password-protected"),
        (
            rewrite(workbook_bytes(SIMPLE), SHEET, lambda b: b[: len(b) // 2]),
            "is not a valid Excel file",
        ),
        (
            rewrite(workbook_bytes(SIMPLE), "xl/workbook.xml", lambda b: b"not xml at all"),
            "is not a valid Excel file",
        ),
    ],
)
def test_not_really_xlsx(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_table(write(tmp_path, "sales.xlsx", data))


def test_an_xlsx_named_csv_is_still_read(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "sales.csv", workbook_bytes(SIMPLE)))
    assert table.encoding == "xlsx"
    assert [r.cells for r in table.rows] == [["2026-03-05", "12.5"], ["2026-03-06", "3"]]


# -- zip bombs --------------------------------------------------------------------------------


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = rewrite(workbook_bytes(SIMPLE), SHEET, lambda b: b + b" " * (40 * 1024 * 1024))
    assert len(bomb) < 200_000  # 40 MB of sheet in a file of a few dozen kilobytes
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="a 'zip bomb'"):
        read_table(write(tmp_path, "bomb.xlsx", bomb))
    assert time.monotonic() - started < 1


def test_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zip_guard, "MAX_TOTAL_UNCOMPRESSED", 1000)
    with pytest.raises(ImportFileError, match="would unpack to more than"):
        read_table(write(tmp_path, "big.xlsx", workbook_bytes(SIMPLE)))


def test_too_many_members(tmp_path: Path) -> None:
    members = {"[Content_Types].xml": b"<Types/>"}
    members.update({f"xl/media/{n}.bin": b"" for n in range(zip_guard.MAX_MEMBERS + 1)})
    with pytest.raises(ImportFileError, match="too many parts"):
        read_table(write(tmp_path, "parts.xlsx", _zip(members)))


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """``data`` with ``member``'s uncompressed size in both zip headers set to ``size``."""
    raw = bytearray(data)
    name = member.encode()
    local = raw.find(b"PK\x03\x04")
    while local >= 0:
        name_len = struct.unpack_from("<H", raw, local + 26)[0]
        if raw[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", raw, local + 22, size)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", raw, central + 24, size)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def test_a_member_lying_about_its_size_inflates_no_further(tmp_path: Path) -> None:
    bomb = rewrite(workbook_bytes(SIMPLE), SHEET, lambda b: b + b" " * (20 * 1024 * 1024))
    liar = _lie_about_size(bomb, SHEET, 4096)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="is not a valid Excel file"):
        read_table(write(tmp_path, "liar.xlsx", liar))
    assert time.monotonic() - started < 1


# -- XML entity tricks ------------------------------------------------------------------------

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)


def _with_doctype(doctype: bytes, *, where: str = SHEET) -> bytes:
    def change(body: bytes) -> bytes:
        if not body.startswith(b"<?xml"):
            return doctype + body
        head, _, rest = body.partition(b"?>")
        return head + b"?>" + doctype + rest

    return rewrite(workbook_bytes(SIMPLE), where, change)


NEVER = "contains instructions that Excel never writes"


@pytest.mark.parametrize(
    ("member", "doctype", "message"),
    [
        (SHEET, LAUGHS, NEVER),
        ("xl/workbook.xml", b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', NEVER),
        ("[Content_Types].xml", b'<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">', NEVER),
        (SHEET, b"<!-- a comment --><?pi x?>\n" + LAUGHS, NEVER),
        # A DTD pushed past the first 64 KB by padding is refused all the same.
        (SHEET, b"<!--" + b"padding " * 10_000 + b"-->" + LAUGHS, "is not a valid Excel file"),
    ],
)
def test_xml_entity_tricks_are_refused(
    tmp_path: Path, member: str, doctype: bytes, message: str
) -> None:
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=message):
        read_table(write(tmp_path, "tricks.xlsx", _with_doctype(doctype, where=member)))
    assert time.monotonic() - started < 1


def test_guard_reads_utf16_xml_parts() -> None:
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []><x/>'.encode("utf-16")
    data = _zip({"[Content_Types].xml": utf16})
    with pytest.raises(UnsafeWorkbookError, match="contains instructions that Excel never writes"):
        check_xlsx(io.BytesIO(data), "odd.xlsx")


def test_guard_passes_a_real_workbook() -> None:
    check_xlsx(io.BytesIO(workbook_bytes(SIMPLE)), "fine.xlsx")


# -- absurd sheet dimensions ------------------------------------------------------------------


def test_declared_dimension_of_the_whole_sheet_is_ignored(tmp_path: Path) -> None:
    def change(body: bytes) -> bytes:
        start = body.index(b"<dimension")
        end = body.index(b"/>", start) + 2
        return body[:start] + b'<dimension ref="A1:XFD1048576"/>' + body[end:]

    data = rewrite(workbook_bytes(SIMPLE), SHEET, change)
    started = time.monotonic()
    table = read_table(write(tmp_path, "dims.xlsx", data))
    assert time.monotonic() - started < 2
    assert table.headers == ["Date", "Amount"]
    assert len(table.rows) == 2


def test_a_row_numbered_beyond_excel_is_refused_fast(tmp_path: Path) -> None:
    data = rewrite(workbook_bytes(SIMPLE), SHEET, lambda b: b.replace(b'r="3"', b'r="900000000"'))
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="is not a valid Excel file"):
        read_table(write(tmp_path, "rows.xlsx", data))
    assert time.monotonic() - started < 3


# -- through the importers: one sentence and the plan unchanged --------------------------------


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b"Name,Colour\nBread,brown\n", ValueError, "No column of sale dates was recognised"),
        (b"Date,Colour\n2026-01-01,brown\n", ValueError, "No column of amounts was recognised"),
        (
            b"Date,Amount\n2026-01-01,12.50\n2026-13-45,3\n2026-01-03,abc\n",
            ImportRefused,
            r"Nothing was imported: 2 lines of sales.csv could not be read \(first: line 3: "
            r"'2026-13-45' is not a date\)",
        ),
        (b"\x00\x01\x02garbage" * 100, ImportFileError, "is not a text or Excel file"),
        (b"Date,Amount\n2026-01-01,1e308\n", ImportRefused, "'1e308' is not an amount"),
        (b"Date,Amount\n2026-01-01,NaN\n", ImportRefused, "'NaN' is not an amount"),
        (b"Date,Amount\n2026-01-01,inf\n", ImportRefused, "'inf' is not an amount"),
    ],
)
def test_actuals_import_refuses_and_leaves_the_plan(
    tmp_path: Path, empty_plan: Plan, data: bytes, error: type[Exception], message: str
) -> None:
    before = dump(empty_plan)
    with pytest.raises(error, match=message):
        import_file(empty_plan, write(tmp_path, "sales.csv", data), today=TODAY)
    assert dump(empty_plan) == before


def test_absurd_amount_is_refused_not_stored(tmp_path: Path, empty_plan: Plan) -> None:
    before = dump(empty_plan)
    data = b"Date,Amount\n2026-01-01," + b"9" * 60 + b"\n"
    with pytest.raises(ImportRefused, match=r"'9{39}…' is too large an amount"):
        import_file(empty_plan, write(tmp_path, "sales.csv", data), today=TODAY)
    assert dump(empty_plan) == before


def test_a_month_summing_past_the_limit_is_refused(
    tmp_path: Path, empty_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real limit (10**15 cents a month) needs huge files; the rule is the same at 20.00.
    monkeypatch.setattr(actuals_import, "_MAX_TOTAL_MINOR", 2_000)
    before = dump(empty_plan)
    data = b"Date,Amount\n2026-03-01,12.50\n2026-03-02,10.00\n2026-04-01,19.99\n"
    with pytest.raises(
        ImportRefused, match="line 3: the sales of March 2026 add up to more than a plan holds"
    ) as refused:
        import_file(empty_plan, write(tmp_path, "sales.csv", data), today=TODAY)
    assert [p.line for p in refused.value.preview.problems] == [3]
    assert refused.value.preview.total == Decimal("32.49")
    assert dump(empty_plan) == before


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (
            b"Colour,Size\nbrown,big\n",
            ValidationError,
            r"^No column of deal names or customers was recognised in deals.csv; choose its "
            r"columns in the Import Deals wizard\.$",
        ),
        (
            b"Deal Name,Amount,Close Date\nCake,12x,2026-01-01\nBread,5,not a date\n",
            BadRowsError,
            "2 rows cannot be imported",
        ),
        (b"", ImportFileError, "is empty"),
    ],
)
def test_deals_import_refuses_and_leaves_the_plan(
    tmp_path: Path, empty_plan: Plan, data: bytes, error: type[Exception], message: str
) -> None:
    before = dump(empty_plan)
    with pytest.raises(error, match=message) as caught:
        import_deals_file(empty_plan, write(tmp_path, "deals.csv", data), today=TODAY)
    text = str(caught.value)
    assert text and "\n" not in text and "Traceback" not in text
    assert dump(empty_plan) == before


def test_hostile_xlsx_through_the_importer_leaves_the_plan(
    tmp_path: Path, empty_plan: Plan
) -> None:
    before = dump(empty_plan)
    with pytest.raises(ImportFileError, match="contains instructions that Excel never writes"):
        import_file(empty_plan, write(tmp_path, "x.xlsx", _with_doctype(LAUGHS)), today=TODAY)
    assert dump(empty_plan) == before
