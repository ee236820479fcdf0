"""The outbox queue: every e-mail is stored before it is sent, and retried until it is.

The queue's steps live here; the delivery loop that drives them through a transport is
reports/alerts/delivery.py. Delivery is at-least-once. Each message is first *claimed* in its own committed transaction
(attempts + 1, and pushed `CLAIM_LEASE` into the future so that no other sender picks it up),
then handed to the transport, then marked sent. A process that dies after the claim leaves the
message queued: it is tried again once the lease has passed. A process that dies after the
transport accepted the message but before it was marked sent makes it go twice — never zero
times. A message that keeps failing is retried at the capped backoff forever; nothing here
ever deletes one.
"""

from __future__ import annotations

import copy
import email.policy
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Mapping

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from foundation.times import as_utc, utc_now
from storage.schema import OutgoingMail

__all__ = [
    "BACKOFF_CAP", "BACKOFF_FIRST", "CLAIM_LEASE", "DeliveryFailure", "OutgoingEnvelope", "OutgoingMail", "backoff",
    "claim", "due_ids", "enqueue", "list_mails", "mark_failed", "mark_sent", "waiting",
]

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
# Longer than one send can take (each SMTP step is bounded by the transport's timeout), so two
# senders running at once never hold the same message; short enough that a message claimed by a
# process that then died goes out soon after.
CLAIM_LEASE = timedelta(minutes=5)
ERROR_LIMIT = 2000

STATUSES = ("queued", "sent")


def backoff(failed_attempts: int) -> timedelta:
    """The wait after `failed_attempts` failures: 1 min, 2, 4, … doubling up to 1 h, then 1 h."""
    if failed_attempts <= 0:
        return timedelta(0)
    # Past the cap the exponent would only grow; stop it before it overflows.
    doublings = min(failed_attempts - 1, 20)
    return min(BACKOFF_FIRST * (2 ** doublings), BACKOFF_CAP)


@dataclass(frozen=True)
class OutgoingEnvelope:
    """What a transport needs to send one queued message."""

    mail_id: int
    sender: str                   # envelope sender (MAIL FROM), an address without a name
    recipients: tuple[str, ...]   # envelope recipients (RCPT TO)
    data: bytes                   # the message, CRLF line endings
    queued_at: datetime


@dataclass(frozen=True)
class DeliveryFailure:
    mail_id: int
    error: str
    next_attempt_at: datetime


def _addresses(message: EmailMessage, *names: str) -> list[str]:
    values = [str(v) for name in names for v in (message.get_all(name) or [])]
    return [address for _, address in getaddresses(values) if address]


def enqueue(session: Session, message: EmailMessage, kind: str, campaign_id: int | None, dedupe_key: str,
            now: datetime | None = None) -> int | None:
    """Queue `message` (recipients from To, Cc and Bcc; Bcc is not sent in the headers).
    Returns the new message's id, or None when a message with this `dedupe_key` is already
    queued or sent (a campaign resumed after a crash renders its digests again).

    Adds to the caller's transaction without committing, so that queuing an e-mail can be atomic
    with whatever made it due (incidents marked as notified)."""
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError(f"dedupe_key must have 1 to 200 characters, got {dedupe_key!r}")
    if not kind or len(kind) > 40:
        raise ValueError(f"kind must have 1 to 40 characters, got {kind!r}")
    recipients = list(dict.fromkeys(_addresses(message, "To", "Cc", "Bcc")))
    senders = _addresses(message, "From")
    if not recipients:
        raise ValueError(f"message {dedupe_key!r}: no recipient in To, Cc or Bcc")
    if len(senders) != 1:
        raise ValueError(f"message {dedupe_key!r}: needs exactly one From address")
    if message.get("Bcc") is not None:
        message = copy.deepcopy(message)
        del message["Bcc"]
    now = as_utc(now or utc_now())
    values = dict(
        dedupe_key=dedupe_key, kind=kind, campaign_id=campaign_id, sender=senders[0], recipients=recipients,
        subject=str(message.get("Subject", "")), message_id=message.get("Message-ID"),
        raw_message=message.as_bytes(policy=email.policy.SMTP),
        status="queued", attempts=0, queued_at=now, next_attempt_at=now,
    )
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    statement = (
        insert(OutgoingMail).values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutgoingMail.id)
    )
    return session.execute(statement).scalar_one_or_none()


def claim(sessions: sessionmaker[Session], mail_id: int, at: datetime) -> OutgoingEnvelope | None:
    with sessions() as session, session.begin():
        mail = session.get(OutgoingMail, mail_id)
        if mail is None or mail.status != "queued" or as_utc(mail.next_attempt_at) > at:
            return None
        # Conditional on the attempts seen: of two senders racing for it, one wins.
        claimed = session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.id == mail_id, OutgoingMail.status == "queued", OutgoingMail.attempts == mail.attempts)
            .values(attempts=mail.attempts + 1, last_attempt_at=at, next_attempt_at=at + CLAIM_LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return None
        return OutgoingEnvelope(mail.id, mail.sender, tuple(mail.recipients), bytes(mail.raw_message),
                                as_utc(mail.queued_at))


def mark_sent(sessions: sessionmaker[Session], mail_id: int, refused: Mapping[str, str], at: datetime) -> None:
    """Sent; `refused` names the recipients the server turned down while accepting the others."""
    note = None
    if refused:
        note = "accepté, mais refusé pour : " + "; ".join(f"{a} ({r})" for a, r in sorted(refused.items()))
    with sessions() as session, session.begin():
        session.execute(
            update(OutgoingMail).where(OutgoingMail.id == mail_id)
            .values(status="sent", sent_at=at, last_error=note[:ERROR_LIMIT] if note else None)
        )


def mark_failed(sessions: sessionmaker[Session], mail_id: int, error: str, at: datetime) -> DeliveryFailure:
    with sessions() as session, session.begin():
        mail = session.get(OutgoingMail, mail_id)
        next_at = at + backoff(mail.attempts)
        mail.last_error = error[:ERROR_LIMIT]
        mail.next_attempt_at = next_at
    return DeliveryFailure(mail_id, error, next_at)


def list_mails(session: Session, status: str | None = None, limit: int | None = None) -> list[OutgoingMail]:
    """Newest first."""
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    if status is not None:
        query = query.where(OutgoingMail.status == status)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def due_ids(sessions: sessionmaker[Session], at: datetime) -> list[int]:
    """The queued messages due at `at`, oldest due first."""
    with sessions() as session:
        return list(session.scalars(
            select(OutgoingMail.id)
            .where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= at)
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        ))


def waiting(sessions: sessionmaker[Session]) -> tuple[int, datetime | None]:
    """How many messages are still queued, and when the earliest of them is due."""
    with sessions() as session:
        count, next_at = session.execute(
            select(func.count(), func.min(OutgoingMail.next_attempt_at)).where(OutgoingMail.status == "queued")
        ).one()
    return count, as_utc(next_at) if next_at else None
