"""`veilleur registry import|list`: the services to watch."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from veilleur.settings import open_stores
from foundation.limits import without_credentials


@click.group()
def registry() -> None:
    """The services to watch."""


@registry.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Retire services missing from the file (their history is kept).")
@click.option("--dry-run", is_flag=True, help="Validate the file and say what the import would do; store nothing.")
def registry_import(file: Path, prune: bool, dry_run: bool) -> None:
    """Import (or update) services and ministries from a YAML or CSV file."""
    from storage.registry import import_registry

    db, _ = open_stores()
    with db.sessions() as session:
        summary = import_registry(session, file, prune=prune, dry_run=dry_run)
    if not dry_run:
        click.echo(
            f"{file}: {summary.services_added} services added, {summary.services_updated} updated, "
            f"{summary.services_retired} retired; {summary.ministries_added} ministries added, "
            f"{summary.ministries_updated} updated"
        )
        return
    unchanged = sum(1 for fields in summary.changed.values() if not fields)
    click.echo(
        f"{file}: dry run, nothing stored; the import would add {summary.services_added} services, "
        f"update {summary.services_updated - unchanged} ({unchanged} unchanged), retire {summary.services_retired}; "
        f"add {summary.ministries_added} ministries, update {summary.ministries_updated}"
    )
    for service_id in summary.added:
        click.echo(f"  add service {service_id}")
    for service_id, fields in summary.changed.items():
        if fields:
            click.echo(f"  update service {service_id}: {', '.join(fields)}")
    for service_id in summary.retired:
        click.echo(f"  retire service {service_id}")
    for ministry_id in summary.new_ministries:
        click.echo(f"  add ministry {ministry_id}")


@registry.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Include retired services.")
def registry_list(include_retired: bool) -> None:
    """Print the registered services with their eligibility as essential services."""
    from storage.access_problems import stale_addresses
    from storage.registry import list_services, service_eligibility

    db, _ = open_stores()
    with db.sessions() as session:
        services = list_services(session, include_retired=include_retired)
        table = Table(title=f"{len(services)} services")
        for column in ("id", "ministère", "nom", "URL", "usages/an", "démarche essentielle"):
            table.add_column(column)
        for s in services:
            elig = service_eligibility(s)
            table.add_row(
                s.id + ("" if s.active else " (retiré)"), s.ministry_id, s.name, without_credentials(s.url),
                f"{s.annual_volume:,}".replace(",", " ") if s.annual_volume is not None else "—",
                ("oui : " if elig.eligible else "") + elig.summary(),
            )
        stale = stale_addresses(session, [s.id for s in services])
    console = Console(width=200)
    console.print(table)
    _print_stale(console, stale)


def _print_stale(console: Console, stale: dict) -> None:
    """The services whose address, at their latest visit, no longer led to the démarche."""
    if not stale:
        return
    console.print(f"{len(stale)} adresse{'s' if len(stale) > 1 else ''} à mettre à jour "
                  f"(la dernière visite n’y a pas trouvé la démarche) :", soft_wrap=True)
    for address in stale.values():
        when = address.seen_at.strftime("%d/%m/%Y") if address.seen_at else "date inconnue"
        console.print(f"  {address.service_id} : adresse à mettre à jour — {address.url} : {address.reason} "
                      f"(visite du {when})", soft_wrap=True, markup=False, highlight=False)


COMMANDS = [registry]
