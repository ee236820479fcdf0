"""Campaigns on Celery workers (VEILLEUR_BROKER_URL): the same unit of work (campaign/service_run.py),
run by `veilleur worker` processes, dispatched and followed by `veilleur run` and the scheduler.

- `app.py`: the Celery application, its queues and delivery settings;
- `deliveries.py`: where each unit's task stands, in the database (dispatch, deliveries, outcome);
- `follow.py`: dispatching a campaign's units and following them to the campaign's end;
- `worker.py`: the worker's one event loop and one Chromium; `tasks.py`: the task body;
- `host_leases.py`: one page at a time per host across every worker;
- `status.py`: queue depths, workers and campaign progress, for `veilleur status`.

Nothing here is imported while VEILLEUR_BROKER_URL is unset, except the few functions below: the
embedded default never loads Celery. The broker's address is given by the shell (the broker section),
never read here.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING, Callable, Protocol

from foundation.errors import InputError
from foundation.settings import BrokerSection
from probes.settings import ProbeSettings
from storage.db import Database
from storage.evidence.store import EvidenceStore

if TYPE_CHECKING:  # the executor loads Chromium's driver: only its types are named here
    from campaign.executor import CampaignSummary, UnitResult

BROKER_ENV = "VEILLEUR_BROKER_URL"


def require_postgresql(db: Database) -> None:
    """Workers on other machines reach the database over the network: a SQLite file cannot be it."""
    if db.engine.dialect.name != "postgresql":
        raise InputError(
            f"{BROKER_ENV} est défini : les campagnes distribuées ont besoin de PostgreSQL, que chaque worker "
            "joint par le réseau, et non d'un fichier SQLite (VEILLEUR_DATABASE_URL=postgresql+psycopg://…) ; "
            f"sans {BROKER_ENV}, tout tourne dans ce processus"
        )


class CampaignRunner(Protocol):
    """What `veilleur run` and the scheduler call to run a campaign, without asking where it runs:
    `run_campaign` (campaign/executor.py) in this process and `follow_campaign`
    (campaign/distributed/follow.py) on the workers both have this shape (a test holds them to it)."""

    def __call__(
        self, db: Database, store: EvidenceStore, campaign_id: int, settings: ProbeSettings,
        on_start: Callable[[int], None] = ..., on_result: Callable[[UnitResult], None] = ...,
        stop: threading.Event | None = None, stop_grace_s: float = 30.0,
        on_complete: Callable[[int], None] | None = None, on_stopping: Callable[[], None] = ...,
    ) -> CampaignSummary: ...


def campaign_runner(db: Database, broker: BrokerSection) -> CampaignRunner:
    """`run_campaign` (campaign/executor.py) in this process, or, with VEILLEUR_BROKER_URL, the same
    campaign dispatched to workers and followed to its end: same arguments, same summary."""
    if broker.broker_url is None:
        from campaign.executor import run_campaign

        return run_campaign
    require_postgresql(db)
    from campaign.distributed.follow import follow_campaign

    return partial(follow_campaign, broker_url=broker.broker_url)
