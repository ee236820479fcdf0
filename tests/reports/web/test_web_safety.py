"""A web face that is safe: a strict policy on every page, captured HTML never served as a page of
ours, everything from sites and the registry escaped, forms protected (CSRF token, honeypot, rate
limit per client address), operator endpoints behind a token."""

from __future__ import annotations

from foundation.settings import WebSection
import re
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reports.web.security import PAGE_CSP, RateLimit
from storage.evidence.store import EvidenceStore
from storage.schema import PageRecord
from storage.schema import Proposal
from tests.support.web_site import HOSTILE_NAME, seed_dashboard

TOKEN = "jeton-operateur"


@pytest.fixture(scope="module")
def seeded_copy(tmp_path_factory):
    """Seeded once; each test gets its own copy of the database (the evidence files are only read)."""
    from storage.db import open_database

    folder = tmp_path_factory.mktemp("seeded")
    db = open_database(f"sqlite:///{folder / 'veilleur.db'}")
    seeded = seed_dashboard(db, EvidenceStore(folder / "evidence"))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder, seeded


@pytest.fixture
def site(seeded_copy, tmp_path):
    from reports.web.app import create_app
    from storage.db import open_database

    folder, seeded = seeded_copy
    shutil.copy(folder / "veilleur.db", tmp_path / "veilleur.db")
    db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    store = EvidenceStore(folder / "evidence")
    app = create_app(db, store, web=WebSection(operator_token=TOKEN), proposal_limit=RateLimit(limit=2, window_s=600))
    client = TestClient(app)
    client.db, client.seeded = db, seeded
    yield client
    db.close()


def _page(site, column: str) -> PageRecord:
    with site.db.sessions() as session:
        return session.scalars(select(PageRecord).where(PageRecord.service_run_id == site.seeded.evidence_run,
                                                        getattr(PageRecord, column).is_not(None))).first()


PAGES = ["/", "/ministeres/interieur", "/services/carte-grise", "/services/piege", "/objectifs", "/accessibilite",
         "/proposer", "/api/services", "/openapi.json", "/page-inconnue", "/static/veilleur.css"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_strict_content_security_policy(site, path):
    response = site.get(path)
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "script-src 'none'" in PAGE_CSP and "default-src 'self'" in PAGE_CSP and "unsafe-inline" not in PAGE_CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_our_pages_have_no_inline_script_or_style_and_load_nothing_from_elsewhere(site):
    for path in PAGES[:7]:
        html = site.get(path).text
        assert "<script" not in html.replace("&lt;script", "")
        assert " style=" not in html and "<style" not in html
        assert not re.search(r'src="(?:https?:)?//', html) and not re.search(r'<link[^>]+href="(?:https?:)?//', html)
        # Links out to the sites themselves carry neither our referrer nor a handle on our window.
        for link in re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', html):
            assert 'rel="noopener noreferrer nofollow"' in link, (path, link)


def test_a_hostile_service_name_and_snippet_are_escaped_everywhere(site):
    for path in ("/", "/ministeres/sante", "/services/piege", "/objectifs"):
        html = site.get(path).text
        assert '<script>alert("nom")</script>' not in html
        assert "&lt;script&gt;alert(&#34;nom&#34;)&lt;/script&gt;" in html or path == "/objectifs"
    evidence = site.get("/services/carte-grise").text
    assert "<script>alert(2)</script>" not in evidence and "&lt;script&gt;alert(2)&lt;/script&gt;" in evidence
    assert site.get("/api/services?ministry=sante").json()["items"][0]["name"] == HOSTILE_NAME


def test_captured_html_is_a_download_or_a_sandboxed_frame_never_a_page_of_ours(site):
    dom = _page(site, "dom_sha").dom_sha
    download = site.get(f"/artefacts/{dom}")
    assert download.headers["content-type"].startswith("text/plain")
    assert download.headers["content-disposition"] == f'attachment; filename="{dom}.html.txt"'
    framed = site.get(f"/artefacts/{dom}?cadre=1")
    assert framed.headers["content-type"].startswith("text/html")
    assert framed.headers["content-security-policy"].startswith("sandbox;")
    assert "allow-scripts" not in framed.headers["content-security-policy"]
    assert "allow-same-origin" not in framed.headers["content-security-policy"]
    assert b"parent.document.title" in framed.content  # the site's bytes, as captured


def test_screenshots_are_served_as_images_and_unknown_files_are_not_served(site):
    shot = _page(site, "screenshot_sha").screenshot_sha
    assert site.get(f"/artefacts/{shot}").headers["content-type"] == "image/jpeg"
    assert site.get("/artefacts/" + "0" * 64).status_code == 404
    assert site.get("/artefacts/../veilleur.db").status_code == 404


def _form(site) -> dict:
    page = site.get("/proposer")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
    return {"csrf_token": token, "name": "Demander une bourse", "url": "https://bourses.example/",
            "criterion": "financial_aid", "reason": "Des centaines de milliers d’étudiants la demandent."}


def _proposals(site) -> list[Proposal]:
    with site.db.sessions() as session:
        return list(session.scalars(select(Proposal)))


def test_a_valid_proposal_is_stored_as_pending_and_its_url_is_not_fetched(site):
    response = site.post("/proposer", data=_form(site))
    assert response.status_code == 200 and "bien reçue" in response.text
    [stored] = _proposals(site)
    assert (stored.status, stored.url, stored.criterion) == ("pending", "https://bourses.example/", "financial_aid")


def test_a_proposal_without_the_csrf_token_or_with_a_forged_one_is_refused_with_a_clear_message(site):
    form = _form(site)
    missing = site.post("/proposer", data={k: v for k, v in form.items() if k != "csrf_token"})
    assert missing.status_code == 403 and "jeton de sécurité" in missing.text
    forged = site.post("/proposer", data={**form, "csrf_token": "0" * 64})
    assert forged.status_code == 403
    site.cookies.clear()  # a form posted from another site arrives without our cookie
    assert site.post("/proposer", data=form).status_code == 403
    assert _proposals(site) == []


def test_a_filled_honeypot_stores_nothing(site):
    response = site.post("/proposer", data={**_form(site), "website": "http://spam.example/"})
    assert response.status_code == 200
    assert _proposals(site) == []


def test_proposals_are_limited_per_client_address(site):
    form = _form(site)
    assert site.post("/proposer", data=form).status_code == 200
    assert site.post("/proposer", data=form).status_code == 200
    refused = site.post("/proposer", data=form)
    assert refused.status_code == 429 and "Réessayez dans 10 minutes" in refused.text
    assert refused.headers["retry-after"] == "600"
    assert len(_proposals(site)) == 2


def test_a_wrong_form_is_shown_again_with_one_message_per_field(site):
    response = site.post("/proposer", data={**_form(site), "url": "ftp://x", "criterion": "autre", "reason": "court"})
    assert response.status_code == 422
    assert 'id="url-erreur"' in response.text and 'id="criterion-erreur"' in response.text
    assert 'id="reason-erreur"' in response.text and 'value="Demander une bourse"' in response.text
    assert _proposals(site) == []


def test_operator_endpoints_require_the_token(site):
    assert site.get("/api/exports").status_code == 401
    assert site.get("/api/exports", headers={"Authorization": "Bearer faux"}).status_code == 403
    assert site.get("/api/proposals").status_code == 401
    allowed = site.get("/api/exports?quarter=2026Q4", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200 and allowed.text.startswith("quarter,service_id")


def test_without_a_configured_token_operator_endpoints_are_disabled(tmp_path):
    from reports.web.app import create_app
    from storage.db import open_database

    db = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    client = TestClient(create_app(db, EvidenceStore(tmp_path / "evidence"), web=WebSection(operator_token="")))
    refused = client.get("/api/exports", headers={"Authorization": "Bearer "})
    assert refused.status_code == 403 and "VEILLEUR_OPERATOR_TOKEN" in refused.json()["detail"]
    db.close()


@pytest.mark.parametrize("quarter", ["0000Q1", "9999Q4", "2026Q9", "n'importe quoi"])
def test_a_quarter_out_of_range_in_the_address_shows_the_latest_quarter_not_an_error(site, quarter):
    for path in ("/", "/ministeres/interieur", "/services/carte-grise", "/objectifs"):
        response = site.get(path, params={"trimestre": quarter})
        assert response.status_code == 200, (path, quarter)
    assert site.get("/api/indicators", params={"quarter": quarter}).status_code == 422


def test_only_stored_proposals_count_towards_the_limit(site):
    form = _form(site)
    for _ in range(3):  # sent back for a mistake: nothing stored, nothing counted
        assert site.post("/proposer", data={**form, "url": "ftp://x"}).status_code == 422
    assert site.post("/proposer", data=form).status_code == 200
    assert site.post("/proposer", data=form).status_code == 200
    assert site.post("/proposer", data=form).status_code == 429
    assert len(_proposals(site)) == 2


@pytest.mark.parametrize("path", ["/", "/objectifs", "/incidents", "/api/services"])
def test_head_answers_as_get_without_a_body(site, path):
    got, head = site.get(path), site.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]


def test_runs_of_a_service_not_in_the_registry_are_a_404_as_the_service_itself(site):
    assert site.get("/api/services/nope").status_code == 404
    response = site.get("/api/runs", params={"service": "nope"})
    assert response.status_code == 404
    assert response.json() == {"detail": "service 'nope': not in the registry"}
    known = site.get("/api/services").json()["items"][0]["id"]
    assert site.get("/api/runs", params={"service": known}).status_code == 200
