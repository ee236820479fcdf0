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
    # The part of settle_ms spent waiting for the DOM to hold still, after the network.
    dom_settle_ms: float | None = None
    total_ms: float | None = None
    # Where a visit's time goes (bench/run.py prints them): navigation, the DOM capture
    # (collect.js and the HTML), the screenshot, axe-core.
    goto_ms: float | None = None
    collect_ms: float | None = None
    screenshot_ms: float | None = None
    axe_ms: float | None = None
    # The phone pass: resizing, measures, axe-core's target-size, its screenshot, resizing back.
    mobile_ms: float | None = None


class ResponseTime(BaseModel):
    """The address's HTTP response time by phase, in milliseconds (probes/response_time.py): the
    observatory's load time. No `total_ms` (and an `error`) when no request got an answer."""

    total_ms: float | None = None
    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    first_byte_ms: float | None = None
    body_ms: float | None = None
    status: int | None = None
    url: str | None = None
    redirects: int = 0
    samples: int = 1
    error: str | None = None

    def plus(self, hop: "ResponseTime") -> "ResponseTime":
        """This request followed by the redirect `hop`: phases added, the last answer's status."""
        def add(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else round(a + b, 2)

        return ResponseTime(
            total_ms=add(self.total_ms, hop.total_ms), dns_ms=add(self.dns_ms, hop.dns_ms),
            connect_ms=add(self.connect_ms, hop.connect_ms), tls_ms=add(self.tls_ms, hop.tls_ms),
            first_byte_ms=add(self.first_byte_ms, hop.first_byte_ms), body_ms=add(self.body_ms, hop.body_ms),
            status=hop.status, url=self.url, redirects=self.redirects + 1, samples=self.samples,
        )


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


# The pages also read on a phone's screen (probes/mobile.py): those where a person does the
# procedure or looks for help. The accessibility statement is left out: a legal text, in the
# site's own template, which tells nothing the landing page does not.
MOBILE_PAGE_KINDS: frozenset[PageKind] = frozenset({"landing", "login", "contact", "other"})


class WideElement(BaseModel):
    """An element reaching past the right edge of the phone's screen (box: at the phone's width)."""

    tag: str
    selector: str
    text: str = ""
    html: str = ""
    box: Box | None = None


class TextSize(BaseModel):
    """How much shown text has this computed font size: characters and text nodes."""

    size_px: float
    chars: int = 0
    nodes: int = 0


class TextSample(BaseModel):
    """A piece of shown text, with its computed font size and the element holding it."""

    size_px: float
    selector: str
    text: str = ""
    html: str = ""
    box: Box | None = None


class MobileReading(BaseModel):
    """A page as a phone's screen shows it: the tab resized to `width`×`height` CSS px after the
    desktop capture (no second load), measured, then set back. Plain measures; checks/mobile.py
    decides. `error` set when the pass could not run (then nothing was read).

    Boxes are at the phone's width: they point into `screenshot` (taken when the page is wider
    than the screen: its first screen, as wide as the content up to twice the screen), not into
    the page's desktop screenshot."""

    width: int
    height: int
    # The content of the page's <meta name="viewport"> (the last one, as the browser applies);
    # None when there is none.
    viewport_meta: str | None = None
    # How wide the page's content is at this width, and whether the page cuts off what overflows
    # (overflow-x hidden on html or body) instead of scrolling sideways.
    scroll_width: int | None = None
    root_clips: bool = False
    # Shown elements reaching past the right edge, widest first (at most 5).
    too_wide: list[WideElement] = Field(default_factory=list)
    # Shown text by computed font size, smallest first; and the smallest pieces of text (at most 5).
    text_sizes: list[TextSize] = Field(default_factory=list)
    smallest_text: list[TextSample] = Field(default_factory=list)
    # axe-core's target-size rule alone (touch targets of at least 24 px, or spaced), at this width.
    target_size: AxeOutcome | None = None
    screenshot: bytes | None = Field(default=None, exclude=True, repr=False)
    screenshot_type: str | None = None
    error: str | None = None

    @property
    def measured(self) -> bool:
        return self.error is None


class PriorVisit(BaseModel):
    """What the service's previous run saw of one page: the fingerprint to compare with, and where
    the audit of that page lies (the run that made it, its visit number in the service's chain, its
    evidence files)."""

    url: str
    fingerprint: str
    run_id: int
    visit: int
    screenshot_sha: str | None = None
    screenshot_type: str | None = None
    axe_sha: str | None = None


class PageCapture(BaseModel):
    url: str
    kind: PageKind
    final_url: str | None = None
    http_status: int | None = None
    ok: bool = False
    error: str | None = None
    # Stable machine-readable cause of a failure: dns, connection_refused, connection_reset,
    # empty_response (204/205), tls, timeout, redirect_loop, http_4xx, http_5xx, blocked,
    # not_html, crashed, browser; and for a page that is not the service (probes/interruption.py,
    # whose French reason is then the `error`): waf, bot_challenge, waiting_room, maintenance,
    # soft_404, parked, default_page, empty_shell.
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
    # The phone pass, on the kinds of MOBILE_PAGE_KINDS; None where it did not run.
    mobile: MobileReading | None = None
    screenshot: bytes | None = Field(default=None, exclude=True, repr=False)
    screenshot_type: str | None = None
    captured_at: datetime | None = None
    # sha256 of what the page showed: its rendered DOM, the bytes of every stylesheet, font and
    # image loaded for it, and how it was audited (probes/fingerprint.py); None when it could not
    # be established (the page then always gets a full audit).
    fingerprint: str | None = None
    # Set when the audit was not done again: the earlier visit the page is byte-identical to, whose
    # axe-core results, screenshot and phone pass it keeps by reference.
    reused: PriorVisit | None = None

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
    # The address's HTTP response time, measured apart from the browser (the observatory's load time).
    response_time: ResponseTime | None = None
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
