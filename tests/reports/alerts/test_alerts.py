"""Incidents and alert e-mails end to end: real campaigns on loopback sites, a real SMTP server.

A site's content is switched between campaigns to play regressions, flapping and recovery.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from reports.alerts.mail_transport import mail_transport
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.schema import Incident
from reports.alerts.delivery import deliver_pending
from storage.schema import OutgoingMail
from storage.registry import import_registry, list_services
from tests.support.smtp_server import smtp_server  # noqa: F401  (fixture)
from tests.support.webserver import LocalSite, html
from campaign.executor import run_campaign, start_campaign
from veilleur.settings import alerts_after_campaign, read_settings
from probes.settings import ProbeSettings

WITH_FC = """<!doctype html><html lang="fr"><head><title>Démarche</title></head><body><main><h1>Démarche en ligne</h1>
<button class="fr-connect"><span class="fr-connect__login">S’identifier avec</span> <span class="fr-connect__brand">FranceConnect</span></button>
<p>Besoin d’aide ? Appelez le 01 23 45 67 89.</p></main></body></html>"""
WITHOUT_FC = WITH_FC.replace('<button class="fr-connect">', "<button>").replace("FranceConnect", "notre compte")

SETTINGS = ProbeSettings(page_timeout_s=5, settle_cap_s=0.5, max_key_pages=0, concurrency=2, host_delay_s=0,
                         retry_backoff_s=0.1)


class Fleet:
    """Sites on loopback, their registry, and campaigns run in this process."""

    def __init__(self, tmp_path, count: int):
        self.sites = {f"svc{i}": LocalSite({"/": html(WITH_FC)}) for i in range(count)}
        lines = ["ministries:", "  - id: culture", "    name: Ministère de la Culture",
                 "    contacts: [qualite@culture.example]", "  - id: sports", "    name: Ministère des Sports",
                 "    contacts: [qualite@sports.example]", "services:"]
        for sid, site in self.sites.items():
            lines += [f"  - id: {sid}", f"    name: Service {sid}", "    ministry: culture",
                      f"    url: {site.url('/')}", f"    contacts: [{sid}@culture.example]"]
        (tmp_path / "r.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
        self.store = EvidenceStore(tmp_path / "evidence")
        with self.db.sessions() as session:
            import_registry(session, tmp_path / "r.yaml")

    def serve(self, sid: str, page: str) -> None:
        self.sites[sid].routes["/"] = html(page)

    def campaign(self) -> int:
        with self.db.sessions() as session:
            services = list_services(session)
        campaign_id = start_campaign(self.db, services, "manual", SETTINGS)
        run_campaign(self.db, self.store, campaign_id, SETTINGS,
                     on_complete=alerts_after_campaign(self.db, self.store))
        return campaign_id

    def incidents(self) -> list[Incident]:
        with self.db.sessions() as session:
            return list(session.scalars(select(Incident).order_by(Incident.id)))

    def close(self) -> None:
        for site in self.sites.values():
            site.close()
        self.db.close()


@pytest.fixture
def fleet(tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("VEILLEUR_SMTP_URL", smtp_server.url())
    monkeypatch.setenv("VEILLEUR_OPERATOR_EMAIL", "astreinte@veilleur.example")
    fleet = Fleet(tmp_path, 1)
    yield fleet
    fleet.close()


def test_a_confirmed_regression_sends_exactly_one_email_to_the_ministry_and_service_contacts(fleet, smtp_server):
    fleet.campaign()                       # FranceConnect there
    fleet.serve("svc0", WITHOUT_FC)
    fleet.campaign()                       # gone once: not confirmed yet
    assert smtp_server.received == [] and fleet.incidents() == []
    fleet.campaign()                       # gone twice: confirmed
    [mail] = smtp_server.wait_for(1)
    assert sorted(mail.rcpt_tos) == ["qualite@culture.example", "svc0@culture.example"]
    message = mail.message()
    assert message["Subject"].startswith("[Veilleur]") and "Culture" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "FranceConnect : FranceConnect → absent" in text and "Le bouton FranceConnect a disparu" in text
    assert fleet.sites["svc0"].url("/") in text
    [incident] = fleet.incidents()
    assert (incident.check_id, incident.status, incident.last_notified_at is not None) == ("franceconnect", "open", True)
    fleet.campaign()                       # still gone: no second e-mail (reminders come after 7 days)
    assert len(smtp_server.received) == 1


def test_a_flapping_service_sends_nothing(fleet, smtp_server):
    for page in (WITH_FC, WITHOUT_FC, WITH_FC, WITHOUT_FC, WITH_FC):
        fleet.serve("svc0", page)
        fleet.campaign()
    assert smtp_server.received == [] and fleet.incidents() == []


def test_recovery_closes_the_incident_and_sends_a_recovery_notice(fleet, smtp_server):
    fleet.campaign()
    fleet.serve("svc0", WITHOUT_FC)
    fleet.campaign()
    fleet.campaign()
    smtp_server.wait_for(1)
    fleet.serve("svc0", WITH_FC)
    fleet.campaign()
    [_, recovery] = smtp_server.wait_for(2)
    body = recovery.message().get_body(preferencelist=("plain",)).get_content()
    assert "RÉTABLISSEMENTS (1)" in body and "FranceConnect" in body
    [incident] = fleet.incidents()
    assert incident.status == "closed" and incident.closed_run_id is not None


def test_with_smtp_down_the_alert_is_delivered_once_it_comes_back(fleet, smtp_server):
    fleet.campaign()
    fleet.serve("svc0", WITHOUT_FC)
    fleet.campaign()
    smtp_server.stop()
    fleet.campaign()                       # confirmed while the server is down: queued, not lost
    with fleet.db.sessions() as session:
        [queued] = session.scalars(select(OutgoingMail)).all()
        assert queued.status == "queued" and queued.attempts == 1 and queued.last_error
    smtp_server.start()
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    settings = read_settings()  # VEILLEUR_SMTP_URL, as `veilleur mail send` reads it
    transport = mail_transport(settings.mail, settings.storage.resolved_data_dir())
    deliver_pending(fleet.db.sessions, transport, now=later)
    deliver_pending(fleet.db.sessions, transport, now=later + timedelta(hours=1))
    [mail] = smtp_server.wait_for(1)
    assert "FranceConnect" in mail.message()["Subject"] or "incident" in mail.message()["Subject"]
    with fleet.db.sessions() as session:
        assert [m.status for m in session.scalars(select(OutgoingMail))] == ["sent"]


def test_when_many_services_regress_at_once_only_the_operator_is_told(tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("VEILLEUR_SMTP_URL", smtp_server.url())
    monkeypatch.setenv("VEILLEUR_OPERATOR_EMAIL", "astreinte@veilleur.example")
    fleet = Fleet(tmp_path, 4)
    try:
        fleet.campaign()
        for sid in fleet.sites:
            fleet.serve(sid, WITHOUT_FC)
        fleet.campaign()
        fleet.campaign()
        [mail] = smtp_server.wait_for(1)
        assert mail.rcpt_tos == ("astreinte@veilleur.example",)
        assert all(i.suppressed for i in fleet.incidents()) and len(fleet.incidents()) == 4
    finally:
        fleet.close()


def test_an_unreachable_service_is_confirmed_by_availability_checks(fleet, smtp_server):
    from dataclasses import replace

    fleet.campaign()
    fleet.sites["svc0"].close()            # the site goes down: connection refused
    quick = replace(SETTINGS, landing_only=True, max_attempts=1)
    for _ in range(2):
        with fleet.db.sessions() as session:
            services = list_services(session)
        campaign_id = start_campaign(fleet.db, services, "scheduler", quick)
        run_campaign(fleet.db, fleet.store, campaign_id, quick,
                     on_complete=alerts_after_campaign(fleet.db, fleet.store))
    [incident] = fleet.incidents()
    assert (incident.check_id, incident.current_status) == ("availability", "connection_refused")
    [mail] = smtp_server.wait_for(1)
    assert "injoignable" in mail.message().get_body(preferencelist=("plain",)).get_content()
