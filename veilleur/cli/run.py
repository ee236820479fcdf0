"""`veilleur run`: a campaign over the registry, or the rest of an interrupted one (`--resume`)."""

from __future__ import annotations

from dataclasses import replace

import click

from veilleur.campaign_console import run_from_cli
from veilleur.cli.group import probe_options, settings_from_options


@click.command()
@click.option("--service", "service_ids", multiple=True, metavar="ID", help="Only this service (repeatable).")
@click.option("--ministry", "ministry_ids", multiple=True, metavar="ID", help="Only this ministry's services (repeatable).")
@click.option("--resume", is_flag=True, help="Finish the last interrupted campaign instead of starting one.")
@click.option("--full-audit", is_flag=True,
              help="Audit every page again, even those unchanged since the service's previous visit.")
@probe_options
def run(service_ids, ministry_ids, resume, full_audit, page_timeout, concurrency, max_pages) -> None:
    """Run a campaign over the registry."""
    settings = replace(settings_from_options(page_timeout, concurrency, max_pages), full_audit=full_audit)
    run_from_cli(list(service_ids), list(ministry_ids), resume, settings, trigger="manual")



COMMANDS = [run]
