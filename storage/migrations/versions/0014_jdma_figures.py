"""Adds the JeDonneMonAvis indicators of each démarche and quarter (clarté du langage, aide joignable, aide efficace, niveau d'autonomie).

Revision ID: 0014_jdma_figures
Revises: 0013_response_time_and_volumes
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_jdma_figures"
down_revision = "0013_response_time_and_volumes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jdma_figures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("demarche_id", sa.String(length=40), nullable=True),
        sa.Column("service_id", sa.String(length=100), nullable=True),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=1000), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_jdma_figures_quarter"), "jdma_figures", ["quarter"], unique=False)
    op.create_index(op.f("ix_jdma_figures_demarche_id"), "jdma_figures", ["demarche_id"], unique=False)
    op.create_index(op.f("ix_jdma_figures_service_id"), "jdma_figures", ["service_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_jdma_figures_service_id"), table_name="jdma_figures")
    op.drop_index(op.f("ix_jdma_figures_demarche_id"), table_name="jdma_figures")
    op.drop_index(op.f("ix_jdma_figures_quarter"), table_name="jdma_figures")
    op.drop_table("jdma_figures")
