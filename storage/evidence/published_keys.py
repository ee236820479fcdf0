"""The instance's public signing keys in its database, where every process that verifies finds them.

A key's public half is also in the keyring of the data dir that signed with it (signing.py); but a
process with a data dir of its own (the dashboard's container, a worker's machine, an auditor's)
reads the shared database and evidence store, not that keyring. So the process that seals a
manifest publishes the key it signed with in the same transaction, the first time the database
lacks it, with the older keys of its keyring; a key new to the database retires those still in
use there, as it does in a keyring. No manifest is committed whose key the database does not hold.

Keys read from the database are trusted as far as the database is: an auditor who trusts only the
key the instance published gives it to `veilleur verify --public-key`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from foundation.errors import InputError
from foundation.times import as_utc
from storage.evidence.signing import ALGORITHM, InstanceKeys, Keyring, KeyringEntry, Signer, fingerprint, keys_of
from storage.evidence.store import EvidenceStore
from storage.schema import SigningKeyRecord

TABLE = SigningKeyRecord.__tablename__


def published_keys(session: Session) -> list[KeyringEntry]:
    """The keys the database holds, each checked against its fingerprint (a row edited by hand fails)."""
    entries = []
    for row in session.scalars(select(SigningKeyRecord).order_by(SigningKeyRecord.created_at, SigningKeyRecord.fingerprint)):
        entry = KeyringEntry(fingerprint=row.fingerprint, algorithm=row.algorithm, public_key=row.public_key,
                             created_at=as_utc(row.created_at), retired_at=as_utc(row.retired_at))
        try:
            actual = fingerprint(entry.key())
        except InputError as exc:
            raise InputError(f"table {TABLE}: {exc}") from None
        if actual != entry.fingerprint:
            raise InputError(f"table {TABLE}: key {entry.fingerprint} has the fingerprint {actual}: the row was edited")
        entries.append(entry)
    return entries


def _insert_missing(session: Session, entry: KeyringEntry) -> bool:
    """Adds the key unless it is there; True when this call added it. Two workers publishing the
    same new key at once both commit: the second insert does nothing."""
    values = dict(fingerprint=entry.fingerprint, algorithm=entry.algorithm, public_key=entry.public_key,
                  created_at=entry.created_at, retired_at=entry.retired_at)
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(SigningKeyRecord).values(**values).on_conflict_do_nothing()
        # RETURNING rather than rowcount, which psycopg does not give for this statement.
        return session.execute(statement.returning(SigningKeyRecord.fingerprint)).first() is not None
    if session.get(SigningKeyRecord, entry.fingerprint) is not None:
        return False
    session.add(SigningKeyRecord(**values))
    session.flush()
    return True


def publish(session: Session, keys: InstanceKeys, signer: Signer) -> None:
    """Makes sure the database holds the key `signer` signs with (one lookup when it does)."""
    if session.get(SigningKeyRecord, signer.fingerprint) is not None:
        return
    keyring = keys.keyring()
    current = keyring.get(signer.fingerprint) or KeyringEntry(fingerprint=signer.fingerprint, algorithm=ALGORITHM,
                                                              public_key=signer.public_key, created_at=datetime.now(UTC))
    # The older keys first, as their keyring dates them: what they signed before the database held
    # keys verifies too.
    for entry in keyring.entries:
        if entry.fingerprint != current.fingerprint:
            _insert_missing(session, entry)
    if _insert_missing(session, current):
        session.execute(update(SigningKeyRecord)
                        .where(SigningKeyRecord.retired_at.is_(None), SigningKeyRecord.fingerprint != current.fingerprint)
                        .values(retired_at=current.created_at or datetime.now(UTC)))


def instance_keyring(session: Session, store: EvidenceStore) -> Keyring:
    """The keys to check the instance's manifests with: those of the database, and those of this
    process's own keyring that the database lacks (signed before the database held keys)."""
    entries = published_keys(session)
    known = {e.fingerprint for e in entries}
    local = keys_of(store).keyring()
    only_local = [e for e in local.entries if e.fingerprint not in known]
    source = "la base de données" + (f" et de {local.source}" if only_local else "")
    return Keyring(entries + only_local, source)
