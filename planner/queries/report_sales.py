"""The sales part of the quarterly report, with no Qt: the deals won and lost in a quarter
(and the most common reasons for losing), and the pipeline as it stood on a given day,
rebuilt from each deal's history. ``planner.queries.report`` puts them in the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from planner.db.models import Deal, DealEvent, Stage
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalQuarter
from planner.queries.hints import CREATED_UNINDEXED, STATUS_UNINDEXED
from planner.queries.pipeline import weighted_minor
from planner.queries.winloss import lost_by_reason

TOP_REASONS = 5
_TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class StageLine:
    """Open deals in one stage on the pipeline date."""

    stage: str
    deals: int
    amount: Decimal
    weighted: Decimal


@dataclass(frozen=True, slots=True)
class ReasonLine:
    reason: str
    deals: int
    share_pct: Decimal  # of all deals lost in the quarter
    amount: Decimal


def pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to a tenth; None when ``whole`` is zero."""
    return (part * 100 / whole).quantize(_TENTH) if whole else None


def pipeline_on(plan: Plan, day: dt.date) -> tuple[tuple[StageLine, ...], StageLine]:
    """Deals open on ``day`` by the stage they were in then. A deal's stage on a day is the
    one its last "created", "stage" or "reopened" event up to that day names; a deal
    without such history counts in the stage it is in now."""
    kinds = ("created", "stage", "reopened")
    place = (
        func.row_number()
        .over(partition_by=DealEvent.deal_id, order_by=(DealEvent.happened_on.desc(),
                                                        DealEvent.id.desc()))
        .label("place")
    )  # fmt: skip
    ranked = (
        select(DealEvent.deal_id, DealEvent.new_value, place)
        .where(DealEvent.kind.in_(kinds), DealEvent.happened_on <= day)
        .subquery()
    )
    stage_then = select(ranked.c.deal_id, ranked.c.new_value).where(ranked.c.place == 1)
    # Nearly every deal was created by then: found by their close dates, not that.
    created = CREATED_UNINDEXED <= day  # noqa: SIM300
    open_then = and_(created, or_(Deal.closed_on.is_(None), Deal.closed_on > day))
    with plan.session() as session:
        stages = list(
            session.execute(
                select(
                    Stage.id, Stage.name, Stage.probability, Stage.is_won | Stage.is_lost
                ).order_by(Stage.position, Stage.id)
            )
        )
        then = {k: v for k, v in session.execute(stage_then)}
        deals = list(
            session.execute(
                select(Deal.id, Deal.stage_id, Deal.amount_minor, Deal.probability).where(open_then)
            )
        )
    by_name = {name: sid for sid, name, _p, closed in stages if not closed}
    probability_of = {sid: p for sid, _n, p, _c in stages}
    closed_ids = {sid for sid, _n, _p, closed in stages if closed}
    tally: dict[int, list[int]] = {}
    for deal_id, stage_id, amount, own in deals:
        stage = by_name.get(then.get(deal_id, ""), stage_id)
        if stage in closed_ids:
            continue  # a deal closed now with no history of its open stages
        counts = tally.setdefault(stage, [0, 0, 0])
        counts[0] += 1
        counts[1] += amount
        counts[2] += weighted_minor(amount, probability_of[stage] if own is None else own)
    lines = tuple(
        StageLine(name, n, from_minor(amount), from_minor(weighted))
        for sid, name, _p, closed in stages
        if not closed
        for n, amount, weighted in [tally.get(sid, [0, 0, 0])]
    )
    total = StageLine(
        "All open deals",
        sum(line.deals for line in lines),
        sum((line.amount for line in lines), Decimal("0.00")),
        sum((line.weighted for line in lines), Decimal("0.00")),
    )
    return lines, total


@dataclass(frozen=True, slots=True)
class Closed:
    won: int
    won_minor: int
    lost: int
    lost_minor: int
    reasons: tuple[ReasonLine, ...]


def closed_in(plan: Plan, quarter: FiscalQuarter) -> Closed:
    """Deals won and lost within the quarter, and why the lost ones were lost."""
    first, last = quarter.first_month.first_day, quarter.last_month.last_day
    in_quarter = and_(Deal.closed_on >= first, Deal.closed_on <= last)
    with plan.session() as session:
        totals = {
            status: (count, minor or 0)
            for status, count, minor in session.execute(
                select(Deal.status, func.count(), func.sum(Deal.amount_minor))
                .where(in_quarter, STATUS_UNINDEXED.in_(("won", "lost")))
                .group_by(Deal.status)
            )
        }
        groups = list(session.execute(lost_by_reason(in_quarter)))
    won, won_minor = totals.get("won", (0, 0))
    lost, lost_minor = totals.get("lost", (0, 0))
    # Most deals first, equal counts by name; deals lost without a reason are not a reason.
    named = sorted(
        ((name, count, minor or 0) for name, count, minor in groups if name is not None),
        key=lambda g: (-g[1], g[0].casefold()),
    )
    reasons = tuple(
        ReasonLine(name, count, pct(Decimal(count), Decimal(lost)) or Decimal(0),
                   from_minor(minor))
        for name, count, minor in named[:TOP_REASONS]
    )  # fmt: skip
    return Closed(won, won_minor, lost, lost_minor, reasons)
