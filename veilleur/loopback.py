"""Serving folders of pages on 127.0.0.1: one threaded HTTP server per site, on a port of its own.

A port of its own makes each site its own origin, as real services on distinct hosts are. The
demo sites, the evaluation corpus, the benchmark corpus and the tests' pages are all served so:

    class Handler(LoopbackHandler):
        def reply(self) -> Reply:
            return Reply(b"<p>Bonjour</p>")

    server = LoopbackServer(Handler).start(name="site")
    server.url("/")  # http://127.0.0.1:<port>/
    server.stop()

`LoopbackServer` listens on an ephemeral port and serves in a daemon thread; `stop_all` stops
many at once. `LoopbackHandler` sends what its subclass's `reply` says (status, body, type,
headers, a delay before answering), quietly when the client has gone away. `FolderServer` and
`FolderHandler` serve the files of a folder, which can be switched while serving; their hooks
give the status pages, the content types, and which of the folder's files are not pages.
`ServerGroup` is the running set of one such server per site, closed together.
"""

from __future__ import annotations

import mimetypes
import ssl
import threading
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from socketserver import TCPServer
from typing import Any, Self
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"
HTML = "text/html; charset=utf-8"
INDEX = "index.html"


@dataclass
class Reply:
    """One answer to one request, as a handler's `reply` gives it."""

    body: bytes = b""
    status: int = 200
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait this long before answering: a slow server


def status_phrase(status: int) -> str:
    """The reason phrase of an HTTP status, or "Erreur" for a number HTTP does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Erreur"


def file_under(root: Path, url_path: str, hidden: Collection[str] = ()) -> Path | None:
    """The file a URL path names inside `root`, or None: missing, outside the folder, a dot name,
    or one of the `hidden` names at the top of the folder. A path ending in '/' names its index."""
    path = unquote(url_path)
    if path.endswith("/"):
        path += INDEX
    parts = [p for p in PurePosixPath(path).parts if p != "/"]
    if not parts or any(p in (".", "..") or p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    if len(parts) == 1 and parts[0] in hidden:
        return None
    root = root.resolve()
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def guess_content_type(path: Path, known: Mapping[str, str] | None = None, with_charset: Collection[str] = ()) -> str:
    """The Content-Type of a file: from `known` (suffix → type) first, else guessed from its name;
    text types, and those in `with_charset`, say that they are UTF-8."""
    if known and (given := known.get(path.suffix.lower())):
        return given
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed and (guessed.startswith("text/") or guessed in with_charset):
        return f"{guessed}; charset=utf-8"
    return guessed or "application/octet-stream"


class LoopbackHandler(BaseHTTPRequestHandler):
    """Answers GET with what `reply` gives; a subclass writes `reply` and adds the other methods."""

    server: LoopbackServer
    always_headers: Mapping[str, str] = {}  # sent with every answer, before the reply's own

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        pass  # a request log would bury the output of the tests and runs around it

    def do_GET(self) -> None:
        self.answer()

    def answer(self, send_body: bool = True) -> None:
        reply = self.reply()
        if reply is None:
            return  # `reply` wrote its own answer (or none: a server that hangs up)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        self.send(reply, send_body)

    def reply(self) -> Reply | None:
        raise NotImplementedError

    def send(self, reply: Reply, send_body: bool = True) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in {**self.always_headers, **reply.headers}.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client went away (a probe that timed out): nothing to tell it, nothing more to read.
            self.close_connection = True


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP server (HTTPS with `tls`) on an ephemeral port of `host`, a thread per request."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = LOOPBACK,
                 tls: ssl.SSLContext | None = None):
        self.host = host
        self.scheme = "https" if tls else "http"
        self._thread: threading.Thread | None = None
        super().__init__((host, 0), handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (getfqdn): a DNS query on a closed network.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{path}"

    def start(self, name: str | None = None, poll_interval: float = 0.2) -> Self:
        """Serve in a daemon thread until `stop`."""
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": poll_interval},
                                        name=name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        stop_all([self])


def stop_all(servers: Iterable[LoopbackServer]) -> None:
    """Stop servers and close their sockets; those never started are only closed."""
    servers = list(servers)
    running = [s for s in servers if s._thread is not None]
    # shutdown() waits for the serve loop to notice (one poll interval): stop them all at once.
    stoppers = [threading.Thread(target=s.shutdown, daemon=True) for s in running]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join(timeout=5)
    for server in servers:
        server.server_close()
    for server in running:
        if server._thread is not None:
            server._thread.join(timeout=5)
            server._thread = None


class FolderServer(LoopbackServer):
    """Serves the files of one folder (`root`), which `serve_from` switches while serving."""

    def __init__(self, root: Path, handler: type[FolderHandler], host: str = LOOPBACK):
        self.root = root.resolve()
        super().__init__(handler, host)

    def serve_from(self, folder: Path) -> None:
        self.root = folder.resolve()


class FolderHandler(LoopbackHandler):
    """Answers GET, HEAD and POST with the file of the server's folder that the URL path names,
    or a 404 page. A subclass changes the answers in `reply` and the pages with the hooks below."""

    server: FolderServer
    sys_version = ""
    timeout = 30  # a client that opens a connection and says nothing does not hold a thread forever
    always_headers = {"Cache-Control": "no-store"}
    hidden: Collection[str] = ()  # names at the top of the folder that are not pages (its settings)
    content_types: Mapping[str, str] = {}  # suffix → Content-Type, before guessing from the name
    charset_types: Collection[str] = ()  # non-text types that are said to be UTF-8 too

    def do_HEAD(self) -> None:
        self.answer(send_body=False)

    def do_POST(self) -> None:
        self.answer()

    @property
    def url_path(self) -> str:
        return urlsplit(self.path).path or "/"

    def file(self, url_path: str) -> Path | None:
        return file_under(self.server.root, url_path, self.hidden)

    def content_type(self, file: Path) -> str:
        return guess_content_type(file, self.content_types, self.charset_types)

    def status_page(self, status: int) -> bytes:
        phrase = status_phrase(status)
        return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{status} {phrase}</title></head>'
                f"<body><main><h1>Erreur {status}</h1><p>{phrase}</p></main></body></html>").encode("utf-8")

    def file_reply(self, url_path: str) -> Reply:
        file = self.file(url_path)
        if file is None:
            return Reply(self.status_page(404), 404)
        return Reply(file.read_bytes(), 200, self.content_type(file))

    def reply(self) -> Reply:
        return self.file_reply(self.url_path)


class ServerGroup:
    """The running servers of several sites, one each: close it, or use it as a context manager."""

    _servers: list[LoopbackServer]

    def close(self) -> None:
        servers, self._servers = self._servers, []
        stop_all(servers)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
