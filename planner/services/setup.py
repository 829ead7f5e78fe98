"""What every new plan starts with: pipeline stages and common reasons deals are lost."""

from __future__ import annotations

from sqlalchemy.orm import Session

from planner.db.models import LostReason, Stage

DEFAULT_STAGES: tuple[tuple[str, int, bool, bool], ...] = (
    ("Lead", 10, False, False),
    ("Qualified", 25, False, False),
    ("Proposal", 50, False, False),
    ("Negotiation", 75, False, False),
    ("Won", 100, True, False),
    ("Lost", 0, False, True),
)
DEFAULT_LOST_REASONS = (
    "Price too high",
    "Chose a competitor",
    "No budget",
    "Went quiet / no decision",
    "Timing not right",
    "Did not fit their needs",
)


def seed_defaults(session: Session) -> None:
    for position, (name, probability, won, lost) in enumerate(DEFAULT_STAGES):
        session.add(
            Stage(name=name, position=position, probability=probability, is_won=won, is_lost=lost)
        )
    for position, reason in enumerate(DEFAULT_LOST_REASONS):
        session.add(LostReason(name=reason, position=position))
