"""Routing: imported road networks and the isochrone cache.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_builds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("network_key", sa.String(64), nullable=False, index=True),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("bbox", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("details", JSONB, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "isochrones",
        sa.Column("centre_id", sa.String(64), sa.ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("network_key", sa.String(64), primary_key=True),
        sa.Column("mode", sa.String(16), primary_key=True),
        sa.Column("minutes", sa.SmallInteger, primary_key=True),
        # Where the centre was when computed: a moved centre no longer matches and is recomputed.
        sa.Column("origin", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_isochrones_geom", "isochrones", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("isochrones")
    op.drop_table("network_builds")
