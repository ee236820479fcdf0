"""What a `veilleur worker` holds for all its tasks: one Chromium whose service runs share one event loop,
as the in-process pool does, with its database, evidence store and signing key.

Celery runs each task in a thread of its own (the `threads` pool, one thread per slot); the task
hands its unit to the event loop, which runs in a thread of its own, and waits for it. Browser
recycling, the service budget and politeness are the pool's, as in a campaign in one process;
politeness also holds across workers (host_leases.py).

A worker serves campaigns of every kind (full, availability) with one browser: each service run
sees its own campaign's settings (page timeout, key pages, landing page only…), the worker's only
deciding how many run at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from campaign.distributed import require_postgresql
from campaign.distributed.host_leases import HostLeases
from campaign.service_run import UnitNotStored, run_unit
from foundation.errors import InputError
from foundation.settings import EvidenceSection, StorageSection
from probes.browser import BrowserPool
from probes.settings import ProbeSettings
from storage.db import Database, open_database
from storage.evidence.signing import keys_of
from storage.evidence.store import EvidenceStore
from storage.runs import Unit
from storage.stores import database_url, instance_keys, open_evidence_store

log = logging.getLogger(__name__)

# The settings of the campaign whose unit the current asyncio task runs.
_CAMPAIGN_SETTINGS: ContextVar[ProbeSettings | None] = ContextVar("campaign_settings", default=None)


class WorkerPool(BrowserPool):
    """The worker's browser pool, seen by each service run with its own campaign's settings; its size,
    the browser's recycling and the politeness pause are the worker's."""

    @property
    def settings(self) -> ProbeSettings:  # type: ignore[override]
        return _CAMPAIGN_SETTINGS.get() or self._worker_settings

    @settings.setter
    def settings(self, value: ProbeSettings) -> None:
        self._worker_settings = value


class WorkerRuntime:
    def __init__(self, settings: ProbeSettings, storage: StorageSection, evidence: EvidenceSection):
        self.settings = settings
        self.db, self.store = _open(self.settings.concurrency, storage, evidence)
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        # What it signs with; a task from an instance that signs with another key is not run.
        self.key_fingerprint = keys_of(self.store).signer().fingerprint
        self.loop = asyncio.new_event_loop()
        # Storage and leases go off the loop: room for each slot's, beyond asyncio's default of cores + 4.
        self.loop.set_default_executor(ThreadPoolExecutor(self.settings.concurrency * 2 + 4, "veilleur-io"))
        self._thread = threading.Thread(target=self.loop.run_forever, name="veilleur-loop", daemon=True)
        self._thread.start()
        self.pool = WorkerPool(self.settings)
        self.pool.hosts.across = HostLeases(self.db, self.name)
        try:
            # Chromium now: a worker that cannot start one says so as it starts, not task by task.
            self.call(self.pool.__aenter__())
        except Exception as exc:
            self._stop_loop()
            self.db.close()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"le worker ne peut pas démarrer Chromium ({self.pool.executable}) : {first}") from None

    def call(self, coroutine):
        """Run a coroutine on the worker's loop and wait for it (from a Celery thread)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def run(self, unit: Unit, settings: ProbeSettings) -> tuple[str, str | None]:
        """Run the unit as the in-process executor does; its outcome ("stored", "already", or our
        failure's class) and why it was not recorded."""

        async def one():
            _CAMPAIGN_SETTINGS.set(settings)
            return await run_unit(unit, self.pool, self.db, self.store)

        try:
            _, _, stored = self.call(one())
        except UnitNotStored as exc:
            return exc.error_class, str(exc)
        except Exception as exc:  # noqa: BLE001 - one unit must never end the worker
            log.exception("unit %s (%s) failed", unit.service_id, unit.url)
            return "internal_error", str(exc) or type(exc).__name__
        return ("stored" if stored else "already"), None

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)

    def close(self) -> None:
        try:
            self.call(self.pool.__aexit__(None, None, None))
        finally:
            self._stop_loop()
            self.db.close()


def campaign_settings(recorded: dict) -> ProbeSettings:
    """The settings a campaign was started with, as recorded (a resumed campaign's too)."""
    return ProbeSettings(**{k: v for k, v in recorded.items() if k in ProbeSettings.__dataclass_fields__})


def _open(concurrency: int, storage: StorageSection, evidence: EvidenceSection) -> tuple[Database, EvidenceStore]:
    instance_keys(storage, evidence).check()
    url = database_url(storage)
    try:
        migrated = open_database(url)  # brought up to date once, here
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot open the database {url!r}: {first}") from None
    try:
        require_postgresql(migrated)
    finally:
        migrated.close()
    # Connections for every slot's storage and host lease at once, beyond SQLAlchemy's default of 5 + 10.
    engine = create_engine(migrated.engine.url, pool_pre_ping=True, pool_size=concurrency * 2 + 2,
                           max_overflow=concurrency)
    db = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    try:
        return db, open_evidence_store(db, storage, evidence)
    except BaseException:
        db.close()
        raise


_runtime: WorkerRuntime | None = None
_runtime_lock = threading.Lock()


def start_runtime(settings: ProbeSettings, storage: StorageSection, evidence: EvidenceSection) -> WorkerRuntime:
    """The worker's runtime, with the settings `veilleur worker` read (the worker process reads nothing itself)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = WorkerRuntime(settings, storage, evidence)
        return _runtime


def current_runtime() -> WorkerRuntime:
    """The runtime `veilleur worker` started before taking its first task."""
    if _runtime is None:
        raise RuntimeError("no worker runtime: a worker is started by `veilleur worker`, which gives it its settings")
    return _runtime


def stop_runtime() -> None:
    global _runtime
    with _runtime_lock:
        if _runtime is not None:
            _runtime.close()
            _runtime = None
