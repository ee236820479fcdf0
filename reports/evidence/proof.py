"""Proof images for a finding, drawn from the stored full-page screenshot and the element's box.

No browser: the box (CSS pixels from the top of the page, probes.models.Box) was measured at
capture time, and the screenshot is the one sealed in the run's manifest. The highlighted page is
a JPEG like the screenshot it comes from; the crop is a PNG (small, and no second lossy pass over
the element an auditor reads).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from probes.models import Box

MARK = (225, 0, 15)  # Marianne red: visible on light and dark pages
MARGIN = 40  # CSS px of surroundings kept around the element in a crop
MAX_CROP = (1280, 800)  # a huge element (a whole footer) is cropped to a screenful from its top


@dataclass(frozen=True)
class Region:
    """A rectangle in image pixels."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def empty(self) -> bool:
        return self.right <= self.left or self.bottom <= self.top


def region_of(box: Box, image_size: tuple[int, int], scale: float = 1.0) -> Region | None:
    """Where the box falls on the screenshot, clipped to it; None when it falls outside (the
    screenshot is clipped in height) or has no size (a hidden element)."""
    width, height = image_size
    left, top = int(box.x * scale), int(box.y * scale)
    right, bottom = int(round((box.x + box.width) * scale)), int(round((box.y + box.height) * scale))
    clipped = Region(max(0, left), max(0, top), min(width, right), min(height, bottom))
    return None if clipped.empty else clipped


def why_no_image(box: Box | None, image_size: tuple[int, int] | None, scale: float = 1.0) -> str | None:
    """Why a proof image cannot be drawn for this pointer, in words for the bundle; None if it can."""
    if image_size is None:
        return "aucune capture d’écran utilisable de cette page (jamais prise, supprimée par la conservation ou altérée)"
    if box is None:
        return "la position de l’élément n’a pas été relevée"
    if box.width <= 0 or box.height <= 0:
        return "l’élément n’occupe aucune place sur la page (masqué)"
    if region_of(box, image_size, scale) is None:
        return f"l’élément se trouve au-delà de la partie capturée de la page (capture de {image_size[1]} px de haut)"
    return None


def _open(screenshot: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(screenshot))
    image.load()
    return image.convert("RGB")


def _outline(draw: ImageDraw.ImageDraw, region: Region, width: int = 4) -> None:
    # Drawn just outside the element so the element itself stays readable.
    draw.rectangle((region.left - width, region.top - width, region.right + width - 1, region.bottom + width - 1),
                   outline=MARK, width=width)


def highlight(screenshot: bytes, boxes: list[Box], scale: float = 1.0, quality: int = 75) -> bytes | None:
    """The full-page screenshot with each box outlined (JPEG); None if no box falls on it."""
    image = _open(screenshot)
    regions = [r for r in (region_of(b, image.size, scale) for b in boxes) if r is not None]
    if not regions:
        return None
    draw = ImageDraw.Draw(image)
    for region in regions:
        _outline(draw, region)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def crop(screenshot: bytes, box: Box, scale: float = 1.0) -> bytes | None:
    """The element and its surroundings, outlined (PNG); None if it is not on the screenshot."""
    image = _open(screenshot)
    region = region_of(box, image.size, scale)
    if region is None:
        return None
    margin = int(MARGIN * scale)
    left, top = max(0, region.left - margin), max(0, region.top - margin)
    right = min(image.width, region.right + margin, left + int(MAX_CROP[0] * scale))
    bottom = min(image.height, region.bottom + margin, top + int(MAX_CROP[1] * scale))
    piece = image.crop((left, top, right, bottom))
    _outline(ImageDraw.Draw(piece), Region(region.left - left, region.top - top, region.right - left, region.bottom - top))
    out = io.BytesIO()
    piece.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_size(screenshot: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(screenshot)) as image:
        return image.size
