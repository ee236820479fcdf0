"""The content-addressed evidence store, as files.

Layout: `<data dir>/evidence/<aa>/<bb>/<sha256>`, where aa and bb are the first two pairs of hex
digits of the file's sha256. A file is written once (to a temporary name, then renamed, so a
crash never leaves half a file under a valid name) and never modified: the same bytes captured
twice are stored once.

VEILLEUR_EVIDENCE_URL may put the files elsewhere (`file:///path`, e.g. on NFS for several machines)
or in the database (storage/evidence/database_store.py). Either way `root` stays
`<data dir>/evidence`: its parent is the data dir, where the instance's signing keys are
(storage/evidence/signing.py `keys_of`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from foundation.files import write_atomically


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class EvidenceStore:
    # The key VEILLEUR_SIGNING_KEY gives, set by storage/stores.py when it opens the store: whoever
    # holds the store seals with the instance's key (signing.py `keys_of`). None: the data dir's key file.
    signing_key: str | None = None

    def __init__(self, root: Path, folder: Path | None = None):
        self.root = Path(root)
        # Where the files are: the data dir's evidence/ unless VEILLEUR_EVIDENCE_URL names a folder.
        self.folder = Path(folder) if folder is not None else self.root

    def __str__(self) -> str:
        return str(self.folder)

    def path(self, sha: str) -> Path:
        return self.folder / sha[:2] / sha[2:4] / sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        sha = sha256_of(data)
        target = self.path(sha)
        if target.is_file():
            return sha
        write_atomically(target, data)
        return sha

    def get(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

    def delete(self, sha: str) -> bool:
        """Remove a file (retention); False when it was not there."""
        try:
            self.path(sha).unlink()
        except FileNotFoundError:
            return False
        return True
