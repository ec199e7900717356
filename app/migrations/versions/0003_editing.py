"""Editing: users with API tokens, audit log, soft delete and versions, rider reports.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("districts", ARRAY(sa.String(6)), nullable=False, server_default="{}"),
        # SHA-256 of a random 256-bit token: the token itself is shown once and never stored.
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("role IN ('editor', 'admin')", name="ck_users_role"),
    )
    op.add_column("centres", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("centres", sa.Column("deleted_at", sa.DateTime(timezone=True)))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("centre_id", sa.String(64), nullable=False, index=True),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
    )
    op.create_table(
        "rider_reports",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("centre_id", sa.String(64), sa.ForeignKey("centres.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("note", sa.String(280)),
        # A salted hash of the client address, for rate limiting and abuse checks; never the address.
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("confirmed_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('closed', 'no_water', 'charger_broken', 'fine')", name="ck_reports_kind"),
    )
    op.create_index("ix_rider_reports_centre_time", "rider_reports", ["centre_id", "created_at"])


def downgrade() -> None:
    op.drop_table("rider_reports")
    op.drop_table("audit_log")
    op.drop_column("centres", "deleted_at")
    op.drop_column("centres", "version")
    op.drop_table("users")
