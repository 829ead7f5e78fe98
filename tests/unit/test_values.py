"""Reading amounts and dates the way exports write them; keys for lines and headers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from planner.io.values import (
    detect_date_order,
    detect_decimal_mark,
    guess_date_order,
    header_signature,
    line_key,
    parse_amount,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1234.5", ".", "1234.5"),
        ("1,234.50", ".", "1234.50"),
        ("1.234,50", ",", "1234.50"),
        ("€ 12,50", ",", "12.50"),
        ("12,50 €", ",", "12.50"),
        ("$1,000,000", ".", "1000000"),
        ("-20", ".", "-20"),
        ("(12.50)", ".", "-12.50"),
        ("12.50-", ".", "-12.50"),
        ("1'234.50 CHF", ".", "1234.50"),
        ("1\u00a0234,50", ",", "1234.50"),
        ("EUR 7", ".", "7"),
        (",5", ",", "0.5"),
    ],
)
def test_parse_amount_reads_export_formats(text: str, mark: str, expected: str) -> None:
    assert parse_amount(text, mark) == Decimal(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "mark"), [("abc", "."), ("12,50", "."), ("1.2.3", ","), ("", ".")]
)
def test_parse_amount_refuses_what_it_cannot_read(text: str, mark: str) -> None:
    with pytest.raises(ValueError, match=r"not an amount|blank"):
        parse_amount(text, mark)  # type: ignore[arg-type]


def test_parse_amount_message_quotes_the_value() -> None:
    with pytest.raises(ValueError, match="'abc' is not an amount"):
        parse_amount("abc")


def test_detect_decimal_mark() -> None:
    assert detect_decimal_mark(["1.234,50", "12,5", "7"]) == ","
    assert detect_decimal_mark(["1,234.50", "12.5"]) == "."
    assert detect_decimal_mark(["€ 12,50", "3"]) == ","
    assert detect_decimal_mark(["1.234.567"]) == ","
    assert detect_decimal_mark(["1,234"]) == "."  # undecided: the default
    assert detect_decimal_mark([]) == "."


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-05", "DMY", dt.date(2026, 3, 5)),
        ("2026-03-05T10:30:00", "MDY", dt.date(2026, 3, 5)),
        ("2026-03-05 10:30", "DMY", dt.date(2026, 3, 5)),
        ("05.03.2026", "DMY", dt.date(2026, 3, 5)),
        ("03/05/2026", "MDY", dt.date(2026, 3, 5)),
        ("3/5/26", "MDY", dt.date(2026, 3, 5)),
        ("5 Mar 2026", "MDY", dt.date(2026, 3, 5)),
        ("March 5, 2026", "DMY", dt.date(2026, 3, 5)),
        ("5. März 2026", "DMY", dt.date(2026, 3, 5)),
        ("20260305", "DMY", dt.date(2026, 3, 5)),
    ],
)
def test_parse_date(text: str, order: str, expected: dt.date) -> None:
    assert parse_date(text, order) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["abc", "31/02/2026", "13/13/2026", ""])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a date|blank"):
        parse_date(text, "DMY")


def test_detect_date_order() -> None:
    assert detect_date_order(["05/03/2026", "25/03/2026"]) == "DMY"
    assert detect_date_order(["03/05/2026", "03/25/2026"], default="DMY") == "MDY"
    assert detect_date_order(["2026-03-05"]) == "YMD"
    assert guess_date_order(["01/02/2026", "03/04/2026"], default="MDY") == ("MDY", False)
    assert guess_date_order(["13/02/2026"]) == ("DMY", True)
    assert guess_date_order(["05.03.2026", "06.03.2026"], default="MDY") == ("DMY", True)


def test_line_key_ignores_spacing_and_case_but_not_content() -> None:
    assert line_key("actuals", ["A ", "b"]) == line_key("actuals", ["a", "B"])
    assert line_key("actuals", ["a", "b"]) != line_key("deals", ["a", "b"])
    assert line_key("actuals", ["a", "b"]) != line_key("actuals", ["a", "c"])
    assert len(line_key("actuals", ["x"])) == 64


def test_header_signature() -> None:
    assert header_signature(["Date", "Amount"]) == header_signature([" date", "AMOUNT"])
    assert header_signature(["Date", "Amount"]) != header_signature(["Amount", "Date"])
