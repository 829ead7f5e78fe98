"""The pipeline table's SQL reads against ``deals`` (the rows the table shows): every sort,
every filter and the totals give exactly what sorting, filtering and summing the rows in
Python gives, on the sample plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from planner.db.models import Deal
from planner.db.plan import Plan
from planner.domain.pipeline import DealStatus
from planner.queries.pipeline import DealRow, deals
from planner.queries.pipeline_paging import (
    SORTS,
    DealFilter,
    deal_ids,
    deal_totals,
    filter_names,
    latest_deal_id,
)
from planner.services.commands import execute
from planner.services.edit import change_field

TODAY = dt.date(2026, 11, 23)  # tests/conftest.py builds the sample plan for this day

# What each sort means, as the table's columns sort their rows in Python.
PYTHON_KEYS: dict[str, Callable[[DealRow], Any]] = {
    "customer": lambda d: d.customer, "title": lambda d: d.title, "amount": lambda d: d.amount,
    "stage": lambda d: d.stage_position, "probability": lambda d: d.probability,
    "weighted": lambda d: d.weighted, "expected_close": lambda d: d.expected_close,
    "status": lambda d: d.status, "attention": lambda d: (not d.stale, d.stale_reasons),
    "days_in_stage": lambda d: d.days_in_stage, "age": lambda d: d.age_days,
    "slips": lambda d: d.slips, "offering": lambda d: d.offering, "segment": lambda d: d.segment,
    "channel": lambda d: d.channel, "owner": lambda d: d.owner, "created": lambda d: d.created_on,
    "closed": lambda d: d.closed_on, "lost_reason": lambda d: d.lost_reason,
}  # fmt: skip


def python_order(rows: list[DealRow], sort: str, descending: bool) -> list[int]:
    """The table's own rule: empty values last, text by casefold, ties by id (stable)."""

    def key(row: DealRow) -> tuple[int, Any]:
        value = PYTHON_KEYS[sort](row)
        if value is None:
            return (1, 0)
        return (0, value.casefold() if isinstance(value, str) else value)

    return [d.id for d in sorted(rows, key=key, reverse=descending)]


def rename(plan: Plan, deal_id: int, customer: str) -> None:
    with plan.uow() as uow:
        command = change_field(uow, Deal, deal_id, "customer", customer)
    execute(plan, command)


@pytest.fixture
def plan(sample_plan: Plan) -> Plan:
    return sample_plan


def test_sorts_cover_every_key() -> None:
    assert set(SORTS) == set(PYTHON_KEYS) and len(SORTS) == len(PYTHON_KEYS)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_matches_the_python_order(plan: Plan, sort: str, descending: bool) -> None:
    rows = deals(plan, today=TODAY)
    expected = python_order(rows, sort, descending)
    assert deal_ids(plan, sort=sort, descending=descending, today=TODAY) == expected
    if sort in ("attention", "slips", "days_in_stage", "weighted"):
        # The sample has values to order by: the test cannot pass on ties alone.
        assert len({PYTHON_KEYS[sort](d) for d in rows}) > 2


def test_unsorted_is_by_id_and_unknown_sorts_are_refused(plan: Plan) -> None:
    rows = deals(plan, today=TODAY)
    assert deal_ids(plan, today=TODAY) == [d.id for d in rows] == sorted(d.id for d in rows)
    with pytest.raises(ValueError, match="unknown sort"):
        deal_ids(plan, sort="colour", today=TODAY)


def test_filters_match_the_python_filters(plan: Plan) -> None:
    rows = deals(plan, today=TODAY)
    first = rows[0]
    cases: list[tuple[DealFilter, Callable[[DealRow], bool]]] = [
        (DealFilter(status=DealStatus.OPEN), lambda d: d.status is DealStatus.OPEN),
        (DealFilter(status=DealStatus.LOST, stage="Lost"), lambda d: d.status is DealStatus.LOST),
        (DealFilter(stage="Proposal"), lambda d: d.stage == "Proposal"),
        (DealFilter(owner=first.owner), lambda d: d.owner == first.owner),
        (
            DealFilter(offering=first.offering, segment=first.segment, channel=first.channel),
            lambda d: (
                (d.offering, d.segment, d.channel) == (first.offering, first.segment, first.channel)
            ),
        ),
        (
            DealFilter(close_from=dt.date(2026, 12, 1), close_to=dt.date(2026, 12, 31)),
            lambda d: (
                d.expected_close is not None
                and dt.date(2026, 12, 1) <= d.expected_close <= dt.date(2026, 12, 31)
            ),
        ),
        (
            DealFilter(close_to=dt.date(2026, 6, 30)),
            lambda d: d.expected_close is not None and d.expected_close <= dt.date(2026, 6, 30),
        ),
        (DealFilter(stage="Nowhere"), lambda d: False),
    ]
    for where, keep in cases:
        expected = [d.id for d in rows if keep(d)]
        assert deal_ids(plan, where, today=TODAY) == expected, where
        if where.stage != "Nowhere":
            assert 0 < len(expected) < len(rows), where


def test_search_ignores_case_beyond_ascii(plan: Plan) -> None:
    rows = deals(plan, today=TODAY)
    rename(plan, rows[3].id, "Bäckerei Straße")
    rename(plan, rows[4].id, "100% Organic_Farm")
    for words, expected in (
        (("STRASSE",), [rows[3].id]),
        (("bäckerei", "straße"), [rows[3].id]),
        (("BÄCKEREI",), [rows[3].id]),
        (("bäckerei", "bread"), []),
        (("100%",), [rows[4].id]),
        (("organic_farm",), [rows[4].id]),
        (("c_ffee",), []),  # "_" is a plain character here, not a wildcard
    ):
        assert deal_ids(plan, DealFilter(words=words), today=TODAY) == expected, words
    # A word found in the title counts too, and every word must be found.
    title_word = rows[10].title.split()[0]
    both = DealFilter(words=(title_word.upper(), rows[10].customer.split()[0]))
    matches = deal_ids(plan, both, today=TODAY)
    assert rows[10].id in matches
    again = deals(plan, today=TODAY)
    expected_ids = [
        d.id for d in again if all(w.casefold() in f"{d.customer}\n{d.title}".casefold()
                                   for w in both.words)
    ]  # fmt: skip
    assert matches == expected_ids


def test_totals_match_the_rows(plan: Plan) -> None:
    rows = deals(plan, today=TODAY)
    for where, keep in (
        (DealFilter(), lambda d: True),
        (DealFilter(status=DealStatus.OPEN), lambda d: d.status is DealStatus.OPEN),
        (DealFilter(stage="Qualified"), lambda d: d.stage == "Qualified"),
    ):
        kept = [d for d in rows if keep(d)]
        totals = deal_totals(plan, where, today=TODAY)
        assert totals.count == len(kept) and totals.every == len(rows)
        assert totals.amount == sum((d.amount for d in kept), Decimal(0))
        assert totals.weighted == sum((d.weighted for d in kept), Decimal(0))
        assert totals.needing_attention == sum(d.stale for d in kept)
    assert deal_totals(plan, DealFilter(status=DealStatus.OPEN), today=TODAY).needing_attention
    nothing = deal_totals(plan, DealFilter(stage="Nowhere"), today=TODAY)
    assert (nothing.count, nothing.amount, nothing.weighted, nothing.every) == (
        0, Decimal(0), Decimal(0), len(rows),
    )  # fmt: skip


def test_staleness_follows_today(plan: Plan) -> None:
    """A year later every open deal is past its close date or quiet: all need attention."""
    later = TODAY + dt.timedelta(days=365)
    rows = deals(plan, today=later)
    totals = deal_totals(plan, DealFilter(status=DealStatus.OPEN), today=later)
    assert totals.needing_attention == totals.count == sum(d.stale for d in rows)
    assert deal_ids(plan, sort="attention", today=later) == python_order(rows, "attention", False)


def test_rows_by_id_keep_the_order_asked_for(plan: Plan) -> None:
    every = {d.id: d for d in deals(plan, today=TODAY)}
    wanted = [42, 7, 150, 1, 99]
    assert deals(plan, today=TODAY, ids=wanted) == [every[i] for i in wanted]
    assert deals(plan, today=TODAY, ids=[3, 100_000, 4]) == [every[3], every[4]]
    assert deals(plan, today=TODAY, ids=[]) == []
    # More ids than one IN (...) list holds are read in chunks.
    many = list(reversed(every)) * 5
    assert [d.id for d in deals(plan, today=TODAY, ids=many)] == many


def test_filter_names_and_newest_deal(plan: Plan, empty_plan: Plan) -> None:
    rows = deals(plan, today=TODAY)
    names = filter_names(plan)
    assert names.offerings == tuple(sorted({d.offering for d in rows if d.offering}))
    assert names.segments == tuple(sorted({d.segment for d in rows if d.segment}))
    assert names.channels == tuple(sorted({d.channel for d in rows if d.channel}))
    assert set(names.owners) >= {d.owner for d in rows if d.owner}
    assert latest_deal_id(plan) == max(d.id for d in rows)
    assert latest_deal_id(empty_plan) is None
    assert filter_names(empty_plan).offerings == ()


def test_history_lookups_use_the_kind_index(plan: Plan) -> None:
    """The slips and stage-move lookups seek ix_deal_event_kind instead of scanning."""
    with plan.engine.connect() as conn:
        steps = conn.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM deal_event "
                "WHERE deal_id = 5 AND kind = 'close_date'"
            )
        ).fetchall()
    assert any("ix_deal_event_kind" in str(step) for step in steps)


def test_board_cards_continue_each_board_column(plan: Plan) -> None:
    """A column's next cards are exactly what a longer board column would hold."""
    from planner.queries import pipeline_board
    from planner.queries.pipeline_paging import board_cards

    def more(column: Any, board: Any, offset: int, **narrow: Any) -> list[Any]:
        stage = column.stage
        status = DealStatus.WON if stage.is_won else DealStatus.LOST if stage.is_lost else None
        return board_cards(
            plan, stage_id=stage.id, status=status or DealStatus.OPEN, period=board.period,
            offset=offset, limit=4, today=TODAY, **narrow,
        )  # fmt: skip

    for narrow in ({}, {"owner_id": 1}, {"search": "E"}):
        short = pipeline_board(plan, limit=4, today=TODAY, **narrow)
        long = pipeline_board(plan, limit=8, today=TODAY, **narrow)
        checked = 0
        for first, whole in zip(short.columns, long.columns, strict=True):
            assert more(first, short, 0, **narrow) == list(first.cards)
            assert more(first, short, 4, **narrow) == list(whole.cards[4:8])
            checked += len(whole.cards) > 4
        assert checked >= 2, narrow  # columns long enough to need a second page


def test_weighted_rounds_half_to_even_as_the_rows_do(plan: Plan) -> None:
    """Cents times odd probabilities give exact halves of a cent: SQL must round them as
    ``weighted_minor`` does, deal by deal, in the totals and in the weighted sort."""
    open_ids = deal_ids(plan, DealFilter(status=DealStatus.OPEN), today=TODAY)
    cases = [("0.50", 1), ("1.50", 1), ("2.50", 1), ("0.25", 2), ("12.34", 25), ("7.77", 50)]
    for deal_id, (amount, probability) in zip(open_ids, cases, strict=False):
        for field, value in (("amount_minor", Decimal(amount)), ("probability", probability)):
            with plan.uow() as uow:
                command = change_field(uow, Deal, deal_id, field, value)
            execute(plan, command)
    rows = deals(plan, today=TODAY)
    changed = {d.id: d.weighted for d in rows if d.id in open_ids[: len(cases)]}
    assert sorted(changed.values()) == sorted(
        Decimal(v) for v in ("0.00", "0.02", "0.02", "0.00", "3.08", "3.88")
    )
    totals = deal_totals(plan, today=TODAY)
    assert totals.weighted == sum((d.weighted for d in rows), Decimal(0))
    for descending in (False, True):
        assert deal_ids(plan, sort="weighted", descending=descending, today=TODAY) == (
            python_order(rows, "weighted", descending)
        )


def test_text_sorts_ignore_case_beyond_ascii(plan: Plan) -> None:
    rows = deals(plan, today=TODAY)
    for deal, name in zip(rows, ("Émile Bakery", "émilie Café", "ÄRZTEHAUS", "ärztin Ost",
                                 "Zoe", "zoé", "ß-Haus", "SS Catering"), strict=False):  # fmt: skip
        rename(plan, deal.id, name)
    rows = deals(plan, today=TODAY)
    for descending in (False, True):
        assert deal_ids(plan, sort="customer", descending=descending, today=TODAY) == (
            python_order(rows, "customer", descending)
        )
