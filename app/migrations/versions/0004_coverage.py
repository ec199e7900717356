"""Coverage: per-centre contributions, coverage layers as tiles, gaps, imported demand.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coverage_members",
        sa.Column("centre_id", sa.String(64), sa.ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("network_key", sa.String(64), primary_key=True),
        sa.Column("mode", sa.String(16), primary_key=True),
        sa.Column("minutes", sa.SmallInteger, primary_key=True),
        sa.Column("resolution", sa.SmallInteger, primary_key=True),
        # Where the centre was when computed: a moved centre no longer matches and is recomputed.
        sa.Column("origin", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("off_network", sa.Boolean, nullable=False, server_default=sa.false()),
        # H3 cells reached (int64, little-endian) and the band (minutes, int16) of each, as raw bytes:
        # a thousand members load in milliseconds, where arrays of numbers take a second.
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
    op.create_table(
        "demand_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("resolution", sa.SmallInteger, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("cells", sa.Integer, nullable=False),
        sa.Column("details", JSONB, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("kind IN ('raster', 'csv', 'osm_buildings')", name="ck_demand_sources_kind"),
    )
    op.create_table(
        "demand_cells",
        sa.Column("source_id", sa.Integer, sa.ForeignKey("demand_sources.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("h3", sa.BigInteger, primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("demand_cells")
    op.drop_table("demand_sources")
    op.drop_table("coverage_gaps")
    op.drop_table("coverage_tiles")
    op.drop_table("coverage_layers")
    op.drop_table("coverage_members")
