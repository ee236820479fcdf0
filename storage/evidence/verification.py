"""`veilleur verify`: re-hash every artifact and walk every service's chain of manifests.

Each problem is named: which artifact (sha256) of which run, page and kind is missing or altered,
which manifest is missing or altered, where a chain is broken, which run has no manifest, and
which run's rows no longer say what its manifest sealed. A file that retention deleted on purpose
(`pruned_artifacts`) is counted as pruned, not reported: a file deleted by hand is missing.

Each manifest's signature is checked against the instance's keys, as its database holds them
(published_keys.py), or against the keys an auditor gives: a signature that does not
match its manifest, or a key the keyring does not hold, is named. A manifest without a signature is
named too, unless it was sealed before the instance had its first key (sealed by a Veilleur that did
not sign yet): those are counted.

The checks on one manifest and its files take a `FileSource`, so that a bundle is verified by the
same code as the evidence store (reports/evidence/bundle_verification.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from typing import Protocol

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation import formatting, vocabulary
from foundation.errors import InputError
from foundation.times import as_utc
from storage.evidence.manifests import Manifest, ManifestArtifact, run_content, service_chain
from storage.evidence.published_keys import instance_keyring
from storage.evidence.signing import Keyring
from storage.evidence.store import EvidenceStore
from storage.schema import ManifestRecord, PrunedArtifact, Service, ServiceRun
from storage.validation_messages import french_message


@dataclass(frozen=True)
class Problem:
    # artifact_missing, artifact_altered, manifest_missing, manifest_altered, broken_link,
    # unsealed, mismatch, unexpected_file, signature_missing, signature_invalid, signature_unknown_key,
    # signature_unchecked
    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    size: int


class FileSource(Protocol):
    def digest(self, sha: str) -> FileDigest | None:
        """The digest of the file stored under `sha`, or None when there is none."""

    def read(self, sha: str) -> bytes | None:
        """The bytes of the file stored under `sha` (manifests: small), or None."""


def digest_stream(stream) -> FileDigest:
    hasher = hashlib.sha256()
    size = 0
    while chunk := stream.read(1 << 20):
        hasher.update(chunk)
        size += len(chunk)
    return FileDigest(hasher.hexdigest(), size)


class StoreSource:
    def __init__(self, store: EvidenceStore):
        self.store = store

    def digest(self, sha: str) -> FileDigest | None:
        try:
            with self.store.path(sha).open("rb") as handle:
                return digest_stream(handle)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def read(self, sha: str) -> bytes | None:
        try:
            return self.store.get(sha)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None


@dataclass
class Verification:
    problems: list[Problem] = field(default_factory=list)
    services: int = 0
    manifests: int = 0
    artifacts: set[str] = field(default_factory=set)
    pruned: set[str] = field(default_factory=set)
    heads: dict[str, str] = field(default_factory=dict)
    # Manifests whose signature matched a key of the keyring, and those sealed before signing began.
    signed: int = 0
    unsigned_before_keys: int = 0
    keyring: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, message: str) -> None:
        self.problems.append(Problem(kind, message))


def run_label(manifest_or_run_id, service_id: str) -> str:
    run_id = manifest_or_run_id.run.id if isinstance(manifest_or_run_id, Manifest) else manifest_or_run_id
    return f"visite {run_id} de la démarche {service_id}"


def artifact_place(manifest: Manifest, artifact: ManifestArtifact) -> str:
    page = next((p for p in manifest.pages if p.position == artifact.page), None)
    where = f"page {artifact.page}" + (f" ({vocabulary.page_kind(page.kind)} {page.url})" if page else "")
    return f"{run_label(manifest, manifest.service.id)}, {where}, {vocabulary.artifact(artifact.kind)}"


class ArtifactChecker:
    """Checks a manifest's files; a file shared by many runs (deduplicated) is hashed once, and
    a problem with it is named for each run that relies on it."""

    def __init__(self, source: FileSource, pruned: set[str]):
        self.source = source
        self.pruned_by_retention = pruned
        self._digests: dict[str, FileDigest | None] = {}

    def _digest(self, sha: str) -> FileDigest | None:
        if sha not in self._digests:
            self._digests[sha] = self.source.digest(sha)
        return self._digests[sha]

    def check(self, manifest: Manifest, result: Verification) -> None:
        for artifact in manifest.artifacts:
            found = self._digest(artifact.sha256)
            place = artifact_place(manifest, artifact)
            if found is None:
                if artifact.sha256 in self.pruned_by_retention:
                    result.pruned.add(artifact.sha256)
                else:
                    result.add("artifact_missing", f"fichier de preuve {artifact.sha256} manquant : {place}")
                continue
            result.artifacts.add(artifact.sha256)
            if found.sha256 != artifact.sha256:
                result.add("artifact_altered",
                           f"fichier de preuve {artifact.sha256} altéré (son sha256 est maintenant {found.sha256}) : {place}")
            elif found.size != artifact.size:
                result.add("artifact_altered",
                           f"fichier de preuve {artifact.sha256} de {found.size} octets, son manifeste dit {artifact.size} : {place}")


def read_manifest(source: FileSource, sha: str, label: str, result: Verification) -> Manifest | None:
    """The manifest stored under `sha`, if it is there, unaltered and readable; else names why."""
    data = source.read(sha)
    if data is None:
        result.add("manifest_missing", f"manifeste {sha} ({label}) manquant")
        return None
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha:
        result.add("manifest_altered", f"manifeste {sha} ({label}) altéré (son sha256 est maintenant {actual})")
        return None
    try:
        return Manifest.from_bytes(data)
    except ValidationError as exc:
        result.add("manifest_altered", f"manifeste {sha} ({label}) illisible ({french_message(exc.errors()[0])})")
        return None


@dataclass(frozen=True)
class Link:
    """One link of a service's hash chain, as the database or a manifest records it."""

    sha256: str
    previous_sha256: str | None
    chain_index: int
    service_id: str


def walk_chain(links: Iterable[Link]) -> Iterator[tuple[Link | None, Link, frozenset[str]]]:
    """The one walk of a chain, oldest link first, for the evidence store and a bundle alike: each
    link with the link before it and what breaks between them — "index" (not the next link after
    the one before, or a first link that is not link 0), "previous" (it names another manifest
    before it than the one before it) or "service" (the link before it is another service's)."""
    previous: Link | None = None
    for link in links:
        faults = set()
        if link.chain_index != (previous.chain_index + 1 if previous else 0):
            faults.add("index")
        if link.previous_sha256 != (previous.sha256 if previous else None):
            faults.add("previous")
        if previous is not None and previous.service_id != link.service_id:
            faults.add("service")
        yield previous, link, frozenset(faults)
        previous = link


# The service's registry entry may change (renamed, moved): the manifest keeps it as it was then.
_SEALED_PARTS = ("run", "tools", "settings", "pages", "artifacts", "findings")
SEALED_PART_NAMES = {"run": "visite", "tools": "outils", "settings": "réglages", "pages": "pages",
                     "artifacts": "fichiers de preuve", "findings": "constats"}


def _differences(session: Session, manifest: Manifest) -> list[str]:
    """Which parts of the run the database no longer records as the manifest sealed them."""
    sealed = manifest.model_dump(include=set(_SEALED_PARTS))
    current = run_content(session, manifest.run.id).model_dump(include=set(_SEALED_PARTS))
    return [part for part in _SEALED_PARTS if sealed[part] != current[part]]


def _services(session: Session, service_ids: list[str]) -> list[str]:
    if not service_ids:
        with_runs = select(ServiceRun.service_id).distinct()
        return sorted(set(session.scalars(with_runs)) | set(session.scalars(select(ManifestRecord.service_id).distinct())))
    known = set(session.scalars(select(Service.id).where(Service.id.in_(service_ids))))
    for service_id in service_ids:
        if service_id not in known:
            raise InputError(f"--service {service_id} : aucune démarche de ce nom dans le registre")
    return list(dict.fromkeys(service_ids))


def check_manifest_signature(record: ManifestRecord, manifest: Manifest, data: bytes, label: str, keyring: Keyring,
                             result: Verification, after_signed: bool = False) -> None:
    """`after_signed`: an earlier link of the chain is signed. Once an instance signs, it signs every
    manifest: an unsigned one after a signed one, or sealed after the first key, had its signature removed."""
    if record.signature is None:
        first_key = keyring.first_created()
        if after_signed:
            result.add("signature_missing", f"manifeste {record.sha256} ({label}) non signé, alors qu’un "
                                             "manifeste précédent de sa chaîne l’est")
        elif first_key is None or as_utc(manifest.created_at) < first_key:
            result.unsigned_before_keys += 1
        else:
            result.add("signature_missing", f"manifeste {record.sha256} ({label}) non signé, alors qu’il a été "
                                             "scellé après la première clé de signature de l’instance "
                                             f"(créée le {formatting.date_time(first_key)})")
        return
    outcome, _ = keyring.check(record.signature, record.key_fingerprint, data)
    if outcome == "valid":
        result.signed += 1
    elif outcome == "unknown":
        result.add("signature_unknown_key", f"manifeste {record.sha256} ({label}) signé par une clé inconnue "
                                            f"{record.key_fingerprint} (absente de {keyring.source})")
    else:
        result.add("signature_invalid", f"manifeste {record.sha256} ({label}) : signature invalide (le manifeste "
                                        f"ou sa signature a été modifié après le scellement ; clé {record.key_fingerprint})")


def verify_database(session: Session, store: EvidenceStore, service_ids: list[str] | None = None,
                    keyring: Keyring | None = None) -> Verification:
    """`keyring`: the public keys to check signatures with; default, the instance's own, as its
    database holds them (and this process's keyring, for keys signed with before the database held any)."""
    keyring = keyring if keyring is not None else instance_keyring(session, store)
    result = Verification(keyring=keyring.source)
    source = StoreSource(store)
    checker = ArtifactChecker(source, set(session.scalars(select(PrunedArtifact.sha256))))
    for service_id in _services(session, service_ids or []):
        result.services += 1
        records = service_chain(session, service_id)
        previous: ManifestRecord | None = None
        signed_before = False
        walk = walk_chain(Link(r.sha256, r.previous_sha256, r.chain_index, service_id) for r in records)
        for record, (before, _, faults) in zip(records, walk):
            result.manifests += 1
            label = f"{run_label(record.service_run_id, service_id)}, maillon {record.chain_index}"
            if "index" in faults:
                result.add("broken_link", f"chaîne de la démarche {service_id} rompue avant ce maillon ({label}) : "
                                          f"le maillon {before.chain_index + 1 if before else 0} manque")
            if "previous" in faults:
                result.add("broken_link", f"chaîne de la démarche {service_id} rompue ({label}) : elle suit "
                                          f"{record.previous_sha256}, mais le manifeste précédent est "
                                          f"{before.sha256 if before else None}")
            previous = record
            after_signed, signed_before = signed_before, signed_before or record.signature is not None
            manifest = read_manifest(source, record.sha256, label, result)
            if manifest is None:
                continue
            if manifest.previous_sha256 != record.previous_sha256:
                result.add("broken_link", f"chaîne de la démarche {service_id} rompue ({label}) : le manifeste "
                                          f"{record.sha256} suit {manifest.previous_sha256}, la base dit {record.previous_sha256}")
            if (manifest.run.id, manifest.service.id, manifest.chain_index) != (record.service_run_id, service_id, record.chain_index):
                result.add("mismatch", f"le manifeste {record.sha256} enregistré pour {label} décrit la "
                                       f"{run_label(manifest, manifest.service.id)} (maillon {manifest.chain_index})")
                continue
            check_manifest_signature(record, manifest, source.read(record.sha256) or b"", label, keyring, result,
                                     after_signed)
            checker.check(manifest, result)
            differences = _differences(session, manifest)
            if differences:
                result.add("mismatch", f"{label} : la base ne dit plus ce qu’a scellé le manifeste {record.sha256} "
                                       f"({', '.join(SEALED_PART_NAMES[d] for d in differences)})")
        if previous is not None:
            result.heads[service_id] = previous.sha256
        unsealed = session.scalars(
            select(ServiceRun.id).where(ServiceRun.service_id == service_id, ServiceRun.status == "done")
            .where(~ServiceRun.id.in_(select(ManifestRecord.service_run_id))).order_by(ServiceRun.id)
        ).all()
        for run_id in unsealed:
            result.add("unsealed", f"{run_label(run_id, service_id)} enregistrée comme terminée mais sans manifeste")
    return result
