"""Small JPEG crops of stored screenshots for alert e-mails: the element before, the same area after.

The before picture is the element the previous visit found, outlined, with some of the page
around it; the after picture is the same area (same CSS pixels) of the same page at the later
visit, outlined the same way, so that a reader sees at a glance what is no longer there (or, when
the later page now ends above that area, its bottom, said as such). When a picture cannot be
drawn the reason is given in French instead: a wrong picture would be worse than none.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageDraw, UnidentifiedImageError

from reports.alerts.locations import Picture
from reports.evidence import proof
from storage.evidence.store import EvidenceStore

# Enough page around the element to recognise where it sat (CSS pixels).
MARGIN = 80
# Each crop fits in this (pixels), so that a digest of ten incidents with two crops each stays
# well under the 10 MB many mail servers refuse.
CROP_SIZE = (560, 360)
CROP_QUALITY = 80
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Crop:
    jpeg: bytes | None
    missing: str | None  # why there is no picture, in French (None when there is one)
    # The later page ends above where the element was: the picture is its bottom, not outlined.
    page_end: bool = False


def _jpeg(piece: Image.Image) -> bytes:
    piece.thumbnail(CROP_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    piece.save(out, format="JPEG", quality=CROP_QUALITY, optimize=True)
    return out.getvalue()


def _page_end(image: Image.Image, picture: Picture, scale: float) -> Crop | None:
    """The bottom of a later page that now ends above the element's place (what was below it
    went, or the page shrank), as wide as the crop would have been; None when the screenshot
    was cut at the campaign's height cap, since the page may go on below it."""
    box = picture.box
    if picture.max_height is not None and image.height >= int(picture.max_height * scale):
        return None
    if box.y * scale < image.height:
        return None
    margin = int(MARGIN * scale)
    left = max(0, int(box.x * scale) - margin)
    right = min(image.width, int((box.x + box.width) * scale) + margin, left + int(proof.MAX_CROP[0] * scale))
    height = min(int(box.height * scale) + 2 * margin, int(proof.MAX_CROP[1] * scale))
    if right <= left:
        return None
    return Crop(_jpeg(image.crop((left, max(0, image.height - height), right, image.height))), None, page_end=True)


def element_crop(store: EvidenceStore, picture: Picture | None, *, later: bool = False) -> Crop:
    """The element's area on the picture's screenshot, outlined, as a bounded JPEG; or why not
    (`later`: the picture is of the later visit, the area where the element was)."""
    visit = "la dernière visite" if later else "la visite précédente"
    if picture is None:
        return Crop(None, f"aucune capture d’écran de {visit}")
    if picture.box is None:
        return Crop(None, "la position de l’élément sur la page n’a pas été enregistrée")
    if picture.box.width <= 0 or picture.box.height <= 0:
        return Crop(None, "l’élément n’occupait aucune place visible sur la page")
    if not picture.page_found:
        return Crop(None, f"la page n’a pas été retrouvée lors de {visit}")
    sha = picture.screenshot_sha
    if not sha or not _SHA256.match(sha) or not store.exists(sha):
        return Crop(None, f"la capture d’écran de la page lors de {visit} n’est plus disponible" if sha
                    else f"aucune capture d’écran de la page lors de {visit}")
    try:
        with Image.open(io.BytesIO(store.get(sha))) as opened:
            image = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return Crop(None, "la capture d’écran de la page est illisible")
    scale = image.width / picture.viewport_width if picture.viewport_width else 1.0
    region = proof.region_of(picture.box, image.size, scale)
    if region is None:
        if later and (end := _page_end(image, picture, scale)) is not None:
            return end
        return Crop(None, "cet endroit dépasse la partie capturée de la page" if later
                    else "l’élément se trouvait au-delà de la partie capturée de la page")
    margin = int(MARGIN * scale)
    left, top = max(0, region.left - margin), max(0, region.top - margin)
    right = min(image.width, region.right + margin, left + int(proof.MAX_CROP[0] * scale))
    bottom = min(image.height, region.bottom + margin, top + int(proof.MAX_CROP[1] * scale))
    piece = image.crop((left, top, right, bottom))
    width = max(2, round(3 * scale))
    # Just outside the element, so that what it says (or what replaced it) stays readable.
    box = (region.left - left - width, region.top - top - width, region.right - left + width - 1,
           region.bottom - top + width - 1)
    if later:
        _place_marks(ImageDraw.Draw(piece), box, width)
    else:
        ImageDraw.Draw(piece).rectangle(box, outline=proof.MARK, width=width)
    return Crop(_jpeg(piece), None)


# The later visit's picture shows where the element was, not an element at fault: whatever now
# stands there (a heading that replaced a button) gets grey corner marks, never the red frame.
PLACE_MARK = (110, 110, 110)


def _place_marks(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], width: int) -> None:
    left, top, right, bottom = box
    arm = max(4 * width, min(right - left, bottom - top) // 4)
    for x, y, dx, dy in ((left, top, 1, 1), (right, top, -1, 1), (left, bottom, 1, -1), (right, bottom, -1, -1)):
        draw.line((x, y, x + dx * arm, y), fill=PLACE_MARK, width=width)
        draw.line((x, y, x, y + dy * arm), fill=PLACE_MARK, width=width)
