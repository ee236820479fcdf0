"""Adds to each run the address's HTTP response time (the observatory's load time); annual volumes up to 10^10 (foundation/limits.py) fit their columns.

Revision ID: 0013_response_time_and_volumes
Revises: 0012_published_keys
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_response_time_and_volumes"
down_revision = "0012_published_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_runs") as batch:
        batch.add_column(sa.Column("response_ms", sa.Float(), nullable=True))
        batch.add_column(sa.Column("response_timings", sa.JSON(), nullable=True))
    # The bound on annual volumes (10^10) is past PostgreSQL's `integer`; SQLite's INTEGER holds
    # 64 bits already (and would rebuild the tables under their foreign keys to change it).
    if op.get_bind().dialect.name != "sqlite":
        for table in ("services", "proposals"):
            op.alter_column(table, "annual_volume", type_=sa.BigInteger(), existing_type=sa.Integer(),
                            existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table in ("services", "proposals"):
            op.alter_column(table, "annual_volume", type_=sa.Integer(), existing_type=sa.BigInteger(),
                            existing_nullable=True)
    with op.batch_alter_table("service_runs") as batch:
        batch.drop_column("response_timings")
        batch.drop_column("response_ms")
