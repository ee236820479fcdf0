"""Politeness towards the sites we probe: one page at a time per host, and a pause between pages.

Several services often live on one host (a ministry's portal); without this, a campaign at
concurrency N would hit that host N times at once. Within a process, a lock per host does it;
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
        stays closed to them for `pause_s` more (the pause between two pages)."""


class HostGate:
    def __init__(self, min_delay_s: float, across: SharedHostLock | None = None):
        self.min_delay_s = min_delay_s
        self.across = across
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_done: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        key = host_key(url)
        async with self._locks[key]:
            wait = self._last_done.get(key, 0.0) + self.min_delay_s - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if self.across is None:
                try:
                    yield
                finally:
                    self._last_done[key] = time.monotonic()
                return
            async with self.across.hold(key, self.min_delay_s):
                try:
                    yield
                finally:
                    # Before the shared lock is let go: the pause it keeps for the others counts
                    # for this process too, which does not wait it a second time.
                    self._last_done[key] = time.monotonic()
