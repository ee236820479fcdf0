"""Peak memory of this process and everything it started (Chromium included)."""

from __future__ import annotations

import asyncio

import psutil


def tree_rss(pid: int | None = None) -> int:
    """Resident memory of process `pid` (this one by default) and all its descendants."""
    root = psutil.Process(pid)
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


class PeakMemory:
    """Samples the process tree's resident memory in the background while a campaign runs."""

    def __init__(self, interval_s: float = 0.5):
        self.interval_s = interval_s
        self.peak = 0
        self._task: asyncio.Task | None = None

    def sample(self) -> None:
        self.peak = max(self.peak, tree_rss())

    async def _loop(self) -> None:
        while True:
            await asyncio.to_thread(self.sample)
            await asyncio.sleep(self.interval_s)

    async def __aenter__(self) -> "PeakMemory":
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self.sample()
