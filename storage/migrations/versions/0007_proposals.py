"""proposals: services citizens propose for monitoring

Revision ID: 0007_proposals
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_proposals"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("ministry_id", sa.String(length=64), nullable=True),
        sa.Column("criterion", sa.String(length=20), nullable=False),
        sa.Column("life_event", sa.String(length=40), nullable=True),
        sa.Column("annual_volume", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("service_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_proposals_status"), "proposals", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_proposals_status"), table_name="proposals")
    op.drop_table("proposals")
