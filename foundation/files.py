"""Writing a file so that readers see the old content or the whole new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_file(path: Path, permissions: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write, that becomes `path` (its folder created) only once the block ends
    without error: written under a temporary name in the same folder, flushed to disk, then
    renamed over `path`. A crash leaves at most a stray `.tmp-*` file. The file is private to us
    unless `permissions` says otherwise."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same folder, so that the rename stays on one file system and is atomic; the temporary name
    # keeps the target's extension, so that one left by a crash still says what it was to become.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w+b") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if permissions is not None:
            os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` as `atomic_file` does."""
    with atomic_file(path) as handle:
        handle.write(data)
