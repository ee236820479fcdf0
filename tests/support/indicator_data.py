"""Stored runs, findings and pages for indicator tests, written straight to the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from storage.schema import Campaign, FindingRecord, Ministry, PageRecord, Service, ServiceRun


def at(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Seen:
    """What a check found, as stored."""

    status: str
    details: dict = field(default_factory=dict)
    evidence_url: str | None = None


# A service doing well on every probed indicator.
GOOD: dict[str, Seen] = {
    "franceconnect": Seen("franceconnect_plus", evidence_url="https://x.example/connexion"),
    "jedonnemonavis": Seen("present", {"demarche_id": "4567"}),
    "non_digital_alternative": Seen("present", {"phones": ["0123456789"], "addresses": [], "appointment": False}),
    "accessibility": Seen("measured", {"violations": 0, "rules": [], "by_impact": {}, "pages_measured": 2}),
    "accessibility_statement": Seen("totalement", {"rate": 100.0, "date": "2026-01-15", "statement_url": "https://x.example/accessibilite"}),
    "readability": Seen("measured", {"score": 8.5, "words": 400}),
}


def seen(**changes: Seen) -> dict[str, Seen]:
    return {**GOOD, **changes}


class Scenario:
    def __init__(self, session: Session):
        self.session = session

    def ministry(self, mid: str, name: str | None = None) -> None:
        self.session.add(Ministry(id=mid, name=name or f"Ministère {mid}", contacts=[]))
        self.session.flush()

    def service(self, sid: str, ministry: str = "m", **fields) -> Service:
        service = Service(id=sid, name=f"Service {sid}", ministry_id=ministry, url=f"https://{sid}.example/", **fields)
        self.session.add(service)
        self.session.flush()
        return service

    def campaign(self, start: datetime, status: str = "finished") -> Campaign:
        campaign = Campaign(status=status, started_at=start, settings={})
        self.session.add(campaign)
        self.session.flush()
        return campaign

    def run(
        self, campaign: Campaign, sid: str, findings: dict[str, Seen] | None = None, ok: bool = True,
        load_ms: float | None = 300.0, started: datetime | None = None, error_class: str | None = None,
    ) -> ServiceRun:
        """A completed run; `findings=None` stores a landing-page-only visit (no checks)."""
        run = ServiceRun(
            campaign_id=campaign.id, service_id=sid, url=f"https://{sid}.example/", status="done", ok=ok,
            started_at=started or campaign.started_at, error_class=error_class if not ok else None,
            response_ms=load_ms if ok else None,
        )
        self.session.add(run)
        self.session.flush()
        self.session.add(PageRecord(
            service_run_id=run.id, position=0, kind="landing", url=f"https://{sid}.example/", ok=ok,
            timings={"load_ms": load_ms} if ok else {}, screenshot_sha=None,
        ))
        for check, found in (findings or {}).items():
            evidence = [{"page_url": found.evidence_url}] if found.evidence_url else []
            self.session.add(FindingRecord(service_run_id=run.id, check=check, status=found.status,
                                           details=found.details, evidence=evidence))
        self.session.flush()
        return run
