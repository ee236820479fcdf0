"""`veilleur serve` (the dashboard and its API) and `veilleur proposals` (services citizens propose)."""

from __future__ import annotations

import click

from foundation import formatting
from storage.proposals import DEFAULT_LIST_STATUS, LIST_STATUSES, STATUS_WORDS
from veilleur import option_bounds as bounds
from veilleur.cli.group import CommandFamily
from veilleur.settings import current, open_stores


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ADRESSE", help="Adresse d’écoute.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), metavar="PORT",
              help="Port d’écoute.")
def serve(host: str, port: int) -> None:
    """Sert le tableau de bord (pages HTML) et l’API JSON (/api, schéma à /openapi.json)."""
    import uvicorn

    from reports.web.app import create_app

    db, store = open_stores()
    click.echo(f"Tableau de bord : http://{host}:{port}/  (API : http://{host}:{port}/api/services, "
               f"schéma : http://{host}:{port}/openapi.json)", err=True)
    try:
        # Behind a reverse proxy, --forwarded-allow-ips is uvicorn's: keep the proxy's X-Forwarded-For
        # trusted only from it, or the rate limit would count the proxy as the only client.
        uvicorn.run(create_app(db, store, current().web), host=host, port=port, proxy_headers=False, log_level="info")
    finally:
        db.close()


@click.group(cls=CommandFamily)
def proposals() -> None:
    """Les démarches que des usagers ont proposées par le formulaire du tableau de bord."""


@proposals.command("list")
@click.option("--status", type=click.Choice(LIST_STATUSES), default=DEFAULT_LIST_STATUS, show_default=True,
              help="pending (en attente), accepted (acceptées), rejected (refusées) ou all (toutes), "
                   "comme /api/proposals?status= de l’API.")
def proposals_list(status: str) -> None:
    """Liste les propositions (celles en attente par défaut), avec la note de chaque décision."""
    from storage.proposals import CRITERIA, list_proposals

    db, _ = open_stores()
    with db.sessions() as session:
        found = list_proposals(session, status)
        # One proposal per paragraph, whole lines: names and URLs stay greppable at any width.
        for p in found:
            criterion = CRITERIA[p.criterion] + (f" ({p.life_event})" if p.life_event else "") + (
                f" ({p.annual_volume}/an)" if p.annual_volume is not None else "")
            decided = f" → {p.service_id}" if p.service_id else ""
            lines = [f"n° {p.id} [{STATUS_WORDS[p.status]}{decided}] {p.name}", f"adresse : {p.url}",
                     f"ministère : {p.ministry_id or '?'}", f"critère : {criterion}", f"pourquoi : {p.reason}",
                     f"envoyée le {formatting.date_time(p.submitted_at)}"]
            if p.decided_at is not None:
                lines.append(f"décidée le {formatting.date_time(p.decided_at)}")
            if p.decision_note:
                lines.append(f"note : {' '.join(p.decision_note.split())}")  # one line, whatever was typed
            click.echo("\n    ".join(lines))
    if not found:
        click.echo({"pending": "aucune proposition en attente", "accepted": "aucune proposition acceptée",
                    "rejected": "aucune proposition refusée", "all": "aucune proposition"}[status])


@proposals.command("accept")
@click.argument("proposal_id", metavar="NUMÉRO", type=bounds.RECORD_ID)
@click.option("--id", "service_id", metavar="ID",
              help="Identifiant de la démarche dans le registre ; par défaut, tiré de son nom.")
@click.option("--ministry", "ministry_id", metavar="ID",
              help="Identifiant du ministère ; obligatoire quand l’auteur ne l’a pas donné.")
@click.option("--name", metavar="TEXTE", help="Nom de la démarche, s’il doit différer du nom proposé.")
@click.option("--url", metavar="ADRESSE", help="Adresse à suivre, si elle doit différer de l’adresse proposée.")
@click.option("--annual-volume", type=bounds.ANNUAL_VOLUME, metavar="N", help="Usages par an, s’ils sont connus.")
@click.option("--note", metavar="TEXTE", help="Une note gardée avec la décision.")
@click.option("--allow-unresolved-host", is_flag=True,
              help="Sur un réseau sans DNS : accepte même si l’hôte de l’adresse ne se résout pas. La vérification "
                   "d’adresse publique est alors omise, et la note de décision le dit ; la sonde ne vérifie pas les "
                   "adresses lors de ses visites. Un hôte qui se résout doit toujours se résoudre en adresses "
                   "publiques.")
def proposals_accept(proposal_id: int, service_id: str | None, ministry_id: str | None, name: str | None,
                     url: str | None, annual_volume: int | None, note: str | None, allow_unresolved_host: bool) -> None:
    """Inscrit une démarche proposée au registre (même validation que `registry import` ; l’adresse
    doit être en http(s) et ne se résoudre qu’en adresses publiques)."""
    from storage.proposals import accept

    db, _ = open_stores()
    with db.sessions() as session:
        done = accept(session, proposal_id, service_id=service_id, ministry_id=ministry_id, name=name, url=url,
                      annual_volume=annual_volume, note=note, allow_unresolved_host=allow_unresolved_host)
    where = ", ".join(done.addresses) or "hôte non résolu : vérification d’adresse publique omise"
    click.echo(f"proposition {proposal_id} acceptée : démarche {done.service_id} inscrite au registre ({where})")


@proposals.command("reject")
@click.argument("proposal_id", metavar="NUMÉRO", type=bounds.RECORD_ID)
@click.option("--note", metavar="TEXTE", help="Pourquoi (gardé avec la décision).")
def proposals_reject(proposal_id: int, note: str | None) -> None:
    """Refuse une proposition (elle est gardée, marquée refusée)."""
    from storage.proposals import reject

    db, _ = open_stores()
    with db.sessions() as session:
        reject(session, proposal_id, note)
    click.echo(f"proposition {proposal_id} refusée")


COMMANDS = [serve, proposals]
