"""A token that changes whenever the districts do, so coverage need not hash every boundary per request.

One row; a statement trigger on districts (insert, update, delete, truncate) sets a new random token.
Random rather than a counter: caches are keyed by it across databases, where counters would repeat.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "districts_version",
        sa.Column("one", sa.Boolean, primary_key=True, server_default=sa.true()),
        sa.Column("token", sa.String(36), nullable=False, server_default=sa.text("gen_random_uuid()::text")),
        sa.CheckConstraint("one", name="districts_version_one_row"),
    )
    op.execute("INSERT INTO districts_version DEFAULT VALUES")
    op.execute("""
        CREATE FUNCTION new_districts_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE districts_version SET token = gen_random_uuid()::text;
            RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER districts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON districts "
               "FOR EACH STATEMENT EXECUTE FUNCTION new_districts_version()")


def downgrade() -> None:
    op.execute("DROP TRIGGER districts_changed ON districts")
    op.execute("DROP FUNCTION new_districts_version()")
    op.drop_table("districts_version")
