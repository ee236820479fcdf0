"""The database schema (SQLAlchemy 2.x). Alembic migrations in storage/migrations follow it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
    annual_volume: Mapped[int | None] = mapped_column(Integer)
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
    veilleur_version: Mapped[str | None] = mapped_column(String(40))
    playwright_version: Mapped[str | None] = mapped_column(String(40))
    chromium_version: Mapped[str | None] = mapped_column(String(60))
    axe_version: Mapped[str | None] = mapped_column(String(40))

    campaign: Mapped[Campaign] = relationship(back_populates="runs")
    service: Mapped[Service] = relationship()
    pages: Mapped[list["PageRecord"]] = relationship(back_populates="run", order_by="PageRecord.position")
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

    run: Mapped[ServiceRun] = relationship(back_populates="pages")


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
