"""`veilleur mail send` and `veilleur mail list`: the alert e-mail queue from the command line."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from veilleur.settings import current, open_stores
from veilleur import option_bounds as bounds


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    from foundation.times import as_utc

    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


@click.group()
def mail() -> None:
    """Alert e-mails: the queue in the database and its delivery."""


@mail.command("send")
def mail_send() -> None:
    """Deliver the queued e-mails that are due now (failed ones wait for their backoff).

    Exits with 1 when a delivery failed: the message stays queued and is retried."""
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
    line = f"mail: {len(report.sent)} sent, {len(report.failed)} failed ({transport.describe()}); {report.waiting} queued"
    if report.waiting and report.next_attempt_at is not None:
        line += f", next attempt {_when(report.next_attempt_at)}"
    click.echo(line)
    for failure in report.failed:
        click.echo(f"mail #{failure.mail_id}: {failure.error} (next attempt {_when(failure.next_attempt_at)})", err=True)
    if report.failed:
        # sys.exit, not click's Exit: the group runs click without standalone mode, where Exit
        # would be returned as a value and lost.
        sys.exit(1)


@mail.command("list")
@click.option("--status", type=click.Choice(["queued", "sent"]), help="Only messages with this status.")
@click.option("--limit", type=bounds.LIST_LIMIT, default=50, show_default=True, help="Newest messages shown.")
def mail_list(status: str | None, limit: int) -> None:
    """List queued and sent e-mails, newest first, with their delivery status."""
    from storage.outbox import list_mails

    db, _ = open_stores()
    try:
        with db.sessions() as session:
            mails = list_mails(session, status=status, limit=limit)
    finally:
        db.close()
    if not mails:
        click.echo("mail: no e-mail" + (f" with status {status}" if status else " queued or sent yet"))
        return
    table = Table(title=f"{len(mails)} e-mails" + (f" ({status})" if status else ""))
    for column in ("id", "statut", "type", "campagne", "en file depuis", "essais", "envoyé / prochain essai",
                   "destinataires", "objet", "dernière erreur"):
        table.add_column(column)
    for m in mails:
        table.add_row(
            str(m.id), m.status, m.kind, str(m.campaign_id) if m.campaign_id is not None else "—",
            _when(m.queued_at), str(m.attempts),
            _when(m.sent_at) if m.status == "sent" else _when(m.next_attempt_at),
            ", ".join(m.recipients), m.subject, m.last_error or "",
        )
    Console(width=220).print(table)


COMMANDS = [mail]
