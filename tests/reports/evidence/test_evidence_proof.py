"""Proof images: the element outlined on the page, and cropped with its surroundings."""

from __future__ import annotations

import io

from PIL import Image

from probes.models import Box
from reports.evidence import proof
from tests.support.evidence_runs import BUTTON, BUTTON_COLOUR, screenshot


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour))


def test_the_crop_is_a_png_of_the_element_and_its_surroundings_outlined_in_red():
    image = open_image(proof.crop(screenshot(), BUTTON))
    assert image.format == "PNG"
    margin = proof.MARGIN
    assert image.size == (BUTTON.width + 2 * margin, BUTTON.height + 2 * margin)
    centre = (margin + BUTTON.width // 2, margin + BUTTON.height // 2)
    assert close_to(image.getpixel(centre), BUTTON_COLOUR)  # the element itself is left readable
    assert close_to(image.getpixel((margin - 2, margin + 10)), proof.MARK)  # the outline just outside it
    assert close_to(image.getpixel((5, 5)), (255, 255, 255))  # surroundings as captured


def test_the_highlight_is_the_whole_page_as_jpeg_with_each_element_outlined():
    second = Box(x=800, y=300, width=100, height=40)
    image = open_image(proof.highlight(screenshot(), [BUTTON, second]))
    assert image.format == "JPEG" and image.size == (1280, 1600)
    assert close_to(image.getpixel((int(BUTTON.x) - 2, int(BUTTON.y) + 30)), proof.MARK)
    assert close_to(image.getpixel((int(second.x) - 2, int(second.y) + 20)), proof.MARK)
    assert close_to(image.getpixel((int(BUTTON.x) + 100, int(BUTTON.y) + 30)), BUTTON_COLOUR)
    assert close_to(image.getpixel((640, 1500)), (255, 255, 255))


def test_a_crop_near_the_edge_is_clipped_to_the_screenshot():
    corner = Box(x=0, y=0, width=50, height=20)
    image = open_image(proof.crop(screenshot(), corner))
    assert image.size == (50 + proof.MARGIN, 20 + proof.MARGIN)


def test_a_huge_element_is_cropped_to_a_screenful_from_its_top():
    footer = Box(x=0, y=100, width=1280, height=1400)
    image = open_image(proof.crop(screenshot(), footer))
    assert image.size == (1280, 800)


def test_boxes_measured_in_css_pixels_are_scaled_to_a_high_density_screenshot():
    double = screenshot(width=2560, height=3200)
    image = open_image(proof.crop(double, Box(x=50, y=60, width=10, height=10), scale=2.0))
    assert image.size == (20 + 2 * 2 * proof.MARGIN, 20 + 2 * 2 * proof.MARGIN)


def test_no_image_is_drawn_for_an_element_beyond_the_captured_page_or_without_size_and_the_reason_is_given():
    below = Box(x=10, y=9000, width=100, height=30)  # screenshots stop at 8000 px
    hidden = Box(x=10, y=10, width=0, height=0)
    shot = screenshot()
    assert proof.crop(shot, below) is None and proof.highlight(shot, [below]) is None
    size = proof.image_size(shot)
    assert "au-delà de la partie capturée de la page (capture de 1600 px de haut)" in proof.why_no_image(below, size)
    assert "masqué" in proof.why_no_image(hidden, size)
    assert proof.why_no_image(None, size) == "la position de l’élément n’a pas été relevée"
    assert proof.why_no_image(BUTTON, None).startswith("aucune capture d’écran utilisable de cette page")
    assert proof.why_no_image(BUTTON, size) is None
