"""Catalogue: districts and centres.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "districts",
        sa.Column("adcode", sa.String(6), primary_key=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("main_urban", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_table(
        "centres",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("level", sa.String(32), index=True),
        sa.Column(
            "district_adcode",
            sa.String(6),
            sa.ForeignKey("districts.adcode", ondelete="SET NULL"),
            index=True,
        ),
        sa.Column("street", sa.Text),
        sa.Column("community", sa.Text),
        sa.Column("address", sa.Text),
        sa.Column("phone", sa.String(64)),
        sa.Column("opening_hours", sa.Text),
        sa.Column("amenities", sa.ARRAY(sa.String(32)), nullable=False, server_default="{}"),
        sa.Column("operator", sa.Text),
        sa.Column("location_precision", sa.String(16), nullable=False),
        sa.Column("location_note", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_quote", sa.Text),
        sa.Column("last_verified", sa.Date),
        sa.Column("status", sa.String(32), nullable=False, server_default="open"),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("kind IN ('service_centre', 'rider_station')", name="ck_centres_kind"),
        sa.CheckConstraint(
            "location_precision IN ('exact', 'building', 'approximate')", name="ck_centres_precision"
        ),
        sa.CheckConstraint(
            "status IN ('open', 'temporarily_closed', 'closed')", name="ck_centres_status"
        ),
    )
    op.create_index("ix_districts_geom", "districts", ["geom"], postgresql_using="gist")
    op.create_index("ix_centres_geom", "centres", ["geom"], postgresql_using="gist")
    op.create_index("ix_centres_amenities", "centres", ["amenities"], postgresql_using="gin")
    # Geography KNN and distance for straight-line nearest.
    op.execute("CREATE INDEX ix_centres_geog ON centres USING gist ((geom::geography))")


def downgrade() -> None:
    op.drop_table("centres")
    op.drop_table("districts")
