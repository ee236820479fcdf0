"""The dashboard meets what Veilleur checks in others: zero axe-core violations on every page,
and Veilleur's own probe finds our accessibility mention and plain French."""

from __future__ import annotations

import asyncio

import pytest

from tests.web_site import served_dashboard


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    with served_dashboard(tmp_path_factory.mktemp("dashboard")) as server:
        yield server


def _pages(dashboard) -> list[str]:
    from sqlalchemy import select

    from storage.schema import PageRecord

    with dashboard.db.sessions() as session:
        page_id = session.scalars(select(PageRecord.id).where(PageRecord.service_run_id == dashboard.seeded.evidence_run,
                                                              PageRecord.dom_sha.is_not(None))).first()
    return ["/", "/?ministere=sante&indicateur=handicap&trimestre=2026Q3", "/ministeres/interieur",
            "/services/carte-grise", "/services/piege", f"/services/carte-grise/pages/{page_id}", "/objectifs",
            "/accessibilite", "/proposer", "/services/inconnu", "/cle-publique"]


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
    assert len(violations) == len(_pages(dashboard)) + 2
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
