"""Opening and closing incidents after a campaign, from each service's run history.

An incident opens when a check regresses on K consecutive runs (default 2) against the run before
them, so a service that flaps raises nothing; it closes on the first run that is back to the
level before the regression. The decision rules are in reports/alerts/regressions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from checks import finding_from_stored
from foundation.times import as_utc
from reports.alerts.locations import locate
from reports.alerts.regressions import Observation, Rule, confirmed_regression, recovered, rules
from storage.schema import Campaign, Incident, ServiceRun

HISTORY = 30


@dataclass(frozen=True)
class IncidentPolicy:
    confirm_runs: int = 2
    axe_tolerance: int = 5


@dataclass
class IncidentChanges:
    campaign_id: int
    services: int
    opened: list[Incident] = field(default_factory=list)
    closed: list[Incident] = field(default_factory=list)
    ongoing: list[Incident] = field(default_factory=list)


def _observation(run: ServiceRun) -> Observation:
    landing = run.pages[0] if run.pages else None
    return Observation(
        run_id=run.id, campaign_id=run.campaign_id, started_at=as_utc(run.started_at or datetime.now(timezone.utc)),
        ok=bool(run.ok), error_class=run.error_class, full=run.campaign.kind == "full",
        findings={f.check: finding_from_stored(f.check, f.status, f.reason, f.details or {}, f.evidence or [])
                  for f in run.findings},
        page_url=(landing.final_url or landing.url) if landing else run.url,
        screenshot_sha=landing.screenshot_sha if landing else None,
    )


def history(session: Session, service_id: str, limit: int = HISTORY) -> list[Observation]:
    """The service's completed runs, newest first."""
    runs = session.scalars(
        select(ServiceRun).where(ServiceRun.service_id == service_id, ServiceRun.status == "done")
        .order_by(ServiceRun.started_at.desc(), ServiceRun.id.desc()).limit(limit)
        .options(selectinload(ServiceRun.findings), selectinload(ServiceRun.pages), selectinload(ServiceRun.campaign))
    ).all()
    return [_observation(r) for r in runs]


def _run_observation(session: Session, run_id: int | None) -> Observation | None:
    run = session.get(ServiceRun, run_id) if run_id is not None else None
    return _observation(run) if run is not None else None


def update_incidents(session: Session, campaign_id: int, policy: IncidentPolicy = IncidentPolicy()) -> IncidentChanges:
    """Open and close incidents for the services of one campaign. Does not commit."""
    campaign = session.get(Campaign, campaign_id)
    service_ids = list(session.scalars(
        select(ServiceRun.service_id).where(ServiceRun.campaign_id == campaign_id, ServiceRun.status == "done")
    ))
    changes = IncidentChanges(campaign_id, len(service_ids))
    watched = [r for r in rules(policy.axe_tolerance) if campaign.kind == "full" or not r.needs_full]
    for service_id in service_ids:
        past = history(session, service_id)
        if not past or past[0].campaign_id != campaign_id:
            continue  # a newer run of this service already exists: that campaign decides
        open_incidents = {
            i.check_id: i for i in session.scalars(
                select(Incident).where(Incident.service_id == service_id, Incident.status == "open"))
        }
        for rule in watched:
            _decide(session, rule, service_id, past, open_incidents.get(rule.check), policy, changes)
    session.flush()
    return changes


def _decide(session: Session, rule: Rule, service_id: str, past: list[Observation], incident: Incident | None,
            policy: IncidentPolicy, changes: IncidentChanges) -> None:
    current = past[0]
    if incident is not None:
        baseline = _run_observation(session, incident.baseline_run_id)
        if baseline is not None and recovered(rule, baseline, current):
            incident.status = "closed"
            incident.closed_at = datetime.now(timezone.utc)
            incident.closed_run_id = current.run_id
            incident.closed_campaign_id = current.campaign_id
            changes.closed.append(incident)
        else:
            changes.ongoing.append(incident)
        return
    confirmed = confirmed_regression(rule, past, policy.confirm_runs)
    if confirmed is None:
        return
    # The page to name is where the element was (the previous run's evidence), not the landing
    # page; its screenshot, the one of that page at the run that confirmed the incident.
    spot = locate(session, rule.check, confirmed.baseline.run_id, current.run_id)
    page_url = spot.pages[0].url if spot.pages else current.page_url
    screenshot_sha = spot.after.screenshot_sha if spot.after is not None else current.screenshot_sha
    incident = Incident(
        service_id=service_id, check_id=rule.check, status="open",
        change=rule.describe(confirmed.baseline, current),
        baseline_status=confirmed.baseline.statuses.get(rule.check, "ok" if confirmed.baseline.ok else "down"),
        current_status=current.statuses.get(rule.check, current.error_class or "ok"),
        since=confirmed.since, opened_at=datetime.now(timezone.utc),
        baseline_run_id=confirmed.baseline.run_id, opened_run_id=current.run_id,
        opened_campaign_id=current.campaign_id, page_url=page_url, screenshot_sha=screenshot_sha,
        suppressed=False,
    )
    session.add(incident)
    changes.opened.append(incident)
