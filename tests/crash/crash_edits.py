"""The edit series of the crash tests: what edit number ``i`` is, and what the plan holds after it.

Both the driver (which performs the edits on a real plan, through the services and
``execute``/``undo`` as the app does) and the test (which checks the plan after each
kill) use this module, so they agree on every edit. An edit is worked out from its
number, the seed and the state before it, so a run can resume the series where the last
killed run stopped. The state is the part of a plan the series touches: deals named
"Crash N" with their amounts, business-wide actual revenue and revenue targets per month,
all in minor units.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

TODAY = dt.date(2026, 11, 23)
PREFIX = "Crash "
_KINDS = ("add", "add", "add", "amount", "amount", "actual", "actual", "target", "undo")


@dataclass(frozen=True)
class Edit:
    """Edit ``number``: set ``table``/``key`` to ``value`` (minor units; None removes), or
    for ``kind == "undo"`` put back the value the previous edit replaced."""

    number: int
    kind: str  # add, amount, actual, target, undo, skip
    table: str  # deals, actuals, targets ("" for skip)
    key: str
    value: int | None


@dataclass
class State:
    deals: dict[str, int] = field(default_factory=dict)  # customer -> amount, in id order
    actuals: dict[str, int] = field(default_factory=dict)  # "2026-03" -> revenue
    targets: dict[str, int] = field(default_factory=dict)  # "2027-03" -> revenue target

    def copy(self) -> State:
        return State(dict(self.deals), dict(self.actuals), dict(self.targets))

    def table(self, name: str) -> dict[str, int]:
        tables: dict[str, dict[str, int]] = {
            "deals": self.deals,
            "actuals": self.actuals,
            "targets": self.targets,
        }
        return tables[name]

    def comparable(self) -> tuple[list[tuple[str, int]], dict[str, int], dict[str, int]]:
        return list(self.deals.items()), dict(self.actuals), dict(self.targets)


@dataclass
class Series:
    """Works out edits in order from ``start``; an undo only reverts an edit of the same
    run (the app's undo stack does not survive a restart either)."""

    seed: int
    start: int
    state: State
    _last: tuple[Edit, int | None] | None = None  # the previous edit and the value it replaced

    def next_edit(self, number: int) -> Edit:
        rng = random.Random(f"{self.seed}:{number}")
        kind = rng.choice(_KINDS)
        value = rng.randint(1, 10**7)
        if kind == "add":
            return Edit(number, kind, "deals", f"{PREFIX}{number}", value)
        if kind == "amount":
            if not self.state.deals:
                return Edit(number, "skip", "", "", None)
            key = rng.choice(list(self.state.deals))
            return Edit(number, kind, "deals", key, value)
        if kind == "actual":
            return Edit(number, kind, "actuals", f"2026-{rng.randint(1, 12):02d}", value)
        if kind == "target":
            return Edit(number, kind, "targets", f"2027-{rng.randint(1, 12):02d}", value)
        last = self._last
        if last is None or last[0].kind in ("undo", "skip") or number == self.start:
            return Edit(number, "skip", "", "", None)
        return Edit(number, "undo", last[0].table, last[0].key, last[1])

    def record(self, edit: Edit) -> None:
        """Apply ``edit`` to the model state."""
        if edit.kind == "skip":
            self._last = (edit, None)
            return
        table = self.state.table(edit.table)
        before = table.get(edit.key)
        if edit.value is None:
            table.pop(edit.key, None)
        else:
            table[edit.key] = edit.value
        self._last = (edit, before)


def states_after(seed: int, start: int, state: State, count: int) -> list[State]:
    """The model states after 0, 1, ..., ``count`` edits from ``start``."""
    series = Series(seed, start, state.copy())
    out = [series.state.copy()]
    for number in range(start, start + count):
        series.record(series.next_edit(number))
        out.append(series.state.copy())
    return out


def read_state(session: Any) -> State:
    """What the plan holds of the series (a SQLAlchemy session on the plan)."""
    from sqlalchemy import select

    from planner.db.models import ActualSale, Deal, Target

    state = State()
    deals = select(Deal.customer, Deal.amount_minor).where(Deal.customer.startswith(PREFIX))
    for customer, amount in session.execute(deals.order_by(Deal.id)):
        state.deals[customer] = amount
    actuals = select(ActualSale.month, ActualSale.revenue_minor)
    for month, revenue in session.execute(actuals.where(ActualSale.offering_id.is_(None))):
        state.actuals[str(month)] = revenue
    targets = select(Target.month, Target.revenue_minor).where(
        Target.offering_id.is_(None), Target.segment_id.is_(None), Target.owner_id.is_(None)
    )
    for month, revenue in session.execute(targets):
        state.targets[str(month)] = revenue
    return state


def money(minor: int) -> Decimal:
    return Decimal(minor) / 100
