"""Serving the benchmark corpus on loopback: each service on its own address, 127.1.x.y, so its own host.

Real services live on distinct hosts: the browser shares no cache, no connection and no
politeness slot between two of them. Linux routes the whole of 127.0.0.0/8 to loopback, so service
i listens on an address of its own (`service_address(i)`) without any setup, every service on
the same port. A single thread watches every listening socket and each request gets its own
thread, so a thousand services cost a thousand sockets, not a thousand idle threads.

    with serve_corpus(100) as corpus:
        corpus.urls        # landing page of each service, service i at corpus.urls[i]
        corpus.page_urls   # the 4 pages of every service

`python -m bench.serve --services N` serves them until interrupted.
"""

from __future__ import annotations

import argparse
import errno
import mimetypes
import selectors
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from bench.generate import PAGES, page_html
from veilleur.loopback import HTML, LoopbackHandler, LoopbackServer, Reply

DSFR_DIST = Path(__file__).resolve().parent / "node_modules" / "@gouvfr" / "dsfr" / "dist"
ILLUSTRATION = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120">'
    b'<rect width="320" height="120" fill="#e3e3fd"/><circle cx="60" cy="60" r="40" fill="#000091"/></svg>'
)


class MissingDsfr(RuntimeError):
    pass


@lru_cache(maxsize=None)
def _asset(relative: str) -> bytes | None:
    path = (DSFR_DIST / relative).resolve()
    if not path.is_relative_to(DSFR_DIST) or not path.is_file():
        return None
    return path.read_bytes()


@lru_cache(maxsize=4096)
def _page(index: int, page: str) -> bytes:
    return page_html(index, page).encode("utf-8")


_CACHED = {"Cache-Control": "public, max-age=3600"}
_NOT_CACHED = {"Cache-Control": "no-cache"}
_NOT_FOUND = b"<!DOCTYPE html><title>Introuvable</title><p>Page introuvable.</p>"


class _Handler(LoopbackHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    server: "_ServiceServer"

    def reply(self) -> Reply:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/":
            path = "/index.html"
        name = path.lstrip("/")
        if name in PAGES:
            return Reply(_page(self.server.index, name), 200, HTML, _NOT_CACHED)
        if name.startswith("dsfr/") and (body := _asset(name[len("dsfr/"):])) is not None:
            return Reply(body, 200, mimetypes.guess_type(name)[0] or "application/octet-stream", _CACHED)
        if name.startswith("illustration-"):
            return Reply(ILLUSTRATION, 200, "image/svg+xml", _CACHED)
        return Reply(_NOT_FOUND, 404, HTML, _NOT_CACHED)


# 250 hosts per third byte: the last byte stays 1..250, never a network or broadcast-looking 0 or 255.
HOSTS_PER_BLOCK = 250
MAX_SERVICES = 256 * HOSTS_PER_BLOCK


def service_address(index: int) -> str:
    """The loopback address service `index` is served on: 127.1.0.1, 127.1.0.2, ..., 127.1.1.1, ..."""
    if not 0 <= index < MAX_SERVICES:
        raise ValueError(f"service {index}: the corpus serves at most {MAX_SERVICES} services")
    return f"127.1.{index // HOSTS_PER_BLOCK}.{index % HOSTS_PER_BLOCK + 1}"


class _ServiceServer(LoopbackServer):
    request_queue_size = 64

    def __init__(self, index: int, port: int):
        self.index = index
        self._port = port
        super().__init__(_Handler, host=service_address(index))
        self.timeout = 0  # handle_request() takes the connection that is waiting, and never waits

    def server_bind(self) -> None:
        # LoopbackServer asks for an ephemeral port; here every service shares one, as hosts do.
        self.server_address = (self.host, self._port)
        super().server_bind()

    def handle_error(self, request, client_address) -> None:
        # A browser that closes a page drops its connections mid-response: that is normal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Corpus:
    servers: list[_ServiceServer] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [s.url() for s in self.servers]

    @property
    def page_urls(self) -> list[str]:
        return [url + ("" if page == "index.html" else page) for url in self.urls for page in PAGES]


def _watch(servers: list[_ServiceServer], stop: threading.Event) -> None:
    with selectors.DefaultSelector() as selector:
        for server in servers:
            selector.register(server, selectors.EVENT_READ, server)
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                key.data.handle_request()  # accepts one connection; its thread serves it


def _bind_on_one_port(services: int) -> list[_ServiceServer]:
    # The first server's ephemeral port is free on its address only: another program may hold it on
    # a later address, hence the retry with the next port the system gives.
    first = _ServiceServer(0, 0)
    servers = [first]
    try:
        servers += [_ServiceServer(index, first.port) for index in range(1, services)]
    except BaseException:
        for server in servers:
            server.server_close()
        raise
    return servers


def _bind_all(services: int, attempts: int = 5) -> list[_ServiceServer]:
    if services <= 0:
        return []
    for _ in range(attempts - 1):
        try:
            return _bind_on_one_port(services)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    return _bind_on_one_port(services)


def dsfr_installed() -> bool:
    """Whether `npm ci` in bench/ brought the DSFR's styles (make bench does; make test does not)."""
    return _asset("dsfr.min.css") is not None


@contextmanager
def serve_corpus(services: int, require_dsfr: bool = True) -> Iterator[Corpus]:
    """Serve `services` services, service i on `service_address(i)`, all on one port; without the
    DSFR (`require_dsfr=False`, as in the test suite, which does not run npm) the pages are the
    same and their styles are missing."""
    if require_dsfr and _asset("dsfr.min.css") is None:
        raise MissingDsfr(f"{DSFR_DIST}: the DSFR is missing; run `npm ci` in bench/ (make bench does)")
    corpus = Corpus(_bind_all(services))
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(corpus.servers, stop), name="bench-corpus", daemon=True)
    watcher.start()
    try:
        yield corpus
    finally:
        stop.set()
        watcher.join()
        for server in corpus.servers:
            server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the benchmark corpus on loopback until interrupted.")
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--registry", type=Path, help="write the registry of the served services to this file")
    args = parser.parse_args(argv)
    from bench.generate import write_registry

    with serve_corpus(args.services) as corpus:
        if args.registry:
            write_registry(args.registry, corpus.urls)
        for url in corpus.urls[:5]:
            print(url)
        print(f"... {len(corpus.urls)} services served; Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
