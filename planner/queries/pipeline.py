"""Read-only views of the pipeline: every deal with its names, weighted value and how it
is moving (age, days in stage, close-date slips, whether it needs attention), the choices
the deal form offers, and the headline pipeline figures.

``deals`` reads the whole pipeline with one SELECT (joins for the names) plus one grouped
SELECT over the history, and builds the rows in one pass; with ``ids`` it reads just those
deals, which is how the pipeline table reads the page of rows it shows (the ordered ids
come from ``pipeline_paging.deal_ids``), so the table never builds 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import String, case, func, select

from planner.db.models import (
    BusinessProfile,
    Channel,
    Deal,
    DealEvent,
    LostReason,
    Offering,
    SalesRep,
    Segment,
    Stage,
)
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
    stage_id: int = 0
    age_days: int = 0  # created to today, or to the day it closed
    days_in_stage: int = 0  # since the last stage move (or creation), to today or closing
    slips: int = 0  # how often the expected close date was moved
    stale: bool = False  # an open deal that needs attention
    stale_reasons: tuple[str, ...] = ()  # "No change for 45 days", ...


SLIPS_TO_FLAG = 3  # a close date moved this often is not a plan any more


def stale_reasons(
    *,
    today: dt.date,
    last_change: dt.date,
    slips: int,
    expected_close: dt.date | None,
    stale_days: int,
) -> tuple[str, ...]:
    """Why an open deal needs attention (empty when it does not)."""
    reasons = []
    quiet = (today - last_change).days
    if quiet >= stale_days:
        reasons.append(f"No change for {quiet} days")
    if slips >= SLIPS_TO_FLAG:
        reasons.append(f"Close date moved {slips} times")
    if expected_close is not None and expected_close < today:
        reasons.append("Past its close date")
    return tuple(reasons)


def deals(
    plan: Plan, *, today: dt.date | None = None, ids: Sequence[int] | None = None
) -> list[DealRow]:
    """Every deal, oldest first (by id); ages and staleness are as of ``today``.

    With ``ids``, only those deals, in that order (one page of a table that reads its
    rows on demand; ids no longer in the plan are left out)."""
    today = today or dt.date.today()
    if ids is not None:
        return _deals_by_id(plan, ids, today)
    return _read_deals(plan, today, None)


_ID_CHUNK = 500  # ids per IN (...) list, well below SQLite's limit on bound values


def _deals_by_id(plan: Plan, ids: Sequence[int], today: dt.date) -> list[DealRow]:
    found: dict[int, DealRow] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), _ID_CHUNK):
        chunk = wanted[start : start + _ID_CHUNK]
        found.update((row.id, row) for row in _read_deals(plan, today, chunk))
    return [found[i] for i in wanted if i in found]


def _read_deals(plan: Plan, today: dt.date, ids: list[int] | None) -> list[DealRow]:
    """The rows of every deal, or of the deals in ``ids`` (by id)."""
    stmt = (
        select(
            Deal.id, Deal.customer, Deal.title, Offering.name, Segment.name, Channel.name,
            SalesRep.name, Stage.name, Stage.position, Stage.probability, Deal.status,
            Deal.amount_minor, Deal.probability, Deal.created_on, Deal.expected_close,
            Deal.closed_on, LostReason.name, Deal.stage_id,
            select(BusinessProfile.stale_days).scalar_subquery(),
        )
        .join(Stage, Stage.id == Deal.stage_id)
        .outerjoin(Offering, Offering.id == Deal.offering_id)
        .outerjoin(Segment, Segment.id == Deal.segment_id)
        .outerjoin(Channel, Channel.id == Deal.channel_id)
        .outerjoin(SalesRep, SalesRep.id == Deal.owner_id)
        .outerjoin(LostReason, LostReason.id == Deal.lost_reason_id)
        .order_by(Deal.id)
    )  # fmt: skip
    # One row per deal with history: its last change, last stage move and slip count.
    # Dates are stored as ISO text, so max() over them is the latest day; they are read as
    # text and parsed only where needed (a third quicker over 100,000 deals).
    history = select(
        DealEvent.deal_id,
        func.max(DealEvent.happened_on, type_=String),
        func.max(case((DealEvent.kind == "stage", DealEvent.happened_on)), type_=String),
        func.sum(case((DealEvent.kind == "close_date", 1), else_=0)),
    ).group_by(DealEvent.deal_id)
    if ids is not None:
        stmt = stmt.where(Deal.id.in_(ids))
        history = history.where(DealEvent.deal_id.in_(ids))
    parse = dt.date.fromisoformat
    statuses = {s.value: s for s in DealStatus}
    rows = []
    with plan.session() as session:
        connection = session.connection()
        events = {
            deal_id: (last, moved, slips)
            for deal_id, last, moved, slips in connection.execute(history)
        }
        # A Core execute on the session's connection skips the ORM's row handling.
        for (
            deal_id, customer, title, offering, segment, channel, owner, stage, position,
            stage_probability, status_text, amount_minor, own, created, expected, closed, reason,
            stage_id, stale_days,
        ) in connection.execute(stmt):  # fmt: skip
            status = statuses[status_text]
            probability = effective_probability(own, stage_probability, status)
            last, moved, slips = events.get(deal_id, (None, None, 0))
            end = closed or today
            entered = parse(moved) if moved else created
            reasons: tuple[str, ...] = ()
            if status is DealStatus.OPEN:
                changed = max(parse(last), created) if last else created
                reasons = stale_reasons(
                    today=today, last_change=changed, slips=slips, expected_close=expected,
                    stale_days=stale_days or 30,
                )  # fmt: skip
            rows.append(
                DealRow(
                    deal_id, customer, title, offering or "", segment or "", channel or "",
                    owner or "", stage, position, status, Decimal(amount_minor).scaleb(-2), own,
                    probability, Decimal(weighted_minor(amount_minor, probability)).scaleb(-2),
                    created, expected, closed, reason or "", stage_id,
                    max((end - created).days, 0), max((end - entered).days, 0), slips,
                    bool(reasons), reasons,
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


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a drop-down: a record's id and name."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class StageRow:
    """A pipeline stage as the stages editor and the deal form show it."""

    id: int
    name: str
    position: int
    probability: int
    is_won: bool
    is_lost: bool
    deals: int  # how many deals are in it now

    @property
    def is_open(self) -> bool:
        return not (self.is_won or self.is_lost)


@dataclass(frozen=True, slots=True)
class DealChoices:
    """What the deal form and the filters offer: stages in pipeline order, active reps
    (plus an inactive one a deal still names), offerings, segments, channels, reasons."""

    stages: tuple[StageRow, ...]
    owners: tuple[Choice, ...]
    offerings: tuple[Choice, ...]
    segments: tuple[Choice, ...]
    channels: tuple[Choice, ...]
    lost_reasons: tuple[Choice, ...]


def stages(plan: Plan) -> list[StageRow]:
    """The stages in pipeline order with the number of deals in each."""
    counts = select(Deal.stage_id, func.count(Deal.id)).group_by(Deal.stage_id)
    with plan.session() as session:
        used: dict[int, int] = {k: v for k, v in session.execute(counts)}
        return [
            StageRow(
                s.id, s.name, s.position, s.probability, s.is_won, s.is_lost, used.get(s.id, 0)
            )
            for s in session.scalars(select(Stage).order_by(Stage.position, Stage.id))
        ]


def deal_choices(plan: Plan, *, keep_owner: int | None = None) -> DealChoices:
    """Choices for the deal form; ``keep_owner`` keeps an inactive owner a deal has."""

    def named(model: type[Any], *where: Any) -> tuple[Choice, ...]:
        stmt = select(model.id, model.name).where(*where).order_by(model.position, model.name)
        return tuple(Choice(i, n) for i, n in session.execute(stmt))

    with plan.session() as session:
        owners = named(SalesRep, (SalesRep.active.is_(True)) | (SalesRep.id == (keep_owner or 0)))
        return DealChoices(
            tuple(stages(plan)),
            owners,
            named(Offering, Offering.archived.is_(False)),
            named(Segment),
            named(Channel, Channel.archived.is_(False)),
            named(LostReason),
        )


@dataclass(frozen=True, slots=True)
class DealDetail:
    """One deal's stored fields, as the deal form edits them."""

    id: int
    customer: str
    title: str
    offering_id: int | None
    segment_id: int | None
    channel_id: int | None
    owner_id: int | None
    amount: Decimal
    probability: int | None
    stage_id: int
    expected_close: dt.date | None
    notes: str
    status: DealStatus


def deal_detail(plan: Plan, deal_id: int) -> DealDetail | None:
    with plan.session() as session:
        d = session.get(Deal, deal_id)
        if d is None:
            return None
        return DealDetail(
            d.id, d.customer, d.title, d.offering_id, d.segment_id, d.channel_id, d.owner_id,
            from_minor(d.amount_minor), d.probability, d.stage_id, d.expected_close, d.notes,
            DealStatus(d.status),
        )  # fmt: skip
