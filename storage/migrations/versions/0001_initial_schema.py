"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('artifacts',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_status'), ['status'], unique=False)

    op.create_table('ministries',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('services',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('ministry_id', sa.String(length=64), nullable=False),
    sa.Column('administration', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('annual_volume', sa.Integer(), nullable=True),
    sa.Column('financial_aid', sa.Boolean(), nullable=False),
    sa.Column('life_events', sa.JSON(), nullable=False),
    sa.Column('pnu', sa.Boolean(), nullable=False),
    sa.Column('contacts', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ministry_id'], ['ministries.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_ministry_id'), ['ministry_id'], unique=False)

    op.create_table('service_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('final_url', sa.String(length=2000), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_class', sa.String(length=40), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_ms', sa.Float(), nullable=True),
    sa.Column('veilleur_version', sa.String(length=40), nullable=True),
    sa.Column('playwright_version', sa.String(length=40), nullable=True),
    sa.Column('chromium_version', sa.String(length=60), nullable=True),
    sa.Column('axe_version', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'service_id', name='uq_service_run_unit')
    )
    with op.batch_alter_table('service_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_runs_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_runs_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_runs_status'), ['status'], unique=False)

    op.create_table('findings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('service_run_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['service_run_id'], ['service_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_service_run_id'), ['service_run_id'], unique=False)

    op.create_table('page_captures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('service_run_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('final_url', sa.String(length=2000), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_class', sa.String(length=40), nullable=True),
    sa.Column('content_type', sa.String(length=200), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('redirect_chain', sa.JSON(), nullable=False),
    sa.Column('response_headers', sa.JSON(), nullable=False),
    sa.Column('timings', sa.JSON(), nullable=False),
    sa.Column('dialogs', sa.JSON(), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('axe_version', sa.String(length=40), nullable=True),
    sa.Column('axe_error', sa.Text(), nullable=True),
    sa.Column('screenshot_sha', sa.String(length=64), nullable=True),
    sa.Column('dom_sha', sa.String(length=64), nullable=True),
    sa.Column('axe_sha', sa.String(length=64), nullable=True),
    sa.Column('capture_sha', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['axe_sha'], ['artifacts.sha256'], ),
    sa.ForeignKeyConstraint(['capture_sha'], ['artifacts.sha256'], ),
    sa.ForeignKeyConstraint(['dom_sha'], ['artifacts.sha256'], ),
    sa.ForeignKeyConstraint(['screenshot_sha'], ['artifacts.sha256'], ),
    sa.ForeignKeyConstraint(['service_run_id'], ['service_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('page_captures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_captures_service_run_id'), ['service_run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('page_captures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_captures_service_run_id'))

    op.drop_table('page_captures')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_service_run_id'))
        batch_op.drop_index(batch_op.f('ix_findings_check_id'))

    op.drop_table('findings')
    with op.batch_alter_table('service_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_runs_status'))
        batch_op.drop_index(batch_op.f('ix_service_runs_service_id'))
        batch_op.drop_index(batch_op.f('ix_service_runs_campaign_id'))

    op.drop_table('service_runs')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_ministry_id'))

    op.drop_table('services')
    op.drop_table('ministries')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_status'))

    op.drop_table('campaigns')
    op.drop_table('artifacts')
