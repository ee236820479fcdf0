"""What a service's previous run audited, offered to its next run so that unchanged pages keep their audit.

A page whose fingerprint (probes/fingerprint.py) is that of the service's previous visit keeps
that visit's axe-core results, screenshot and phone pass, by reference: the new run's rows and
manifest name the same evidence files, and the page says which visit made its audit. Offered only:

- in an incremental campaign (`veilleur run --full-audit` and the last scheduled campaign of each
  quarter audit everything again; so do campaigns whose settings do not say, recorded before);
- from the service's latest recorded run in the same quarter (each quarter's first visit of a
  service is a full one);
- for pages whose audit was complete (axe-core ran, the screenshot was taken, the phone pass read
  the page where it applies) and whose evidence files are all still in the store (retention may
  have pruned them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foundation.quarters import Quarter
from probes.models import MOBILE_PAGE_KINDS, PageCapture, PriorVisit, ServiceCapture
from storage.evidence.store import EvidenceStore
from storage.evidence.manifests import chain_indexes
from storage.schema import Campaign, PageRecord, ServiceRun


def incremental(settings: dict | None) -> bool:
    """Whether a campaign keeps the audits of unchanged pages, as its recorded settings say."""
    return (settings or {}).get("full_audit") is False


@dataclass
class PriorAudits:
    """The previous visit of each page (by requested URL), and the capture it stored."""

    visits: dict[str, PriorVisit] = field(default_factory=dict)
    captures: dict[str, PageCapture] = field(default_factory=dict)

    def fill(self, capture: ServiceCapture) -> None:
        """Give each page that kept an earlier audit that audit's results (axe-core, phone pass),
        so that the checks read it exactly as they read the visit that made it."""
        for page in capture.pages:
            if page.reused is None:
                continue
            earlier = self.captures[page.url]
            page.axe = earlier.axe
            page.mobile = earlier.mobile
        if capture.tools is not None and capture.tools.axe_core is None:
            capture.tools.axe_core = next((p.axe.version for p in capture.pages if p.axe and p.axe.version), None)


def _complete(page: PageRecord, earlier: PageCapture, store: EvidenceStore) -> bool:
    if not (page.ok and page.fingerprint and page.axe_sha and page.screenshot_sha and page.capture_sha):
        return False
    if page.axe_error or earlier.axe is None or not earlier.axe.measured:
        return False
    if page.kind in MOBILE_PAGE_KINDS and earlier.mobile is not None and not earlier.mobile.measured:
        return False
    return all(store.exists(sha) for sha in (page.axe_sha, page.screenshot_sha, page.capture_sha))


def prior_audits(session: Session, store: EvidenceStore, campaign_id: int, service_id: str, run_id: int) -> PriorAudits:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not incremental(campaign.settings):
        return PriorAudits()
    quarter = Quarter.of(campaign.started_at)
    previous = session.scalars(
        select(ServiceRun).join(Campaign)
        .where(ServiceRun.service_id == service_id, ServiceRun.status == "done", ServiceRun.id != run_id,
               Campaign.kind == "full", ServiceRun.started_at >= quarter.start, ServiceRun.started_at < quarter.end)
        .options(selectinload(ServiceRun.pages))
        .order_by(ServiceRun.finished_at.desc(), ServiceRun.id.desc()).limit(1)
    ).first()
    if previous is None:
        return PriorAudits()
    # The visit that made each audit: a page that kept an earlier one points at that earlier run.
    origins = {page.audit_run_id or previous.id for page in previous.pages}
    visits = chain_indexes(session, origins)
    prior = PriorAudits()
    for page in previous.pages:
        origin = page.audit_run_id or previous.id
        if page.url in prior.visits or origin not in visits or not page.capture_sha or not store.exists(page.capture_sha):
            continue
        try:
            earlier = PageCapture.model_validate_json(store.get(page.capture_sha))
        except (OSError, ValidationError):
            continue  # an unreadable capture offers nothing: that page is audited again
        if not _complete(page, earlier, store):
            continue
        prior.captures[page.url] = earlier
        prior.visits[page.url] = PriorVisit(
            url=page.url, fingerprint=page.fingerprint, run_id=origin, visit=visits[origin],
            screenshot_sha=page.screenshot_sha, screenshot_type=earlier.screenshot_type, axe_sha=page.axe_sha,
        )
    return prior
