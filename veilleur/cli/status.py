"""`veilleur status`: the next scheduled runs, campaigns under way, the last outcome of each service with
its open incidents, and with VEILLEUR_BROKER_URL the queues and workers."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from checks import finding_type
from foundation import formatting, vocabulary
from veilleur.settings import current, open_stores


@click.command()
def status() -> None:
    """Les prochaines campagnes planifiées, les campagnes en cours (files et workers quand elles sont
    réparties), et le dernier résultat de chaque démarche."""
    import scheduler
    from campaign.distributed.deliveries import running_campaigns
    from reports.alerts.after_campaign import open_incidents
    from storage.access_problems import refusing_hosts
    from storage.registry import list_services
    from storage.schema import ServiceRun

    db, _ = open_stores()
    console = Console(width=200)
    jobs = Table(title="Prochaines campagnes")
    jobs.add_column("tâche")
    jobs.add_column("prochaine exécution")
    for job_id, when in scheduler.next_runs(current()):
        jobs.add_row(job_id, formatting.date_time(when) if when else "en pause")
    console.print(jobs)

    url = current().broker.broker_url
    if url is not None:
        _print_cluster(console, url)
    with db.sessions() as session:
        under_way = running_campaigns(session)
        if under_way:
            table = Table(title="Campagnes en cours")
            for column in ("campagne", "type", "lancée par", "depuis", "faites", "en cours sur un worker",
                           "mises de côté (nos échecs)"):
                table.add_column(column)
            for c in under_way:
                table.add_row(str(c.campaign_id), c.kind, c.trigger, formatting.date_time(c.started_at),
                              f"{c.done}/{c.units}", str(c.running), str(c.set_aside))
            console.print(table)

        incidents = open_incidents(session)
        by_service: dict[str, list[str]] = {}
        for incident in incidents:
            by_service.setdefault(incident.service_id, []).append(incident.check_id)
        table = Table(title="Dernier résultat par démarche")
        for column in ("démarche", "dernière visite", "campagne", "disponibilité", "incidents ouverts"):
            table.add_column(column)
        for service in list_services(session):
            run = session.scalars(
                select(ServiceRun).where(ServiceRun.service_id == service.id, ServiceRun.status == "done")
                .order_by(ServiceRun.started_at.desc(), ServiceRun.id.desc()).limit(1)
            ).first()
            table.add_row(
                service.id,
                formatting.date_time(run.started_at) if run and run.started_at else "jamais",
                str(run.campaign_id) if run else "—",
                ("joignable" if run.ok else vocabulary.error_class(run.error_class)) if run else "—",
                ", ".join(finding_type(c).label or c for c in by_service.get(service.id, [])) or "—",
            )
        refusals = refusing_hosts(session)
    console.print(table)
    _print_refusals(console, refusals)


def _print_refusals(console: Console, refusals: list) -> None:
    """The hosts that refused or challenged the probe at the latest visit of a service: not the
    services' downtime but our access problem, for DINUM to ask them to let the probe in."""
    if not refusals:
        console.print("Aucun hôte ne refuse la sonde.")
        return
    table = Table(title="Hôtes qui refusent la sonde (à faire autoriser : adresse IP ou agent utilisateur de la sonde)")
    for column in ("hôte", "service", "page", "ce qui a été vu", "visite"):
        table.add_column(column)
    for r in refusals:
        # What a site showed is printed as text, never as console markup.
        table.add_row(escape(r.host), r.service_id, escape(f"{vocabulary.the_page(r.page_kind)} ({r.page_url})"),
                      escape(r.reason),
                      r.seen_at.strftime("%Y-%m-%d %H:%M") if r.seen_at else "—")
    console.print(table)


def _print_cluster(console: Console, url: str) -> None:
    from campaign.distributed.app import safe_url
    from campaign.distributed.status import cluster_status

    cluster = cluster_status(url)
    queues = Table(title=f"Files d'attente ({safe_url(url)})")
    for column in ("file", "tâches en attente", "workers abonnés"):
        queues.add_column(column)
    for q in cluster.queues:
        queues.add_row(f"{q.kind} ({q.name})", "?" if q.waiting is None else str(q.waiting),
                       "?" if q.consumers is None else str(q.consumers))
    console.print(queues)
    workers = Table(title="Workers")
    for column in ("worker", "places", "en cours", "réservées", "faites depuis son démarrage"):
        workers.add_column(column)
    for w in cluster.workers:
        workers.add_row(w.name, "?" if w.slots is None else str(w.slots), str(w.running), str(w.reserved), str(w.done))
    console.print(workers)
    if cluster.error:
        console.print(f"[red]broker injoignable : {cluster.error}[/red]")
    elif not cluster.workers:
        console.print("[yellow]aucun worker ne répond : les tâches attendent dans les files (`veilleur worker`)[/yellow]")


COMMANDS = [status]
