"""Probing one service: its landing page, then the key pages discovered from it."""

from __future__ import annotations

import asyncio
import traceback
from datetime import datetime, timezone

from playwright.async_api import BrowserContext

from probes.browser import BrowserPool
from probes.discovery import discover_key_pages
from probes.models import PageCapture, PageKind, ServiceCapture, ToolVersions
from probes.page import visit_page
from veilleur import __version__


def service_budget_s(pool: BrowserPool) -> float:
    """The most one service run may take once it has a browser context: every page at its
    timeout, plus settling, axe and a margin."""
    s = pool.settings
    per_page = s.page_timeout_s + s.settle_cap_s + s.axe_timeout_s + 5
    return per_page * (1 + s.max_key_pages) + 10


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


async def _visit(pool: BrowserPool, context: BrowserContext, url: str, kind: PageKind) -> PageCapture:
    async with pool.hosts.slot(url):
        return await visit_page(context, url, kind, pool.settings)


async def _visit_all(pool: BrowserPool, context: BrowserContext, capture: ServiceCapture) -> None:
    landing = await _visit(pool, context, capture.url, "landing")
    capture.pages.append(landing)
    if landing.ok and not pool.settings.landing_only:
        for key_page in discover_key_pages(landing.final_url or capture.url, landing.links(), pool.settings.max_key_pages):
            capture.pages.append(await _visit(pool, context, key_page.url, key_page.kind))


async def probe_service(pool: BrowserPool, url: str) -> ServiceCapture:
    """Probe a service; whatever the site does, the answer is a capture, never an exception."""
    async with pool.context() as context:
        # Timed from here, after waiting for a slot: the budget and duration are the run's own.
        started = datetime.now(timezone.utc)
        capture = ServiceCapture(url=url, started_at=started)
        try:
            await asyncio.wait_for(_visit_all(pool, context, capture), timeout=service_budget_s(pool))
        except asyncio.TimeoutError:
            return failed_capture(url, "timeout", "the service run exceeded its time budget", started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a site must never crash a campaign; keep the cause for the operator
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()[:300]
            return failed_capture(url, "probe_error", detail, started)
    landing = capture.pages[0]
    capture.final_url = landing.final_url
    capture.http_status = landing.http_status
    capture.ok = landing.ok
    capture.error = landing.error
    capture.error_class = landing.error_class
    capture.finished_at = datetime.now(timezone.utc)
    capture.tools = _tools(pool, capture)
    return capture
