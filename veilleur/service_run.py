"""The unit of work: probe one service, decide its findings, store both.

Idempotent by (campaign, service): running a unit that is already recorded stores nothing.
It holds no state between calls, so another executor (a Celery worker) can run it as it is.
"""

from __future__ import annotations

import asyncio

from checks import run_checks
from checks.models import Finding
from probes.browser import BrowserPool
from probes.errors import TRANSIENT
from probes.models import ServiceCapture
from probes.service import probe_service
from storage.db import Database
from storage.evidence import EvidenceStore
from storage.runs import Unit, record_unit


async def probe_with_retries(pool: BrowserPool, url: str) -> ServiceCapture:
    """Probe, trying again with growing pauses while the failure is transient (timeout, 5xx,
    connection reset, crash). Permanent failures (unknown host, bad certificate, 4xx, blocked)
    are final at once: retrying them only adds load on the site."""
    settings = pool.settings
    attempt = 1
    while True:
        capture = await probe_service(pool, url)
        capture.attempts = attempt
        if capture.ok or capture.error_class not in TRANSIENT or attempt >= settings.max_attempts:
            return capture
        await asyncio.sleep(settings.retry_backoff_s * 2 ** (attempt - 1))
        attempt += 1


async def run_unit(unit: Unit, pool: BrowserPool, db: Database, store: EvidenceStore) -> tuple[ServiceCapture, dict[str, Finding], bool]:
    capture = await probe_with_retries(pool, unit.url)
    # An availability check looks at the landing page only: no finding can be claimed from it.
    findings = {} if pool.settings.landing_only else run_checks(capture)

    def store_it() -> bool:
        with db.sessions() as session:
            return record_unit(session, store, unit, capture, findings)

    # File writes and the transaction happen off the event loop so other probes keep going.
    stored = await asyncio.to_thread(store_it)
    return capture, findings, stored
