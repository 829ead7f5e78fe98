"""How closed deals went: win rate, average won deal, average sales cycle, by owner,
source channel and segment, and the reasons deals were lost, ranked.

Only closed deals count (won or lost); a fiscal year narrows them to the deals closed in
it, None means all time. The database does the summing (GROUP BY owner, channel and
segment with status, and by lost reason), so 100,000 deals cost a few small result sets
rather than a pass over every deal in Python.

The win rate is won / (won + lost) in percent; the average won deal is revenue won over
won deals; the sales cycle is the days from ``created_on`` to ``closed_on`` of won deals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from planner.db.models import (
    BusinessProfile,
    Channel,
    Deal,
    DealEvent,
    LostReason,
    SalesRep,
    Segment,
    Stage,
)
from planner.db.plan import Plan
from planner.domain.money import from_minor
from planner.domain.periods import FiscalYear
from planner.queries.hints import STATUS_UNINDEXED
from planner.queries.pipeline import stale_reasons
from planner.queries.profile import resolve_fiscal_year

NO_OWNER = "No owner recorded"
NO_CHANNEL = "No source recorded"
NO_SEGMENT = "No segment recorded"
NO_REASON = "No reason recorded"
_TENTH = Decimal("0.1")
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class WinLossRow:
    """How the closed deals of one owner, channel or segment went. ``id`` is None for the
    row of deals that name none; the averages and the rate are None when there is nothing
    to divide by."""

    id: int | None
    name: str
    won: int
    lost: int
    win_rate: Decimal | None  # percent, two decimals
    revenue_won: Decimal
    average_won: Decimal | None
    average_cycle_days: Decimal | None  # one decimal

    @property
    def closed(self) -> int:
        return self.won + self.lost


@dataclass(frozen=True, slots=True)
class LostReasonRow:
    """A reason deals were lost: how many, their share of all lost deals (percent, two
    decimals) and the money they would have brought."""

    reason: str
    deals: int
    share: Decimal
    amount_lost: Decimal
    recorded: bool = True  # False for the row of deals lost without a reason


@dataclass(frozen=True, slots=True)
class WinLoss:
    """The whole analysis for one fiscal year (None: all time)."""

    fiscal_year: FiscalYear | None
    total: WinLossRow
    by_owner: tuple[WinLossRow, ...]
    by_channel: tuple[WinLossRow, ...]
    by_segment: tuple[WinLossRow, ...]
    lost_reasons: tuple[LostReasonRow, ...]  # most deals first, ties by name; unexplained last


def closed_in(fiscal_year: FiscalYear | None) -> ColumnElement[bool]:
    """Closed deals, narrowed to those closed within ``fiscal_year`` when given."""
    closed = STATUS_UNINDEXED.in_(("won", "lost"))  # a year of close dates is narrower
    if fiscal_year is None:
        return closed
    first, last = fiscal_year.first_month.first_day, fiscal_year.last_month.last_day
    return and_(closed, Deal.closed_on >= first, Deal.closed_on <= last)


def rate(won: int, lost: int) -> Decimal | None:
    """Won deals as a percentage of closed deals (two decimals), None when none closed."""
    if won + lost == 0:
        return None
    return (Decimal(won * 100) / (won + lost)).quantize(_HUNDREDTH)


def _average_minor(total_minor: int, count: int) -> Decimal:
    return (from_minor(total_minor) / count).quantize(_HUNDREDTH)


@dataclass
class _Tally:
    won: int = 0
    lost: int = 0
    won_minor: int = 0
    cycle_days: float = 0.0
    cycle_deals: int = 0

    def row(self, key: int | None, name: str) -> WinLossRow:
        cycle = None
        if self.cycle_deals:
            cycle = (Decimal(repr(self.cycle_days)) / self.cycle_deals).quantize(_TENTH)
        return WinLossRow(
            id=key,
            name=name,
            won=self.won,
            lost=self.lost,
            win_rate=rate(self.won, self.lost),
            revenue_won=from_minor(self.won_minor),
            average_won=_average_minor(self.won_minor, self.won) if self.won else None,
            average_cycle_days=cycle,
        )


def _tallies(conn: Any, key: Any, where: ColumnElement[bool]) -> dict[int | None, _Tally]:
    won = Deal.status == "won"
    # Days between two ISO dates; only won deals with a close date count toward the cycle.
    days = func.julianday(Deal.closed_on) - func.julianday(Deal.created_on)
    counted = and_(won, Deal.closed_on.is_not(None))
    stmt = (
        select(
            key,
            func.sum(case((won, 1), else_=0)),
            func.sum(case((won, 0), else_=1)),
            func.sum(case((won, Deal.amount_minor), else_=0)),
            func.sum(case((counted, days), else_=0)),
            func.sum(case((counted, 1), else_=0)),
        )
        .where(where)
        .group_by(key)
    )
    out: dict[int | None, _Tally] = {}
    for group, n_won, n_lost, won_minor, cycle, cycle_deals in conn.execute(stmt):
        out[group] = _Tally(n_won or 0, n_lost or 0, won_minor or 0, cycle or 0.0, cycle_deals or 0)
    return out


def _rows(
    tallies: dict[int | None, _Tally], names: Iterable[tuple[int, str]], none_name: str
) -> tuple[WinLossRow, ...]:
    """Every named record in its order (those with no closed deals too), then the row of
    deals naming none when there are any."""
    rows = [tallies.get(key, _Tally()).row(key, name) for key, name in names]
    if None in tallies:
        rows.append(tallies[None].row(None, none_name))
    return tuple(rows)


def win_loss(
    plan: Plan, fiscal_year: FiscalYear | int | None = None, *, all_time: bool = False
) -> WinLoss:
    """The analysis of deals closed in ``fiscal_year`` (a ``FiscalYear``, a year number,
    or None for the current year), or of every closed deal when ``all_time``."""
    with plan.session() as session:
        year = None if all_time else resolve_fiscal_year(session, fiscal_year, None)
        where = closed_in(year)
        conn = session.connection()
        owners = _tallies(conn, Deal.owner_id, where)
        channels = _tallies(conn, Deal.channel_id, where)
        segments = _tallies(conn, Deal.segment_id, where)
        total = _Tally()
        for tally in owners.values():
            total.won += tally.won
            total.lost += tally.lost
            total.won_minor += tally.won_minor
            total.cycle_days += tally.cycle_days
            total.cycle_deals += tally.cycle_deals
        reasons = list(conn.execute(lost_by_reason(where)))
        rep_names = list(conn.execute(select(SalesRep.id, SalesRep.name).order_by(
            SalesRep.position, SalesRep.id)))  # fmt: skip
        channel_names = list(conn.execute(select(Channel.id, Channel.name).order_by(
            Channel.position, Channel.name)))  # fmt: skip
        segment_names = list(conn.execute(select(Segment.id, Segment.name).order_by(
            Segment.position, Segment.name)))  # fmt: skip
    return WinLoss(
        fiscal_year=year,
        total=total.row(None, "All deals"),
        by_owner=_rows(owners, rep_names, NO_OWNER),
        by_channel=_rows(channels, channel_names, NO_CHANNEL),
        by_segment=_rows(segments, segment_names, NO_SEGMENT),
        lost_reasons=_ranked_reasons(reasons),
    )


def lost_by_reason(where: ColumnElement[bool]) -> Select[str, int, int]:
    """The deals lost among those ``where`` picks, by lost reason: its name (None for deals
    lost without one), how many, their amount in minor units. Shared with the report."""
    return (
        select(LostReason.name, func.count(), func.sum(Deal.amount_minor))
        .select_from(Deal)
        .outerjoin(LostReason, LostReason.id == Deal.lost_reason_id)
        .where(where, STATUS_UNINDEXED == "lost")
        .group_by(LostReason.id)
    )


def _ranked_reasons(groups: list[Any]) -> tuple[LostReasonRow, ...]:
    all_lost: int = sum(count for _name, count, _minor in groups)

    def share(count: int) -> Decimal:
        return (Decimal(count * 100) / all_lost).quantize(_HUNDREDTH)

    named = [
        LostReasonRow(name, count, share(count), from_minor(minor or 0))
        for name, count, minor in groups
        if name is not None
    ]
    # Most deals first; equal counts in the order of their names, so the list is stable.
    named.sort(key=lambda r: (-r.deals, r.reason.casefold()))
    for name, count, minor in groups:
        if name is None:
            named.append(
                LostReasonRow(NO_REASON, count, share(count), from_minor(minor or 0), False)
            )
    return tuple(named)


# -- the board -------------------------------------------------------------------------------
# The board shows the same deals by stage. It lives here with the win/loss figures because
# both read the pipeline grouped in SQL; a view of 100,000 deals must not build 100,000 rows.

BOARD_LIMIT = 200  # cards per column; the header still counts every deal


@dataclass(frozen=True, slots=True)
class BoardStage:
    id: int
    name: str
    probability: int
    is_won: bool
    is_lost: bool

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


@dataclass(frozen=True, slots=True)
class BoardCard:
    """One deal as a card: who, what, how much, whose, and when it should close."""

    id: int
    customer: str
    title: str
    amount: Decimal
    owner: str
    expected_close: dt.date | None
    closed_on: dt.date | None
    lost_reason: str
    stale_reasons: tuple[str, ...] = ()

    @property
    def stale(self) -> bool:
        return bool(self.stale_reasons)


@dataclass(frozen=True, slots=True)
class BoardColumn:
    """A stage's column. Open stages count their open deals with the weighted total; the
    won and lost columns count the deals closed in the board's period (``weighted`` None).
    ``cards`` holds the newest ``BOARD_LIMIT`` of ``count`` deals."""

    stage: BoardStage
    count: int
    total: Decimal
    weighted: Decimal | None
    cards: tuple[BoardCard, ...]

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


@dataclass(frozen=True, slots=True)
class Board:
    columns: tuple[BoardColumn, ...]  # open stages in order, then won, then lost
    owners: tuple[tuple[int, str], ...]  # (id, name) of every sales rep, for the filter
    lost_reasons: tuple[tuple[int, str], ...]  # (id, name) in the owner's order
    period: FiscalYear | None  # closed deals shown: closed in this year, None for all time


def pipeline_board(
    plan: Plan,
    fiscal_year: FiscalYear | int | None = None,
    *,
    all_time: bool = False,
    owner_id: int | None = None,
    search: str = "",
    limit: int = BOARD_LIMIT,
    today: dt.date | None = None,
) -> Board:
    """The board: every stage's column with its figures and newest cards. Won and lost
    columns hold deals closed in ``fiscal_year`` (None: the current year) or, with
    ``all_time``, every closed deal. ``owner_id`` and ``search`` (words found in the
    customer or title) narrow every column."""
    today = today or dt.date.today()
    with plan.session() as session:
        conn = session.connection()
        period = None if all_time else resolve_fiscal_year(session, fiscal_year, today)
        stale_days = session.scalar(select(BusinessProfile.stale_days)) or 30
        stages = [
            BoardStage(i, name, probability, bool(won), bool(lost))
            for i, name, probability, won, lost in conn.execute(
                select(
                    Stage.id, Stage.name, Stage.probability, Stage.is_won, Stage.is_lost
                ).order_by(Stage.position, Stage.id)
            )
        ]
        filters: list[ColumnElement[bool]] = []
        if owner_id is not None:
            filters.append(Deal.owner_id == owner_id)
        for word in search.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            filters.append(Deal.customer.ilike(pattern, escape="\\") | Deal.title.ilike(
                pattern, escape="\\"))  # fmt: skip
        open_where = and_(Deal.status == "open", *filters)
        closed_where = and_(closed_in(period), *filters)
        # Open deals by stage; closed deals by status (they belong in the won/lost column).
        # Each deal's weighted value rounded half to even in hundredths, as ``deals`` and
        # ``pipeline_figures`` round it, so the board's totals match the table's to the cent.
        product = Deal.amount_minor * func.coalesce(Deal.probability, Stage.probability)
        whole = product // 100  # integer division, as SQLite does for two integers
        rest = product % 100
        weighted_deal = whole + case((or_(rest > 50, and_(rest == 50, whole % 2 == 1)), 1), else_=0)
        figures: dict[Any, tuple[int, int, int]] = {}
        for stage_id, count, minor, weighted in conn.execute(
            select(Deal.stage_id, func.count(), func.sum(Deal.amount_minor),
                   func.sum(weighted_deal))
            .join(Stage, Stage.id == Deal.stage_id).where(open_where).group_by(Deal.stage_id)
        ):  # fmt: skip
            figures[stage_id] = (count, minor or 0, weighted or 0)
        for status, count, minor in conn.execute(
            select(Deal.status, func.count(), func.sum(Deal.amount_minor))
            .where(closed_where).group_by(Deal.status)
        ):  # fmt: skip
            figures[status] = (count, minor or 0, 0)
        # limit=0: the figures only (the pipeline board reads each column's cards itself).
        cards = _cards(conn, open_where, closed_where, limit) if limit > 0 else []
        history = _history(conn, [c[1] for c in cards if c[0] == "open"])
        owners = _pairs(conn, SalesRep.id, SalesRep.name, SalesRep.position, SalesRep.id)
        reasons = _pairs(conn, LostReason.id, LostReason.name, LostReason.position, LostReason.name)
    by_key: dict[Any, list[BoardCard]] = {}
    for status, deal_id, stage_id, customer, title, minor, owner, expected, closed, created, \
            reason in cards:  # fmt: skip
        stale: tuple[str, ...] = ()
        if status == "open":
            last, slips = history.get(deal_id, (None, 0))
            stale = stale_reasons(
                today=today, last_change=max(last, created) if last else created, slips=slips,
                expected_close=expected, stale_days=stale_days,
            )  # fmt: skip
        card = BoardCard(deal_id, customer, title, from_minor(minor), owner or "", expected,
                         closed, reason or "", stale)  # fmt: skip
        by_key.setdefault(stage_id if status == "open" else status, []).append(card)
    won_done = lost_done = False
    columns = []
    for stage in stages:
        key: Any = stage.id
        if stage.is_won or stage.is_lost:
            # Closed deals go to the first won (lost) column whatever stage they record.
            first = not (won_done if stage.is_won else lost_done)
            key = ("won" if stage.is_won else "lost") if first else None
            won_done, lost_done = won_done or stage.is_won, lost_done or stage.is_lost
        count, minor, weighted = figures.get(key, (0, 0, 0))
        columns.append(
            BoardColumn(
                stage, count, from_minor(minor),
                None if stage.is_closed else from_minor(weighted),
                tuple(by_key.get(key, [])[:limit]),
            )
        )  # fmt: skip
    # Open stages in order, then won, then lost, whatever positions the owner gave them.
    columns.sort(key=lambda c: (c.stage.is_closed, c.stage.is_lost))
    return Board(tuple(columns), owners, reasons, period)


def _cards(conn: Any, open_where: Any, closed_where: Any, limit: int) -> list[Any]:
    """The newest ``limit`` deals of each column: open deals by stage (newest created
    first), closed deals by status (latest closed first)."""
    out: list[Any] = []
    for where, partition, order in (
        (open_where, Deal.stage_id, (Deal.created_on.desc(), Deal.id.desc())),
        (closed_where, Deal.status, (Deal.closed_on.desc(), Deal.id.desc())),
    ):
        place = func.row_number().over(partition_by=partition, order_by=order).label("place")
        ranked = (
            select(Deal.status, Deal.id, Deal.stage_id, Deal.customer, Deal.title,
                   Deal.amount_minor, SalesRep.name.label("owner"), Deal.expected_close,
                   Deal.closed_on, Deal.created_on, LostReason.name.label("reason"), place)
            .outerjoin(SalesRep, SalesRep.id == Deal.owner_id)
            .outerjoin(LostReason, LostReason.id == Deal.lost_reason_id)
            .where(where)
            .subquery()
        )  # fmt: skip
        columns = [c for c in ranked.c if c.name != "place"]
        out.extend(conn.execute(select(*columns).where(ranked.c.place <= limit).order_by(
            ranked.c.place)))  # fmt: skip
    return out


def _history(conn: Any, deal_ids: list[int]) -> dict[int, tuple[dt.date | None, int]]:
    """Last change and close-date slips of the given deals, for their stale flags."""
    out: dict[int, tuple[dt.date | None, int]] = {}
    for start in range(0, len(deal_ids), 500):
        chunk = deal_ids[start : start + 500]
        for deal_id, last, slips in conn.execute(
            select(DealEvent.deal_id, func.max(DealEvent.happened_on),
                   func.sum(case((DealEvent.kind == "close_date", 1), else_=0)))
            .where(DealEvent.deal_id.in_(chunk)).group_by(DealEvent.deal_id)
        ):  # fmt: skip
            out[deal_id] = (_as_date(last), slips or 0)
    return out


def _pairs(conn: Any, key: Any, name: Any, *order: Any) -> tuple[tuple[int, str], ...]:
    return tuple((i, text) for i, text in conn.execute(select(key, name).order_by(*order)))


def _as_date(value: Any) -> dt.date | None:
    # max() over a Date column comes back as ISO text from SQLite without a type hint.
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
