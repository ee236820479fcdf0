"""Daily campaigns cost what changed: a page byte-identical to the service's previous visit (its
rendered DOM, every stylesheet, font and image) keeps that visit's axe-core results, screenshot and
phone pass by reference, and says so; one byte changed anywhere — a stylesheet, the DOM, an image —
audits it again; `--full-audit` and a new quarter audit every page afresh; the quarter stands on
its latest full visit, whether it kept audits or not (they are audits of the same bytes).

Four copies of the demo's carte-grise site, given a stylesheet and an image, served on loopback:
one left alone, one whose stylesheet, DOM or image changes by one byte between two campaigns."""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from campaign.executor import run_campaign, start_campaign
from foundation.quarters import Quarter
from probes.settings import ProbeSettings
from reports.evidence.bundle import choose_run, export_bundle
from reports.site.html_report import write_report
from reports.web.app import create_app
from storage.db import Database, open_database
from storage.evidence.manifests import Manifest, manifest_of_run
from storage.evidence.store import EvidenceStore
from storage.evidence.verification import verify_database
from storage.reference_runs import reference_runs
from storage.registry import import_registry, list_services
from storage.schema import Campaign, FindingRecord, PageRecord, ServiceRun
from veilleur.demo.server import MINISTRIES_FILE, SITES_DIR, registry_yaml, serve_sites

ORIGINAL = "carte-grise"
SITES = ("inchange", "feuille-de-style", "dom", "image")
SETTINGS = ProbeSettings(page_timeout_s=10, settle_cap_s=0.5, axe_timeout_s=20, concurrency=4, host_delay_s=0,
                         retry_backoff_s=0.2)
STYLE = "body { color: #161616; }\n.fr-header { border-bottom: 1px solid #000091; }\n"


def _png(red: int) -> bytes:
    """A 2×2 PNG of one colour: changing `red` by one changes a byte of the file."""
    raw = b"".join(b"\x00" + bytes([red, 0, 145]) * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@dataclass
class History:
    """Five campaigns over the four sites: the first; the second after the edits; a third with no
    change; a fourth with --full-audit; a fifth once every earlier run lies in the last quarter."""

    folder: Path
    db: Database
    store: EvidenceStore
    campaigns: list[int]
    # Each site's reference run for the quarter after the third campaign, then after the fourth.
    references: list[dict[str, int]]
    # What `veilleur verify` said after the fourth campaign (the fifth rewrites history on purpose).
    verified: bool
    # The dashboard's page of the untouched site after the third campaign.
    dashboard: str

    def pages(self, visit: int, site: str) -> dict[str, PageRecord]:
        with self.db.sessions() as session:
            run = session.get(ServiceRun, self.run_id(visit, site))
            return {p.url.rsplit("/", 1)[1] or "index.html": p for p in run.pages}

    def findings(self, visit: int, site: str) -> dict[str, tuple]:
        with self.db.sessions() as session:
            rows = session.scalars(select(FindingRecord).where(FindingRecord.service_run_id == self.run_id(visit, site)))
            return {f.check: (f.status, f.reason, f.details, f.evidence) for f in rows}

    def run_id(self, visit: int, site: str) -> int:
        with self.db.sessions() as session:
            return session.scalars(select(ServiceRun.id).where(
                ServiceRun.campaign_id == self.campaigns[visit - 1], ServiceRun.service_id == site)).one()


def _copy_site(folder: Path, name: str) -> Path:
    site = folder / name
    shutil.copytree(SITES_DIR / ORIGINAL, site)
    (site / "style.css").write_text(STYLE, encoding="utf-8")
    (site / "logo.png").write_bytes(_png(10))
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        html = html.replace("</head>", '<link rel="stylesheet" href="style.css"></head>', 1)
        if page.name == "index.html":
            html = html.replace("<body>", '<body><img src="logo.png" alt="Carte grise">', 1)
        page.write_text(html, encoding="utf-8")
    return site


def _edit(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(old) == 1, f"{old!r} in {path}"
    path.write_bytes(data.replace(old, new))


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    tmp = tmp_path_factory.mktemp("incremental")
    folder = tmp / "sites"
    folder.mkdir()
    shutil.copy(SITES_DIR / MINISTRIES_FILE, folder / MINISTRIES_FILE)
    sites = {name: _copy_site(folder, name) for name in SITES}
    db = open_database(f"sqlite:///{tmp / 'veilleur.db'}")
    store = EvidenceStore(tmp / "evidence")
    campaigns: list[int] = []
    references: list[dict[str, int]] = []

    def campaign(settings: ProbeSettings = SETTINGS) -> None:
        with db.sessions() as session:
            services = list_services(session)
        campaigns.append(start_campaign(db, services, "manual", settings))
        run_campaign(db, store, campaigns[-1], settings)

    def reference() -> None:
        with db.sessions() as session:
            quarter = Quarter.of(session.get(Campaign, campaigns[0]).started_at)
            references.append({s: ref.run.id for s, ref in reference_runs(session, quarter).items()})

    with serve_sites(folder) as server:
        (tmp / "registry.yaml").write_text(registry_yaml(server), encoding="utf-8")
        with db.sessions() as session:
            import_registry(session, tmp / "registry.yaml")
        campaign()
        _edit(sites["feuille-de-style"] / "style.css", b"#161616", b"#161617")
        _edit(sites["dom"] / "contact.html", b"</main>", b"<p>.</p></main>")
        (sites["image"] / "logo.png").write_bytes(_png(11))
        campaign()
        campaign()
        reference()
        dashboard = TestClient(create_app(db, store)).get("/services/inchange").text
        campaign(replace(SETTINGS, full_audit=True))
        reference()
        with db.sessions() as session:
            verified = verify_database(session, store).ok
            last_quarter = Quarter.of(session.get(Campaign, campaigns[0]).started_at).previous().start + timedelta(days=3)
            session.execute(update(ServiceRun).values(started_at=last_quarter))
            session.commit()
        campaign()
    yield History(tmp, db, store, campaigns, references, verified, dashboard)
    db.close()


def test_an_unchanged_service_keeps_every_audit_by_reference_with_identical_findings(history):
    before, after = history.pages(1, "inchange"), history.pages(2, "inchange")
    assert set(after) == set(before) and len(after) == 4
    first = history.run_id(1, "inchange")
    for name, page in after.items():
        assert page.ok and page.fingerprint == before[name].fingerprint
        assert page.audit_run_id == first, name
        # The same evidence files, named again: nothing audited, nothing stored twice.
        assert (page.screenshot_sha, page.axe_sha) == (before[name].screenshot_sha, before[name].axe_sha)
        assert page.timings.get("axe_ms") is None and page.timings.get("screenshot_ms") is None
    assert all(p.audit_run_id is None for p in before.values())
    assert history.findings(2, "inchange") == history.findings(1, "inchange")


def test_the_manifest_names_the_visit_that_made_each_audit_and_the_chain_still_verifies(history):
    with history.db.sessions() as session:
        record = manifest_of_run(session, history.run_id(2, "inchange"))
        manifest = Manifest.from_bytes(history.store.get(record.sha256))
        assert {p.unchanged_since.run_id for p in manifest.pages} == {history.run_id(1, "inchange")}
        assert {p.unchanged_since.chain_index for p in manifest.pages} == {0}
    assert history.verified


def test_the_report_the_dashboard_and_the_bundle_say_the_page_is_unchanged_since_which_visit(history):
    said = "Page inchangée depuis la visite n° 1 (DOM rendu, feuilles de style, polices et images identiques octet pour octet)"
    with history.db.sessions() as session:
        write_report(session, history.store, history.folder / "report", campaign_id=history.campaigns[1])
        bundle = history.folder / "bundle.zip"
        export_bundle(session, history.store, choose_run(session, "inchange", run_id=history.run_id(2, "inchange")), bundle)
    assert said in (history.folder / "report" / "services" / "inchange.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(bundle) as archive:
        index = archive.read("index.html").decode("utf-8")
    assert said in index and "Ces pièces sont celles du maillon 0." in index
    assert said in history.dashboard


def test_a_third_visit_still_points_at_the_visit_that_made_the_audit(history):
    assert {p.audit_run_id for p in history.pages(3, "inchange").values()} == {history.run_id(1, "inchange")}


def test_one_byte_changed_in_the_stylesheet_audits_every_page_that_loaded_it_again(history):
    before, after = history.pages(1, "feuille-de-style"), history.pages(2, "feuille-de-style")
    for name, page in after.items():
        assert page.audit_run_id is None, name
        assert page.fingerprint != before[name].fingerprint
        assert page.timings.get("axe_ms") is not None


def test_one_byte_changed_in_the_dom_audits_that_page_again_and_keeps_the_others(history):
    after = history.pages(2, "dom")
    assert after["contact.html"].audit_run_id is None
    assert after["contact.html"].axe_sha is not None and after["contact.html"].timings.get("axe_ms") is not None
    kept = {name for name, page in after.items() if page.audit_run_id == history.run_id(1, "dom")}
    assert "index.html" in kept and "contact.html" not in kept


def test_one_byte_changed_in_an_image_audits_the_page_showing_it_again(history):
    before, after = history.pages(1, "image")["index.html"], history.pages(2, "image")["index.html"]
    assert after.audit_run_id is None and after.timings.get("axe_ms") is not None
    assert after.fingerprint != before.fingerprint


def test_a_full_audit_campaign_audits_every_page_again(history):
    for site in SITES:
        assert all(p.audit_run_id is None and p.timings.get("axe_ms") is not None
                   for p in history.pages(4, site).values()), site


def test_the_quarter_stands_on_its_latest_full_visit_whether_it_kept_audits_or_not(history):
    # After the third campaign: each site's third run, although every site kept the audit of
    # unchanged pages in it (the untouched one since the first visit).
    assert all(p.audit_run_id is not None for site in SITES for p in history.pages(3, site).values())
    assert history.references[0] == {site: history.run_id(3, site) for site in SITES}
    # After --full-audit, that campaign stands, being the latest.
    assert history.references[1] == {site: history.run_id(4, site) for site in SITES}


def test_a_new_quarter_starts_with_a_full_audit(history):
    for site in SITES:
        assert all(p.audit_run_id is None for p in history.pages(5, site).values()), site
