"""Adds the table of the instance's public signing keys, read by every process that verifies.

Revision ID: 0012_published_keys
Revises: 0011_unchanged_pages
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_published_keys"
down_revision = "0011_unchanged_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("fingerprint", sa.String(length=64), primary_key=True),
        sa.Column("algorithm", sa.String(length=20), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("signing_keys")
