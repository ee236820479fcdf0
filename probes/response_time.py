"""The démarche address's HTTP response time as an uptime monitor measures it: a plain HTTP request, timed by phase, made by a process of its own.

The observatory's "temps de chargement" is how long the address takes to answer (name lookup,
connection, TLS handshake, first byte, body), not how long our browser takes to render the page:
the browser's load event grows with how busy our own CPU is (six tabs, axe-core, screenshots),
which says nothing about the service. So the request is made with the standard library's sockets
(no browser, no script run), by a worker process (`python -m probes.response_time`, one per
campaign) whose threads only wait on the network: neither our event loop nor our browser's
work stands between the bytes arriving and the clock reading them.

Each measure is one request on a fresh connection, as an uptime monitor's check is (the quarter's
figure is the mean over its visits); it is made once the browser is done with the service, in the
host's turn like a page load (probes/politeness.py). Redirects are followed (up to
`MAX_REDIRECTS`), their phases added up, as the address a person types leads there. The request
says it is Veilleur's, without the browser's Chrome token: it is not a browser.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import ssl
import sys
import threading
import time
from http.client import HTTPException, HTTPResponse
from itertools import count
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from probes.models import ResponseTime

SAMPLES = 1
MAX_REDIRECTS = 5
# The body is read to its end (its transfer is part of the answer) up to this size.
MAX_BODY = 5 * 1024 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _one_hop(url: str, deadline: float, user_agent: str) -> tuple[ResponseTime, str | None]:
    """One request on a fresh connection, over by `deadline` (perf_counter): its phases, and where
    it redirects (None if it does not)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) address: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    start = time.perf_counter()
    family, kind, proto, _, address = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)[0]
    resolved = time.perf_counter()
    sock = socket.socket(family, kind, proto)
    try:
        sock.settimeout(max(deadline - time.perf_counter(), 0.001))
        sock.connect(address)
        connected = time.perf_counter()
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname)
        secured = time.perf_counter()
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {user_agent}\r\n"
                   "Accept: text/html,*/*;q=0.8\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n")
        sock.sendall(request.encode("latin-1"))
        response = HTTPResponse(sock, method="GET")
        sock.settimeout(max(deadline - time.perf_counter(), 0.001))
        response.begin()  # returns once the status line and headers have arrived
        first_byte = time.perf_counter()
        received = 0
        while received < MAX_BODY:
            # A body dripped byte by byte must not hold the measure past its deadline.
            if time.perf_counter() > deadline:
                raise TimeoutError("body not received in time")
            chunk = response.read1(65536)
            if not chunk:
                break
            received += len(chunk)
        done = time.perf_counter()
        location = response.getheader("Location") if response.status in _REDIRECTS else None
        measured = ResponseTime(
            total_ms=_ms(done - start), dns_ms=_ms(resolved - start), connect_ms=_ms(connected - resolved),
            tls_ms=_ms(secured - connected), first_byte_ms=_ms(first_byte - secured), body_ms=_ms(done - first_byte),
            status=response.status, url=url,
        )
        return measured, urljoin(url, location) if location else None
    finally:
        sock.close()


def _follow(url: str, timeout_s: float, user_agent: str) -> ResponseTime:
    """One request and its redirects, their phases added up, all within `timeout_s` (as the
    browser's navigation to the address is)."""
    deadline = time.perf_counter() + timeout_s
    total: ResponseTime | None = None
    for _ in range(MAX_REDIRECTS + 1):
        hop, location = _one_hop(url, deadline, user_agent)
        total = hop if total is None else total.plus(hop)
        if location is None:
            return total
        url = location
    assert total is not None
    return total


def measure(url: str, timeout_s: float, user_agent: str, samples: int = SAMPLES) -> ResponseTime:
    """The fastest of `samples` requests to the address (one, unless a caller asks for more); an
    error, and no figure, as soon as one gets no answer (the browser's visit says why)."""
    best: ResponseTime | None = None
    for _ in range(samples):
        try:
            measured = _follow(url, timeout_s, user_agent)
        except (OSError, ValueError, ssl.SSLError, HTTPException) as exc:  # OSError: DNS, refusal, timeouts, TLS
            return ResponseTime(url=url, error=f"{type(exc).__name__}: {exc}"[:300], samples=samples)
        if best is None or (measured.total_ms or 0) < (best.total_ms or 0):
            best = measured
    assert best is not None
    return best.model_copy(update={"samples": samples})


# ------------------------------------------------------------------------------------------------
# The worker process and its client


def _warm_up() -> None:
    """Load, before the first measure, what its request would otherwise load while timed: the
    resolver's libraries and the HTTP parser's first use (tens of milliseconds on a busy machine)."""
    socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)
    ours, theirs = socket.socketpair()
    try:
        theirs.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok")
        response = HTTPResponse(ours, method="GET")
        response.begin()
        response.read1(65536)
    finally:
        ours.close()
        theirs.close()


def _serve(stdin=sys.stdin, stdout=sys.stdout) -> None:
    """Read one JSON request a line, measure each in a thread of its own, write one JSON answer a line."""
    _warm_up()
    lock = threading.Lock()

    def answer(request: dict) -> None:
        measured = measure(request["url"], request["timeout_s"], request["user_agent"])
        line = json.dumps({"id": request["id"], "measured": measured.model_dump(mode="json")})
        with lock:
            stdout.write(line + "\n")
            stdout.flush()

    for line in stdin:
        if line.strip():
            threading.Thread(target=answer, args=(json.loads(line),), daemon=True).start()


class ResponseTimer:
    """The campaign's side of the worker: `await timer.measure(url)` from any number of tasks."""

    def __init__(self, timeout_s: float, user_agent: str):
        self.timeout_s, self.user_agent = timeout_s, user_agent
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task | None = None
        self._waiting: dict[int, asyncio.Future] = {}
        self._ids = count(1)
        self._start_lock = asyncio.Lock()

    async def start(self) -> None:
        """Start the worker ahead of the first measure (it loads while the browser starts)."""
        await self._start()

    async def _start(self) -> asyncio.subprocess.Process:
        async with self._start_lock:
            if self._process is None or self._process.returncode is not None:
                # The worker imports this module from the same tree as ours, wherever we run from:
                # `python -m` started in the tree's root finds it first.
                # A session of its own, like Chromium and its driver: a terminal's Ctrl-C reaches only
                # Veilleur, never a worker still importing (its traceback would print over the
                # console); closing its stdin ends it.
                root = str(Path(__file__).resolve().parent.parent)
                self._process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "probes.response_time", cwd=root,
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, start_new_session=True)
                self._reader = asyncio.create_task(self._read(self._process))
            return self._process

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            answer = json.loads(line)
            waiting = self._waiting.pop(answer["id"], None)
            if waiting is not None and not waiting.done():
                waiting.set_result(ResponseTime.model_validate(answer["measured"]))
        # The worker is gone: whoever still waits gets no figure (nothing is counted against the site).
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_result(ResponseTime(error="our response-time worker stopped"))
        self._waiting.clear()

    async def measure(self, url: str) -> ResponseTime:
        request_id = next(self._ids)
        try:
            process = await self._start()
            waiting = asyncio.get_running_loop().create_future()
            self._waiting[request_id] = waiting
            assert process.stdin is not None
            process.stdin.write((json.dumps({"id": request_id, "url": url, "timeout_s": self.timeout_s,
                                             "user_agent": self.user_agent}) + "\n").encode())
            await process.stdin.drain()
            # A request may take the whole timeout (a server dripping its headers a byte at a
            # time a little more): past that, no figure rather than a run held up.
            return await asyncio.wait_for(waiting, timeout=self.timeout_s * SAMPLES + 5)
        except (OSError, asyncio.TimeoutError) as exc:
            self._waiting.pop(request_id, None)
            return ResponseTime(url=url, error=f"no measure: {exc!r}"[:300])

    async def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout=2)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
        if self._reader is not None:
            await self._reader


if __name__ == "__main__":
    # The worker runs in a session of its own (a terminal's Ctrl-C is Veilleur's alone); the
    # campaign ends it by closing its stdin. An interruption sent to it anyway prints no traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve()
