"""Where queued e-mails go: an SMTP server (`VEILLEUR_SMTP_URL`, the mail section), or `.eml` files in the outbox.

`VEILLEUR_SMTP_URL` is `smtp://user:password@host:port` (plain, or `?starttls=1` to upgrade the
connection), or `smtps://…` (TLS from the first byte). User and password are URL-decoded, so a
password with `@` or `:` is written `%40`, `%3A`. Other query parameters: `timeout` (seconds per
SMTP step, default 30) and `cafile` (a PEM file of authorities to trust instead of the system's,
for a relay with a private certificate). Without it, messages are written as `.eml` files to
`<VEILLEUR_DATA_DIR>/outbox/`, the embedded default.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from foundation.errors import InputError
from foundation.files import write_atomically
from foundation.settings import MailSection
from reports.alerts.delivery import MailTransport, SendOutcome, TransportError, TransportUnavailable
from storage.outbox import OutgoingEnvelope

SMTP_URL_VARIABLE = "VEILLEUR_SMTP_URL"
DEFAULT_TIMEOUT_S = 30.0

TlsMode = Literal["none", "starttls", "tls"]


class SmtpTransport:
    """One SMTP connection per message: a server error on one cannot leave the next one on a
    connection in an unknown state, and a digest run sends a few dozen messages at most."""

    def __init__(self, host: str, port: int, *, tls: TlsMode = "none", username: str | None = None,
                 password: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                 ssl_context: ssl.SSLContext | None = None):
        self.host = host
        self.port = port
        self.tls = tls
        self.username = username
        self.password = password
        self.timeout_s = timeout_s
        self.ssl_context = ssl_context or ssl.create_default_context()

    def describe(self) -> str:
        scheme = "smtps" if self.tls == "tls" else "smtp"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}" + (" (STARTTLS)" if self.tls == "starttls" else "")

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.tls == "tls":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=self.ssl_context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportUnavailable(f"connexion impossible à {self.describe()} : {exc}") from exc
        try:
            client.ehlo_or_helo_if_needed()
            if self.tls == "starttls":
                client.starttls(context=self.ssl_context)
                client.ehlo()
            if self.username:
                client.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            client.close()
            raise TransportUnavailable(f"{self.describe()} a refusé l’identification : {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            client.close()
            raise TransportUnavailable(f"{self.describe()} : {exc}") from exc
        return client

    def send(self, envelope: OutgoingEnvelope) -> SendOutcome:
        client = self._connect()
        try:
            refused = client.sendmail(envelope.sender, list(envelope.recipients), envelope.data)
        except smtplib.SMTPRecipientsRefused as exc:
            details = "; ".join(f"{a} ({code} {_text(msg)})" for a, (code, msg) in exc.recipients.items())
            raise TransportError(f"tous les destinataires refusés : {details}") from exc
        except smtplib.SMTPResponseException as exc:
            raise TransportError(f"{self.describe()} a répondu {exc.smtp_code} {_text(exc.smtp_error)}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"{self.describe()} : {exc}") from exc
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
        return SendOutcome(refused={a: f"{code} {_text(msg)}" for a, (code, msg) in refused.items()})


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class OutboxTransport:
    """Writes each message to `<directory>/<date>-<id>.eml`. The name comes from the queued
    message, so a message written again after a crash replaces its own file instead of adding a
    copy; the file appears whole or not at all (temporary name, then rename)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def describe(self) -> str:
        return f"boîte d’envoi {self.directory}"

    def path_for(self, envelope: OutgoingEnvelope) -> Path:
        return self.directory / f"{envelope.queued_at:%Y%m%d-%H%M%S}-{envelope.mail_id:06d}.eml"

    def send(self, envelope: OutgoingEnvelope) -> SendOutcome:
        write_atomically(self.path_for(envelope), envelope.data)
        return SendOutcome()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: TlsMode
    username: str | None
    password: str | None
    timeout_s: float
    cafile: Path | None


def _redacted(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(pas une adresse)"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_smtp_url(url: str) -> SmtpSettings:
    """The settings in a `VEILLEUR_SMTP_URL`, or InputError naming the variable (the password
    is never repeated in the message)."""
    shown = _redacted(url)

    def bad(reason: str) -> InputError:
        return InputError(f"{SMTP_URL_VARIABLE} : {reason}, reçu « {shown} »")

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise bad(f"adresse illisible ({exc})") from None
    if parts.scheme not in ("smtp", "smtps"):
        raise bad("adresse commençant par smtp:// ou smtps:// attendue")
    if not parts.hostname:
        raise bad("aucun hôte nommé (smtp://utilisateur:mot-de-passe@hôte:port)")
    if parts.path not in ("", "/"):
        raise bad(f"chemin inattendu {parts.path!r}")
    params: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in ("starttls", "timeout", "cafile"):
            raise bad(f"paramètre inconnu {key!r} (connus : starttls, timeout, cafile)")
        params[key] = value
    starttls = params.get("starttls", "0").lower()
    if starttls not in _TRUE | _FALSE:
        raise bad("starttls : 1 ou 0 attendu")
    if parts.scheme == "smtps" and starttls in _TRUE:
        raise bad("smtps:// chiffre dès le début ; starttls=1 ne va qu'avec smtp://")
    timeout = DEFAULT_TIMEOUT_S
    if "timeout" in params:
        try:
            timeout = float(params["timeout"])
        except ValueError:
            raise bad("timeout : nombre de secondes attendu entre 0 et 600") from None
        if not 0 < timeout <= 600:
            raise bad("timeout : nombre de secondes attendu entre 0 et 600")
    cafile = Path(params["cafile"]) if params.get("cafile") else None
    if cafile is not None and not cafile.is_file():
        raise bad(f"cafile {str(cafile)!r} n'est pas un fichier")
    tls: TlsMode = "tls" if parts.scheme == "smtps" else ("starttls" if starttls in _TRUE else "none")
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if parts.scheme == "smtps" else 25),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout_s=timeout,
        cafile=cafile,
    )


def mail_transport(mail: MailSection, data_dir: Path) -> MailTransport:
    """SMTP when `VEILLEUR_SMTP_URL` is set, else the outbox folder of the data dir."""
    url = mail.smtp_url
    if not url:
        return OutboxTransport(data_dir / "outbox")
    settings = parse_smtp_url(url)
    context = ssl.create_default_context(cafile=str(settings.cafile) if settings.cafile else None)
    return SmtpTransport(settings.host, settings.port, tls=settings.tls, username=settings.username,
                         password=settings.password, timeout_s=settings.timeout_s, ssl_context=context)

