"""Evidence kept in the PostgreSQL database (VEILLEUR_EVIDENCE_URL=postgresql…) or in a folder named by a
file URL: `verify`, bundles, retention, the dashboard and the static report read it as they read the
data dir's evidence/, so that a cluster needs nothing but its broker and its database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, update

from foundation.quarters import Quarter
from storage.evidence.database_store import DatabaseEvidenceStore
from storage.evidence.signing import keys_of
from storage.schema import EvidenceBlob
from veilleur.settings import open_stores
from tests.conftest import PG_URL, _reset_postgres
from tests.support.evidence_runs import page_sha, record, screenshot, seed
from veilleur.cli import cli

pytestmark = pytest.mark.skipif(not PG_URL, reason="the database store needs PostgreSQL (VEILLEUR_TEST_DATABASE_URL)")


@pytest.fixture
def in_database(postgres_url, tmp_path, monkeypatch):
    """The commands pointed at a PostgreSQL database that also keeps the evidence."""
    _reset_postgres(postgres_url)
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", postgres_url)
    monkeypatch.setenv("VEILLEUR_EVIDENCE_URL", postgres_url)
    db, store = open_stores()
    yield db, store
    db.close()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def blobs(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(EvidenceBlob))


def test_a_file_is_kept_once_by_its_sha256_and_read_back_as_from_a_folder(in_database, tmp_path):
    db, store = in_database
    assert isinstance(store, DatabaseEvidenceStore)
    sha = store.put(b"<html>Bonjour</html>")
    assert store.put(b"<html>Bonjour</html>") == sha and blobs(db) == 1
    assert store.exists(sha) and store.get(sha) == b"<html>Bonjour</html>"
    assert store.path(sha).is_file() and store.path(sha).open("rb").read() == b"<html>Bonjour</html>"
    assert store.delete(sha) and not store.exists(sha) and not store.delete(sha)
    with pytest.raises(FileNotFoundError):
        store.get(sha)
    # Nothing on this machine's disk: the data dir holds no evidence/.
    assert not (tmp_path / "data" / "evidence").exists()
    # The instance's keys stay in its data dir, as with the file store.
    assert keys_of(store).folder == tmp_path / "data"


def test_verify_checks_the_blobs_and_names_one_altered_or_deleted_in_the_database(in_database):
    db, store = in_database
    seed(db, "a")
    run_id = record(db, store, "a")
    verified = run("verify")
    assert verified.exit_code == 0 and "tout est vérifié" in verified.output, verified.output

    dom, shot = page_sha(db, run_id, 0, "dom_sha"), page_sha(db, run_id, 1, "screenshot_sha")
    with db.engine.begin() as conn:
        conn.execute(update(EvidenceBlob).where(EvidenceBlob.sha256 == dom).values(data=b"<html>autre</html>"))
        conn.execute(delete(EvidenceBlob).where(EvidenceBlob.sha256 == shot))
    verified = run("verify")
    assert verified.exit_code == 1
    failures = [line for line in verified.output.splitlines() if line.startswith("ÉCHEC")]
    assert any(f"fichier de preuve {dom} altéré" in line for line in failures), failures
    assert any(f"fichier de preuve {shot} manquant" in line for line in failures), failures


def test_bundles_the_dashboard_and_the_report_draw_from_the_database(in_database, tmp_path):
    from reports.web.app import create_app

    db, store = in_database
    seed(db, "a")
    run_id = record(db, store, "a")
    exported = run("evidence", "export", "--service", "a", "--out", str(tmp_path / "a.zip"))
    assert exported.exit_code == 0, exported.output
    checked = run("verify", "--bundle", str(tmp_path / "a.zip"))
    assert checked.exit_code == 0 and "tout est vérifié" in checked.output, checked.output

    shot = page_sha(db, run_id, 0, "screenshot_sha")
    answer = TestClient(create_app(db, store)).get(f"/artefacts/{shot}")
    assert answer.status_code == 200 and answer.content == store.get(shot)

    reported = run("report", "--out", str(tmp_path / "rapport"))
    assert reported.exit_code == 0, reported.output
    assert (tmp_path / "rapport" / "evidence" / f"{shot}.jpg").read_bytes() == store.get(shot)


def test_retention_deletes_the_blobs_of_old_runs_and_verify_counts_them_pruned(in_database):
    db, store = in_database
    seed(db, "a")
    old_quarter = Quarter.of(datetime.now(timezone.utc)).previous()
    early = record(db, store, "a", old_quarter.start + timedelta(days=5), shot=screenshot(variant=1))
    record(db, store, "a", old_quarter.start + timedelta(days=40), shot=screenshot(variant=2))  # its reference run
    record(db, store, "a", shot=screenshot(variant=3))
    before = blobs(db)
    pruned = run("evidence", "prune", "--keep-quarters", "1")
    assert pruned.exit_code == 0, pruned.output
    gone = page_sha(db, early, 0, "screenshot_sha")
    assert not store.exists(gone) and blobs(db) < before
    verified = run("verify")
    assert verified.exit_code == 0 and "tout est vérifié" in verified.output, verified.output


def test_a_file_url_puts_the_evidence_in_its_folder_and_leaves_the_keys_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VEILLEUR_DATABASE_URL", raising=False)
    monkeypatch.setenv("VEILLEUR_EVIDENCE_URL", (tmp_path / "partagé" / "preuves").as_uri())
    db, store = open_stores()
    try:
        seed(db, "a")
        run_id = record(db, store, "a")
        shot = page_sha(db, run_id, 0, "screenshot_sha")
        assert (tmp_path / "partagé" / "preuves" / shot[:2] / shot[2:4] / shot).is_file()
        assert not (tmp_path / "data" / "evidence").exists()
        assert (tmp_path / "data" / "keyring.json").is_file()
        verified = run("verify")
        assert verified.exit_code == 0 and "tout est vérifié" in verified.output, verified.output
    finally:
        db.close()


def test_an_evidence_url_neither_file_nor_postgresql_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VEILLEUR_DATABASE_URL", raising=False)
    monkeypatch.setenv("VEILLEUR_EVIDENCE_URL", "s3://preuves/")
    refused = run("verify")
    assert refused.exit_code == 2
    assert ("VEILLEUR_EVIDENCE_URL : file:///chemin ou une adresse PostgreSQL (postgresql+psycopg://…) attendue, "
            "reçu « s3://preuves/ »") in refused.output
