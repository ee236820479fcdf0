"""Where things are kept (VEILLEUR_DATA_DIR, VEILLEUR_DATABASE_URL), and opening the database and evidence store there."""

from __future__ import annotations

import os
from pathlib import Path

from foundation.errors import InputError
from storage.db import Database, open_database
from storage.evidence.store import EvidenceStore


def data_dir() -> Path:
    return Path(os.environ.get("VEILLEUR_DATA_DIR") or "./veilleur-data").resolve()


def database_url() -> str:
    url = os.environ.get("VEILLEUR_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'veilleur.db'}"


def open_stores() -> tuple[Database, EvidenceStore]:
    url = database_url()
    try:
        db = open_database(url)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot open the database {url!r}: {first}") from None
    return db, EvidenceStore(data_dir() / "evidence")
