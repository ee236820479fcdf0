"""One Chromium per process, and a bounded pool of browser contexts over it."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from importlib.metadata import version as package_version
from typing import AsyncIterator

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from probes.chromium import find_chromium, launch_args
from probes.politeness import HostGate
from veilleur import __version__
from veilleur.config import ProbeSettings


class BrowserPool:
    """Hands out isolated browser contexts, at most `settings.concurrency` at a time.

    A context per service run keeps cookies and storage of one site away from another. If the
    browser dies, the next request for a context starts a new one.
    """

    def __init__(self, settings: ProbeSettings, executable: str | None = None):
        self.settings = settings
        self.executable = executable or find_chromium()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._launch_lock = asyncio.Lock()
        self.launches = 0
        self.hosts = HostGate(settings.host_delay_s)

    async def __aenter__(self) -> "BrowserPool":
        self._playwright = await async_playwright().start()
        await self._ensure_browser()
        return self

    async def __aexit__(self, *exc) -> None:
        if self._browser is not None:
            try:
                await self._browser.close()
            except Exception:
                pass
        if self._playwright is not None:
            await self._playwright.stop()

    async def _ensure_browser(self) -> Browser:
        async with self._launch_lock:
            if self._browser is None or not self._browser.is_connected():
                assert self._playwright is not None, "use BrowserPool as an async context manager"
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.executable, args=launch_args(), headless=True
                )
                self.launches += 1
            return self._browser

    @property
    def browser_version(self) -> str | None:
        return self._browser.version if self._browser is not None else None

    @property
    def playwright_version(self) -> str:
        return package_version("playwright")

    def user_agent(self) -> str:
        return self.settings.user_agent(__version__, self.browser_version)

    @asynccontextmanager
    async def context(self) -> AsyncIterator[BrowserContext]:
        async with self._slots:
            browser = await self._ensure_browser()
            context = await browser.new_context(
                user_agent=self.user_agent(),
                viewport={"width": self.settings.viewport_width, "height": self.settings.viewport_height},
                locale="fr-FR",
                timezone_id="Europe/Paris",
                accept_downloads=False,
                service_workers="block",
            )
            try:
                yield context
            finally:
                try:
                    await context.close()
                except Exception:
                    pass
