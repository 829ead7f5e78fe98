"""Alembic environment: migrations always run on a connection handed in by planner.db.plan."""

from alembic import context

from planner.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by the alembic CLI
    raise SystemExit("Run migrations through planner.db.plan, which prepares the connection.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    transaction_per_migration=False,
)
context.run_migrations()
