"""Use cases of the Segments tab: add, delete and reorder segments, and link them to the
offerings and channels that serve them.

Each function validates its input inside a unit of work and returns a command (not yet
applied) for ``execute`` or ``PlanOperations.run``; field edits (name, customers, shares...)
go through ``planner.services.edit.change_field``. A deleted segment comes back on undo
with the segment named on its deals, its targets and its links (``DeleteRecord``). A
segment with targets in a locked month cannot be deleted (``check_segment_deletable``):
they would go with it, and locked months are closed books.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from planner.db.models import (
    Channel,
    Offering,
    Segment,
    SegmentChannel,
    SegmentOffering,
)
from planner.db.plan import UnitOfWork
from planner.services.commands import Change, Command, CompositeCommand, InsertRow, UpdateFields
from planner.services.edit import validate_field
from planner.services.errors import NotFoundError, ValidationError
from planner.services.locks import check_deletable
from planner.services.records import (
    DeleteRecord,
    SetLinks,
    dependents,
    describe_dependents,
    first_figure_month,
    links_of,
)

NEW_SEGMENT_NAME = "New segment"
# Deleting a segment clears it on deals and removes its targets and links.
DELETE_CHANGES = Change.SEGMENTS | Change.DEALS | Change.TARGETS
OFFERING_LINK_CHANGES = Change.SEGMENTS | Change.OFFERINGS
CHANNEL_LINK_CHANGES = Change.SEGMENTS | Change.CHANNELS


def _segment(uow: UnitOfWork, segment_id: int) -> Segment:
    segment = uow.session.get(Segment, segment_id)
    if segment is None:
        raise NotFoundError("That segment no longer exists.")
    return segment


def _name_taken(uow: UnitOfWork, name: str) -> bool:
    same = select(func.count()).select_from(Segment).where(func.lower(Segment.name) == name.lower())
    return bool(uow.session.scalar(same))


def free_segment_name(uow: UnitOfWork, base: str = NEW_SEGMENT_NAME) -> str:
    """``base``, or ``base 2``, ``base 3``... whichever no segment has yet."""
    name, number = base, 1
    while _name_taken(uow, name):
        number += 1
        name = f"{base} {number}"
    return name


def add_segment(uow: UnitOfWork, name: str | None = None) -> InsertRow:
    """A new segment at the end of the list, called ``name`` (or "New segment", numbered
    when taken). Its shares start at 100 % serviceable, 0 % obtainable: nothing counted in
    its market until the owner fills it in."""
    if name is None:
        stored = free_segment_name(uow)
    else:
        stored = str(validate_field(Segment, "name", name))
        if _name_taken(uow, stored):
            raise ValidationError(f"There is already a segment called '{stored}'.", "name")
    last = uow.session.scalar(select(func.max(Segment.position)))
    return InsertRow(
        Segment,
        {"name": stored, "position": 0 if last is None else last + 1},
        "Add Segment",
        Change.SEGMENTS,
    )


def check_segment_deletable(uow: UnitOfWork, segment_id: int) -> None:
    """Refuse deleting a segment with a target other than zero in a locked month (its
    targets are deleted with it). Segments cannot be archived: unticking Targeted sets
    one aside."""
    segment = _segment(uow, segment_id)
    first = first_figure_month(uow, Segment, segment_id)
    check_deletable(uow, segment.name, first, "Untick Targeted to set it aside instead")


def delete_segment(uow: UnitOfWork, segment_id: int) -> DeleteRecord:
    """Delete a segment; undo restores it with its targets, its links and the deals naming
    it. Refused when it has targets in a locked month (``check_segment_deletable``)."""
    check_segment_deletable(uow, segment_id)
    return DeleteRecord(
        Segment, segment_id, "Delete Segment", DELETE_CHANGES, check=check_segment_deletable
    )


def segment_dependents(uow: UnitOfWork, segment_id: int) -> str:
    """What deleting the segment touches, for the question asked first: "12 deals and 3
    channel links" (empty when nothing depends on it). Refused (``ValidationError``)
    before anything is asked when it cannot be deleted."""
    check_segment_deletable(uow, segment_id)
    return describe_dependents(dependents(uow, Segment, segment_id))


def move_segment(uow: UnitOfWork, segment_id: int, offset: int) -> Command | None:
    """Move a segment ``offset`` places down the list (negative: up); None when it cannot
    move that way. Positions are renumbered 0, 1, 2... in the list order, so segments that
    shared a position (older plans) end up in a definite order."""
    _segment(uow, segment_id)
    order = [
        (row_id, position)
        for row_id, position in uow.session.execute(
            select(Segment.id, Segment.position).order_by(Segment.position, Segment.name)
        )
    ]
    ids = [row_id for row_id, _ in order]
    here = ids.index(segment_id)
    there = here + offset
    if offset == 0 or not 0 <= there < len(ids):
        return None
    ids.insert(there, ids.pop(here))
    old = dict(order)
    parts = [
        UpdateFields(
            Segment, row_id, {"position": old[row_id]}, {"position": n}, "", Change.SEGMENTS
        )
        for n, row_id in enumerate(ids)
        if old[row_id] != n
    ]
    return CompositeCommand("Move Segment", parts)


def _checked_ids(
    uow: UnitOfWork, model: type[Offering] | type[Channel], ids: Iterable[int]
) -> frozenset[int]:
    wanted = frozenset(int(i) for i in ids)
    if wanted:
        known = uow.session.scalars(select(model.id).where(model.id.in_(wanted)))
        missing = wanted - set(known)
        if missing:
            kind = model.__tablename__
            raise NotFoundError(f"That {kind} no longer exists.")
    return wanted


def set_segment_offerings(
    uow: UnitOfWork, segment_id: int, offering_ids: Iterable[int]
) -> SetLinks | None:
    """Make exactly ``offering_ids`` the offerings serving the segment; None if unchanged."""
    _segment(uow, segment_id)
    wanted = _checked_ids(uow, Offering, offering_ids)
    if wanted == links_of(uow, SegmentOffering, "segment_id", segment_id, "offering_id"):
        return None
    return SetLinks(
        SegmentOffering,
        "segment_id",
        segment_id,
        "offering_id",
        wanted,
        "Change Offerings for Segment",
        OFFERING_LINK_CHANGES,
    )


def set_segment_channels(
    uow: UnitOfWork, segment_id: int, channel_ids: Iterable[int]
) -> SetLinks | None:
    """Make exactly ``channel_ids`` the channels reaching the segment; None if unchanged."""
    _segment(uow, segment_id)
    wanted = _checked_ids(uow, Channel, channel_ids)
    if wanted == links_of(uow, SegmentChannel, "segment_id", segment_id, "channel_id"):
        return None
    return SetLinks(
        SegmentChannel,
        "segment_id",
        segment_id,
        "channel_id",
        wanted,
        "Change Channels for Segment",
        CHANNEL_LINK_CHANGES,
    )
