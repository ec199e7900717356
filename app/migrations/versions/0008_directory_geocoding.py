"""Directory import that geocodes: the geocoders' answers (cache) and the rows they could not place.

Revision ID: 0008
Revises: 0007

A trigger removes an unplaced row as soon as a centre with its id is inserted, whichever way that
happens (an editor's POST /api/centres, or a later import with coordinates), in the same transaction.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "geocode_cache",
        sa.Column("provider", sa.String(16), primary_key=True),
        sa.Column("query_hash", sa.String(64), primary_key=True),
        sa.Column("query", JSONB, nullable=False),
        sa.Column("answer", JSONB, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "unplaced_rows",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("phone", sa.String(64)),
        sa.Column("opening_hours", sa.Text),
        sa.Column("district_adcode", sa.String(6), sa.ForeignKey("districts.adcode", ondelete="SET NULL"),
                  index=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("provider", sa.String(16)),
        sa.Column("line", sa.Integer),
        sa.Column("file", sa.Text),
        sa.Column("record", JSONB, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.execute("""
        CREATE FUNCTION forget_unplaced_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM unplaced_rows WHERE id = NEW.id;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER centres_forget_unplaced AFTER INSERT ON centres
        FOR EACH ROW EXECUTE FUNCTION forget_unplaced_row()""")


def downgrade() -> None:
    op.execute("DROP TRIGGER centres_forget_unplaced ON centres")
    op.execute("DROP FUNCTION forget_unplaced_row()")
    op.drop_table("unplaced_rows")
    op.drop_table("geocode_cache")
