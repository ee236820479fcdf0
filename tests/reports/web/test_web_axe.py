"""The dashboard meets what Veilleur checks in others: zero axe-core violations on every page,
and Veilleur's own probe finds our accessibility mention and plain French."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.web_site import served_dashboard


def _seed_incidents(db, evidence_run: int) -> None:
    """An open incident whose element has evidence on a page, and a closed one on the service
    with a hostile name, so that the incidents page shows both kinds of row."""
    from datetime import datetime, timezone

    from storage.schema import Incident, ServiceRun

    with db.sessions() as session:
        run = session.get(ServiceRun, evidence_run)
        when = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
        session.add_all([
            Incident(service_id="carte-grise", check_id="franceconnect", status="open",
                     change="Le bouton FranceConnect a disparu", baseline_status="franceconnect",
                     current_status="absent", since=when, opened_at=when, baseline_run_id=run.id,
                     opened_run_id=run.id, opened_campaign_id=run.campaign_id, page_url=run.url),
            Incident(service_id="piege", check_id="availability", status="closed",
                     change="Le service est injoignable (délai dépassé)", baseline_status="ok",
                     current_status="timeout", since=when, opened_at=when, closed_at=when, opened_run_id=run.id,
                     closed_run_id=run.id, opened_campaign_id=run.campaign_id, closed_campaign_id=run.campaign_id,
                     suppressed=True),
        ])
        session.commit()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    with served_dashboard(tmp_path_factory.mktemp("dashboard")) as server:
        _seed_incidents(server.db, server.seeded.evidence_run)
        yield server


def _pages(dashboard) -> list[str]:
    from sqlalchemy import select

    from storage.schema import PageRecord

    with dashboard.db.sessions() as session:
        page_id = session.scalars(select(PageRecord.id).where(PageRecord.service_run_id == dashboard.seeded.evidence_run,
                                                              PageRecord.dom_sha.is_not(None))).first()
    return ["/", "/?ministere=sante&indicateur=handicap&trimestre=2026Q3", "/ministeres/interieur",
            "/services/carte-grise", "/services/piege", f"/services/carte-grise/pages/{page_id}", "/objectifs",
            "/accessibilite", "/proposer", "/services/inconnu", "/cle-publique", "/incidents",
            "/incidents?statut=closed&ministere=interieur"]


def test_every_dashboard_page_has_zero_axe_core_violations(dashboard):
    from playwright.async_api import async_playwright

    from probes.axe import run_axe
    from probes.chromium import find_chromium, launch_args

    async def audit() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=find_chromium(), args=launch_args())
            try:
                page = await browser.new_page()
                for path in _pages(dashboard):
                    await page.goto(dashboard.url + path)
                    outcome = await run_axe(page, timeout_s=30)
                    assert outcome.error is None, (path, outcome.error)
                    found[path] = [f"{v.id}: {v.help} {[n.target for n in v.nodes][:3]}" for v in outcome.violations]
                # The pages with charts, their tables and the column choice opened, on a laptop and
                # on a phone (where wide tables scroll in their block).
                for width, height in ((1280, 800), (390, 844)):
                    await page.set_viewport_size({"width": width, "height": height})
                    for path in ("/", "/ministeres/interieur"):
                        await page.goto(dashboard.url + path)
                        await page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                        outcome = await run_axe(page, timeout_s=30)
                        found[f"{path} ({width} px, détails ouverts)"] = [
                            f"{v.id}: {v.help} {[n.target for n in v.nodes][:3]}" for v in outcome.violations]
                await page.set_viewport_size({"width": 1280, "height": 800})
                # The form with its error messages shown, too.
                await page.goto(dashboard.url + "/proposer")
                await page.click("button[type=submit]")
                await page.wait_for_selector(".fr-error-text")
                outcome = await run_axe(page, timeout_s=30)
                found["/proposer (erreurs)"] = [f"{v.id}: {v.help}" for v in outcome.violations]
                # …and the thanks once it is right.
                await page.fill("#name", "Demander une bourse")
                await page.fill("#url", "https://bourses.example/")
                await page.check("#criterion-financial_aid")
                await page.fill("#reason", "Des centaines de milliers d’étudiants la demandent.")
                await page.click("button[type=submit]")
                await page.wait_for_selector("[role=status]")
                outcome = await run_axe(page, timeout_s=30)
                found["/proposer (merci)"] = [f"{v.id}: {v.help}" for v in outcome.violations]
            finally:
                await browser.close()
        return found

    violations = asyncio.run(audit())
    assert len(violations) == len(_pages(dashboard)) + 4 + 2
    assert {path: v for path, v in violations.items() if v} == {}


def test_veilleurs_own_probe_finds_our_accessibility_mention_and_plain_french(dashboard):
    from checks import run_checks
    from tests.conftest import probe

    # The form citizens read, as landing page; the probe follows our footer to the statement.
    captured = probe(dashboard.url + "/proposer")
    found = run_checks(captured)
    assert {p.kind for p in captured.pages} >= {"landing", "accessibility"}
    assert found["accessibility_statement"].status == "partiellement"
    assert found["accessibility_statement"].statement_url.endswith("/accessibilite")
    assert found["accessibility"].status == "measured"
    assert found["accessibility"].violations == 0
    assert found["readability"].status == "measured"
    assert found["readability"].score >= 7.0  # "assez facile" or better
