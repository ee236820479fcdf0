"""The `veilleur` command."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from foundation import __version__
from probes.settings import probe_settings_from_env
from foundation.errors import InputError
from storage.stores import open_stores

out = Console()


class VeilleurGroup(click.Group):
    """Every usage error and bad input ends as one line on stderr and exit code 2."""

    def main(self, args=None, prog_name=None, **extra):
        try:
            code = super().main(args=args, prog_name=prog_name or "veilleur", standalone_mode=False, **extra)
            # In non-standalone mode click returns ctx.exit(n)'s code instead of exiting with it.
            if isinstance(code, int) and code != 0:
                sys.exit(code)
            return code
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("veilleur: interrupted", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            click.echo(f"veilleur: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except InputError as exc:
            click.echo(f"veilleur: error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=VeilleurGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="veilleur")
def cli() -> None:
    """Veilleur: automated quality probe for French public online services."""


@cli.group()
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


def _probe_options(fn):
    fn = click.option("--page-timeout", type=click.FloatRange(min=0.5), help="Seconds allowed per page.")(fn)
    fn = click.option("--concurrency", type=click.IntRange(min=1, max=64), help="Services probed at once.")(fn)
    fn = click.option("--max-pages", type=click.IntRange(min=0, max=10), help="Key pages to visit after the landing page.")(fn)
    return fn


def _settings(page_timeout, concurrency, max_pages):
    return probe_settings_from_env(page_timeout_s=page_timeout, concurrency=concurrency, max_key_pages=max_pages)


@cli.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object (DESIGN.md contract).")
@_probe_options
def probe(url: str, as_json: bool, page_timeout, concurrency, max_pages) -> None:
    """Probe one URL now, without touching the database."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"URL {url!r}: must be an http(s) URL with a host")

    from checks import run_checks
    from probes.browser import BrowserPool
    from probes.service import probe_service
    from reports.probe_json import probe_document
    settings = _settings(page_timeout, concurrency, max_pages)

    async def go():
        async with BrowserPool(settings) as pool:
            return await probe_service(pool, url)

    capture = asyncio.run(go())
    document = probe_document(capture, run_checks(capture))
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{url}[/bold] → {document['final_url']} HTTP {document['http_status']} ok={document['ok']} {document['error'] or ''}")
    for page in document["pages"]:
        out.print(f"  {page['kind']:<13} {page['http_status']}  {page['url']}")
    for check, finding in document["checks"].items():
        out.print(f"  {check:<24} {finding['status']}  {finding.get('reason') or ''}")


@cli.command()
@click.option("--service", "service_ids", multiple=True, metavar="ID", help="Only this service (repeatable).")
@click.option("--ministry", "ministry_ids", multiple=True, metavar="ID", help="Only this ministry's services (repeatable).")
@click.option("--resume", is_flag=True, help="Finish the last interrupted campaign instead of starting one.")
@_probe_options
def run(service_ids, ministry_ids, resume, page_timeout, concurrency, max_pages) -> None:
    """Run a campaign over the registry."""
    from veilleur.campaign_console import run_from_cli

    run_from_cli(list(service_ids), list(ministry_ids), resume, _settings(page_timeout, concurrency, max_pages), trigger="manual")


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write the report to.")
@click.option("--campaign", "campaign_id", type=int, help="Report one campaign (default: each service's latest run).")
def report(out_dir: Path, campaign_id: int | None) -> None:
    """Write a static HTML report: services × checks, and a page per service with its evidence."""
    from reports.site.html_report import write_report

    db, store = open_stores()
    with db.sessions() as session:
        index = write_report(session, store, out_dir, campaign_id)
    click.echo(f"report: {index}")


@cli.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("veilleur-report"), show_default=True)
def demo(out_dir: Path) -> None:
    """Serve the bundled demo sites on 127.0.0.1, audit them, and write the report."""
    from veilleur.demo.run import run_demo

    run_demo(out_dir)


# Commands of other areas, each in its own module decorating `cli` (one import line each).
# isort: off
import veilleur.cli.monitor  # noqa: E402,F401
import veilleur.cli.mail  # noqa: E402,F401
import veilleur.cli.evidence  # noqa: E402,F401
import veilleur.cli.indicators  # noqa: E402,F401
import veilleur.cli.evaluate  # noqa: E402,F401
import veilleur.cli.serve  # noqa: E402,F401
# isort: on


def main() -> None:
    cli.main()


if __name__ == "__main__":
    # Run the imported module, not this __main__ copy: the area modules registered their
    # commands on `veilleur.cli.cli`.
    from veilleur.cli import main as registered_main

    registered_main()
