"""Loopback web servers for the tests: pages and misbehaviours, never the internet."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def html(body: str, status: int = 200, **kw) -> Route:
    return Route(body=body.encode("utf-8"), status=status, **kw)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args) -> None:  # keep test output readable
        pass

    def do_GET(self) -> None:
        site: LocalSite = self.server.site
        path = self.path.split("?", 1)[0]
        site.requests.append((self.path, dict(self.headers)))
        route = site.routes.get(path)
        if callable(route):
            route = route(self)
            if route is None:
                return
        if route is None:
            route = html("<html lang=fr><title>Introuvable</title><body>Page introuvable</body></html>", 404)
        if route.delay_s:
            time.sleep(route.delay_s)
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: "LocalSite"


class LocalSite:
    """An HTTP(S) server on 127.0.0.1 with its own port: one site, one origin."""

    def __init__(self, routes: dict[str, Route | Callable] | None = None, tls: ssl.SSLContext | None = None,
                 host: str = "127.0.0.1"):
        self.routes: dict[str, Route | Callable] = dict(routes or {})
        self.requests: list[tuple[str, dict]] = []
        self._server = _Server((host, 0), _Handler)
        self._server.site = self
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

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
