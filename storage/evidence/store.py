"""The content-addressed evidence store.

Layout: `<data dir>/evidence/<aa>/<bb>/<sha256>`, where aa and bb are the first two pairs of hex
digits of the file's sha256. A file is written once (to a temporary name, then renamed, so a
crash never leaves half a file under a valid name) and never modified: the same bytes captured
twice are stored once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from foundation.files import write_atomically


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class EvidenceStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4] / sha

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
