"""The Celery application of distributed campaigns: its two queues, how tasks are delivered, its one task.

Delivery loses nothing and doubles nothing:
- a task is acknowledged once its unit is recorded (late acknowledgement), and a worker holds one
  task per slot (prefetch 1 × concurrency): a worker that dies gives its tasks back to the broker,
  which hands them to another (RabbitMQ at once; Redis after VISIBILITY_S);
- published messages are persistent, and confirmed by RabbitMQ before `veilleur run` goes on;
- the unit is idempotent (storage/runs.py `record_unit`), and each task checks in the database that
  it is still the live one for its unit (campaign/distributed/deliveries.py).

Availability checks and full campaigns have queues of their own, so that a worker kept for
availability (`veilleur worker --queues availability`) never waits behind audits.

`celery -A veilleur.celery_app flower` (or `inspect`, `events`) finds the application there, built by
the shell from VEILLEUR_BROKER_URL (only the shell reads the environment).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

TASK = "veilleur.service_run"
# By campaign kind (storage.schema.Campaign.kind).
QUEUES = {"full": "veilleur.full", "availability": "veilleur.availability"}
# Redis has no connection-bound acknowledgement: a task taken by a worker that died comes back after
# this long. Longer than the longest unit (budget × attempts, with their pauses), or a slow unit
# would be handed to a second worker while the first still runs it (stored once all the same).
VISIBILITY_S = 1800


def queue_for(kind: str) -> str:
    return QUEUES.get(kind, QUEUES["full"])


def safe_url(url: str) -> str:
    """The broker URL without its password, to be shown."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def make_app(broker_url: str, worker: bool = False):
    """The application over `broker_url`; `worker`: with the task's body (a `veilleur worker`),
    rather than only its name (who dispatches)."""
    from celery import Celery
    from kombu import Exchange, Queue

    app = Celery("veilleur", broker=broker_url, set_as_current=False)
    scheme = urlsplit(broker_url).scheme.lower()
    transport_options: dict = {}
    if scheme.startswith("amqp") or scheme.startswith("pyamqp"):
        transport_options["confirm_publish"] = True
    elif scheme.startswith("redis") or scheme.startswith("rediss"):
        transport_options["visibility_timeout"] = VISIBILITY_S
    app.conf.update(
        task_serializer="json", accept_content=["json"],
        # The outcome of each task is in our database (unit_deliveries): no result backend to run.
        task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name, durable=True)
                     for name in QUEUES.values()],
        task_default_queue=QUEUES["full"], task_create_missing_queues=False,
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        # Events for Flower and `celery events`: a few bytes per task.
        worker_send_task_events=True, task_send_sent_event=True,
    )
    if worker:
        from campaign.distributed.tasks import run_service_unit

        app.task(name=TASK, bind=True)(run_service_unit)
    return app

