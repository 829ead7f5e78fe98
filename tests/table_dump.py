"""Every row of every table of a plan, in a stable order: tests compare two dumps to show
that a refused change (a locked month, a delete that would change closed books) left the
file exactly as it was."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from planner.db.models import Base
from planner.db.plan import Plan


def dump_tables(plan: Plan) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows, sorted, by table name."""
    with plan.session() as session:
        return {
            table.name: sorted(
                (tuple(row) for row in session.execute(select(table)).all()), key=repr
            )
            for table in Base.metadata.sorted_tables
        }
