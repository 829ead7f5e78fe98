"""Locked months, the stale-deal threshold, and imports (batches, seen lines, mappings).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("business_profile") as batch_op:
        batch_op.add_column(sa.Column("locked_through", sa.String(length=7), nullable=True))
        batch_op.add_column(
            sa.Column("stale_days", sa.Integer(), server_default="30", nullable=False)
        )
    with op.batch_alter_table("deal") as batch_op:
        batch_op.add_column(sa.Column("external_ref", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_deal_external_ref"), ["external_ref"], unique=False)
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_on", sa.Date(), nullable=False),
        sa.Column("rows_imported", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping")),
        sa.UniqueConstraint("kind", "signature", name=op.f("uq_import_mapping_kind")),
    )
    op.create_table(
        "imported_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("line_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batch.id"],
            name=op.f("fk_imported_line_batch_id_import_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_line")),
        sa.UniqueConstraint("kind", "line_key", name=op.f("uq_imported_line_kind")),
    )
    op.create_index("ix_imported_line_batch", "imported_line", ["batch_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_imported_line_batch", table_name="imported_line")
    op.drop_table("imported_line")
    op.drop_table("import_mapping")
    op.drop_table("import_batch")
    with op.batch_alter_table("deal") as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_external_ref"))
        batch_op.drop_column("external_ref")
    with op.batch_alter_table("business_profile") as batch_op:
        batch_op.drop_column("stale_days")
        batch_op.drop_column("locked_through")
