"""The evidence store kept in the PostgreSQL database itself (VEILLEUR_EVIDENCE_URL=postgresql…):
content-addressed blobs in a table of their own, so that a cluster needs nothing but its broker and
its database, and a worker nothing of its own on disk.

It answers what the file store answers (`put`, `get`, `exists`, `delete`) and its `path(sha)` is a
`BlobPath` that reads the blob for the code written against files (`verify`, bundles, retention,
the dashboard, the static report)."""

from __future__ import annotations

import atexit
import errno
import io
import shutil
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, delete, exists, select
from sqlalchemy.dialects.postgresql import insert

from foundation.files import write_atomically
from storage.evidence.store import EvidenceStore, sha256_of
from storage.schema import EvidenceBlob

TABLE = EvidenceBlob.__tablename__


class DatabaseEvidenceStore(EvidenceStore):
    """Blobs in `evidence_blobs`. `root` is the data dir's evidence/ all the same: its parent holds
    the instance's signing keys, as with the file store."""

    def __init__(self, engine: Engine, root: Path):
        super().__init__(root)
        self.engine = engine
        self._cache: Path | None = None
        self._cache_lock = threading.Lock()

    def __str__(self) -> str:
        return f"{self.engine.url.render_as_string(hide_password=True)} (table {TABLE})"

    def path(self, sha: str) -> "BlobPath":  # type: ignore[override]
        return BlobPath(self, sha)

    def exists(self, sha: str) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.scalar(select(exists().where(EvidenceBlob.sha256 == sha))))

    def put(self, data: bytes) -> str:
        sha = sha256_of(data)
        # Asked first: most files of a campaign are already there (style sheets, the same pages),
        # and asking costs less than sending their bytes again.
        if self.exists(sha):
            return sha
        with self.engine.begin() as conn:
            conn.execute(insert(EvidenceBlob).values(
                sha256=sha, size=len(data), data=data, created_at=datetime.now(timezone.utc),
            ).on_conflict_do_nothing(index_elements=["sha256"]))
        return sha

    def get(self, sha: str) -> bytes:
        with self.engine.connect() as conn:
            data = conn.scalar(select(EvidenceBlob.data).where(EvidenceBlob.sha256 == sha))
        if data is None:
            raise FileNotFoundError(errno.ENOENT, f"no evidence blob {sha} in {self}")
        return bytes(data)

    def delete(self, sha: str) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(delete(EvidenceBlob).where(EvidenceBlob.sha256 == sha)).rowcount > 0

    def local_copy(self, sha: str) -> Path:
        """A file holding the blob, in a folder private to this process (removed when it exits): for
        code that hands a path to the system (`shutil.copyfile` in the static report)."""
        with self._cache_lock:
            if self._cache is None:
                self._cache = Path(tempfile.mkdtemp(prefix="veilleur-blobs-"))
                atexit.register(shutil.rmtree, self._cache, True)
        target = self._cache / sha
        if not target.is_file():
            write_atomically(target, self.get(sha))
        return target


class BlobPath:
    """What the code written for files asks of an evidence file's path, answered from the database."""

    def __init__(self, store: DatabaseEvidenceStore, sha: str):
        self.store = store
        self.name = sha

    def __repr__(self) -> str:
        return f"BlobPath({self.name!r})"

    def __str__(self) -> str:
        return f"{self.store}/{self.name}"

    def __fspath__(self) -> str:
        return str(self.store.local_copy(self.name))

    def is_file(self) -> bool:
        return self.store.exists(self.name)

    exists = is_file

    def read_bytes(self) -> bytes:
        return self.store.get(self.name)

    def open(self, mode: str = "rb") -> io.BytesIO:
        if mode != "rb":
            raise ValueError(f"evidence blobs are read only (mode {mode!r})")
        return io.BytesIO(self.store.get(self.name))

    def unlink(self, missing_ok: bool = False) -> None:
        if not self.store.delete(self.name) and not missing_ok:
            raise FileNotFoundError(errno.ENOENT, f"no evidence blob {self.name} in {self.store}")
