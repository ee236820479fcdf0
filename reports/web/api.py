"""The JSON API under /api (schema at /openapi.json): services, runs, findings, indicators,
objectives, incidents, and for operators (Authorization: Bearer VEILLEUR_OPERATOR_TOKEN) exports and
proposals. Lists are paginated with `limit` and `offset` and say their `total`. Figures are numbers
as the pages publish them (foundation/formatting.py: truncated to the decimals of their kind), so
that 8.7 here is the "8,7/10" of the dashboard."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from foundation import formatting
from foundation.quarters import Quarter
from foundation.times import as_utc
from reports.alerts import dashboard_links
from reports.alerts.incident_list import STATES, IncidentEntry, entries, incidents_query
from reports.observatory.exports import indicator_json, write_csv, write_json
from reports.observatory.indicators import ServiceIndicators, quarter_indicators
from reports.observatory.objectives import objectives_at
from reports.observatory.progress import ServiceProgress, compare
from reports.web import views
from reports.web.rendering import db_session
from reports.web.security import bearer, require_operator
from storage.proposals import DEFAULT_LIST_STATUS, LIST_STATUSES, proposals_query
from storage.registry import service_eligibility
from storage.schema import FindingRecord, Proposal, Service, ServiceRun


class Problem(BaseModel):
    detail: str


# Our errors are one line naming the bad input, including FastAPI's own validation errors (app.py).
router = APIRouter(prefix="/api", tags=["api"], responses={422: {"model": Problem, "description": "bad parameter"}})
SessionDep = Annotated[Session, Depends(db_session)]
Limit = Annotated[int, Query(ge=1, le=500, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
ServiceId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9-]+$")]
QuarterText = Annotated[str | None, Query(max_length=10, pattern=r"^2[01]\d{2}Q[1-4]$",
                                          description="2000Q1 to 2199Q4, e.g. 2026Q4; default: the latest probed")]
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ServiceOut(BaseModel):
    id: str
    name: str
    ministry_id: str
    ministry_name: str
    administration: str | None
    url: str
    active: bool
    eligible: bool
    eligibility: list[str]


class RunOut(BaseModel):
    id: int
    campaign_id: int
    service_id: str
    status: str
    url: str
    final_url: str | None
    ok: bool | None
    http_status: int | None
    error: str | None
    error_class: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None
    # The address's HTTP response time (the observatory's load time), whole milliseconds.
    response_ms: float | None = None


class FindingOut(BaseModel):
    id: int
    run_id: int
    service_id: str
    check: str
    status: str
    reason: str | None
    details: dict[str, Any]
    evidence: list[Any]


class ChangeOut(BaseModel):
    direction: str  # mieux, moins bien, stable, nouveau, perdu, or — (nothing to compare)
    delta: float | None  # change of the figure, when both quarters have one


class ProgressOut(BaseModel):
    previous_quarter: str
    summary: str  # as the dashboard says it: "nouveau", "1 en mieux, 2 nouveaux", "stable", "—"
    indicators: dict[str, ChangeOut]


class ServiceIndicatorsOut(BaseModel):
    quarter: str
    service_id: str
    service_name: str
    ministry_id: str
    ministry_name: str
    reference_run_id: int | None
    indicators: dict[str, dict[str, Any]]
    progress: ProgressOut  # since the previous quarter


class MinistryShareOut(BaseModel):
    ministry_id: str
    ministry_name: str
    met: int
    counted: int
    percent: float | None


class ObjectiveOut(BaseModel):
    key: str
    label: str
    indicator: str
    deadline: date
    due: bool
    met: int
    counted: int
    percent: float | None
    by_ministry: list[MinistryShareOut]
    missing: list[str]


class ObjectivesOut(BaseModel):
    as_of: date
    quarter: str
    services: int
    objectives: list[ObjectiveOut]


class IncidentPageOut(BaseModel):
    url: str
    kind: str | None  # landing, login, contact, accessibility, other; null when the run did not record it


class IncidentOut(BaseModel):
    id: int
    service_id: str
    service_name: str
    ministry_id: str
    ministry_name: str
    check: str  # a check id, or "availability"
    status: Literal["open", "closed"]
    change: str  # in French, as the alert e-mail says it
    status_change: str | None  # in French: "JeDonneMonAvis : présent → absent"; null when `change` says it
    baseline_status: str | None  # the check's status before the regression
    current_status: str | None  # …and when it was confirmed (for availability, the error class)
    pages: list[IncidentPageOut]  # where the element was at the previous visit, the page to fix first
    since: datetime  # first seen
    opened_at: datetime  # confirmed
    closed_at: datetime | None
    baseline_run_id: int | None
    opened_run_id: int
    closed_run_id: int | None
    opened_campaign_id: int
    closed_campaign_id: int | None
    notified: bool  # the ministry was told
    suppressed: bool  # held back: too many services regressed at once (probably our side)
    service_page: str  # the service's page on this dashboard
    evidence: str | None  # the element on the previous visit's screenshot (a PNG on this dashboard)


class ProposalOut(BaseModel):
    id: int
    name: str
    url: str
    ministry_id: str | None
    criterion: str
    life_event: str | None
    annual_volume: int | None
    reason: str
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    decision_note: str | None  # the operator's note on accepting or rejecting
    service_id: str | None


NOT_FOUND = {404: {"model": Problem, "description": "not found"}}
OPERATOR = {401: {"model": Problem, "description": "no operator token"},
            403: {"model": Problem, "description": "token refused, or operator endpoints disabled"}}


def _page(session: Session, query, limit: int, offset: int, convert) -> dict:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = [convert(row) for row in session.scalars(query.limit(limit).offset(offset))]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def _service(s: Service) -> ServiceOut:
    e = service_eligibility(s)
    return ServiceOut(id=s.id, name=s.name, ministry_id=s.ministry_id, ministry_name=s.ministry.name,
                      administration=s.administration, url=s.url, active=s.active, eligible=e.eligible,
                      eligibility=list(e.reasons))


def _run(r: ServiceRun) -> RunOut:
    return RunOut(id=r.id, campaign_id=r.campaign_id, service_id=r.service_id, status=r.status, url=r.url,
                  final_url=r.final_url, ok=r.ok, http_status=r.http_status, error=r.error, error_class=r.error_class,
                  started_at=as_utc(r.started_at), finished_at=as_utc(r.finished_at),
                  duration_ms=formatting.rounded(r.duration_ms, formatting.DURATION_DECIMALS),
                  response_ms=formatting.rounded(r.response_ms, formatting.DURATION_DECIMALS))


def _finding(f: FindingRecord) -> FindingOut:
    return FindingOut(id=f.id, run_id=f.service_run_id, service_id=f.run.service_id, check=f.check, status=f.status,
                      reason=f.reason, details=f.details or {}, evidence=f.evidence or [])


def _incident(e: IncidentEntry) -> IncidentOut:
    i, proof = e.incident, e.spot.proof
    return IncidentOut(
        id=i.id, service_id=i.service_id, service_name=e.service_name, ministry_id=e.ministry_id,
        ministry_name=e.ministry_name, check=i.check_id, status=i.status, change=i.change,
        status_change=e.status_change, baseline_status=i.baseline_status, current_status=i.current_status,
        pages=[IncidentPageOut(url=p.url, kind=p.kind) for p in e.pages],
        since=as_utc(i.since), opened_at=as_utc(i.opened_at), closed_at=as_utc(i.closed_at),
        baseline_run_id=i.baseline_run_id, opened_run_id=i.opened_run_id, closed_run_id=i.closed_run_id,
        opened_campaign_id=i.opened_campaign_id, closed_campaign_id=i.closed_campaign_id,
        notified=i.last_notified_at is not None, suppressed=bool(i.suppressed),
        # The paths the alert e-mails link to, on this dashboard (no base: relative to it).
        service_page=dashboard_links.service_page("", i.service_id),
        evidence=dashboard_links.proof_crop("", *proof) if proof else None,
    )


def _indicators(s: ServiceIndicators, progress: ServiceProgress) -> ServiceIndicatorsOut:
    # The same figures as `veilleur export --format json` (reports/observatory/exports.py), and the
    # same progress as the dashboard's.
    return ServiceIndicatorsOut(
        quarter=str(s.quarter), service_id=s.service_id, service_name=s.service_name,
        ministry_id=s.ministry_id, ministry_name=s.ministry_name,
        reference_run_id=s.reference.run_id if s.reference else None,
        indicators={i.key: indicator_json(i) for i in s.indicators},
        progress=ProgressOut(
            previous_quarter=str(s.quarter.previous()), summary=progress.tally().summary,
            indicators={c.key: ChangeOut(direction=c.direction, delta=c.delta) for c in progress.changes},
        ),
    )


def _quarter(session: Session, text: str | None) -> Quarter:
    if not text:
        return views.latest_quarter(session)
    quarter = views.parse_quarter(text)
    if quarter is None:
        raise HTTPException(422, f"quarter {text!r}: expected 2000Q1 to 2199Q4, e.g. 2026Q4")
    return quarter


def _operator(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    require_operator(request, credentials)


@router.get("/services", response_model=Page[ServiceOut])
def list_services(session: SessionDep, limit: Limit = 50, offset: Offset = 0,
                  ministry: Annotated[str | None, Query(max_length=64)] = None,
                  include_retired: bool = False):
    query = select(Service).options(selectinload(Service.ministry)).order_by(Service.ministry_id, Service.id)
    if ministry:
        query = query.where(Service.ministry_id == ministry)
    if not include_retired:
        query = query.where(Service.active.is_(True))
    return _page(session, query, limit, offset, _service)


@router.get("/services/{service_id}", response_model=ServiceOut, responses=NOT_FOUND)
def get_service(service_id: ServiceId, session: SessionDep):
    found = session.get(Service, service_id)
    if found is None:
        raise HTTPException(404, f"service {service_id!r}: not in the registry")
    return _service(found)


def _known_service(session: Session, service_id: str) -> None:
    """A filter naming a service not in the registry is a 404, as `/api/services/{id}` is: an empty
    list would read as a service never visited."""
    if session.get(Service, service_id) is None:
        raise HTTPException(404, f"service {service_id!r}: not in the registry")


@router.get("/runs", response_model=Page[RunOut], responses=NOT_FOUND)
def list_runs(session: SessionDep, limit: Limit = 50, offset: Offset = 0,
              service: Annotated[str | None, Query(max_length=100)] = None,
              campaign: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None):
    query = select(ServiceRun).order_by(ServiceRun.id.desc())
    if service:
        _known_service(session, service)
        query = query.where(ServiceRun.service_id == service)
    if campaign is not None:
        query = query.where(ServiceRun.campaign_id == campaign)
    return _page(session, query, limit, offset, _run)


@router.get("/runs/{run_id}", response_model=RunOut, responses=NOT_FOUND)
def get_run(run_id: Annotated[int, Path(ge=0, le=2**31 - 1)], session: SessionDep):
    found = session.get(ServiceRun, run_id)
    if found is None:
        raise HTTPException(404, f"run {run_id}: no such run")
    return _run(found)


@router.get("/findings", response_model=Page[FindingOut])
def list_findings(session: SessionDep, limit: Limit = 50, offset: Offset = 0,
                  run: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
                  service: Annotated[str | None, Query(max_length=100)] = None,
                  check: Annotated[str | None, Query(max_length=40)] = None):
    query = select(FindingRecord).options(selectinload(FindingRecord.run)).order_by(FindingRecord.id.desc())
    if run is not None:
        query = query.where(FindingRecord.service_run_id == run)
    if service:
        query = query.join(ServiceRun, ServiceRun.id == FindingRecord.service_run_id).where(ServiceRun.service_id == service)
    if check:
        query = query.where(FindingRecord.check == check)
    return _page(session, query, limit, offset, _finding)


@router.get("/indicators", response_model=Page[ServiceIndicatorsOut])
def list_indicators(session: SessionDep, quarter: QuarterText = None, limit: Limit = 50, offset: Offset = 0,
                    ministry: Annotated[str | None, Query(max_length=64)] = None):
    q = _quarter(session, quarter)
    states = [s for s in quarter_indicators(session, q) if not ministry or s.ministry_id == ministry]
    shown = states[offset:offset + limit]
    progress = {p.service_id: p for p in compare(shown, quarter_indicators(session, q.previous()), q).services}
    return {"items": [_indicators(s, progress[s.service_id]) for s in shown], "total": len(states),
            "limit": limit, "offset": offset}


@router.get("/objectives", response_model=ObjectivesOut)
def get_objectives(session: SessionDep,
                   day: Annotated[date | None, Query(alias="date", description="default: today; from 2000-01-01 to 2200-01-01")] = None):
    day = day or datetime.now(timezone.utc).date()
    if not date(2000, 1, 1) <= day <= date(2200, 1, 1):
        raise HTTPException(422, f"date {day.isoformat()}: out of range (2000-01-01 to 2200-01-01)")
    report = objectives_at(session, day)
    return ObjectivesOut(as_of=report.as_of, quarter=str(report.quarter), services=report.services, objectives=[
        ObjectiveOut(
            key=s.objective.key, label=s.objective.label, indicator=s.objective.indicator,
            deadline=s.objective.deadline, due=s.due, met=s.overall.met, counted=s.overall.counted,
            percent=s.overall.published,
            by_ministry=[MinistryShareOut(ministry_id=m.ministry_id, ministry_name=m.ministry_name, met=m.share.met,
                                          counted=m.share.counted, percent=m.share.published) for m in s.by_ministry],
            missing=[m.service_id for m in s.missing],
        )
        for s in report.statuses
    ])


@router.get("/incidents", response_model=Page[IncidentOut])
def list_incidents(session: SessionDep, limit: Limit = 50, offset: Offset = 0,
                   status: Annotated[Literal[STATES], Query(  # type: ignore[valid-type]
                       description="open, closed, or all (default)")] = "all",
                   ministry: Annotated[str | None, Query(max_length=64)] = None,
                   service: Annotated[str | None, Query(max_length=100)] = None):
    """Regressions confirmed over consecutive visits (the ones alert e-mails tell), open and
    closed, newest first: what changed, where the element was, since when and until when."""
    query = incidents_query(status, ministry, service)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    shown = list(session.scalars(query.limit(limit).offset(offset)))
    return {"items": [_incident(e) for e in entries(session, shown)], "total": total, "limit": limit, "offset": offset}


@router.get("/exports", responses={**OPERATOR, 200: {"content": {"text/csv": {}, "application/json": {}},
                                                       "description": "the quarter's export"}},
            dependencies=[Depends(_operator)], response_class=Response)
def get_export(session: SessionDep, quarter: QuarterText = None, format: Literal["csv", "json"] = "csv"):
    """The same file as `veilleur export` (operators only)."""
    q = _quarter(session, quarter)
    states = quarter_indicators(session, q)
    out = io.StringIO()
    if format == "csv":
        write_csv(states, out)
        media = "text/csv; charset=utf-8"
    else:
        write_json(states, out, str(q))
        media = "application/json"
    return Response(out.getvalue(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="veilleur-{q}.{format}"'})


@router.get("/proposals", response_model=Page[ProposalOut], responses=OPERATOR, dependencies=[Depends(_operator)])
def list_proposals(session: SessionDep, limit: Limit = 50, offset: Offset = 0,
                   status: Annotated[Literal[LIST_STATUSES], Query(  # type: ignore[valid-type]
                       description="as `veilleur proposals list --status`")] = DEFAULT_LIST_STATUS):
    """Services citizens proposed (operators only): pending ones by default, like `veilleur proposals list`."""
    query = proposals_query(status)

    def convert(p: Proposal) -> ProposalOut:
        # SQLite hands datetimes back without their zone; they were written in UTC.
        out = ProposalOut.model_validate(p, from_attributes=True)
        return out.model_copy(update={"submitted_at": as_utc(p.submitted_at), "decided_at": as_utc(p.decided_at)})

    return _page(session, query, limit, offset, convert)
