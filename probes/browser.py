"""One Chromium per process, and a bounded pool of browser contexts over it."""

from __future__ import annotations

import asyncio
import functools
import os
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from typing import AsyncIterator, Iterator

from playwright.async_api import Browser, Playwright, async_playwright

from foundation import __version__
from probes.chromium import find_chromium, launch_args
from probes.page import Tab
from probes.politeness import HostGate
from probes.response_time import ResponseTimer
from probes.settings import ProbeSettings

CONTEXT_CLOSE_TIMEOUT_S = 10.0
# Playwright's driver (Node.js) relays every page's HTML, screenshot and axe results; with V8's
# default young generation it holds 220 MB at concurrency 6, with 1 MB semi-spaces 150 MB
# (measured in bench/). It takes its environment when it starts.
DRIVER_NODE_OPTIONS = "--max-semi-space-size=1"


@contextmanager
def _driver_options() -> Iterator[None]:
    """Start Playwright's driver, and so Chromium under it, in a session of its own, with small
    semi-spaces. A terminal's Ctrl-C (SIGINT to the whole foreground process group) then reaches
    Veilleur only, which stops its campaign in order; the driver and Chromium never die under a
    run, which would be recorded as the site's crash. Node.js resets signal dispositions when it
    starts, so ignoring SIGINT for it would not last: only another process group keeps the
    signal away. Playwright gives no option for it, hence the start-up call wrapped here; if
    Veilleur dies, the driver still sees its pipe close and takes Chromium with it."""
    saved = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = f"{saved} {DRIVER_NODE_OPTIONS}" if saved else DRIVER_NODE_OPTIONS
    spawn = asyncio.create_subprocess_exec
    asyncio.create_subprocess_exec = functools.partial(spawn, start_new_session=True)
    try:
        yield
    finally:
        asyncio.create_subprocess_exec = spawn
        if saved is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = saved


@dataclass
class _Generation:
    """One launched Chromium, with what is still running on it."""

    browser: Browser
    pages: int = 0
    active: int = 0
    retired: bool = False
    closing: bool = False  # we closed it: its disconnection is no crash
    closed: asyncio.Event = field(default_factory=asyncio.Event)


class BrowserPool:
    """Hands out tabs in isolated browser contexts, at most `settings.concurrency` at a time.

    If the browser dies, the next request for a context starts a new one. After
    `settings.browser_recycle_pages` pages visited the browser is retired, because a long-lived
    Chromium grows in memory whatever we close inside it: it closes when its last service run
    ends, and only then does a fresh one start. Starting the successor at once would keep two
    browsers, their GPU and network processes side by side (+0.5 GB measured) for as long as the
    slowest run lasts; the wait costs a few seconds every few hundred pages.
    """

    def __init__(self, settings: ProbeSettings, executable: str | None = None):
        self.settings = settings
        self.executable = executable or find_chromium(settings.chromium)
        self._playwright: Playwright | None = None
        self._current: _Generation | None = None
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._launch_lock = asyncio.Lock()
        self._last_version: str | None = None
        self.launches = 0
        self.recycles = 0
        # Browsers that died under us (killed, crashed): each is replaced at the next request.
        self.crashes = 0
        self.hosts = HostGate(settings.host_delay_s)
        self._response_timer: ResponseTimer | None = None

    @property
    def response_timer(self) -> ResponseTimer:
        """The worker measuring each address's HTTP response time apart from the browser, started
        at the first measure (probes/response_time.py)."""
        if self._response_timer is None:
            self._response_timer = ResponseTimer(self.settings.page_timeout_s, self.settings.user_agent(__version__))
        return self._response_timer

    async def __aenter__(self) -> "BrowserPool":
        with _driver_options():
            self._playwright = await async_playwright().start()
        await self.response_timer.start()
        await self._generation()
        return self

    async def __aexit__(self, *exc) -> None:
        if self._response_timer is not None:
            await self._response_timer.close()
        if self._current is not None:
            await _close_browser(self._current)
            self._current = None
        if self._playwright is not None:
            await self._playwright.stop()

    async def _generation(self) -> _Generation:
        async with self._launch_lock:
            current = self._current
            if current is not None and current.retired and not current.closed.is_set():
                try:  # bounded: a run that will not end must not stop the campaign
                    await asyncio.wait_for(current.closed.wait(), timeout=self.settings.service_budget_s + 30)
                except asyncio.TimeoutError:
                    await _close_browser(current)
            if current is None or current.retired or not current.browser.is_connected():
                assert self._playwright is not None, "use BrowserPool as an async context manager"
                browser = await self._playwright.chromium.launch(
                    executable_path=self.executable, args=launch_args(), headless=True
                )
                self._last_version = browser.version
                self._current = current = _Generation(browser)
                browser.on("disconnected", lambda _browser, generation=current: self._disconnected(generation))
                self.launches += 1
            return current

    def _disconnected(self, generation: _Generation) -> None:
        if not generation.closing:
            self.crashes += 1
            generation.closed.set()  # died: nothing left to wait for

    def _count_page(self, generation: _Generation) -> None:
        generation.pages += 1
        limit = self.settings.browser_recycle_pages
        if limit and generation.pages >= limit and not generation.retired:
            generation.retired = True
            self.recycles += 1

    async def _release(self, generation: _Generation) -> None:
        generation.active -= 1
        if generation.retired and generation.active == 0:
            # Still the current one while it closes: the next request waits for `closed`.
            await _close_browser(generation)
            if self._current is generation:
                self._current = None

    @property
    def browser_version(self) -> str | None:
        return self._last_version

    @property
    def playwright_version(self) -> str:
        return package_version("playwright")

    def user_agent(self) -> str:
        return self.settings.user_agent(__version__, self.browser_version)

    @asynccontextmanager
    async def tab(self) -> AsyncIterator[Tab]:
        """A tab in a browser context of its own, for one service run: a context per service keeps
        cookies and storage of one site away from another."""
        async with self._slots:
            generation = await self._generation()
            generation.active += 1
            try:
                context = await generation.browser.new_context(
                    user_agent=self.user_agent(),
                    viewport={"width": self.settings.viewport_width, "height": self.settings.viewport_height},
                    locale="fr-FR",
                    timezone_id="Europe/Paris",
                    accept_downloads=False,
                    service_workers="block",
                )
            except BaseException:
                await self._release(generation)
                raise
            tab = Tab(context, self.settings, on_visit=lambda: self._count_page(generation))
            try:
                yield tab
            finally:
                # Read before anything is closed: a browser that died under the run (not one we
                # closed) makes whatever failed in it our failure, not the site's.
                tab.browser_lost = not generation.closing and not generation.browser.is_connected()
                await tab.close()
                try:
                    # Bounded like a page's close: a context stuck on a page that will not close
                    # must not hold the slot; the browser goes when it is recycled.
                    await asyncio.wait_for(context.close(), timeout=CONTEXT_CLOSE_TIMEOUT_S)
                except Exception:
                    pass
                tab.ledger.discard()
                await self._release(generation)


async def _close_browser(generation: _Generation) -> None:
    generation.closing = True
    try:
        await generation.browser.close()
    except Exception:  # already gone (crashed or killed): nothing left to close
        pass
    finally:
        generation.closed.set()
