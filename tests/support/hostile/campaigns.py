"""Campaigns over loopback services, run in this process, and what they recorded."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.schema import ServiceRun
from storage.registry import import_registry, list_services
from campaign.executor import CampaignSummary, run_campaign, start_campaign
from veilleur.settings import alerts_after_campaign
from probes.settings import ProbeSettings


@dataclass
class Recorded:
    """One service run as stored: the outcome a report would show."""

    service_id: str
    status: str
    ok: bool | None
    error_class: str | None
    error: str | None
    attempts: int | None
    duration_s: float
    http_status: int | None
    pages: list[dict] = field(default_factory=list)
    findings: dict[str, dict] = field(default_factory=dict)

    def check(self, check_id: str) -> str:
        return self.findings[check_id]["status"]


def write_registry(path: Path, services: dict[str, str]) -> Path:
    lines = ["ministries:", "  - id: m", "    name: Ministère", "services:"]
    for sid, url in services.items():
        lines += [f"  - id: {sid}", f"    name: Service {sid}", "    ministry: m", f"    url: {url}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Campaigns:
    """A registry of services in a database (SQLite in `root`, or `database_url`), campaigns run
    in this process, and their stored results."""

    def __init__(self, root: Path, services: dict[str, str], database_url: str | None = None):
        self.root = root
        self.db = open_database(database_url or f"sqlite:///{root / 'veilleur.db'}")
        self.store = EvidenceStore(root / "evidence")
        with self.db.sessions() as session:
            import_registry(session, write_registry(root / "registry.yaml", services))

    def start(self, settings: ProbeSettings) -> int:
        with self.db.sessions() as session:
            services = list_services(session)
        return start_campaign(self.db, services, "manual", settings)

    def run(self, settings: ProbeSettings, campaign_id: int | None = None,
            stop: threading.Event | None = None) -> CampaignSummary:
        campaign_id = campaign_id or self.start(settings)
        return run_campaign(self.db, self.store, campaign_id, settings, stop=stop,
                            on_complete=alerts_after_campaign(self.db, self.store))

    def recorded(self, campaign_id: int) -> dict[str, Recorded]:
        with self.db.sessions() as session:
            runs = session.scalars(select(ServiceRun).where(ServiceRun.campaign_id == campaign_id)).all()
            return {
                run.service_id: Recorded(
                    service_id=run.service_id, status=run.status, ok=run.ok, error_class=run.error_class,
                    error=run.error, attempts=run.attempts, duration_s=(run.duration_ms or 0) / 1000,
                    http_status=run.http_status,
                    pages=[{"kind": p.kind, "ok": p.ok, "error_class": p.error_class, "dialogs": p.dialogs,
                            "axe_error": p.axe_error, "dom_sha": p.dom_sha} for p in sorted(run.pages, key=lambda p: p.position)],
                    findings={f.check: {"status": f.status, "reason": f.reason, "details": f.details} for f in run.findings},
                )
                for run in runs
            }

    def close(self) -> None:
        self.db.close()
