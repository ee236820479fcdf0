"""Politeness towards the sites we probe: one page at a time per host, two page loads at least a pause apart.

Several services often live on one host (a ministry's portal); without this, a campaign at
concurrency N would hit that host N times at once. The pause runs from the start of a page's load
(as a crawl delay does, e.g. Scrapy's DOWNLOAD_DELAY): a host gets at most one page load per
pause, never two at once, and a page that took longer than the pause to load is followed at once
rather than after a further pause — which, for a re-audit with nothing to audit, was most of its
time. Within a process, a lock per host does it;
across the processes of a distributed campaign (Celery workers), `HostGate.across` adds a lock
they share (campaign/distributed/host_leases.py), taken inside the process's own.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from contextlib import asynccontextmanager
from typing import AsyncContextManager, AsyncIterator, Protocol
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or url).lower()


class SharedHostLock(Protocol):
    def hold(self, host: str, pause_s: float) -> AsyncContextManager[None]:
        """Held while one page of `host` loads, against every other process; on leaving, the host
        stays closed to them until `pause_s` after the load started."""


class HostGate:
    def __init__(self, min_delay_s: float, across: SharedHostLock | None = None):
        self.min_delay_s = min_delay_s
        self.across = across
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        key = host_key(url)
        async with self._locks[key]:
            wait = self._last_start.get(key, float("-inf")) + self.min_delay_s - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if self.across is None:
                self._last_start[key] = time.monotonic()
                yield
                return
            async with self.across.hold(key, self.min_delay_s):
                # Once the shared lock is ours: the pause it keeps for the others counts for this
                # process too, which does not wait it a second time.
                self._last_start[key] = time.monotonic()
                yield
