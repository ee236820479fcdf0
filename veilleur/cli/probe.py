"""`veilleur probe URL [--json]`: one URL probed now, without touching the database."""

from __future__ import annotations

import asyncio
import json

import click
from rich.console import Console

from checks import finding_type
from foundation import vocabulary
from foundation.errors import InputError
from veilleur.cli.group import probe_options, settings_from_options

out = Console()


@click.command()
@click.argument("url", metavar="ADRESSE")
@click.option("--json", "as_json", is_flag=True, help="Écrit le résultat en un objet JSON (clés anglaises, voir le manuel).")
@probe_options
def probe(url: str, as_json: bool, page_timeout, concurrency, max_pages) -> None:
    """Visite une adresse maintenant, sans toucher à la base de données."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"adresse « {url} » : doit être une adresse http(s) avec un nom d’hôte")

    from checks import run_checks
    from probes.browser import BrowserPool
    from probes.service import probe_service
    from reports.probe_json import probe_document
    settings = settings_from_options(page_timeout, concurrency, max_pages)

    async def go():
        async with BrowserPool(settings) as pool:
            return await probe_service(pool, url)

    capture = asyncio.run(go())
    document = probe_document(capture, run_checks(capture))
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    state = "joignable" if document["ok"] else f"injoignable ({vocabulary.error_class(document.get('error_class'))})"
    out.print(f"[bold]{url}[/bold] → {document['final_url']} HTTP {document['http_status']} : {state}", highlight=False)
    for page in document["pages"]:
        out.print(f"  {vocabulary.page_kind(page['kind']):<28} {page['http_status']}  {page['url']}", highlight=False)
    for check, finding in document["checks"].items():
        label = finding_type(check).label or check
        out.print(f"  {label:<28} {vocabulary.status(finding['status'])}  {finding.get('reason') or ''}", highlight=False)


COMMANDS = [probe]
