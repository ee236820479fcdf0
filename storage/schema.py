"""The whole database schema (SQLAlchemy 2.x), every table of every area; the Alembic migration follows it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    BigInteger,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Annual volumes go up to 10^10 (foundation/limits.py): past PostgreSQL's `integer`; SQLite's
# INTEGER holds 64 bits as it is.
VOLUME = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Ministry(Base):
    __tablename__ = "ministries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    contacts: Mapped[list] = mapped_column(JSON, default=list)

    services: Mapped[list["Service"]] = relationship(back_populates="ministry")


class Service(Base):
    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    ministry_id: Mapped[str] = mapped_column(ForeignKey("ministries.id"), index=True)
    administration: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    annual_volume: Mapped[int | None] = mapped_column(VOLUME)
    financial_aid: Mapped[bool] = mapped_column(Boolean, default=False)
    life_events: Mapped[list] = mapped_column(JSON, default=list)
    pnu: Mapped[bool] = mapped_column(Boolean, default=False)
    contacts: Mapped[list] = mapped_column(JSON, default=list)
    # Indicators (issue 6): a service without user accounts has no login to offer, so its
    # Authentication indicator is "Non applicable"; the risk level says which FranceConnect it owes.
    has_account: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    fc_level_required: Mapped[str] = mapped_column(String(30), default="franceconnect", server_default="franceconnect")
    # JeDonneMonAvis démarche id, when the button on the site cannot tell it (imports link by it).
    jdma_demarche_id: Mapped[str | None] = mapped_column(String(40))
    # Retired services keep their history (it is evidence) but are no longer probed.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    ministry: Mapped[Ministry] = relationship(back_populates="services")


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # running → finished; a campaign left "running" by a killed process is resumed by --resume.
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    # "full": every page and check; "availability": the landing page only, no findings.
    kind: Mapped[str] = mapped_column(String(20), default="full", server_default="full")
    # For scheduled campaigns, the job and fire time they stand for: unique, so a job that fires
    # twice for the same slot (a restart, two schedulers) cannot start two campaigns.
    schedule_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Set once incidents and alert e-mails were computed for this campaign (done exactly once).
    alerts_done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)

    runs: Mapped[list["ServiceRun"]] = relationship(back_populates="campaign", order_by="ServiceRun.id")


class ServiceRun(Base):
    """The unit of work: one service in one campaign. Unique by (campaign, service) so that a
    resumed or retried unit can never be stored twice."""

    __tablename__ = "service_runs"
    __table_args__ = (UniqueConstraint("campaign_id", "service_id", name="uq_service_run_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    url: Mapped[str] = mapped_column(String(2000))
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    final_url: Mapped[str | None] = mapped_column(String(2000))
    ok: Mapped[bool | None] = mapped_column(Boolean)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    error_class: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_ms: Mapped[float | None] = mapped_column(Float)
    # The address's HTTP response time (probes/response_time.py), the observatory's load time; its
    # phases (dns_ms, connect_ms, tls_ms, first_byte_ms, body_ms…) or why there is no figure.
    response_ms: Mapped[float | None] = mapped_column(Float)
    response_timings: Mapped[dict | None] = mapped_column(JSON)
    veilleur_version: Mapped[str | None] = mapped_column(String(40))
    playwright_version: Mapped[str | None] = mapped_column(String(40))
    chromium_version: Mapped[str | None] = mapped_column(String(60))
    axe_version: Mapped[str | None] = mapped_column(String(40))

    campaign: Mapped[Campaign] = relationship(back_populates="runs")
    service: Mapped[Service] = relationship()
    pages: Mapped[list["PageRecord"]] = relationship(back_populates="run", order_by="PageRecord.position",
                                                 foreign_keys="PageRecord.service_run_id")
    findings: Mapped[list["FindingRecord"]] = relationship(back_populates="run", order_by="FindingRecord.id")


class Artifact(Base):
    """A file in the content-addressed evidence store, named by the sha256 of its bytes."""

    __tablename__ = "artifacts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PageRecord(Base):
    __tablename__ = "page_captures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000))
    final_url: Mapped[str | None] = mapped_column(String(2000))
    http_status: Mapped[int | None] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    error_class: Mapped[str | None] = mapped_column(String(40))
    content_type: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    redirect_chain: Mapped[list] = mapped_column(JSON, default=list)
    response_headers: Mapped[dict] = mapped_column(JSON, default=dict)
    timings: Mapped[dict] = mapped_column(JSON, default=dict)
    dialogs: Mapped[list] = mapped_column(JSON, default=list)
    captured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    axe_version: Mapped[str | None] = mapped_column(String(40))
    axe_error: Mapped[str | None] = mapped_column(Text)
    screenshot_sha: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))
    dom_sha: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))
    axe_sha: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))
    # The whole capture (text, elements, forms, axe summary) as JSON, so checks can be re-run on it.
    capture_sha: Mapped[str | None] = mapped_column(ForeignKey("artifacts.sha256"))
    # What the page showed, hashed (probes/fingerprint.py), and, when it was unchanged since an
    # earlier visit, the run whose audit (axe-core, screenshot, phone pass) it keeps by reference.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    audit_run_id: Mapped[int | None] = mapped_column(ForeignKey("service_runs.id"))

    run: Mapped[ServiceRun] = relationship(back_populates="pages", foreign_keys=[service_run_id])


class FindingRecord(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"), index=True)
    # Column named check_id: "check" is a reserved word in SQL, awkward for anyone querying by hand.
    check: Mapped[str] = mapped_column("check_id", String(40), index=True)
    status: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    evidence: Mapped[list] = mapped_column(JSON, default=list)

    run: Mapped[ServiceRun] = relationship(back_populates="findings")


# Incidents: a confirmed regression of one check of one service, open until it recovers.

class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    # A check id, or "availability" for a service that could not be reached.
    check_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open | closed
    change: Mapped[str] = mapped_column(Text)
    baseline_status: Mapped[str | None] = mapped_column(String(40))
    current_status: Mapped[str | None] = mapped_column(String(40))
    # When the regression was first seen (the first of the K confirming runs).
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    baseline_run_id: Mapped[int | None] = mapped_column(ForeignKey("service_runs.id"))
    opened_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"))
    closed_run_id: Mapped[int | None] = mapped_column(ForeignKey("service_runs.id"))
    opened_campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    closed_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    page_url: Mapped[str | None] = mapped_column(String(2000))
    screenshot_sha: Mapped[str | None] = mapped_column(String(64))
    last_notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Opened during a mass regression (probably our side): ministries were not told.
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)

    service: Mapped[Service] = relationship()


# The outbox table: every alert e-mail, queued in the database before it is sent.

class OutgoingMail(Base):
    """One message and its delivery status: queued → sent. A message is never deleted by the
    queue: a delivery that keeps failing stays queued and is retried at the capped backoff."""

    __tablename__ = "outgoing_mails"
    # A campaign resumed after a crash renders its digests again: the key makes queuing idempotent.
    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_outgoing_mails_dedupe_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    sender: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(300))
    # The exact bytes handed to SMTP (CRLF line endings), so a retry sends what was queued.
    raw_message: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# Tables of the indicators area (issue 6): data imported from outside the probes, and the

class SatisfactionScore(Base):
    """A service's JeDonneMonAvis satisfaction for one quarter, as imported from an export.

    Keyed by the JDMA démarche id, or by the registry's service id when the file names services.
    """

    __tablename__ = "satisfaction_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    demarche_id: Mapped[str | None] = mapped_column(String(40), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("services.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reviews: Mapped[int] = mapped_column(Integer)
    # Where the figure comes from: file name and rows, so that anyone can recompute it.
    source: Mapped[str] = mapped_column(String(1000))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JdmaFigureRecord(Base):
    """One of a démarche's JeDonneMonAvis indicators for a quarter (clarté du langage, aide joignable,
    aide efficace, niveau d'autonomie), computed over the 12 months before the quarter's end."""

    __tablename__ = "jdma_figures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    demarche_id: Mapped[str | None] = mapped_column(String(40), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("services.id"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))  # the grid's slug
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    answers: Mapped[int] = mapped_column(Integer)  # answers the figure rests on
    reviews: Mapped[int] = mapped_column(Integer)  # reviews of the 12 months: under 100, not shown
    source: Mapped[str] = mapped_column(String(1000))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeclaredIndicator(Base):
    """An indicator the administration declares (the probes cannot see it), from a quarter on."""

    __tablename__ = "declared_indicators"
    __table_args__ = (UniqueConstraint("service_id", "quarter", "indicator", name="uq_declared_indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(6))
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(100))
    # Who declared it (the file's `source` column), and the file and row it was read from.
    declared_by: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(1000))
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReferenceRunChoice(Base):
    """A run chosen by hand to stand for a service in a quarter, overriding the documented rule."""

    __tablename__ = "reference_run_choices"
    __table_args__ = (UniqueConstraint("quarter", "service_id", name="uq_reference_run_choice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarter: Mapped[str] = mapped_column(String(6))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Tables of the evidence area: the chain of run manifests per service, and what retention pruned.

class ManifestRecord(Base):
    __tablename__ = "run_manifests"
    __table_args__ = (
        # One link per place in a service's chain: two writers racing for the same place cannot
        # both commit, so a chain never forks.
        UniqueConstraint("service_id", "chain_index", name="uq_run_manifest_chain_place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"), unique=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    # 0 for a service's first manifest, then 1, 2… in the order the runs were recorded.
    chain_index: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"), unique=True)
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The instance's Ed25519 signature of the manifest's bytes (base64) and its key's fingerprint
    # (storage/evidence/signing.py). Beside the manifest, not in it: a signature inside would change
    # the bytes it signs. Here rather than as a file in the store, because this row is what
    # `veilleur verify` walks, and it is written in the run's own transaction: no run is recorded
    # without its signature. None: sealed before Veilleur signed manifests.
    signature: Mapped[str | None] = mapped_column(String(100))
    key_fingerprint: Mapped[str | None] = mapped_column(String(64))


class SigningKeyRecord(Base):
    """A public key the instance signs or signed with (storage/evidence/published_keys.py): in the
    database, so that every process reading the runs finds it, whatever its own data dir holds."""

    __tablename__ = "signing_keys"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(20))
    public_key: Mapped[str] = mapped_column(Text)  # PEM
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PrunedArtifact(Base):
    """An evidence file deleted by `veilleur evidence prune`: its row in `artifacts` stays."""

    __tablename__ = "pruned_artifacts"

    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"), primary_key=True)
    pruned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    keep_quarters: Mapped[int] = mapped_column(Integer)


# Services citizens propose for monitoring: pending until accepted into the registry or rejected.

class Proposal(Base):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000))
    ministry_id: Mapped[str | None] = mapped_column(String(64))
    criterion: Mapped[str] = mapped_column(String(20))
    life_event: Mapped[str | None] = mapped_column(String(40))
    annual_volume: Mapped[int | None] = mapped_column(VOLUME)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    service_id: Mapped[str | None] = mapped_column(String(100))


# Tables of distributed campaigns (VEILLEUR_BROKER_URL): evidence kept in the database, where each
# unit's Celery task stands, and which worker loads a page of a host now.

class EvidenceBlob(Base):
    """An evidence file kept in the database (VEILLEUR_EVIDENCE_URL=postgresql…), named by the sha256
    of its bytes. No key to `artifacts`: like a file on disk, it is written before its run's
    transaction, so a unit that dies there leaves a blob no row names, never a row without its blob."""

    __tablename__ = "evidence_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UnitDelivery(Base):
    """The Celery task of a unit: which dispatch it belongs to, how many workers took it, how it
    ended. A task carrying another dispatch than its row is stale and runs nothing, so that a
    resumed or stopped campaign never has two live tasks for one unit."""

    __tablename__ = "unit_deliveries"

    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"), primary_key=True)
    # None: the campaign was stopped before a worker took the task.
    dispatch: Mapped[str | None] = mapped_column(String(36), index=True)
    # Each time a worker takes the task: a worker that dies leaves it to the next one, and one that
    # keeps killing workers is set aside past campaign.service_run.OUR_FAILURE_ATTEMPTS.
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(200))
    # None while queued or running; "stored" or "already" once recorded, else our failure's class.
    outcome: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HostLease(Base):
    """Politeness across workers: the worker that may load a page of this host, until `expires_at`
    (renewed while the page loads, then set to the end of the pause between two pages). A worker
    that dies holding it stops renewing it: the host is free again when it expires."""

    __tablename__ = "host_leases"

    host: Mapped[str] = mapped_column(String(300), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
