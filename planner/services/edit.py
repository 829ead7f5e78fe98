"""Editing one field of one record: the rules each field must meet, and its undo label.

``change_field`` validates a typed value, reads the current one and returns an
``UpdateFields`` command (not yet applied). Money arrives as ``Decimal`` and is stored in
minor units; percentages with fractions arrive as ``Decimal`` percent and are stored in
basis points.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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
from planner.domain.money import MAX_AMOUNT, TOO_LARGE, to_minor
from planner.domain.pipeline import CHANNEL_KINDS, LIFECYCLE_STAGES, PRICING_APPROACHES
from planner.services.commands import Change, UpdateFields
from planner.services.errors import NotFoundError, ValidationError

Rule = Callable[[Any], Any]
# Dates a plan can hold: wide enough for any business, narrow enough to catch a typo (0226).
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


# Characters no typed text needs: C0/C1 controls other than tab and line feed, lone
# surrogates (a broken paste; SQLite cannot store them), and the byte-order mark.
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_LINE_BREAKS = re.compile(r"[ ]*[\t\r\n\u2028\u2029]+[ ]*")


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """Typed or pasted text as stored: junk characters dropped, Windows line ends made
    plain, and in a one-line field tabs and line breaks turned into single spaces.
    Letters of every script, right-to-left marks and emoji are kept as typed."""
    cleaned = "" if value is None else str(value)
    cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _JUNK.sub("", cleaned)
    if not multiline:
        cleaned = _LINE_BREAKS.sub(" ", cleaned)
    return cleaned.strip()


def text(max_len: int = 200, *, required: bool = False, multiline: bool = False) -> Rule:
    def rule(value: Any) -> str:
        cleaned = clean_text(value, multiline=multiline)
        if required and not cleaned:
            raise ValidationError("This cannot be empty.")
        if len(cleaned) > max_len:
            raise ValidationError(f"Keep this under {max_len} characters.")
        return cleaned

    return rule


def long_text(value: Any) -> str:
    return str(text(20000, multiline=True)(value))


def money(*, allow_negative: bool = False) -> Rule:
    def rule(value: Any) -> int:
        try:
            amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except ArithmeticError:
            raise ValidationError(f"'{value}' is not an amount of money.") from None
        if not amount.is_finite():
            raise ValidationError(f"'{value}' is not an amount of money.")
        if abs(amount) > MAX_AMOUNT:
            raise ValidationError(TOO_LARGE)
        minor = to_minor(amount)
        if minor < 0 and not allow_negative:
            raise ValidationError("An amount cannot be negative here.")
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
            number = Decimal(str(value))
            if not number.is_finite():
                raise InvalidOperation
            bp = int((number * 100).to_integral_value())
        except ArithmeticError:
            raise ValidationError(f"'{value}' is not a percentage.") from None
        if not low <= bp <= high:
            raise ValidationError(f"Enter a percentage from {low / 100:g} to {high / 100:g}.")
        return bp

    return rule


def probability(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = count()(value)
    except ValidationError:
        number = None
    if not isinstance(number, int) or number > 100:
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
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(f"'{value}' is not a date; write it as YYYY-MM-DD.") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            f"Enter a date between {FIRST_DAY.year} and {LAST_DAY.year}, not {day.isoformat()}."
        )
    return day


def boolean(value: Any) -> bool:
    return bool(value)


def priority(value: Any) -> int:
    number = count()(value)
    if number not in (1, 2, 3):
        raise ValidationError("Priority is 1 (high), 2 (medium) or 3 (low).")
    return int(number)


def check_close_date(expected_close: dt.date | None, created_on: dt.date | None) -> None:
    """A deal cannot be expected to close before the day it was created."""
    if expected_close is not None and created_on is not None and expected_close < created_on:
        raise ValidationError(
            "The expected close date cannot be before the deal was created "
            f"({created_on.isoformat()}).",
            "expected_close",
        )


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
    except (ValueError, TypeError) as exc:  # MoneyError and the like carry a sentence
        raise ValidationError(str(exc), name) from None
    except ArithmeticError:  # decimal's own errors carry no words a user could read
        raise ValidationError(f"'{value}' cannot be used here.", name) from None


def change_field(
    uow: UnitOfWork, model: type[Base], key: Any, name: str, value: Any
) -> UpdateFields:
    """Build the command that sets ``name`` of record ``key`` to ``value`` (validated)."""
    rule = field_rule(model, name)
    stored = validate_field(model, name, value)
    row = uow.session.get(model, key)
    if row is None:
        raise NotFoundError(f"That {model.__tablename__.replace('_', ' ')} no longer exists.")
    if isinstance(row, Deal) and name == "expected_close":
        check_close_date(stored, row.created_on)
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
