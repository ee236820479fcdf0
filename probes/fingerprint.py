"""A page's fingerprint: its rendered DOM and the bytes of every stylesheet, font and image it loaded.

Two visits with the same fingerprint showed the same thing, so an audit of one (axe-core, the
screenshot, the phone pass) stands for the other (campaign/service_run.py reuses it). Anything
that could change what an audit sees goes in: one byte of the DOM, of a stylesheet, a font or an
image, and how the audit is made (the audit's recipe: Veilleur's and Chromium's versions, the
axe-core bundle, viewports, screenshot settings).

Resources are hashed as they arrive, once per URL and tab: a service run has a browser context of
its own, so every resource comes from the network the first time, and later pages of the run find
it in the cache (where Chromium may not report it at all). That is why a page's fingerprint covers
every styling resource the tab has loaded so far, not only the page's own: wider than needed, never
blind to a stylesheet the page took from the cache.
"""

from __future__ import annotations

import asyncio
import hashlib
from functools import lru_cache
from typing import Mapping

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response

from foundation import __version__
from probes.axe import axe_source
from probes.settings import ProbeSettings

STYLING = frozenset({"stylesheet", "font", "image"})

# Reading a body Chromium already holds takes milliseconds; a body it lost (an aborted load) must
# not hold the visit: the page is then audited in full.
DIGEST_TIMEOUT_S = 5.0


class ResourceLedger:
    """The stylesheets, fonts and images one tab loaded: URL → sha256 of the bytes received."""

    def __init__(self) -> None:
        self._digests: dict[str, asyncio.Future[str | None]] = {}

    def watch(self, page: Page) -> None:
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        if response.request.resource_type in STYLING and response.url not in self._digests:
            self._digests[response.url] = asyncio.ensure_future(_digest(response))

    async def digests(self) -> dict[str, str] | None:
        """Every resource hashed so far; None when one of them could not be read in time."""
        pending = list(self._digests.values())
        if pending:
            done, late = await asyncio.wait(pending, timeout=DIGEST_TIMEOUT_S)
            if late:
                return None
        digests = {url: future.result() for url, future in self._digests.items() if future.done()}
        return None if any(d is None for d in digests.values()) else digests  # type: ignore[misc]

    def discard(self) -> None:
        for future in self._digests.values():
            future.cancel()
        self._digests.clear()


async def _digest(response: Response) -> str | None:
    try:
        body = await response.body()
    except PlaywrightError:
        # A redirect, or an answer without a body Chromium kept: its status says all there is.
        return f"status:{response.status}"
    except asyncio.CancelledError:
        raise
    except Exception:  # the tab closed under the read: nothing to compare, audit in full
        return None
    return hashlib.sha256(body).hexdigest()


@lru_cache(maxsize=1)
def _axe_digest() -> str:
    return hashlib.sha256(axe_source().encode("utf-8")).hexdigest()


def audit_recipe(settings: ProbeSettings, browser_version: str | None) -> str:
    """How a page is audited: a change here makes every earlier audit stale."""
    return "|".join(str(part) for part in (
        __version__, browser_version, _axe_digest(), settings.axe_rules, settings.viewport_width, settings.viewport_height,
        settings.screenshot_quality, settings.screenshot_max_height, settings.mobile, settings.mobile_width,
        settings.mobile_height,
    ))


def page_fingerprint(html: str, resources: Mapping[str, str], recipe: str) -> str:
    digest = hashlib.sha256()
    digest.update(recipe.encode("utf-8"))
    digest.update(b"\0")
    digest.update(html.encode("utf-8", "surrogatepass"))
    for url in sorted(resources):
        digest.update(f"\0{url}\t{resources[url]}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
