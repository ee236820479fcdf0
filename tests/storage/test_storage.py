"""Storage: migrations, recording units exactly once, evidence stored once by content."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, inspect, select

from checks import finding_from_stored
from checks.models import Evidence
from checks.franceconnect import FranceConnectFinding
from checks.jedonnemonavis import JeDonneMonAvisFinding
from probes.models import AxeOutcome, PageCapture, ServiceCapture, ToolVersions
from storage.evidence.store import EvidenceStore, sha256_of
from storage.schema import ManifestRecord
from storage.schema import Artifact, FindingRecord, Ministry, PageRecord, Service, ServiceRun
from storage.runs import create_campaign, pending_units, record_unit, unfinished_campaign, finish_campaign


def seed(db, n=2) -> list[Service]:
    with db.sessions() as session, session.begin():
        session.add(Ministry(id="m", name="Ministère", contacts=[]))
        services = [Service(id=f"s{i}", name=f"Service {i}", ministry_id="m", url=f"https://s{i}.example/") for i in range(n)]
        session.add_all(services)
    return services


def capture_of(url: str, screenshot: bytes = b"\xff\xd8\xffjpeg") -> ServiceCapture:
    now = datetime.now(timezone.utc)
    page = PageCapture(
        url=url, kind="landing", final_url=url, http_status=200, ok=True, html="<html><body>Bonjour</body></html>",
        text="Bonjour", main_text="Bonjour", screenshot=screenshot, screenshot_type="jpeg",
        axe=AxeOutcome(version="4.12.1", raw_json=b'{"violations": []}'), captured_at=now,
    )
    return ServiceCapture(url=url, final_url=url, http_status=200, ok=True, pages=[page], started_at=now,
                          finished_at=now, tools=ToolVersions(veilleur="0.1.0", chromium="156", playwright="1.65", axe_core="4.12.1"))


FINDINGS = {
    "franceconnect": FranceConnectFinding(status="franceconnect_plus", evidence=[Evidence(page_url="https://s0.example/", selector="#fc")]),
    "jedonnemonavis": JeDonneMonAvisFinding(status="present", demarche_id="4567"),
}


def test_migrations_create_every_table(db):
    tables = set(inspect(db.engine).get_table_names())
    assert {"ministries", "services", "campaigns", "service_runs", "page_captures", "findings", "artifacts",
            "alembic_version"} <= tables


def test_migrations_match_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.schema import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_unit_is_recorded_once_with_its_pages_findings_and_tool_versions(db, tmp_path):
    services = seed(db)
    store = EvidenceStore(tmp_path / "evidence")
    with db.sessions() as session:
        campaign = create_campaign(session, services, "manual", {})
    with db.sessions() as session:
        unit = pending_units(session, campaign.id)[0]
    assert record_unit(db.sessions(), store, unit, capture_of(unit.url), FINDINGS) is True
    # the same unit again (a resumed campaign racing a slow one) stores nothing more
    assert record_unit(db.sessions(), store, unit, capture_of(unit.url), FINDINGS) is False
    with db.sessions() as session:
        run = session.get(ServiceRun, unit.run_id)
        assert run.status == "done" and run.ok and run.chromium_version == "156" and run.axe_version == "4.12.1"
        assert session.scalar(select(func.count()).select_from(PageRecord)) == 1
        findings = session.scalars(select(FindingRecord).order_by(FindingRecord.check)).all()
        assert [(f.check, f.status) for f in findings] == [("franceconnect", "franceconnect_plus"), ("jedonnemonavis", "present")]
        rebuilt = finding_from_stored(findings[1].check, findings[1].status, findings[1].reason, findings[1].details, findings[1].evidence)
        assert rebuilt == FINDINGS["jedonnemonavis"]
        counts = session.execute(select(ServiceRun.status, func.count()).where(ServiceRun.campaign_id == campaign.id)
                                 .group_by(ServiceRun.status)).all()
        assert dict(counts) == {"done": 1, "pending": 1}


def test_identical_evidence_is_stored_once_by_sha256(db, tmp_path):
    services = seed(db)
    store = EvidenceStore(tmp_path / "evidence")
    with db.sessions() as session:
        campaign = create_campaign(session, services, "manual", {})
    with db.sessions() as session:
        units = pending_units(session, campaign.id)
    same = capture_of("https://same.example/")
    for unit in units:
        record_unit(db.sessions(), store, unit, same, {})
    shot = b"\xff\xd8\xffjpeg"
    assert store.get(sha256_of(shot)) == shot
    files = [p for p in (tmp_path / "evidence").rglob("*") if p.is_file()]
    with db.sessions() as session:
        artifacts = session.scalars(select(Artifact)).all()
        pages = session.scalars(select(PageRecord)).all()
        manifests = set(session.scalars(select(ManifestRecord.sha256)))
    captured = [a for a in artifacts if a.sha256 not in manifests]
    assert len(captured) == 4  # screenshot, DOM, axe JSON, capture JSON — once each
    assert len(files) == len(artifacts) == 4 + 2  # and each run's own manifest
    assert pages[0].screenshot_sha == pages[1].screenshot_sha == sha256_of(shot)
    assert store.path(sha256_of(shot)).parent.parent.name == sha256_of(shot)[:2]


def test_a_finished_campaign_is_no_longer_resumable(db):
    services = seed(db, 1)
    with db.sessions() as session:
        campaign = create_campaign(session, services, "manual", {})
    with db.sessions() as session:
        assert unfinished_campaign(session).id == campaign.id
        finish_campaign(session, campaign.id)
    with db.sessions() as session:
        assert unfinished_campaign(session) is None


def test_evidence_files_are_written_atomically(tmp_path):
    store = EvidenceStore(tmp_path)
    sha = store.put(b"abc")
    assert store.put(b"abc") == sha and store.get(sha) == b"abc"
    assert not [p for p in tmp_path.rglob(".tmp-*")]
