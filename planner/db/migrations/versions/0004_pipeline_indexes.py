"""Indexes for the pipeline on large plans: a deal's history by kind, and deals by their
expected and actual close dates.

Only new indexes, no table is rebuilt: on a plan with 100,000 deals this takes about a
second.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A deal's last stage move and its close-date changes, one index seek each.
    op.create_index(
        "ix_deal_event_kind", "deal_event", ["deal_id", "kind", "happened_on"], unique=False
    )
    # The close-date filter and sort of the pipeline table; closed deals by period.
    op.create_index(op.f("ix_deal_expected_close"), "deal", ["expected_close"], unique=False)
    op.create_index(op.f("ix_deal_closed_on"), "deal", ["closed_on"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deal_closed_on"), table_name="deal")
    op.drop_index(op.f("ix_deal_expected_close"), table_name="deal")
    op.drop_index("ix_deal_event_kind", table_name="deal_event")
