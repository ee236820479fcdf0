"""`veilleur verify --bundle F.zip`: check an evidence bundle with nothing but the bundle.

The manifest's files are re-hashed, the chain is walked from manifest.json back to the service's
first manifest through chain/, and the derived files (proof images, index.html) are checked
against bundle.json. Any file the bundle holds that none of these name is reported too. What
anchors the whole is the sha256 of manifest.json: printed here, it must be the one the service's
chain gives (`veilleur verify --service ID` prints the chain head).

Hashes prove that the files agree with each other, not who made them: anyone can edit index.html
and write its new sha256 into bundle.json. signature.json signs bundle.json's bytes (which name the
sha256 of every file, see reports/evidence/bundle.py), and it is checked against keys the auditor
trusts: a public key file or keyring given with --public-key, else the keyring of this machine's
data dir. The public key inside the bundle is never trusted (whoever forges a bundle can re-sign
it with a key of their own); with no trusted key at hand, the signature is reported as not checked.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from foundation.errors import InputError
from reports.evidence.bundle import ARTIFACTS_DIR, INFO, MANIFEST, SIGNATURE, BundleInfo, BundleSignature, chain_member
from storage.evidence.manifests import Manifest
from storage.evidence.signing import KEYRING_FILE, Keyring, KeyringEntry, read_keyring, read_trusted_keys
from storage.evidence.verification import (
    ArtifactChecker,
    FileDigest,
    Link,
    Verification,
    digest_stream,
    read_manifest,
    walk_chain,
)
from storage.validation_messages import french_message


class ZipSource:
    """Artifacts under artifacts/<sha256>.<ext>, manifests under chain/<sha256>.json."""

    def __init__(self, bundle: zipfile.ZipFile):
        self.bundle = bundle
        self.names = set(bundle.namelist())
        self.artifacts: dict[str, str] = {}
        for name in self.names:
            if name.startswith(ARTIFACTS_DIR):
                self.artifacts.setdefault(name[len(ARTIFACTS_DIR):].split(".", 1)[0], name)
        self.used: set[str] = set()

    def digest(self, sha: str) -> FileDigest | None:
        name = self.artifacts.get(sha)
        if name is None:
            return None
        self.used.add(name)
        with self.bundle.open(name) as member:
            return digest_stream(member)

    def read(self, sha: str) -> bytes | None:
        return self.member(chain_member(sha))

    def member(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        self.used.add(name)
        return self.bundle.read(name)


@dataclass
class BundleVerification(Verification):
    manifest: Manifest | None = None
    manifest_sha256: str | None = None
    chain_length: int = 0
    derived: int = 0
    unnamed: list[str] = field(default_factory=list)
    # The trusted key whose signature of bundle.json was verified (None: no valid signature checked).
    signed_by: KeyringEntry | None = None


def trusted_keys(public_key: Path | None, data_dir: Path) -> Keyring | None:
    """The keys a bundle's signature is checked against: the file given (a PEM public key or a
    keyring), else this machine's instance keyring if its data dir has one, else None. Read only:
    verifying a bundle creates nothing."""
    if public_key is not None:
        return read_trusted_keys(public_key, "--public-key")
    keyring = data_dir / KEYRING_FILE
    return read_keyring(keyring) if keyring.is_file() else None


def _check_signature(source: ZipSource, info_bytes: bytes | None, trusted: Keyring | None,
                     result: BundleVerification) -> None:
    data = source.member(SIGNATURE)
    if data is None:
        result.add("signature_missing", f"pas de signature : {SIGNATURE} manque, rien ne montre qui a fait cette archive")
        return
    try:
        signature = BundleSignature.model_validate_json(data)
    except ValidationError as exc:
        result.add("signature_invalid", f"{SIGNATURE} illisible ({french_message(exc.errors()[0])})")
        return
    if signature.signed_file != INFO:
        result.add("signature_invalid", f"signature invalide : {SIGNATURE} signe « {signature.signed_file} », pas {INFO}")
        return
    if info_bytes is None:
        result.add("signature_invalid", f"signature invalide : elle signe {INFO}, que l’archive ne contient pas")
        return
    if trusted is None:
        result.add("signature_unchecked", f"signature non vérifiée contre une clé de confiance : l’archive dit que la "
                                          f"clé {signature.fingerprint} l’a signée, mais une clé contenue dans l’archive "
                                          "ne prouve rien (n’importe qui peut signer de nouveau) ; donnez --public-key "
                                          "avec la clé publique publiée par l’instance")
        return
    result.keyring = trusted.source
    outcome, key = trusted.check(signature.signature, signature.fingerprint, info_bytes)
    if outcome == "valid":
        result.signed_by = key
    elif outcome == "unknown":
        result.add("signature_unknown_key", f"signée par une clé inconnue {signature.fingerprint} "
                                            f"(absente de {trusted.source})")
    else:
        result.add("signature_invalid", f"signature invalide : {INFO} ou ses fichiers ont été modifiés après la "
                                        f"signature (clé {signature.fingerprint})")


def _walk_chain(source: ZipSource, manifest: Manifest, sha: str, result: BundleVerification) -> None:
    """Gather the chain from manifest.json back to the service's first manifest through chain/,
    then walk it as `veilleur verify` walks the evidence store's (storage/evidence/verification.py)."""
    chain = [(sha, manifest)]
    current, current_sha = manifest, sha
    while current.previous_sha256 is not None:
        previous_sha = current.previous_sha256
        label = f"maillon {current.chain_index - 1} de la chaîne de la démarche {current.service.id}"
        if chain_member(previous_sha) not in source.names:
            result.add("broken_link", f"chaîne rompue : le manifeste {current_sha} (maillon {current.chain_index}) suit "
                                      f"{previous_sha}, que l’archive ne contient pas ({chain_member(previous_sha)})")
            return
        previous = read_manifest(source, previous_sha, label, result)
        if previous is None:
            return
        result.chain_length += 1
        chain.append((previous_sha, previous))
        current, current_sha = previous, previous_sha
    links = [Link(link_sha, m.previous_sha256, m.chain_index, m.service.id) for link_sha, m in reversed(chain)]
    for before, link, faults in walk_chain(links):
        if before is None and "index" in faults:
            result.add("broken_link", f"chaîne rompue : le manifeste {link.sha256} est le maillon {link.chain_index} "
                                      "mais ne nomme aucun manifeste précédent")
        elif before is not None and faults:
            result.add("broken_link", f"chaîne rompue : le manifeste {link.sha256} (maillon {link.chain_index} de la "
                                      f"démarche {link.service_id}) suit {before.sha256}, qui est le maillon "
                                      f"{before.chain_index} de la démarche {before.service_id}")


def verify_bundle(path: Path, trusted: Keyring | None = None) -> BundleVerification:
    """`trusted`: the keys to check the signature with (`trusted_keys`); None: it is reported as
    not checked."""
    path = Path(path)
    result = BundleVerification()
    try:
        bundle = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(f"--bundle {path} : fichier introuvable") from None
    except (zipfile.BadZipFile, IsADirectoryError, PermissionError):
        # The library's reason is English and says no more than this.
        raise InputError(f"--bundle {path} : n’est pas une archive zip lisible") from None
    with bundle:
        source = ZipSource(bundle)
        data = source.member(MANIFEST)
        if data is None:
            result.add("manifest_missing", f"{MANIFEST} manque dans l’archive {path}")
            return result
        sha = hashlib.sha256(data).hexdigest()
        result.manifest_sha256 = sha
        try:
            manifest = Manifest.from_bytes(data)
        except ValidationError as exc:
            result.add("manifest_altered", f"{MANIFEST} (sha256 {sha}) illisible ({french_message(exc.errors()[0])})")
            return result
        result.manifest = manifest
        result.manifests = 1
        result.services = 1

        info_bytes = source.member(INFO)
        info: BundleInfo | None = None
        if info_bytes is None:
            result.add("unexpected_file", f"{INFO} manque : les images de preuve et index.html ne peuvent pas être vérifiés")
        else:
            try:
                info = BundleInfo.model_validate_json(info_bytes)
            except ValidationError as exc:
                result.add("unexpected_file", f"{INFO} illisible ({french_message(exc.errors()[0])})")
        if info is not None and info.manifest_sha256 != sha:
            result.add("manifest_altered", f"{MANIFEST} altéré : son sha256 est {sha}, "
                                           f"il a été exporté comme {info.manifest_sha256}")

        _check_signature(source, info_bytes, trusted, result)
        _walk_chain(source, manifest, sha, result)
        ArtifactChecker(source, set(info.pruned) if info else set()).check(manifest, result)
        for derived in info.derived if info else []:
            content = source.member(derived.path)
            if content is None:
                result.add("artifact_missing", f"{derived.path} manque dans l’archive")
            elif hashlib.sha256(content).hexdigest() != derived.sha256:
                result.add("artifact_altered", f"{derived.path} altéré (son sha256 est maintenant "
                                               f"{hashlib.sha256(content).hexdigest()}, {INFO} dit {derived.sha256})")
            else:
                result.derived += 1
        for name in sorted(source.names - source.used):
            if not name.endswith("/"):
                result.unnamed.append(name)
                result.add("unexpected_file", f"{name} : dans l’archive mais nommé ni par {MANIFEST} ni par {INFO}")
    return result
