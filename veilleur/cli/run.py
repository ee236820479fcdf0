"""`veilleur run`: a campaign over the registry, or the rest of an interrupted one (`--resume`)."""

from __future__ import annotations

import click

from veilleur.campaign_console import run_from_cli
from veilleur.cli.group import probe_options, settings_from_options


@click.command()
@click.option("--service", "service_ids", multiple=True, metavar="ID", help="Only this service (repeatable).")
@click.option("--ministry", "ministry_ids", multiple=True, metavar="ID", help="Only this ministry's services (repeatable).")
@click.option("--resume", is_flag=True, help="Finish the last interrupted campaign instead of starting one.")
@probe_options
def run(service_ids, ministry_ids, resume, page_timeout, concurrency, max_pages) -> None:
    """Run a campaign over the registry."""
    run_from_cli(list(service_ids), list(ministry_ids), resume, settings_from_options(page_timeout, concurrency, max_pages), trigger="manual")



COMMANDS = [run]
