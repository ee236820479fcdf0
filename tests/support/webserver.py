"""Loopback web servers for the tests: pages and misbehaviours, never the internet."""

from __future__ import annotations

import socket
import ssl
import threading
from typing import Callable

from veilleur.loopback import LoopbackHandler, LoopbackServer, Reply

# What a route answers: body, status, content type, headers, and a delay before answering.
Route = Reply


def html(body: str, status: int = 200, **kw) -> Route:
    return Route(body=body.encode("utf-8"), status=status, **kw)


class _Handler(LoopbackHandler):
    server: "_Server"

    def reply(self) -> Route | None:
        site = self.server.site
        path = self.path.split("?", 1)[0]
        site.requests.append((self.path, dict(self.headers)))
        route = site.routes.get(path)
        if callable(route):
            return route(self)  # None: the route answered by itself, or chose not to
        return route or html("<html lang=fr><title>Introuvable</title><body>Page introuvable</body></html>", 404)


class _Server(LoopbackServer):
    site: "LocalSite"


class LocalSite:
    """An HTTP(S) server on 127.0.0.1 with its own port: one site, one origin."""

    def __init__(self, routes: dict[str, Route | Callable] | None = None, tls: ssl.SSLContext | None = None,
                 host: str = "127.0.0.1"):
        self.routes: dict[str, Route | Callable] = dict(routes or {})
        self.requests: list[tuple[str, dict]] = []
        self._server = _Server(_Handler, host, tls)
        self._server.site = self
        self.scheme = self._server.scheme
        self.host = host
        self.port = self._server.port
        self._server.start()

    def url(self, path: str = "/") -> str:
        return self._server.url(path)

    def close(self) -> None:
        self._server.stop()

    def __enter__(self) -> "LocalSite":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SilentServer:
    """Accepts connections and never answers: the classic hung server."""

    def __init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
                self._conns.append(conn)
            except OSError:
                continue

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._stop.set()
        for conn in self._conns:
            conn.close()
        self._sock.close()


def unused_port() -> int:
    """A port nothing listens on (refused connections)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
