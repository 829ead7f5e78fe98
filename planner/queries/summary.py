"""A plan at a glance: the business, its settings and how many of each thing it holds.

Used by ``smplanner info`` and anywhere a one-line overview of a plan is needed. Every
number is a single ``COUNT`` query, so this stays fast on a plan with 100,000 deals and
never loads rows into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import column, distinct, func, select, table
from sqlalchemy.orm import Session

from planner.db.models import ActualSale, BusinessProfile, Channel, Deal, Offering, Segment, Target
from planner.db.plan import Plan, PlanError

# Alembic's own bookkeeping table is not an ORM model; this reads it in the same session.
_ALEMBIC_VERSION = table("alembic_version", column("version_num"))


@dataclass(frozen=True)
class PlanInfo:
    """The overview of one plan file."""

    business: str
    currency: str
    fiscal_start_month: int
    schema_version: str
    offerings: int
    segments: int
    channels: int
    deals: int
    open_deals: int
    actual_months: int  # distinct months with at least one actual sale recorded
    targets_months: int  # distinct months with at least one revenue target
    path: Path

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the path as text)."""
        return {
            "business": self.business,
            "currency": self.currency,
            "fiscal_start_month": self.fiscal_start_month,
            "schema_version": self.schema_version,
            "offerings": self.offerings,
            "segments": self.segments,
            "channels": self.channels,
            "deals": self.deals,
            "open_deals": self.open_deals,
            "actual_months": self.actual_months,
            "targets_months": self.targets_months,
            "path": str(self.path),
        }


def _count(session: Session, statement: Any) -> int:
    return int(session.execute(statement).scalar_one())


def plan_info(plan: Plan) -> PlanInfo:
    """Count what ``plan`` holds; raises ``PlanError`` if the business profile is missing."""
    with plan.session() as session:
        profile = session.get(BusinessProfile, 1)
        if profile is None:
            raise PlanError(f"'{plan.path.name}' is damaged: its business profile is missing.")
        version = session.execute(select(func.max(_ALEMBIC_VERSION.c.version_num))).scalar()
        return PlanInfo(
            business=profile.name,
            currency=profile.currency,
            fiscal_start_month=profile.fiscal_start_month,
            schema_version=str(version),
            offerings=_count(session, select(func.count()).select_from(Offering)),
            segments=_count(session, select(func.count()).select_from(Segment)),
            channels=_count(session, select(func.count()).select_from(Channel)),
            deals=_count(session, select(func.count()).select_from(Deal)),
            open_deals=_count(
                session, select(func.count()).select_from(Deal).where(Deal.status == "open")
            ),
            actual_months=_count(session, select(func.count(distinct(ActualSale.month)))),
            targets_months=_count(session, select(func.count(distinct(Target.month)))),
            path=plan.path.resolve(),
        )
