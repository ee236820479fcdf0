"""`veilleur schedule` and `veilleur status`: continuous monitoring."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from foundation import vocabulary
from storage.stores import open_stores


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="Schedule file (YAML): cadences, jitter, overrides.")
@click.option("--once", is_flag=True, help="Run what is due now, then exit (for cron or a Kubernetes CronJob).")
def schedule(config_path: Path | None, once: bool) -> None:
    """Run campaigns on their schedule (jobs persisted in the database)."""
    import scheduler
    from campaign.schedule import load_schedule

    config = load_schedule(config_path)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    open_stores()[0].close()  # migrate before the job store touches the database
    if once:
        ran = scheduler.run_due_once(config)
        click.echo(vocabulary.count(ran, "campagne due lancée", "campagnes dues lancées"))
    else:
        scheduler.run_forever(config)


@click.command()
def status() -> None:
    """Next scheduled runs, and the last outcome of each service with its open incidents."""
    import scheduler
    from reports.alerts.after_campaign import open_incidents
    from storage.registry import list_services
    from storage.schema import ServiceRun

    db, _ = open_stores()
    console = Console(width=200)
    jobs = Table(title="Prochaines campagnes")
    jobs.add_column("tâche")
    jobs.add_column("prochaine exécution")
    for job_id, when in scheduler.next_runs():
        jobs.add_row(job_id, when.isoformat() if when else "en pause")
    console.print(jobs)
    with db.sessions() as session:
        incidents = open_incidents(session)
        by_service: dict[str, list[str]] = {}
        for incident in incidents:
            by_service.setdefault(incident.service_id, []).append(incident.check_id)
        table = Table(title="Dernier résultat par service")
        for column in ("service", "dernière visite", "campagne", "accès", "incidents ouverts"):
            table.add_column(column)
        for service in list_services(session):
            run = session.scalars(
                select(ServiceRun).where(ServiceRun.service_id == service.id, ServiceRun.status == "done")
                .order_by(ServiceRun.started_at.desc(), ServiceRun.id.desc()).limit(1)
            ).first()
            table.add_row(
                service.id,
                run.started_at.strftime("%Y-%m-%d %H:%M") if run and run.started_at else "jamais",
                str(run.campaign_id) if run else "—",
                ("ok" if run.ok else run.error_class or "échec") if run else "—",
                ", ".join(by_service.get(service.id, [])) or "—",
            )
    console.print(table)


COMMANDS = [schedule, status]
