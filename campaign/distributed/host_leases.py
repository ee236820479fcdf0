"""Politeness across workers: one page at a time per host for the whole cluster, by a lease per host in
PostgreSQL (table `host_leases`), which every worker reaches already.

A worker takes a host's lease before loading one of its pages, renews it while the page loads, and
on leaving sets it to end once the pause since the load started is over (probes/politeness.py):
the other workers wait for that end. A
worker that dies stops renewing: its hosts are free again within LEASE_S. Times are the database's
(`now()`), so the workers' clocks do not matter.

If the database cannot be reached for the lease, the page is loaded all the same (and said in the
log): failing it would record our database's trouble as the site's failure, and the unit cannot be
stored without the database anyway.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import AsyncIterator

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert

from campaign.service_run import connection_lost
from storage.db import Database
from storage.schema import HostLease

log = logging.getLogger(__name__)

LEASE_S = 10.0
RENEW_S = LEASE_S / 3
# How often a waiting worker asks again, at most and at least (the lease says how long to wait).
POLL_MAX_S = 0.5
POLL_MIN_S = 0.05
ATTEMPTS = 4


class HostLeases:
    """A `probes.politeness.SharedHostLock` for one worker process, named `holder`."""

    def __init__(self, db: Database, holder: str, lease_s: float = LEASE_S):
        self.db = db
        self.holder = holder[:200]
        self.lease_s = lease_s

    @asynccontextmanager
    async def hold(self, host: str, pause_s: float) -> AsyncIterator[None]:
        host = host[:300]
        held = await self._acquire(host)
        started = time.monotonic()
        keeper = asyncio.create_task(self._keep(host)) if held else None
        try:
            yield
        finally:
            if keeper is not None:
                keeper.cancel()
                await asyncio.gather(keeper, return_exceptions=True)
                # The pause runs from the start of the load (probes/politeness.py): what is left of it.
                await self._step(self._release, host, max(0.0, pause_s - (time.monotonic() - started)))

    async def _acquire(self, host: str) -> bool:
        while True:
            left = await self._step(self._try, host)
            if left is None:  # the database could not be asked: go on without the lease
                return False
            if left <= 0:
                return True
            await asyncio.sleep(min(max(left, POLL_MIN_S), POLL_MAX_S) * random.uniform(0.8, 1.0))

    async def _keep(self, host: str) -> None:
        while True:
            await asyncio.sleep(RENEW_S)
            await self._step(self._renew, host)

    async def _step(self, work, *args):
        """A lease operation off the event loop, tried again while the connection drops; None if it
        never went through."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await asyncio.to_thread(work, *args)
            except Exception as exc:  # noqa: BLE001 - politeness must never fail a visit
                if not connection_lost(exc) or attempt == ATTEMPTS:
                    log.warning("bail d'hôte (%s) non joignable dans la base, page chargée sans lui : %s",
                                args[0], str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
                    return None
                await asyncio.sleep(0.25 * 2 ** (attempt - 1))
        return None

    def _try(self, host: str) -> float:
        """0 when the lease is ours now, else the seconds until it ends."""
        lease = timedelta(seconds=self.lease_s)
        with self.db.engine.begin() as conn:
            statement = insert(HostLease).values(host=host, holder=self.holder, expires_at=func.now() + lease)
            taken = conn.execute(statement.on_conflict_do_update(
                index_elements=["host"],
                set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
                where=HostLease.expires_at <= func.now(),
            ).returning(HostLease.holder)).first()
            if taken is not None:
                return 0.0
            left = conn.scalar(select(func.extract("epoch", HostLease.expires_at - func.now()))
                               .where(HostLease.host == host))
            return max(float(left or 0.0), POLL_MIN_S)

    def _renew(self, host: str) -> None:
        with self.db.engine.begin() as conn:
            renewed = conn.execute(update(HostLease).where(HostLease.host == host, HostLease.holder == self.holder)
                                   .values(expires_at=func.now() + timedelta(seconds=self.lease_s))).rowcount
        if not renewed:
            log.warning("bail d'hôte %s perdu pendant une page (le worker a été ralenti plus de %s s)", host, self.lease_s)

    def _release(self, host: str, pause_s: float) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(update(HostLease).where(HostLease.host == host, HostLease.holder == self.holder)
                         .values(expires_at=func.now() + timedelta(seconds=pause_s)))
