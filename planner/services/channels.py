"""Use cases of the Channels tab: keeping the channel list, and filling in monthly figures.

Every function takes a unit of work and returns an undoable command (not yet applied),
which the caller runs (``PlanOperations.run`` or ``commands.execute``). Each user action
is one command, so one undo step: a spread of a yearly budget over twelve months, a copy
of last year's plan or a paste of a block of cells undo as a whole.

A month's figures live in a ``ChannelMonth`` row that exists only once something was
entered for that month. ``SetMonthFigure`` therefore finds or creates the row when it is
applied, not when it is built, so several figures of the same new month (a pasted block)
in one command share the row the first of them creates, and undo removes it again.

Locked months (``planner.services.locks``, Targets > "Lock months…") are closed books for
channels too: their actual spend and leads are actuals, and their planned spend and leads
follow the targets' rule. Every figure of a locked month is refused with the lock's
sentence, typed, pasted, filled or imported (``SetMonthFigure`` asks again when applied
and when reverted, so a workbook import, a redo or an undo after locking cannot slip
past). Like the yearly target, a spread keeps the locked months' figures and shares the
rest out over the open months, and a copy from last year leaves locked months as they are.
A channel with figures in a locked month cannot be deleted either (it can be archived):
``check_channel_deletable``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, select

from planner.db.models import Base, Channel, ChannelMonth, Deal, OfferingChannel, SegmentChannel
from planner.db.plan import UnitOfWork
from planner.domain.periods import FiscalYear, Month
from planner.domain.spread import SpreadError, spread_by_shape, spread_evenly
from planner.services.commands import Change, Command, CompositeCommand, InsertRow, UpdateFields
from planner.services.edit import field_rule, validate_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.locks import check_deletable, check_unlocked, is_locked, locked_message
from planner.services.records import DeleteRecord, SetLinks, first_figure_month

# The figures of a month, in the order the grid shows them.
MONTH_FIELDS = ("planned_spend_minor", "actual_spend_minor", "planned_leads", "actual_leads")
PLAN_FIELDS = ("planned_spend_minor", "planned_leads")
MONEY_STEP = 100  # spreads hand out whole currency units (100 minor units)

# What deleting a channel touches: its months, its links, the deals that name it.
_DELETE_CHANGES = (
    Change.CHANNELS | Change.CHANNEL_MONTHS | Change.DEALS | Change.SEGMENTS | Change.OFFERINGS
)


class CopySource(Enum):
    """What "Copy from last year" takes: last year's plan or what really happened."""

    PLAN = "plan"
    ACTUAL = "actual"


def _channel(uow: UnitOfWork, channel_id: int) -> Channel:
    channel = uow.session.get(Channel, channel_id)
    if channel is None:
        raise NotFoundError("That channel no longer exists.")
    return channel


# -- the channel list --------------------------------------------------------------------


def add_channel(uow: UnitOfWork, name: str = "", kind: str = "Other") -> InsertRow:
    """A new channel at the end of the list; without a name it is "New channel" (or
    "New channel 2"...) for the owner to rename."""
    names = {n.casefold() for n in uow.session.scalars(select(Channel.name))}
    if name.strip():
        cleaned = validate_field(Channel, "name", name)
        if cleaned.casefold() in names:
            raise ValidationError(f"There is already a channel called '{cleaned}'.", "name")
    else:
        cleaned, n = "New channel", 1
        while cleaned.casefold() in names:
            n += 1
            cleaned = f"New channel {n}"
    last = uow.session.scalar(select(func.max(Channel.position)))
    values = {
        "name": cleaned,
        "kind": validate_field(Channel, "kind", kind),
        "position": 0 if last is None else last + 1,
    }
    return InsertRow(Channel, values, label="Add Channel", changes=Change.CHANNELS)


def describe_channel_dependents(uow: UnitOfWork, channel_id: int) -> str:
    """What deleting the channel touches, in sentences for the question asked first
    ("Its 24 months of figures and its links to 2 segments go with it. The 12 deals that
    came from it stay, without a source channel."); empty when nothing depends on it.
    Refused (``ValidationError``) before anything is asked when it cannot be deleted."""
    check_channel_deletable(uow, channel_id)

    def count(model: type[Base]) -> int:
        column = model.__table__.c.channel_id
        return uow.session.scalar(select(func.count()).where(column == channel_id)) or 0

    def plural(n: int, one: str, many: str) -> str:
        return f"{n:,} {one if n == 1 else many}"

    gone = []
    months = count(ChannelMonth)
    if months:
        gone.append("its " + plural(months, "month of figures", "months of figures"))
    links = [
        plural(n, one, many)
        for n, one, many in (
            (count(SegmentChannel), "segment", "segments"),
            (count(OfferingChannel), "offering", "offerings"),
        )
        if n
    ]
    if links:
        gone.append("its links to " + " and ".join(links))
    sentences = []
    if gone:
        verb = "goes" if gone == [f"its {months} month of figures"] else "go"
        sentences.append(f"{' and '.join(gone).capitalize()} {verb} with it.")
    if n := count(Deal):
        came = plural(n, "deal that came from it stays", "deals that came from it stay")
        sentences.append(f"The {came}, without a source channel.")
    return " ".join(sentences)


def check_channel_deletable(uow: UnitOfWork, channel_id: int) -> None:
    """Refuse deleting a channel with figures in a locked month: its months go with it, and
    locked months are closed books. A figure is a planned spend or lead count other than
    zero, or any actual recorded (zero included); a locked month's row that holds nothing
    shows as empty and may go."""
    channel = _channel(uow, channel_id)
    first = first_figure_month(uow, Channel, channel_id)
    check_deletable(uow, channel.name, first, "Archive it instead")


def delete_channel(uow: UnitOfWork, channel_id: int) -> DeleteRecord:
    """Delete the channel with its monthly figures and links; its deals keep existing
    without a source channel. Undo restores all of it. Refused when it has figures in a
    locked month (``check_channel_deletable``)."""
    check_channel_deletable(uow, channel_id)
    return DeleteRecord(
        Channel, channel_id, "Delete Channel", _DELETE_CHANGES, check=check_channel_deletable
    )


def archive_channel(uow: UnitOfWork, channel_id: int, archived: bool = True) -> UpdateFields:
    """Archive a channel no longer used (its history stays), or bring it back."""
    channel = _channel(uow, channel_id)
    return UpdateFields(
        Channel,
        channel_id,
        old={"archived": channel.archived},
        new={"archived": archived},
        label="Archive Channel" if archived else "Bring Back Channel",
        changes=Change.CHANNELS | Change.CHANNEL_MONTHS,
    )


def move_channel(uow: UnitOfWork, channel_id: int, step: int) -> CompositeCommand | None:
    """Move a channel ``step`` places up (negative) or down the list, among channels of the
    same state (active or archived); None when it is already at that end."""
    moving = _channel(uow, channel_id)
    ordered = list(
        uow.session.scalars(
            select(Channel).order_by(Channel.archived, Channel.position, Channel.name)
        )
    )
    here = ordered.index(moving)
    there = here + step
    if not 0 <= there < len(ordered) or ordered[there].archived != moving.archived:
        return None
    ordered.insert(there, ordered.pop(here))
    # Renumber everyone: positions may be equal in plans built elsewhere.
    parts = [
        UpdateFields(Channel, c.id, {"position": c.position}, {"position": n}, "", Change.CHANNELS)
        for n, c in enumerate(ordered)
        if c.position != n
    ]
    return CompositeCommand("Move Channel", parts)


def set_segments_reached(uow: UnitOfWork, channel_id: int, segment_ids: Iterable[int]) -> SetLinks:
    """The channel reaches exactly ``segment_ids``."""
    _channel(uow, channel_id)
    return SetLinks(
        SegmentChannel,
        "channel_id",
        channel_id,
        "segment_id",
        frozenset(segment_ids),
        "Change Segments Reached",
        Change.SEGMENTS | Change.CHANNELS,
    )


# -- monthly figures -----------------------------------------------------------------------


@dataclass
class SetMonthFigure:
    """Set one figure of one channel in one month, creating the month's row if there is
    none yet (and removing it again on revert). ``value`` is in stored form: minor units
    for money, a count for leads, None for an actual not known."""

    channel_id: int
    month: Month
    field: str
    value: Any
    label: str
    changes: Change = Change.CHANNEL_MONTHS
    _created: bool = False
    _row_id: int | None = None  # kept so a redo recreates the same record
    _old: Any = None

    def _row(self, uow: UnitOfWork) -> ChannelMonth | None:
        return uow.session.scalar(
            select(ChannelMonth).where(
                ChannelMonth.channel_id == self.channel_id, ChannelMonth.month == self.month
            )
        )

    def apply(self, uow: UnitOfWork) -> None:
        check_unlocked(uow, [self.month])
        row = self._row(uow)
        if row is None:
            _channel(uow, self.channel_id)
            row = ChannelMonth(channel_id=self.channel_id, month=self.month)
            if self._row_id is not None:
                row.id = self._row_id
            setattr(row, self.field, self.value)
            uow.session.add(row)
            uow.session.flush()
            self._created, self._row_id = True, row.id
            return
        self._created = False
        self._old = getattr(row, self.field)
        setattr(row, self.field, self.value)

    def figure_months(self) -> list[Month]:
        return [self.month]

    def revert(self, uow: UnitOfWork) -> None:
        check_unlocked(uow, [self.month])  # an undo after locking would change closed books
        row = self._row(uow)
        if row is None:
            raise NotFoundError("That month's channel figures no longer exist.")
        if self._created:
            uow.session.delete(row)
        else:
            setattr(row, self.field, self._old)


def _label(field: str) -> str:
    return f"Change {field_rule(ChannelMonth, field).label}"


def set_month_figure(
    uow: UnitOfWork, channel_id: int, month: Month, field: str, value: Any
) -> SetMonthFigure:
    """Set ``field`` of the channel's ``month`` to ``value`` as typed (``Decimal`` money,
    a whole number of leads, None/"" to clear an actual); refused with a plain message,
    and for a locked month with the lock's sentence."""
    check_unlocked(uow, [month])
    stored = validate_field(ChannelMonth, field, value)
    _channel(uow, channel_id)
    return SetMonthFigure(channel_id, month, field, stored, _label(field))


def _stored_figures(
    uow: UnitOfWork, channel_id: int, months: Sequence[Month]
) -> dict[Month, ChannelMonth]:
    rows = uow.session.scalars(
        select(ChannelMonth).where(
            ChannelMonth.channel_id == channel_id, ChannelMonth.month.in_(list(months))
        )
    )
    return {r.month: r for r in rows}


def _set_many(
    uow: UnitOfWork, label: str, channel_id: int, field: str, values: Mapping[Month, Any]
) -> CompositeCommand:
    """One step setting ``field`` of several months to stored ``values``; months that
    already hold the value (or would get a default into a new row) are left alone.
    Refused when a month that would change is locked."""
    stored = _stored_figures(uow, channel_id, list(values))
    default = None if field.startswith("actual") else 0
    parts: list[Command] = []
    for month, value in values.items():
        row = stored.get(month)
        current = default if row is None else getattr(row, field)
        if value != current:
            parts.append(SetMonthFigure(channel_id, month, field, value, label))
    check_unlocked(uow, [part.month for part in parts if isinstance(part, SetMonthFigure)])
    return CompositeCommand(label, parts, Change.CHANNEL_MONTHS)


def share_out(
    total: int,
    months: Sequence[Month],
    field: str,
    shape: Sequence[Decimal | int | None] | None = None,
    kept: Mapping[Month, int] | None = None,
) -> list[int]:
    """Every month's figure (stored form) when ``total`` is spread over ``months`` of the
    planned ``field``: the locked months (``kept``: their current figures) keep them, as
    the yearly target does, and the rest of ``total`` goes to the open months, evenly or
    like ``shape`` (one weight per month of ``months``). Raises ``ValidationError``."""
    kept = {m: v for m, v in (kept or {}).items() if m in months}
    open_months = [i for i, m in enumerate(months) if m not in kept]
    if not open_months:
        raise ValidationError(locked_message(months[-1]), field)
    held = sum(kept.values())
    if total < held:
        what = (
            f"{Decimal(held) / 100:,.2f} of planned spend"
            if field == "planned_spend_minor"
            else f"{held:,} planned leads"
        )
        raise ValidationError(
            f"The locked months already have {what}; the amount cannot be less.", field
        )
    step = MONEY_STEP if field == "planned_spend_minor" else 1
    try:
        if shape is None:
            parts = spread_evenly(total - held, len(open_months), step)
        else:
            parts = spread_by_shape(total - held, [shape[i] for i in open_months], step)
    except SpreadError as exc:
        raise ValidationError(str(exc), field) from None
    shares = dict(zip(open_months, parts, strict=True))
    return [shares[i] if i in shares else kept[m] for i, m in enumerate(months)]


def spread_budget(
    uow: UnitOfWork,
    channel_id: int,
    months: Sequence[Month],
    field: str,
    total: Any,
    shape: Sequence[Decimal | int | None] | None = None,
) -> CompositeCommand:
    """Spread a yearly ``total`` (money or leads, as typed) over ``months`` of the planned
    ``field``: evenly, or like ``shape`` (one weight per month, e.g. last year's spend).
    Money is handed out in whole currency units; the months always sum to ``total``.
    Locked months keep their figures; the rest of ``total`` goes to the open months."""
    if field not in PLAN_FIELDS:
        raise ValidationError("Only planned spend or planned leads can be spread.", field)
    if not months:
        raise ValidationError("Choose at least one month to spread over.")
    if shape is not None and len(shape) != len(months):
        raise ValidationError(f"The shape has {len(shape)} months, not {len(months)}.", field)
    if isinstance(total, Decimal | int) and total < 0:
        raise ValidationError("A negative amount cannot be spread; enter zero or more.", field)
    amount = validate_field(ChannelMonth, field, total)
    _channel(uow, channel_id)
    stored = _stored_figures(uow, channel_id, months)
    kept = {
        m: (getattr(stored[m], field) if m in stored else 0) for m in months if is_locked(uow, m)
    }
    parts = share_out(amount, months, field, shape, kept)
    values = {m: v for m, v in zip(months, parts, strict=True) if m not in kept}
    return _set_many(uow, "Spread Budget", channel_id, field, values)


def copy_from_last_year(
    uow: UnitOfWork, channel_ids: Sequence[int], fiscal_year: FiscalYear, source: CopySource
) -> CompositeCommand:
    """Plan ``fiscal_year`` like the year before: each month's planned spend and leads
    become that month's planned (or actual) figures of last year. A month with no plan
    last year counts as nothing planned; a month whose actuals were never recorded is
    left as it is, and so is a locked month. Refused when last year holds nothing to
    copy, or when every month of ``fiscal_year`` is locked."""
    last_year = fiscal_year + -1
    open_months = [m for m in fiscal_year.months if not is_locked(uow, m)]
    if not open_months:
        raise ValidationError(locked_message(fiscal_year.last_month))
    parts: list[Command] = []
    found = False
    for channel_id in channel_ids:
        _channel(uow, channel_id)
        before = _stored_figures(uow, channel_id, last_year.months)
        for field in PLAN_FIELDS:
            take = field if source is CopySource.PLAN else field.replace("planned", "actual")
            values: dict[Month, Any] = {}
            for month in open_months:
                row = before.get(month + -12)
                value = None if row is None else getattr(row, take)
                if value is None and source is CopySource.ACTUAL:
                    continue
                found = found or row is not None
                values[month] = value or 0
            parts.extend(_set_many(uow, "", channel_id, field, values).parts)
    if not found:
        what = "plan" if source is CopySource.PLAN else "actual figures"
        raise ValidationError(f"There is no {what} in {last_year.label} to copy.")
    return CompositeCommand("Copy From Last Year", parts, Change.CHANNEL_MONTHS)


def fill_right(
    uow: UnitOfWork, channel_id: int, field: str, months: Sequence[Month], value: Any
) -> CompositeCommand:
    """Give every month in ``months`` the figure ``value`` (as typed or read from the
    first cell): "the same as January for the rest of the year"."""
    if field not in MONTH_FIELDS:
        raise ValidationError(f"{field} cannot be filled.", field)
    stored = validate_field(ChannelMonth, field, value)
    _channel(uow, channel_id)
    return _set_many(uow, "Fill Right", channel_id, field, dict.fromkeys(months, stored))
