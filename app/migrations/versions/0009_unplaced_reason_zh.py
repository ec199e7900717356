"""Rows the geocoder could not place say why in Chinese too: the editors' page is read by community staff.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("unplaced_rows", sa.Column("reason_zh", sa.Text))


def downgrade() -> None:
    op.drop_column("unplaced_rows", "reason_zh")
