"""Where things are kept (the storage section: VEILLEUR_DATA_DIR, VEILLEUR_DATABASE_URL, VEILLEUR_EVIDENCE_URL),
and opening the database, evidence store and signing keys there."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from foundation.errors import InputError
from foundation.settings import EvidenceSection, StorageSection
from storage.db import Database, make_engine, open_database, upgrade
from storage.evidence.signing import InstanceKeys
from storage.evidence.store import EvidenceStore

EVIDENCE_ENV = "VEILLEUR_EVIDENCE_URL"


def data_dir(storage: StorageSection) -> Path:
    return storage.resolved_data_dir()


def database_url(storage: StorageSection) -> str:
    if storage.database_url:
        return storage.database_url
    return f"sqlite:///{data_dir(storage) / 'veilleur.db'}"


def instance_keys(storage: StorageSection, evidence: EvidenceSection) -> InstanceKeys:
    """The signing key and keyring of this instance, in its data dir (VEILLEUR_SIGNING_KEY may give the key)."""
    return InstanceKeys(data_dir(storage), evidence.signing_key)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def postgresql_url(url: str) -> str:
    """The URL with Veilleur's driver (psycopg 3) when it names none: `postgresql://…` alone means
    psycopg2 to SQLAlchemy, which Veilleur does not install."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def open_evidence_store(db: Database, storage: StorageSection, evidence: EvidenceSection) -> EvidenceStore:
    """The store VEILLEUR_EVIDENCE_URL names: `file:///path`, or a PostgreSQL database (blobs in its
    table `evidence_blobs`; the database's own URL keeps them beside the runs). Unset: the data
    dir's evidence/. The store carries the instance's signing key, which seals what it keeps."""
    store = _evidence_store(db, storage)
    store.signing_key = evidence.signing_key
    return store


def _evidence_store(db: Database, storage: StorageSection) -> EvidenceStore:
    root = data_dir(storage) / "evidence"
    url = storage.evidence_url or ""
    if not url:
        return EvidenceStore(root)
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise InputError(f"{EVIDENCE_ENV} : file:///chemin/absolu attendu (trois barres obliques), reçu « {url} »")
        return EvidenceStore(root, Path(unquote(parts.path)))
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        from storage.evidence.database_store import DatabaseEvidenceStore

        try:
            url = postgresql_url(url)
        except ArgumentError as exc:
            raise InputError(f"{EVIDENCE_ENV} : {_first_line(exc)}") from None
        if make_url(url) == make_url(postgresql_url(str(db.engine.url.render_as_string(hide_password=False)))):
            return DatabaseEvidenceStore(db.engine, root)  # the blobs beside the runs, one pool of connections
        try:
            engine = make_engine(url)
            upgrade(engine)
        except Exception as exc:
            raise InputError(f"impossible d’ouvrir la base des preuves {EVIDENCE_ENV}={make_url(url)!r} : "
                             f"{_first_line(exc)}") from None
        return DatabaseEvidenceStore(engine, root)
    raise InputError(f"{EVIDENCE_ENV} : file:///chemin ou une adresse PostgreSQL (postgresql+psycopg://…) attendue, "
                     f"reçu « {url} »")


def open_stores(storage: StorageSection, evidence: EvidenceSection) -> tuple[Database, EvidenceStore]:
    # A bad VEILLEUR_SIGNING_KEY or key file stops the command here, as one line, not at the first seal.
    instance_keys(storage, evidence).check()
    url = database_url(storage)
    try:
        db = open_database(url)
    except Exception as exc:
        raise InputError(f"impossible d’ouvrir la base de données « {url} » : {_first_line(exc)}") from None
    try:
        return db, open_evidence_store(db, storage, evidence)
    except BaseException:
        db.close()
        raise
