"""Politeness towards the sites we probe: one page at a time per host, and a pause between pages.

Several services often live on one host (a ministry's portal); without this, a campaign at
concurrency N would hit that host N times at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from contextlib import asynccontextmanager
from typing import AsyncIterator
from urllib.parse import urlsplit


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc or url).lower()


class HostGate:
    def __init__(self, min_delay_s: float):
        self.min_delay_s = min_delay_s
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_done: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        key = host_key(url)
        async with self._locks[key]:
            wait = self._last_done.get(key, 0.0) + self.min_delay_s - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last_done[key] = time.monotonic()
