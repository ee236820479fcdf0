"""Creates the whole schema in one step: the first six migrations (0001 and its five branches) collapsed.

It builds exactly what 0001_initial_schema, 0002_outbox, 0003_evidence, 0004_indicators, 0005_monitoring
and 0007_proposals built together — same tables, columns in the same order, types, server defaults,
constraint and index names — so a database made by them needs no change, only a new stamp:
storage.db re-stamps one carrying their heads to this revision before upgrading.

Revision ID: 0008_collapsed_schema
Revises:
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_collapsed_schema"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # registry, campaigns and captured evidence (was 0001; columns appended by 0004/0005 come last)
    op.create_table(
        "artifacts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=20), server_default="full", nullable=False),
        sa.Column("schedule_key", sa.String(length=200), nullable=True),
        sa.Column("alerts_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule_key", name="uq_campaigns_schedule_key"),
    )
    op.create_index(op.f("ix_campaigns_status"), "campaigns", ["status"], unique=False)

    op.create_table(
        "ministries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("ministry_id", sa.String(length=64), nullable=False),
        sa.Column("administration", sa.String(length=300), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("annual_volume", sa.Integer(), nullable=True),
        sa.Column("financial_aid", sa.Boolean(), nullable=False),
        sa.Column("life_events", sa.JSON(), nullable=False),
        sa.Column("pnu", sa.Boolean(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("has_account", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("fc_level_required", sa.String(length=30), server_default="franceconnect", nullable=False),
        sa.Column("jdma_demarche_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["ministry_id"], ["ministries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_services_ministry_id"), "services", ["ministry_id"], unique=False)

    op.create_table(
        "service_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_class", sa.String(length=40), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("veilleur_version", sa.String(length=40), nullable=True),
        sa.Column("playwright_version", sa.String(length=40), nullable=True),
        sa.Column("chromium_version", sa.String(length=60), nullable=True),
        sa.Column("axe_version", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "service_id", name="uq_service_run_unit"),
    )
    op.create_index(op.f("ix_service_runs_campaign_id"), "service_runs", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_service_runs_service_id"), "service_runs", ["service_id"], unique=False)
    op.create_index(op.f("ix_service_runs_status"), "service_runs", ["status"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_run_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["service_run_id"], ["service_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_findings_check_id"), "findings", ["check_id"], unique=False)
    op.create_index(op.f("ix_findings_service_run_id"), "findings", ["service_run_id"], unique=False)

    op.create_table(
        "page_captures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_class", sa.String(length=40), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("redirect_chain", sa.JSON(), nullable=False),
        sa.Column("response_headers", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("dialogs", sa.JSON(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("axe_version", sa.String(length=40), nullable=True),
        sa.Column("axe_error", sa.Text(), nullable=True),
        sa.Column("screenshot_sha", sa.String(length=64), nullable=True),
        sa.Column("dom_sha", sa.String(length=64), nullable=True),
        sa.Column("axe_sha", sa.String(length=64), nullable=True),
        sa.Column("capture_sha", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["axe_sha"], ["artifacts.sha256"]),
        sa.ForeignKeyConstraint(["capture_sha"], ["artifacts.sha256"]),
        sa.ForeignKeyConstraint(["dom_sha"], ["artifacts.sha256"]),
        sa.ForeignKeyConstraint(["screenshot_sha"], ["artifacts.sha256"]),
        sa.ForeignKeyConstraint(["service_run_id"], ["service_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_page_captures_service_run_id"), "page_captures", ["service_run_id"], unique=False)

    # outbox: alert e-mails queued before they are sent (was 0002_outbox)
    op.create_table(
        "outgoing_mails",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=True),
        sa.Column("raw_message", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key", name="uq_outgoing_mails_dedupe_key"),
    )
    op.create_index(op.f("ix_outgoing_mails_campaign_id"), "outgoing_mails", ["campaign_id"], unique=False)
    op.create_index(op.f("ix_outgoing_mails_kind"), "outgoing_mails", ["kind"], unique=False)
    op.create_index(op.f("ix_outgoing_mails_next_attempt_at"), "outgoing_mails", ["next_attempt_at"], unique=False)
    op.create_index(op.f("ix_outgoing_mails_status"), "outgoing_mails", ["status"], unique=False)

    # evidence: run manifests chained per service, artifacts pruned by retention (was 0003_evidence)
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
    op.create_index(op.f("ix_run_manifests_service_id"), "run_manifests", ["service_id"], unique=False)

    op.create_table(
        "pruned_artifacts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("keep_quarters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["artifacts.sha256"]),
        sa.PrimaryKeyConstraint("sha256"),
    )

    # indicators: imported satisfaction, declared indicators, reference runs chosen by hand (was 0004_indicators)
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
    op.create_index(op.f("ix_satisfaction_scores_quarter"), "satisfaction_scores", ["quarter"], unique=False)
    op.create_index(op.f("ix_satisfaction_scores_demarche_id"), "satisfaction_scores", ["demarche_id"], unique=False)
    op.create_index(op.f("ix_satisfaction_scores_service_id"), "satisfaction_scores", ["service_id"], unique=False)

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
    op.create_index(op.f("ix_declared_indicators_service_id"), "declared_indicators", ["service_id"], unique=False)

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
    op.create_index(op.f("ix_reference_run_choices_service_id"), "reference_run_choices", ["service_id"], unique=False)

    # monitoring: incidents opened and closed between runs (was 0005_monitoring)
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
    op.create_index(op.f("ix_incidents_service_id"), "incidents", ["service_id"], unique=False)
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"], unique=False)
    op.create_index(op.f("ix_incidents_opened_campaign_id"), "incidents", ["opened_campaign_id"], unique=False)
    op.create_index(op.f("ix_incidents_closed_campaign_id"), "incidents", ["closed_campaign_id"], unique=False)

    # proposals: services citizens propose for monitoring (was 0007_proposals)
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("ministry_id", sa.String(length=64), nullable=True),
        sa.Column("criterion", sa.String(length=20), nullable=False),
        sa.Column("life_event", sa.String(length=40), nullable=True),
        sa.Column("annual_volume", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("service_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_proposals_status"), "proposals", ["status"], unique=False)


def downgrade() -> None:
    # dropping a table drops its indexes; children before the tables they point to
    for table in ("proposals", "incidents", "reference_run_choices", "declared_indicators", "satisfaction_scores",
                  "pruned_artifacts", "run_manifests", "outgoing_mails", "page_captures", "findings",
                  "service_runs", "services", "ministries", "campaigns", "artifacts"):
        op.drop_table(table)
