"""Read-only views of the pipeline: every deal with its names and weighted value, and the
headline pipeline figures.

``deals`` reads the whole pipeline with one SELECT (joins for the names) and builds the
rows in one pass, so it stays quick for 100,000 deals; views hold the list it returns and
never go back to the database per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from planner.db.models import Channel, Deal, LostReason, Offering, SalesRep, Segment, Stage
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalYear
from planner.domain.pipeline import DealStatus, effective_probability
from planner.queries.profile import resolve_fiscal_year


@dataclass(frozen=True, slots=True)
class DealRow:
    """A deal with the names of what it links to ("" when not set)."""

    id: int
    customer: str
    title: str
    offering: str
    segment: str
    channel: str
    owner: str
    stage: str
    stage_position: int
    status: DealStatus
    amount: Decimal
    own_probability: int | None
    probability: int  # effective: own, else the stage's; 100 when won, 0 when lost
    weighted: Decimal  # amount x probability
    created_on: dt.date
    expected_close: dt.date | None
    closed_on: dt.date | None
    lost_reason: str


def deals(plan: Plan) -> list[DealRow]:
    """Every deal, oldest first (by id)."""
    stmt = (
        select(
            Deal.id, Deal.customer, Deal.title, Offering.name, Segment.name, Channel.name,
            SalesRep.name, Stage.name, Stage.position, Stage.probability, Deal.status,
            Deal.amount_minor, Deal.probability, Deal.created_on, Deal.expected_close,
            Deal.closed_on, LostReason.name,
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(Offering, Offering.id == Deal.offering_id)
        .outerjoin(Segment, Segment.id == Deal.segment_id)
        .outerjoin(Channel, Channel.id == Deal.channel_id)
        .outerjoin(SalesRep, SalesRep.id == Deal.owner_id)
        .outerjoin(LostReason, LostReason.id == Deal.lost_reason_id)
        .order_by(Deal.id)
    )  # fmt: skip
    statuses = {s.value: s for s in DealStatus}
    rows = []
    with plan.session() as session:
        # A Core execute on the session's connection skips the ORM's row handling.
        for (
            deal_id, customer, title, offering, segment, channel, owner, stage, position,
            stage_probability, status_text, amount_minor, own, created, expected, closed, reason,
        ) in session.connection().execute(stmt):  # fmt: skip
            status = statuses[status_text]
            probability = effective_probability(own, stage_probability, status)
            rows.append(
                DealRow(
                    deal_id, customer, title, offering or "", segment or "", channel or "",
                    owner or "", stage, position, status, Decimal(amount_minor).scaleb(-2), own,
                    probability, Decimal(weighted_minor(amount_minor, probability)).scaleb(-2),
                    created, expected, closed, reason or "",
                )
            )  # fmt: skip
    return rows


def weighted_minor(amount_minor: int, probability_pct: int) -> int:
    """``weighted_value`` in integer hundredths (half to even), without Decimal arithmetic:
    the same figure, five times quicker over 100,000 deals."""
    whole, rest = divmod(amount_minor * probability_pct, 100)
    if rest > 50 or (rest == 50 and whole % 2):
        whole += 1
    return whole


@dataclass(frozen=True, slots=True)
class PipelineFigures:
    """Open pipeline now, and how the deals closed in one fiscal year went."""

    fiscal_year: FiscalYear
    open_deals: int
    open_amount: Decimal
    weighted_open: Decimal  # sum of amount x probability over open deals
    won_deals: int  # closed (won) within the fiscal year
    lost_deals: int
    won_amount: Decimal
    win_rate_pct: Decimal | None  # won / (won + lost); None when nothing closed


def pipeline_figures(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, today: dt.date | None = None
) -> PipelineFigures:
    with plan.session() as session:
        fy = resolve_fiscal_year(session, fiscal_year, today)
        open_count, open_minor, weighted_total = 0, 0, 0
        for amount_minor, own, stage_probability in session.execute(
            select(Deal.amount_minor, Deal.probability, Stage.probability)
            .join(Stage, Stage.id == Deal.stage_id)
            .where(Deal.status == DealStatus.OPEN.value)
        ):
            open_count += 1
            open_minor += amount_minor
            probability = effective_probability(own, stage_probability, DealStatus.OPEN)
            weighted_total += weighted_minor(amount_minor, probability)
        won = lost = won_minor = 0
        for status, amount_minor in session.execute(
            select(Deal.status, Deal.amount_minor).where(
                Deal.status != DealStatus.OPEN.value,
                Deal.closed_on >= fy.first_month.first_day,
                Deal.closed_on <= fy.last_month.last_day,
            )
        ):
            if status == DealStatus.WON.value:
                won += 1
                won_minor += amount_minor
            else:
                lost += 1
        rate = (Decimal(won * 100) / (won + lost)).quantize(Decimal("0.1")) if won + lost else None
        return PipelineFigures(
            fy,
            open_count,
            from_minor(open_minor),
            from_minor(weighted_total),
            won,
            lost,
            from_minor(won_minor),
            rate,
        )
