"""Daily campaigns cost what changed: a page byte-identical to the service's previous visit (its
rendered DOM, every stylesheet, font and image) keeps that visit's axe-core results, screenshot and
phone pass by reference, and says so; one byte changed anywhere — a stylesheet, the DOM, an image —
audits it again; `--full-audit`, a new quarter and the reference run rule keep the official figures
on full audits.

A copy of the demo's carte-grise site, given a stylesheet and an image, served on loopback."""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from campaign.executor import run_campaign, start_campaign
from foundation.quarters import Quarter
from probes.settings import ProbeSettings
from reports.evidence.bundle import choose_run, export_bundle
from reports.site.html_report import write_report
from storage.db import Database, open_database
from storage.evidence.manifests import Manifest, manifest_of_run
from storage.evidence.store import EvidenceStore
from storage.evidence.verification import verify_database
from storage.reference_runs import reference_runs
from storage.registry import import_registry, list_services
from storage.schema import FindingRecord, PageRecord, ServiceRun
from veilleur.demo.server import MINISTRIES_FILE, SITES_DIR, registry_yaml, serve_sites

SITE = "carte-grise"
SETTINGS = ProbeSettings(page_timeout_s=10, settle_cap_s=0.5, axe_timeout_s=20, concurrency=1, host_delay_s=0,
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
class Sites:
    folder: Path
    site: Path
    db: Database
    store: EvidenceStore

    def campaign(self, settings: ProbeSettings = SETTINGS) -> int:
        with self.db.sessions() as session:
            services = list_services(session)
        campaign_id = start_campaign(self.db, services, "manual", settings)
        run_campaign(self.db, self.store, campaign_id, settings)
        return campaign_id

    def pages(self, campaign_id: int) -> dict[str, PageRecord]:
        with self.db.sessions() as session:
            run = session.scalars(select(ServiceRun).where(ServiceRun.campaign_id == campaign_id)).one()
            return {p.url.rsplit("/", 1)[1] or "index.html": p for p in run.pages}

    def findings(self, campaign_id: int) -> dict[str, tuple]:
        with self.db.sessions() as session:
            rows = session.scalars(select(FindingRecord).join(ServiceRun).where(ServiceRun.campaign_id == campaign_id))
            return {f.check: (f.status, f.reason, f.details, f.evidence) for f in rows}

    def run_id(self, campaign_id: int) -> int:
        with self.db.sessions() as session:
            return session.scalars(select(ServiceRun.id).where(ServiceRun.campaign_id == campaign_id)).one()

    def edit(self, name: str, old: bytes, new: bytes) -> None:
        path = self.site / name
        data = path.read_bytes()
        assert data.count(old) == 1, f"{old!r} in {name}"
        path.write_bytes(data.replace(old, new))


@pytest.fixture
def sites(tmp_path) -> Sites:
    folder = tmp_path / "sites"
    site = folder / SITE
    shutil.copytree(SITES_DIR / SITE, site)
    shutil.copy(SITES_DIR / MINISTRIES_FILE, folder / MINISTRIES_FILE)
    (site / "style.css").write_text(STYLE, encoding="utf-8")
    (site / "logo.png").write_bytes(_png(10))
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        html = html.replace("</head>", '<link rel="stylesheet" href="style.css"></head>', 1)
        if page.name == "index.html":
            html = html.replace("<body>", '<body><img src="logo.png" alt="Carte grise">', 1)
        page.write_text(html, encoding="utf-8")
    db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    with serve_sites(folder) as server:
        (tmp_path / "registry.yaml").write_text(registry_yaml(server), encoding="utf-8")
        with db.sessions() as session:
            import_registry(session, tmp_path / "registry.yaml")
        yield Sites(folder, site, db, EvidenceStore(tmp_path / "evidence"))
    db.close()


def test_an_unchanged_service_keeps_every_audit_by_reference_with_identical_findings(sites):
    first = sites.campaign()
    second = sites.campaign()
    before, after = sites.pages(first), sites.pages(second)
    assert set(after) == set(before) and len(after) == 4
    for name, page in after.items():
        assert page.ok and page.fingerprint == before[name].fingerprint
        assert page.audit_run_id == sites.run_id(first), name
        # The same evidence files, named again: nothing audited, nothing stored twice.
        assert (page.screenshot_sha, page.axe_sha) == (before[name].screenshot_sha, before[name].axe_sha)
        assert page.timings.get("axe_ms") is None and page.timings.get("screenshot_ms") is None
    assert all(p.audit_run_id is None for p in before.values())
    assert sites.findings(second) == sites.findings(first)

    # The manifest says which visit made each audit, and the chain still verifies.
    with sites.db.sessions() as session:
        record = manifest_of_run(session, sites.run_id(second))
        manifest = Manifest.from_bytes(sites.store.get(record.sha256))
        assert {p.unchanged_since.run_id for p in manifest.pages} == {sites.run_id(first)}
        assert {p.unchanged_since.chain_index for p in manifest.pages} == {0}
        assert verify_database(session, sites.store).ok

    # A person reading the report or the auditors' bundle is told, in words.
    said = "Page inchangée depuis la visite n° 1 (DOM rendu, feuilles de style, polices et images identiques octet pour octet)"
    with sites.db.sessions() as session:
        write_report(session, sites.store, sites.folder / "report", campaign_id=second)
    assert said in (sites.folder / "report" / "services" / f"{SITE}.html").read_text(encoding="utf-8")
    with sites.db.sessions() as session:
        bundle = sites.folder / "bundle.zip"
        export_bundle(session, sites.store, choose_run(session, SITE, run_id=sites.run_id(second)), bundle)
    with zipfile.ZipFile(bundle) as archive:
        index = archive.read("index.html").decode("utf-8")
    assert said in index and "Ces pièces sont celles du maillon 0." in index


def test_a_third_visit_still_points_at_the_visit_that_made_the_audit(sites):
    first = sites.campaign()
    sites.campaign()
    third = sites.campaign()
    assert {p.audit_run_id for p in sites.pages(third).values()} == {sites.run_id(first)}


def test_one_byte_changed_in_the_stylesheet_audits_every_page_that_loaded_it_again(sites):
    first = sites.campaign()
    sites.edit("style.css", b"#161616", b"#161617")
    second = sites.campaign()
    before, after = sites.pages(first), sites.pages(second)
    for name, page in after.items():
        assert page.audit_run_id is None, name
        assert page.fingerprint != before[name].fingerprint
        assert page.timings.get("axe_ms") is not None


def test_one_byte_changed_in_the_dom_audits_that_page_again_and_keeps_the_others(sites):
    first = sites.campaign()
    sites.edit("contact.html", b"</main>", b"<p>.</p></main>")
    second = sites.campaign()
    after = sites.pages(second)
    assert after["contact.html"].audit_run_id is None
    assert after["contact.html"].axe_sha is not None and after["contact.html"].timings.get("axe_ms") is not None
    kept = {name for name, page in after.items() if page.audit_run_id == sites.run_id(first)}
    assert "index.html" in kept and "contact.html" not in kept


def test_one_byte_changed_in_an_image_audits_the_page_showing_it_again(sites):
    first = sites.campaign()
    (sites.site / "logo.png").write_bytes(_png(11))
    second = sites.campaign()
    landing_before, landing_after = sites.pages(first)["index.html"], sites.pages(second)["index.html"]
    assert landing_after.audit_run_id is None
    assert landing_after.fingerprint != landing_before.fingerprint


def test_a_full_audit_campaign_audits_every_page_again(sites):
    sites.campaign()
    forced = sites.campaign(replace(SETTINGS, full_audit=True))
    pages = sites.pages(forced).values()
    assert all(p.audit_run_id is None and p.timings.get("axe_ms") is not None for p in pages)


def test_a_new_quarter_starts_with_a_full_audit(sites):
    first = sites.campaign()
    with sites.db.sessions() as session:
        run = session.get(ServiceRun, sites.run_id(first))
        last_quarter = Quarter.of(run.started_at).previous().start + timedelta(days=3)
        session.execute(update(ServiceRun).where(ServiceRun.id == run.id).values(started_at=last_quarter))
        session.commit()
    second = sites.campaign()
    assert all(p.audit_run_id is None for p in sites.pages(second).values())


def test_the_quarter_stands_on_its_last_fully_audited_run(sites):
    first = sites.campaign()
    sites.campaign()  # kept every audit of the first
    with sites.db.sessions() as session:
        quarter = Quarter.of(session.get(ServiceRun, sites.run_id(first)).started_at)
        assert reference_runs(session, quarter)[SITE].run.id == sites.run_id(first)
    forced = sites.campaign(replace(SETTINGS, full_audit=True))
    with sites.db.sessions() as session:
        assert reference_runs(session, quarter)[SITE].run.id == sites.run_id(forced)
