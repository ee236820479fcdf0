"""Services citizens propose for monitoring: stored as pending, then accepted into the registry or
rejected by an operator..

A proposed URL is never fetched when it is submitted (the form must not make Veilleur visit
whatever someone types). On acceptance it must be http(s) and its host must resolve to public
addresses only, so that the probe is never pointed at our own network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from foundation import limits
from foundation.errors import InputError
from foundation.limits import check_address, check_whole
from probes.public_address import Resolver, UnresolvedHost, check_public_url, system_resolver
from storage.registry import ImportSummary, upsert_registry
from storage.registry_file import LIFE_EVENTS, SLUG, Located, RegistryFile, ServiceEntry, first_validation_error
from storage.schema import Ministry, Proposal, Service, utcnow

# The four inclusion criteria of the "démarches essentielles" (storage/eligibility.py).
CRITERIA: dict[str, str] = {
    "volume": "Plus de 200 000 demandes par an",
    "financial_aid": "Elle donne accès à une aide financière nationale",
    "life_event": "Elle fait partie d’un moment de vie",
    "pnu": "Elle est sur le Portail numérique unique",
}
STATUSES = ("pending", "accepted", "rejected")
# What `veilleur proposals list --status` and `/api/proposals?status=` filter by: one status, or all.
LIST_STATUSES = (*STATUSES, "all")
DEFAULT_LIST_STATUS = "pending"
# A proposal's status in words (proposals list, messages).
STATUS_WORDS = {"pending": "en attente", "accepted": "acceptée", "rejected": "refusée"}



class ProposalForm(BaseModel):
    """What the "Proposer un service" form sends. Messages are in French: citizens read them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=3, max_length=300)
    url: str = Field(max_length=2000)
    ministry_id: str | None = None
    criterion: str
    life_event: str | None = None
    annual_volume: int | None = None
    reason: str = Field(min_length=10, max_length=2000)

    @field_validator("ministry_id", "life_event", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("annual_volume", mode="before")
    @classmethod
    def _volume(cls, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if not re.fullmatch(r"-?[0-9]+", text):
            raise ValueError("indiquez un nombre entier, par exemple 250000")
        return check_whole(int(text), limits.ANNUAL_VOLUME)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        check_address(value)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
            raise ValueError("indiquez une adresse web complète qui commence par https://")
        return value

    @field_validator("criterion")
    @classmethod
    def _criterion(cls, value: str) -> str:
        if value not in CRITERIA:
            raise ValueError("choisissez le critère qui s’applique")
        return value

    @field_validator("life_event")
    @classmethod
    def _life_event(cls, value: str | None) -> str | None:
        if value is not None and value not in LIFE_EVENTS:
            raise ValueError("choisissez un moment de vie de la liste")
        return value

    @model_validator(mode="after")
    def _criterion_details(self) -> "ProposalForm":
        if self.criterion == "life_event" and self.life_event is None:
            raise ValueError(LIFE_EVENT_MISSING)
        return self


LIFE_EVENT_MISSING = "life_event: choisissez le moment de vie concerné"


_PYDANTIC_FR = {
    "string_too_short": "le texte est trop court (au moins {min_length} caractères)",
    "string_too_long": "le texte est trop long (au plus {max_length} caractères)",
    "missing": "ce champ est obligatoire",
    "greater_than_equal": "le nombre doit être positif",
    "int_parsing": "indiquez un nombre entier",
}


def form_errors(exc: ValidationError) -> dict[str, str]:
    """One French message per field, for the form to show beside each field."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        message = err["msg"].removeprefix("Value error, ")
        field = loc[0] if loc else ""
        if not field and ":" in message:  # model-level check naming its field
            field, message = (part.strip() for part in message.split(":", 1))
        template = _PYDANTIC_FR.get(err["type"])
        if template:
            message = template.format(**(err.get("ctx") or {}))
        errors.setdefault(field or "form", message)
    return errors


def read_form(values: dict[str, str]) -> tuple[ProposalForm | None, dict[str, str]]:
    """The form's values validated, or one French message per wrong field (all of them at once)."""
    try:
        return ProposalForm.model_validate(values), {}
    except ValidationError as exc:
        errors = form_errors(exc)
    # Pydantic skips the cross-field check when a field is wrong: say it now, not on the next try.
    if values.get("criterion") == "life_event" and not (values.get("life_event") or "").strip():
        errors.setdefault("life_event", LIFE_EVENT_MISSING.split(": ", 1)[1])
    return None, errors


def submit(session: Session, form: ProposalForm) -> Proposal:
    """Store a proposal as pending. Nothing is fetched: the URL is only text until an operator acts."""
    known = set(session.scalars(select(Ministry.id)))
    proposal = Proposal(
        name=form.name, url=form.url, ministry_id=form.ministry_id if form.ministry_id in known else None,
        criterion=form.criterion, life_event=form.life_event, annual_volume=form.annual_volume, reason=form.reason,
        status="pending",
    )
    session.add(proposal)
    session.commit()
    return proposal


def proposals_query(status: str | None = DEFAULT_LIST_STATUS) -> Select:
    """The proposals of one status (`all` or None: every one), oldest first."""
    if status is not None and status not in LIST_STATUSES:
        raise InputError(f"--status {status} : attendu : {', '.join(LIST_STATUSES)}")
    query = select(Proposal).order_by(Proposal.id)
    if status is not None and status != "all":
        query = query.where(Proposal.status == status)
    return query


def list_proposals(session: Session, status: str | None = None, limit: int | None = None, offset: int = 0) -> list[Proposal]:
    return list(session.scalars(proposals_query(status).offset(offset).limit(limit)))


def _pending(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise InputError(f"proposition {proposal_id} : aucune proposition de ce numéro")
    if proposal.status != "pending":
        raise InputError(f"proposition {proposal_id} : déjà {STATUS_WORDS[proposal.status]}")
    return proposal


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:100].strip("-")
    return slug or "service"


@dataclass(frozen=True)
class Acceptance:
    proposal: Proposal
    service_id: str
    addresses: list[str]
    summary: ImportSummary


def accept(
    session: Session, proposal_id: int, service_id: str | None = None, ministry_id: str | None = None,
    name: str | None = None, url: str | None = None, annual_volume: int | None = None,
    resolver: Resolver = system_resolver, note: str | None = None, allow_unresolved_host: bool = False,
) -> Acceptance:
    """Turn a pending proposal into a registry service, through the registry's own validation and
    upsert (the same as `veilleur registry import`); an error changes nothing.

    `allow_unresolved_host` is the operator's override on a network without DNS: a host that does
    not resolve is accepted unchecked (no addresses), and the decision note says so. A host that
    does resolve (an address in the URL, /etc/hosts, DNS) must still resolve to public addresses."""
    proposal = _pending(session, proposal_id)
    url = url or proposal.url
    service_id = service_id or slugify(name or proposal.name)
    ministry_id = ministry_id or proposal.ministry_id
    where = Path(f"proposition {proposal_id}")
    if ministry_id is None:
        raise InputError(f"proposition {proposal_id} : l’auteur n’a pas donné de ministère : précisez --ministry ID")
    if session.get(Ministry, ministry_id) is None:
        raise InputError(f"proposition {proposal_id} : --ministry {ministry_id} : aucun ministère de ce nom dans le registre")
    if not SLUG.match(service_id):
        raise InputError(f"proposition {proposal_id} : --id « {service_id} » : doit être un identifiant de 1 à 100 "
                         "caractères (a-z, 0-9, -)")
    if session.get(Service, service_id) is not None:
        raise InputError(f"proposition {proposal_id} : --id {service_id} : une démarche de cet identifiant est déjà inscrite")
    volume = annual_volume if annual_volume is not None else proposal.annual_volume
    data = {
        "id": service_id, "name": name or proposal.name, "ministry": ministry_id, "url": url,
        "annual_volume": volume, "financial_aid": proposal.criterion == "financial_aid",
        "life_events": [proposal.life_event] if proposal.life_event else [], "pnu": proposal.criterion == "pnu",
    }
    try:
        entry = ServiceEntry.model_validate(data)
    except ValidationError as exc:
        field, message = first_validation_error(exc)
        raise InputError(f"{where} : démarche, champ « {field} » : {message}") from None
    try:
        addresses = check_public_url(entry.url, resolver)
    except UnresolvedHost as exc:
        if not allow_unresolved_host:
            raise InputError(f"proposition {proposal_id} : {exc} (si ce réseau n’a pas de DNS : --allow-unresolved-host)") from None
        addresses = []
        unchecked = (f"vérification d’adresse publique omise (--allow-unresolved-host) : l’hôte "
                     f"« {urlsplit(entry.url).hostname} » ne se résolvait pas")
        note = f"{note} [{unchecked}]" if note else unchecked
    except InputError as exc:
        raise InputError(f"proposition {proposal_id} : {exc}") from None
    try:
        summary = upsert_registry(session, RegistryFile(where, [], [Located(entry, 0)], {}), prune=False)
        proposal.status, proposal.decided_at, proposal.service_id = "accepted", utcnow(), service_id
        proposal.decision_note = note
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Acceptance(proposal, service_id, addresses, summary)


def reject(session: Session, proposal_id: int, note: str | None = None) -> Proposal:
    proposal = _pending(session, proposal_id)
    proposal.status, proposal.decided_at, proposal.decision_note = "rejected", utcnow(), note
    session.commit()
    return proposal
