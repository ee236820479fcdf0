"""`veilleur registry import|list`: the démarches to watch."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from veilleur.settings import open_stores
from foundation.limits import without_credentials
from foundation.vocabulary import count, integer, plural
from veilleur.cli.group import CommandFamily


@click.group(cls=CommandFamily)
def registry() -> None:
    """Les démarches à suivre : importer le registre, le lister."""


@registry.command("import")
@click.argument("file", metavar="FICHIER", type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Retire les démarches absentes du fichier (leur historique est gardé).")
@click.option("--dry-run", is_flag=True, help="Valide le fichier et dit ce que ferait l’import, sans rien enregistrer.")
def registry_import(file: Path, prune: bool, dry_run: bool) -> None:
    """Importe (ou met à jour) les démarches et les ministères d’un fichier YAML ou CSV.

    Tout le fichier est validé d’abord : une seule erreur, et rien ne change."""
    from storage.registry import import_registry

    db, _ = open_stores()
    with db.sessions() as session:
        summary = import_registry(session, file, prune=prune, dry_run=dry_run)
    if not dry_run:
        click.echo(
            f"{file} : {_services(summary.services_added, 'ajoutée', 'ajoutées')}, "
            f"{_services(summary.services_updated, 'mise à jour', 'mises à jour')}, "
            f"{_services(summary.services_retired, 'retirée', 'retirées')} ; "
            f"{_ministries(summary.ministries_added, 'ajouté', 'ajoutés')}, "
            f"{_ministries(summary.ministries_updated, 'mis à jour', 'mis à jour')}"
        )
        return
    unchanged = sum(1 for fields in summary.changed.values() if not fields)
    click.echo(
        f"{file} : essai à blanc, rien n’a été enregistré ; l’import ajouterait "
        f"{count(summary.services_added, 'démarche', 'démarches')}, en mettrait à jour "
        f"{integer(summary.services_updated - unchanged)} ({integer(unchanged)} sans changement), en retirerait "
        f"{integer(summary.services_retired)} ; il ajouterait {count(summary.ministries_added, 'ministère', 'ministères')} "
        f"et en mettrait à jour {integer(summary.ministries_updated)}"
    )
    for service_id in summary.added:
        click.echo(f"  ajout de la démarche {service_id}")
    for service_id, fields in summary.changed.items():
        if fields:
            click.echo(f"  mise à jour de la démarche {service_id} : {', '.join(fields)}")
    for service_id in summary.retired:
        click.echo(f"  retrait de la démarche {service_id}")
    for ministry_id in summary.new_ministries:
        click.echo(f"  ajout du ministère {ministry_id}")


def _services(n: int, one: str, other: str) -> str:
    return f"{count(n, 'démarche', 'démarches')} {plural(n, one, other)}"


def _ministries(n: int, one: str, other: str) -> str:
    return f"{count(n, 'ministère', 'ministères')} {plural(n, one, other)}"


@registry.command("list")
@click.option("--all", "include_retired", is_flag=True, help="Inclut les démarches retirées.")
def registry_list(include_retired: bool) -> None:
    """Affiche les démarches du registre et leur éligibilité comme démarches essentielles."""
    from storage.access_problems import stale_addresses
    from storage.registry import list_services, service_eligibility

    db, _ = open_stores()
    with db.sessions() as session:
        services = list_services(session, include_retired=include_retired)
        table = Table(title=count(len(services), "démarche", "démarches"))
        for column in ("id", "ministère", "nom", "URL", "usages/an", "démarche essentielle"):
            table.add_column(column)
        for s in services:
            elig = service_eligibility(s)
            table.add_row(
                s.id + ("" if s.active else " (retiré)"), s.ministry_id, s.name, without_credentials(s.url),
                integer(s.annual_volume) if s.annual_volume is not None else "—",
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
