"""An exported bundle opened from file:// in headless Chromium shows each finding with its proof."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from storage.evidence.store import EvidenceStore
from tests.support.evidence_runs import probe_and_record, seed_at
from veilleur.cli import cli


@pytest.fixture
def demo_site():
    from veilleur.demo.server import serve_sites

    with serve_sites() as demo:
        yield demo.site("carte-grise")


def test_a_bundle_opened_from_file_shows_the_proof_of_a_finding_offline(demo_site, env_data_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    from probes.chromium import find_chromium, launch_args
    from storage.db import open_database

    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    store = EvidenceStore(env_data_dir / "evidence")
    seed_at(db, "carte-grise", demo_site.url)
    probe_and_record(db, store, "carte-grise", demo_site.url)
    db.close()
    bundle = tmp_path / "carte-grise.zip"
    result = CliRunner().invoke(cli, ["evidence", "export", "--service", "carte-grise", "--out", str(bundle)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "opened"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)

    requests: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=launch_args())
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.goto((folder / "index.html").as_uri())
            finding = page.locator("#finding-franceconnect")
            assert "FranceConnect" in finding.locator("h3 .badge").inner_text()
            first = finding.locator(".proof").first
            assert "fr-connect" in first.locator("pre.snippet").inner_text()  # the element's HTML
            assert first.locator("code.selector").inner_text().strip()  # its CSS selector
            crop = first.locator("img.crop")
            crop.scroll_into_view_if_needed()
            # The crop really loaded from the bundle (a broken image has no natural size).
            width = crop.evaluate("img => img.complete ? img.naturalWidth : 0")
            assert width > 0
            assert "HTTP 200" in first.inner_text() and "heure de Paris" in first.inner_text()
            headers = first.locator("details").first
            headers.locator("summary").click()
            assert "content-type" in headers.inner_text()
            highlight = first.get_by_role("link", name="L’élément encadré sur la page entière")
            assert (folder / highlight.get_attribute("href")).is_file()
            assert page.locator("#manifest-sha").inner_text() in result.output
        finally:
            browser.close()
    assert requests and all(url.startswith("file://") for url in requests), requests
    assert console_errors == []  # nothing blocked by the bundle's content policy, nothing broken
