"""Signs what an instance seals and exports with its Ed25519 key, and checks signatures against its keyring.

The instance's private key is `<data dir>/signing-key.pem` (PKCS#8 PEM, mode 0600), created on first
use, unless the evidence section's key (VEILLEUR_SIGNING_KEY, read by the shell) gives one (an Ed25519
private key in PEM; `\\n` escapes allowed, for environment files that cannot hold a newline).
Every public key the instance ever signed with is in
`<data dir>/keyring.json`, with its fingerprint and dates: a key rotated out stays there, so that what
it signed still verifies.

A key's fingerprint is the sha256 of its raw 32-byte public key, in hex (64 characters). An auditor
can compute it from the PEM alone: `openssl pkey -pubin -in key.pem -outform DER | tail -c 32 | sha256sum`.

Signatures are Ed25519 over the exact bytes of the signed file (a manifest, a bundle's bundle.json),
so that standard tools check them too (`openssl pkeyutl -verify -rawin`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, Field, ValidationError

from foundation.errors import InputError
from foundation.files import atomic_file
from storage.evidence.store import EvidenceStore
from storage.validation_messages import french_message

try:  # POSIX: two processes (the scheduler and a `veilleur run`) may both use the key first
    import fcntl
except ImportError:  # pragma: no cover - Veilleur runs on Linux; threads are still serialized
    fcntl = None

ENV = "VEILLEUR_SIGNING_KEY"
KEY_FILE = "signing-key.pem"
KEYRING_FILE = "keyring.json"
ALGORITHM = "Ed25519"
KEYRING_FORMAT = "veilleur-keyring/1"


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public: Ed25519PublicKey) -> str:
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _now() -> datetime:
    return datetime.now(UTC)


def _load_private(pem: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise InputError(f"{where} : la clé est chiffrée ; Veilleur en a besoin en clair (PEM, PKCS#8)") from None
    except (ValueError, UnsupportedAlgorithm):
        raise InputError(f"{where} : pas une clé privée Ed25519 en PEM (attendu : -----BEGIN PRIVATE KEY-----, "
                         "comme l’écrit `openssl genpkey -algorithm ed25519`)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{where} : pas une clé privée Ed25519 (c’est une clé {type(key).__name__})")
    return key


def _load_public(pem: bytes, where: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        raise InputError(f"{where} : pas une clé publique PEM (attendu : -----BEGIN PUBLIC KEY-----)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{where} : pas une clé publique Ed25519")
    return key


# --- the keyring: public keys, trusted to check signatures ----------------------------------------


class KeyringEntry(BaseModel):
    fingerprint: str
    algorithm: str = ALGORITHM
    public_key: str  # PEM
    # When the key first signed (or was made), and when a rotation retired it; None: still in use.
    created_at: datetime | None = None
    retired_at: datetime | None = None

    def key(self) -> Ed25519PublicKey:
        return _load_public(self.public_key.encode("utf-8"), f"clé {self.fingerprint}")

    def verifies(self, signature: bytes, data: bytes) -> bool:
        try:
            self.key().verify(signature, data)
        except InvalidSignature:
            return False
        return True


class KeyringFile(BaseModel):
    format: str = KEYRING_FORMAT
    keys: list[KeyringEntry] = Field(default_factory=list)


@dataclass
class Keyring:
    """Public keys by fingerprint, and where they come from (named when a key is not there)."""

    entries: list[KeyringEntry]
    source: str

    def get(self, fp: str | None) -> KeyringEntry | None:
        return next((e for e in self.entries if e.fingerprint == fp), None)

    def first_created(self) -> datetime | None:
        dates = [e.created_at for e in self.entries if e.created_at is not None]
        return min(dates) if dates else None

    def check(self, signature_b64: str, fp: str | None, data: bytes) -> tuple[str, KeyringEntry | None]:
        """("valid", key), ("invalid", key), ("unknown", None) or ("malformed", None). A signature
        under a trusted key counts even if the fingerprint given beside it was changed."""
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except (binascii.Error, ValueError):
            return "malformed", None
        named = self.get(fp)
        if named is not None and named.verifies(signature, data):
            return "valid", named
        other = next((e for e in self.entries if e is not named and e.verifies(signature, data)), None)
        if other is not None:
            return "valid", other
        return ("invalid", named) if named is not None else ("unknown", None)


def _entries_from_json(data: bytes, where: str) -> list[KeyringEntry]:
    try:
        parsed = KeyringFile.model_validate_json(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        place = ".".join(str(p) for p in error.get("loc", ()))
        raise InputError(f"{where} : pas un trousseau de Veilleur ({place + ' : ' if place else ''}{french_message(error)})") from None
    for entry in parsed.keys:
        # The fingerprint written beside a key is not taken on trust: it must be the key's own.
        try:
            actual = fingerprint(entry.key())
        except InputError as exc:
            raise InputError(f"{where} : {exc}") from None
        if actual != entry.fingerprint:
            raise InputError(f"{where} : la clé {entry.fingerprint} a l’empreinte {actual} : le fichier a été modifié")
    return parsed.keys


def read_keyring(path: Path) -> Keyring:
    """The keyring file at `path`; empty if there is none."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return Keyring([], str(path))
    return Keyring(_entries_from_json(data, f"trousseau {path}"), str(path))


def read_trusted_keys(path: Path, label: str) -> Keyring:
    """Keys an auditor trusts, from a file: one or more PEM public keys, or a keyring (keyring.json,
    or the dashboard's /api/keys). `label` names the file in errors (e.g. the option)."""
    where = f"{label} {path}"
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where} : fichier introuvable") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputError(f"{where} : illisible ({exc.strerror})") from None
    # A keyring holds PEM text in its JSON strings: it is told apart first.
    if data.lstrip().startswith(b"{"):
        return Keyring(_entries_from_json(data, where), where)
    if b"PRIVATE KEY-----" in data:
        raise InputError(f"{where} : c’est une clé privée ; donnez la clé publique (`veilleur keys show --pem`)")
    marker = b"-----BEGIN PUBLIC KEY-----"
    if marker in data:
        entries = []
        for block in data.split(marker)[1:]:
            key = _load_public(marker + block, where)
            entries.append(KeyringEntry(fingerprint=fingerprint(key), public_key=public_pem(key)))
        return Keyring(entries, where)
    raise InputError(f"{where} : ni une clé publique PEM ni un trousseau de Veilleur (JSON)")


# --- the instance's own keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    algorithm: str
    fingerprint: str
    signature: str  # base64
    public_key: str  # PEM


@dataclass(frozen=True)
class Signer:
    """The instance's private key, loaded once: what it signs names its public key."""

    key: Ed25519PrivateKey
    fingerprint: str
    public_key: str  # PEM

    def sign(self, data: bytes) -> Signature:
        signature = base64.b64encode(self.key.sign(data)).decode("ascii")
        return Signature(ALGORITHM, self.fingerprint, signature, self.public_key)


@dataclass(frozen=True)
class Rotation:
    old: KeyringEntry | None
    new: KeyringEntry


_thread_lock = threading.Lock()


class InstanceKeys:
    """The signing key and keyring of the instance whose data dir is `folder`."""

    def __init__(self, folder: Path, given_key: str | None = None):
        self.folder = Path(folder)
        # The key VEILLEUR_SIGNING_KEY gives (the evidence section); None: the data dir's key file.
        self.given_key = given_key.strip() if given_key and given_key.strip() else None
        self.key_path = self.folder / KEY_FILE
        self.keyring_path = self.folder / KEYRING_FILE
        self.created = False  # set when this object made the key file

    @property
    def from_environment(self) -> bool:
        return self.given_key is not None

    @property
    def source(self) -> str:
        return ENV if self.from_environment else str(self.key_path)

    def keyring(self) -> Keyring:
        """Read only: nothing is created (an auditor's machine, `veilleur verify`)."""
        return read_keyring(self.keyring_path)

    def check(self) -> None:
        """Fail now, as one line, on a bad VEILLEUR_SIGNING_KEY or key file, rather than at the first seal."""
        if self.from_environment:
            self._environment_key()
        elif self.key_path.is_file():
            self._file_key()
        if self.keyring_path.is_file():
            self.keyring()

    def signer(self) -> Signer:
        """The key to sign with now: created on first use, its public key recorded in the keyring."""
        key = self._environment_key() if self.from_environment else self._file_key(create=True)
        public = key.public_key()
        signer = Signer(key, fingerprint(public), public_pem(public))
        self._record(signer)
        return signer

    def current(self) -> KeyringEntry:
        """The public key the instance signs with, as its keyring records it."""
        signer = self.signer()
        return self.keyring().get(signer.fingerprint) or KeyringEntry(fingerprint=signer.fingerprint,
                                                                      public_key=signer.public_key)

    def rotate(self) -> Rotation:
        """A new key file; the old public key stays in the keyring, marked retired. The old private
        key is gone: nothing more can be signed with it."""
        if self.from_environment:
            raise InputError(f"{ENV} est défini : cette instance signe avec la clé qu’il donne ; pour en changer, "
                             f"mettez une nouvelle clé dans {ENV} (sa clé publique rejoint le trousseau à sa première signature)")
        with self._locked():
            old_key = self._file_key() if self.key_path.is_file() else None
            now = _now()
            entries = self.keyring().entries
            old = None
            if old_key is not None:
                old_fp = fingerprint(old_key.public_key())
                old = next((e for e in entries if e.fingerprint == old_fp), None)
                if old is None:
                    old = KeyringEntry(fingerprint=old_fp, public_key=public_pem(old_key.public_key()), created_at=None)
                    entries.append(old)
            key = Ed25519PrivateKey.generate()
            new = KeyringEntry(fingerprint=fingerprint(key.public_key()), public_key=public_pem(key.public_key()),
                               created_at=now)
            for entry in entries:
                if entry.retired_at is None:
                    entry.retired_at = now
            # The keyring first: a signature by the new key must never exist without its public key.
            self._write_keyring(entries + [new])
            self._write_key(key)
            return Rotation(old, new)

    # --- inside -----------------------------------------------------------------------------------

    def _environment_key(self) -> Ed25519PrivateKey:
        text = self.given_key or ""
        if "\\n" in text and "\n" not in text:
            text = text.replace("\\n", "\n")
        return _load_private(text.encode("utf-8", "replace"), ENV)

    def _file_key(self, create: bool = False) -> Ed25519PrivateKey:
        try:
            return _load_private(self.key_path.read_bytes(), f"clé de signature {self.key_path}")
        except FileNotFoundError:
            if not create:
                raise
        with self._locked():
            if self.key_path.is_file():  # another process made it meanwhile
                return _load_private(self.key_path.read_bytes(), f"clé de signature {self.key_path}")
            key = Ed25519PrivateKey.generate()
            self._write_key(key)
            self.created = True
            return key

    def _write_key(self, key: Ed25519PrivateKey) -> None:
        # Owner-only: whoever reads it can sign as this instance.
        with atomic_file(self.key_path, permissions=0o600) as handle:
            handle.write(_private_pem(key))

    def _record(self, signer: Signer) -> None:
        """Put the key's public half in the keyring if it is not there yet (a new key file, or a new
        VEILLEUR_SIGNING_KEY); the keys in use until then are marked retired."""
        if self.keyring().get(signer.fingerprint) is not None:
            return
        with self._locked():
            entries = self.keyring().entries
            if any(e.fingerprint == signer.fingerprint for e in entries):
                return
            now = _now()
            for entry in entries:
                if entry.retired_at is None:
                    entry.retired_at = now
            entries.append(KeyringEntry(fingerprint=signer.fingerprint, public_key=signer.public_key, created_at=now))
            self._write_keyring(entries)

    def _write_keyring(self, entries: list[KeyringEntry]) -> None:
        document = KeyringFile(keys=entries).model_dump(mode="json")
        # Public keys only: nothing secret, readable by whoever may read the data dir.
        with atomic_file(self.keyring_path, permissions=0o644) as handle:
            handle.write(json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with _thread_lock, open(self.folder / ".signing.lock", "a+b") as lock:
            if fcntl is not None:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            yield


def keys_of(store: EvidenceStore) -> InstanceKeys:
    """The keys of the instance that owns `store`. They live in its data dir, the folder that holds
    the evidence store (`<data dir>/evidence`, storage/stores.py): so the demo's store and the tests'
    stores sign with keys of their own, never with the production key."""
    return InstanceKeys(store.root.parent, store.signing_key)
