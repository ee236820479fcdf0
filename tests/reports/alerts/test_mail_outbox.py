"""The outbox queue: every e-mail is stored before it is sent, retried with backoff while the
SMTP server is down, delivered once it is back, and never lost — not by a restart, not by a
process killed in the middle of a delivery. Runs on SQLite and PostgreSQL (`db` fixture)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reports.alerts.digests import render_digest
from reports.alerts.mail_transport import SmtpTransport
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.schema import Campaign
from reports.alerts.delivery import SendOutcome, TransportError, deliver_pending
from storage.outbox import CLAIM_LEASE, OutgoingEnvelope, OutgoingMail, backoff, enqueue
from tests.support.mail_samples import SENDER, digest
from tests.support.smtp_server import SmtpTestServer, smtp_server  # noqa: F401  (fixture)
from foundation.times import as_utc as aware, utc_now as utcnow


def queue_digest(db, tmp_path, key="digest:12:interieur", **digest_args) -> int:
    with db.sessions() as session, session.begin():
        if session.get(Campaign, 12) is None:
            session.add(Campaign(id=12, status="finished", trigger="manual", settings={}))
            session.flush()
        message = render_digest(digest(**digest_args), EvidenceStore(tmp_path / "evidence"), SENDER)
        mail_id = enqueue(session, message, "digest", 12, key)
    assert mail_id is not None
    return mail_id


def mail(db, mail_id: int) -> OutgoingMail:
    with db.sessions() as session:
        return session.get(OutgoingMail, mail_id)


def smtp(server: SmtpTestServer) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, timeout_s=5)


class FailingTransport:
    def __init__(self):
        self.calls = 0

    def describe(self) -> str:
        return "a relay that always says no"

    def send(self, envelope: OutgoingEnvelope) -> SendOutcome:
        self.calls += 1
        raise TransportError("451 4.3.0 mailbox busy")


def test_a_message_is_queued_once_per_dedupe_key(db, tmp_path):
    first = queue_digest(db, tmp_path)
    with db.sessions() as session, session.begin():
        again = enqueue(session, render_digest(digest(), EvidenceStore(tmp_path), SENDER), "digest", 12,
                        "digest:12:interieur")
    assert again is None
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 1
        stored = session.get(OutgoingMail, first)
        assert stored.status == "queued" and stored.attempts == 0 and stored.kind == "digest"
        assert stored.recipients == ["qualite-numerique@interieur.example", "ants@interieur.example"]
        assert stored.sender == "veilleur@numerique.example"
        assert stored.subject == "[Veilleur] Ministère de l’Intérieur : 1 nouvel incident"
        assert stored.raw_message.startswith(b"Subject: [Veilleur]") and b"\r\n" in stored.raw_message


def test_a_digest_is_delivered_to_exactly_its_recipients(db, tmp_path, smtp_server):
    mail_id = queue_digest(db, tmp_path, recipients=("qualite-numerique@interieur.example", "ants@interieur.example",
                                                      "ANTS@interieur.example"))
    report = deliver_pending(db.sessions, smtp(smtp_server))
    assert report.sent == (mail_id,) and report.failed == () and report.waiting == 0
    [received] = smtp_server.received
    assert sorted(received.rcpt_tos) == ["ants@interieur.example", "qualite-numerique@interieur.example"]
    assert received.mail_from == "veilleur@numerique.example"
    message = received.message()
    assert message["Subject"] == "[Veilleur] Ministère de l’Intérieur : 1 nouvel incident"
    assert message.get("Cc") is None and message.get("Bcc") is None
    stored = mail(db, mail_id)
    assert stored.status == "sent" and stored.attempts == 1 and stored.sent_at is not None and stored.last_error is None
    # nothing left to do: a second round sends nothing more
    assert deliver_pending(db.sessions, smtp(smtp_server)).attempted == 0
    assert len(smtp_server.received) == 1


def test_with_smtp_down_delivery_is_retried_with_backoff_and_sent_once_when_it_is_back(db, tmp_path, smtp_server):
    smtp_server.stop()
    mail_id = queue_digest(db, tmp_path)
    t0 = utcnow()
    transport = smtp(smtp_server)

    report = deliver_pending(db.sessions, transport, now=t0)
    assert report.sent == () and [f.mail_id for f in report.failed] == [mail_id]
    assert "Connection refused" in report.failed[0].error
    stored = mail(db, mail_id)
    assert stored.status == "queued" and stored.attempts == 1 and "Connection refused" in stored.last_error
    assert aware(stored.next_attempt_at) == t0 + timedelta(minutes=1)

    # not due yet: left alone
    assert deliver_pending(db.sessions, transport, now=t0 + timedelta(seconds=30)).attempted == 0
    # due, still down: the wait doubles
    t1 = t0 + timedelta(minutes=1, seconds=1)
    assert len(deliver_pending(db.sessions, transport, now=t1).failed) == 1
    assert aware(mail(db, mail_id).next_attempt_at) == t1 + timedelta(minutes=2)

    smtp_server.start()  # back, on the same port
    t2 = t1 + timedelta(minutes=2, seconds=1)
    assert deliver_pending(db.sessions, transport, now=t2).sent == (mail_id,)
    assert deliver_pending(db.sessions, transport, now=t2 + timedelta(hours=2)).attempted == 0
    assert len(smtp_server.received) == 1
    stored = mail(db, mail_id)
    assert stored.status == "sent" and stored.attempts == 3


def test_a_temporary_smtp_refusal_is_retried_and_its_reply_recorded(db, tmp_path, smtp_server):
    mail_id = queue_digest(db, tmp_path)
    smtp_server.data_reply = "451 4.3.0 Try again later"
    t0 = utcnow()
    [failure] = deliver_pending(db.sessions, smtp(smtp_server), now=t0).failed
    assert "451" in failure.error and "Try again later" in mail(db, mail_id).last_error
    smtp_server.data_reply = None
    assert deliver_pending(db.sessions, smtp(smtp_server), now=t0 + timedelta(minutes=2)).sent == (mail_id,)
    assert len(smtp_server.received) == 1


def test_when_the_server_is_down_the_rest_of_the_round_is_not_attempted_against_it(db, tmp_path, smtp_server):
    first = queue_digest(db, tmp_path, key="a")
    second = queue_digest(db, tmp_path, key="b")
    smtp_server.stop()
    report = deliver_pending(db.sessions, smtp(smtp_server))
    assert [f.mail_id for f in report.failed] == [first, second]
    assert report.failed[1].error.startswith("not tried, server unavailable:")
    assert mail(db, second).attempts == 1 and mail(db, second).status == "queued"


def test_recipients_refused_while_others_accept_are_recorded_without_resending(db, tmp_path, smtp_server):
    smtp_server.refuse_recipients = {"ants@interieur.example"}
    mail_id = queue_digest(db, tmp_path)
    assert deliver_pending(db.sessions, smtp(smtp_server)).sent == (mail_id,)
    stored = mail(db, mail_id)
    assert stored.status == "sent" and "ants@interieur.example (550" in stored.last_error
    [received] = smtp_server.received
    assert received.rcpt_tos == ("qualite-numerique@interieur.example",)


def test_backoff_doubles_from_one_minute_to_a_one_hour_cap_and_never_drops_the_message(db, tmp_path):
    assert [backoff(n) for n in range(1, 9)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]
    assert backoff(10_000) == timedelta(hours=1)
    mail_id = queue_digest(db, tmp_path)
    transport = FailingTransport()
    at = utcnow()
    waits = []
    for _ in range(12):
        report = deliver_pending(db.sessions, transport, now=at)
        [failure] = report.failed
        waits.append(failure.next_attempt_at - at)
        at = failure.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60)]
    stored = mail(db, mail_id)
    assert stored.status == "queued" and stored.attempts == 12 and stored.last_error == "451 4.3.0 mailbox busy"
    assert transport.calls == 12


def test_the_queue_survives_a_process_restart(db, tmp_path, smtp_server):
    mail_id = queue_digest(db, tmp_path)
    url = db.engine.url.render_as_string(hide_password=False)
    db.close()  # the process that queued it is gone
    restarted = open_database(url)
    try:
        assert deliver_pending(restarted.sessions, smtp(smtp_server)).sent == (mail_id,)
        with restarted.sessions() as session:
            assert session.get(OutgoingMail, mail_id).status == "sent"
    finally:
        restarted.close()
    assert len(smtp_server.received) == 1


def test_a_sender_killed_mid_delivery_loses_nothing_at_worst_sends_twice(db, tmp_path, smtp_server):
    mail_id = queue_digest(db, tmp_path)
    smtp_server.hold_data = True  # the server has the message but keeps the sender waiting for its reply
    env = dict(os.environ, VEILLEUR_DATA_DIR=str(tmp_path / "data"),
               VEILLEUR_DATABASE_URL=db.engine.url.render_as_string(hide_password=False),
               VEILLEUR_SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}")
    sender = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "mail", "send"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert smtp_server.data_arrived.wait(60), "the sender never reached DATA"
        os.killpg(sender.pid, signal.SIGKILL)
        sender.wait(10)
    finally:
        if sender.poll() is None:
            os.killpg(sender.pid, signal.SIGKILL)
    smtp_server.hold_data = False

    stored = mail(db, mail_id)
    assert stored.status == "queued" and stored.attempts == 1  # claimed, never marked sent
    # a sender started right away leaves it alone while the dead one's claim holds…
    assert deliver_pending(db.sessions, smtp(smtp_server)).attempted == 0
    # …and sends it once the claim has lapsed
    later = aware(stored.next_attempt_at) + timedelta(seconds=1)
    assert aware(stored.next_attempt_at) - aware(stored.last_attempt_at) == CLAIM_LEASE
    assert deliver_pending(db.sessions, smtp(smtp_server), now=later).sent == (mail_id,)
    received = smtp_server.wait_for(2)
    assert len(received) == 2 and received[0].data == received[1].data
    assert mail(db, mail_id).status == "sent"


@pytest.mark.parametrize("exception", [RuntimeError("disk full"), OSError(28, "No space left on device")])
def test_an_unexpected_transport_failure_keeps_the_message_queued(db, tmp_path, exception):
    mail_id = queue_digest(db, tmp_path)

    class Broken:
        def describe(self) -> str:
            return "broken"

        def send(self, envelope):
            raise exception

    [failure] = deliver_pending(db.sessions, Broken()).failed
    assert type(exception).__name__ in failure.error
    assert mail(db, mail_id).status == "queued"
