"""A campaign: every selected service probed once, concurrently, each result stored as it comes.

`veilleur run` enqueues one unit per service, then an asyncio pool runs them in this process. A
campaign that is interrupted keeps what it stored; `--resume` runs only the units still pending.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from campaign.memory import PeakMemory
from campaign.service_run import UnitNotStored, run_unit, with_db_retries
from probes.browser import BrowserPool
from probes.settings import ProbeSettings
from storage.db import Database
from storage.evidence.store import EvidenceStore
from storage.runs import Unit, create_campaign, finish_campaign, pending_units
from storage.schema import Service

log = logging.getLogger(__name__)


@dataclass
class UnitResult:
    service_id: str
    ok: bool
    error_class: str | None
    statuses: dict[str, str]
    pages: int
    seconds: float
    stored: bool
    # Why the unit was not recorded (it stays pending for --resume), e.g. the evidence disk full.
    error: str | None = None
    # Each finding's figure beside its status (`Finding.headline()`: "3 violations", "8,7/10"), if any.
    headlines: dict[str, str] = field(default_factory=dict)


@dataclass
class CampaignSummary:
    campaign_id: int
    results: list[UnitResult] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss: int = 0
    # Units left pending (stopped before they ran, or a second signal).
    interrupted: bool = False
    # A stop was asked for (Ctrl-C, SIGTERM), even if every unit then finished within the grace:
    # the command still ends as interrupted (exit code 130), as documented.
    stop_requested: bool = False

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results)

    @property
    def services_per_s(self) -> float:
        return len(self.results) / self.seconds if self.seconds else 0.0

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def start_campaign(
    db: Database, services: list[Service], trigger: str, settings: ProbeSettings, schedule_key: str | None = None,
) -> int:
    kind = "availability" if settings.landing_only else "full"
    with db.sessions() as session:
        campaign = create_campaign(session, services, trigger, settings.__dict__.copy(), kind=kind, schedule_key=schedule_key)
        return campaign.id


async def _run_units(
    campaign_id: int, units: list[Unit], db: Database, store: EvidenceStore, settings: ProbeSettings,
    on_result: Callable[[UnitResult], None], stop: threading.Event, stop_grace_s: float,
) -> CampaignSummary:
    summary = CampaignSummary(campaign_id)
    started = time.monotonic()
    admission = asyncio.Semaphore(settings.concurrency)
    async with PeakMemory() as memory, BrowserPool(settings) as pool:
        async def one(unit: Unit) -> None:
            async with admission:
                if stop.is_set():  # stopping: start nothing new, the unit stays pending
                    return
                try:
                    capture, findings, stored = await run_unit(unit, pool, db, store)
                except Exception as exc:  # noqa: BLE001 - one unit must never end the campaign
                    error_class = exc.error_class if isinstance(exc, UnitNotStored) else "internal_error"
                    if error_class == "internal_error":
                        log.exception("unit %s (%s) failed", unit.service_id, unit.url)
                    result = UnitResult(service_id=unit.service_id, ok=False, error_class=error_class, statuses={},
                                        pages=0, seconds=0.0, stored=False, error=str(exc) or type(exc).__name__)
                    summary.results.append(result)
                    on_result(result)
                    return
            seconds = (capture.finished_at - capture.started_at).total_seconds() if capture.started_at and capture.finished_at else 0.0
            result = UnitResult(
                service_id=unit.service_id, ok=capture.ok, error_class=capture.error_class,
                statuses={check: f.status for check, f in findings.items()}, pages=len(capture.pages),
                seconds=seconds, stored=stored,
                headlines={check: headline for check, f in findings.items() if (headline := f.headline())},
            )
            summary.results.append(result)
            on_result(result)

        tasks = [asyncio.create_task(one(unit)) for unit in units]
        everything = asyncio.gather(*tasks)
        stop_watch = asyncio.create_task(_wait_for(stop))
        try:
            await asyncio.wait({everything, stop_watch}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set() and not everything.done():
                # Let the probes in flight finish within the grace period, then give up on them:
                # their units stay pending and `--resume` runs them.
                await asyncio.wait({everything}, timeout=stop_grace_s)
        except asyncio.CancelledError:
            pass
        finally:
            stop_watch.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            everything.cancel()
            await asyncio.gather(everything, return_exceptions=True)
    summary.seconds = time.monotonic() - started
    summary.peak_rss = memory.peak
    return summary


async def _wait_for(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.1)


def finish_campaign_if_complete(db: Database, campaign_id: int) -> bool:
    with db.sessions() as session:
        if pending_units(session, campaign_id):
            return False
        finish_campaign(session, campaign_id)
        return True


def run_campaign(
    db: Database, store: EvidenceStore, campaign_id: int, settings: ProbeSettings,
    on_start: Callable[[int], None] = lambda total: None,
    on_result: Callable[[UnitResult], None] = lambda result: None,
    stop: threading.Event | None = None, stop_grace_s: float = 30.0,
    on_complete: Callable[[int], None] | None = None,
    on_stopping: Callable[[], None] = lambda: None,
) -> CampaignSummary:
    """Run the pending units of a campaign, then `on_complete(campaign_id)` once it is complete.

    What follows a complete campaign (incidents and alert e-mails) is the caller's to give: the
    campaign stores observations, the floors above decide what they mean.

    A first SIGINT/SIGTERM (or `stop` set by the caller) starts nothing new and gives the probes in
    flight `stop_grace_s` to finish; a second one stops at once. What was stored stays, and the
    units left pending are run by `--resume`."""
    stop = stop or threading.Event()

    def pending() -> list[Unit]:
        with db.sessions() as session:
            return pending_units(session, campaign_id)

    units = with_db_retries(pending)
    on_start(len(units))

    async def main() -> CampaignSummary:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if stop.is_set():
                task.cancel()
                return
            stop.set()
            on_stopping()  # at once: the person who pressed Ctrl-C must see that it was heard

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, on_signal)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                pass
        try:
            return await _run_units(campaign_id, units, db, store, settings, on_result, stop, stop_grace_s)
        except asyncio.CancelledError:
            return CampaignSummary(campaign_id, interrupted=True)

    summary = asyncio.run(main())
    summary.stop_requested = stop.is_set()
    summary.interrupted = not with_db_retries(lambda: finish_campaign_if_complete(db, campaign_id))
    if not summary.interrupted and on_complete is not None:
        # It may run again on a resumed campaign: what it does must be idempotent per campaign.
        with_db_retries(lambda: on_complete(campaign_id))
    return summary
