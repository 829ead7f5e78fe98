"""Editing one field of one record: the rules each field must meet, and its undo label.

``change_field`` validates a typed value, reads the current one and returns an
``UpdateFields`` command (not yet applied). Money arrives as ``Decimal`` and is stored in
minor units; percentages with fractions arrive as ``Decimal`` percent and are stored in
basis points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from planner.db.models import (
    ActualSale,
    Base,
    Channel,
    ChannelMonth,
    Deal,
    LostReason,
    Offering,
    SalesRep,
    Segment,
    Stage,
    Target,
)
from planner.db.plan import UnitOfWork
from planner.domain.money import to_minor
from planner.domain.pipeline import CHANNEL_KINDS, LIFECYCLE_STAGES, PRICING_APPROACHES
from planner.services.commands import Change, UpdateFields
from planner.services.errors import NotFoundError, ValidationError

Rule = Callable[[Any], Any]


def text(max_len: int = 200, *, required: bool = False) -> Rule:
    def rule(value: Any) -> str:
        cleaned = "" if value is None else str(value).strip()
        if required and not cleaned:
            raise ValidationError("This cannot be empty.")
        if len(cleaned) > max_len:
            raise ValidationError(f"Keep this under {max_len} characters.")
        return cleaned

    return rule


def long_text(value: Any) -> str:
    return str(text(20000)(value))


def money(*, allow_negative: bool = False) -> Rule:
    def rule(value: Any) -> int:
        minor = to_minor(Decimal(str(value)) if not isinstance(value, Decimal) else value)
        if minor < 0 and not allow_negative:
            raise ValidationError("An amount cannot be negative here.")
        if abs(minor) >= 10**15:
            raise ValidationError("That amount is too large.")
        return minor

    return rule


def optional_money(value: Any) -> int | None:
    return None if value is None or value == "" else money()(value)


def count(*, optional: bool = False) -> Rule:
    def rule(value: Any) -> int | None:
        if value is None or value == "":
            if optional:
                return None
            raise ValidationError("Enter a whole number.")
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError(f"'{value}' is not a whole number.") from None
        if number != number.to_integral_value():
            raise ValidationError("Enter a whole number.")
        if number < 0:
            raise ValidationError("A count cannot be negative.")
        if number >= 10**12:
            raise ValidationError("That number is too large.")
        return int(number)

    return rule


def percent_bp(low: int = 0, high: int = 10000) -> Rule:
    def rule(value: Any) -> int:
        try:
            bp = int((Decimal(str(value)) * 100).to_integral_value())
        except ArithmeticError:
            raise ValidationError(f"'{value}' is not a percentage.") from None
        if not low <= bp <= high:
            raise ValidationError(f"Enter a percentage from {low / 100:g} to {high / 100:g}.")
        return bp

    return rule


def probability(value: Any) -> int | None:
    if value is None or value == "":
        return None
    number = count()(value)
    assert isinstance(number, int)
    if number > 100:
        raise ValidationError("A probability is between 0 and 100 %.")
    return number


def one_of(choices: tuple[str, ...], *, blank: bool = True) -> Rule:
    def rule(value: Any) -> str:
        chosen = "" if value is None else str(value)
        if chosen == "" and blank:
            return chosen
        if chosen not in choices:
            raise ValidationError(f"Choose one of: {', '.join(choices)}.")
        return chosen

    return rule


def date_or_none(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"'{value}' is not a date; write it as YYYY-MM-DD.") from None


def boolean(value: Any) -> bool:
    return bool(value)


def priority(value: Any) -> int:
    number = count()(value)
    if number not in (1, 2, 3):
        raise ValidationError("Priority is 1 (high), 2 (medium) or 3 (low).")
    return int(number)


@dataclass(frozen=True)
class FieldRule:
    label: str
    rule: Rule
    unique: bool = False


_NAME = FieldRule("Name", text(required=True), unique=True)

FIELDS: dict[type[Base], tuple[Change, dict[str, FieldRule]]] = {
    Offering: (
        Change.OFFERINGS,
        {
            "name": _NAME,
            "description": FieldRule("Description", long_text),
            "target_customers": FieldRule("Target Customers", long_text),
            "value_proposition": FieldRule("Value Proposition", long_text),
            "features": FieldRule("Features", long_text),
            "lifecycle_stage": FieldRule("Life-Cycle Stage", one_of(LIFECYCLE_STAGES)),
            "list_price_minor": FieldRule("List Price", money()),
            "unit_cost_minor": FieldRule("Unit Cost", money()),
            "pricing_approach": FieldRule("Pricing Approach", one_of(PRICING_APPROACHES)),
            "discount_policy": FieldRule("Discount Policy", long_text),
            "place": FieldRule("Place", long_text),
            "promotion_message": FieldRule("Message", long_text),
            "promotion_tactics": FieldRule("Tactics", long_text),
            "archived": FieldRule("Archived", boolean),
        },
    ),
    Segment: (
        Change.SEGMENTS,
        {
            "name": _NAME,
            "description": FieldRule("Description", long_text),
            "needs": FieldRule("Needs and Pains", long_text),
            "customers": FieldRule("Potential Customers", count()),
            "yearly_value_minor": FieldRule("Yearly Value", money()),
            "serviceable_bp": FieldRule("Serviceable Share", percent_bp()),
            "obtainable_bp": FieldRule("Obtainable Share", percent_bp()),
            "growth_bp": FieldRule("Growth", percent_bp(-10000, 100000)),
            "priority": FieldRule("Priority", priority),
            "targeted": FieldRule("Targeted", boolean),
        },
    ),
    Channel: (
        Change.CHANNELS,
        {
            "name": _NAME,
            "kind": FieldRule("Kind", one_of(CHANNEL_KINDS, blank=False)),
            "notes": FieldRule("Notes", long_text),
            "archived": FieldRule("Archived", boolean),
        },
    ),
    ChannelMonth: (
        Change.CHANNEL_MONTHS,
        {
            "planned_spend_minor": FieldRule("Planned Spend", money()),
            "actual_spend_minor": FieldRule("Actual Spend", optional_money),
            "planned_leads": FieldRule("Planned Leads", count()),
            "actual_leads": FieldRule("Actual Leads", count(optional=True)),
        },
    ),
    Deal: (
        Change.DEALS,
        {
            "customer": FieldRule("Customer", text(required=True)),
            "title": FieldRule("Title", text()),
            "amount_minor": FieldRule("Amount", money()),
            "probability": FieldRule("Probability", probability),
            "expected_close": FieldRule("Expected Close", date_or_none),
            "notes": FieldRule("Notes", long_text),
        },
    ),
    Stage: (
        Change.STAGES,
        {"name": _NAME, "probability": FieldRule("Probability", probability)},
    ),
    LostReason: (Change.LOST_REASONS, {"name": _NAME}),
    SalesRep: (Change.REPS, {"name": _NAME}),
    Target: (
        Change.TARGETS,
        {
            "revenue_minor": FieldRule("Target Revenue", money()),
            "units": FieldRule("Target Units", count(optional=True)),
        },
    ),
    ActualSale: (
        Change.ACTUALS,
        {
            "revenue_minor": FieldRule("Actual Revenue", money(allow_negative=True)),
            "units": FieldRule("Units Sold", count(optional=True)),
        },
    ),
}


def field_rule(model: type[Base], name: str) -> FieldRule:
    try:
        return FIELDS[model][1][name]
    except KeyError:
        raise ValidationError(f"{name} cannot be edited here.") from None


def validate_field(model: type[Base], name: str, value: Any) -> Any:
    """Return ``value`` converted for storage, or raise ``ValidationError`` with the reason."""
    try:
        return field_rule(model, name).rule(value)
    except ValidationError as exc:
        exc.field = name
        raise
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise ValidationError(str(exc), name) from None


def change_field(
    uow: UnitOfWork, model: type[Base], key: Any, name: str, value: Any
) -> UpdateFields:
    """Build the command that sets ``name`` of record ``key`` to ``value`` (validated)."""
    rule = field_rule(model, name)
    stored = validate_field(model, name, value)
    row = uow.session.get(model, key)
    if row is None:
        raise NotFoundError(f"That {model.__tablename__.replace('_', ' ')} no longer exists.")
    if rule.unique:
        column = getattr(model, name)
        same_name = select(func.count()).select_from(model)
        same_name = same_name.where(
            func.lower(column) == str(stored).lower(),
            model.id != key,  # type: ignore[attr-defined]
        )
        clash = uow.session.execute(same_name).scalar()
        if clash:
            kind = model.__tablename__.replace("_", " ")
            article = "an" if kind[0] in "aeiou" else "a"
            raise ValidationError(f"There is already {article} {kind} called '{stored}'.", name)
    return UpdateFields(
        model=model,
        key=key,
        old={name: getattr(row, name)},
        new={name: stored},
        label=f"Change {rule.label}",
        changes=FIELDS[model][0],
    )
