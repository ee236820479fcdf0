"""What the cluster is doing, for `veilleur status`: tasks waiting in each queue, the workers that answer,
and what each runs."""

from __future__ import annotations

from dataclasses import dataclass

from campaign.distributed.app import QUEUES, make_app


@dataclass(frozen=True)
class QueueDepth:
    kind: str
    name: str
    waiting: int | None  # None: the broker did not say
    consumers: int | None


@dataclass(frozen=True)
class WorkerState:
    name: str
    slots: int | None
    running: int
    reserved: int
    done: int


@dataclass
class ClusterStatus:
    broker: str
    queues: list[QueueDepth]
    workers: list[WorkerState]
    error: str | None = None


def cluster_status(broker_url: str, timeout_s: float = 1.5) -> ClusterStatus:
    app = make_app(broker_url)
    queues: list[QueueDepth] = []
    workers: list[WorkerState] = []
    try:
        with app.connection_for_read() as connection:
            channel = connection.default_channel
            for kind, name in QUEUES.items():
                try:
                    # Passive: asks about the queue without creating it.
                    _, waiting, consumers = channel.queue_declare(queue=name, passive=True)
                except Exception:  # noqa: BLE001 - not declared yet: no worker and no campaign used it
                    queues.append(QueueDepth(kind, name, 0, 0))
                    channel = connection.channel()  # a refused passive declare closes the channel (AMQP)
                    continue
                # Redis does not count consumers.
                queues.append(QueueDepth(kind, name, waiting, consumers if broker_url.startswith("amqp") else None))
        inspect = app.control.inspect(timeout=timeout_s)
        stats = inspect.stats() or {}
        active = inspect.active() or {}
        reserved = inspect.reserved() or {}
        for name in sorted(stats):
            pool = stats[name].get("pool") or {}
            total = stats[name].get("total") or {}
            workers.append(WorkerState(
                name, pool.get("max-concurrency"), len(active.get(name) or []), len(reserved.get(name) or []),
                sum(total.values()) if isinstance(total, dict) else 0,
            ))
    except Exception as exc:  # noqa: BLE001 - the status says what it could not reach
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ClusterStatus(broker_url, queues, workers, error=first)
    finally:
        app.close()
    return ClusterStatus(broker_url, queues, workers)


def workers_answering(broker_url: str, timeout_s: float = 1.0) -> int:
    """How many workers answer a ping now."""
    app = make_app(broker_url)
    try:
        return len(app.control.ping(timeout=timeout_s) or [])
    except Exception:  # noqa: BLE001 - a broker that does not answer: no worker either
        return 0
    finally:
        app.close()
