"""Use cases of the pipeline: add, edit, move, win, lose and reopen a deal.

Each function validates its input, reads what it needs and returns ONE command (not yet
applied) that changes the deal and records what happened in its history (``DealEvent``
rows: "created", "stage", "close_date", "won", "lost", "reopened"). Undo restores the
deal's fields and deletes exactly the history rows the command added, so the deal's age,
days in stage and slips go back too. A redo re-creates the same rows with the same ids.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete

from planner.db.models import (
    Channel,
    Deal,
    DealEvent,
    LostReason,
    Offering,
    SalesRep,
    Segment,
    Stage,
)
from planner.db.plan import UnitOfWork
from planner.domain.money import to_minor
from planner.domain.pipeline import DealStatus
from planner.services.commands import Change
from planner.services.edit import check_close_date, clean_text
from planner.services.errors import NotFoundError, ValidationError

LOST_REASON_REQUIRED = "Choose why the deal was lost."


@dataclass(frozen=True)
class DealFields:
    """What the deal form edits. ``probability`` None means "use the stage's"; a
    ``stage_id`` of None means the first stage of the pipeline."""

    customer: str
    title: str = ""
    offering_id: int | None = None
    segment_id: int | None = None
    channel_id: int | None = None
    owner_id: int | None = None
    amount: Decimal = Decimal(0)
    probability: int | None = None
    stage_id: int | None = None
    expected_close: dt.date | None = None
    notes: str = ""


@dataclass
class DealCommand:
    """Set fields of a deal (or create it when ``old`` is None) and add history rows."""

    label: str
    deal_id: int | None
    old: dict[str, Any] | None
    new: dict[str, Any]
    events: list[tuple[str, str, str]]  # kind, old value, new value
    happened_on: dt.date
    changes: Change = Change.DEALS
    event_ids: list[int] = field(default_factory=list)

    def apply(self, uow: UnitOfWork) -> None:
        session = uow.session
        if self.old is None:
            values = dict(self.new)
            if self.deal_id is not None:
                values["id"] = self.deal_id  # a redo recreates the same record
            deal = Deal(**values)
            session.add(deal)
            session.flush()
            self.deal_id = deal.id
        else:
            deal = _deal(uow, self.deal_id)
            for name, value in self.new.items():
                setattr(deal, name, value)
        rows = []
        for n, (kind, old, new) in enumerate(self.events):
            row = DealEvent(
                deal_id=self.deal_id, happened_on=self.happened_on, kind=kind,
                old_value=old[:200], new_value=new[:200],
            )  # fmt: skip
            if len(self.event_ids) == len(self.events):
                row.id = self.event_ids[n]
            session.add(row)
            rows.append(row)
        session.flush()
        self.event_ids = [row.id for row in rows]

    def revert(self, uow: UnitOfWork) -> None:
        session = uow.session
        if self.event_ids:
            session.execute(delete(DealEvent).where(DealEvent.id.in_(self.event_ids)))
        deal = _deal(uow, self.deal_id)
        if self.old is None:
            session.delete(deal)
        else:
            for name, value in self.old.items():
                setattr(deal, name, value)
        session.flush()


# -- use cases -----------------------------------------------------------------------------


def add_deal(uow: UnitOfWork, fields: DealFields, *, today: dt.date) -> DealCommand:
    """A new deal, created today in its stage ("Add Deal")."""
    values, stage = _validated(uow, fields)
    if stage.is_lost:
        raise ValidationError(LOST_REASON_REQUIRED, "stage")
    check_close_date(values["expected_close"], today)
    values.update(created_on=today, lost_reason_id=None)
    events = [("created", "", stage.name)]
    if stage.is_won:
        values.update(status=DealStatus.WON.value, closed_on=today)
        events.append(("won", "", ""))
    else:
        values.update(status=DealStatus.OPEN.value, closed_on=None)
    return DealCommand("Add Deal", None, None, values, events, today)


def update_deal(
    uow: UnitOfWork, deal_id: int, fields: DealFields, *, today: dt.date
) -> DealCommand:
    """Save the deal form ("Edit Deal"): a stage or close date change is recorded in the
    history; a move to the won or lost stage goes through ``move_deal``'s rules."""
    deal = _deal(uow, deal_id)
    values, stage = _validated(uow, fields)
    if values["expected_close"] != deal.expected_close:
        check_close_date(values["expected_close"], deal.created_on)
    events: list[tuple[str, str, str]] = []
    if stage.id != deal.stage_id:
        move = move_deal(uow, deal_id, stage.id, today=today)
        values.update(move.new)
        events.extend(move.events)
    if values["expected_close"] != deal.expected_close:
        events.append(("close_date", _iso(deal.expected_close), _iso(values["expected_close"])))
    old = {name: getattr(deal, name) for name in values}
    return DealCommand("Edit Deal", deal_id, old, values, events, today)


def move_deal(
    uow: UnitOfWork,
    deal_id: int,
    stage_id: int,
    *,
    today: dt.date,
    lost_reason_id: int | None = None,
) -> DealCommand:
    """Move a deal to another stage ("Move Deal to Proposal"). A won stage wins it, a lost
    stage loses it (which needs a reason), an open stage reopens a closed deal."""
    deal = _deal(uow, deal_id)
    stage = _stage(uow, stage_id)
    old_stage = _stage(uow, deal.stage_id)
    new: dict[str, Any] = {"stage_id": stage.id}
    events: list[tuple[str, str, str]] = []
    if stage.id != old_stage.id:
        events.append(("stage", old_stage.name, stage.name))
    if stage.is_lost:
        if lost_reason_id is None:
            raise ValidationError(LOST_REASON_REQUIRED, "lost_reason")
        reason = uow.session.get(LostReason, lost_reason_id)
        if reason is None:
            raise ValidationError("That lost reason no longer exists.", "lost_reason")
        if deal.status == DealStatus.LOST.value and deal.lost_reason_id == reason.id:
            raise ValidationError("The deal is already lost for that reason.", "stage")
        new.update(status=DealStatus.LOST.value, closed_on=today, lost_reason_id=reason.id)
        events.append(("lost", "", reason.name))
    elif stage.is_won:
        if deal.status == DealStatus.WON.value:
            raise ValidationError("The deal is already won.", "stage")
        new.update(status=DealStatus.WON.value, closed_on=today, lost_reason_id=None)
        events.append(("won", "", ""))
    else:
        if stage.id == old_stage.id:
            raise ValidationError(f"The deal is already in {stage.name}.", "stage")
        if deal.status != DealStatus.OPEN.value:
            events.append(("reopened", "", stage.name))
        new.update(status=DealStatus.OPEN.value, closed_on=None, lost_reason_id=None)
    old = {name: getattr(deal, name) for name in new}
    return DealCommand(f"Move Deal to {stage.name}", deal_id, old, new, events, today)


def win_deal(uow: UnitOfWork, deal_id: int, *, today: dt.date) -> DealCommand:
    """Mark a deal won today ("Win Deal")."""
    command = move_deal(uow, deal_id, _closing_stage(uow, won=True).id, today=today)
    command.label = "Win Deal"
    return command


def lose_deal(
    uow: UnitOfWork, deal_id: int, lost_reason_id: int | None, *, today: dt.date
) -> DealCommand:
    """Mark a deal lost today for a reason ("Lose Deal"); the reason is required."""
    if lost_reason_id is None:
        raise ValidationError(LOST_REASON_REQUIRED, "lost_reason")
    stage = _closing_stage(uow, won=False)
    command = move_deal(uow, deal_id, stage.id, today=today, lost_reason_id=lost_reason_id)
    command.label = "Lose Deal"
    return command


def reopen_deal(uow: UnitOfWork, deal_id: int, stage_id: int, *, today: dt.date) -> DealCommand:
    """Put a won or lost deal back into an open stage ("Reopen Deal")."""
    deal = _deal(uow, deal_id)
    if deal.status == DealStatus.OPEN.value:
        raise ValidationError("The deal is still open.", "stage")
    stage = _stage(uow, stage_id)
    if stage.is_won or stage.is_lost:
        raise ValidationError("Choose an open stage to reopen the deal in.", "stage")
    command = move_deal(uow, deal_id, stage_id, today=today)
    command.label = "Reopen Deal"
    return command


def change_close_date(
    uow: UnitOfWork, deal_id: int, expected_close: dt.date | None, *, today: dt.date
) -> DealCommand:
    """Move the expected close date ("Change Expected Close"); counted as a slip."""
    deal = _deal(uow, deal_id)
    check_close_date(expected_close, deal.created_on)
    events = []
    if expected_close != deal.expected_close:
        events.append(("close_date", _iso(deal.expected_close), _iso(expected_close)))
    return DealCommand(
        "Change Expected Close", deal_id, {"expected_close": deal.expected_close},
        {"expected_close": expected_close}, events, today,
    )  # fmt: skip


# -- helpers -------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _deal(uow: UnitOfWork, deal_id: int | None) -> Deal:
    deal = None if deal_id is None else uow.session.get(Deal, deal_id)
    if deal is None:
        raise NotFoundError("That deal no longer exists.")
    return deal


def _stage(uow: UnitOfWork, stage_id: int | None) -> Stage:
    stage = None if stage_id is None else uow.session.get(Stage, stage_id)
    if stage is None:
        raise ValidationError("That stage no longer exists; choose another.", "stage")
    return stage


def _closing_stage(uow: UnitOfWork, *, won: bool) -> Stage:
    column = Stage.is_won if won else Stage.is_lost
    stage = uow.session.query(Stage).filter(column.is_(True)).order_by(Stage.position).first()
    if stage is None:
        raise ValidationError(f"The pipeline has no {'won' if won else 'lost'} stage.", "stage")
    return stage


def _first_stage(uow: UnitOfWork) -> Stage:
    stage = (
        uow.session.query(Stage)
        .filter(Stage.is_won.is_(False), Stage.is_lost.is_(False))
        .order_by(Stage.position, Stage.id)
        .first()
    )
    if stage is None:
        raise ValidationError("The pipeline has no open stage.", "stage")
    return stage


_LINKS: tuple[tuple[str, type[Any], str], ...] = (
    ("offering_id", Offering, "offering"),
    ("segment_id", Segment, "segment"),
    ("channel_id", Channel, "source channel"),
    ("owner_id", SalesRep, "owner"),
)


def _validated(uow: UnitOfWork, fields: DealFields) -> tuple[dict[str, Any], Stage]:
    """The record values of ``fields`` and its stage; raises ValidationError naming the
    field (``error.field``) with a plain message."""
    customer = clean_text(fields.customer)
    if not customer:
        raise ValidationError("Enter the customer's name.", "customer")
    if len(customer) > 200:
        raise ValidationError("Keep the customer's name under 200 characters.", "customer")
    title = clean_text(fields.title)
    if len(title) > 200:
        raise ValidationError("Keep the title under 200 characters.", "title")
    try:
        amount = to_minor(Decimal(fields.amount))
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError("Enter the amount as a number.", "amount") from None
    if amount < 0:
        raise ValidationError("An amount cannot be negative.", "amount")
    if amount >= 10**15:
        raise ValidationError("That amount is too large.", "amount")
    if fields.probability is not None and not 0 <= fields.probability <= 100:
        raise ValidationError("A probability is between 0 and 100 %.", "probability")
    notes = clean_text(fields.notes, multiline=True)
    if len(notes) > 20000:
        raise ValidationError("Keep the notes under 20,000 characters.", "notes")
    values: dict[str, Any] = {
        "customer": customer, "title": title, "amount_minor": amount,
        "probability": fields.probability, "expected_close": fields.expected_close,
        "notes": notes,
    }  # fmt: skip
    for name, model, what in _LINKS:
        key = getattr(fields, name)
        if key is not None and uow.session.get(model, key) is None:
            raise ValidationError(f"That {what} no longer exists; choose another.", name)
        values[name] = key
    stage = _first_stage(uow) if fields.stage_id is None else _stage(uow, fields.stage_id)
    values["stage_id"] = stage.id
    return values, stage
