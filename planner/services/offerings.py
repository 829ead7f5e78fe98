"""Use cases of the Marketing mix tab: adding, naming, copying, ordering, archiving and
deleting offerings, and linking them to the segments they serve and the channels that sell
and promote them.

Each function validates its input, reads what it needs from the unit of work and returns
one command (not yet applied) that ``PlanOperations.run`` applies as one undo step. Field
edits of the 4Ps themselves go through ``planner.services.edit.change_field``.

An offering with targets or actual sales in a locked month (Targets > "Lock months…")
cannot be deleted: its targets would go with it and its actual sales would no longer name
it, which changes closed books. It can be archived instead (``check_offering_deletable``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from planner.db.models import (
    Channel,
    Offering,
    OfferingChannel,
    Segment,
    SegmentOffering,
)
from planner.db.plan import UnitOfWork
from planner.services.commands import Change, InsertRow, UpdateFields
from planner.services.edit import clean_text, field_rule, money
from planner.services.errors import NotFoundError, ValidationError
from planner.services.locks import check_deletable
from planner.services.records import (
    DeleteRecord,
    SetLinks,
    dependents,
    describe_dependents,
    first_figure_month,
)

# Deleting an offering can touch every part of the plan that names it.
DELETE_CHANGES = (
    Change.OFFERINGS | Change.SEGMENTS | Change.CHANNELS | Change.DEALS | Change.TARGETS
    | Change.ACTUALS
)  # fmt: skip
LINK_CHANGES = Change.OFFERINGS | Change.CHANNELS
NEW_NAME = "New offering"
# Rows that keep existing when their offering goes and only stop naming it (ON DELETE SET
# NULL); every other dependent is deleted with the offering.
_UNLINKED = {"deal", "deals", "month of actual sales", "months of actual sales"}


def _offering(uow: UnitOfWork, offering_id: int) -> Offering:
    offering = uow.session.get(Offering, offering_id)
    if offering is None:
        raise NotFoundError("That offering no longer exists.")
    return offering


def check_name(uow: UnitOfWork, name: str, *, other_than: int | None = None) -> str:
    """``name`` trimmed, or ValidationError when it is empty, too long or already taken."""
    if not clean_text(name):
        raise ValidationError("An offering needs a name.", "name")
    try:
        cleaned = str(field_rule(Offering, "name").rule(name))
    except ValidationError as exc:
        raise ValidationError(str(exc), "name") from None
    clash = select(func.count()).where(func.lower(Offering.name) == cleaned.lower())
    if other_than is not None:
        clash = clash.where(Offering.id != other_than)
    if uow.session.scalar(clash):
        raise ValidationError(f"There is already an offering called '{cleaned}'.", "name")
    return cleaned


def free_name(uow: UnitOfWork, base: str = NEW_NAME) -> str:
    """``base``, or ``base 2``, ``base 3``... whichever no offering is called yet."""
    taken = {n.lower() for n in uow.session.scalars(select(Offering.name))}
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base} {n}"
    return candidate


def add_offering(uow: UnitOfWork, name: str) -> InsertRow:
    """A new, empty offering at the end of the list; ``new_id`` is set once applied."""
    cleaned = check_name(uow, name)
    last = uow.session.scalar(select(func.max(Offering.position)))
    return InsertRow(
        Offering,
        {"name": cleaned, "position": (last or 0) + 1, "archived": False},
        "Add Offering",
        Change.OFFERINGS,
    )


def rename_offering(uow: UnitOfWork, offering_id: int, name: str) -> UpdateFields:
    offering = _offering(uow, offering_id)
    cleaned = check_name(uow, name, other_than=offering_id)
    return UpdateFields(
        Offering, offering_id, {"name": offering.name}, {"name": cleaned},
        "Rename Offering", Change.OFFERINGS,
    )  # fmt: skip


def set_archived(uow: UnitOfWork, offering_id: int, archived: bool) -> UpdateFields:
    """Archive (hide from the list and from choices, keep for history) or bring back."""
    offering = _offering(uow, offering_id)
    return UpdateFields(
        Offering, offering_id, {"archived": offering.archived}, {"archived": archived},
        "Archive Offering" if archived else "Unarchive Offering", Change.OFFERINGS,
    )  # fmt: skip


def _display_order(uow: UnitOfWork) -> list[Offering]:
    """Every offering as the list shows it: active first, then by the owner's order."""
    query = select(Offering).order_by(
        Offering.archived, Offering.position, Offering.name, Offering.id
    )
    return list(uow.session.scalars(query))


@dataclass
class SetPositions:
    """Give offerings new places in the list (``old`` restored on revert)."""

    old: dict[int, int]
    new: dict[int, int]
    label: str
    changes: Change = Change.OFFERINGS

    def _set(self, uow: UnitOfWork, positions: dict[int, int]) -> None:
        for offering_id, position in positions.items():
            _offering(uow, offering_id).position = position

    def apply(self, uow: UnitOfWork) -> None:
        self._set(uow, self.new)

    def revert(self, uow: UnitOfWork) -> None:
        self._set(uow, self.old)


def move_offering(uow: UnitOfWork, offering_id: int, delta: int) -> SetPositions:
    """Move an offering ``delta`` places (−1 up, +1 down) among the active, or among the
    archived, offerings; every position is renumbered so the order is unambiguous."""
    offering = _offering(uow, offering_id)
    order = _display_order(uow)
    group = [o for o in order if o.archived == offering.archived]
    index = group.index(offering)
    target = index + delta
    if not 0 <= target < len(group):
        where = "top" if delta < 0 else "bottom"
        raise ValidationError(f"'{offering.name}' is already at the {where} of the list.")
    group.insert(target, group.pop(index))
    active = [o for o in order if not o.archived]
    archived = [o for o in order if o.archived]
    arranged = (group + archived) if not offering.archived else (active + group)
    label = "Move Offering Up" if delta < 0 else "Move Offering Down"
    return SetPositions(
        old={o.id: o.position for o in order},
        new={o.id: n for n, o in enumerate(arranged)},
        label=label,
    )


_COPIED = [
    c.key for c in Offering.__mapper__.column_attrs if c.key not in ("id", "name", "position")
]


@dataclass
class DuplicateOffering:
    """Copy an offering with all its 4Ps and links, placed right after the original."""

    source_id: int
    name: str
    label: str = "Duplicate Offering"
    changes: Change = Change.OFFERINGS | Change.SEGMENTS | Change.CHANNELS
    new_id: int | None = None
    _positions: dict[int, int] = field(default_factory=dict)

    def apply(self, uow: UnitOfWork) -> None:
        session = uow.session
        source = _offering(uow, self.source_id)
        order = _display_order(uow)
        self._positions = {o.id: o.position for o in order}
        values: dict[str, Any] = {key: getattr(source, key) for key in _COPIED}
        values["archived"] = False  # a copy is made to be worked on
        copy = Offering(name=self.name, **values)
        if self.new_id is not None:
            copy.id = self.new_id
        session.add(copy)
        session.flush()
        self.new_id = copy.id
        # The copy goes right under the original, in the list of active offerings.
        arranged = [o for o in order if not o.archived]
        at = arranged.index(source) + 1 if source in arranged else len(arranged)
        arranged.insert(at, copy)
        arranged += [o for o in order if o.archived]
        for position, offering in enumerate(arranged):
            offering.position = position
        links = session.scalars(
            select(SegmentOffering.segment_id).where(SegmentOffering.offering_id == source.id)
        ).all()
        session.add_all(SegmentOffering(segment_id=s, offering_id=copy.id) for s in links)
        channel_links = session.scalars(
            select(OfferingChannel).where(OfferingChannel.offering_id == source.id)
        ).all()
        for link in channel_links:
            session.add(
                OfferingChannel(
                    offering_id=copy.id,
                    channel_id=link.channel_id,
                    sells=link.sells,
                    promotes=link.promotes,
                    yearly_budget_minor=link.yearly_budget_minor,
                )
            )
        session.flush()

    def revert(self, uow: UnitOfWork) -> None:
        session = uow.session
        session.execute(delete(SegmentOffering).where(SegmentOffering.offering_id == self.new_id))
        session.execute(delete(OfferingChannel).where(OfferingChannel.offering_id == self.new_id))
        session.delete(_offering(uow, self.new_id or 0))
        session.flush()
        for offering_id, position in self._positions.items():
            _offering(uow, offering_id).position = position


def duplicate_offering(uow: UnitOfWork, offering_id: int) -> DuplicateOffering:
    """A copy named "<name> (copy)" (or "(copy 2)"...) with the same 4Ps and links."""
    source = _offering(uow, offering_id)
    taken = {n.lower() for n in uow.session.scalars(select(Offering.name))}
    base, n = source.name[:190], 1
    name = f"{base} (copy)"
    while name.lower() in taken:
        n += 1
        name = f"{base} (copy {n})"
    return DuplicateOffering(offering_id, name)


def check_offering_deletable(uow: UnitOfWork, offering_id: int) -> None:
    """Refuse deleting an offering with figures in a locked month: a target other than
    zero (deleted with it), or an actual sale recorded for it (which would lose its
    offering)."""
    offering = _offering(uow, offering_id)
    first = first_figure_month(uow, Offering, offering_id)
    check_deletable(uow, offering.name, first, "Archive it instead")


def delete_offering(uow: UnitOfWork, offering_id: int) -> DeleteRecord:
    """Delete the offering; undo restores it with its targets, links and deals' mention.
    Refused when it has figures in a locked month (``check_offering_deletable``)."""
    check_offering_deletable(uow, offering_id)
    return DeleteRecord(
        Offering, offering_id, "Delete Offering", DELETE_CHANGES, check=check_offering_deletable
    )


def delete_question(uow: UnitOfWork, offering_id: int) -> str:
    """What to ask before deleting: "Delete 'Catering'? 12 deals will no longer name an
    offering, and its 24 targets will be deleted. You can undo this." Refused
    (``ValidationError``) before anything is asked when it cannot be deleted."""
    check_offering_deletable(uow, offering_id)
    name = _offering(uow, offering_id).name
    counts = dependents(uow, Offering, offering_id)
    unlinked = {k: n for k, n in counts.items() if k in _UNLINKED}
    deleted = {k: n for k, n in counts.items() if k not in _UNLINKED}
    parts = []
    if unlinked:
        parts.append(f"{describe_dependents(unlinked)} will no longer name an offering")
    if deleted:
        its = "its" if parts else "Its"
        parts.append(f"{its} {describe_dependents(deleted)} will be deleted")
    consequence = ", and ".join(parts) + "." if parts else "Nothing else in the plan uses it."
    return f"Delete '{name}'? {consequence} You can undo this."


def set_offering_segments(
    uow: UnitOfWork, offering_id: int, segment_ids: Iterable[int]
) -> SetLinks:
    """Make the offering serve exactly ``segment_ids``."""
    _offering(uow, offering_id)
    wanted = frozenset(int(s) for s in segment_ids)
    known = set(uow.session.scalars(select(Segment.id).where(Segment.id.in_(wanted))))
    if known != wanted:
        raise NotFoundError("One of those segments no longer exists.")
    return SetLinks(
        SegmentOffering, "offering_id", offering_id, "segment_id", wanted,
        "Change Target Segments", Change.OFFERINGS | Change.SEGMENTS,
    )  # fmt: skip


@dataclass
class SetOfferingChannel:
    """Put the offering-channel link into state ``new`` (None: no link), ``old`` on revert."""

    offering_id: int
    channel_id: int
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    label: str
    changes: Change = LINK_CHANGES

    @property
    def changes_nothing(self) -> bool:
        return self.old == self.new

    def _write(self, uow: UnitOfWork, state: dict[str, Any] | None) -> None:
        session = uow.session
        row = session.get(OfferingChannel, (self.offering_id, self.channel_id))
        if state is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                OfferingChannel(offering_id=self.offering_id, channel_id=self.channel_id, **state)
            )
        else:
            for key, value in state.items():
                setattr(row, key, value)
        session.flush()

    def apply(self, uow: UnitOfWork) -> None:
        self._write(uow, self.new)

    def revert(self, uow: UnitOfWork) -> None:
        self._write(uow, self.old)


def set_offering_channel(
    uow: UnitOfWork,
    offering_id: int,
    channel_id: int,
    *,
    sells: bool | None = None,
    promotes: bool | None = None,
    yearly_budget: Decimal | None = None,
) -> SetOfferingChannel:
    """Change how a channel sells or promotes the offering; arguments left None stay.

    A budget above zero means the channel promotes the offering; a channel that stops
    promoting it has no budget for it. A link that neither sells nor promotes is removed.
    """
    _offering(uow, offering_id)
    if uow.session.get(Channel, channel_id) is None:
        raise NotFoundError("That channel no longer exists.")
    row = uow.session.get(OfferingChannel, (offering_id, channel_id))
    old = None
    if row is not None:
        old = {"sells": row.sells, "promotes": row.promotes,
               "yearly_budget_minor": row.yearly_budget_minor}  # fmt: skip
    state = dict(old or {"sells": False, "promotes": False, "yearly_budget_minor": 0})
    label = "Change Sales Channels"
    if sells is not None:
        state["sells"] = bool(sells)
    if promotes is not None:
        state["promotes"] = bool(promotes)
        if not promotes:
            state["yearly_budget_minor"] = 0
        label = "Change Promotion Channels"
    if yearly_budget is not None:
        try:
            budget = money()(yearly_budget)
        except ValidationError as exc:
            exc.field = "yearly_budget"
            raise
        except (ArithmeticError, ValueError) as exc:
            raise ValidationError(str(exc), "yearly_budget") from None
        state["yearly_budget_minor"] = budget
        if budget > 0:
            state["promotes"] = True
        label = "Change Promotion Budget"
    empty = not state["sells"] and not state["promotes"] and not state["yearly_budget_minor"]
    return SetOfferingChannel(offering_id, channel_id, old, None if empty else state, label)
