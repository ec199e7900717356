"""Coverage as one multi-origin expansion: layers keyed by their counted centres, one row per band;
the road network's reach (the analysis-area mask). Per-centre members, tile pieces and stored gaps
are gone: nothing patches a union of isochrones any more.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("coverage_gaps", "coverage_tiles", "coverage_members", "coverage_layers"):
        op.drop_table(table)
    op.create_table(
        "coverage_layers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("network_key", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("minutes", sa.SmallInteger, nullable=False),
        sa.Column("centre_ids", ARRAY(sa.String(64)), nullable=False),
        sa.Column("dropped_ids", ARRAY(sa.String(64)), nullable=False),
        sa.Column("routing_seconds", sa.Float, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_coverage_layers_family", "coverage_layers", ["network_key", "mode", "minutes", "used_at"])
    op.create_table(
        "coverage_bands",
        sa.Column("layer_id", sa.Integer, sa.ForeignKey("coverage_layers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("minutes", sa.SmallInteger, primary_key=True),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
    )
    op.create_table(
        "network_reach",
        sa.Column("network_key", sa.String(64), primary_key=True),
        sa.Column("reach_m", sa.Float, primary_key=True),
        sa.Column("resolution", sa.SmallInteger, primary_key=True),
        sa.Column("cells", sa.LargeBinary, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def downgrade() -> None:
    """Back to 0004's tables, empty: the old design recomputes them on the next request."""
    op.drop_table("network_reach")
    op.drop_table("coverage_bands")
    op.drop_table("coverage_layers")
    op.create_table(
        "coverage_members",
        sa.Column("centre_id", sa.String(64), sa.ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("network_key", sa.String(64), primary_key=True),
        sa.Column("mode", sa.String(16), primary_key=True),
        sa.Column("minutes", sa.SmallInteger, primary_key=True),
        sa.Column("resolution", sa.SmallInteger, primary_key=True),
        sa.Column("origin", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("off_network", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("cells", sa.LargeBinary, nullable=False),
        sa.Column("bands", sa.LargeBinary, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "coverage_layers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("network_key", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("minutes", sa.SmallInteger, nullable=False),
        sa.Column("epsg", sa.Integer, nullable=False),
        sa.Column("tile_m", sa.Float, nullable=False),
        sa.Column("centre_ids", ARRAY(sa.String(64)), nullable=False),
        sa.Column("members", JSONB, nullable=False),
        sa.Column("districts_digest", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_coverage_layers_family", "coverage_layers", ["network_key", "mode", "minutes"])
    op.create_table(
        "coverage_tiles",
        sa.Column("layer_id", sa.Integer, sa.ForeignKey("coverage_layers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tx", sa.Integer, primary_key=True),
        sa.Column("ty", sa.Integer, primary_key=True),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("area_m2", sa.Float, nullable=False),
        sa.Column("areas", JSONB, nullable=False),
    )
    op.create_table(
        "coverage_gaps",
        sa.Column("layer_id", sa.Integer, sa.ForeignKey("coverage_layers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("adcode", sa.String(6), primary_key=True),
        sa.Column("rank", sa.Integer, primary_key=True),
        sa.Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False)),
        sa.Column("area_m2", sa.Float, nullable=False),
    )
