"""`veilleur worker`: a Celery worker of distributed campaigns (VEILLEUR_BROKER_URL), holding one Chromium."""

from __future__ import annotations

import os
import socket

import click

from campaign.distributed.app import QUEUES
from foundation.errors import InputError
from probes.settings import probe_settings
from veilleur.settings import current
from veilleur import option_bounds as bounds


@click.command()
@click.option("--concurrency", type=bounds.CONCURRENCY, metavar="N",
              help="Visites à la fois (par défaut : VEILLEUR_CONCURRENCY, sinon 3 par cœur).")
@click.option("--queues", default="full,availability", show_default=True, metavar="SORTE,…",
              help="Les campagnes à prendre : full (complètes), availability (disponibilité), ou les deux.")
@click.option("--name", metavar="NOM", help="Nom du worker (par défaut : veilleur-<pid>@<hôte>).")
@click.option("--loglevel", default="INFO", show_default=True, metavar="NIVEAU", help="Niveau de journal de Celery.")
def worker(concurrency: int | None, queues: str, name: str | None, loglevel: str) -> None:
    """Fait les visites des campagnes réparties (demande VEILLEUR_BROKER_URL et PostgreSQL)."""
    from campaign.distributed import BROKER_ENV
    from campaign.distributed.app import make_app, safe_url
    from campaign.distributed.worker import start_runtime, stop_runtime

    settings = current()
    url = settings.broker.broker_url
    if url is None:
        raise InputError(f"{BROKER_ENV} n'est pas défini : un worker prend ses tâches d'un broker "
                         "(amqp://… pour RabbitMQ, redis://… pour Redis)")
    kinds = [k.strip() for k in queues.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in QUEUES]
    if not kinds or unknown:
        raise InputError(f"--queues {queues} : attendu : full, availability ou les deux (séparés par une virgule)")
    # The worker process gets the settings read here: its tasks read nothing themselves.
    runtime = start_runtime(probe_settings(settings.probe, concurrency=concurrency), settings.storage, settings.evidence)
    click.echo(f"veilleur worker : {runtime.settings.concurrency} à la fois, files {', '.join(kinds)}, "
               f"broker {safe_url(url)}, preuves dans {runtime.store}, clé {runtime.key_fingerprint[:16]}…", err=True)
    app = make_app(url, worker=True)
    argv = ["worker", "--pool=threads", f"--concurrency={runtime.settings.concurrency}",
            f"--queues={','.join(QUEUES[k] for k in kinds)}", f"--loglevel={loglevel}",
            f"--hostname={name or f'veilleur-{os.getpid()}@{socket.gethostname()}'}",
            # Workers need not know each other: the broker and the database coordinate them.
            "--without-mingle", "--without-gossip"]
    try:
        app.worker_main(argv)
    finally:
        stop_runtime()


COMMANDS = [worker]
