"""The "Proposer une démarche" form refuses the numbers and addresses the registry cannot take: a
volume past 10^10 or below 0 (once a 500), an address carrying a user name and password. The form
comes back (422) with a French message beside the field naming the limit, and nothing is stored.
A record number typed in an address that no record can have is "introuvable" (404), not a 500."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reports.web.app import create_app
from storage.evidence.store import EvidenceStore
from storage.schema import Proposal


@pytest.fixture
def site(db, tmp_path):
    client = TestClient(create_app(db, EvidenceStore(tmp_path / "evidence")))
    client.db = db
    return client


def _form(site, **changes) -> dict:
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', site.get("/proposer").text).group(1)
    return {"csrf_token": token, "name": "Demander une bourse", "url": "https://bourses.example/",
            "criterion": "volume", "reason": "Des centaines de milliers d’étudiants la demandent.", **changes}


def _message(page: str, field: str) -> str:
    found = re.search(rf'<p class="fr-error-text" id="{field}-erreur">(.*?)</p>', page, re.S)
    assert found, f"no message beside {field}"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("field, value, message", [
    ("annual_volume", "100000000000000000000000000000", "entre 0 et 10\u202f000\u202f000\u202f000"),
    ("annual_volume", "-250000", "entre 0 et 10\u202f000\u202f000\u202f000, reçu -250000"),
    ("url", "http://user:secret@bourses.example/", "ni identifiant ni mot de passe"),
    ("url", "https://bourses.example:99999/", "le port"),
])
def test_a_number_or_address_out_of_bounds_gets_the_form_back_with_the_limit_and_nothing_stored(
        site, field, value, message):
    response = site.post("/proposer", data=_form(site, **{field: value}))
    assert response.status_code == 422
    assert message in _message(response.text, field)
    with site.db.sessions() as session:
        assert list(session.scalars(select(Proposal))) == []


def test_the_largest_volume_allowed_is_stored(site):
    response = site.post("/proposer", data=_form(site, annual_volume="10 000 000 000"))
    assert response.status_code == 200
    with site.db.sessions() as session:
        [stored] = session.scalars(select(Proposal))
        assert stored.annual_volume == 10**10


@pytest.mark.parametrize("path", ["/services/x/pages/99999999999999999999999", "/preuves/99999999999999999999999/1.png"])
def test_a_record_number_no_record_can_have_in_an_address_is_not_found_never_a_500(site, path):
    response = site.get(path)
    assert response.status_code == 404 and "introuvable" in response.text
