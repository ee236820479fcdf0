"""Copying evidence files from the store into the report's folder, once each, under a readable name."""

from __future__ import annotations

import shutil
from pathlib import Path

from storage.evidence.store import EvidenceStore

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/json": ".json", "text/html; charset=utf-8": ".html.txt"}


def copy_artifact(store: EvidenceStore, sha: str | None, media_type: str, assets: Path) -> str | None:
    """The file's path relative to the report root, or None when the store no longer has it."""
    if not sha or not store.exists(sha):
        return None
    name = sha + EXTENSIONS.get(media_type, "")
    target = assets / name
    if not target.exists():
        shutil.copyfile(store.path(sha), target)
    return f"evidence/{name}"
