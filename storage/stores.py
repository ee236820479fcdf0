"""Opening the database and the evidence store named by the configuration."""

from __future__ import annotations

from storage.db import Database, open_database
from storage.evidence.store import EvidenceStore
from probes.settings import data_dir, database_url
from foundation.errors import InputError


def open_stores() -> tuple[Database, EvidenceStore]:
    url = database_url()
    try:
        db = open_database(url)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot open the database {url!r}: {first}") from None
    return db, EvidenceStore(data_dir() / "evidence")
