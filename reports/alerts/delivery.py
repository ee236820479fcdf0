"""Delivering the outbox: every due message handed to the transport, each outcome recorded as it goes.

The queue and its steps (claim, mark sent, mark failed, backoff) are storage/outbox.py; here is
the loop and what a transport is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Protocol

from sqlalchemy.orm import Session, sessionmaker

from foundation.times import as_utc, utc_now
from storage.outbox import DeliveryFailure, OutgoingEnvelope, claim, due_ids, mark_failed, mark_sent, waiting


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
class DeliveryReport:
    sent: tuple[int, ...]
    failed: tuple[DeliveryFailure, ...]
    waiting: int                        # still queued after this round (failed ones included)
    next_attempt_at: datetime | None    # the earliest time one of them is due

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.failed)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def deliver_pending(sessions: sessionmaker[Session], transport: MailTransport,
                    now: datetime | None = None) -> DeliveryReport:
    """Try every message that is due (`now` defaults to the clock), oldest first, each recorded
    as it goes: sent, or attempts + 1 with its error and the next try after the backoff."""
    clock = (lambda: as_utc(now)) if now is not None else utc_now
    due = due_ids(sessions, clock())

    sent: list[int] = []
    failed: list[DeliveryFailure] = []
    unavailable: str | None = None
    for mail_id in due:
        envelope = claim(sessions, mail_id, clock())
        if envelope is None:  # sent or claimed by another sender meanwhile
            continue
        if unavailable is not None:
            failed.append(mark_failed(sessions, mail_id, f"not tried, server unavailable: {unavailable}", clock()))
            continue
        try:
            outcome = transport.send(envelope)
        except TransportUnavailable as exc:
            unavailable = _describe(exc)
            failed.append(mark_failed(sessions, mail_id, unavailable, clock()))
        except Exception as exc:  # noqa: BLE001 — any failure (disk full, bug) keeps the message queued
            error = _describe(exc) if isinstance(exc, TransportError) else f"{type(exc).__name__}: {_describe(exc)}"
            failed.append(mark_failed(sessions, mail_id, error, clock()))
        else:
            mark_sent(sessions, mail_id, outcome.refused, clock())
            sent.append(mail_id)

    still_queued, next_at = waiting(sessions)
    return DeliveryReport(tuple(sent), tuple(failed), still_queued, next_at)
