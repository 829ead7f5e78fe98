"""The feedback loop from sales to marketing, per segment: how the closed deals went.

For each segment: deals won and lost, the win rate (won / (won + lost)), revenue won,
the average won deal and the reasons deals were lost most often. Only closed deals
count; a fiscal year narrows them to deals closed in that year.

The figures are summed by the database (GROUP BY segment and status, and segment and
lost reason), so a plan with 100,000 deals costs two small result sets, not a pass over
every deal in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, select

from planner.db.models import Deal, LostReason, Segment
from planner.db.plan import Plan
from planner.domain.money import from_minor, round_money
from planner.domain.periods import FiscalYear
from planner.queries.hints import STATUS_UNINDEXED
from planner.queries.profile import fiscal_start

TOP_REASONS = 3
NO_SEGMENT = "No segment recorded"


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """A reason deals were lost, and how many deals were lost for it."""

    reason: str
    deals: int


@dataclass(frozen=True, slots=True)
class SegmentFeedback:
    """How one segment's closed deals went. ``id`` is None for the row gathering deals
    that name no segment; ``win_rate`` (percent) and ``average_won`` are None when there
    is nothing to divide by."""

    id: int | None
    segment: str
    won: int
    lost: int
    win_rate: Decimal | None
    revenue_won: Decimal
    average_won: Decimal | None
    top_lost_reasons: tuple[ReasonCount, ...]
    lost_without_reason: int

    @property
    def closed(self) -> int:
        return self.won + self.lost


def _closed_in(year: FiscalYear | None) -> ColumnElement[bool]:
    closed = STATUS_UNINDEXED.in_(("won", "lost"))  # a year of close dates is narrower
    if year is None:
        return closed
    first, last = year.first_month.first_day, year.last_month.last_day
    return and_(closed, Deal.closed_on >= first, Deal.closed_on <= last)


def win_rate(won: int, lost: int) -> Decimal | None:
    """Won deals as a percentage of closed deals (two decimals), None when none closed."""
    if won + lost == 0:
        return None
    return (Decimal(won * 100) / (won + lost)).quantize(Decimal("0.01"))


def segment_feedback(plan: Plan, fiscal_year: FiscalYear | None = None) -> list[SegmentFeedback]:
    """One row per segment in the owner's order (segments with no closed deals too), then a
    row for closed deals that name no segment when there are any.

    Every closed deal counts unless ``fiscal_year`` is given: then only deals closed in it."""
    with plan.session() as session:
        where = _closed_in(fiscal_year)
        conn = session.connection()
        totals: dict[int | None, dict[str, tuple[int, int]]] = {}
        for segment_id, status, deals, amount in conn.execute(
            select(Deal.segment_id, Deal.status, func.count(), func.sum(Deal.amount_minor))
            .where(where)
            .group_by(Deal.segment_id, Deal.status)
        ):
            totals.setdefault(segment_id, {})[status] = (deals, amount or 0)
        reasons: dict[int | None, list[ReasonCount]] = {}
        unexplained: dict[int | None, int] = {}
        for segment_id, reason, deals in conn.execute(
            select(Deal.segment_id, LostReason.name, func.count())
            .outerjoin(LostReason, LostReason.id == Deal.lost_reason_id)
            .where(where, STATUS_UNINDEXED == "lost")
            .group_by(Deal.segment_id, LostReason.id)
        ):
            if reason is None:
                unexplained[segment_id] = unexplained.get(segment_id, 0) + deals
            else:
                reasons.setdefault(segment_id, []).append(ReasonCount(reason, deals))
        names: list[tuple[int | None, str]] = [
            (segment_id, name)
            for segment_id, name in conn.execute(
                select(Segment.id, Segment.name).order_by(Segment.position, Segment.name)
            )
        ]
    if None in totals:
        names.append((None, NO_SEGMENT))
    rows = []
    for segment_id, name in names:
        by_status = totals.get(segment_id, {})
        won, won_minor = by_status.get("won", (0, 0))
        lost, _ = by_status.get("lost", (0, 0))
        revenue = from_minor(won_minor)
        # Most deals first; equal counts in the order of their names, so the list is stable.
        ranked = sorted(reasons.get(segment_id, []), key=lambda r: (-r.deals, r.reason.casefold()))
        rows.append(
            SegmentFeedback(
                id=segment_id,
                segment=name,
                won=won,
                lost=lost,
                win_rate=win_rate(won, lost),
                revenue_won=revenue,
                average_won=round_money(revenue / won) if won else None,
                top_lost_reasons=tuple(ranked[:TOP_REASONS]),
                lost_without_reason=unexplained.get(segment_id, 0),
            )
        )
    return rows


def closed_deal_years(plan: Plan) -> list[FiscalYear]:
    """The fiscal years in which deals were closed, oldest first (for a year filter)."""
    with plan.session() as session:
        first, last = session.execute(
            select(func.min(Deal.closed_on), func.max(Deal.closed_on)).where(_closed_in(None))
        ).one()
        if first is None or last is None:
            return []
        start = fiscal_start(session)
    low, high = FiscalYear.containing(first, start), FiscalYear.containing(last, start)
    return [FiscalYear(year, start) for year in range(low.year, high.year + 1)]
