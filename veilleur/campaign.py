"""A campaign: every selected service probed once, concurrently, each result stored as it comes.

`veilleur run` enqueues one unit per service, then an asyncio pool runs them in this process. A
campaign that is interrupted keeps what it stored; `--resume` runs only the units still pending.
"""

from __future__ import annotations

import asyncio
import signal
import time
from dataclasses import dataclass, field
from typing import Callable

from probes.browser import BrowserPool
from storage.db import Database
from storage.evidence import EvidenceStore
from storage.models import Service
from storage.runs import Unit, create_campaign, finish_campaign, pending_units
from veilleur.config import ProbeSettings
from veilleur.memory import PeakMemory
from veilleur.service_run import run_unit


@dataclass
class UnitResult:
    service_id: str
    ok: bool
    error_class: str | None
    statuses: dict[str, str]
    pages: int
    seconds: float
    stored: bool


@dataclass
class CampaignSummary:
    campaign_id: int
    results: list[UnitResult] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss: int = 0
    interrupted: bool = False

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results)

    @property
    def services_per_s(self) -> float:
        return len(self.results) / self.seconds if self.seconds else 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def start_campaign(db: Database, services: list[Service], trigger: str, settings: ProbeSettings) -> int:
    with db.sessions() as session:
        campaign = create_campaign(session, services, trigger, settings.__dict__.copy())
        return campaign.id


async def _run_units(
    campaign_id: int, units: list[Unit], db: Database, store: EvidenceStore, settings: ProbeSettings,
    on_result: Callable[[UnitResult], None],
) -> CampaignSummary:
    summary = CampaignSummary(campaign_id)
    started = time.monotonic()
    async with PeakMemory() as memory, BrowserPool(settings) as pool:
        async def one(unit: Unit) -> None:
            capture, findings, stored = await run_unit(unit, pool, db, store)
            seconds = (capture.finished_at - capture.started_at).total_seconds() if capture.started_at and capture.finished_at else 0.0
            result = UnitResult(
                service_id=unit.service_id, ok=capture.ok, error_class=capture.error_class,
                statuses={check: f.status for check, f in findings.items()}, pages=len(capture.pages),
                seconds=seconds, stored=stored,
            )
            summary.results.append(result)
            on_result(result)

        # The pool's own semaphore bounds how many run at once; tasks beyond it wait their turn.
        tasks = [asyncio.create_task(one(unit)) for unit in units]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            summary.interrupted = True
    summary.seconds = time.monotonic() - started
    summary.peak_rss = memory.peak
    if not summary.interrupted:
        finish_campaign_if_complete(db, campaign_id)
    return summary


def finish_campaign_if_complete(db: Database, campaign_id: int) -> None:
    with db.sessions() as session:
        if not pending_units(session, campaign_id):
            finish_campaign(session, campaign_id)


def run_campaign(
    db: Database, store: EvidenceStore, campaign_id: int, settings: ProbeSettings,
    on_start: Callable[[int], None] = lambda total: None,
    on_result: Callable[[UnitResult], None] = lambda result: None,
) -> CampaignSummary:
    """Run the pending units of a campaign. SIGINT/SIGTERM stop it cleanly: what was stored stays."""
    with db.sessions() as session:
        units = pending_units(session, campaign_id)
    on_start(len(units))

    async def main() -> CampaignSummary:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, task.cancel)
            except (NotImplementedError, RuntimeError):  # not the main thread
                pass
        inner = asyncio.create_task(_run_units(campaign_id, units, db, store, settings, on_result))
        try:
            return await asyncio.shield(inner)
        except asyncio.CancelledError:
            inner.cancel()
            try:
                return await inner
            except asyncio.CancelledError:
                summary = CampaignSummary(campaign_id, interrupted=True)
                return summary

    return asyncio.run(main())
