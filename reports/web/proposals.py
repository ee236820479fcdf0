"""The "Proposer une démarche" form: CSRF token, honeypot and a rate limit per client address; a
valid proposal is stored as pending and nothing is fetched (storage/proposals.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from reports.web import views
from reports.web.rendering import db_session, message, render
from reports.web.security import CSRF_COOKIE, CSRF_FIELD
from storage.proposals import CRITERIA, read_form, submit
from storage.registry_file import LIFE_EVENTS

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(db_session)]
FIELDS = ("name", "url", "ministry_id", "criterion", "life_event", "annual_volume", "reason")


def _form_page(request: Request, session: Session, values: dict, errors: dict, status_code: int = 200) -> HTMLResponse:
    cookie, field = request.app.state.csrf.issue(request)
    response = render("proposal_form.html", status_code=status_code, nav="/proposer", csrf=field, values=values,
                      errors=errors, ministries=views.ministries(session), CRITERIA=CRITERIA, LIFE_EVENTS=LIFE_EVENTS)
    response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/proposer",
                        secure=request.url.scheme == "https")
    return response


@router.get("/proposer", response_class=HTMLResponse)
def proposal_form(request: Request, session: SessionDep):
    return _form_page(request, session, {}, {})


def client_address(request: Request) -> str:
    return request.client.host if request.client else "inconnu"


@router.post("/proposer", response_class=HTMLResponse)
async def proposal_submit(request: Request, session: SessionDep):
    form = await request.form()
    if not request.app.state.csrf.valid(request, form.get(CSRF_FIELD)):
        return message("Formulaire expiré", "Le jeton de sécurité du formulaire manque ou n’est pas valable. "
                       "Rechargez la page du formulaire puis envoyez-le à nouveau.", 403,
                       back="/proposer", back_label="Revenir au formulaire")
    # Only stored proposals count: a form sent back for a mistake, then corrected, is one proposal.
    limit, client = request.app.state.proposal_limit, client_address(request)
    if limit.full(client):
        refused = message("Trop de propositions", f"Vous avez envoyé {limit.limit} propositions en peu de temps. "
                          f"Réessayez dans {int(limit.window_s // 60)} minutes.", 429)
        refused.headers["Retry-After"] = str(int(limit.window_s))
        return refused
    values = {name: str(form.get(name) or "") for name in FIELDS}
    if form.get("website"):
        # Only a robot fills the hidden field: it gets the same thanks, nothing is stored.
        return message("Proposition reçue", "Merci. Votre proposition sera lue par l’équipe.", 200, error=False)
    form_data, errors = read_form(values)
    if form_data is None:
        return _form_page(request, session, values, errors, status_code=422)
    proposal = submit(session, form_data)
    limit.count(client)
    return render("proposal_done.html", proposal=proposal)
