"""Campaigns over loopback sites whose pages stop being the service: a firewall's rejection on a
login page, a maintenance page on a landing page, a soft 404 where the registry's address was.

What each means, as ministries and DINUM read it: a refusal of the probe is our access problem
(no incident, availability untouched, the host listed for DINUM to have the probe let in); a
maintenance page is the service being down (an availability incident, nothing else); an address
that no longer leads to the démarche is flagged for update (registry list, service page, DINUM's
digest)."""

from __future__ import annotations

import email
import email.policy
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from campaign.executor import run_campaign, start_campaign
from foundation.quarters import Quarter
from probes.settings import ProbeSettings
from reports.alerts.after_campaign import AlertSettings, after_campaign
from reports.alerts.mail_transport import OutboxTransport
from reports.observatory.indicators import quarter_indicators
from storage.db import Database, open_database
from storage.evidence.store import EvidenceStore
from storage.registry import import_registry, list_services
from storage.schema import FindingRecord, Incident, OutgoingMail, ServiceRun
from tests.support.french_text import all_problems, visible_text
from veilleur.cli import cli
from veilleur.demo.server import registry_yaml, serve_sites

SETTINGS = ProbeSettings(page_timeout_s=10, settle_cap_s=0.5, axe_timeout_s=20, concurrency=2, host_delay_s=0,
                         retry_backoff_s=0.2, mobile=False)
ALERTS = dict(sender="Veilleur <veilleur@numerique.example>", operator=("dinum@numerique.example",))
REFUSED, DOWN, MOVED = "portail-impots", "aide-cantine", "ancienne-adresse"

PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head><body>
<header><nav><a href="connexion.html">Se connecter</a> <a href="contact.html">Nous contacter</a></nav></header>
<main><h1>{title}</h1>
<p>Faites votre démarche en ligne, à tout moment. La demande prend dix minutes ; préparez votre numéro fiscal et
un justificatif de domicile de moins de trois mois.</p>
<p>Vous pouvez aussi vous rendre au guichet de votre centre, du lundi au vendredi de 9 h à 17 h, ou appeler le
01 23 45 67 89.</p>{extra}</main>
<footer><a href="accessibilite.html">Accessibilité : non conforme</a></footer></body></html>"""
FC_BUTTON = ('<button class="fr-connect" type="button"><span class="fr-connect__login">S’identifier avec</span> '
             '<span class="fr-connect__brand">FranceConnect</span></button>')
F5_REJECTION = """<html><head><title>Request Rejected</title></head><body>The requested URL was rejected.
Please consult with your administrator.<br><br>Your support ID is: 14628307981935672114<br><br>
<a href='javascript:history.back();'>[Go Back]</a></body></html>"""
MAINTENANCE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Site en maintenance</title></head>
<body><main><h1>Site en maintenance</h1><p>Le service est momentanément indisponible en raison d’une opération de
maintenance. Merci de revenir plus tard.</p></main></body></html>"""
SOFT_404 = PAGE.replace("{extra}", "").format(title="Page non trouvée — Erreur 404")


def _site(root: Path, site_id: str, name: str, files: dict[str, str]) -> None:
    (root / site_id).mkdir(parents=True)
    (root / site_id / "site.yaml").write_text(
        f"name: {name}\nministry: economie\nbehaviour: {{}}\nexpected:\n  franceconnect: franceconnect\n",
        encoding="utf-8")
    for file, html in files.items():
        (root / site_id / file).write_text(html, encoding="utf-8")


def _pages(title: str, landing_fc: bool, login_fc: bool) -> dict[str, str]:
    return {
        "index.html": PAGE.format(title=title, extra=FC_BUTTON if landing_fc else ""),
        "connexion.html": PAGE.format(title="Connexion", extra=FC_BUTTON if login_fc else ""),
        "contact.html": PAGE.format(title="Nous contacter", extra=""),
        "accessibilite.html": PAGE.format(title="Déclaration d’accessibilité", extra="<p>État de conformité : non conforme.</p>"),
    }


@dataclass
class History:
    folder: Path
    campaigns: list[int]
    hosts: dict[str, str]  # site id → host:port it is served on

    def database(self) -> Database:
        return open_database(f"sqlite:///{self.folder / 'veilleur.db'}")


def _campaign(db: Database, store: EvidenceStore) -> int:
    with db.sessions() as session:
        services = list_services(session)
    campaign_id = start_campaign(db, services, "manual", SETTINGS)
    run_campaign(db, store, campaign_id, SETTINGS)
    # Delivered to an outbox beside the evidence: never a configured SMTP server.
    outbox = OutboxTransport(store.root.parent / "data" / "outbox")
    after_campaign(db, store, campaign_id, AlertSettings(public_url=None, **ALERTS), outbox)
    return campaign_id


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    """Three sites probed once as themselves, then twice after: the login page of one answers
    with an F5 rejection (200), the landing page of another with "Site en maintenance" (200),
    the landing page of the third with "Page non trouvée — Erreur 404" (200)."""
    folder = tmp_path_factory.mktemp("not-the-service")
    sites, changed = folder / "sites", folder / "changed"
    (sites).mkdir()
    (sites / "ministries.yaml").write_text(
        "ministries:\n- id: economie\n  name: Ministère de l’Économie\n  contacts: [qualite@economie.example]\n",
        encoding="utf-8")
    _site(sites, REFUSED, "Payer ses impôts", _pages("Payer ses impôts", landing_fc=False, login_fc=True))
    _site(sites, DOWN, "Inscrire son enfant à la cantine", _pages("Inscrire son enfant à la cantine", True, True))
    _site(sites, MOVED, "Demander un extrait de casier", _pages("Demander un extrait de casier", True, True))
    for site_id, file, html in ((REFUSED, "connexion.html", F5_REJECTION), (DOWN, "index.html", MAINTENANCE),
                                (MOVED, "index.html", SOFT_404)):
        shutil.copytree(sites / site_id, changed / site_id)
        (changed / site_id / file).write_text(html, encoding="utf-8")
    store = EvidenceStore(folder / "evidence")
    with pytest.MonkeyPatch.context() as env, serve_sites(sites) as server:
        env.setenv("VEILLEUR_DATA_DIR", str(folder / "data"))
        env.delenv("VEILLEUR_SMTP_URL", raising=False)
        (folder / "registry.yaml").write_text(registry_yaml(server), encoding="utf-8")
        db = open_database(f"sqlite:///{folder / 'veilleur.db'}")
        with db.sessions() as session:
            import_registry(session, folder / "registry.yaml")
        campaigns = [_campaign(db, store)]
        for site_id in (REFUSED, DOWN, MOVED):
            server.serve_from(site_id, changed / site_id)
        campaigns += [_campaign(db, store), _campaign(db, store)]
        db.close()
        hosts = {s.id: s.url.split("/")[2] for s in server.sites}
    return History(folder, campaigns, hosts)


def _runs(history: History, service_id: str) -> list[ServiceRun]:
    db = history.database()
    try:
        with db.sessions() as session:
            runs = session.scalars(select(ServiceRun).where(ServiceRun.service_id == service_id)
                                   .order_by(ServiceRun.id)).all()
            for run in runs:
                run.pages, run.findings  # loaded before the session closes
            session.expunge_all()
            return list(runs)
    finally:
        db.close()


def _incidents(history: History) -> list[tuple[str, str]]:
    db = history.database()
    try:
        with db.sessions() as session:
            return sorted((i.service_id, i.check_id) for i in session.scalars(select(Incident)))
    finally:
        db.close()


def test_a_firewall_rejecting_the_login_page_opens_no_incident_and_leaves_availability_untouched(history):
    runs = _runs(history, REFUSED)
    assert [r.ok for r in runs] == [True, True, True]  # the landing page answered as the service each time
    first, *later = runs
    assert {f.check: f.status for f in first.findings}["franceconnect"] == "franceconnect"
    for run in later:
        login = next(p for p in run.pages if p.kind == "login")
        assert (login.ok, login.error_class, login.http_status) == (False, "waf", 200)
        assert login.axe_version is None and login.dom_sha is not None  # not audited; what it showed is kept
        fc = next(f for f in run.findings if f.check == "franceconnect")
        assert fc.status == "unknown"  # never "absent" from a page that is not the service
        assert "page de refus d’un pare-feu applicatif (identifiant de support 14628307981935672114)" in fc.reason
    assert not [i for i in _incidents(history) if i[0] == REFUSED]
    db = history.database()
    try:
        with db.sessions() as session:
            quarter = Quarter.of(datetime.now(timezone.utc))
            uptime = {s.service_id: {i.key: i for i in s.indicators}["uptime"] for s in quarter_indicators(session, quarter)}
    finally:
        db.close()
    assert uptime[REFUSED].value == 100 and uptime[REFUSED].count == 3


def test_a_maintenance_page_on_the_landing_page_opens_an_availability_incident_and_nothing_else(history):
    runs = _runs(history, DOWN)
    assert [(r.ok, r.error_class) for r in runs] == [(True, None), (False, "maintenance"), (False, "maintenance")]
    assert "page de maintenance" in runs[-1].error and "Site en maintenance" in runs[-1].error
    for run in runs[1:]:
        assert {f.status for f in run.findings} == {"unknown"}  # nothing learnt about the service from it
        assert [p.kind for p in run.pages] == ["landing"]  # no link followed from it
    assert [i for i in _incidents(history) if i[0] == DOWN] == [(DOWN, "availability")]
    db = history.database()
    try:
        with db.sessions() as session:
            change = session.scalars(select(Incident.change).where(Incident.service_id == DOWN)).one()
    finally:
        db.close()
    assert change == "Le service est interrompu (page de maintenance)"


def test_the_hosts_refusing_the_probe_are_listed_by_status_and_on_the_dashboard(history, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", f"sqlite:///{history.folder / 'veilleur.db'}")
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(history.folder / "data"))
    out = CliRunner().invoke(cli, ["status"], catch_exceptions=False).output
    listed = out.split("Hôtes qui refusent la sonde")[1]
    host = history.hosts[REFUSED]
    assert REFUSED in listed and host in listed and "pare-feu" in listed
    assert DOWN not in listed and MOVED not in listed  # down or moved, not refusing

    from reports.web.app import create_app

    db = history.database()
    try:
        client = TestClient(create_app(db, EvidenceStore(history.folder / "evidence")))
        page = client.get("/incidents").text
        table = page.split("data-refusals")[1]
        assert f'data-refused-host="{host}"' in table and f"/services/{REFUSED}" in table
        assert "identifiant de support 14628307981935672114" in table
        assert "La sonde est refusée" in client.get(f"/services/{REFUSED}").text
        assert "La sonde est refusée" not in client.get(f"/services/{DOWN}").text
    finally:
        db.close()


def test_a_soft_404_at_the_registry_address_asks_for_the_address_to_be_updated(history, monkeypatch):
    runs = _runs(history, MOVED)
    assert [r.error_class for r in runs] == [None, "soft_404", "soft_404"]
    assert not [i for i in _incidents(history) if i[0] == MOVED]  # neither down nor a regression

    monkeypatch.setenv("VEILLEUR_DATABASE_URL", f"sqlite:///{history.folder / 'veilleur.db'}")
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(history.folder / "data"))
    out = " ".join(CliRunner().invoke(cli, ["registry", "list"], catch_exceptions=False).output.split())
    assert f"{MOVED} : adresse à mettre à jour" in out and "Page non trouvée — Erreur 404" in out
    assert f"{DOWN} : adresse à mettre à jour" not in out and f"{REFUSED} : adresse" not in out

    from reports.web.app import create_app

    db = history.database()
    try:
        client = TestClient(create_app(db, EvidenceStore(history.folder / "evidence")))
        assert "Adresse à mettre à jour" in client.get(f"/services/{MOVED}").text
        assert "Adresse à mettre à jour" not in client.get(f"/services/{DOWN}").text
        with db.sessions() as session:
            mails = session.scalars(select(OutgoingMail).where(OutgoingMail.kind == "access_digest")
                                    .order_by(OutgoingMail.campaign_id)).all()
            assert [m.campaign_id for m in mails] == history.campaigns[1:]  # none while every page was the service
            digest = email.message_from_bytes(mails[-1].raw_message, policy=email.policy.default)
    finally:
        db.close()
    assert str(digest["To"]) == "dinum@numerique.example"
    assert digest["Subject"] == (f"[Veilleur] Campagne {history.campaigns[-1]} : 1 adresse à mettre à jour, "
                                 f"1 hôte refuse la sonde")
    text = " ".join(digest.get_body(("plain",)).get_content().split())
    assert f"Demander un extrait de casier ({MOVED}) : adresse à mettre à jour" in text
    assert history.hosts[REFUSED] in text and "14628307981935672114" in text


def test_what_status_registry_list_the_dashboard_and_the_digest_say_of_it_is_french(history, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", f"sqlite:///{history.folder / 'veilleur.db'}")
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(history.folder / "data"))
    screens = [(f"veilleur {' '.join(args)}", CliRunner().invoke(cli, args, catch_exceptions=False).output)
               for args in (["status"], ["registry", "list"])]
    from reports.web.app import create_app

    db = history.database()
    try:
        client = TestClient(create_app(db, EvidenceStore(history.folder / "evidence")))
        screens += [(path, visible_text(client.get(path).text))
                    for path in ("/incidents", f"/services/{REFUSED}", f"/services/{DOWN}", f"/services/{MOVED}")]
        with db.sessions() as session:
            raw = session.scalars(select(OutgoingMail.raw_message).where(OutgoingMail.kind == "access_digest")).first()
    finally:
        db.close()
    digest = email.message_from_bytes(raw, policy=email.policy.default)
    screens += [("digest", digest.get_body(("plain",)).get_content()),
                ("digest (HTML)", visible_text(digest.get_body(("html",)).get_content()))]
    assert "pare-feu" in screens[0][1]  # the refusal is there to be read
    assert all_problems(screens) == {}
