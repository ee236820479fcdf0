"""Where alert e-mails go: an SMTP server named by VEILLEUR_SMTP_URL (plain, STARTTLS or TLS,
with a login), or `.eml` files in the outbox when none is configured."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest

from reports.alerts.digests import render_digest
from reports.alerts.mail_transport import OutboxTransport, SmtpTransport, mail_transport, parse_smtp_url
from storage.evidence.store import EvidenceStore
from reports.alerts.delivery import TransportUnavailable
from storage.outbox import OutgoingEnvelope
from tests.support.mail_samples import NOW, SENDER, digest, pictured
from tests.support.smtp_server import SMTP_PASSWORD, SMTP_USER, SmtpTestServer, smtp_tls_server  # noqa: F401  (fixture)
from foundation.errors import InputError
from veilleur.settings import read_settings


def transport_from(environment: dict[str, str], data_dir=None):
    """The transport a command builds from the environment the shell read."""
    settings = read_settings(environment)
    return mail_transport(settings.mail, data_dir or settings.storage.resolved_data_dir())


def envelope_of(message, mail_id=7) -> OutgoingEnvelope:
    return OutgoingEnvelope(mail_id=mail_id, sender="veilleur@numerique.example",
                            recipients=tuple(a.addr_spec for a in message["To"].addresses),
                            data=message.as_bytes(), queued_at=datetime(2026, 3, 14, 9, 30, 5, tzinfo=timezone.utc))


@pytest.fixture
def message(tmp_path):
    store = EvidenceStore(tmp_path / "evidence")
    return render_digest(digest(pictured(store)), store, SENDER, now=NOW)


def test_starttls_and_login_deliver_with_a_url_encoded_password(smtp_tls_server, message):
    transport = transport_from({"VEILLEUR_SMTP_URL": smtp_tls_server.url(SMTP_USER, SMTP_PASSWORD)})
    assert isinstance(transport, SmtpTransport) and transport.password == SMTP_PASSWORD
    assert SMTP_PASSWORD not in transport.describe()
    transport.send(envelope_of(message))
    [received] = smtp_tls_server.received
    assert received.over_tls and received.login == SMTP_USER
    assert received.rcpt_tos == ("qualite-numerique@interieur.example", "ants@interieur.example")


def test_a_wrong_password_makes_the_server_unavailable_not_the_message_bad(smtp_tls_server, message):
    with pytest.raises(TransportUnavailable, match="a refusé l’identification : 535"):
        transport_from({"VEILLEUR_SMTP_URL": smtp_tls_server.url(SMTP_USER, "wrong")}).send(envelope_of(message))
    assert smtp_tls_server.received == []


def test_a_certificate_from_an_untrusted_authority_is_refused(smtp_tls_server, message):
    transport = SmtpTransport("127.0.0.1", smtp_tls_server.port, tls="starttls", username=SMTP_USER,
                              password=SMTP_PASSWORD, timeout_s=5)  # the system's authorities only
    with pytest.raises(TransportUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
        transport.send(envelope_of(message))
    assert smtp_tls_server.received == []


def test_smtps_delivers_over_tls_from_the_first_byte(message):
    with SmtpTestServer(implicit_tls=True) as server:
        transport_from({"VEILLEUR_SMTP_URL": server.url()}).send(envelope_of(message))
        [received] = server.received
    assert received.over_tls


def test_without_smtp_the_outbox_holds_a_valid_eml_with_both_parts(env_data_dir, message):
    transport = transport_from({"VEILLEUR_DATA_DIR": str(env_data_dir), "VEILLEUR_SMTP_URL": ""})
    assert isinstance(transport, OutboxTransport) and transport.directory == env_data_dir / "outbox"
    transport.send(envelope_of(message, mail_id=7))
    [written] = (env_data_dir / "outbox").iterdir()
    assert written.name == "20260314-093005-000007.eml"
    parsed = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "[Veilleur] Ministère de l’Intérieur : 1 nouvel incident"
    assert "Le bouton FranceConnect a disparu" in parsed.get_body(("plain",)).get_content()
    assert "Le bouton FranceConnect a disparu" in parsed.get_body(("html",)).get_content()
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/jpeg", "image/jpeg"]


def test_the_outbox_writes_a_message_delivered_twice_to_one_file(tmp_path, message):
    # After a crash between writing and recording "sent", the same message is written again.
    transport = OutboxTransport(tmp_path / "outbox")
    transport.send(envelope_of(message))
    transport.send(envelope_of(message))
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == ["20260314-093005-000007.eml"]


@pytest.mark.parametrize("url, expected", [
    ("smtp://relay.example", ("relay.example", 25, "none", None, None)),
    ("smtp://u%40x:p%3Aw%40d@relay.example:587?starttls=1", ("relay.example", 587, "starttls", "u@x", "p:w@d")),
    ("smtps://alertes:secret@relay.example", ("relay.example", 465, "tls", "alertes", "secret")),
    ("smtp://127.0.0.1:2525?timeout=5", ("127.0.0.1", 2525, "none", None, None)),
])
def test_smtp_urls_are_read_with_their_defaults(url, expected):
    s = parse_smtp_url(url)
    assert (s.host, s.port, s.tls, s.username, s.password) == expected


@pytest.mark.parametrize("url, reason", [
    ("http://relay.example", "adresse commençant par smtp:// ou smtps:// attendue"),
    ("smtp://:secret@:25", "aucun hôte nommé"),
    ("smtp://user:secret@relay.example:99999", "adresse illisible"),
    ("smtp://user:secret@relay.example?starttls=maybe", "starttls : 1 ou 0 attendu"),
    ("smtps://user:secret@relay.example?starttls=1", "smtps:// chiffre dès le début"),
    ("smtp://user:secret@relay.example?tls=1", "paramètre inconnu 'tls'"),
    ("smtp://user:secret@relay.example?timeout=soon", "timeout : nombre de secondes attendu entre 0 et 600"),
    ("smtp://user:secret@relay.example?cafile=/nowhere/ca.pem", "cafile '/nowhere/ca.pem' n'est pas un fichier"),
])
def test_a_bad_smtp_url_is_a_one_line_french_error_naming_the_variable_without_the_password(url, reason):
    with pytest.raises(InputError) as error:
        transport_from({"VEILLEUR_SMTP_URL": url})
    text = str(error.value)
    assert text.startswith(f"VEILLEUR_SMTP_URL : {reason}") and text.endswith(" »")
    assert "secret" not in text and "\n" not in text


def test_the_sender_comes_from_veilleur_mail_from_and_is_checked():
    assert read_settings({}).mail.mail_from == "veilleur@localhost"
    named = {"VEILLEUR_MAIL_FROM": "Veilleur DINUM <veilleur@numerique.example>"}
    assert read_settings(named).mail.mail_from == "Veilleur DINUM <veilleur@numerique.example>"
    for bad in ("pas une adresse", "veilleur@numerique.example\nBcc: x@evil.example"):
        with pytest.raises(InputError, match="^VEILLEUR_MAIL_FROM : adresse d'expéditeur attendue"):
            read_settings({"VEILLEUR_MAIL_FROM": bad})
