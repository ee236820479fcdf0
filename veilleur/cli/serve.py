"""`veilleur serve` (the dashboard and its API) and `veilleur proposals` (services citizens propose)."""

from __future__ import annotations

import click

from storage.proposals import DEFAULT_LIST_STATUS, LIST_STATUSES
from veilleur.settings import current, open_stores
from veilleur import option_bounds as bounds


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
        uvicorn.run(create_app(db, store, current().web), host=host, port=port, proxy_headers=False, log_level="info")
    finally:
        db.close()


@click.group()
def proposals() -> None:
    """Services citizens proposed on the dashboard's form."""


@proposals.command("list")
@click.option("--status", type=click.Choice(LIST_STATUSES), default=DEFAULT_LIST_STATUS, show_default=True,
              help="The same values as the API's /api/proposals?status=.")
def proposals_list(status: str) -> None:
    """List proposals (pending ones by default), with the note of each decision."""
    from storage.proposals import CRITERIA, list_proposals

    db, _ = open_stores()
    with db.sessions() as session:
        found = list_proposals(session, status)
        # One proposal per paragraph, whole lines: names and URLs stay greppable at any width.
        for p in found:
            criterion = CRITERIA[p.criterion] + (f" ({p.life_event})" if p.life_event else "") + (
                f" ({p.annual_volume}/an)" if p.annual_volume is not None else "")
            decided = f" → {p.service_id}" if p.service_id else ""
            lines = [f"#{p.id} [{p.status}{decided}] {p.name}", f"url: {p.url}", f"ministry: {p.ministry_id or '?'}",
                     f"criterion: {criterion}", f"why: {p.reason}", f"submitted: {p.submitted_at:%Y-%m-%d %H:%M}"]
            if p.decided_at is not None:
                lines.append(f"decided: {p.decided_at:%Y-%m-%d %H:%M}")
            if p.decision_note:
                lines.append(f"note: {' '.join(p.decision_note.split())}")  # one line, whatever was typed
            click.echo("\n    ".join(lines))
    if not found:
        click.echo(f"no {'' if status == 'all' else status + ' '}proposal")


@proposals.command("accept")
@click.argument("proposal_id", type=bounds.RECORD_ID)
@click.option("--id", "service_id", help="Service id (slug) in the registry; default: made from the name.")
@click.option("--ministry", "ministry_id", help="Ministry id; required when the proposer did not know it.")
@click.option("--name", help="Service name, if it should differ from the proposed one.")
@click.option("--url", help="URL to monitor, if it should differ from the proposed one.")
@click.option("--annual-volume", type=bounds.ANNUAL_VOLUME, help="Uses per year, if known.")
@click.option("--note", help="A note kept with the decision.")
@click.option("--allow-unresolved-host", is_flag=True,
              help="On a network without DNS: accept even if the URL's host does not resolve. Its public-address "
                   "check is then skipped, and the decision note says so; the probe does not check addresses "
                   "when it visits. A host that does resolve must still resolve to public addresses.")
def proposals_accept(proposal_id: int, service_id: str | None, ministry_id: str | None, name: str | None,
                     url: str | None, annual_volume: int | None, note: str | None, allow_unresolved_host: bool) -> None:
    """Add a proposed service to the registry (same validation as `registry import`; the URL must be
    http(s) and resolve to public addresses only)."""
    from storage.proposals import accept

    db, _ = open_stores()
    with db.sessions() as session:
        done = accept(session, proposal_id, service_id=service_id, ministry_id=ministry_id, name=name, url=url,
                      annual_volume=annual_volume, note=note, allow_unresolved_host=allow_unresolved_host)
    where = ", ".join(done.addresses) or "host not resolved: public-address check skipped"
    click.echo(f"proposal {proposal_id} accepted: service {done.service_id!r} added to the registry ({where})")


@proposals.command("reject")
@click.argument("proposal_id", type=bounds.RECORD_ID)
@click.option("--note", help="Why (kept with the decision).")
def proposals_reject(proposal_id: int, note: str | None) -> None:
    """Reject a proposal (it is kept, marked rejected)."""
    from storage.proposals import reject

    db, _ = open_stores()
    with db.sessions() as session:
        reject(session, proposal_id, note)
    click.echo(f"proposal {proposal_id} rejected")


COMMANDS = [serve, proposals]
