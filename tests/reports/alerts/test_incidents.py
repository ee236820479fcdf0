"""Incidents a ministry can act on, from real campaigns over the demo's carte-grise site: its
redesign drops the FranceConnect button (login and home pages) and the « Je donne mon avis »
button (home page). The alert e-mail names the page each element was on, shows it before and
the same area after, links to the dashboard when its public address is known and says what to
do; the dashboard's /incidents page and /api/incidents list the incidents, open and closed."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from campaign.executor import run_campaign, start_campaign
from probes.settings import ProbeSettings
from reports.alerts.after_campaign import AlertSettings, after_campaign
from reports.alerts.mail_transport import OutboxTransport
from storage.db import Database, open_database
from storage.evidence.store import EvidenceStore
from storage.registry import import_registry, list_services
from storage.schema import Incident, OutgoingMail
from veilleur.demo.run import REGRESSING, VARIANTS
from veilleur.demo.server import MINISTRIES_FILE, SITES_DIR, registry_yaml, serve_sites

PUBLIC_URL = "https://veilleur.numerique.example"
SETTINGS = ProbeSettings(page_timeout_s=10, settle_cap_s=0.5, axe_timeout_s=20, concurrency=1, host_delay_s=0,
                         retry_backoff_s=0.2)
ALERTS = dict(sender="Veilleur <veilleur@numerique.example>", operator=("astreinte@numerique.example",))


@dataclass
class Regression:
    folder: Path
    store: EvidenceStore
    landing: str                       # the carte-grise site's addresses on loopback
    login: str
    told: EmailMessage                 # the digest, VEILLEUR_PUBLIC_URL set
    untold: EmailMessage               # the same digest, VEILLEUR_PUBLIC_URL unset
    recovery: EmailMessage             # once the site is back (on the copy without public address)

    def database(self, name: str) -> Database:
        return open_database(f"sqlite:///{self.folder / f'{name}.db'}")


def _campaign(db: Database, store: EvidenceStore) -> int:
    with db.sessions() as session:
        services = list_services(session)
    campaign_id = start_campaign(db, services, "manual", SETTINGS)
    run_campaign(db, store, campaign_id, SETTINGS)
    return campaign_id


def _alerts(db: Database, store: EvidenceStore, campaign_id: int, public_url: str | None) -> EmailMessage:
    # Delivered to an outbox beside the evidence: never a configured SMTP server, never ./veilleur-data.
    outbox = OutboxTransport(store.root.parent / "data" / "outbox")
    after_campaign(db, store, campaign_id, AlertSettings(public_url=public_url, **ALERTS), outbox)
    with db.sessions() as session:
        mail = session.scalars(select(OutgoingMail).where(OutgoingMail.campaign_id == campaign_id)).one()
        return email.message_from_bytes(mail.raw_message, policy=email.policy.default)


@pytest.fixture(scope="module")
def regression(tmp_path_factory) -> Regression:
    folder = tmp_path_factory.mktemp("regression")
    sites = folder / "sites"
    shutil.copytree(SITES_DIR / REGRESSING, sites / REGRESSING)
    shutil.copy(SITES_DIR / MINISTRIES_FILE, sites / MINISTRIES_FILE)
    # The demo's redesign, which also dropped the « Je donne mon avis » section of the home page.
    redesign = folder / "redesign"
    shutil.copytree(VARIANTS / REGRESSING, redesign)
    home = (redesign / "index.html").read_text(encoding="utf-8")
    home, dropped = re.subn(r"<section>\s*<h2>Votre avis compte</h2>.*?</section>", "", home, flags=re.S)
    assert dropped == 1
    (redesign / "index.html").write_text(home, encoding="utf-8")

    store = EvidenceStore(folder / "evidence")
    with serve_sites(sites) as server:
        (folder / "registry.yaml").write_text(registry_yaml(server), encoding="utf-8")
        db = open_database(f"sqlite:///{folder / 'told.db'}")
        with db.sessions() as session:
            import_registry(session, folder / "registry.yaml")
        _campaign(db, store)
        server.serve_from(REGRESSING, redesign)
        _campaign(db, store)
        confirming = _campaign(db, store)
        db.close()
        # The same history twice: once alerted with the dashboard's public address, once without.
        shutil.copy(folder / "told.db", folder / "untold.db")
        db = open_database(f"sqlite:///{folder / 'told.db'}")
        told = _alerts(db, store, confirming, PUBLIC_URL)
        db.close()
        db = open_database(f"sqlite:///{folder / 'untold.db'}")
        untold = _alerts(db, store, confirming, None)
        server.serve_from(REGRESSING, SITES_DIR / REGRESSING)
        recovery = _alerts(db, store, _campaign(db, store), None)
        db.close()
        landing = server.sites[0].url
    return Regression(folder, store, landing, landing + "connexion.html", told, untold, recovery)


def _incidents(regression: Regression, name: str = "told") -> dict[str, Incident]:
    db = regression.database(name)
    try:
        with db.sessions() as session:
            return {i.check_id: i for i in session.scalars(select(Incident))}
    finally:
        db.close()


def _text(message: EmailMessage) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


def _html(message: EmailMessage) -> str:
    return " ".join(message.get_body(("html",)).get_content().split())


def _item(text: str, incident: Incident) -> str:
    """The part of a text digest about one incident."""
    start = text.index(f"(incident n° {incident.id})")
    following = text.find("* ", start)
    return text[start:following if following > 0 else None]


def test_the_redesign_opens_one_incident_per_lost_element_each_on_the_page_it_was_on(regression):
    incidents = _incidents(regression)
    assert sorted(incidents) == ["franceconnect", "jedonnemonavis"]
    assert incidents["franceconnect"].page_url == regression.login
    assert incidents["jedonnemonavis"].page_url == regression.landing


def test_the_alert_names_the_page_where_each_element_was_and_its_change_in_words(regression):
    incidents = _incidents(regression)
    text, html = _text(regression.told), _html(regression.told)
    fc, jdma = _item(text, incidents["franceconnect"]), _item(text, incidents["jedonnemonavis"])
    assert "FranceConnect : FranceConnect → absent Le bouton FranceConnect a disparu" in fc
    assert f"Page « connexion » : {regression.login}" in fc
    assert f"Aussi sur la page « accueil » : {regression.landing}" in fc
    assert "JeDonneMonAvis : présent → absent Le bouton JeDonneMonAvis a disparu" in jdma
    assert f"Page « accueil » : {regression.landing}" in jdma and "connexion" not in jdma
    assert f'Page « connexion » : <a href="{regression.login}"' in html


def test_each_incident_has_its_own_before_and_after_crops(regression):
    incidents = _incidents(regression)
    [related] = [p for p in regression.told.walk() if p.get_content_type() == "multipart/related"]
    html = related.get_payload()[0].get_content()
    images = {p.get_filename(): p for p in related.get_payload()[1:]}
    assert sorted(images) == sorted(f"incident-{i.id}-{side}.jpg" for i in incidents.values()
                                    for side in ("avant", "apres"))
    assert all(p.get_content_type() == "image/jpeg" and f'src="cid:{p["Content-ID"].strip("<>")}"' in html
               for p in images.values())
    assert len({p.get_content() for p in images.values()}) == 4
    assert all(len(p.get_content()) < 200_000 for p in images.values())
    assert "l’élément sur la page « connexion », entouré en rouge" in html
    assert "le même endroit de la page « connexion »" in html
    # the home page lost its last section: it now ends above where the button was
    assert "le bas de la page « accueil », qui s’arrête désormais plus haut que l’endroit où était l’élément" in html


def test_dashboard_links_lead_to_the_service_its_evidence_and_the_incident_when_the_public_address_is_set(regression):
    incidents = _incidents(regression)
    fc = _item(_text(regression.told), incidents["franceconnect"])
    assert f"La démarche sur le tableau de bord : {PUBLIC_URL}/services/{REGRESSING}" in fc
    proof = "La preuve : l’élément sur la capture de la visite précédente"
    assert re.search(rf"{proof} : {PUBLIC_URL}/preuves/\d+/\d+\.png", fc)
    assert (f"L’incident parmi ceux du ministère : {PUBLIC_URL}/incidents?ministere=interieur"
            f"#incident-{incidents['franceconnect'].id}") in fc
    # Every link the e-mail gives to the dashboard is one of its pages.
    html = regression.told.get_body(("html",)).get_content()
    links = set(re.findall(rf'href="{re.escape(PUBLIC_URL)}(/[^"#]*)', html))
    assert {"/services/carte-grise", "/incidents?ministere=interieur"} <= {link.replace("&amp;", "&") for link in links}
    db = regression.database("told")
    try:
        from reports.web.app import create_app

        client = TestClient(create_app(db, regression.store))
        for link in links:
            response = client.get(link.replace("&amp;", "&"))
            assert response.status_code == 200, link
            if link.startswith("/preuves/"):
                assert response.headers["content-type"] == "image/png"
    finally:
        db.close()


def test_without_the_public_address_there_is_no_dashboard_link(regression):
    text, html = _text(regression.untold), _html(regression.untold)
    assert "tableau de bord" not in text and "/preuves/" not in text and "/incidents" not in html
    assert PUBLIC_URL not in html
    # the rest is the same: pages named, pictures attached
    assert f"Page « connexion » : {regression.login}" in text
    assert sum(1 for p in regression.untold.walk() if p.get_content_type() == "image/jpeg") == 4


def test_the_alert_says_what_to_do(regression):
    incidents = _incidents(regression)
    text = _text(regression.told)
    fc, jdma = _item(text, incidents["franceconnect"]), _item(text, incidents["jedonnemonavis"])
    assert "Que faire ? 1. Remettez le bouton « S’identifier avec FranceConnect » sur la page « connexion »." in fc
    assert "Vérifiez le dernier déploiement du site" in fc
    assert "Remettez le bouton « Je donne mon avis » sur la page « accueil »" in jdma


def test_the_recovery_closes_both_and_tells_it_without_steps(regression):
    assert {i.status for i in _incidents(regression, "untold").values()} == {"closed"}
    text = _text(regression.recovery)
    assert "RÉTABLISSEMENTS (2)" in text and "Que faire ?" not in text
    assert not [p for p in regression.recovery.walk() if p.get_content_maintype() == "image"]


def test_the_incidents_page_lists_them_by_ministry_open_and_closed(regression):
    from reports.web.app import create_app

    for name, state, badge in (("told", "open", "en cours"), ("untold", "closed", "clos")):
        db = regression.database(name)
        try:
            client = TestClient(create_app(db, regression.store))
            incidents = _incidents(regression, name)
            page = client.get("/incidents")
            assert page.status_code == 200
            html = " ".join(page.text.split())
            assert '<h2 id="ministere-interieur">Ministère de l’Intérieur</h2>' in html
            for incident in incidents.values():
                assert f'id="incident-{incident.id}"' in html
            assert '<a href="/services/carte-grise">Demander une carte grise</a>' in html
            for change, sentence in (("FranceConnect : FranceConnect → absent", "Le bouton FranceConnect a disparu"),
                                     ("JeDonneMonAvis : présent → absent", "Le bouton JeDonneMonAvis a disparu")):
                assert f"<strong>{change}</strong><br>{sentence}" in html
            assert f'connexion : <a href="{regression.login}"' in html
            assert f'fr-badge--{"error" if state == "open" else "success"}">{badge}</span>' in html
            assert "2 incidents, dont" in html
            assert 'href="/incidents" aria-current="page"' in html
            other = "closed" if state == "open" else "open"
            assert "Aucun incident pour ce choix." in client.get(f"/incidents?statut={other}").text
            assert "Aucun incident pour ce choix." in client.get("/incidents?ministere=economie").text
            assert f'id="incident-{incidents["franceconnect"].id}"' in client.get(
                f"/incidents?statut={state}&ministere=interieur").text
        finally:
            db.close()


def test_the_api_lists_them_with_where_the_element_was(regression):
    from reports.web.app import create_app

    db = regression.database("told")
    try:
        client = TestClient(create_app(db, regression.store))
        listed = client.get("/api/incidents").json()
        assert listed["total"] == 2
        items = {i["check"]: i for i in listed["items"]}
        fc = items["franceconnect"]
        assert fc["status"] == "open" and fc["status_change"] == "FranceConnect : FranceConnect → absent"
        assert (fc["baseline_status"], fc["current_status"]) == ("franceconnect", "absent")
        assert fc["pages"][0] == {"url": regression.login, "kind": "login"}
        assert {"url": regression.landing, "kind": "landing"} in fc["pages"]
        assert fc["ministry_id"] == "interieur" and fc["service_page"] == "/services/carte-grise"
        assert fc["notified"] is True and fc["closed_at"] is None and fc["since"].endswith("Z")
        assert client.get(fc["evidence"]).headers["content-type"] == "image/png"
        assert items["jedonnemonavis"]["pages"] == [{"url": regression.landing, "kind": "landing"}]
        assert client.get("/api/incidents?status=open").json()["total"] == 2
        assert client.get("/api/incidents?status=closed").json()["total"] == 0
        assert client.get("/api/incidents?ministry=interieur&limit=1").json()["total"] == 2
        assert client.get("/api/incidents?ministry=economie").json()["items"] == []
        wrong = client.get("/api/incidents?status=fermé")
        assert wrong.status_code == 422 and "query.status" in wrong.json()["detail"]
    finally:
        db.close()
    db = regression.database("untold")
    try:
        closed = TestClient(create_app(db, regression.store)).get("/api/incidents?status=closed").json()
        assert closed["total"] == 2 and all(i["closed_at"] for i in closed["items"])
    finally:
        db.close()
