"""Small JPEG thumbnails of stored screenshots, to show the evidence inside an e-mail."""

from __future__ import annotations

import io
import re

from PIL import Image, UnidentifiedImageError

from storage.evidence.store import EvidenceStore

# Wide enough to recognise the page, small enough that a digest of twenty items stays light.
THUMBNAIL_SIZE = (480, 300)
THUMBNAIL_QUALITY = 70
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def thumbnail_jpeg(store: EvidenceStore, sha: str | None) -> bytes | None:
    """The top of a stored full-page screenshot (what a visitor sees first), resized to fit
    `THUMBNAIL_SIZE`, as JPEG bytes; None when the artifact is missing or not an image, so that
    a lost screenshot costs the e-mail a picture, never the alert itself."""
    if not sha or not _SHA256.match(sha) or not store.exists(sha):
        return None
    try:
        with Image.open(io.BytesIO(store.get(sha))) as image:
            width, height = image.size
            ratio = THUMBNAIL_SIZE[1] / THUMBNAIL_SIZE[0]
            first_screen = image.crop((0, 0, width, min(height, max(1, round(width * ratio)))))
            first_screen = first_screen.convert("RGB")
            first_screen.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            first_screen.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
