"""Incidents as the dashboard and the API list them: filtered by state, ministry and service, each
with its check in words, its change of status and the pages where its element was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session, selectinload

from reports.alerts.locations import PageRef, Spot, latest_run_id, locate, preload_runs
from reports.alerts.regressions import check_label, status_change
from storage.schema import Incident, Ministry, Service

State = Literal["open", "closed", "all"]
STATES: tuple[str, ...] = ("open", "closed", "all")


@dataclass(frozen=True)
class IncidentEntry:
    incident: Incident
    service_name: str
    ministry_id: str
    ministry_name: str
    check_label: str
    status_change: str | None  # "JeDonneMonAvis : présent → absent"; None when the sentence says it
    spot: Spot

    @property
    def open(self) -> bool:
        return self.incident.status == "open"

    @property
    def pages(self) -> tuple[PageRef, ...]:
        """Where the element was, the page to fix first; the stored page when the evidence is gone."""
        if self.spot.pages:
            return self.spot.pages
        return (PageRef(self.incident.page_url, None),) if self.incident.page_url else ()


def incidents_query(state: str = "all", ministry_id: str | None = None, service_id: str | None = None,
                    grouped: bool = False) -> Select:
    """Newest first; `grouped`: by ministry name, open ones first within each, for pages that
    show one table per ministry."""
    query = (select(Incident).join(Service, Service.id == Incident.service_id)
             .options(selectinload(Incident.service).selectinload(Service.ministry)))
    if state in ("open", "closed"):
        query = query.where(Incident.status == state)
    if ministry_id:
        query = query.where(Service.ministry_id == ministry_id)
    if service_id:
        query = query.where(Incident.service_id == service_id)
    newest = (Incident.since.desc(), Incident.id.desc())
    if grouped:
        query = query.join(Ministry, Ministry.id == Service.ministry_id).order_by(
            Ministry.name, Ministry.id, case((Incident.status == "open", 0), else_=1), *newest)
    else:
        query = query.order_by(Incident.id.desc())
    return query


def entries(session: Session, incidents: list[Incident]) -> list[IncidentEntry]:
    preload_runs(session, incidents)
    found = []
    for incident in incidents:
        service = incident.service
        found.append(IncidentEntry(
            incident=incident, service_name=service.name, ministry_id=service.ministry_id,
            ministry_name=service.ministry.name, check_label=check_label(incident.check_id),
            status_change=status_change(incident.check_id, incident.baseline_status, incident.current_status),
            spot=locate(session, incident.check_id, incident.baseline_run_id, latest_run_id(incident)),
        ))
    return found
