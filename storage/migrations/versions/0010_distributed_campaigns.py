"""Adds the tables of distributed campaigns: evidence blobs kept in the database, the Celery task of each
unit (its dispatch, deliveries and outcome), and the leases that keep workers polite to a host.

Created on every database, used only with VEILLEUR_BROKER_URL or VEILLEUR_EVIDENCE_URL=postgresql…

Revision ID: 0010_distributed_campaigns
Revises: 0009_manifest_signatures
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_distributed_campaigns"
down_revision = "0009_manifest_signatures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "unit_deliveries",
        sa.Column("service_run_id", sa.Integer(), nullable=False),
        sa.Column("dispatch", sa.String(length=36), nullable=True),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_run_id"], ["service_runs.id"]),
        sa.PrimaryKeyConstraint("service_run_id"),
    )
    op.create_index(op.f("ix_unit_deliveries_dispatch"), "unit_deliveries", ["dispatch"], unique=False)
    op.create_table(
        "host_leases",
        sa.Column("host", sa.String(length=300), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host"),
    )


def downgrade() -> None:
    op.drop_table("host_leases")
    op.drop_index(op.f("ix_unit_deliveries_dispatch"), table_name="unit_deliveries")
    op.drop_table("unit_deliveries")
    op.drop_table("evidence_blobs")
