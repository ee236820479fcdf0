"""What each service's latest visit says about reaching it: the hosts that refuse the probe, and
the registry addresses that no longer lead to the démarche.

Both read the latest completed run of each service (full visit or availability check): a host
that refused the probe last month but lets it in now is no longer listed. The classes are those
of probes/interruption.py; what they mean is said there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from probes import interruption
from storage.schema import ServiceRun


@dataclass(frozen=True)
class Refusal:
    """A page of a service's latest visit that was a refusal or a challenge addressed to the probe."""

    service_id: str
    host: str
    page_url: str
    page_kind: str
    error_class: str  # waf or bot_challenge
    reason: str  # in French, what was seen
    seen_at: datetime | None
    run_id: int


@dataclass(frozen=True)
class StaleAddress:
    """A registry address whose landing page, at the service's latest visit, was a soft 404 or a
    parked domain: the address is to be updated."""

    service_id: str
    url: str
    error_class: str  # soft_404 or parked
    reason: str
    seen_at: datetime | None
    run_id: int


def latest_runs(session: Session, service_ids: list[str] | None = None) -> list[ServiceRun]:
    """Each service's latest completed run, with its pages."""
    newest = (select(ServiceRun.service_id, func.max(ServiceRun.started_at).label("started_at"))
              .where(ServiceRun.status == "done", ServiceRun.started_at.is_not(None))
              .group_by(ServiceRun.service_id))
    if service_ids is not None:
        newest = newest.where(ServiceRun.service_id.in_(service_ids))
    newest = newest.subquery()
    runs = session.scalars(
        select(ServiceRun).join(newest, (ServiceRun.service_id == newest.c.service_id)
                                & (ServiceRun.started_at == newest.c.started_at))
        .where(ServiceRun.status == "done")
        .options(selectinload(ServiceRun.pages)).order_by(ServiceRun.service_id, ServiceRun.id.desc())
    ).all()
    by_service: dict[str, ServiceRun] = {}
    for run in runs:  # two runs started in the same instant: the later one stored
        by_service.setdefault(run.service_id, run)
    return list(by_service.values())


def _host(url: str) -> str:
    """The host as the probe reached it, with its port when not the default, never credentials."""
    return urlsplit(url).netloc.rsplit("@", 1)[-1].lower() or url


def refusing_hosts(session: Session, service_ids: list[str] | None = None) -> list[Refusal]:
    """The pages of each service's latest visit that refused or challenged the probe, by host then
    service: for DINUM to ask these hosts to let the probe's address or user agent in."""
    found = []
    for run in latest_runs(session, service_ids):
        for page in run.pages:
            if page.error_class in interruption.REFUSES_PROBE:
                found.append(Refusal(run.service_id, _host(page.url), page.url, page.kind,
                                     page.error_class, page.error or "", page.captured_at or run.started_at, run.id))
    return sorted(found, key=lambda r: (r.host, r.service_id, r.page_url))


def stale_addresses(session: Session, service_ids: list[str] | None = None) -> dict[str, StaleAddress]:
    """Service id → its address to update, for the services whose latest visit found a soft 404
    or a parked domain at the registry's address (the landing page)."""
    found = {}
    for run in latest_runs(session, service_ids):
        landing = next((p for p in run.pages if p.position == 0), None)
        if landing is not None and landing.error_class in interruption.WRONG_ADDRESS:
            found[run.service_id] = StaleAddress(run.service_id, run.url, landing.error_class, landing.error or "",
                                                 landing.captured_at or run.started_at, run.id)
    return found
