"""`veilleur run`: a campaign over the registry, or the rest of an interrupted one (`--resume`)."""

from __future__ import annotations

from dataclasses import replace

import click

from veilleur.campaign_console import run_from_cli
from veilleur.cli.group import probe_options, settings_from_options


@click.command()
@click.option("--service", "service_ids", multiple=True, metavar="ID", help="Seulement cette démarche (répétable).")
@click.option("--ministry", "ministry_ids", multiple=True, metavar="ID",
              help="Seulement les démarches de ce ministère (répétable).")
@click.option("--resume", is_flag=True, help="Termine la dernière campagne interrompue au lieu d’en lancer une.")
@click.option("--full-audit", is_flag=True,
              help="Audite de nouveau chaque page, même celles inchangées depuis la visite précédente.")
@probe_options
def run(service_ids, ministry_ids, resume, full_audit, page_timeout, concurrency, max_pages) -> None:
    """Lance une campagne sur les démarches du registre.

    Code de sortie 130 après un Ctrl-C : les visites terminées dans le délai de grâce sont
    enregistrées, les autres restent en attente pour `--resume`."""
    settings = replace(settings_from_options(page_timeout, concurrency, max_pages), full_audit=full_audit)
    run_from_cli(list(service_ids), list(ministry_ids), resume, settings, trigger="manual")



COMMANDS = [run]
