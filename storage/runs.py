"""Campaigns and their units of work (service runs): enqueueing, recording, resuming.

A unit is recorded in one transaction (run, pages, findings) after its evidence files are on
disk, so that a campaign killed at any moment leaves each unit either complete or still pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from checks.models import Finding
from probes.models import PageCapture, ServiceCapture
from storage.evidence.manifests import seal_run
from storage.evidence.store import EvidenceStore
from storage.schema import Artifact, Campaign, FindingRecord, PageRecord, Service, ServiceRun


@dataclass(frozen=True)
class Unit:
    """What a worker needs to run one service: nothing held in process memory."""

    run_id: int
    campaign_id: int
    service_id: str
    url: str


def create_campaign(
    session: Session, services: list[Service], trigger: str, settings: dict, kind: str = "full",
    schedule_key: str | None = None,
) -> Campaign:
    campaign = Campaign(status="running", trigger=trigger, settings=settings, kind=kind, schedule_key=schedule_key)
    session.add(campaign)
    session.flush()
    for service in services:
        session.add(ServiceRun(campaign_id=campaign.id, service_id=service.id, url=service.url, status="pending"))
    session.commit()
    return campaign


def pending_units(session: Session, campaign_id: int) -> list[Unit]:
    runs = session.scalars(
        select(ServiceRun).where(ServiceRun.campaign_id == campaign_id, ServiceRun.status == "pending")
        .order_by(ServiceRun.id)
    )
    return [Unit(r.id, r.campaign_id, r.service_id, r.url) for r in runs]


def unfinished_campaign(session: Session) -> Campaign | None:
    return session.scalars(
        select(Campaign).where(Campaign.status == "running").order_by(Campaign.id.desc()).limit(1)
    ).first()


def finish_campaign(session: Session, campaign_id: int) -> None:
    session.execute(
        update(Campaign).where(Campaign.id == campaign_id)
        .values(status="finished", finished_at=datetime.now(timezone.utc))
    )
    session.commit()


_MEDIA = {"jpeg": "image/jpeg", "png": "image/png"}


@dataclass(frozen=True)
class _StoredPage:
    page: PageCapture
    screenshot: str | None
    dom: str | None
    axe: str | None
    capture: str


def _store_page_files(store: EvidenceStore, page: PageCapture) -> tuple[_StoredPage, dict[str, tuple[int, str]]]:
    """Write a page's evidence files; returns their digests and (size, media type) per digest."""
    artifacts: dict[str, tuple[int, str]] = {}

    def put(data: bytes | None, media_type: str) -> str | None:
        if not data:
            return None
        sha = store.put(data)
        artifacts[sha] = (len(data), media_type)
        return sha

    if page.reused is not None:
        # Unchanged since an earlier visit: its screenshot and axe-core results, by reference (their
        # artifact rows are there since that visit).
        screenshot, axe = page.reused.screenshot_sha, page.reused.axe_sha
    else:
        screenshot = put(page.screenshot, _MEDIA.get(page.screenshot_type or "", "application/octet-stream"))
        axe = put(page.axe.raw_json if page.axe else None, "application/json")
    dom = put(page.html.encode("utf-8") if page.html else None, "text/html; charset=utf-8")
    capture_json = page.model_dump_json(exclude={"html"}).encode("utf-8")
    capture = put(capture_json, "application/json")
    assert capture is not None
    return _StoredPage(page, screenshot, dom, axe, capture), artifacts


def _insert_artifacts(session: Session, artifacts: dict[str, tuple[int, str]]) -> None:
    """Insert artifact rows, leaving alone those another unit stored first (same bytes, same row)."""
    if not artifacts:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"unsupported database dialect {dialect}")
    rows = [{"sha256": sha, "size": size, "media_type": media, "created_at": datetime.now(timezone.utc)}
            for sha, (size, media) in sorted(artifacts.items())]
    session.execute(insert(Artifact).values(rows).on_conflict_do_nothing(index_elements=["sha256"]))


def record_unit(
    session: Session, store: EvidenceStore, unit: Unit, capture: ServiceCapture, findings: dict[str, Finding],
) -> bool:
    """Store a finished unit. Returns False (and stores nothing) if it was already recorded."""
    stored: list[_StoredPage] = []
    artifacts: dict[str, tuple[int, str]] = {}
    for page in capture.pages:
        page_files, page_artifacts = _store_page_files(store, page)
        stored.append(page_files)
        artifacts.update(page_artifacts)

    duration = None
    if capture.started_at and capture.finished_at:
        duration = round((capture.finished_at - capture.started_at).total_seconds() * 1000, 1)
    tools = capture.tools
    try:
        # Claiming the unit and writing its rows is one transaction: a second writer (a resumed
        # campaign racing a slow one) finds it no longer pending and stores nothing.
        claimed = session.execute(
            update(ServiceRun).where(ServiceRun.id == unit.run_id, ServiceRun.status == "pending").values(
                status="done",
                final_url=capture.final_url,
                ok=capture.ok,
                http_status=capture.http_status,
                error=capture.error,
                error_class=capture.error_class,
                started_at=capture.started_at,
                finished_at=capture.finished_at,
                duration_ms=duration,
                response_ms=capture.response_time.total_ms if capture.response_time else None,
                response_timings=capture.response_time.model_dump(mode="json") if capture.response_time else None,
                attempts=capture.attempts,
                veilleur_version=tools.veilleur if tools else None,
                playwright_version=tools.playwright if tools else None,
                chromium_version=tools.chromium if tools else None,
                axe_version=tools.axe_core if tools else None,
            )
        ).rowcount
        if claimed != 1:
            session.rollback()
            return False
        _insert_artifacts(session, artifacts)
        for position, item in enumerate(stored):
            page = item.page
            session.add(PageRecord(
                service_run_id=unit.run_id, position=position, kind=page.kind, url=page.url,
                final_url=page.final_url, http_status=page.http_status, ok=page.ok, error=page.error,
                error_class=page.error_class, content_type=page.content_type, title=page.title,
                redirect_chain=page.redirect_chain, response_headers=page.response_headers,
                timings=page.timings.model_dump(), dialogs=page.dialogs, captured_at=page.captured_at,
                axe_version=page.axe.version if page.axe else None, axe_error=page.axe.error if page.axe else None,
                screenshot_sha=item.screenshot, dom_sha=item.dom, axe_sha=item.axe, capture_sha=item.capture,
                fingerprint=page.fingerprint, audit_run_id=page.reused.run_id if page.reused else None,
            ))
        for check, finding in findings.items():
            session.add(FindingRecord(
                service_run_id=unit.run_id, check=check, status=finding.status, reason=finding.reason,
                details=finding.details(), evidence=[e.model_dump(mode="json") for e in finding.evidence],
            ))
        # The manifest is sealed in the unit's own transaction: a recorded run always has one.
        seal_run(session, store, unit.run_id)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return True


def latest_runs(session: Session, campaign_id: int | None = None) -> list[ServiceRun]:
    """The most recent completed full run of each service (or the runs of one campaign).
    Availability checks are left out: they look at the landing page only and have no findings."""
    query = select(ServiceRun).where(ServiceRun.status == "done")
    if campaign_id is not None:
        query = query.where(ServiceRun.campaign_id == campaign_id)
    else:
        latest = (
            select(func.max(ServiceRun.id)).join(Campaign)
            .where(ServiceRun.status == "done", Campaign.kind == "full").group_by(ServiceRun.service_id)
        )
        query = query.where(ServiceRun.id.in_(latest))
    query = query.options(
        selectinload(ServiceRun.pages), selectinload(ServiceRun.findings),
        selectinload(ServiceRun.service).selectinload(Service.ministry),
    ).order_by(ServiceRun.service_id)
    return list(session.scalars(query))
