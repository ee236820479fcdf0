"""Where things are kept (VEILLEUR_DATA_DIR, VEILLEUR_DATABASE_URL), and opening the database, evidence
store and signing keys there."""

from __future__ import annotations

import os
from pathlib import Path

from foundation.errors import InputError
from storage.db import Database, open_database
from storage.evidence.signing import InstanceKeys
from storage.evidence.store import EvidenceStore


def data_dir() -> Path:
    return Path(os.environ.get("VEILLEUR_DATA_DIR") or "./veilleur-data").resolve()


def database_url() -> str:
    url = os.environ.get("VEILLEUR_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'veilleur.db'}"


def instance_keys() -> InstanceKeys:
    """The signing key and keyring of this instance, in its data dir (VEILLEUR_SIGNING_KEY may give the key)."""
    return InstanceKeys(data_dir())


def open_stores() -> tuple[Database, EvidenceStore]:
    # A bad VEILLEUR_SIGNING_KEY or key file stops the command here, as one line, not at the first seal.
    instance_keys().check()
    url = database_url()
    try:
        db = open_database(url)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot open the database {url!r}: {first}") from None
    return db, EvidenceStore(data_dir() / "evidence")
