"""Probing one service: its landing page, then the key pages discovered from it."""

from __future__ import annotations

import asyncio
import traceback
from datetime import datetime, timezone
from typing import Mapping

from playwright.async_api import Error as PlaywrightError

from foundation import __version__
from probes.browser import BrowserPool
from probes.discovery import discover_key_pages
from probes.errors import classify_exception, short_message
from probes.models import PageCapture, PageKind, PriorVisit, ServiceCapture, ToolVersions
from probes.page import Tab

BUDGET_EXCEEDED = "the service run exceeded its time budget"


def _tools(pool: BrowserPool, capture: ServiceCapture) -> ToolVersions:
    axe_version = next((p.axe.version for p in capture.pages if p.axe and p.axe.version), None)
    return ToolVersions(
        veilleur=__version__, playwright=pool.playwright_version, chromium=pool.browser_version, axe_core=axe_version,
    )


def failed_capture(url: str, error_class: str, error: str, started_at: datetime) -> ServiceCapture:
    page = PageCapture(url=url, kind="landing", ok=False, error=error, error_class=error_class, captured_at=started_at)
    return ServiceCapture(
        url=url, ok=False, error=error, error_class=error_class, pages=[page], started_at=started_at,
        finished_at=datetime.now(timezone.utc), tools=ToolVersions(veilleur=__version__),
    )


async def _visit(pool: BrowserPool, tab: Tab, url: str, kind: PageKind, prior: Mapping[str, PriorVisit]) -> PageCapture:
    return await tab.visit(url, kind, prior.get(url), loading=pool.hosts.slot(url))


async def _visit_all(pool: BrowserPool, tab: Tab, capture: ServiceCapture, planned: list,
                     prior: Mapping[str, PriorVisit]) -> None:
    landing = await _visit(pool, tab, capture.url, "landing", prior)
    capture.pages.append(landing)
    if landing.ok and not pool.settings.landing_only:
        planned.extend(discover_key_pages(landing.final_url or capture.url, landing.links(), pool.settings.max_key_pages))
        for key_page in planned:
            capture.pages.append(await _visit(pool, tab, key_page.url, key_page.kind, prior))


def _out_of_budget(capture: ServiceCapture, planned: list) -> None:
    """Keep the pages measured before the budget ran out; the key pages not finished are recorded
    as timed out, so that the checks reading them say `unknown` rather than `absent`."""
    for key_page in planned[len(capture.pages) - 1:]:
        capture.pages.append(PageCapture(
            url=key_page.url, kind=key_page.kind, ok=False, error_class="timeout", error=BUDGET_EXCEEDED,
            captured_at=datetime.now(timezone.utc),
        ))


def _browser_failure(exc: Exception) -> tuple[str, str]:
    """Our browser failing (killed, crashed, could not start) rather than the site: `crashed`,
    which is transient, so the unit is tried again on a fresh Chromium."""
    message = short_message(str(exc))
    if isinstance(exc, PlaywrightError):
        error_class = classify_exception(str(exc))
        return ("crashed" if error_class == "browser" else error_class), message
    return "probe_error", traceback.format_exception_only(type(exc), exc)[-1].strip()[:300]


async def probe_service(pool: BrowserPool, url: str, prior: Mapping[str, PriorVisit] | None = None) -> ServiceCapture:
    """Probe a service; whatever the site (or our browser) does, the answer is a capture, never an
    exception. When our browser dies under the run or cannot start, the capture carries
    `our_failure`: nothing in it is the site's doing. `prior` (by requested URL): what the
    service's previous run saw, for the pages whose audit can be kept if they did not change."""
    started = datetime.now(timezone.utc)
    tab: Tab | None = None
    try:
        async with pool.tab() as tab:
            # Timed from here, after waiting for a slot: the budget and duration are the run's own.
            started = datetime.now(timezone.utc)
            capture = ServiceCapture(url=url, started_at=started)
            planned: list = []
            try:
                await asyncio.wait_for(_visit_all(pool, tab, capture, planned, prior or {}),
                                       timeout=pool.settings.service_budget_s)
            except asyncio.TimeoutError:
                if not capture.pages:
                    return failed_capture(url, "timeout", BUDGET_EXCEEDED, started)
                _out_of_budget(capture, planned)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a site must never crash a campaign; keep the cause for the operator
        error_class, detail = _browser_failure(exc)
        failed = failed_capture(url, error_class, detail, started)
        if tab is None:
            failed.our_failure = "browser_start"  # no tab: our browser could not start or give one
        elif tab.browser_lost:
            failed.our_failure = "browser_lost"
        return failed
    if tab.browser_lost:
        capture.our_failure = "browser_lost"
    landing = capture.pages[0]
    capture.final_url = landing.final_url
    capture.http_status = landing.http_status
    capture.ok = landing.ok
    capture.error = landing.error
    capture.error_class = landing.error_class
    capture.finished_at = datetime.now(timezone.utc)
    capture.tools = _tools(pool, capture)
    if capture.ok:
        # Once the browser is done and its tab given back: a plain request to the address, in
        # the host's turn like any page load (one at a time, a pause apart), timed by a worker
        # process whose clock our browsers' work does not slow (probes/response_time.py).
        async with pool.hosts.slot(url):
            capture.response_time = await pool.response_timer.measure(url)
    return capture
