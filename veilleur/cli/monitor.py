"""`veilleur schedule`: continuous monitoring (`veilleur status` says where it stands: veilleur/cli/status.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from foundation import vocabulary
from veilleur.settings import current, open_stores


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), metavar="FICHIER",
              help="Fichier de planification (YAML) : rythmes, délai aléatoire, exceptions par démarche.")
@click.option("--once", is_flag=True, help="Lance ce qui est dû maintenant, puis s’arrête (pour cron ou un CronJob Kubernetes).")
def schedule(config_path: Path | None, once: bool) -> None:
    """Lance les campagnes à leur rythme (tâches gardées dans la base de données)."""
    import scheduler
    from campaign.schedule import load_schedule

    config = load_schedule(config_path)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = current()
    db = open_stores(settings)[0]  # migrate before the job store touches the database
    try:
        from campaign.distributed import require_postgresql

        if settings.broker.broker_url is not None:
            require_postgresql(db)  # the workers must reach it: refused now, not at the first campaign
    finally:
        db.close()
    if once:
        ran = scheduler.run_due_once(config, settings)
        click.echo(vocabulary.count(ran, "campagne due lancée", "campagnes dues lancées"))
    else:
        scheduler.run_forever(config, settings)


COMMANDS = [schedule]
