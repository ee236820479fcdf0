"""The unit of work: probe one service, decide its findings, store both.

Idempotent by (campaign, service): running a unit that is already recorded stores nothing.
It holds no state between calls, so another executor (a Celery worker) can run it as it is.
"""

from __future__ import annotations

import asyncio
import errno
import time
from typing import Callable, Mapping, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from checks import run_checks
from checks.models import Finding
from probes.browser import BrowserPool
from probes.errors import TRANSIENT, classify_exception
from probes.models import PriorVisit, ServiceCapture
from probes.service import probe_service
from storage.db import Database
from storage.evidence.store import EvidenceStore
from storage.prior_audits import PriorAudits, prior_audits
from storage.runs import Unit, record_unit

# A dropped database connection (server restarted, connection killed, failover) is tried again
# this many times, with a doubling pause from STORAGE_BACKOFF_S; a unit is one transaction, so a
# retry never leaves half of it.
STORAGE_ATTEMPTS = 6
STORAGE_BACKOFF_S = 0.5

# A run spoiled by our browser (killed, failed to start) is tried again on a fresh one this many
# times in all; past that, the unit stays pending for the next resume rather than hammer the site.
OUR_FAILURE_ATTEMPTS = 3

T = TypeVar("T")

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class UnitNotStored(Exception):
    """The unit ran but could not be recorded; it stays pending, nothing of it was kept."""

    def __init__(self, error_class: str, message: str):
        super().__init__(message)
        self.error_class = error_class


def touched_by_crash(capture: ServiceCapture) -> bool:
    """Whether our browser crashed under any page of the run (a key page or axe included): the
    site is not to blame, and what that page would have shown is missing, so the run is redone."""
    for page in capture.pages:
        if page.error_class == "crashed":
            return True
        if page.axe is not None and page.axe.error and classify_exception(page.axe.error) == "crashed":
            return True
    return False


async def probe_with_retries(pool: BrowserPool, url: str, prior: Mapping[str, PriorVisit] | None = None) -> ServiceCapture:
    """Probe, trying again with growing pauses while the failure is transient (timeout, 5xx,
    connection reset, crash). Permanent failures (unknown host, bad certificate, 4xx, blocked)
    are final at once: retrying them only adds load on the site. A try that our browser spoiled
    (`our_failure`) is tried again at once and does not count among the site's tries: it saw
    nothing of the site."""
    settings = pool.settings
    attempt = 1
    spoiled = 0
    while True:
        capture = await probe_service(pool, url, prior)
        # Every visit counts in the record of how often the service was probed; only the site's
        # own failures count against its limit of tries.
        capture.attempts = attempt + spoiled
        if capture.our_failure is not None:
            spoiled += 1
            if spoiled >= OUR_FAILURE_ATTEMPTS:
                return capture
            continue
        retry = touched_by_crash(capture) if capture.ok else capture.error_class in TRANSIENT
        if not retry or attempt >= settings.max_attempts:
            return capture
        await asyncio.sleep(settings.retry_backoff_s * 2 ** (attempt - 1))
        attempt += 1


def connection_lost(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (OperationalError, InterfaceError))


def with_db_retries(work: Callable[[], T]) -> T:
    """Run a short database step, again while the connection drops (blocking: outside the loop)."""
    for attempt in range(1, STORAGE_ATTEMPTS + 1):
        try:
            return work()
        except Exception as exc:
            if not connection_lost(exc) or attempt == STORAGE_ATTEMPTS:
                raise
            time.sleep(STORAGE_BACKOFF_S * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


async def store_with_retries(db: Database, store: EvidenceStore, unit: Unit, capture: ServiceCapture,
                             findings: dict[str, Finding]) -> bool:
    def store_it() -> bool:
        with db.sessions() as session:
            return record_unit(session, store, unit, capture, findings)

    for attempt in range(1, STORAGE_ATTEMPTS + 1):
        try:
            # File writes and the transaction happen off the event loop so other probes keep going.
            return await asyncio.to_thread(store_it)
        except OSError as exc:
            if exc.errno in _FULL:
                raise UnitNotStored("storage_full", f"evidence store full ({store}): {exc.strerror}") from exc
            raise UnitNotStored("storage_error", f"evidence store ({store}): {exc}") from exc
        except Exception as exc:
            if not connection_lost(exc):
                raise
            if attempt == STORAGE_ATTEMPTS:
                first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
                raise UnitNotStored("storage_error", f"database unavailable after {attempt} attempts: {first}") from exc
            await asyncio.sleep(STORAGE_BACKOFF_S * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


async def _prior(unit: Unit, db: Database, store: EvidenceStore) -> PriorAudits:
    def read() -> PriorAudits:
        with db.sessions() as session:
            return prior_audits(session, store, unit.campaign_id, unit.service_id, unit.run_id)

    return await asyncio.to_thread(with_db_retries, read)


async def run_unit(unit: Unit, pool: BrowserPool, db: Database, store: EvidenceStore) -> tuple[ServiceCapture, dict[str, Finding], bool]:
    # An availability check audits nothing, so it has nothing to keep.
    prior = PriorAudits() if pool.settings.landing_only else await _prior(unit, db, store)
    capture = await probe_with_retries(pool, unit.url, prior.visits)
    prior.fill(capture)
    if capture.our_failure is not None:
        # Our browser failed, not the site: nothing is recorded, the unit stays pending and the
        # next `--resume` (or scheduled slot) runs it again.
        raise UnitNotStored(capture.our_failure, f"our browser failed under the run, nothing recorded: {capture.error}")
    # An availability check looks at the landing page only: no finding can be claimed from it.
    findings = {} if pool.settings.landing_only else run_checks(capture)
    stored = await store_with_retries(db, store, unit, capture, findings)
    return capture, findings, stored
