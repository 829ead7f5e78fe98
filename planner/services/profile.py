"""The business profile: name, currency, fiscal year start, and the sales reps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from planner.db.models import BusinessProfile, Deal, SalesRep, Target
from planner.db.plan import UnitOfWork
from planner.domain.money import CURRENCIES
from planner.services.commands import Change
from planner.services.edit import clean_text
from planner.services.errors import ValidationError


@dataclass(frozen=True)
class RepState:
    """A sales rep as the profile dialog shows it; ``id`` is None for a new one."""

    id: int | None
    name: str
    active: bool = True


@dataclass(frozen=True)
class ProfileState:
    name: str
    currency: str
    fiscal_start_month: int
    reps: tuple[RepState, ...]


def read_profile(uow: UnitOfWork) -> ProfileState:
    profile = uow.session.get(BusinessProfile, 1)
    assert profile is not None, "a plan always has its profile row"
    reps = uow.session.scalars(select(SalesRep).order_by(SalesRep.position, SalesRep.id))
    return ProfileState(
        profile.name,
        profile.currency,
        profile.fiscal_start_month,
        tuple(RepState(r.id, r.name, r.active) for r in reps),
    )


def validate_profile(state: ProfileState) -> ProfileState:
    name = clean_text(state.name)
    if not name:
        raise ValidationError("Enter the business name.", "name")
    if len(name) > 200:
        raise ValidationError("Keep the business name under 200 characters.", "name")
    currency = state.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError(
            "A currency is a three-letter ISO code such as EUR or USD.", "currency"
        )
    if currency not in CURRENCIES and not currency.isascii():
        raise ValidationError(f"'{currency}' is not a currency code.", "currency")
    if not 1 <= state.fiscal_start_month <= 12:
        raise ValidationError("The fiscal year starts in a month from 1 to 12.", "fiscal_start")
    seen: set[str] = set()
    reps = []
    for rep in state.reps:
        rep_name = clean_text(rep.name)
        if not rep_name:
            raise ValidationError("A sales rep needs a name.", "reps")
        if len(rep_name) > 200:
            raise ValidationError("Keep each sales rep's name under 200 characters.", "reps")
        if rep_name.lower() in seen:
            raise ValidationError(f"'{rep_name}' is listed twice.", "reps")
        seen.add(rep_name.lower())
        reps.append(RepState(rep.id, rep_name, rep.active))
    return ProfileState(name, currency, state.fiscal_start_month, tuple(reps))


@dataclass
class SetProfile:
    """Replace the profile and rep list; reps in use are deactivated rather than deleted."""

    old: ProfileState
    new: ProfileState
    label: str = "Change Business Profile"
    changes: Change = Change.PROFILE | Change.REPS
    _created: dict[int, int] | None = None  # index in new.reps -> id given on first apply

    def apply(self, uow: UnitOfWork) -> None:
        self._write(uow, self.new, forward=True)

    def revert(self, uow: UnitOfWork) -> None:
        self._write(uow, self.old, forward=False)

    def _write(self, uow: UnitOfWork, state: ProfileState, *, forward: bool) -> None:
        session = uow.session
        profile = session.get(BusinessProfile, 1)
        assert profile is not None
        profile.name = state.name
        profile.currency = state.currency
        profile.fiscal_start_month = state.fiscal_start_month
        created = self._created if self._created is not None else {}
        wanted = {
            rep.id if rep.id is not None else created.get(position)
            for position, rep in enumerate(state.reps)
        }
        # Reps left out are removed first (or kept inactive when deals or targets name them),
        # and the rest get a temporary name, so renames that swap or reuse names never clash.
        existing = list(session.scalars(select(SalesRep)))
        for row in existing:
            if row.id in wanted:
                continue
            in_use = session.scalar(
                select(Deal.id).where(Deal.owner_id == row.id).limit(1)
            ) or session.scalar(select(Target.id).where(Target.owner_id == row.id).limit(1))
            if in_use and forward:
                row.active = False
            else:
                session.delete(row)
        for row in existing:
            if row.id in wanted:
                row.name = f"\x00renaming {row.id}"
        session.flush()
        for position, rep in enumerate(state.reps):
            rep_id = rep.id if rep.id is not None else created.get(position)
            found = session.get(SalesRep, rep_id) if rep_id is not None else None
            if found is None:
                found = SalesRep(id=rep_id, name=rep.name)
                session.add(found)
            found.name, found.position, found.active = rep.name, position, rep.active
            session.flush()
            if rep.id is None and forward:
                created[position] = found.id
        if forward and self._created is None:
            self._created = created


def update_profile(uow: UnitOfWork, new: ProfileState) -> SetProfile:
    """Build the command that changes the profile to ``new`` (validated, not yet applied)."""
    return SetProfile(read_profile(uow), validate_profile(new))
