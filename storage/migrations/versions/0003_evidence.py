"""evidence: run manifests chained per service, artifacts pruned by retention

Revision ID: 0003_evidence
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_evidence"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_manifests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_run_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("chain_index", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("previous_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_run_id"], ["service_runs.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["sha256"], ["artifacts.sha256"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_run_id"),
        sa.UniqueConstraint("sha256"),
        sa.UniqueConstraint("service_id", "chain_index", name="uq_run_manifest_chain_place"),
    )
    with op.batch_alter_table("run_manifests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_manifests_service_id"), ["service_id"], unique=False)

    op.create_table(
        "pruned_artifacts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("keep_quarters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["artifacts.sha256"]),
        sa.PrimaryKeyConstraint("sha256"),
    )


def downgrade() -> None:
    op.drop_table("pruned_artifacts")
    with op.batch_alter_table("run_manifests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_manifests_service_id"))
    op.drop_table("run_manifests")
