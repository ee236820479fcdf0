"""Visiting one page in a browser context and capturing what it shows."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AsyncExitStack
from typing import AsyncContextManager
from datetime import datetime, timezone

from playwright.async_api import BrowserContext, Page, Response
from playwright.async_api import Error as PlaywrightError

from probes.axe import loader_script as axe_loader_script
from probes.axe import run_axe
from probes.fingerprint import ResourceLedger, audit_recipe, page_fingerprint
from probes.interruption import recognise
from probes.errors import NAVIGATED_AWAY, classify_exception, classify_status, is_html, short_message
from probes.mobile import read_mobile
from probes.models import (
    MOBILE_PAGE_KINDS, Element, Form, MobileReading, PageCapture, PageKind, PriorVisit, Timings,
)
from probes.scripts import in_page
from probes.settings import ProbeSettings
from probes.settle import AWAIT_DOM_JS, dom_limits, settled_in_page, wait_loaded
from probes.settle import install as install_settle

COLLECT_LIMITS = {"maxElements": 3000, "maxText": 200_000}
MAX_DOM_BYTES = 5_000_000


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _redirect_chain(response: Response | None) -> list[str]:
    chain: list[str] = []
    request = response.request.redirected_from if response else None
    while request is not None:
        chain.append(request.url)
        request = request.redirected_from
    return list(reversed(chain))


# Run before any script of the page: dialogs answer at once (as dismissed) and are recorded, and
# window.open opens nothing, as a pop-up blocker does. Without it a storm of alert() or pop-ups
# costs a round trip to us each, and holds the page's loading for as long.
#
# It also keeps the browser's own JSON.stringify where the page cannot replace it: our scripts
# return their results through it, as one string; and the browser's own serialisation of the
# document (what Playwright's content() returns), read in the collect's round trip.
QUIET_UI_JS = """(() => {
  const seen = [];
  Object.defineProperty(window, "__veilleurDialogs", {value: seen});
  Object.defineProperty(window, "__veilleurStringify", {value: JSON.stringify.bind(JSON)});
  const outerHTML = Object.getOwnPropertyDescriptor(Element.prototype, "outerHTML").get;
  const serializer = new XMLSerializer(), serialize = XMLSerializer.prototype.serializeToString;
  Object.defineProperty(window, "__veilleurDocument", {value: () =>
    (document.doctype ? serialize.call(serializer, document.doctype) : "")
    + (document.documentElement ? outerHTML.call(document.documentElement) : "")});
  const answer = {alert: undefined, confirm: false, prompt: null};
  for (const type of Object.keys(answer)) {
    window[type] = (message) => {
      if (seen.length < 20) seen.push(type + ": " + String(message === undefined ? "" : message).slice(0, 200));
      return answer[type];
    };
  }
  window.open = () => null;
})();"""

# Read in the same round trip as the page's content (collect.js), once it has settled: one round
# trip less per page than content() after it.
QUIET_UI_RECORD = ("result.dialogs = Array.from(window.__veilleurDialogs || []);"
                   " result.html = window.__veilleurDocument ? window.__veilleurDocument() : null;")


async def _dismiss(dialog) -> None:
    try:
        await dialog.dismiss()
    except PlaywrightError:
        pass


CLOSE_TIMEOUT_S = 5.0


async def _close_quietly(page: Page) -> None:
    # Closing a page caught between two of its own navigations (a meta-refresh loop) can wait for
    # ever; its context is closed after the run anyway, so a page that will not close is left to it.
    try:
        await asyncio.wait_for(page.close(), timeout=CLOSE_TIMEOUT_S)
    except (PlaywrightError, asyncio.TimeoutError):
        pass


async def _screenshot(page: Page, settings: ProbeSettings, timeout_ms: float, height: int | None = None) -> bytes | None:
    """The page from its top, as tall as it is (`height`, when the collect just measured it).

    The tab is made as tall as the page and left so (Tab sets it back before its next page): a
    full-page capture in a desktop-sized tab resizes it to the page's height and back inside
    Chromium, two layouts of the page; this way the phone pass that follows resizes from here,
    and the last page of a service run is never resized back (step by step in one tab: screenshot
    94 → 74 ms of CPU, phone pass 55 → 40 ms; in whole campaigns within the machine's noise). Chromium's full-page capture lays the page out
    at its full height as well, so the picture is the same."""
    try:
        if height is None:
            height = await _bounded(page.evaluate(
                "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
            ), settings)
        height = max(1, min(int(height or settings.viewport_height), settings.screenshot_max_height))
        await _bounded(page.set_viewport_size({"width": settings.viewport_width, "height": height}), settings)
        # Clipped to the page as measured; should it grow at this height (a block of 100vh), the
        # capture reaches past the viewport, as it did before.
        return await page.screenshot(
            type="jpeg",
            quality=settings.screenshot_quality,
            full_page=True,
            clip={"x": 0, "y": 0, "width": settings.viewport_width, "height": height},
            timeout=timeout_ms,
            animations="disabled",
            caret="initial",  # no style sheet slipped into every frame for a caret nobody has focused
        )
    except (PlaywrightError, asyncio.TimeoutError):
        return None


SELF_NAVIGATION_LIMIT = 4


def _connected(context: BrowserContext) -> bool:
    browser = context.browser
    return browser is None or browser.is_connected()


async def _bounded(awaitable, settings: ProbeSettings):
    """Playwright bounds navigation and waits, not evaluate() nor content(): a page whose script
    loops forever would hold them for ever."""
    return await asyncio.wait_for(awaitable, timeout=settings.page_timeout_s)


async def _collect(page: Page, settings: ProbeSettings, reloads: list[str]) -> dict | None:
    """Run collect.js once the DOM holds still (settle.py: its wait runs in the same call); a page
    that navigates on its own (script or meta refresh) is collected once it has landed; one that
    never stays put is a redirect loop (None)."""
    limits = {**COLLECT_LIMITS, **dom_limits(settings)}
    for attempt in range(3):
        before, url = len(reloads), page.url
        try:
            return json.loads(await _bounded(page.evaluate(in_page("collect.js", AWAIT_DOM_JS, QUIET_UI_RECORD), limits),
                                             settings))
        except PlaywrightError as exc:
            await asyncio.sleep(0.1)  # let the navigation that broke the script be reported
            # The document can be swapped under the script: the error is then "context destroyed"
            # or any error of a half-torn-down DOM; either way the page moved, it did not break.
            navigated = NAVIGATED_AWAY in str(exc) or len(reloads) > before or page.url != url
            if not navigated:
                raise
            if attempt == 2 or len(reloads) >= SELF_NAVIGATION_LIMIT:
                return None
        await wait_loaded(page, settings.settle_cap_s)
    return None


class Tab:
    """One browser tab of a service run, navigated from page to page.

    The pages of a service are visited in one tab, as a person would: the renderer process stays,
    with its parsed style sheets, compiled scripts (axe-core's too) and fonts, so pages after the
    first cost about half as much CPU as in a fresh tab each (measured in bench/). A tab whose page
    failed is closed and the next page gets a fresh one: whatever broke it stays behind.
    """

    def __init__(self, context: BrowserContext, settings: ProbeSettings, on_visit=None):
        self._context = context
        self._settings = settings
        self._on_visit = on_visit
        # Set by the pool when the run ends: the browser under this tab died (killed, crashed),
        # so whatever failed in it failed on our side, not the site's.
        self.browser_lost = False
        self._page: Page | None = None
        # The visit under way: where its dialogs go, and its navigations after loading (None
        # until its own navigation has landed).
        self._dialogs: list[str] = []
        self._reloads: list[str] | None = None
        self._crashed = False
        # Every stylesheet, font and image the tab loaded, for the pages' fingerprints.
        self.ledger = ResourceLedger()
        browser = context.browser
        self.recipe = audit_recipe(settings, browser.version if browser is not None else None)

    async def _open(self) -> Page:
        page = await self._context.new_page()
        # Dialogs are dismissed (and recorded) and pop-ups closed: a probe never waits on a
        # site's UI.
        page.on("dialog", self._on_dialog)
        page.on("popup", lambda popup: asyncio.ensure_future(_close_quietly(popup)))
        page.on("crash", self._on_crash)
        page.on("framenavigated", self._on_navigated)
        self.ledger.watch(page)
        await page.add_init_script(QUIET_UI_JS)
        if not self._settings.landing_only:
            await page.add_init_script(axe_loader_script())
        await install_settle(page, self._settings)
        page.set_default_timeout(self._settings.page_timeout_s * 1000)
        self._crashed = False
        return page

    def _on_dialog(self, dialog) -> None:
        if len(self._dialogs) < 20:
            self._dialogs.append(f"{dialog.type}: {dialog.message[:200]}")
        asyncio.ensure_future(_dismiss(dialog))

    def _on_crash(self, _page: Page) -> None:
        self._crashed = True

    def _on_navigated(self, frame) -> None:
        if self._reloads is not None and self._page is not None and frame == self._page.main_frame:
            self._reloads.append(frame.url)

    async def visit(self, url: str, kind: PageKind, prior: PriorVisit | None = None,
                    loading: AsyncContextManager | None = None) -> PageCapture:
        """Visit a page; with `prior` (what the service's previous run saw there), a page found
        byte-identical keeps that visit's audit instead of doing it again.

        `loading` (the host's politeness slot) is held while the page loads and is read, and let go
        before the audit: axe-core, the screenshot and the phone pass ask the site for nothing, so
        the pause before the host's next page runs while they do."""
        if self._page is not None:
            await self._back_to_desktop()
        if self._page is None:
            self._page = await self._open()  # before the host's slot: the slot is the load's
        async with AsyncExitStack() as host:
            if loading is not None:
                await host.enter_async_context(loading)
            return await self._capture(url, kind, prior, host)

    async def _back_to_desktop(self) -> None:
        """The previous page's audit left the tab as tall as that page (its screenshot) or at a
        phone's size: the next page is laid out on the desktop screen, as in a fresh tab. A tab
        that will not resize is replaced by a fresh one."""
        desktop = {"width": self._settings.viewport_width, "height": self._settings.viewport_height}
        if self._page is None or self._page.viewport_size == desktop:
            return
        try:
            await asyncio.wait_for(self._page.set_viewport_size(desktop), timeout=CLOSE_TIMEOUT_S)
        except (PlaywrightError, asyncio.TimeoutError):
            await self.close()

    async def _capture(self, url: str, kind: PageKind, prior: PriorVisit | None, host: AsyncExitStack) -> PageCapture:
        started = time.monotonic()
        capture = PageCapture(url=url, kind=kind, captured_at=_now())
        if self._on_visit is not None:
            self._on_visit()
        if self._page is None:
            self._page = await self._open()
        self._dialogs, self._reloads = capture.dialogs, None
        settings = self._settings
        try:
            await _load_and_read(self._page, capture, settings, settings.page_timeout_s * 1000, self, prior, host)
        except PlaywrightError as exc:
            capture.ok = False
            capture.error_class = classify_exception(str(exc))
            capture.error = short_message(str(exc))
            if capture.error_class == "browser" and (self._crashed or not _connected(self._context)):
                capture.error_class = "crashed"  # whatever the message, our renderer or browser died under it
        except asyncio.TimeoutError:  # a step bounded by us (not by Playwright) ran out: see _bounded
            capture.ok = False
            capture.error_class = "timeout"
            capture.error = f"the page stopped answering (no reply within {settings.page_timeout_s:g} s)"
        finally:
            self._reloads = None
            # A tab whose phone pass broke would show the next page otherwise than a fresh one: the
            # next page gets a fresh one.
            if not capture.ok or _renderer_busy(capture) or (capture.mobile is not None and not capture.mobile.measured):
                await self.close()
            capture.timings.total_ms = round((time.monotonic() - started) * 1000, 1)
        return capture

    @property
    def crashed(self) -> bool:
        """Whether this tab's renderer crashed during the visit under way."""
        return self._crashed

    def start_counting_navigations(self) -> list[str]:
        self._reloads = []
        return self._reloads

    async def close(self) -> None:
        page, self._page = self._page, None
        if page is not None:
            await _close_quietly(page)


def _renderer_busy(capture: PageCapture) -> bool:
    """Whether axe-core timed out here: it is still running in the tab's renderer, which the next
    page must not inherit."""
    return capture.axe is not None and capture.axe.error == "timeout"


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


EMPTY_ANSWERS = (204, 205)

# What is read of an error page (title, shown text, markup), to recognise what it is.
READ_ERROR_PAGE_JS = """() => [document.title || "", document.body ? (document.body.innerText || "").slice(0, 20000) : "",
  document.documentElement ? document.documentElement.outerHTML.slice(0, 200000) : ""]"""


async def _read_error_page(page: Page, capture: PageCapture, settings: ProbeSettings) -> None:
    try:
        title, text, html = await _bounded(page.evaluate(READ_ERROR_PAGE_JS), settings)
    except (PlaywrightError, asyncio.TimeoutError, TypeError, ValueError):
        return  # the error class from the status stands
    capture.title, capture.text, capture.html = str(title), str(text), str(html)


def _not_the_service(capture: PageCapture) -> bool:
    """Mark the page failed when it is not the service (probes/interruption.py): its own error
    class, and the French reason naming what was seen as its error."""
    seen = recognise(capture)
    if seen is None:
        return False
    capture.ok = False
    capture.error_class = seen.kind
    capture.error = seen.reason
    return True


async def _load_and_read(page: Page, capture: PageCapture, settings: ProbeSettings, timeout_ms: float, tab: Tab,
                 prior: PriorVisit | None, host: AsyncExitStack) -> None:
    step = time.monotonic()
    answers: list[int] = []

    def on_response(answer: Response) -> None:
        if answer.request.is_navigation_request() and answer.frame == page.main_frame:
            answers.append(answer.status)

    page.on("response", on_response)
    try:
        response = await page.goto(capture.url, wait_until="domcontentloaded", timeout=timeout_ms)
    except PlaywrightError:
        # Chromium aborts the navigation to an answer with no content (204, 205): the server did
        # answer, with nothing to show, which is no dropped connection.
        if answers and answers[-1] in EMPTY_ANSWERS:
            capture.timings.goto_ms = _ms_since(step)
            capture.http_status = answers[-1]
            capture.error_class = "empty_response"
            capture.error = f"HTTP {answers[-1]}: the server answered with no content"
            return
        raise
    finally:
        page.remove_listener("response", on_response)
    capture.timings.goto_ms = _ms_since(step)
    capture.final_url = page.url
    capture.redirect_chain = _redirect_chain(response)
    if response is not None:
        capture.http_status = response.status
        capture.response_headers = dict(await response.all_headers())
        capture.content_type = capture.response_headers.get("content-type")
    status_error = classify_status(capture.http_status)
    if status_error:
        capture.error_class = status_error
        capture.error = f"HTTP {capture.http_status}"
        # What the error page says tells a firewall's refusal or a maintenance page from a bare error.
        await _read_error_page(page, capture, settings)
        if not _not_the_service(capture):
            # A plain error page: kept as before, by its status and screenshot only.
            capture.title = capture.text = capture.html = ""
        capture.screenshot = await _screenshot(page, settings, timeout_ms)
        capture.screenshot_type = "jpeg" if capture.screenshot else None
        return
    if not is_html(capture.content_type):
        capture.error_class = "not_html"
        capture.error = f"not an HTML page: {capture.content_type}"
        return

    # A page that keeps replacing itself (meta refresh or script, at once and for ever) never holds
    # still long enough to be read: seen navigating this often after its load, it is a loop, and
    # waiting for it only spends the service's budget.
    reloads = tab.start_counting_navigations()
    load_ms = await wait_loaded(page, settings.settle_cap_s)
    step = time.monotonic()
    collected = None if len(reloads) >= SELF_NAVIGATION_LIMIT else await _collect(page, settings, reloads)
    dom = settled_in_page(collected.get("settled") if collected else None)
    capture.timings.settle_ms = round(load_ms + dom.dom_ms, 1)
    capture.timings.dom_settle_ms = dom.dom_ms
    capture.final_url = page.url  # where it landed, if it navigated on its own
    if collected is None or len(reloads) >= SELF_NAVIGATION_LIMIT:
        capture.error_class = "redirect_loop"
        capture.error = f"the page keeps navigating by itself ({len(reloads)} times after loading)"
        return
    recorded = collected.get("dialogs")
    # The page can reach that array too: keep only what our shim could have written.
    recorded = [d[:300] for d in recorded if isinstance(d, str)] if isinstance(recorded, list) else []
    capture.dialogs[:0] = recorded[: max(0, 20 - len(capture.dialogs))]
    capture.title = collected.get("title", "")
    capture.lang = collected.get("lang", "")
    capture.text = collected.get("text", "")
    capture.main_text = collected.get("main_text", "")
    capture.elements = [Element.model_validate(e) for e in collected.get("elements", [])]
    capture.forms = [Form.model_validate(f) for f in collected.get("forms", [])]
    nav = collected.get("timings") or {}
    capture.timings = Timings(**{**capture.timings.model_dump(), **{k: v for k, v in nav.items() if v is not None}})
    html = collected.get("html")
    if not isinstance(html, str):  # a document our init script did not reach
        html = await _bounded(page.content(), settings)
    await host.aclose()  # the site's part is done: its next page may load while this one is audited
    capture.html = html if len(html) <= MAX_DOM_BYTES else html[:MAX_DOM_BYTES]
    capture.ok = True
    if _not_the_service(capture):
        # Not the service (a refusal, a maintenance page, an empty shell…): nothing of it is
        # audited; its first screen is kept as what the probe saw instead, as for an error page.
        capture.screenshot = await _screenshot(page, settings, timeout_ms)
        capture.screenshot_type = "jpeg" if capture.screenshot else None
        return
    if settings.landing_only:  # an availability check: status and timings are all it needs
        capture.timings.collect_ms = round(max(0.0, _ms_since(step) - dom.dom_ms), 1)
        return
    resources = await tab.ledger.digests()
    capture.fingerprint = page_fingerprint(html, resources, tab.recipe) if resources is not None else None
    capture.timings.collect_ms = round(max(0.0, _ms_since(step) - dom.dom_ms), 1)
    if prior is not None and capture.fingerprint == prior.fingerprint:
        capture.reused = prior
        capture.screenshot_type = prior.screenshot_type
        return
    step = time.monotonic()
    capture.axe = await run_axe(page, settings.axe_timeout_s, settings.axe_rules)
    capture.timings.axe_ms = _ms_since(step)
    phone_pass = settings.mobile and capture.kind in MOBILE_PAGE_KINDS
    if _renderer_busy(capture):
        # axe-core runs on in the renderer after our timeout (a script cannot be stopped from
        # outside): a screenshot or a phone pass would wait behind it for as long (45 s on a
        # 150,000-node page).
        if phone_pass:
            capture.mobile = MobileReading(width=settings.mobile_width, height=settings.mobile_height,
                                           error="axe-core ran out of time on this page: its renderer is still busy, no phone pass")
        return
    # After axe-core, which audits the desktop screen: the screenshot leaves the tab as tall as the page.
    step = time.monotonic()
    height = collected.get("scroll_height")
    capture.screenshot = await _screenshot(page, settings, timeout_ms, height if isinstance(height, int) else None)
    capture.screenshot_type = "jpeg" if capture.screenshot else None
    capture.timings.screenshot_ms = _ms_since(step)
    if not phone_pass:
        return
    step = time.monotonic()
    capture.mobile = await read_mobile(page, settings)
    capture.timings.mobile_ms = _ms_since(step)
    if capture.mobile.error and (tab.crashed or classify_exception(capture.mobile.error) == "crashed"):
        # Our renderer or browser died under the phone pass: the visit is spoiled as if under
        # the page itself (crashed), and the campaign tries the service again.
        raise PlaywrightError(capture.mobile.error)
