"""Adds to each page its fingerprint and, when unchanged since an earlier visit, the run whose audit it keeps.

Revision ID: 0011_unchanged_pages
Revises: 0010_distributed_campaigns
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_unchanged_pages"
down_revision = "0010_distributed_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite adds a foreign key only by rebuilding the table
    with op.batch_alter_table("page_captures") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("audit_run_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_page_captures_audit_run_id_service_runs", "service_runs", ["audit_run_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("page_captures") as batch:
        batch.drop_constraint("fk_page_captures_audit_run_id_service_runs", type_="foreignkey")
        batch.drop_column("audit_run_id")
        batch.drop_column("fingerprint")
