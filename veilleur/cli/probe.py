"""`veilleur probe URL [--json]`: one URL probed now, without touching the database."""

from __future__ import annotations

import asyncio
import json

import click
from rich.console import Console

from foundation.errors import InputError
from veilleur.cli.group import probe_options, settings_from_options

out = Console()


@click.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object (the contract in the README).")
@probe_options
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
    settings = settings_from_options(page_timeout, concurrency, max_pages)

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


COMMANDS = [probe]
