"""Deal history (stage and close-date changes) and an explicit order for offerings.

The offering table is rebuilt (batch mode) to add its position column: this is the
migration that would cascade-delete every deal without foreign keys OFF during upgrades.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=False),
        sa.Column("new_value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deal.id"], name=op.f("fk_deal_event_deal_id_deal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_event")),
    )
    op.create_index("ix_deal_event_deal", "deal_event", ["deal_id", "happened_on"], unique=False)
    with op.batch_alter_table("offering", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE offering SET position = "
        "(SELECT COUNT(*) FROM offering AS o WHERE o.id < offering.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("offering", recreate="always") as batch_op:
        batch_op.drop_column("position")
    op.drop_index("ix_deal_event_deal", table_name="deal_event")
    op.drop_table("deal_event")
