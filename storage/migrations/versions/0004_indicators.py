"""indicators: registry fields for indicators, imported satisfaction and declared indicators,
reference runs chosen by hand

Revision ID: 0004_indicators
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0004_indicators"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("has_account", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(
            sa.Column("fc_level_required", sa.String(length=30), server_default="franceconnect", nullable=False)
        )
        batch_op.add_column(sa.Column("jdma_demarche_id", sa.String(length=40), nullable=True))

    op.create_table(
        "satisfaction_scores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("demarche_id", sa.String(length=40), nullable=True),
        sa.Column("service_id", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("satisfaction_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_satisfaction_scores_quarter"), ["quarter"], unique=False)
        batch_op.create_index(batch_op.f("ix_satisfaction_scores_demarche_id"), ["demarche_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_satisfaction_scores_service_id"), ["service_id"], unique=False)

    op.create_table(
        "declared_indicators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("declared_by", sa.Text(), nullable=True),
        sa.Column("source_file", sa.String(length=1000), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "quarter", "indicator", name="uq_declared_indicator"),
    )
    with op.batch_alter_table("declared_indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declared_indicators_service_id"), ["service_id"], unique=False)

    op.create_table(
        "reference_run_choices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("service_run_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["service_run_id"], ["service_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("quarter", "service_id", name="uq_reference_run_choice"),
    )
    with op.batch_alter_table("reference_run_choices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_run_choices_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reference_run_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reference_run_choices_service_id"))
    op.drop_table("reference_run_choices")
    with op.batch_alter_table("declared_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declared_indicators_service_id"))
    op.drop_table("declared_indicators")
    with op.batch_alter_table("satisfaction_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_scores_service_id"))
        batch_op.drop_index(batch_op.f("ix_satisfaction_scores_demarche_id"))
        batch_op.drop_index(batch_op.f("ix_satisfaction_scores_quarter"))
    op.drop_table("satisfaction_scores")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("jdma_demarche_id")
        batch_op.drop_column("fc_level_required")
        batch_op.drop_column("has_account")
