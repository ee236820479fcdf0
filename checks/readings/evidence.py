"""Building Evidence pointers from elements and text matches."""

from __future__ import annotations

from checks.models import Evidence
from checks.readings.coverage import page_address
from checks.readings.text import collapse, excerpt, fold
from probes.models import Element, PageCapture

MAX_EVIDENCE = 20


def from_element(page: PageCapture, element: Element, note: str | None = None, quote: str | None = None) -> Evidence:
    """Evidence pointing at an element: its selector, HTML snippet, box and text."""
    text = quote if quote is not None else (
        element.text or element.attrs.get("aria-label") or element.attrs.get("title")
        or next((i.alt for i in element.images if i.alt), "") or element.attrs.get("href") or element.attrs.get("src", "")
    )
    return Evidence(
        page_url=page_address(page),
        selector=element.selector,
        html=element.html or None,
        box=element.box,
        excerpt=collapse(text)[:300] or None,
        note=note,
    )


def from_text(page: PageCapture, text: str, start: int, end: int, note: str | None = None,
              element: Element | None = None) -> Evidence:
    """Evidence quoting text around [start, end); points at `element` too when one holds it."""
    return Evidence(
        page_url=page_address(page),
        selector=element.selector if element else None,
        html=(element.html or None) if element else None,
        box=element.box if element else None,
        excerpt=excerpt(text, start, end),
        note=note,
    )


def element_containing(page: PageCapture, needle: str, prefer_links: bool = True) -> Element | None:
    """The first collected element whose text contains `needle` (compared folded and collapsed)."""
    wanted = collapse(fold(needle))
    if not wanted:
        return None
    candidates = [e for e in page.elements if wanted in collapse(fold(e.text))]
    if prefer_links:
        candidates.sort(key=lambda e: e.tag != "a")
    # The smallest holder is the most precise pointer.
    candidates.sort(key=lambda e: len(e.text))
    return candidates[0] if candidates else None
