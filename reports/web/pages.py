"""The dashboard's pages: overview, ministry, service, objectives, incidents, accessibility statement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from checks import finding_type
from foundation.limits import RECORD_ID, within
from foundation.quarters import Quarter
from reports.observatory.indicators import INDICATORS, SPECS
from reports.observatory.objectives import objectives_at
from reports.observatory.progress import objective_history, observed_quarters
from reports.observatory.progress_chart import progress_svg
from reports.tones import DSFR_BADGE
from reports.web import views
from reports.web.rendering import db_session, message, render
from storage.access_problems import refusing_hosts, stale_addresses
from storage.evidence.manifests import chain_indexes
from storage.schema import Ministry, PageRecord, Service

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(db_session)]


def _quarter(session: Session, text: str | None) -> Quarter:
    # A bad quarter in the address shows the latest one rather than an error page.
    return views.parse_quarter(text) or views.latest_quarter(session)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, session: SessionDep, ministere: str | None = None, indicateur: str | None = None,
             trimestre: str | None = None):
    return request.app.state.pages.page(request, session, lambda: _overview(session, ministere, indicateur, trimestre))


def _overview(session: Session, ministere: str | None, indicateur: str | None, trimestre: str | None) -> HTMLResponse:
    quarter = _quarter(session, trimestre)
    specs = [SPECS[indicateur]] if indicateur in SPECS else list(INDICATORS)
    view = views.overview(session, quarter, ministere or None, tuple(s.key for s in specs))
    return render("overview.html", nav="/", view=view,
                  ministries=views.listed_ministries(session), ministry=ministere, indicator=indicateur, specs=specs,
                  quarters=sorted(set(views.quarter_choices(session)) | {quarter}, reverse=True))


@router.get("/ministeres/{ministry_id}", response_class=HTMLResponse)
def ministry(ministry_id: str, request: Request, session: SessionDep, trimestre: str | None = None):
    return request.app.state.pages.page(request, session, lambda: _ministry(session, ministry_id, trimestre))


def _ministry(session: Session, ministry_id: str, trimestre: str | None) -> HTMLResponse:
    found = session.get(Ministry, ministry_id)
    if found is None:
        return message("Ministère introuvable", "Ce ministère n’est pas dans la liste des ministères suivis.", 404)
    quarter = _quarter(session, trimestre)
    view = views.overview(session, quarter, ministry_id)
    history = views.ministry_history(session, ministry_id, observed_quarters(session, last=quarter))
    return render("ministry.html", ministry=found, view=view,
                  progress=[p for p in view.progress.ministries if p.ministry_id == ministry_id],
                  chart=progress_svg(history, title=f"Part des démarches au bon niveau — {found.name}"))


def _finding_view(run, record) -> dict:
    evidence = []
    for n, item in enumerate(record.evidence or [], 1):
        item = dict(item) if isinstance(item, dict) else {"note": str(item)}
        page = views.page_for(run, item.get("page_url"))
        if item.get("box") and page is not None and page.screenshot_sha:
            item["crop"] = f"/preuves/{record.id}/{n}.png"
        evidence.append(item)
    finding = finding_type(record.check)
    return {"record": record, "label": finding.label or record.check,
            "badge": DSFR_BADGE[finding.tone_of(record.status)], "evidence": evidence}


@router.get("/services/{service_id}", response_class=HTMLResponse)
def service(service_id: str, request: Request, session: SessionDep, trimestre: str | None = None):
    return request.app.state.pages.page(request, session, lambda: _service(session, service_id, trimestre))


def _service(session: Session, service_id: str, trimestre: str | None) -> HTMLResponse:
    found = session.get(Service, service_id)
    if found is None:
        return message("Démarche introuvable", "Cette démarche n’est pas dans la liste des démarches suivies.", 404)
    quarter = _quarter(session, trimestre)
    history = views.service_quarters(session, service_id, observed_quarters(session, last=quarter))
    state = next((s for s in history if s.quarter == quarter), None)
    progress = views.service_progress(session, state) if state else None
    runs = views.service_runs(session, service_id)
    latest = views.latest_findings_run(session, service_id)
    findings = [_finding_view(latest, f) for f in latest.findings] if latest else []
    # The visit (link of the chain) whose audit each unchanged page keeps.
    visits = chain_indexes(session, {p.audit_run_id for p in latest.pages if p.audit_run_id}) if latest else {}
    unchanged = {p.id: visits[p.audit_run_id] for p in latest.pages if p.audit_run_id in visits} if latest else {}
    return render("service.html", service=found, quarter=quarter, state=state, progress=progress, history=history,
                  runs=runs, unchanged=unchanged, stale=stale_addresses(session, [service_id]).get(service_id),
                  refusals=refusing_hosts(session, [service_id]),
                  chart=progress_svg(views.run_history(runs), title="Visite après visite (sur 100)") if runs else "",
                  latest=latest, findings=findings)


@router.get("/services/{service_id}/pages/{page_id}", response_class=HTMLResponse)
def captured_page(service_id: str, page_id: int, session: SessionDep):
    # A number no record can have is a page we do not have, not a database overflow.
    page = session.get(PageRecord, page_id) if within(page_id, RECORD_ID) else None
    if page is None or page.run.service_id != service_id or not page.dom_sha:
        return message("Page introuvable", "Nous n’avons pas de code enregistré pour cette page.", 404)
    return render("captured_page.html", service=page.run.service, page=page)


@router.get("/objectifs", response_class=HTMLResponse)
def objectives(request: Request, session: SessionDep, trimestre: str | None = None):
    return request.app.state.pages.page(request, session, lambda: _objectives(session, trimestre))


def _objectives(session: Session, trimestre: str | None) -> HTMLResponse:
    quarter = _quarter(session, trimestre)
    report = objectives_at(session, views.objectives_day(quarter))
    history = objective_history(session, observed_quarters(session, last=quarter))
    return render("objectives.html", nav="/objectifs", report=report, chart=progress_svg(history))


@router.get("/accessibilite", response_class=HTMLResponse)
def accessibility():
    return render("accessibility.html")


@router.get("/incidents", response_class=HTMLResponse)
def incidents(session: SessionDep, ministere: str | None = None, statut: str | None = None, page: int = 1):
    # Not through the page cache: incidents change after a campaign without a run changing, and
    # the list is one query.
    state = statut if statut in views.INCIDENT_STATES else "all"
    view = views.incidents(session, state, ministere or None, page if 0 < page < 1_000_000 else 1)
    return render("incidents.html", nav="/incidents", view=view, states=views.INCIDENT_STATES,
                  ministries=views.listed_ministries(session), refusals=refusing_hosts(session))
