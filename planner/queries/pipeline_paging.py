"""The pipeline table's reads on a large plan: which deals a filter keeps, in the order a
column sorts them, and the totals of those deals, all worked out in SQL.

A table over 100,000 deals asks ``deal_ids`` for the ordered ids (a fraction of a second,
on indexes where they help) and reads only the rows it shows with
``planner.queries.pipeline.deals(plan, ids=...)``. Every figure here is the one
``deals`` computes in Python (effective probability, weighted value rounded half to even
per deal, ages, days in stage, slips, the reasons a deal needs attention), so the
two never disagree; the unit tests compare them deal by deal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    LargeBinary,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

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
from planner.domain.pipeline import DealStatus
from planner.queries.hints import STATUS_UNINDEXED
from planner.queries.pipeline import SLIPS_TO_FLAG, deals
from planner.queries.winloss import BOARD_LIMIT, BoardCard, closed_in


@dataclass(frozen=True, slots=True)
class DealFilter:
    """What the pipeline table shows: every field None (or empty) keeps every deal.

    Names are matched exactly (they come from the filter lists); ``words`` must all be
    found in the customer or the title, ignoring case; the close-date range includes
    both ends and leaves out deals without a close date."""

    status: DealStatus | None = None
    stage: str | None = None
    owner: str | None = None
    offering: str | None = None
    segment: str | None = None
    channel: str | None = None
    close_from: dt.date | None = None
    close_to: dt.date | None = None
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DealTotals:
    """The deals a filter keeps: how many, their amount and weighted value, how many need
    attention, and how many deals the plan has in all."""

    count: int
    amount: Decimal
    weighted: Decimal
    needing_attention: int
    every: int


@dataclass(frozen=True, slots=True)
class FilterNames:
    """The names the table's filter lists offer: reps (active ones and any a deal names),
    and the offerings, segments and channels deals name, each sorted."""

    owners: tuple[str, ...]
    offerings: tuple[str, ...]
    segments: tuple[str, ...]
    channels: tuple[str, ...]


# The sort orders ``deal_ids`` knows, one per column of the pipeline table.
SORTS = (
    "customer", "title", "amount", "stage", "probability", "weighted", "expected_close",
    "status", "attention", "days_in_stage", "age", "slips", "offering", "segment", "channel",
    "owner", "created", "closed", "lost_reason",
)  # fmt: skip


class _Parts:
    """The SQL expressions of one read: names, effective probability, history figures and
    the reasons for attention, as ``deals`` computes them (``today`` and the profile's
    stale days are bound in)."""

    def __init__(self, today: dt.date, stale_days: int) -> None:
        self.today = literal(today.isoformat())
        event = aliased(DealEvent)
        # Correlated lookups on ix_deal_event_kind (deal_id, kind, happened_on): one index
        # seek per deal, and only for the deals an order or a figure needs.
        self.last_event = (
            select(func.max(event.happened_on)).where(event.deal_id == Deal.id).scalar_subquery()
        )
        self.last_move = (
            select(func.max(event.happened_on))
            .where(event.deal_id == Deal.id, event.kind == "stage")
            .scalar_subquery()
        )
        self.slips = (
            select(func.count())
            .select_from(event)
            .where(event.deal_id == Deal.id, event.kind == "close_date")
            .scalar_subquery()
        )
        self.probability = case(
            (Deal.status == DealStatus.WON.value, 100),
            (Deal.status == DealStatus.LOST.value, 0),
            else_=func.coalesce(Deal.probability, Stage.probability),
        )
        # Amount x probability in hundredths, rounded half to even as ``weighted_minor``:
        # (p + 50) // 100 rounds half up, and a half below an even number goes back down
        # (p % 200 == 50 exactly then). Integer division, as SQLite divides two integers.
        product = Deal.amount_minor * self.probability
        self.weighted = (product + 50) // 100 - case((product % 200 == 50, 1), else_=0)
        changed = func.max(Deal.created_on, func.coalesce(self.last_event, Deal.created_on))
        self.quiet = self.days(self.today, changed)
        is_open = Deal.status == DealStatus.OPEN.value
        past = Deal.expected_close < self.today
        # Cheap tests first: SQLite stops at the first true one, so most deals never need
        # their history looked up.
        self.stale = and_(is_open, or_(past, self.slips >= SLIPS_TO_FLAG, self.quiet >= stale_days))
        # The reasons as one text that sorts as the tuple of reasons does: each ends with
        # a character below every printable one.
        end = func.char(1)
        reasons = (
            case((self.quiet >= stale_days, "No change for " + cast(self.quiet, String) + " days"
                  + end), else_="")
            + case((self.slips >= SLIPS_TO_FLAG, "Close date moved " + cast(self.slips, String)
                    + " times" + end), else_="")
            + case((past, "Past its close date" + end), else_="")
        )  # fmt: skip
        self.reasons = case((is_open, reasons), else_="")
        finished = func.coalesce(Deal.closed_on, self.today)
        self.age = func.max(self.days(finished, Deal.created_on), 0)
        entered = func.coalesce(self.last_move, Deal.created_on)
        self.days_in_stage = func.max(self.days(finished, entered), 0)

    @staticmethod
    def days(later: Any, earlier: Any) -> ColumnElement[int]:
        """Whole days between two ISO dates (stored dates are text)."""
        return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _folded(expression: Any) -> Any:
    """Text without regard to case, as Python's ``str.casefold`` (registered per read)."""
    return func.planner_casefold(expression)


def _sort_text(expression: Any) -> Any:
    """``_folded`` for sorting: text that is all ASCII (as many characters as bytes) is
    folded by SQLite's own lower(), the same there and three times quicker."""
    ascii_only = func.length(expression) == func.length(cast(expression, LargeBinary))
    return case((ascii_only, func.lower(expression)), else_=_folded(expression))


def _order(parts: _Parts, sort: str) -> list[Any]:
    """The key a column sorts by; text ignores case, and empty names sort as "" does."""
    names: dict[str, Callable[[], Any]] = {
        "customer": lambda: _sort_text(Deal.customer),
        "title": lambda: _sort_text(Deal.title),
        "amount": lambda: Deal.amount_minor,
        "stage": lambda: Stage.position,
        "probability": lambda: parts.probability,
        "weighted": lambda: parts.weighted,
        "expected_close": lambda: Deal.expected_close,
        "status": lambda: Deal.status,
        "days_in_stage": lambda: parts.days_in_stage,
        "age": lambda: parts.age,
        "slips": lambda: parts.slips,
        "offering": lambda: _sort_text(func.coalesce(Offering.name, "")),
        "segment": lambda: _sort_text(func.coalesce(Segment.name, "")),
        "channel": lambda: _sort_text(func.coalesce(Channel.name, "")),
        "owner": lambda: _sort_text(func.coalesce(SalesRep.name, "")),
        "created": lambda: Deal.created_on,
        "closed": lambda: Deal.closed_on,
        "lost_reason": lambda: _sort_text(func.coalesce(LostReason.name, "")),
    }
    if sort == "attention":  # deals needing attention first, then by their reasons
        return [parts.reasons == "", parts.reasons]
    if sort not in names:
        raise ValueError(f"unknown sort {sort!r}")
    return [names[sort]()]


def _where(parts: _Parts, where: DealFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.status is not None:
        conditions.append(Deal.status == where.status.value)
    for name, model, link in (
        (where.stage, Stage, Deal.stage_id), (where.owner, SalesRep, Deal.owner_id),
        (where.offering, Offering, Deal.offering_id), (where.segment, Segment, Deal.segment_id),
        (where.channel, Channel, Deal.channel_id),
    ):  # fmt: skip
        if name is not None:
            # The id of the name, looked up once: the deal's own index does the rest.
            conditions.append(link.in_(select(model.id).where(model.name == name)))
    if where.close_from is not None:
        conditions.append(Deal.expected_close >= where.close_from)
    if where.close_to is not None:
        conditions.append(Deal.expected_close <= where.close_to)
    # Python's casefold, not SQL's lower() (ASCII only): "STRASSE" finds "Straße". Text
    # that is all ASCII (as long in characters as in bytes) is the same under LIKE, which
    # spares most deals a call into Python.
    joined = Deal.customer + "\n" + Deal.title
    ascii_only = func.length(joined) == func.length(cast(joined, LargeBinary))
    for word in where.words:
        folded = word.casefold()
        pattern = _like_pattern(folded)
        conditions.append(
            case(
                (ascii_only, joined.like(pattern, escape="\\")),
                else_=func.instr(_folded(joined), folded) > 0,
            )
        )
    return conditions


_EMPTY_DATES = ("expected_close", "closed")
_NEED_STAGE = ("stage", "probability", "weighted")


def _like_pattern(word: str) -> str:
    """``%word%`` for LIKE with ``\\`` as escape: "%" and "_" in the word match themselves."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _joined(stmt: Select[Any], sort: str | None) -> Select[Any]:
    if sort in _NEED_STAGE:  # the join costs a third more on 100,000 deals: only when used
        stmt = stmt.join(Stage, Stage.id == Deal.stage_id)
    outer: dict[str, tuple[Any, Any]] = {
        "offering": (Offering, Deal.offering_id), "segment": (Segment, Deal.segment_id),
        "channel": (Channel, Deal.channel_id), "owner": (SalesRep, Deal.owner_id),
        "lost_reason": (LostReason, Deal.lost_reason_id),
    }  # fmt: skip
    if sort in outer:
        model, link = outer[sort]
        stmt = stmt.outerjoin(model, model.id == link)
    return stmt


def _prepare(connection: Connection, today: dt.date | None) -> _Parts:
    raw = connection.connection.driver_connection
    if raw is not None:
        raw.create_function("planner_casefold", 1, _casefold, deterministic=True)
    stale_days = connection.scalar(select(BusinessProfile.stale_days)) or 30
    return _Parts(today or dt.date.today(), stale_days)


def _casefold(value: str | None) -> str | None:
    return None if value is None else value.casefold()


def deal_ids(
    plan: Plan,
    where: DealFilter = DealFilter(),
    *,
    sort: str | None = None,
    descending: bool = False,
    today: dt.date | None = None,
) -> list[int]:
    """The ids of the deals ``where`` keeps, sorted by ``sort`` (one of ``SORTS``; None:
    by id). As the table sorts: empty dates last (first when descending), ties by id."""
    with plan.session() as session:
        connection = session.connection()
        parts = _prepare(connection, today)
        stmt = _joined(select(Deal.id), sort).where(true(), *_where(parts, where))
        if sort is not None:
            for key in _order(parts, sort):
                if sort in _EMPTY_DATES:  # no date sorts after every date, as in the table
                    stmt = stmt.order_by(key.is_(None).desc() if descending else key.is_(None))
                stmt = stmt.order_by(key.desc() if descending else key)
        return _ids(connection, stmt.order_by(Deal.id))


def _ids(connection: Connection, stmt: Select[Any]) -> list[int]:
    """The first column of every row, read on the driver's own cursor: a list of 100,000
    ids comes back in half the time the result machinery of SQLAlchemy takes."""
    compiled = stmt.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    values = [_plain(params[name]) for name in compiled.positiontup or ()]
    raw = connection.connection.driver_connection
    if raw is None:  # pragma: no cover - a pooled SQLite connection always has one
        return list(connection.scalars(stmt))
    return [row[0] for row in raw.execute(str(compiled), values).fetchall()]


def _plain(value: Any) -> Any:
    """A bound value as stored: dates are ISO text in the plan."""
    return value.isoformat() if isinstance(value, dt.date) else value


def deal_totals(
    plan: Plan,
    where: DealFilter = DealFilter(),
    *,
    today: dt.date | None = None,
) -> DealTotals:
    """Count, amount, weighted value and deals needing attention of what ``where`` keeps."""
    with plan.session() as session:
        connection = session.connection()
        parts = _prepare(connection, today)
        conditions = _where(parts, where)
        count, amount, weighted, stale = connection.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Deal.amount_minor), 0),
                func.coalesce(func.sum(parts.weighted), 0),
                func.coalesce(func.sum(case((parts.stale, 1), else_=0)), 0),
            )
            .join(Stage, Stage.id == Deal.stage_id)
            .where(true(), *conditions)
        ).one()
        every = count if not conditions else connection.scalar(select(func.count(Deal.id)))
    return DealTotals(count, from_minor(amount), from_minor(weighted), stale, every or 0)


def filter_names(plan: Plan) -> FilterNames:
    """What the filter lists offer (see ``FilterNames``)."""

    def used(model: Any, link: Any, *also: ColumnElement[bool]) -> tuple[str, ...]:
        named = exists().where(link == model.id)
        stmt = select(model.name).where(or_(named, *also))
        return tuple(sorted(session.scalars(stmt)))

    with plan.session() as session:
        return FilterNames(
            used(SalesRep, Deal.owner_id, SalesRep.active.is_(True)),
            used(Offering, Deal.offering_id),
            used(Segment, Deal.segment_id),
            used(Channel, Deal.channel_id),
        )


def latest_deal_id(plan: Plan) -> int | None:
    """The id of the newest deal (the one just added), or None in an empty plan."""
    with plan.session() as session:
        return session.scalar(select(func.max(Deal.id)))


def board_cards(
    plan: Plan,
    *,
    stage_id: int | None = None,
    status: DealStatus = DealStatus.OPEN,
    period: FiscalYear | None = None,
    owner_id: int | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = BOARD_LIMIT,
    today: dt.date | None = None,
) -> list[BoardCard]:
    """More cards of one board column, in the board's order, after the first ``offset``.

    An open column is ``stage_id``'s open deals, newest created first; the won or lost
    column (``status``) holds the deals closed in ``period`` (None: all time), latest
    closed first. ``owner_id`` and ``search`` narrow them as ``pipeline_board`` does, so
    a column scrolled to its end reads its next cards without reading the board again."""
    today = today or dt.date.today()
    if status is DealStatus.OPEN:
        where: list[ColumnElement[bool]] = [Deal.status == status.value]
        where.append(Deal.stage_id == stage_id)
        order: tuple[Any, ...] = (Deal.created_on.desc(), Deal.id.desc())
    else:
        where = [closed_in(period), STATUS_UNINDEXED == status.value]  # noqa: SIM300
        order = (Deal.closed_on.desc(), Deal.id.desc())
    if owner_id is not None:
        where.append(Deal.owner_id == owner_id)
    for word in search.split():  # as the board searches: any case of ASCII letters
        pattern = _like_pattern(word)
        where.append(
            or_(Deal.customer.ilike(pattern, escape="\\"), Deal.title.ilike(pattern, escape="\\"))
        )
    stmt = select(Deal.id).where(*where).order_by(*order).limit(limit).offset(offset)
    with plan.session() as session:
        ids = list(session.scalars(stmt))
    return [
        BoardCard(
            d.id, d.customer, d.title, d.amount, d.owner, d.expected_close, d.closed_on,
            d.lost_reason, d.stale_reasons,
        )
        for d in deals(plan, today=today, ids=ids)
    ]  # fmt: skip
