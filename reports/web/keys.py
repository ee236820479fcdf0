"""Publishes the instance's public signing keys: the page /cle-publique, the file /cle-publique.pem and /api/keys.

An auditor checks a bundle's signature against a key obtained apart from the bundle (a key inside
the bundle proves nothing: whoever forges one can re-sign it); this is where the instance gives it.
/api/keys is a keyring in the format `veilleur verify --bundle F --public-key keyring.json` reads, the
keys retired by a rotation included, so that bundles signed before a rotation still verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from foundation.errors import InputError
from reports.french_dates import french_datetime
from reports.web.rendering import message, render
from storage.evidence.published_keys import instance_keyring
from storage.evidence.signing import ALGORITHM, KEYRING_FORMAT, KeyringEntry, keys_of

router = APIRouter()


@dataclass(frozen=True)
class KeyView:
    entry: KeyringEntry
    since: str | None
    until: str | None


def _keys(request: Request) -> tuple[KeyringEntry, list[KeyringEntry]]:
    """The key the instance signs with (made on first use, as when it seals) and the older ones, newest first:
    those its database holds, since the dashboard's own data dir may be a container's, with no keyring."""
    instance = keys_of(request.app.state.store)
    current = instance.current()
    with request.app.state.db.sessions() as session:
        keyring = instance_keyring(session, request.app.state.store)
    older = [e for e in keyring.entries if e.fingerprint != current.fingerprint]
    older.sort(key=lambda e: e.retired_at or e.created_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return current, older


def _view(entry: KeyringEntry) -> KeyView:
    return KeyView(entry, french_datetime(entry.created_at) if entry.created_at else None,
                   french_datetime(entry.retired_at) if entry.retired_at else None)


@router.get("/cle-publique", response_class=HTMLResponse, include_in_schema=False)
def public_key_page(request: Request):
    try:
        current, older = _keys(request)
    except InputError:
        return message("Clé indisponible", "La clé de signature de cette instance est mal configurée : "
                                           "l’équipe qui fait tourner Veilleur doit la corriger.", 503)
    return render("public_key.html", nav="/cle-publique", current=_view(current), older=[_view(e) for e in older],
                  algorithm=ALGORITHM)


@router.get("/cle-publique.pem", include_in_schema=False)
def public_key_pem(request: Request):
    try:
        current, _ = _keys(request)
    except InputError:
        return Response("signing key unavailable\n", status_code=503, media_type="text/plain; charset=utf-8")
    return Response(current.public_key, media_type="application/x-pem-file",
                    headers={"Content-Disposition": 'inline; filename="cle-publique.pem"'})


class KeyOut(BaseModel):
    fingerprint: str
    algorithm: str
    public_key: str
    created_at: datetime | None
    retired_at: datetime | None
    current: bool


class KeyringOut(BaseModel):
    format: str
    keys: list[KeyOut]


@router.get("/api/keys", response_model=KeyringOut, tags=["api"],
            responses={503: {"description": "the signing key is misconfigured"}})
def api_keys(request: Request) -> KeyringOut:
    """The instance's public signing keys (Ed25519): the current one and those retired by a rotation.
    Fingerprint: sha256 of the raw public key, hex. Saved to a file, this is a keyring that
    `veilleur verify --bundle F --public-key FILE` accepts."""
    try:
        current, older = _keys(request)
    except InputError:
        raise HTTPException(503, "the signing key is misconfigured") from None
    return KeyringOut(format=KEYRING_FORMAT, keys=[
        KeyOut(**e.model_dump(), current=e.fingerprint == current.fingerprint) for e in [current, *older]
    ])
