"""`veilleur serve` (the dashboard and its API) and `veilleur proposals` (services citizens propose)."""

from __future__ import annotations

import click

from storage.stores import open_stores


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Serve the dashboard (HTML pages) and the JSON API (/api, schema at /openapi.json)."""
    import uvicorn

    from reports.web.app import create_app

    db, store = open_stores()
    click.echo(f"Dashboard: http://{host}:{port}/  (API: http://{host}:{port}/api/services, "
               f"schema: http://{host}:{port}/openapi.json)", err=True)
    try:
        # Behind a reverse proxy, --forwarded-allow-ips is uvicorn's: keep the proxy's X-Forwarded-For
        # trusted only from it, or the rate limit would count the proxy as the only client.
        uvicorn.run(create_app(db, store), host=host, port=port, proxy_headers=False, log_level="info")
    finally:
        db.close()


@click.group()
def proposals() -> None:
    """Services citizens proposed on the dashboard's form."""


@proposals.command("list")
@click.option("--status", type=click.Choice(["pending", "accepted", "rejected", "all"]), default="pending",
              show_default=True)
def proposals_list(status: str) -> None:
    """List proposals (pending ones by default)."""
    from storage.proposals import CRITERIA, list_proposals

    db, _ = open_stores()
    with db.sessions() as session:
        found = list_proposals(session, None if status == "all" else status)
        # One proposal per paragraph, whole lines: names and URLs stay greppable at any width.
        for p in found:
            criterion = CRITERIA[p.criterion] + (f" ({p.life_event})" if p.life_event else "") + (
                f" ({p.annual_volume}/an)" if p.annual_volume is not None else "")
            decided = f" → {p.service_id}" if p.service_id else ""
            click.echo(f"#{p.id} [{p.status}{decided}] {p.name}\n    url: {p.url}\n    ministry: {p.ministry_id or '?'}"
                       f"\n    criterion: {criterion}\n    why: {p.reason}\n    submitted: {p.submitted_at:%Y-%m-%d %H:%M}")
    if not found:
        click.echo(f"no {'' if status == 'all' else status + ' '}proposal")


@proposals.command("accept")
@click.argument("proposal_id", type=int)
@click.option("--id", "service_id", help="Service id (slug) in the registry; default: made from the name.")
@click.option("--ministry", "ministry_id", help="Ministry id; required when the proposer did not know it.")
@click.option("--name", help="Service name, if it should differ from the proposed one.")
@click.option("--url", help="URL to monitor, if it should differ from the proposed one.")
@click.option("--annual-volume", type=click.IntRange(min=0), help="Uses per year, if known.")
@click.option("--note", help="A note kept with the decision.")
def proposals_accept(proposal_id: int, service_id: str | None, ministry_id: str | None, name: str | None,
                     url: str | None, annual_volume: int | None, note: str | None) -> None:
    """Add a proposed service to the registry (same validation as `registry import`; the URL must be
    http(s) and resolve to public addresses only)."""
    from storage.proposals import accept

    db, _ = open_stores()
    with db.sessions() as session:
        done = accept(session, proposal_id, service_id=service_id, ministry_id=ministry_id, name=name, url=url,
                      annual_volume=annual_volume, note=note)
    click.echo(f"proposal {proposal_id} accepted: service {done.service_id!r} added to the registry "
               f"({', '.join(done.addresses)})")


@proposals.command("reject")
@click.argument("proposal_id", type=int)
@click.option("--note", help="Why (kept with the decision).")
def proposals_reject(proposal_id: int, note: str | None) -> None:
    """Reject a proposal (it is kept, marked rejected)."""
    from storage.proposals import reject

    db, _ = open_stores()
    with db.sessions() as session:
        reject(session, proposal_id, note)
    click.echo(f"proposal {proposal_id} rejected")


COMMANDS = [serve, proposals]
