"""Checks signed evidence: what an instance seals and exports carries its Ed25519 signature, and a
bundle whose files were changed, however carefully its hashes were recomputed, no longer verifies."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from storage.evidence.signing import fingerprint
from storage.evidence.store import EvidenceStore
from storage.schema import Artifact, FindingRecord, ManifestRecord, SigningKeyRecord
from tests.support.evidence_runs import manifest_of, record, seed
from veilleur.cli import cli
from veilleur.settings import read_settings

ROOT = Path(__file__).resolve().parents[3]
FORGED = "signature invalide : bundle.json ou ses fichiers ont été modifiés après la signature"


@pytest.fixture
def data(db, database_url, tmp_path, monkeypatch) -> EvidenceStore:
    """The CLI pointed at the test database and a data dir, whose keys the store signs with."""
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    monkeypatch.delenv("VEILLEUR_SIGNING_KEY", raising=False)
    return EvidenceStore(tmp_path / "data" / "evidence")


def veilleur(*args: str):
    return CliRunner().invoke(cli, list(args))


def export(tmp_path: Path, name: str = "bundle.zip") -> Path:
    out = tmp_path / name
    result = veilleur("evidence", "export", "--service", "a", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def published_key(tmp_path: Path, name: str = "cle-publique.pem") -> Path:
    """The instance's public key, as an operator publishes it."""
    shown = veilleur("keys", "show", "--pem")
    assert shown.exit_code == 0, shown.output
    path = tmp_path / name
    path.write_text(shown.output)
    return path


def fails(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("ÉCHEC")]


def rewrite(bundle: Path, changes: dict[str, bytes | None]) -> Path:
    target = bundle.with_name("forged.zip")
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            content = changes.get(name, src.read(name))
            if content is not None:
                dst.writestr(name, content)
    return target


def forged_index(bundle: Path) -> dict[str, bytes]:
    """index.html made to say the service has no FranceConnect button, and bundle.json updated so
    that every sha256 it gives still matches: what hashes alone cannot catch."""
    with zipfile.ZipFile(bundle) as z:
        index, info = z.read("index.html"), json.loads(z.read("bundle.json"))
    assert b">FranceConnect</span>" in index
    index = index.replace(b">FranceConnect</span>", b">absent</span>")
    [entry] = [d for d in info["derived"] if d["path"] == "index.html"]
    entry.update(sha256=hashlib.sha256(index).hexdigest(), size=len(index))
    return {"index.html": index, "bundle.json": json.dumps(info, indent=2).encode()}


def test_a_bundle_with_an_edited_index_and_recomputed_hashes_fails_on_its_signature(db, data, tmp_path):
    seed(db, "a")
    record(db, data, "a")
    bundle = export(tmp_path)
    assert veilleur("verify", "--bundle", str(bundle)).exit_code == 0
    forged = rewrite(bundle, forged_index(bundle))

    for trusted in ([], ["--public-key", str(published_key(tmp_path))]):
        result = veilleur("verify", "--bundle", str(forged), *trusted)
        assert result.exit_code == 1, result.output
        # Every hash agrees: only the signature tells the forgery.
        [fail] = fails(result)
        assert fail.startswith(f"ÉCHEC {FORGED}"), result.output
        assert "3 fichiers dérivés" in result.output


def test_a_forged_bundle_re_signed_with_another_key_is_named_as_signed_by_an_unknown_key(db, data, tmp_path):
    seed(db, "a")
    record(db, data, "a")
    bundle = export(tmp_path)
    changes = forged_index(bundle)
    forger = Ed25519PrivateKey.generate()
    forger_fp = fingerprint(forger.public_key())
    pem = forger.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    changes["signature.json"] = json.dumps({
        "format": "veilleur-signature/1", "algorithm": "Ed25519", "signed_file": "bundle.json",
        "fingerprint": forger_fp, "public_key": pem.decode(),
        "signature": base64.b64encode(forger.sign(changes["bundle.json"])).decode(),
    }).encode()
    result = veilleur("verify", "--bundle", str(rewrite(bundle, changes)), "--public-key", str(published_key(tmp_path)))
    assert result.exit_code == 1
    [fail] = fails(result)
    assert fail.startswith(f"ÉCHEC signée par une clé inconnue {forger_fp}"), result.output


def test_a_bundle_without_its_signature_says_so(db, data, tmp_path):
    seed(db, "a")
    record(db, data, "a")
    result = veilleur("verify", "--bundle", str(rewrite(export(tmp_path), {"signature.json": None})))
    assert result.exit_code == 1
    [fail] = fails(result)
    assert fail.startswith("ÉCHEC pas de signature"), result.output


def auditor_verifies(bundle: Path, auditor: Path, *args: str) -> subprocess.CompletedProcess:
    """`veilleur verify --bundle` on another machine: an empty data dir, no database, no signing key."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": str(auditor),
           "VEILLEUR_DATA_DIR": str(auditor / "veilleur-data")}
    return subprocess.run([sys.executable, "-m", "veilleur.cli", "verify", "--bundle", str(bundle), *args],
                          cwd=auditor, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_an_untouched_bundle_verifies_elsewhere_with_only_the_public_key(db, data, tmp_path):
    seed(db, "a")
    record(db, data, "a")
    record(db, data, "a")
    bundle = export(tmp_path)
    key = published_key(tmp_path)
    current = veilleur("keys", "show").output.split("empreinte ", 1)[1].split()[0]
    auditor = tmp_path / "auditor"
    auditor.mkdir()

    checked = auditor_verifies(bundle, auditor, "--public-key", str(key))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"signature valide : clé {current}" in checked.stdout and "tout est vérifié" in checked.stdout

    # Without a key of its own, the auditor's machine cannot say who signed: it says so, and fails.
    unchecked = auditor_verifies(bundle, auditor)
    assert unchecked.returncode == 1
    assert [line for line in unchecked.stdout.splitlines() if line.startswith("ÉCHEC")] == [(
        f"ÉCHEC signature non vérifiée contre une clé de confiance : l’archive dit que la clé {current} l’a signée, "
        "mais une clé contenue dans l’archive ne prouve rien (n’importe qui peut signer de nouveau) ; donnez "
        "--public-key avec la clé publique publiée par l’instance")]
    assert list(auditor.iterdir()) == []  # verifying created nothing


def test_a_bundle_can_be_checked_with_standard_tools_and_the_public_key(db, data, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    seed(db, "a")
    record(db, data, "a")
    bundle = export(tmp_path)
    key = published_key(tmp_path)
    with zipfile.ZipFile(bundle) as z:
        (tmp_path / "bundle.json").write_bytes(z.read("bundle.json"))
        signed = json.loads(z.read("signature.json"))
    (tmp_path / "signature.bin").write_bytes(base64.b64decode(signed["signature"]))
    checked = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(key), "-rawin",
                              "-in", str(tmp_path / "bundle.json"), "-sigfile", str(tmp_path / "signature.bin")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Signature Verified Successfully" in checked.stdout
    # The fingerprint, as README says to compute it from the PEM.
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(key), "-outform", "DER"], capture_output=True,
                         check=False).stdout
    assert hashlib.sha256(der[-32:]).hexdigest() == signed["fingerprint"]


def test_a_bundle_exported_before_a_key_rotation_still_verifies_after_it(db, data, tmp_path):
    seed(db, "a")
    record(db, data, "a")
    before = export(tmp_path, "before.zip")
    old = veilleur("keys", "show").output.split("empreinte ", 1)[1].split()[0]

    rotated = veilleur("keys", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert f"ancienne clé {old} retirée : sa clé publique reste au trousseau" in rotated.output
    new = veilleur("keys", "show").output.split("empreinte ", 1)[1].split()[0]
    assert new != old
    record(db, data, "a")  # sealed with the new key

    result = veilleur("verify", "--bundle", str(before))
    assert result.exit_code == 0, result.output
    assert f"signature valide : clé {old}" in result.output
    everything = veilleur("verify")
    assert everything.exit_code == 0, everything.output
    assert "signatures : 2 manifestes signés" in everything.output

    keyring = json.loads((tmp_path / "data" / "keyring.json").read_text())
    dates = {k["fingerprint"]: (k["created_at"], k["retired_at"]) for k in keyring["keys"]}
    assert dates[old][1] is not None and dates[new][0] is not None and dates[new][1] is None
    # The new key alone does not vouch for what the old one signed; the keyring does.
    only_new = veilleur("verify", "--bundle", str(before), "--public-key", str(published_key(tmp_path, "new.pem")))
    assert only_new.exit_code == 1
    assert fails(only_new) == [f"ÉCHEC signée par une clé inconnue {old} (absente de --public-key {tmp_path / 'new.pem'})"]
    copy = tmp_path / "keyring-copy.json"
    copy.write_text(json.dumps(keyring))
    assert veilleur("verify", "--bundle", str(before), "--public-key", str(copy)).exit_code == 0


def test_the_key_file_is_made_owner_only_on_first_use_and_recorded_in_the_keyring(db, data, tmp_path):
    seed(db, "a")
    run_id = record(db, data, "a")
    key_file = tmp_path / "data" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    sealed = manifest_of(db, run_id)
    assert sealed.key_fingerprint == fingerprint(key.public_key()) and sealed.signature
    keyring = json.loads((tmp_path / "data" / "keyring.json").read_text())
    assert [k["fingerprint"] for k in keyring["keys"]] == [sealed.key_fingerprint]


def test_a_signing_key_given_by_the_environment_is_used_instead(db, data, tmp_path, monkeypatch):
    seed(db, "a")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    expected = fingerprint(key.public_key())
    # As an environment file holds it: on one line, with \n escapes.
    monkeypatch.setenv("VEILLEUR_SIGNING_KEY", pem.replace("\n", "\\n"))
    data.signing_key = read_settings().evidence.signing_key  # as a command's stores carry it
    run_id = record(db, data, "a")
    assert manifest_of(db, run_id).key_fingerprint == expected
    assert not (tmp_path / "data" / "signing-key.pem").exists()
    shown = veilleur("keys", "show")
    assert f"empreinte {expected}" in shown.output and "clé privée : VEILLEUR_SIGNING_KEY" in shown.output
    assert veilleur("verify").exit_code == 0
    with zipfile.ZipFile(export(tmp_path)) as z:
        assert json.loads(z.read("signature.json"))["fingerprint"] == expected

    refused = veilleur("keys", "rotate")
    assert refused.exit_code == 2 and refused.output.startswith("veilleur : erreur : VEILLEUR_SIGNING_KEY est défini")


@pytest.mark.parametrize("value, reason", [
    ("not a key", "pas une clé privée Ed25519 en PEM"),
    (rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode(),
     "pas une clé privée Ed25519 (c’est une clé"),
])
def test_a_bad_signing_key_in_the_environment_is_one_line_naming_the_variable(db, data, monkeypatch, value, reason):
    monkeypatch.setenv("VEILLEUR_SIGNING_KEY", value)
    for command in (["keys", "show"], ["verify"], ["evidence", "export", "--service", "a", "--out", "x.zip"]):
        result = veilleur(*command)
        assert result.exit_code == 2, (command, result.output)
        [line] = result.output.splitlines()
        assert line.startswith(f"veilleur : erreur : VEILLEUR_SIGNING_KEY : {reason}"), (command, line)


@pytest.mark.parametrize("content, message", [
    (b"hello", "ni une clé publique PEM ni un trousseau de Veilleur"),
    (b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
     "c’est une clé privée ; donnez la clé publique"),
    (b'{"format": "veilleur-keyring/1", "keys": [{"fingerprint": "00", "public_key": "x"}]}', "pas une clé publique PEM"),
])
def test_a_bad_public_key_file_is_a_one_line_error(tmp_path, content, message):
    bad = tmp_path / "key.pem"
    bad.write_bytes(content)
    junk = tmp_path / "b.zip"
    zipfile.ZipFile(junk, "w").close()
    result = veilleur("verify", "--bundle", str(junk), "--public-key", str(bad))
    assert result.exit_code == 2
    [line] = result.output.splitlines()
    assert line.startswith(f"veilleur : erreur : --public-key {bad} : ") and message in line, line


def test_verify_names_a_manifest_whose_signature_does_not_match(db, data):
    seed(db, "a")
    record(db, data, "a")
    head = record(db, data, "a")
    sealed = manifest_of(db, head)
    # A careful forgery of the chain's head: the manifest and the rows say the same new thing, the
    # manifest is stored under its new sha256 and the chain points at it. Only the signature is old.
    forged = data.get(sealed.sha256).replace(b'"status":"franceconnect"', b'"status":"absent"')
    assert forged != data.get(sealed.sha256)
    forged_sha = data.put(forged)
    with db.sessions() as session, session.begin():
        session.add(Artifact(sha256=forged_sha, size=len(forged), media_type="application/json"))
        session.flush()
        session.execute(update(FindingRecord).where(FindingRecord.service_run_id == head,
                                                    FindingRecord.check == "franceconnect").values(status="absent"))
        session.execute(update(ManifestRecord).where(ManifestRecord.id == sealed.id).values(sha256=forged_sha))
    result = veilleur("verify")
    assert result.exit_code == 1
    [fail] = fails(result)
    assert fail.startswith(f"ÉCHEC manifeste {forged_sha} (visite {head} de la démarche a, maillon 1) : "
                           "signature invalide"), \
        result.output


def test_verify_names_a_manifest_whose_signature_was_removed_or_whose_key_is_unknown(db, data, tmp_path):
    seed(db, "a")
    first, second = record(db, data, "a"), record(db, data, "a")
    with db.sessions() as session, session.begin():
        session.execute(update(ManifestRecord).where(ManifestRecord.service_run_id == second)
                        .values(signature=None, key_fingerprint=None))
    result = veilleur("verify")
    assert result.exit_code == 1
    assert fails(result) == [(f"ÉCHEC manifeste {manifest_of(db, second).sha256} (visite {second} de la démarche a, "
                              "maillon 1) non signé, alors qu’un manifeste précédent de sa chaîne l’est")]

    # An auditor who trusts another key than the one that signed.
    stranger = Ed25519PrivateKey.generate().public_key()
    trusted = tmp_path / "trusted.pem"
    trusted.write_bytes(stranger.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = veilleur("verify", "--public-key", str(trusted))
    known = manifest_of(db, first)
    assert f"ÉCHEC manifeste {known.sha256} (visite {first} de la démarche a, maillon 0) signé par une clé inconnue " \
           f"{known.key_fingerprint}" in result.output


def test_manifests_sealed_before_the_instance_signed_are_counted_not_failed(db, data, tmp_path):
    seed(db, "a")
    old = record(db, data, "a")
    # A database from before signing: its manifests have no signature, its data dir no key.
    with db.sessions() as session, session.begin():
        session.execute(update(ManifestRecord).values(signature=None, key_fingerprint=None))
        session.execute(delete(SigningKeyRecord))
    for name in ("signing-key.pem", "keyring.json"):
        (tmp_path / "data" / name).unlink()
    result = veilleur("verify")
    assert result.exit_code == 0, result.output
    assert "signatures : 0 manifeste signé" in result.output and "1 manifeste scellé avant la première clé" in result.output

    record(db, data, "a")  # the first seal since the upgrade makes the key
    result = veilleur("verify")
    assert result.exit_code == 0, result.output
    assert "signatures : 1 manifeste signé" in result.output and "1 manifeste scellé avant la première clé" in result.output
    assert manifest_of(db, old).signature is None


def test_the_dashboard_publishes_the_public_keys(db, data, tmp_path):
    from reports.web.app import create_app

    seed(db, "a")
    record(db, data, "a")
    before = export(tmp_path, "before.zip")
    old = veilleur("keys", "show").output.split("empreinte ", 1)[1].split()[0]
    client = TestClient(create_app(db, data))

    pem = client.get("/cle-publique.pem")
    assert pem.status_code == 200 and pem.headers["content-type"].startswith("application/x-pem-file")
    assert fingerprint(serialization.load_pem_public_key(pem.content)) == old
    page = client.get("/cle-publique")
    assert page.status_code == 200 and "<h1>Clé publique de signature</h1>" in page.text
    assert old in page.text and "-----BEGIN PUBLIC KEY-----" in page.text
    assert "Aucune : la clé actuelle est la première de cette instance." in page.text
    assert '<a href="/cle-publique">Clé publique de signature</a>' in client.get("/accessibilite").text

    assert veilleur("keys", "rotate").exit_code == 0
    new = veilleur("keys", "show").output.split("empreinte ", 1)[1].split()[0]
    page = client.get("/cle-publique")
    assert page.text.index(new) < page.text.index("Clés précédentes") < page.text.index(old)
    assert fingerprint(serialization.load_pem_public_key(client.get("/cle-publique.pem").content)) == new
    keys = client.get("/api/keys").json()
    assert [(k["fingerprint"], k["current"]) for k in keys["keys"]] == [(new, True), (old, False)]
    # What the API gives is a keyring an auditor can verify with, older bundles included.
    saved = tmp_path / "keys.json"
    saved.write_text(json.dumps(keys))
    result = veilleur("verify", "--bundle", str(before), "--public-key", str(saved))
    assert result.exit_code == 0, result.output
