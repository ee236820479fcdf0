"""`veilleur verify` from any process: one with an empty data dir of its own (an auditor's machine,
the dashboard's container) checks the shared database and evidence store against the instance's keys
as the database holds them, and still fails on a flipped byte; `--public-key` trusts only the key given."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from storage.evidence.signing import InstanceKeys
from storage.evidence.store import EvidenceStore
from storage.schema import SigningKeyRecord
from tests.support.evidence_runs import manifest_of, page_sha, record, seed
from veilleur.cli import cli


@pytest.fixture
def shared(db, tmp_path, monkeypatch) -> EvidenceStore:
    """The store an instance seals into: a shared folder; its keys in its own data dir `instance/`."""
    monkeypatch.delenv("VEILLEUR_SIGNING_KEY", raising=False)
    return EvidenceStore(tmp_path / "instance" / "evidence", tmp_path / "shared-evidence")


def verify_elsewhere(database_url: str, store: EvidenceStore, data_dir, *args: str) -> subprocess.CompletedProcess:
    """`veilleur verify` in another process, whose data dir is `data_dir`, on the shared database and store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILLEUR_")}
    env.update(VEILLEUR_DATA_DIR=str(data_dir), VEILLEUR_DATABASE_URL=database_url,
               VEILLEUR_EVIDENCE_URL=store.folder.as_uri())
    return subprocess.run([sys.executable, "-m", "veilleur", "verify", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def flip_one_byte(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_process_with_an_empty_data_dir_verifies_the_shared_store_and_a_flipped_byte_fails_it(
        db, database_url, shared, tmp_path):
    seed(db, "a", "b")
    first = record(db, shared, "a")
    record(db, shared, "b")
    auditor = tmp_path / "auditor"

    result = verify_elsewhere(database_url, shared, auditor)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "vérifié : 2 démarches, 2 manifestes" in result.stdout
    assert "signatures : 2 manifestes signés par des clés de la base de données\n" in result.stdout
    assert "tout est vérifié" in result.stdout
    # Verifying makes no key of its own: the auditor's data dir stays empty.
    assert not auditor.exists() or not any(auditor.iterdir())

    dom = page_sha(db, first, 0, "dom_sha")
    flip_one_byte(shared.path(dom))
    result = verify_elsewhere(database_url, shared, auditor)
    assert result.returncode == 1, result.stdout + result.stderr
    # The two runs' pages have the same DOM, kept once: it fails for each run that relies on it.
    fails = [line for line in result.stdout.splitlines() if line.startswith("ÉCHEC")]
    assert fails and all(line.startswith(f"ÉCHEC fichier de preuve {dom} altéré") for line in fails), result.stdout
    assert any(f"visite {first} de la démarche a" in line for line in fails)


def test_keys_rotated_out_stay_in_the_database_and_what_they_signed_still_verifies(db, database_url, shared, tmp_path):
    seed(db, "a")
    before = record(db, shared, "a")
    rotation = InstanceKeys(tmp_path / "instance").rotate()
    after = record(db, shared, "a")
    assert manifest_of(db, before).key_fingerprint != manifest_of(db, after).key_fingerprint

    with db.sessions() as session:
        rows = {r.fingerprint: r for r in session.scalars(select(SigningKeyRecord))}
    assert set(rows) == {rotation.old.fingerprint, rotation.new.fingerprint}
    assert rows[rotation.old.fingerprint].retired_at is not None and rows[rotation.new.fingerprint].retired_at is None

    result = verify_elsewhere(database_url, shared, tmp_path / "auditor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "signatures : 2 manifestes signés par des clés de la base de données" in result.stdout


def test_verify_of_the_store_with_a_public_key_trusts_that_key_alone(db, database_url, shared, tmp_path, monkeypatch):
    seed(db, "a")
    run_id = record(db, shared, "a")
    public = tmp_path / "instance.pem"
    public.write_text(InstanceKeys(tmp_path / "instance").current().public_key)
    other = InstanceKeys(tmp_path / "other")
    stranger = tmp_path / "stranger.pem"
    stranger.write_text(other.current().public_key)
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "auditor"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    monkeypatch.setenv("VEILLEUR_EVIDENCE_URL", shared.folder.as_uri())

    result = CliRunner().invoke(cli, ["verify", "--public-key", str(public)])
    assert result.exit_code == 0, result.output
    assert f"signatures : 1 manifeste signé par des clés de --public-key {public}" in result.output

    result = CliRunner().invoke(cli, ["verify", "--public-key", str(stranger)])
    assert result.exit_code == 1
    sealed = manifest_of(db, run_id)
    assert (f"ÉCHEC manifeste {sealed.sha256} (visite {run_id} de la démarche a, maillon 0) signé par une clé inconnue "
            f"{sealed.key_fingerprint}") in result.output


def test_a_public_key_file_that_is_not_one_is_refused_before_anything_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "auditor"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", f"sqlite:///{tmp_path / 'nothing' / 'veilleur.db'}")
    wrong = tmp_path / "key.txt"
    wrong.write_text("bonjour\n")
    result = CliRunner().invoke(cli, ["verify", "--public-key", str(wrong)])
    assert result.exit_code == 2
    assert f"--public-key {wrong} : ni une clé publique PEM ni un trousseau de Veilleur" in result.output
    assert not (tmp_path / "nothing").exists()
