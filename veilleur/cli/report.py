"""`veilleur report --out DIR`: the static HTML report."""

from __future__ import annotations

from pathlib import Path

import click

from storage.stores import open_stores


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write the report to.")
@click.option("--campaign", "campaign_id", type=int, help="Report one campaign (default: each service's latest run).")
def report(out_dir: Path, campaign_id: int | None) -> None:
    """Write a static HTML report: services × checks, and a page per service with its evidence."""
    from reports.site.html_report import write_report

    db, store = open_stores()
    with db.sessions() as session:
        index = write_report(session, store, out_dir, campaign_id)
    click.echo(f"report: {index}")


COMMANDS = [report]
