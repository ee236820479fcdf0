"""What a probe captured: the boundary between the browser (probes/) and the detectors (checks/).

Everything here is plain data, free of Playwright, so that checks can be run and tested on saved
captures without a browser.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

PageKind = Literal["landing", "login", "contact", "accessibility", "other"]


class Box(BaseModel):
    """An element's box in CSS pixels, relative to the top of the full-page screenshot."""

    x: float
    y: float
    width: float
    height: float


class ImageRef(BaseModel):
    src: str = ""
    alt: str = ""


class Element(BaseModel):
    """An element a user can act on, or that the checks look at (links, buttons, images, scripts)."""

    tag: str
    selector: str
    text: str = ""
    # A chosen subset of attributes: id, class, href and src (made absolute), alt, title,
    # aria-label, type, role, name, value, rel, target and every data-* attribute.
    attrs: dict[str, str] = Field(default_factory=dict)
    images: list[ImageRef] = Field(default_factory=list)
    html: str = ""
    box: Box | None = None
    visible: bool = True

    @property
    def href(self) -> str:
        return self.attrs.get("href", "")

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class FormField(BaseModel):
    tag: str
    name: str = ""
    type: str = ""
    label: str = ""
    required: bool = False


class Form(BaseModel):
    selector: str
    action: str = ""
    method: str = "get"
    fields: list[FormField] = Field(default_factory=list)


class Timings(BaseModel):
    """Milliseconds. Navigation-timing figures come from the page; total is wall time of the visit."""

    ttfb_ms: float | None = None
    dom_content_loaded_ms: float | None = None
    load_ms: float | None = None
    settle_ms: float | None = None
    total_ms: float | None = None
    # Where a visit's time goes (bench/run.py prints them): navigation, the DOM capture
    # (collect.js and the HTML), the screenshot, axe-core.
    goto_ms: float | None = None
    collect_ms: float | None = None
    screenshot_ms: float | None = None
    axe_ms: float | None = None


class AxeNode(BaseModel):
    target: list[str] = Field(default_factory=list)
    html: str = ""
    failure_summary: str = ""


class AxeViolation(BaseModel):
    id: str
    impact: str | None = None
    tags: list[str] = Field(default_factory=list)
    help: str = ""
    help_url: str = ""
    nodes: list[AxeNode] = Field(default_factory=list)


class AxeOutcome(BaseModel):
    """axe-core results for one page; `error` set when axe could not run (then nothing was measured).

    `violations` failed; `needs_review` are axe's "incomplete" results, which it could not decide
    and a person must check (`incomplete` counts those rules)."""

    version: str | None = None
    violations: list[AxeViolation] = Field(default_factory=list)
    needs_review: list[AxeViolation] = Field(default_factory=list)
    passes: int = 0
    incomplete: int = 0
    error: str | None = None
    raw_json: bytes | None = Field(default=None, exclude=True, repr=False)

    @property
    def measured(self) -> bool:
        return self.error is None and self.version is not None


class PageCapture(BaseModel):
    url: str
    kind: PageKind
    final_url: str | None = None
    http_status: int | None = None
    ok: bool = False
    error: str | None = None
    # Stable machine-readable cause of a failure: dns, connection_refused, connection_reset,
    # empty_response (204/205), tls, timeout, redirect_loop, http_4xx, http_5xx, blocked,
    # not_html, crashed, browser.
    error_class: str | None = None
    content_type: str | None = None
    redirect_chain: list[str] = Field(default_factory=list)
    response_headers: dict[str, str] = Field(default_factory=dict)
    timings: Timings = Field(default_factory=Timings)
    title: str = ""
    lang: str = ""
    html: str = ""
    text: str = ""
    main_text: str = ""
    elements: list[Element] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    dialogs: list[str] = Field(default_factory=list)
    axe: AxeOutcome | None = None
    screenshot: bytes | None = Field(default=None, exclude=True, repr=False)
    screenshot_type: str | None = None
    captured_at: datetime | None = None

    def links(self) -> list[Element]:
        return [e for e in self.elements if e.tag == "a" and e.href]


class ToolVersions(BaseModel):
    veilleur: str
    playwright: str | None = None
    chromium: str | None = None
    axe_core: str | None = None


class ServiceCapture(BaseModel):
    """A landing page and the key pages discovered from it, as one probe of one service saw them."""

    url: str
    final_url: str | None = None
    http_status: int | None = None
    ok: bool = False
    error: str | None = None
    error_class: str | None = None
    pages: list[PageCapture] = Field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    tools: ToolVersions | None = None
    # How many times the service was probed in this campaign (transient failures are retried).
    attempts: int = 1
    # Set when our side failed under the run (our browser lost or not started): the capture then
    # says nothing about the site, and a campaign records nothing of it.
    our_failure: str | None = None

    @property
    def landing(self) -> PageCapture | None:
        return self.pages[0] if self.pages else None

    def loaded_pages(self) -> list[PageCapture]:
        return [p for p in self.pages if p.ok]

    def failed_pages(self) -> list[PageCapture]:
        return [p for p in self.pages if not p.ok]
