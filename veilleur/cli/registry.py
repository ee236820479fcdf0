"""`veilleur registry import|list`: the services to watch."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from storage.stores import open_stores


@click.group()
def registry() -> None:
    """The services to watch."""


@registry.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Retire services missing from the file (their history is kept).")
def registry_import(file: Path, prune: bool) -> None:
    """Import (or update) services and ministries from a YAML or CSV file."""
    from storage.registry import import_registry

    db, _ = open_stores()
    with db.sessions() as session:
        summary = import_registry(session, file, prune=prune)
    click.echo(
        f"{file}: {summary.services_added} services added, {summary.services_updated} updated, "
        f"{summary.services_retired} retired; {summary.ministries_added} ministries added, "
        f"{summary.ministries_updated} updated"
    )


@registry.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Include retired services.")
def registry_list(include_retired: bool) -> None:
    """Print the registered services with their eligibility as essential services."""
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
                s.id + ("" if s.active else " (retiré)"), s.ministry_id, s.name, s.url,
                f"{s.annual_volume:,}".replace(",", " ") if s.annual_volume is not None else "—",
                ("oui : " if elig.eligible else "") + elig.summary(),
            )
    Console(width=200).print(table)


COMMANDS = [registry]
