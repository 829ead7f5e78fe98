"""Use cases for the plan's pipeline stages: rename, set the default probability, reorder,
add and delete.

Every pipeline keeps exactly one won and one lost stage, at its end; the open stages
before them are the owner's to shape. A stage holding deals cannot be deleted (the
message says how many), so no deal is ever left without a stage. Each function returns
one command, not yet applied.
"""

from __future__ import annotations

from sqlalchemy import func, select

from planner.db.models import Deal, Stage
from planner.db.plan import UnitOfWork
from planner.services.commands import Change, CompositeCommand, DeleteRow, InsertRow, UpdateFields
from planner.services.edit import clean_text
from planner.services.errors import NotFoundError, ValidationError


def _stage(uow: UnitOfWork, stage_id: int) -> Stage:
    stage = uow.session.get(Stage, stage_id)
    if stage is None:
        raise NotFoundError("That stage no longer exists.")
    return stage


def _clean_name(uow: UnitOfWork, name: str, stage_id: int | None) -> str:
    cleaned = clean_text(name)
    if not cleaned:
        raise ValidationError("Give the stage a name.", "name")
    if len(cleaned) > 100:
        raise ValidationError("Keep the stage name under 100 characters.", "name")
    clash = uow.session.scalar(
        select(Stage.name).where(
            func.lower(Stage.name) == cleaned.casefold(), Stage.id != (stage_id or 0)
        )
    )
    if clash is not None:
        raise ValidationError(f"There is already a stage called {clash}.", "name")
    return cleaned


def _clean_probability(probability: int) -> int:
    if not isinstance(probability, int) or not 0 <= probability <= 100:
        raise ValidationError("A probability is a whole number from 0 to 100 %.", "probability")
    return probability


def _open_stages(uow: UnitOfWork) -> list[Stage]:
    return list(
        uow.session.scalars(
            select(Stage)
            .where(Stage.is_won.is_(False), Stage.is_lost.is_(False))
            .order_by(Stage.position, Stage.id)
        )
    )


def rename_stage(uow: UnitOfWork, stage_id: int, name: str) -> UpdateFields:
    """Rename a stage ("Rename Stage"). Past history keeps the names it was written with."""
    stage = _stage(uow, stage_id)
    cleaned = _clean_name(uow, name, stage_id)
    return UpdateFields(
        Stage, stage_id, {"name": stage.name}, {"name": cleaned}, "Rename Stage", Change.STAGES
    )


def set_stage_probability(uow: UnitOfWork, stage_id: int, probability: int) -> UpdateFields:
    """The chance a deal in this stage is won, used when a deal has none of its own."""
    stage = _stage(uow, stage_id)
    if stage.is_won or stage.is_lost:
        raise ValidationError(
            "Won deals always count 100 % and lost deals 0 %; this cannot change.", "probability"
        )
    value = _clean_probability(probability)
    return UpdateFields(
        Stage, stage_id, {"probability": stage.probability}, {"probability": value},
        "Change Stage Probability", Change.STAGES,
    )  # fmt: skip


def move_stage(uow: UnitOfWork, stage_id: int, step: int) -> CompositeCommand:
    """Move an open stage one place earlier (step -1) or later (+1) in the pipeline."""
    stage = _stage(uow, stage_id)
    if stage.is_won or stage.is_lost:
        raise ValidationError("The won and lost stages stay at the end of the pipeline.")
    stages = _open_stages(uow)
    at = next(n for n, s in enumerate(stages) if s.id == stage_id)
    to = at + step
    if step not in (-1, 1) or not 0 <= to < len(stages):
        raise ValidationError(f"{stage.name} is already {'first' if step < 0 else 'last'}.")
    order = [s.id for s in stages]
    order[at], order[to] = order[to], order[at]
    parts = [
        UpdateFields(
            Stage,
            s.id,
            {"position": s.position},
            {"position": order.index(s.id)},
            "Move Stage",
            Change.STAGES,
        )
        for s in stages
        if s.position != order.index(s.id)
    ]
    return CompositeCommand(f"Move Stage {stage.name}", parts)


def add_stage(uow: UnitOfWork, name: str, probability: int) -> CompositeCommand:
    """A new open stage after the last open one, before won and lost ("Add Stage")."""
    cleaned = _clean_name(uow, name, None)
    value = _clean_probability(probability)
    opened = _open_stages(uow)
    position = len(opened)
    parts: list[UpdateFields | InsertRow] = []
    closing = uow.session.scalars(
        select(Stage).where((Stage.is_won.is_(True)) | (Stage.is_lost.is_(True)))
        .order_by(Stage.position, Stage.id)
    ).all()  # fmt: skip
    for n, stage in enumerate(closing, start=position + 1):
        if stage.position != n:
            parts.append(
                UpdateFields(
                    Stage,
                    stage.id,
                    {"position": stage.position},
                    {"position": n},
                    "Add Stage",
                    Change.STAGES,
                )
            )
    for n, stage in enumerate(opened):
        if stage.position != n:
            parts.append(
                UpdateFields(
                    Stage,
                    stage.id,
                    {"position": stage.position},
                    {"position": n},
                    "Add Stage",
                    Change.STAGES,
                )
            )
    parts.append(
        InsertRow(
            Stage,
            {
                "name": cleaned,
                "position": position,
                "probability": value,
                "is_won": False,
                "is_lost": False,
            },
            "Add Stage",
            Change.STAGES,
        )
    )
    return CompositeCommand("Add Stage", parts)


def deals_in_stage(uow: UnitOfWork, stage_id: int) -> int:
    return int(
        uow.session.scalar(select(func.count(Deal.id)).where(Deal.stage_id == stage_id)) or 0
    )


def delete_stage(uow: UnitOfWork, stage_id: int) -> DeleteRow:
    """Delete a stage no deal is in ("Delete Stage")."""
    stage = _stage(uow, stage_id)
    if stage.is_won or stage.is_lost:
        raise ValidationError(
            f"{stage.name} cannot be deleted: every pipeline keeps one won and one lost stage."
        )
    used = deals_in_stage(uow, stage_id)
    if used:
        deals = "1 deal is" if used == 1 else f"{used:,} deals are"
        raise ValidationError(
            f"{stage.name} cannot be deleted: {deals} in it. Move them to another stage first."
        )
    if len(_open_stages(uow)) <= 1:
        raise ValidationError("The pipeline needs at least one open stage.")
    return DeleteRow(Stage, stage_id, f"Delete Stage {stage.name}", Change.STAGES)
