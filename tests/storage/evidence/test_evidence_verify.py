"""`veilleur verify`: untouched evidence verifies; each altered or missing piece is named, exit 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, update

from storage.evidence.store import EvidenceStore
from storage.schema import ManifestRecord
from storage.schema import FindingRecord, Service, ServiceRun
from storage.runs import create_campaign
from tests.support.evidence_runs import manifest_of, page_sha, record, seed
from veilleur.cli import cli


@pytest.fixture
def data(db, database_url, tmp_path, monkeypatch) -> EvidenceStore:
    """The CLI pointed at the test database (SQLite or PostgreSQL) and an evidence store."""
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    return EvidenceStore(tmp_path / "data" / "evidence")


def verify(*args: str):
    return CliRunner().invoke(cli, ["verify", *args])


def flip_one_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_untouched_evidence_verifies_and_exits_0(db, data):
    seed(db, "a", "b")
    for sid in ("a", "b", "a"):
        record(db, data, sid)
    result = verify()
    assert result.exit_code == 0, result.output
    assert "vérifié : 2 démarches, 3 manifestes" in result.output and "tout est vérifié" in result.output
    assert "ÉCHEC" not in result.output


def test_a_flipped_byte_in_an_artifact_fails_and_names_the_artifact_run_page_and_kind(db, data):
    seed(db, "a")
    run_id = record(db, data, "a")
    dom = page_sha(db, run_id, 0, "dom_sha")
    flip_one_byte(data.path(dom))
    result = verify()
    assert result.exit_code == 1
    [line] = [l for l in result.output.splitlines() if l.startswith("ÉCHEC")]
    assert f"fichier de preuve {dom} altéré" in line and f"visite {run_id} de la démarche a" in line
    assert "page 0 (accueil https://a.example/), code de la page (DOM rendu)" in line


def test_a_deleted_artifact_fails_and_is_named_missing(db, data):
    seed(db, "a")
    run_id = record(db, data, "a")
    shot = page_sha(db, run_id, 1, "screenshot_sha")
    data.path(shot).unlink()
    result = verify()
    assert result.exit_code == 1
    assert f"ÉCHEC fichier de preuve {shot} manquant : visite {run_id} de la démarche a, page 1 (contact https://a.example/contact), capture d’écran" in result.output


def test_an_edited_manifest_fails_and_is_named(db, data):
    seed(db, "a")
    run_id = record(db, data, "a")
    sealed = manifest_of(db, run_id).sha256
    path = data.path(sealed)
    path.write_bytes(path.read_bytes().replace(b'"status":"franceconnect"', b'"status":"absent"'))
    result = verify()
    assert result.exit_code == 1
    assert f"ÉCHEC manifeste {sealed} (visite {run_id} de la démarche a, maillon 0) altéré" in result.output


def test_a_flipped_byte_a_deleted_file_and_an_edited_manifest_are_each_named(db, data):
    seed(db, "a", "b")
    first, second, other = record(db, data, "a"), record(db, data, "a"), record(db, data, "b")
    altered = page_sha(db, first, 0, "capture_sha")  # unique to its run (the capture time is in it)
    missing = page_sha(db, other, 0, "capture_sha")
    edited = manifest_of(db, second).sha256
    flip_one_byte(data.path(altered))
    data.path(missing).unlink()
    data.path(edited).write_bytes(data.path(edited).read_bytes() + b" ")
    result = verify()
    assert result.exit_code == 1
    fails = [l for l in result.output.splitlines() if l.startswith("ÉCHEC")]
    assert len(fails) == 3, result.output
    assert any(f"fichier de preuve {altered} altéré" in l and f"visite {first} " in l for l in fails)
    assert any(f"fichier de preuve {missing} manquant" in l and f"visite {other} " in l for l in fails)
    assert any(f"manifeste {edited} (visite {second} de la démarche a" in l and "altéré" in l for l in fails)
    assert "3 problèmes trouvés" in result.output


def test_a_file_shared_by_several_runs_is_named_for_each_run_that_relies_on_it(db, data):
    seed(db, "a")
    runs = [record(db, data, "a") for _ in range(3)]
    shot = page_sha(db, runs[0], 0, "screenshot_sha")
    assert {page_sha(db, r, 0, "screenshot_sha") for r in runs} == {shot}  # stored once
    flip_one_byte(data.path(shot))
    result = verify()
    fails = [l for l in result.output.splitlines() if l.startswith("ÉCHEC")]
    assert [any(f"visite {r} " in l for l in fails) for r in runs] == [True, True, True]


def test_a_manifest_removed_from_the_middle_of_a_chain_is_a_broken_link(db, data):
    seed(db, "a")
    runs = [record(db, data, "a") for _ in range(3)]
    removed = manifest_of(db, runs[1])
    with db.sessions() as session, session.begin():
        session.execute(delete(ManifestRecord).where(ManifestRecord.id == removed.id))
    result = verify()
    assert result.exit_code == 1
    assert "chaîne de la démarche a rompue avant ce maillon (visite %d de la démarche a, maillon 2) : le maillon 1 manque" % runs[2] in result.output
    assert f"elle suit {removed.sha256}" in result.output
    assert f"visite {runs[1]} de la démarche a enregistrée comme terminée mais sans manifeste" in result.output


def test_a_chain_link_rewritten_in_the_database_is_named(db, data):
    seed(db, "a")
    runs = [record(db, data, "a") for _ in range(2)]
    with db.sessions() as session, session.begin():
        session.execute(update(ManifestRecord).where(ManifestRecord.service_run_id == runs[1])
                        .values(previous_sha256="0" * 64))
    result = verify()
    assert result.exit_code == 1
    assert f"chaîne de la démarche a rompue (visite {runs[1]} de la démarche a, maillon 1) : elle suit {'0' * 64}" in result.output


def test_a_finding_changed_in_the_database_after_sealing_is_named(db, data):
    seed(db, "a")
    run_id = record(db, data, "a")
    with db.sessions() as session, session.begin():
        session.execute(update(FindingRecord).where(FindingRecord.service_run_id == run_id,
                                                    FindingRecord.check == "jedonnemonavis").values(status="present"))
    result = verify()
    assert result.exit_code == 1
    assert f"visite {run_id} de la démarche a, maillon 0 : la base ne dit plus ce qu’a scellé le manifeste" in result.output


def test_a_service_renamed_or_moved_in_the_registry_still_verifies(db, data):
    seed(db, "a")
    record(db, data, "a")
    with db.sessions() as session, session.begin():
        session.execute(update(Service).values(name="Nouveau nom", url="https://ailleurs.example/"))
    result = verify()
    assert result.exit_code == 0, result.output


def test_verify_service_checks_that_chain_only_and_prints_its_head(db, data):
    seed(db, "a", "b")
    record(db, data, "a")
    head = manifest_of(db, record(db, data, "a")).sha256
    broken = record(db, data, "b")
    data.path(page_sha(db, broken, 0, "capture_sha")).unlink()
    result = verify("--service", "a")
    assert result.exit_code == 0, result.output
    assert "vérifié : 1 démarche, 2 manifestes" in result.output and f"tête de la chaîne de a : {head}" in result.output
    assert verify("--service", "b").exit_code == 1


def test_an_unknown_service_is_a_one_line_input_error(db, data):
    result = verify("--service", "nope")
    assert result.exit_code == 2
    assert "veilleur : erreur : --service nope : aucune démarche de ce nom dans le registre" in result.output


def test_pending_runs_need_no_manifest_but_done_runs_do(db, data):
    seed(db, "a")
    with db.sessions() as session:
        create_campaign(session, [session.get(Service, "a")], "manual", {})
    assert verify().exit_code == 0  # a pending unit has nothing to seal yet
    with db.sessions() as session, session.begin():
        session.execute(update(ServiceRun).values(status="done"))
    result = verify()
    assert result.exit_code == 1 and "enregistrée comme terminée mais sans manifeste" in result.output

