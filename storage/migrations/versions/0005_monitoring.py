"""monitoring: campaign kinds and schedule slots, attempts, incidents

Revision ID: 0005_monitoring
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_monitoring"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="full", nullable=False))
        batch_op.add_column(sa.Column("schedule_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("alerts_done_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_campaigns_schedule_key", ["schedule_key"])
    with op.batch_alter_table("service_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("check_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("baseline_status", sa.String(length=40), nullable=True),
        sa.Column("current_status", sa.String(length=40), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("baseline_run_id", sa.Integer(), nullable=True),
        sa.Column("opened_run_id", sa.Integer(), nullable=False),
        sa.Column("closed_run_id", sa.Integer(), nullable=True),
        sa.Column("opened_campaign_id", sa.Integer(), nullable=False),
        sa.Column("closed_campaign_id", sa.Integer(), nullable=True),
        sa.Column("page_url", sa.String(length=2000), nullable=True),
        sa.Column("screenshot_sha", sa.String(length=64), nullable=True),
        sa.Column("last_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["baseline_run_id"], ["service_runs.id"]),
        sa.ForeignKeyConstraint(["opened_run_id"], ["service_runs.id"]),
        sa.ForeignKeyConstraint(["closed_run_id"], ["service_runs.id"]),
        sa.ForeignKeyConstraint(["opened_campaign_id"], ["campaigns.id"]),
        sa.ForeignKeyConstraint(["closed_campaign_id"], ["campaigns.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_opened_campaign_id"), ["opened_campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_closed_campaign_id"), ["closed_campaign_id"], unique=False)


def downgrade() -> None:
    op.drop_table("incidents")
    with op.batch_alter_table("service_runs", schema=None) as batch_op:
        batch_op.drop_column("attempts")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint("uq_campaigns_schedule_key", type_="unique")
        batch_op.drop_column("alerts_done_at")
        batch_op.drop_column("schedule_key")
        batch_op.drop_column("kind")
