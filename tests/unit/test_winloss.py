"""Win/loss analysis and the pipeline board, on a small pipeline worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from planner.db.models import Channel, Deal, LostReason, SalesRep, Segment, Stage
from planner.db.plan import Plan, create_plan
from planner.domain.periods import FiscalYear
from planner.queries import pipeline_board, pipeline_figures, win_loss
from planner.queries.winloss import NO_CHANNEL, NO_OWNER, NO_REASON, NO_SEGMENT

D = Decimal
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def plan(tmp_path: Path) -> Any:
    plan = create_plan(tmp_path / "wl.smplan", "Test Bakery", currency="EUR", fiscal_start_month=1)
    with plan.uow() as uow:
        s = uow.session
        s.add_all([SalesRep(name="Anna", position=0), SalesRep(name="Ben", position=1)])
        s.add_all([Channel(name="Web", position=0), Channel(name="Fair", position=1)])
        s.add(Segment(name="Shops", position=0))
        s.flush()
        stage = {n: i for i, n in s.execute(select(Stage.id, Stage.name))}
        reason = {n: i for i, n in s.execute(select(LostReason.id, LostReason.name))}
        rep = {n: i for i, n in s.execute(select(SalesRep.id, SalesRep.name))}
        chan = {n: i for i, n in s.execute(select(Channel.id, Channel.name))}
        shops = s.scalar(select(Segment.id))

        def deal(
            customer: str, owner: str | None, channel: str | None, segment: bool, status: str,
            amount: str, created: str, closed: str | None = None, why: str | None = None,
            stage_name: str | None = None, probability: int | None = None,
            expected: str | None = None,
        ) -> None:  # fmt: skip
            stage_name = stage_name or {"won": "Won", "lost": "Lost"}[status]
            s.add(
                Deal(
                    customer=customer, title=f"{customer} order", owner_id=rep.get(owner or ""),
                    channel_id=chan.get(channel or ""), segment_id=shops if segment else None,
                    status=status, amount_minor=int(D(amount) * 100), probability=probability,
                    stage_id=stage[stage_name], created_on=dt.date.fromisoformat(created),
                    closed_on=dt.date.fromisoformat(closed) if closed else None,
                    lost_reason_id=reason[why] if why else None,
                    expected_close=dt.date.fromisoformat(expected) if expected else None,
                )
            )  # fmt: skip

        deal("Acme", "Anna", "Web", True, "won", "1000", "2026-01-01", "2026-01-11")  # 10 days
        deal("Birch", "Anna", "Web", True, "won", "500", "2026-02-01", "2026-03-03")  # 30 days
        deal("Cedar", "Anna", "Fair", False, "lost", "300", "2026-03-01", "2026-04-01",
             "Price too high")  # fmt: skip
        deal("Dune", "Ben", "Fair", True, "lost", "200", "2026-04-01", "2026-05-01", "No budget")
        deal("Elm", "Ben", "Web", False, "won", "250.50", "2026-05-01", "2026-05-06")  # 5 days
        deal("Fern", None, "Fair", False, "lost", "100", "2026-05-01", "2026-06-01",
             "Chose a competitor")  # fmt: skip
        deal("Gale", "Ben", None, False, "lost", "50", "2026-05-01", "2026-06-02")
        deal("Hill", "Anna", "Web", True, "won", "999", "2025-12-01", "2025-12-20")  # last year
        deal("Iris", "Anna", "Web", True, "open", "700", "2026-11-01", stage_name="Proposal",
             expected="2026-11-10")  # fmt: skip
        deal("Jade", "Ben", "Fair", False, "lost", "400", "2026-06-01", "2026-07-01", "No budget")
        deal("Kiln", "Ben", "Web", False, "open", "333.33", "2026-11-20", stage_name="Proposal",
             probability=33, expected="2026-12-31")  # fmt: skip
        for customer in ("Lark", "Moss"):  # 2.50 x 1% = 0.025 each: 0.02 to the cent
            deal(customer, None, None, False, "open", "2.50", "2026-11-20",
                 stage_name="Negotiation", probability=1)  # fmt: skip
        uow.commit()
    yield plan
    plan.close()


def test_totals_of_one_fiscal_year(plan: Plan) -> None:
    result = win_loss(plan, 2026)
    assert result.fiscal_year == FiscalYear(2026, 1)
    t = result.total
    assert (t.won, t.lost) == (3, 5)
    assert t.win_rate == D("37.50")
    assert t.revenue_won == D("1750.50")
    assert t.average_won == D("583.50")
    assert t.average_cycle_days == D("15.0")  # (10 + 30 + 5) / 3


def test_all_time_counts_last_year_too(plan: Plan) -> None:
    t = win_loss(plan, all_time=True).total
    assert (t.won, t.lost) == (4, 5)
    assert t.win_rate == D("44.44")
    assert t.average_won == D("687.38")  # 2749.50 / 4 = 687.375, half to even
    assert t.average_cycle_days == D("16.0")  # (10 + 30 + 5 + 19) / 4


def test_by_owner_channel_and_segment(plan: Plan) -> None:
    result = win_loss(plan, 2026)
    owners = {r.name: r for r in result.by_owner}
    assert [r.name for r in result.by_owner] == ["Anna", "Ben", NO_OWNER]
    anna, ben, nobody = owners["Anna"], owners["Ben"], owners[NO_OWNER]
    assert (anna.won, anna.lost, anna.win_rate) == (2, 1, D("66.67"))
    assert (anna.average_won, anna.average_cycle_days) == (D("750.00"), D("20.0"))
    assert (ben.won, ben.lost, ben.win_rate, ben.average_won) == (1, 3, D("25.00"), D("250.50"))
    assert (nobody.won, nobody.lost, nobody.win_rate) == (0, 1, D("0.00"))
    assert nobody.average_won is None and nobody.average_cycle_days is None

    channels = {r.name: (r.won, r.lost, r.win_rate) for r in result.by_channel}
    assert channels == {
        "Web": (3, 0, D("100.00")),
        "Fair": (0, 4, D("0.00")),
        NO_CHANNEL: (0, 1, D("0.00")),
    }
    segments = {r.name: (r.won, r.lost, r.win_rate) for r in result.by_segment}
    assert segments == {"Shops": (2, 1, D("66.67")), NO_SEGMENT: (1, 4, D("20.00"))}


def test_lost_reasons_ranked_with_ties_by_name(plan: Plan) -> None:
    reasons = [
        (r.reason, r.deals, r.share, r.amount_lost) for r in win_loss(plan, 2026).lost_reasons
    ]
    assert reasons == [
        ("No budget", 2, D("40.00"), D("600.00")),
        ("Chose a competitor", 1, D("20.00"), D("100.00")),
        ("Price too high", 1, D("20.00"), D("300.00")),
        (NO_REASON, 1, D("20.00"), D("50.00")),
    ]


def test_a_year_with_nothing_closed(plan: Plan) -> None:
    result = win_loss(plan, 2030)
    assert result.total.win_rate is None and result.total.average_won is None
    assert result.lost_reasons == ()
    assert [r.won + r.lost for r in result.by_owner] == [0, 0]  # reps listed, no "nobody" row


def test_board_columns(plan: Plan) -> None:
    board = pipeline_board(plan, 2026, today=TODAY)
    names = [c.stage.name for c in board.columns]
    assert names == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    figures = {c.stage.name: (c.count, c.total, c.weighted) for c in board.columns}
    # 700 x 50% + 333.33 x 33% = 350 + 109.9989 = 459.9989
    assert figures["Proposal"] == (2, D("1033.33"), D("460.00"))
    assert figures["Lead"] == (0, D("0.00"), D("0.00"))
    # Rounded per deal (half to even) as the table rounds, not 5.00 x 1% = 0.05 in one go.
    assert figures["Negotiation"] == (2, D("5.00"), D("0.04"))
    assert D("460.04") == pipeline_figures(plan, 2026, today=TODAY).weighted_open
    assert figures["Won"] == (3, D("1750.50"), None)
    assert figures["Lost"] == (5, D("1050.00"), None)
    proposal = board.columns[2]
    assert [c.customer for c in proposal.cards] == ["Kiln", "Iris"]  # newest first
    assert proposal.cards[1].stale_reasons == ("Past its close date",)
    assert not proposal.cards[0].stale
    assert [name for _i, name in board.owners] == ["Anna", "Ben"]
    assert len(board.lost_reasons) == 6


def test_board_filters_limit_and_all_time(plan: Plan) -> None:
    ben = next(i for i, name in pipeline_board(plan, today=TODAY).owners if name == "Ben")
    board = pipeline_board(plan, 2026, owner_id=ben, today=TODAY)
    assert [c.count for c in board.columns] == [0, 0, 1, 0, 1, 3]
    found = pipeline_board(plan, 2026, search="ACM ord", today=TODAY)
    assert [c.count for c in found.columns] == [0, 0, 0, 0, 1, 0]
    assert pipeline_board(plan, 2026, search="50%", today=TODAY).columns[4].count == 0
    limited = pipeline_board(plan, 2026, limit=2, today=TODAY)
    lost = limited.columns[-1]
    assert [c.customer for c in lost.cards] == ["Jade", "Gale"]  # latest closed first
    assert (lost.count, lost.hidden) == (5, 3)
    everything = pipeline_board(plan, all_time=True, today=TODAY)
    assert everything.period is None
    assert (everything.columns[4].count, everything.columns[4].total) == (4, D("2749.50"))
