"""The outbox queue: every e-mail is stored before it is sent, and retried until it is.

Delivery is at-least-once. Each message is first *claimed* in its own committed transaction
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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Mapping, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from storage.outgoing_mail import OutgoingMail

__all__ = [
    "BACKOFF_CAP", "BACKOFF_FIRST", "CLAIM_LEASE", "DeliveryFailure", "DeliveryReport", "MailTransport",
    "OutgoingEnvelope", "OutgoingMail", "SendOutcome", "TransportError", "TransportUnavailable", "backoff",
    "deliver_pending", "enqueue", "list_mails",
]

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
# Longer than one send can take (each SMTP step is bounded by the transport's timeout), so two
# senders running at once never hold the same message; short enough that a message claimed by a
# process that then died goes out soon after.
CLAIM_LEASE = timedelta(minutes=5)
ERROR_LIMIT = 2000

STATUSES = ("queued", "sent")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    # SQLite hands naive datetimes back; everything stored here is UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


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
class SendOutcome:
    """Accepted. `refused` names the recipients the server turned down while accepting others."""

    refused: Mapping[str, str] = field(default_factory=dict)


class TransportError(Exception):
    """This message could not be delivered now; it stays queued and is retried."""


class TransportUnavailable(TransportError):
    """The server cannot be reached or refuses us (connection, TLS, authentication): no other
    message can go either, so the rest of the round is not attempted against it."""


class MailTransport(Protocol):
    def describe(self) -> str:
        """Where messages go, for people (never a password)."""

    def send(self, envelope: OutgoingEnvelope) -> SendOutcome:
        """Deliver one message, or raise TransportError."""


@dataclass(frozen=True)
class DeliveryFailure:
    mail_id: int
    error: str
    next_attempt_at: datetime


@dataclass(frozen=True)
class DeliveryReport:
    sent: tuple[int, ...]
    failed: tuple[DeliveryFailure, ...]
    waiting: int                        # still queued after this round (failed ones included)
    next_attempt_at: datetime | None    # the earliest time one of them is due

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.failed)


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
    now = _aware(now or _utcnow())
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


def _claim(sessions: sessionmaker[Session], mail_id: int, at: datetime) -> OutgoingEnvelope | None:
    with sessions() as session, session.begin():
        mail = session.get(OutgoingMail, mail_id)
        if mail is None or mail.status != "queued" or _aware(mail.next_attempt_at) > at:
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
                                _aware(mail.queued_at))


def _mark_sent(sessions: sessionmaker[Session], mail_id: int, outcome: SendOutcome, at: datetime) -> None:
    note = None
    if outcome.refused:
        note = "accepted, but refused for: " + "; ".join(f"{a} ({r})" for a, r in sorted(outcome.refused.items()))
    with sessions() as session, session.begin():
        session.execute(
            update(OutgoingMail).where(OutgoingMail.id == mail_id)
            .values(status="sent", sent_at=at, last_error=note[:ERROR_LIMIT] if note else None)
        )


def _mark_failed(sessions: sessionmaker[Session], mail_id: int, error: str, at: datetime) -> DeliveryFailure:
    with sessions() as session, session.begin():
        mail = session.get(OutgoingMail, mail_id)
        next_at = at + backoff(mail.attempts)
        mail.last_error = error[:ERROR_LIMIT]
        mail.next_attempt_at = next_at
    return DeliveryFailure(mail_id, error, next_at)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def deliver_pending(sessions: sessionmaker[Session], transport: MailTransport,
                    now: datetime | None = None) -> DeliveryReport:
    """Try every message that is due (`now` defaults to the clock), oldest first, each recorded
    as it goes: sent, or attempts + 1 with its error and the next try after the backoff."""
    clock = (lambda: _aware(now)) if now is not None else _utcnow
    with sessions() as session:
        due = session.scalars(
            select(OutgoingMail.id)
            .where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= clock())
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        ).all()

    sent: list[int] = []
    failed: list[DeliveryFailure] = []
    unavailable: str | None = None
    for mail_id in due:
        envelope = _claim(sessions, mail_id, clock())
        if envelope is None:  # sent or claimed by another sender meanwhile
            continue
        if unavailable is not None:
            failed.append(_mark_failed(sessions, mail_id, f"not tried, server unavailable: {unavailable}", clock()))
            continue
        try:
            outcome = transport.send(envelope)
        except TransportUnavailable as exc:
            unavailable = _describe(exc)
            failed.append(_mark_failed(sessions, mail_id, unavailable, clock()))
        except Exception as exc:  # noqa: BLE001 — any failure (disk full, bug) keeps the message queued
            error = _describe(exc) if isinstance(exc, TransportError) else f"{type(exc).__name__}: {_describe(exc)}"
            failed.append(_mark_failed(sessions, mail_id, error, clock()))
        else:
            _mark_sent(sessions, mail_id, outcome, clock())
            sent.append(mail_id)

    with sessions() as session:
        waiting, next_at = session.execute(
            select(func.count(), func.min(OutgoingMail.next_attempt_at)).where(OutgoingMail.status == "queued")
        ).one()
    return DeliveryReport(tuple(sent), tuple(failed), waiting, _aware(next_at) if next_at else None)


def list_mails(session: Session, status: str | None = None, limit: int | None = None) -> list[OutgoingMail]:
    """Newest first."""
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    if status is not None:
        query = query.where(OutgoingMail.status == status)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))
