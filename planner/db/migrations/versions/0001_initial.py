"""The first schema: profile, offerings, segments, channels, pipeline, targets, actuals.

Revision ID: 0001
Revises: -
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("PRAGMA application_id=1397575756")
    op.create_table(
        "business_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fiscal_start_month", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "fiscal_start_month BETWEEN 1 AND 12", name=op.f("ck_business_profile_fiscal_start")
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_business_profile_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_profile")),
    )
    op.create_table(
        "channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel")),
        sa.UniqueConstraint("name", name=op.f("uq_channel_name")),
    )
    op.create_table(
        "lost_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lost_reason")),
        sa.UniqueConstraint("name", name=op.f("uq_lost_reason_name")),
    )
    op.create_table(
        "offering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("target_customers", sa.Text(), nullable=False),
        sa.Column("value_proposition", sa.Text(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=40), nullable=False),
        sa.Column("list_price_minor", sa.Integer(), nullable=False),
        sa.Column("unit_cost_minor", sa.Integer(), nullable=False),
        sa.Column("pricing_approach", sa.String(length=40), nullable=False),
        sa.Column("discount_policy", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("promotion_message", sa.Text(), nullable=False),
        sa.Column("promotion_tactics", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offering")),
        sa.UniqueConstraint("name", name=op.f("uq_offering_name")),
    )
    op.create_table(
        "sales_rep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_rep")),
        sa.UniqueConstraint("name", name=op.f("uq_sales_rep_name")),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("yearly_value_minor", sa.Integer(), nullable=False),
        sa.Column("serviceable_bp", sa.Integer(), nullable=False),
        sa.Column("obtainable_bp", sa.Integer(), nullable=False),
        sa.Column("growth_bp", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("targeted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment")),
        sa.UniqueConstraint("name", name=op.f("uq_segment_name")),
    )
    op.create_table(
        "stage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("is_won", sa.Boolean(), nullable=False),
        sa.Column("is_lost", sa.Boolean(), nullable=False),
        sa.CheckConstraint("NOT (is_won AND is_lost)", name=op.f("ck_stage_won_or_lost")),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name=op.f("ck_stage_probability")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage")),
        sa.UniqueConstraint("name", name=op.f("uq_stage_name")),
    )
    op.create_table(
        "actual_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("revenue_minor", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_actual_sale_offering_id_offering"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actual_sale")),
    )
    op.create_index(op.f("ix_actual_sale_month"), "actual_sale", ["month"], unique=False)
    op.create_index(
        op.f("ix_actual_sale_offering_id"), "actual_sale", ["offering_id"], unique=False
    )
    op.create_table(
        "channel_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("planned_spend_minor", sa.Integer(), nullable=False),
        sa.Column("actual_spend_minor", sa.Integer(), nullable=True),
        sa.Column("planned_leads", sa.Integer(), nullable=False),
        sa.Column("actual_leads", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_channel_month_channel_id_channel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_month")),
        sa.UniqueConstraint("channel_id", "month", name=op.f("uq_channel_month_channel_id")),
    )
    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=True),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("lost_reason_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'won', 'lost')", name=op.f("ck_deal_status")),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_deal_amount")),
        sa.CheckConstraint(
            "probability IS NULL OR probability BETWEEN 0 AND 100", name=op.f("ck_deal_probability")
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_deal_channel_id_channel"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lost_reason_id"],
            ["lost_reason.id"],
            name=op.f("fk_deal_lost_reason_id_lost_reason"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_deal_offering_id_offering"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["sales_rep.id"],
            name=op.f("fk_deal_owner_id_sales_rep"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_deal_segment_id_segment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["stage.id"], name=op.f("fk_deal_stage_id_stage"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
    )
    op.create_index(op.f("ix_deal_channel_id"), "deal", ["channel_id"], unique=False)
    op.create_index(op.f("ix_deal_offering_id"), "deal", ["offering_id"], unique=False)
    op.create_index(op.f("ix_deal_owner_id"), "deal", ["owner_id"], unique=False)
    op.create_index(op.f("ix_deal_segment_id"), "deal", ["segment_id"], unique=False)
    op.create_index(op.f("ix_deal_stage_id"), "deal", ["stage_id"], unique=False)
    op.create_index(op.f("ix_deal_status"), "deal", ["status"], unique=False)
    op.create_table(
        "offering_channel",
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("sells", sa.Boolean(), nullable=False),
        sa.Column("promotes", sa.Boolean(), nullable=False),
        sa.Column("yearly_budget_minor", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_offering_channel_channel_id_channel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_offering_channel_offering_id_offering"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offering_id", "channel_id", name=op.f("pk_offering_channel")),
    )
    op.create_table(
        "segment_channel",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_segment_channel_channel_id_channel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_segment_channel_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("segment_id", "channel_id", name=op.f("pk_segment_channel")),
    )
    op.create_table(
        "segment_offering",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("offering_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_segment_offering_offering_id_offering"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_segment_offering_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("segment_id", "offering_id", name=op.f("pk_segment_offering")),
    )
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("revenue_minor", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("offering_id", sa.Integer(), nullable=True),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["offering_id"],
            ["offering.id"],
            name=op.f("fk_target_offering_id_offering"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["sales_rep.id"],
            name=op.f("fk_target_owner_id_sales_rep"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segment.id"],
            name=op.f("fk_target_segment_id_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
    )
    op.create_index(op.f("ix_target_month"), "target", ["month"], unique=False)


def downgrade() -> None:
    op.drop_table("target")
    op.drop_table("segment_offering")
    op.drop_table("segment_channel")
    op.drop_table("offering_channel")
    op.drop_table("deal")
    op.drop_table("channel_month")
    op.drop_table("actual_sale")
    op.drop_table("stage")
    op.drop_table("segment")
    op.drop_table("sales_rep")
    op.drop_table("offering")
    op.drop_table("lost_reason")
    op.drop_table("channel")
    op.drop_table("business_profile")
