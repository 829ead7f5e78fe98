"""SQLAlchemy 2.0 typed mappings of a plan file.

Money columns end in ``_minor`` and hold integer hundredths (see ``planner.domain.money``).
Percentages are integer hundredths of a percent (``_bp``, basis points) where fractions
matter, whole percent (``probability``) where they do not. The schema here must always
equal what the migrations build; a test compares the two.
"""

# No ``from __future__ import annotations`` here: SQLAlchemy reads the ``Mapped[...]``
# annotations of every column when the models load (on the way to the window's first paint),
# and as strings each one would be evaluated again (~5 ms of the start).
import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from planner.db.types import MonthType
from planner.domain.periods import Month

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class BusinessProfile(Base):
    """The one row describing the business (id is always 1)."""

    __tablename__ = "business_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    fiscal_start_month: Mapped[int] = mapped_column(Integer, default=1)
    # Targets and actuals of months up to and including this one are locked against edits.
    locked_through: Mapped[Month | None] = mapped_column(MonthType, nullable=True)
    # An open deal with no change for this many days is flagged as stale.
    stale_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    __table_args__ = (
        CheckConstraint("fiscal_start_month BETWEEN 1 AND 12", name="fiscal_start"),
        CheckConstraint("id = 1", name="single_row"),
    )


class SalesRep(Base):
    """A person who owns deals and may carry targets."""

    __tablename__ = "sales_rep"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Offering(Base):
    """A product or service line with its marketing mix (the 4Ps)."""

    __tablename__ = "offering"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Product
    description: Mapped[str] = mapped_column(Text, default="")
    target_customers: Mapped[str] = mapped_column(Text, default="")
    value_proposition: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[str] = mapped_column(Text, default="")
    lifecycle_stage: Mapped[str] = mapped_column(String(40), default="")
    # Price
    list_price_minor: Mapped[int] = mapped_column(Integer, default=0)
    unit_cost_minor: Mapped[int] = mapped_column(Integer, default=0)
    pricing_approach: Mapped[str] = mapped_column(String(40), default="")
    discount_policy: Mapped[str] = mapped_column(Text, default="")
    # Place
    place: Mapped[str] = mapped_column(Text, default="")
    # Promotion
    promotion_message: Mapped[str] = mapped_column(Text, default="")
    promotion_tactics: Mapped[str] = mapped_column(Text, default="")


class Segment(Base):
    """A group of customers with shared needs, and its market size."""

    __tablename__ = "segment"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    customers: Mapped[int] = mapped_column(Integer, default=0)
    yearly_value_minor: Mapped[int] = mapped_column(Integer, default=0)
    serviceable_bp: Mapped[int] = mapped_column(Integer, default=10000)
    obtainable_bp: Mapped[int] = mapped_column(Integer, default=0)
    growth_bp: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    targeted: Mapped[bool] = mapped_column(Boolean, default=True)


class Channel(Base):
    """A way the business reaches its segments (search ads, a shop window, referrals...)."""

    __tablename__ = "channel"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="Other")
    position: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class ChannelMonth(Base):
    """Planned and actual spend and leads of one channel in one month (actuals may be unknown)."""

    __tablename__ = "channel_month"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"))
    month: Mapped[Month] = mapped_column(MonthType)
    planned_spend_minor: Mapped[int] = mapped_column(Integer, default=0)
    actual_spend_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    planned_leads: Mapped[int] = mapped_column(Integer, default=0)
    actual_leads: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (UniqueConstraint("channel_id", "month"),)


class SegmentOffering(Base):
    __tablename__ = "segment_offering"
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True
    )
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True
    )


class SegmentChannel(Base):
    __tablename__ = "segment_channel"
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channel.id", ondelete="CASCADE"), primary_key=True
    )


class OfferingChannel(Base):
    """A channel that sells (place) and/or promotes an offering, with a yearly budget."""

    __tablename__ = "offering_channel"
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channel.id", ondelete="CASCADE"), primary_key=True
    )
    sells: Mapped[bool] = mapped_column(Boolean, default=False)
    promotes: Mapped[bool] = mapped_column(Boolean, default=True)
    yearly_budget_minor: Mapped[int] = mapped_column(Integer, default=0)


class Stage(Base):
    """A pipeline stage: ordered, with a default probability; won/lost stages close deals."""

    __tablename__ = "stage"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    probability: Mapped[int] = mapped_column(Integer, default=10)
    is_won: Mapped[bool] = mapped_column(Boolean, default=False)
    is_lost: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        CheckConstraint("probability BETWEEN 0 AND 100", name="probability"),
        CheckConstraint("NOT (is_won AND is_lost)", name="won_or_lost"),
    )


class LostReason(Base):
    __tablename__ = "lost_reason"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


# Open deals by stage and by month of expected close, read from the index alone.
OPEN_COVER = ("status", "stage_id", "expected_close", "probability", "amount_minor")


class Deal(Base):
    """An opportunity in the pipeline, linked back to the channel and segment it came from."""

    __tablename__ = "deal"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("offering.id", ondelete="SET NULL"), index=True
    )
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment.id", ondelete="SET NULL"), index=True
    )
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_rep.id", ondelete="SET NULL"), index=True
    )
    amount_minor: Mapped[int] = mapped_column(Integer, default=0)
    probability: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="RESTRICT"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    expected_close: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(8), default="open")
    lost_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("lost_reason.id", ondelete="SET NULL"), nullable=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    # Where an imported deal came from ("hubspot:123"), so importing again updates it.
    external_ref: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    __table_args__ = (
        CheckConstraint("status IN ('open', 'won', 'lost')", name="status"),
        CheckConstraint("probability IS NULL OR probability BETWEEN 0 AND 100", name="probability"),
        CheckConstraint("amount_minor >= 0", name="amount"),
        # The Dashboard's sums read these instead of the table (migration 0005).
        Index("ix_deal_created_channel", "created_on", "channel_id"),
        Index("ix_deal_closed_cover", "closed_on", "status", "channel_id", "amount_minor"),
        Index("ix_deal_open_cover", *OPEN_COVER),
    )


class DealEvent(Base):
    """A change in a deal's life: created, moved stage, close date changed, won, lost, reopened."""

    __tablename__ = "deal_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    happened_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str] = mapped_column(String(200), default="")
    new_value: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (
        Index("ix_deal_event_deal", "deal_id", "happened_on"),
        # A deal's last stage move and its close-date changes (the pipeline's figures).
        Index("ix_deal_event_kind", "deal_id", "kind", "happened_on"),
    )


class Target(Base):
    """A revenue target for a month; optionally for one offering, segment or rep."""

    __tablename__ = "target"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType, index=True)
    revenue_minor: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("offering.id", ondelete="CASCADE"), nullable=True
    )
    segment_id: Mapped[int | None] = mapped_column(
        ForeignKey("segment.id", ondelete="CASCADE"), nullable=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("sales_rep.id", ondelete="CASCADE"), nullable=True
    )


class ActualSale(Base):
    """What was really sold in a month, per offering where known."""

    __tablename__ = "actual_sale"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType, index=True)
    revenue_minor: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int | None] = mapped_column(Integer, nullable=True)
    offering_id: Mapped[int | None] = mapped_column(
        ForeignKey("offering.id", ondelete="SET NULL"), nullable=True, index=True
    )


class ImportBatch(Base):
    """One import of a file: what it was and what it did (for the summary and for undo)."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "actuals" or "deals"
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_on: Mapped[dt.date] = mapped_column(Date)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)


class ImportedLine(Base):
    """A source line already imported, by a key of its content: importing it again skips it."""

    __tablename__ = "imported_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    line_key: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("kind", "line_key"),
        Index("ix_imported_line_batch", "batch_id"),
    )


class ImportMapping(Base):
    """The column mapping a user chose for files of one shape (same headers), remembered."""

    __tablename__ = "import_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    signature: Mapped[str] = mapped_column(String(64))  # hash of the normalised header row
    mapping_json: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("kind", "signature"),)
