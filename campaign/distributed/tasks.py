"""The one task of distributed campaigns: run a unit (campaign/service_run.py `run_unit`) on this worker.

Before running, the task claims its unit in the database (deliveries.py): a stale task runs nothing,
a unit already recorded (by a worker that died before acknowledging) is not probed again, and a
task delivered more than OUR_FAILURE_ATTEMPTS times — each time its worker died under it — is set
aside as our failure (`worker_lost`): nothing is recorded of the site, the unit stays pending for
`veilleur run --resume`.
"""

from __future__ import annotations

import logging
import time

from celery.exceptions import Reject

from campaign.distributed.deliveries import ForeignTask, claim, finish
from campaign.distributed.worker import campaign_settings, current_runtime
from campaign.service_run import OUR_FAILURE_ATTEMPTS, with_db_retries
from storage.runs import Unit

log = logging.getLogger(__name__)

# A task that could not reach the database goes back to the broker for this long before trying again.
RETRY_S = 15
# A task of another instance goes back to the queue after this pause, rather than round and round.
FOREIGN_PAUSE_S = 5


def run_service_unit(task, payload: dict) -> str:
    runtime = current_runtime()
    unit = Unit(payload["run_id"], payload["campaign_id"], payload["service_id"], payload["url"])
    token = payload["dispatch"]
    try:
        taken = with_db_retries(lambda: claim(runtime.db, unit, token, runtime.name))
    except ForeignTask as exc:
        # Not ours to acknowledge: back to the queue for the workers of its own instance.
        log.error("tâche d'une autre instance sur ce broker (une vhost RabbitMQ ou une base Redis par instance) : %s", exc)
        time.sleep(FOREIGN_PAUSE_S)
        raise Reject(str(exc), requeue=True) from None
    except Exception as exc:  # the database is gone for now: the task waits in the broker, nothing lost
        raise task.retry(exc=exc, countdown=RETRY_S, max_retries=None)
    if taken is None:
        return "stale"
    if taken.status != "pending":
        outcome, error = "already", None
    elif taken.deliveries > OUR_FAILURE_ATTEMPTS:
        outcome, error = "worker_lost", (
            f"tâche reprise {taken.deliveries - 1} fois après la mort du worker qui la menait : mise de côté, "
            "rien d'enregistré (le site n'y est pour rien) ; `veilleur run --resume` la relance")
    elif payload.get("key") and payload["key"] != runtime.key_fingerprint:
        outcome, error = "signing_key", (
            f"ce worker signe avec la clé {runtime.key_fingerprint[:16]}…, l'instance qui a lancé la campagne avec "
            f"{payload['key'][:16]}… : donnez à chaque worker la clé de l'instance (VEILLEUR_SIGNING_KEY)")
    else:
        outcome, error = runtime.run(unit, campaign_settings(taken.settings))
    if error:
        log.warning("%s : résultat non enregistré (%s) — %s", unit.service_id, outcome, error)
    try:
        with_db_retries(lambda: finish(runtime.db, unit.run_id, token, outcome, error))
    except Exception as exc:
        # Recorded or not, the unit is idempotent: the next delivery finds it done, or runs it again.
        raise task.retry(exc=exc, countdown=RETRY_S, max_retries=None)
    return outcome
