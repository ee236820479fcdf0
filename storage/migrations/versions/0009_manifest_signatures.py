"""Adds the signature of each run manifest and its key's fingerprint to run_manifests.

Manifests sealed before have neither (NULL): `veilleur verify` counts them as sealed before signing
began when they are older than the instance's first key, and names any later one without a signature.

Revision ID: 0009_manifest_signatures
Revises: 0008_collapsed_schema
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_manifest_signatures"
down_revision = "0008_collapsed_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_manifests") as batch:
        batch.add_column(sa.Column("signature", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("key_fingerprint", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("run_manifests") as batch:
        batch.drop_column("key_fingerprint")
        batch.drop_column("signature")
