"""Manifests: every recorded run is sealed in its own transaction, and chained per service."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage.evidence.store import EvidenceStore
from storage.schema import ManifestRecord
from storage.evidence.manifests import Manifest, canonical_json, service_chain
from storage.schema import PageRecord, Service, ServiceRun
from storage.runs import create_campaign, pending_units, record_unit
from tests.support.evidence_runs import capture, findings, manifest_of, record, seed


@pytest.fixture
def store(tmp_path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def test_a_recorded_run_has_a_canonical_manifest_naming_its_files_tools_settings_times_and_findings(db, store):
    seed(db, "s0")
    started = datetime(2026, 11, 3, 9, 30, tzinfo=timezone.utc)
    run_id = record(db, store, "s0", started)
    record_row = manifest_of(db, run_id)
    data = store.get(record_row.sha256)
    assert hashlib.sha256(data).hexdigest() == record_row.sha256
    # Canonical: sorted keys, no spaces, UTF-8 (not \u escapes) — anyone can re-serialise and compare.
    assert data == canonical_json(json.loads(data)) and "’".encode() in data
    manifest = Manifest.from_bytes(data)
    assert (manifest.service.id, manifest.run.id, manifest.chain_index, manifest.previous_sha256) == ("s0", run_id, 0, None)
    assert manifest.tools.model_dump() == {"veilleur": "0.1.0", "chromium": "131.0", "playwright": "1.65.2", "axe_core": "4.12.1"}
    assert manifest.settings["viewport_width"] == 1280
    assert manifest.run.started_at == started and manifest.pages[1].captured_at > started
    assert manifest.pages[0].response_headers["server"] == "demo"
    with db.sessions() as session:
        pages = session.scalars(select(PageRecord).where(PageRecord.service_run_id == run_id).order_by(PageRecord.position)).all()
    expected = {(p.position, kind, getattr(p, f"{kind}_sha")) for p in pages for kind in ("screenshot", "dom", "axe", "capture")
                if getattr(p, f"{kind}_sha")}
    assert {(a.page, a.kind, a.sha256) for a in manifest.artifacts} == expected
    for artifact in manifest.artifacts:
        assert artifact.size == len(store.get(artifact.sha256))
    assert [(f.check, f.status) for f in manifest.findings] == [
        ("franceconnect", "franceconnect"), ("jedonnemonavis", "absent"), ("non_digital_alternative", "present")]
    assert manifest.findings[0].evidence[0].box.y == 1200


def test_each_service_has_its_own_chain_in_the_order_its_runs_were_recorded(db, store):
    seed(db, "a", "b")
    runs = [record(db, store, sid) for sid in ("a", "b", "a", "a", "b")]
    with db.sessions() as session:
        chain_a, chain_b = service_chain(session, "a"), service_chain(session, "b")
    assert [r.service_run_id for r in chain_a] == [runs[0], runs[2], runs[3]]
    assert [r.chain_index for r in chain_a] == [0, 1, 2] and [r.chain_index for r in chain_b] == [0, 1]
    for chain in (chain_a, chain_b):
        assert chain[0].previous_sha256 is None
        for before, after in zip(chain, chain[1:]):
            assert after.previous_sha256 == before.sha256
            assert Manifest.from_bytes(store.get(after.sha256)).previous_sha256 == before.sha256


def test_a_unit_whose_manifest_cannot_be_sealed_is_not_recorded_at_all(db, store, monkeypatch):
    seed(db, "s0")
    with db.sessions() as session:
        campaign = create_campaign(session, [session.get(Service, "s0")], "manual", {})
        unit = pending_units(session, campaign.id)[0]

    def broken_seal(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("storage.runs.seal_run", broken_seal)
    with pytest.raises(OSError):
        record_unit(db.sessions(), store, unit, capture(unit.url, datetime.now(timezone.utc)), findings(unit.url))
    with db.sessions() as session:
        assert session.get(ServiceRun, unit.run_id).status == "pending"  # a resumed campaign will run it again
        assert session.scalar(select(func.count()).select_from(PageRecord)) == 0
        assert session.scalar(select(func.count()).select_from(ManifestRecord)) == 0


def test_units_of_one_service_recorded_at_the_same_time_still_form_one_chain(db, store):
    seed(db, "s0")
    units = []
    for _ in range(6):
        with db.sessions() as session:
            campaign = create_campaign(session, [session.get(Service, "s0")], "manual", {})
            units.append(pending_units(session, campaign.id)[0])
    barrier = threading.Barrier(len(units))
    errors: list[BaseException] = []

    def write(unit) -> None:
        try:
            data = capture(unit.url, datetime.now(timezone.utc))
            barrier.wait()
            record_unit(db.sessions(), store, unit, data, findings(unit.url))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(u,)) for u in units]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.sessions() as session:
        chain = service_chain(session, "s0")
    assert [r.chain_index for r in chain] == list(range(len(units)))
    assert [r.previous_sha256 for r in chain] == [None] + [r.sha256 for r in chain[:-1]]


def test_the_database_refuses_two_manifests_at_one_place_of_a_chain(db, store):
    seed(db, "s0")
    first = manifest_of(db, record(db, store, "s0"))
    second_run = record(db, store, "s0")
    with db.sessions() as session:
        row = session.scalars(select(ManifestRecord).where(ManifestRecord.service_run_id == second_run)).one()
        row.chain_index = first.chain_index
        with pytest.raises(IntegrityError):
            session.commit()
