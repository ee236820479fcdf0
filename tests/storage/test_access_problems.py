"""From each service's latest visit: the hosts that refuse the probe and the registry addresses
that no longer lead to the démarche. An older visit's refusal, since lifted, is not listed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.access_problems import refusing_hosts, stale_addresses
from storage.evidence.store import EvidenceStore
from storage.runs import create_campaign, finish_campaign, pending_units, record_unit
from storage.schema import Service
from tests.support.evidence_runs import capture, seed

WAF = "page de refus d’un pare-feu applicatif (identifiant de support 1234567890)"
SOFT_404 = "page « introuvable » servie avec le statut 200 (« Page non trouvée — Erreur 404 »)"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def _visit(db, store, service_id: str, started: datetime, contact_class: str | None = None,
           landing_class: str | None = None, reason: str = "") -> None:
    with db.sessions() as session:
        campaign = create_campaign(session, [session.get(Service, service_id)], "manual", {})
        unit = pending_units(session, campaign.id)[0]
    captured = capture(unit.url, started)
    for page, error_class in ((captured.pages[0], landing_class), (captured.pages[1], contact_class)):
        if error_class:
            page.ok, page.error_class, page.error = False, error_class, reason
    if landing_class:
        captured.ok, captured.error_class, captured.error = False, landing_class, reason
    assert record_unit(db.sessions(), store, unit, captured, {})
    with db.sessions() as session:
        finish_campaign(session, campaign.id)


def test_a_host_is_listed_while_its_latest_visit_was_refused_and_not_after(db, tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    seed(db, "impots", "cantine")
    _visit(db, store, "impots", T0, contact_class="waf", reason=WAF)
    _visit(db, store, "cantine", T0, contact_class="http_5xx", reason="HTTP 500")
    with db.sessions() as session:
        refusals = refusing_hosts(session)
    assert [(r.host, r.service_id, r.page_kind, r.error_class, r.reason) for r in refusals] == [
        ("impots.example", "impots", "contact", "waf", WAF)]
    assert refusals[0].page_url == "https://impots.example/contact"

    _visit(db, store, "impots", T0 + timedelta(days=1))  # let in since
    with db.sessions() as session:
        assert refusing_hosts(session) == []


def test_an_address_is_to_update_when_the_latest_landing_page_was_a_soft_404(db, tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    seed(db, "casier", "impots")
    _visit(db, store, "casier", T0)
    _visit(db, store, "casier", T0 + timedelta(days=1), landing_class="soft_404", reason=SOFT_404)
    _visit(db, store, "impots", T0, contact_class="soft_404", reason=SOFT_404)  # a sub-page: not the address
    with db.sessions() as session:
        stale = stale_addresses(session)
        assert stale_addresses(session, ["impots"]) == {}
    assert list(stale) == ["casier"]
    assert (stale["casier"].url, stale["casier"].error_class, stale["casier"].reason) == (
        "https://casier.example/", "soft_404", SOFT_404)
