"""A campaign dispatched to the workers and followed to its end, by `veilleur run` or the scheduler.

`follow_campaign` takes the arguments of `run_campaign` (campaign/executor.py) and gives the same
summary: one result per unit as its task ends (read back from the database), then, once every unit
is recorded, `on_complete` — called here, in this one process, never by a worker, so a campaign's
digests are sent once. A first SIGINT/SIGTERM (or `stop`) withdraws the tasks no worker has taken
(their units stay pending, for `--resume`) and waits `stop_grace_s` for those running; a second one
stops following at once (the runs under way are still recorded by their workers).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.distributed.app import TASK, make_app, queue_for, safe_url
from campaign.distributed.deliveries import RECORDED, ended, prepare_dispatch, superseded, withdraw
from campaign.executor import CampaignSummary, UnitResult, finish_campaign_if_complete
from campaign.service_run import with_db_retries
from checks import finding_from_stored
from foundation.errors import InputError
from probes.settings import ProbeSettings
from storage.db import Database
from storage.evidence.signing import keys_of
from storage.evidence.store import EvidenceStore
from storage.runs import Unit, pending_units
from storage.schema import Campaign, ServiceRun

log = logging.getLogger(__name__)

POLL_S = 0.5
SUPERSEDED_CHECK_S = 5.0


def follow_campaign(
    db: Database, store: EvidenceStore, campaign_id: int, settings: ProbeSettings,
    on_start: Callable[[int], None] = lambda total: None,
    on_result: Callable[[UnitResult], None] = lambda result: None,
    stop: threading.Event | None = None, stop_grace_s: float = 30.0,
    on_complete: Callable[[int], None] | None = None,
    on_stopping: Callable[[], None] = lambda: None,
    *, broker_url: str,
) -> CampaignSummary:
    stop = stop or threading.Event()
    at_once = threading.Event()
    url = broker_url

    def pending() -> tuple[list[Unit], str]:
        with db.sessions() as session:
            campaign = session.get(Campaign, campaign_id)
            return pending_units(session, campaign_id), campaign.kind if campaign else "full"

    units, kind = with_db_retries(pending)
    # Recorded in this instance's keyring now: what the workers seal with it, `veilleur verify` here checks.
    key = keys_of(store).signer().fingerprint
    token = str(uuid.uuid4())
    with_db_retries(lambda: prepare_dispatch(db, [u.run_id for u in units], token))

    def on_signal(signum, frame) -> None:
        if stop.is_set():
            at_once.set()
            return
        stop.set()
        on_stopping()  # at once: the person who pressed Ctrl-C must see that it was heard

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    summary = CampaignSummary(campaign_id)
    started = time.monotonic()
    try:
        _publish(url, units, token, key, queue_for(kind), stop)
        on_start(len(units))
        _follow(db, campaign_id, token, {u.run_id for u in units}, summary, on_result, stop, at_once, stop_grace_s)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stop.is_set():  # (again, if a second signal came before the first was acted on: start nothing new)
        with_db_retries(lambda: withdraw(db, token))
    summary.seconds = time.monotonic() - started
    summary.stop_requested = stop.is_set()
    summary.interrupted = at_once.is_set() or not with_db_retries(lambda: finish_campaign_if_complete(db, campaign_id))
    if not summary.interrupted and on_complete is not None:
        # Here and only here: the workers record units, the campaign's end is told once.
        with_db_retries(lambda: on_complete(campaign_id))
    return summary


def _publish(url: str, units: list[Unit], token: str, key: str, queue: str, stop: threading.Event) -> None:
    app = make_app(url)
    try:
        with app.producer_or_acquire() as producer:
            for unit in units:
                if stop.is_set():  # the rest stays with its rows, withdrawn by the stop
                    return
                payload = {"run_id": unit.run_id, "campaign_id": unit.campaign_id, "service_id": unit.service_id,
                           "url": unit.url, "dispatch": token, "key": key}
                app.send_task(TASK, args=[payload], queue=queue, producer=producer,
                              task_id=f"unit-{unit.run_id}-{token[:8]}", retry=True,
                              retry_policy={"max_retries": 5, "interval_start": 0.5, "interval_step": 1.0})
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        campaign = units[0].campaign_id if units else ""
        raise InputError(f"le broker {safe_url(url)} ne répond pas ({first}) : la campagne {campaign} reste à faire, "
                         "`veilleur run --resume` la relancera") from None
    finally:
        app.close()


def _follow(db: Database, campaign_id: int, token: str, remaining: set[int], summary: CampaignSummary,
            on_result: Callable[[UnitResult], None], stop: threading.Event, at_once: threading.Event,
            stop_grace_s: float) -> None:
    stopped_at: float | None = None
    checked_at = time.monotonic()
    while remaining and not at_once.is_set():
        for result in with_db_retries(lambda: _new_results(db, token, remaining)):
            summary.results.append(result)
            on_result(result)
        if time.monotonic() - checked_at > SUPERSEDED_CHECK_S:
            checked_at = time.monotonic()

            def taken_over() -> set[int]:
                with db.sessions() as session:
                    return superseded(session, token, remaining)

            # Followed by another command now: this one leaves them to it, as not recorded here.
            remaining -= with_db_retries(taken_over)
        if stop.is_set():
            if stopped_at is None:
                stopped_at = time.monotonic()
                # The units of the tasks withdrawn stay pending: `--resume` runs them.
                remaining -= with_db_retries(lambda: withdraw(db, token))
            elif time.monotonic() - stopped_at > stop_grace_s:
                return
        if remaining:
            at_once.wait(POLL_S)


def _new_results(db: Database, token: str, remaining: set[int]) -> list[UnitResult]:
    with db.sessions() as session:
        done = {run_id: end for run_id, end in ended(session, token).items() if run_id in remaining}
        if not done:
            return []
        recorded = [run_id for run_id, (outcome, _) in done.items() if outcome in RECORDED]
        runs = {run.id: run for run in session.scalars(
            select(ServiceRun).where(ServiceRun.id.in_(recorded))
            .options(selectinload(ServiceRun.pages), selectinload(ServiceRun.findings))
        )} if recorded else {}
        service_of = dict(session.execute(
            select(ServiceRun.id, ServiceRun.service_id).where(ServiceRun.id.in_(list(done)))).all())
    results = []
    for run_id, (outcome, error) in sorted(done.items()):
        remaining.discard(run_id)
        run = runs.get(run_id)
        if run is None:  # our failure: nothing recorded, the unit stays pending
            results.append(UnitResult(service_id=service_of.get(run_id, str(run_id)), ok=False, error_class=outcome,
                                      statuses={}, pages=0, seconds=0.0, stored=False, error=error or outcome))
            continue
        findings = {f.check: finding_from_stored(f.check, f.status, f.reason, f.details or {}, f.evidence or [])
                    for f in run.findings}
        results.append(UnitResult(
            service_id=run.service_id, ok=bool(run.ok), error_class=run.error_class,
            statuses={check: f.status for check, f in findings.items()}, pages=len(run.pages),
            seconds=(run.duration_ms or 0.0) / 1000, stored=True,
            headlines={check: headline for check, f in findings.items() if (headline := f.headline())},
        ))
    return results
