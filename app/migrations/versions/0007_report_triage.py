"""Report triage and a wider audit log: rider reports can be dismissed; audit rows may carry details
(which report was confirmed or dismissed) and may concern a user instead of a centre.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rider_reports", sa.Column("dismissed_by", sa.Integer, sa.ForeignKey("users.id")))
    op.add_column("rider_reports", sa.Column("dismissed_at", sa.DateTime(timezone=True)))
    # The editors' list asks for each centre's open reports: neither confirmed nor dismissed.
    op.create_index("ix_rider_reports_open", "rider_reports", ["centre_id"],
                    postgresql_where=sa.text("confirmed_at IS NULL AND dismissed_at IS NULL"))
    op.add_column("audit_log", sa.Column("details", JSONB))
    op.alter_column("audit_log", "centre_id", existing_type=sa.String(64), nullable=True)
    op.create_index("ix_audit_log_user_actions", "audit_log", ["at"], postgresql_where=sa.text("centre_id IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_audit_log_user_actions", table_name="audit_log")
    op.execute("DELETE FROM audit_log WHERE centre_id IS NULL")
    op.alter_column("audit_log", "centre_id", existing_type=sa.String(64), nullable=False)
    op.drop_column("audit_log", "details")
    op.drop_index("ix_rider_reports_open", table_name="rider_reports")
    op.drop_column("rider_reports", "dismissed_at")
    op.drop_column("rider_reports", "dismissed_by")
