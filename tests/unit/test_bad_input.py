"""Bad input in the rules every form and grid goes through: absurd amounts (1e308, NaN,
infinity, beyond a trillion), decimal commas and points by locale, probabilities outside
0-100, close dates before creation, empty names, very long text, junk characters from a
paste, and text of every script. Each is refused with one plain sentence and nothing is
stored, or accepted and stored exactly as meant."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from planner.db.models import Channel, ChannelMonth, Deal, Offering, Segment
from planner.db.plan import Plan
from planner.domain.money import MAX_AMOUNT, MoneyError, parse_money, to_minor
from planner.services.commands import Command, execute
from planner.services.deals import DealFields, add_deal, change_close_date, update_deal
from planner.services.edit import change_field, clean_text, validate_field
from planner.services.errors import ValidationError
from planner.services.offerings import add_offering
from planner.services.profile import ProfileState, RepState, read_profile, update_profile
from planner.services.segments import add_segment
from planner.services.stages import add_stage

TODAY = dt.date(2026, 11, 23)
D = Decimal


def _dump(path: Path) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _build(plan: Plan, make: Callable[[Any], Command]) -> Command:
    with plan.uow() as uow:
        return make(uow)


def _refused(plan: Plan, make: Callable[[Any], Command], words: str) -> None:
    """Building (or running) the command is refused with ``words``; nothing is stored."""
    before = _dump(plan.path)
    with pytest.raises(ValidationError) as refused:
        execute(plan, _build(plan, make))
    assert words in str(refused.value)
    assert "[<class" not in str(refused.value) and "decimal." not in str(refused.value)
    assert _dump(plan.path) == before


def _offering_id(plan: Plan, name: str = "Bread") -> int:
    command = _build(plan, lambda uow: add_offering(uow, name))
    execute(plan, command)
    return int(command.new_id)  # type: ignore[attr-defined]


# -- money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mark", "value"),
    [
        ("1,234", ",", "1.234"),  # the locale decides the one ambiguous case
        ("1,234", ".", "1234"),
        ("1.234", ",", "1234"),
        ("1.234", ".", "1.234"),
        ("1.234", None, "1.234"),
        ("1,234", None, "1234"),
        ("12,5", ".", "12.5"),  # unambiguous: a comma before one digit is decimal anywhere
        ("1.234,56", ".", "1234.56"),
        ("1,234.56", ",", "1234.56"),
        ("1 234 567,89", ",", "1234567.89"),
        ("12,34,567", None, "1234567"),
        ("−75", None, "-75"),  # a typographic minus, as pasted from a document
        (".5", None, "0.5"),
        ("1,000,000,000,000.00", None, "1000000000000"),
    ],
)
def test_decimal_marks_follow_the_locale(text: str, mark: str | None, value: str) -> None:
    assert parse_money(text, mark) == D(value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1e308", "is not an amount of money"),
        ("1E5", "is not an amount of money"),
        ("NaN", "is not an amount of money"),
        ("nan", "is not an amount of money"),
        ("inf", "is not an amount of money"),
        ("-Infinity", "is not an amount of money"),
        ("12..3", "is not an amount of money"),
        ("1,2,3", "is not an amount of money"),
        ("0x10", "is not an amount of money"),
        ("١٢٣", "is not an amount of money"),  # Arabic-Indic digits: refused, not misread
        ("12 apples", "is not an amount of money"),
        ("1000000000000.01", "too large"),
        ("9" * 400, "too large"),
        ("", "Enter an amount"),
    ],
)
def test_junk_amounts_are_refused(text: str, words: str) -> None:
    with pytest.raises(MoneyError, match=words):
        parse_money(text)


def test_to_minor_refuses_what_cannot_be_stored() -> None:
    for value in (D("1e308"), D("-1e308"), "1e400", D("Infinity"), D("NaN")):
        with pytest.raises(MoneyError):
            to_minor(value)
    assert to_minor(MAX_AMOUNT) == 100_000_000_000_000
    assert to_minor(D("0.005")) == 1


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (D("1e308"), "too large"),
        (1e308, "too large"),
        (float("nan"), "is not an amount of money"),
        (float("inf"), "is not an amount of money"),
        ("abc", "is not an amount of money"),
        (D("-5"), "cannot be negative"),
        (D("1000000000000.01"), "too large"),
    ],
)
def test_money_fields_refuse_absurd_amounts(empty_plan: Plan, value: Any, words: str) -> None:
    offering = _offering_id(empty_plan)
    _refused(
        empty_plan,
        lambda uow: change_field(uow, Offering, offering, "list_price_minor", value),
        words,
    )


def test_negative_actual_revenue_is_allowed_but_not_absurd() -> None:
    from planner.db.models import ActualSale

    assert validate_field(ActualSale, "revenue_minor", D("-120.50")) == -12050
    with pytest.raises(ValidationError, match="too large"):
        validate_field(ActualSale, "revenue_minor", D("-1e15"))


# -- numbers, percentages, probabilities, dates ---------------------------------------------


@pytest.mark.parametrize("value", ["150", "101", "-1", "50.5", "NaN", "abc", "1e400"])
def test_probability_outside_0_to_100_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match=r"A probability is between 0 and 100 %\."):
        validate_field(Deal, "probability", value)


def test_probability_edges_and_blank() -> None:
    assert validate_field(Deal, "probability", "0") == 0
    assert validate_field(Deal, "probability", "100") == 100
    assert validate_field(Deal, "probability", "") is None


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "abc"])
def test_percentages_refuse_non_numbers(value: str) -> None:
    with pytest.raises(ValidationError, match="is not a percentage"):
        validate_field(Segment, "serviceable_bp", value)


def test_counts_refuse_fractions_negatives_and_huge() -> None:
    for value, words in (("2.5", "whole number"), ("-3", "negative"), ("1e20", "too large")):
        with pytest.raises(ValidationError, match=words):
            validate_field(ChannelMonth, "planned_leads", value)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-02-30", "is not a date"),
        ("31/12/2026", "write it as YYYY-MM-DD"),
        ("0001-01-01", "between 1900 and 2199"),
        ("9999-12-31", "between 1900 and 2199"),
    ],
)
def test_dates_out_of_range_or_unreadable(value: str, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        validate_field(Deal, "expected_close", value)


# -- close date before creation -------------------------------------------------------------


def _deal(plan: Plan) -> int:
    fields = DealFields("Corner Cafe", amount=D("100"), expected_close=dt.date(2027, 1, 31))
    command = _build(plan, lambda uow: add_deal(uow, fields, today=TODAY))
    execute(plan, command)
    return int(command.deal_id)  # type: ignore[attr-defined]


def test_close_date_before_creation_is_refused_everywhere(empty_plan: Plan) -> None:
    plan = empty_plan
    deal = _deal(plan)
    early = dt.date(2026, 11, 22)
    words = "cannot be before the deal was created (2026-11-23)"
    _refused(plan, lambda uow: change_field(uow, Deal, deal, "expected_close", early), words)
    _refused(plan, lambda uow: change_close_date(uow, deal, early, today=TODAY), words)
    fields = DealFields("Corner Cafe", amount=D("100"), expected_close=early)
    _refused(plan, lambda uow: update_deal(uow, deal, fields, today=TODAY), words)
    _refused(plan, lambda uow: add_deal(uow, fields, today=TODAY), words)
    # The day itself is fine.
    execute(plan, _build(plan, lambda uow: change_close_date(uow, deal, TODAY, today=TODAY)))
    with plan.session() as session:
        stored = session.get(Deal, deal)
        assert stored is not None and stored.expected_close == TODAY


# -- names and text -------------------------------------------------------------------------


def test_empty_names_are_refused(empty_plan: Plan) -> None:
    plan = empty_plan
    offering = _offering_id(plan)
    for blank in ("", "   ", "\t\n", "\x00\x01"):
        fields = DealFields(blank, amount=D("1"))
        cases: list[tuple[Callable[[Any], Command], str]] = [
            (
                partial(change_field, model=Offering, key=offering, name="name", value=blank),
                "empty",
            ),
            (partial(add_offering, name=blank), "needs a name"),
            (partial(add_stage, name=blank, probability=50), "Give the stage a name"),
            (partial(add_deal, fields=fields, today=TODAY), "customer's name"),
        ]
        for make, words in cases:
            _refused(plan, make, words)
    with plan.uow() as uow:
        state = read_profile(uow)
    for profile, words in (
        (ProfileState("  ", "EUR", 1, ()), "Enter the business name"),
        (ProfileState("x" * 201, "EUR", 1, ()), "under 200"),
        (ProfileState("Shop", "EUR", 1, (RepState(None, " \x00"),)), "needs a name"),
        (ProfileState("Shop", "EUR", 1, (RepState(None, "r" * 201),)), "under 200"),
    ):
        _refused(plan, partial(update_profile, new=profile), words)
    assert state.name == "Test Bakery"


def test_very_long_text_is_refused_and_the_limit_accepted(empty_plan: Plan) -> None:
    plan = empty_plan
    offering = _offering_id(plan)
    _refused(plan, lambda uow: change_field(uow, Offering, offering, "name", "a" * 201), "200")
    _refused(
        plan,
        lambda uow: change_field(uow, Offering, offering, "description", "b" * 20001),
        "20000",
    )
    execute(
        plan, _build(plan, lambda uow: change_field(uow, Offering, offering, "name", "a" * 200))
    )
    text = "line one\nline two\t(tabbed)\n" * 800  # 21,600 characters: over the limit
    _refused(plan, lambda uow: change_field(uow, Offering, offering, "description", text), "20000")


NAMES = [
    "مخبز الأمل",  # Arabic, right to left
    "מאפיית השחר",  # Hebrew, right to left
    "Пекарня «Утро»",
    "パン屋さん",
    "面包店",
    "Ψωμί & Co",
    "Café Zoë — crème brûlée",
    "🎂 Birthday cakes 🧁",
    "Bakery \u200fمخبز\u200f mixed",  # with right-to-left marks
]


@pytest.mark.parametrize("name", NAMES)
def test_text_of_every_script_is_stored_exactly(empty_plan: Plan, name: str) -> None:
    plan = empty_plan
    offering = _offering_id(plan, "Bread")
    execute(plan, _build(plan, lambda uow: change_field(uow, Offering, offering, "name", name)))
    segment = _build(
        plan,
        lambda uow: add_segment(uow, name),
    )
    execute(plan, segment)
    conn = sqlite3.connect(plan.path)
    try:
        assert conn.execute("SELECT name FROM offering").fetchone() == (name,)
        assert conn.execute("SELECT name FROM segment").fetchone() == (name,)
    finally:
        conn.close()


def test_pasted_junk_characters_are_dropped(empty_plan: Plan) -> None:
    plan = empty_plan
    offering = _offering_id(plan)
    messy = "\ufeffSour\x00dough\r\n bread\x1b\ud800"
    execute(plan, _build(plan, lambda uow: change_field(uow, Offering, offering, "name", messy)))
    execute(
        plan,
        _build(
            plan,
            lambda uow: change_field(uow, Offering, offering, "description", "One\r\nTwo\x07\tend"),
        ),
    )
    with plan.session() as session:
        stored = session.get(Offering, offering)
        assert stored is not None
        assert stored.name == "Sourdough bread"
        assert stored.description == "One\nTwo\tend"
    assert clean_text("a\u2028b") == "a b"
    assert clean_text("keep\u200fmarks\u200e") == "keep\u200fmarks\u200e"


def test_channel_names_from_a_paste_keep_one_line(empty_plan: Plan) -> None:
    from planner.services.channels import add_channel

    command = _build(empty_plan, lambda uow: add_channel(uow, "Search\tads\nGoogle"))
    execute(empty_plan, command)
    with empty_plan.session() as session:
        assert [c.name for c in session.query(Channel)] == ["Search ads Google"]
