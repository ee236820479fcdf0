"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), reusable by any test that sends mail.

    from tests.support.smtp_server import smtp_server, smtp_tls_server  # noqa: F401  (pytest fixtures)

    def test_something(smtp_server, monkeypatch):
        monkeypatch.setenv("VEILLEUR_SMTP_URL", smtp_server.url())
        ...  # send
        [mail] = smtp_server.received
        assert mail.rcpt_tos == ("contact@ministere.example",)
        assert mail.message()["Subject"].startswith("[Veilleur]")

What it offers:
- `received`: every message accepted, with its envelope (MAIL FROM, RCPT TO), raw bytes, the
  login it came with and whether it came over TLS; `wait_for(n)` waits for n of them.
- `stop()` / `start()`: the server goes down (connections refused) and comes back on the same
  port, so a client configured once sees an outage and a recovery.
- `data_reply`: answer DATA with this instead of accepting (e.g. "451 4.3.0 Try again later").
- `refuse_recipients`: addresses (lower case) answered 550 at RCPT TO, the others accepted.
- `hold_data`: when set, DATA is recorded then the reply waits until it is cleared, so a test
  can kill a sender in the middle of a delivery (`data_arrived` tells when one is there).
- `SmtpTestServer(starttls=True, credentials=(user, password))`: STARTTLS with a certificate for
  127.0.0.1 from a throwaway trustme authority (`cafile`), AUTH required after STARTTLS.
  `implicit_tls=True` is the smtps:// variant (TLS from the first byte).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    login: str | None
    over_tls: bool

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server: SmtpTestServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options) -> str:
        if address.lower() in self.server.refuse_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, smtp, session, envelope) -> str:
        server = self.server
        if server.data_reply:
            return server.data_reply
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else session.auth_data
        mail = ReceivedMail(
            mail_from=envelope.mail_from, rcpt_tos=tuple(envelope.rcpt_tos),
            data=envelope.original_content or envelope.content, login=login,
            over_tls=smtp.transport.get_extra_info("ssl_object") is not None,
        )
        with server._changed:
            server.received.append(mail)
            server._changed.notify_all()
        server.data_arrived.set()
        # Polled rather than awaited in a thread, so that stop() can cancel a held reply.
        while server.hold_data:
            await asyncio.sleep(0.02)
        return "250 2.0.0 OK: queued"


class SmtpTestServer:
    def __init__(self, *, port: int | None = None, starttls: bool = False, implicit_tls: bool = False,
                 credentials: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.credentials = credentials
        self.received: list[ReceivedMail] = []
        self.data_reply: str | None = None
        self.refuse_recipients: set[str] = set()
        self.hold_data = False
        self.data_arrived = threading.Event()
        self._changed = threading.Condition()
        self._controller: Controller | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="smtp-test-")
        self.cafile: Path | None = None
        self._server_tls: ssl.SSLContext | None = None
        if starttls or implicit_tls:
            authority = trustme.CA()
            certificate = authority.issue_cert(HOST, "localhost")
            self._server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificate.configure_cert(self._server_tls)
            self.cafile = Path(self._tmp.name) / "ca.pem"
            authority.cert_pem.write_to_path(str(self.cafile))

    # -- lifecycle -------------------------------------------------------------------------

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if (isinstance(auth_data, LoginPassword) and self.credentials is not None
                and auth_data.login.decode() == self.credentials[0]
                and auth_data.password.decode() == self.credentials[1]):
            return AuthResult(success=True, auth_data=auth_data.login.decode())
        return AuthResult(success=False, handled=False)

    def start(self) -> SmtpTestServer:
        if self._controller is not None:
            return self
        options: dict = dict(hostname=HOST, port=self.port, server_hostname="localhost", ready_timeout=10)
        if self.implicit_tls:
            options["ssl_context"] = self._server_tls
        if self.starttls:
            options.update(tls_context=self._server_tls, require_starttls=True)
        if self.credentials is not None:
            options.update(authenticator=self._authenticate, auth_required=True)
        controller = Controller(_Handler(self), **options)
        # Just stopped: the port can take a moment to be free again for a new listener.
        deadline = time.monotonic() + 10
        while True:
            try:
                controller.start()
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self.hold_data = False
            self._controller.stop()
            self._controller = None

    def close(self) -> None:
        self.stop()
        self._tmp.cleanup()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- for clients -----------------------------------------------------------------------

    def url(self, username: str | None = None, password: str | None = None) -> str:
        """A `VEILLEUR_SMTP_URL` for this server (credentials URL-encoded, CA file included)."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        userinfo = ""
        if username is not None:
            userinfo = quote(username, safe="") + (":" + quote(password, safe="") if password is not None else "") + "@"
        params = {}
        if self.starttls:
            params["starttls"] = "1"
        if self.cafile is not None:
            params["cafile"] = str(self.cafile)
        return f"{scheme}://{userinfo}{HOST}:{self.port}" + (f"?{urlencode(params)}" if params else "")

    def client_ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cafile)) if self.cafile else ssl.create_default_context()

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[ReceivedMail]:
        """The received messages once there are at least `count` of them."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.received) >= count, timeout=timeout_s):
                raise AssertionError(f"expected {count} messages, the SMTP server got {len(self.received)}")
            return list(self.received)


@pytest.fixture
def smtp_server():
    """A plain SMTP server on 127.0.0.1 (no TLS, no login)."""
    with SmtpTestServer() as server:
        yield server


SMTP_USER = "veilleur"
SMTP_PASSWORD = "p@ss:w/rd%?#"


@pytest.fixture
def smtp_tls_server():
    """An SMTP server that requires STARTTLS, then AUTH as SMTP_USER / SMTP_PASSWORD."""
    with SmtpTestServer(starttls=True, credentials=(SMTP_USER, SMTP_PASSWORD)) as server:
        yield server
