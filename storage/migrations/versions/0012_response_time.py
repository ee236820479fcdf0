"""Adds to each run the address's HTTP response time, measured apart from the browser (the observatory's load time).

Revision ID: 0012_response_time
Revises: 0011_unchanged_pages
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_response_time"
down_revision = "0011_unchanged_pages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_runs") as batch:
        batch.add_column(sa.Column("response_ms", sa.Float(), nullable=True))
        batch.add_column(sa.Column("response_timings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_runs") as batch:
        batch.drop_column("response_timings")
        batch.drop_column("response_ms")
