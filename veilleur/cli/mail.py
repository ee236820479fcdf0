"""`veilleur mail send` and `veilleur mail list`: the alert e-mail queue from the command line."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from veilleur.settings import current, open_stores
from veilleur import option_bounds as bounds
from foundation import formatting
from foundation.vocabulary import count, integer
from veilleur.cli.group import CommandFamily


def _when(moment: datetime | None) -> str:
    """A moment as the screens write it, at Paris time (« 7 décembre 2026 à 14 h 05 »; the table's
    heading and the summary line say « heure de Paris »)."""
    return formatting.date_time(moment, zone=False) if moment is not None else "—"


# A message's status (the `outgoing_mails.status` ids) and kind, in words.
STATUSES = {"queued": "en file", "sent": "envoyé"}
KINDS = {"digest": "récapitulatif", "operator_summary": "résumé pour l’exploitant"}


@click.group(cls=CommandFamily)
def mail() -> None:
    """Les courriels d’alerte : leur file d’attente en base et leur remise."""


@mail.command("send")
def mail_send() -> None:
    """Remet les courriels en file dont l’heure est venue (ceux en échec attendent leur délai).

    Code de sortie 1 quand une remise a échoué : le message reste en file et sera réessayé."""
    from reports.alerts.delivery import deliver_pending
    from reports.alerts.mail_transport import mail_transport
    from storage.stores import data_dir

    settings = current()
    transport = mail_transport(settings.mail, data_dir(settings.storage))
    db, _ = open_stores()
    try:
        report = deliver_pending(db.sessions, transport)
    finally:
        db.close()
    line = (f"courriels : {count(len(report.sent), 'envoyé', 'envoyés')}, {count(len(report.failed), 'en échec', 'en échec')} "
            f"({transport.describe()}) ; {integer(report.waiting)} en file")
    if report.waiting and report.next_attempt_at is not None:
        line += f", prochain essai le {_when(report.next_attempt_at)} (heure de Paris)"
    click.echo(line)
    for failure in report.failed:
        click.echo(f"courriel n° {failure.mail_id} : {failure.error} (prochain essai le "
                   f"{_when(failure.next_attempt_at)}, heure de Paris)",
                   err=True)
    if report.failed:
        # sys.exit, not click's Exit: the group runs click without standalone mode, where Exit
        # would be returned as a value and lost.
        sys.exit(1)


@mail.command("list")
@click.option("--status", type=click.Choice(["queued", "sent"]),
              help="Seulement les messages dans cet état : queued (en file) ou sent (envoyés).")
@click.option("--limit", type=bounds.LIST_LIMIT, default=50, show_default=True, metavar="N",
              help="Nombre de messages affichés, les plus récents.")
def mail_list(status: str | None, limit: int) -> None:
    """Liste les courriels en file et envoyés, du plus récent au plus ancien, avec leur état de remise."""
    from storage.outbox import list_mails

    db, _ = open_stores()
    try:
        with db.sessions() as session:
            mails = list_mails(session, status=status, limit=limit)
    finally:
        db.close()
    if not mails:
        click.echo("courriels : aucun" + (f" {STATUSES[status]}" if status else " en file ni envoyé pour l’instant"))
        return
    table = Table(title=count(len(mails), "courriel", "courriels") + (f" ({STATUSES[status]})" if status else ""))
    for column in ("id", "statut", "type", "campagne", "en file depuis (heure de Paris)", "essais",
                   "envoyé / prochain essai (heure de Paris)", "destinataires", "objet", "dernière erreur"):
        # Addresses and errors are read whole: folded, never cut with an ellipsis.
        table.add_column(column, overflow="fold")
    for m in mails:
        table.add_row(
            str(m.id), STATUSES.get(m.status, m.status), KINDS.get(m.kind, m.kind),
            str(m.campaign_id) if m.campaign_id is not None else "—",
            _when(m.queued_at), str(m.attempts),
            _when(m.sent_at) if m.status == "sent" else _when(m.next_attempt_at),
            ", ".join(m.recipients), m.subject, m.last_error or "",
        )
    Console(width=max(220, Console().width)).print(table)


COMMANDS = [mail]
