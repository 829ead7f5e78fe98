"""Applying the figures an owner changed in an exported workbook, as ONE undo step.

``planner.io.excel_import`` reads the workbook and says what differs from the plan as
plain edits (the classes below, each with the cell it came from). ``workbook_command``
turns them into one ``CompositeCommand`` ("Import from Excel") whose parts are the same
use cases the tabs run (targets, channel figures, actual sales, deals), so every rule of
the app holds: locked months, a breakdown that adds up, a lost deal needs a reason.

Each part is built when it is applied, not before, because the parts of one month or one
deal build on each other (a part target moves the month's total; a deal's fields are
saved after its stage moved). ``check_edits`` applies every part in a transaction that is
never committed, each in a savepoint, and collects every refusal with its cell: so the
preview lists all problems at once, and Apply stores either everything or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from planner.db.models import Channel, Deal
from planner.db.plan import Plan, UnitOfWork
from planner.domain.money import from_minor
from planner.domain.periods import Month
from planner.services.actuals import set_actual
from planner.services.channels import SetMonthFigure
from planner.services.commands import Change, Command, CompositeCommand, UpdateFields
from planner.services.deals import DealFields, add_deal, move_deal, update_deal
from planner.services.errors import NotFoundError, ValidationError
from planner.services.targets import Part, month_total_minor, set_month_target, set_part_target

LABEL = "Import from Excel"


@dataclass(frozen=True)
class TargetEdit:
    """A month's revenue target of the whole business (``part`` None) or of one part."""

    where: str  # the cell, "Targets!E7"
    month: Month
    part: Part | None
    item_id: int | None
    name: str  # "Whole business", or the offering, segment or rep
    old_minor: int
    new_minor: int | None  # None: the cell was cleared


@dataclass(frozen=True)
class ChannelEdit:
    """One figure of one channel in one month, in stored form (minor units, a count)."""

    where: str
    channel_id: int
    channel: str
    month: Month
    field: str  # a ChannelMonth column
    label: str  # "Actual spend"
    old: int | None
    new: int | None


@dataclass(frozen=True)
class ActualEdit:
    """Actual revenue (minor units) or units sold of a month and offering (None: none)."""

    where: str
    month: Month
    offering_id: int | None
    offering: str
    figure: Literal["revenue", "units"]
    old: int | None
    new: int | None


@dataclass(frozen=True)
class DealEdit:
    """A deal changed (``deal_id``) or added (None): its complete new fields, whether its
    stage moves (to a lost stage it needs ``lost_reason_id``), whether its other fields
    change, and a lost reason that changes on a deal staying lost."""

    where: str  # the row's first cell
    deal_id: int | None
    fields: DealFields  # stage_id is always set
    stage_moves: bool
    lost: bool  # the new stage is a lost stage
    lost_reason_id: int | None
    fields_change: bool
    reason_changes: bool
    details: tuple[str, ...]  # what changes, in words, for the preview
    cells: dict[str, str] = field(default_factory=dict)  # a field's cell, for its refusals


@dataclass
class WorkbookEdits:
    targets: list[TargetEdit] = field(default_factory=list)
    # The workbook's whole-business target of months where only parts were edited: a part
    # lowered in a fully assigned month would pull the total down with it (the Targets
    # tab's rule), but the workbook still says this total, and the owner saw the rest as
    # "Not assigned" there; so the total is put back to it after the parts.
    kept_totals: dict[Month, int] = field(default_factory=dict)
    channels: list[ChannelEdit] = field(default_factory=list)
    actuals: list[ActualEdit] = field(default_factory=list)
    deals: list[DealEdit] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.targets) + len(self.channels) + len(self.actuals) + len(self.deals)


@dataclass
class Deferred:
    """A part built from the plan as it is when applied (after the parts before it), then
    kept, so undo reverts and redo re-applies exactly what was done."""

    where: str
    changes: Change
    build: Callable[[UnitOfWork], Command]
    label: str = LABEL
    after: Deferred | None = None  # a part this one needs (the deal it moves was added)
    cells: dict[str, str] = field(default_factory=dict)  # field -> cell, for refusals
    built: Command | None = None

    def apply(self, uow: UnitOfWork) -> None:
        if self.built is None:
            self.built = self.build(uow)
        self.built.apply(uow)

    def revert(self, uow: UnitOfWork) -> None:
        if self.built is not None:
            self.built.revert(uow)


def _money(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor(minor)


def _target_parts(edits: Sequence[TargetEdit]) -> list[Deferred]:
    # A month's parts first, then its total: raising the total after the parts (or lowering
    # the parts before the total) is how an owner edits both, and the last word on the
    # total stays the owner's.
    ordered = sorted(edits, key=lambda e: (e.month, e.part is None))
    parts = []
    for edit in ordered:
        amount = _money(edit.new_minor)
        if edit.part is None:

            def build(uow: UnitOfWork, e: TargetEdit = edit, a: Decimal | None = amount) -> Command:
                return set_month_target(uow, e.month, a)
        else:

            def build(uow: UnitOfWork, e: TargetEdit = edit, a: Decimal | None = amount) -> Command:
                assert e.part is not None and e.item_id is not None
                return set_part_target(uow, e.month, e.part, e.item_id, a)

        parts.append(Deferred(edit.where, Change.TARGETS, build))
    return parts


def _keep_total(month: Month, minor: int, where: str) -> Deferred:
    def build(uow: UnitOfWork) -> Command:
        if month_total_minor(uow, month) >= minor:
            return CompositeCommand(LABEL, [])  # the parts kept or raised it: nothing to do
        return set_month_target(uow, month, from_minor(minor))

    return Deferred(where, Change.TARGETS, build)


def _channel_part(edit: ChannelEdit) -> Deferred:
    def build(uow: UnitOfWork) -> Command:
        if uow.session.get(Channel, edit.channel_id) is None:
            raise NotFoundError(f"The channel '{edit.channel}' no longer exists.")
        return SetMonthFigure(edit.channel_id, edit.month, edit.field, edit.new, LABEL)

    return Deferred(edit.where, Change.CHANNEL_MONTHS, build)


def _actual_part(edit: ActualEdit) -> Deferred:
    def build(uow: UnitOfWork) -> Command:
        value: Decimal | int | None = edit.new
        if edit.figure == "revenue":
            value = _money(edit.new)
        return set_actual(uow, edit.month, edit.offering_id, edit.figure, value)

    return Deferred(edit.where, Change.ACTUALS, build)


def _deal_parts(edit: DealEdit, today: dt.date) -> list[Deferred]:
    stage_id = edit.fields.stage_id
    assert stage_id is not None
    if edit.deal_id is None:
        # A new lost deal is added in the first stage, then lost: add_deal refuses a lost
        # stage because losing needs a reason, which move_deal takes.
        first = replace(edit.fields, stage_id=None) if edit.lost else None
        add = Deferred(
            edit.where, Change.DEALS, lambda uow: add_deal(uow, first or edit.fields, today=today)
        )
        if not edit.lost:
            return [add]

        def lose(uow: UnitOfWork) -> Command:
            added = add.built
            deal_id = getattr(added, "deal_id", None)
            if deal_id is None:
                raise NotFoundError("The new deal could not be added.")
            return move_deal(
                uow, deal_id, stage_id, today=today, lost_reason_id=edit.lost_reason_id
            )

        return [add, Deferred(edit.where, Change.DEALS, lose, after=add)]
    deal_id = edit.deal_id
    parts = []
    if edit.stage_moves:
        parts.append(
            Deferred(
                edit.where,
                Change.DEALS,
                lambda uow: move_deal(
                    uow, deal_id, stage_id, today=today, lost_reason_id=edit.lost_reason_id
                ),
            )
        )
    if edit.fields_change:
        parts.append(
            Deferred(
                edit.where,
                Change.DEALS,
                lambda uow: update_deal(uow, deal_id, edit.fields, today=today),
            )
        )
    if edit.reason_changes and not edit.stage_moves:

        def reason(uow: UnitOfWork) -> Command:
            deal = uow.session.get(Deal, deal_id)
            if deal is None:
                raise NotFoundError("That deal no longer exists.")
            return UpdateFields(
                Deal, deal_id, {"lost_reason_id": deal.lost_reason_id},
                {"lost_reason_id": edit.lost_reason_id}, "Change Lost Reason", Change.DEALS,
            )  # fmt: skip

        parts.append(Deferred(edit.where, Change.DEALS, reason))
    return parts


def workbook_command(edits: WorkbookEdits, *, today: dt.date) -> CompositeCommand:
    """The one undo step that stores ``edits`` (not yet applied)."""
    parts: list[Deferred] = _target_parts(edits.targets)
    edited = {e.month: e.where for e in edits.targets if e.part is not None}
    parts += [
        _keep_total(m, minor, edited[m]) for m, minor in edits.kept_totals.items() if m in edited
    ]
    parts += [_channel_part(e) for e in edits.channels]
    parts += [_actual_part(e) for e in edits.actuals]
    for edit in edits.deals:
        for part in _deal_parts(edit, today):
            part.cells = edit.cells
            parts.append(part)
    return CompositeCommand(LABEL, parts)


@dataclass(frozen=True)
class CheckResult:
    """What a trial run found: refusals (cell, sentence), and the month totals of the
    whole business that change because a part of them did (month -> old, new minor)."""

    problems: list[tuple[str, str]]
    totals_follow: dict[Month, tuple[int, int]]


def check_edits(plan: Plan, edits: WorkbookEdits, *, today: dt.date) -> CheckResult:
    """Apply ``edits`` on trial (never committed) and report every part that is refused."""
    command = workbook_command(edits, today=today)
    problems: list[tuple[str, str]] = []
    failed: set[int] = set()
    edited_totals = {e.month for e in edits.targets if e.part is None}
    watched = sorted({e.month for e in edits.targets if e.part is not None} - edited_totals)
    follow: dict[Month, tuple[int, int]] = {}
    with plan.uow() as uow:
        before = {month: month_total_minor(uow, month) for month in watched}
        for part in command.parts:
            assert isinstance(part, Deferred)
            if part.after is not None and id(part.after) in failed:
                failed.add(id(part))
                continue
            try:
                with uow.session.begin_nested():
                    part.apply(uow)
                    uow.flush()
            except ValidationError as exc:
                problems.append((part.cells.get(exc.field or "", part.where), str(exc)))
                failed.add(id(part))
            except NotFoundError as exc:
                problems.append((part.where, str(exc)))
                failed.add(id(part))
            except SQLAlchemyError as exc:
                reason = getattr(exc, "orig", None) or exc.__class__.__name__
                problems.append((part.where, f"this change cannot be stored ({reason})."))
                failed.add(id(part))
        for month in watched:
            after = month_total_minor(uow, month)
            if after != before[month]:
                follow[month] = (before[month], after)
        # Leaving the block rolls everything back: this was only a trial.
    return CheckResult(problems, follow)
