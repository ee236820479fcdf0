"""Run manifests: what one service run captured and concluded, sealed and chained per service.

A manifest lists the run's artifacts (sha256, size, media type, page and kind), the versions of
Veilleur, Chromium, Playwright and axe-core, the probe settings, the timestamps, the pages visited
(URLs, HTTP status, response headers) and the findings with their evidence pointers. It is written
as canonical JSON (keys sorted, no spaces, UTF-8) into the evidence store like any artifact, so its
sha256 is its name; each manifest carries the sha256 of the previous manifest of the same service,
so altering, removing or inserting one breaks the chain from there on.

The manifest is built from the database rows of the run inside the transaction that records the
unit (see `seal_run`), so the sealed manifest and the rows can never disagree at commit time. It is
signed there too, with the instance's key (storage/evidence/signing.py): a chain proves that nothing
changed since, the signature proves who sealed it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from checks.models import Evidence
from foundation.times import as_utc
from storage.evidence.published_keys import publish
from storage.evidence.signing import keys_of
from storage.evidence.store import EvidenceStore
from storage.schema import (
    Artifact,
    Campaign,
    FindingRecord,
    ManifestRecord,
    PageRecord,
    PrunedArtifact,
    Service,
    ServiceRun,
)

FORMAT = "veilleur-manifest/1"
MEDIA_TYPE = "application/json"

ArtifactKind = Literal["screenshot", "dom", "axe", "capture"]
# PageRecord column holding each kind of artifact.
ARTIFACT_COLUMNS: dict[str, str] = {
    "screenshot": "screenshot_sha", "dom": "dom_sha", "axe": "axe_sha", "capture": "capture_sha",
}


class ManifestService(BaseModel):
    id: str
    name: str
    url: str
    ministry_id: str


class ManifestRun(BaseModel):
    id: int
    campaign_id: int
    url: str
    final_url: str | None
    ok: bool | None
    http_status: int | None
    error: str | None
    error_class: str | None
    started_at: datetime | None
    finished_at: datetime | None


class ManifestTools(BaseModel):
    veilleur: str | None
    chromium: str | None
    playwright: str | None
    axe_core: str | None


class ManifestArtifact(BaseModel):
    sha256: str
    size: int
    media_type: str
    page: int
    kind: ArtifactKind


class ManifestVisit(BaseModel):
    run_id: int
    chain_index: int


class ManifestPage(BaseModel):
    position: int
    kind: str
    url: str
    final_url: str | None
    http_status: int | None
    ok: bool
    error: str | None
    error_class: str | None
    content_type: str | None
    title: str | None
    redirect_chain: list[str]
    response_headers: dict[str, str]
    captured_at: datetime | None
    axe_version: str | None
    axe_error: str | None
    # Set when the page was byte-identical to an earlier visit (DOM, stylesheets, fonts, images):
    # its screenshot and axe-core results are that visit's (its run, its link in the chain).
    unchanged_since: ManifestVisit | None = None

    @property
    def address(self) -> str:
        """Where the page ended up: what evidence pointers name (checks.readings.coverage.page_address)."""
        return self.final_url or self.url


class ManifestFinding(BaseModel):
    check: str
    status: str
    reason: str | None
    details: dict[str, Any]
    evidence: list[Evidence]


class Manifest(BaseModel):
    format: str = FORMAT
    service: ManifestService
    run: ManifestRun
    chain_index: int
    previous_sha256: str | None
    created_at: datetime
    tools: ManifestTools
    settings: dict[str, Any]
    pages: list[ManifestPage] = Field(default_factory=list)
    artifacts: list[ManifestArtifact] = Field(default_factory=list)
    findings: list[ManifestFinding] = Field(default_factory=list)

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.model_dump(mode="json"))

    @classmethod
    def from_bytes(cls, data: bytes) -> "Manifest":
        return cls.model_validate_json(data)

    def page_for(self, address: str) -> ManifestPage | None:
        """The page an evidence pointer names (by final URL, else by requested URL)."""
        return next((p for p in self.pages if p.address == address), None) or next(
            (p for p in self.pages if p.url == address), None)

    def artifact(self, page: int, kind: str) -> ManifestArtifact | None:
        return next((a for a in self.artifacts if a.page == page and a.kind == kind), None)


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class RunContent(BaseModel):
    """Everything a manifest says about its run, as the database holds it now: sealing writes it,
    verification compares it with what was sealed."""

    service: ManifestService
    run: ManifestRun
    tools: ManifestTools
    settings: dict[str, Any]
    pages: list[ManifestPage]
    artifacts: list[ManifestArtifact]
    findings: list[ManifestFinding]


def run_content(session: Session, run_id: int) -> RunContent:
    run = session.execute(
        select(ServiceRun).where(ServiceRun.id == run_id).execution_options(populate_existing=True)
    ).scalar_one()
    service = session.get(Service, run.service_id)
    campaign = session.get(Campaign, run.campaign_id)
    assert service is not None and campaign is not None
    pages = session.scalars(
        select(PageRecord).where(PageRecord.service_run_id == run_id).order_by(PageRecord.position)
    ).all()
    findings = session.scalars(
        select(FindingRecord).where(FindingRecord.service_run_id == run_id).order_by(FindingRecord.check, FindingRecord.id)
    ).all()
    links = chain_indexes(session, {p.audit_run_id for p in pages if p.audit_run_id is not None})
    wanted = {getattr(p, column) for p in pages for column in ARTIFACT_COLUMNS.values()} - {None}
    known = {a.sha256: a for a in session.scalars(select(Artifact).where(Artifact.sha256.in_(wanted)))} if wanted else {}
    artifacts = [
        ManifestArtifact(sha256=sha, size=known[sha].size, media_type=known[sha].media_type, page=p.position, kind=kind)
        for p in pages for kind, column in ARTIFACT_COLUMNS.items()
        if (sha := getattr(p, column)) is not None
    ]
    return RunContent(
        service=ManifestService(id=service.id, name=service.name, url=service.url, ministry_id=service.ministry_id),
        run=ManifestRun(
            id=run.id, campaign_id=run.campaign_id, url=run.url, final_url=run.final_url, ok=run.ok,
            http_status=run.http_status, error=run.error, error_class=run.error_class,
            started_at=as_utc(run.started_at), finished_at=as_utc(run.finished_at),
        ),
        tools=ManifestTools(veilleur=run.veilleur_version, chromium=run.chromium_version,
                            playwright=run.playwright_version, axe_core=run.axe_version),
        settings=dict(campaign.settings or {}),
        pages=[
            ManifestPage(
                position=p.position, kind=p.kind, url=p.url, final_url=p.final_url, http_status=p.http_status,
                ok=p.ok, error=p.error, error_class=p.error_class, content_type=p.content_type, title=p.title,
                redirect_chain=list(p.redirect_chain or []), response_headers=dict(p.response_headers or {}),
                captured_at=as_utc(p.captured_at), axe_version=p.axe_version, axe_error=p.axe_error,
                unchanged_since=(ManifestVisit(run_id=p.audit_run_id, chain_index=links[p.audit_run_id])
                                 if p.audit_run_id in links else None),
            )
            for p in pages
        ],
        artifacts=artifacts,
        findings=[
            ManifestFinding(check=f.check, status=f.status, reason=f.reason, details=dict(f.details or {}),
                            evidence=[Evidence.model_validate(e) for e in (f.evidence or [])])
            for f in findings
        ],
    )


def seal_run(session: Session, store: EvidenceStore, run_id: int) -> ManifestRecord:
    """Write the run's manifest and link it into its service's chain. Call inside the transaction
    that records the run, after its rows are added and its evidence files are on disk: the
    manifest file is written before the row that names it, and the commit makes both count."""
    session.flush()
    service_id = session.scalar(select(ServiceRun.service_id).where(ServiceRun.id == run_id))
    # On PostgreSQL two units of one service serialize here, so each sees the other's link; SQLite
    # already holds its single write lock since the unit was claimed.
    session.execute(select(Service.id).where(Service.id == service_id).with_for_update(key_share=True))
    previous = session.scalars(
        select(ManifestRecord).where(ManifestRecord.service_id == service_id)
        .order_by(ManifestRecord.chain_index.desc()).limit(1)
    ).first()
    content = run_content(session, run_id)
    manifest = Manifest(
        **dict(content),
        chain_index=previous.chain_index + 1 if previous else 0,
        previous_sha256=previous.sha256 if previous else None,
        created_at=datetime.now(timezone.utc),
    )
    data = manifest.canonical_bytes()
    keys = keys_of(store)
    signer = keys.signer()
    signature = signer.sign(data)
    # In the run's transaction: a manifest is never committed without its key where every process finds it.
    publish(session, keys, signer)
    sha = store.put(data)
    if session.get(Artifact, sha) is None:
        session.add(Artifact(sha256=sha, size=len(data), media_type=MEDIA_TYPE))
        session.flush()  # the artifact row first: the manifest row refers to it
    record = ManifestRecord(
        service_run_id=run_id, service_id=service_id, chain_index=manifest.chain_index, sha256=sha,
        previous_sha256=manifest.previous_sha256, created_at=manifest.created_at,
        signature=signature.signature, key_fingerprint=signature.fingerprint,
    )
    session.add(record)
    # A file retention had pruned and this run captured again is back on disk: it counts again.
    back = [a.sha256 for a in content.artifacts if store.exists(a.sha256)]
    if back:
        session.execute(delete(PrunedArtifact).where(PrunedArtifact.sha256.in_(back)))
    session.flush()
    return record


def chain_indexes(session: Session, run_ids: set[int]) -> dict[int, int]:
    """Each run's place in its service's chain: the number of the visit, as evidence names it."""
    if not run_ids:
        return {}
    return dict(session.execute(
        select(ManifestRecord.service_run_id, ManifestRecord.chain_index).where(ManifestRecord.service_run_id.in_(run_ids))
    ).all())


def service_chain(session: Session, service_id: str) -> list[ManifestRecord]:
    return list(session.scalars(
        select(ManifestRecord).where(ManifestRecord.service_id == service_id).order_by(ManifestRecord.chain_index)
    ))


def manifest_of_run(session: Session, run_id: int) -> ManifestRecord | None:
    return session.scalars(select(ManifestRecord).where(ManifestRecord.service_run_id == run_id)).first()
