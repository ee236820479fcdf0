"""A hostile web, on loopback: every way a site can fail a probe, one origin per behaviour.

`start(name)` starts the behaviour called `name` on its own 127.0.0.1 port (so that no two share a
host, as in a real campaign) and returns a `HostileSite` with its URL. `BEHAVIOURS` lists them;
each handler's docstring says what it does to the browser. Nothing here ever leaves the machine:
the unresolvable host is under `.invalid`, which Chromium is told never to look up.
"""

from __future__ import annotations

import ssl
import threading
import time
import zlib
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.webserver import unused_port

# A page that carries something every check can find, so that "what could be measured" shows.
CONTENT = """<!doctype html><html lang="fr"><head><title>Démarche</title></head><body><main>
<h1>Faire sa démarche en ligne</h1>
<p>Vous pouvez faire cette démarche en ligne. Vous pouvez aussi nous appeler au 01 23 45 67 89 du lundi
au vendredi. Un conseiller vous répond et vous aide à remplir votre dossier.</p></main>
<footer><a href="/accessibilite">Accessibilité : non conforme</a></footer>{extra}</body></html>"""


def content(extra: str = "") -> bytes:
    return CONTENT.format(extra=extra).encode("utf-8")


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """1 GiB of spaces inside an HTML page, gzipped to about 1 MiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip stream
    chunk = b" " * (1 << 20)
    parts = [compressor.compress(b"<!doctype html><html lang=fr><body><p>")]
    parts += [compressor.compress(chunk) for _ in range(1024)]
    parts.append(compressor.compress(b"</p></body></html>") + compressor.flush())
    return b"".join(parts)


@lru_cache(maxsize=1)
def twenty_megabytes() -> bytes:
    paragraph = ("<p>Les demandes sont instruites dans l’ordre d’arrivée par le service compétent, "
                 "qui vous répond par écrit dans un délai de deux mois.</p>\n")
    head = content().split(b"</main>")[0]
    count = 20_000_000 // len(paragraph.encode("utf-8")) + 1
    return head + (paragraph * count).encode("utf-8") + b"</main></body></html>"


@lru_cache(maxsize=1)
def huge_dom() -> bytes:
    """150,000 elements: 50,000 list items, each holding a link holding a span."""
    items = "".join(f'<li><a href="#i{i}"><span>Élément {i}</span></a></li>' for i in range(50_000))
    return content(f"<ul>{items}</ul>")


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits += 1
        try:
            getattr(self, "behave_" + self.server.behaviour)()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the browser gave up on us: that is the point

    # -- helpers -----------------------------------------------------------------------------
    def send(self, body: bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def hang(self) -> None:
        self.server.stopping.wait()

    # -- behaviours --------------------------------------------------------------------------
    def behave_silent(self) -> None:
        """Accepts the connection, reads the request, and never answers."""
        self.hang()

    def behave_drip(self) -> None:
        """Answers one byte a second: the headers never end, so the page never loads."""
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 10_000:
            if self.server.stopping.wait(1.0):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def behave_redirect_loop(self) -> None:
        """302 to itself, forever."""
        self.send(b"", 302, headers={"Location": "/"})

    def behave_meta_refresh_loop(self) -> None:
        """A page that reloads itself at once through `<meta http-equiv=refresh>`, forever."""
        n = int(self.path.partition("?n=")[2] or 0)
        self.send(content().replace(b"<head>", f'<head><meta http-equiv="refresh" content="0;url=/?n={n + 1}">'.encode(), 1))

    def behave_download(self) -> None:
        """`Content-Disposition: attachment`: the browser downloads instead of rendering."""
        self.send(b"id;nom\n1;Dupont\n", content_type="text/csv",
                  headers={"Content-Disposition": 'attachment; filename="export.csv"'})

    def behave_pdf(self) -> None:
        """A PDF where a web page should be."""
        self.send(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")

    def behave_unauthorized(self) -> None:
        """401 with a Basic challenge."""
        self.send(b"<html><body>Authentification requise</body></html>", 401,
                  headers={"WWW-Authenticate": 'Basic realm="intranet"'})

    def behave_forbidden(self) -> None:
        """403, as a web application firewall answers robots."""
        self.send(b"<html><body>Acces refuse</body></html>", 403)

    def behave_js_loop(self) -> None:
        """Loads, then its JavaScript loops forever: the page's main thread never answers again."""
        self.send(content("<script>setTimeout(() => { for (;;) {} }, 0);</script>"))

    def behave_dialog_storm(self) -> None:
        """Hundreds of alert() and confirm() before the page finishes loading."""
        self.send(content("<script>for (let i = 0; i < 300; i++) { alert('Alerte ' + i); confirm('Sûr ? ' + i); }</script>"))

    def behave_popup_storm(self) -> None:
        """Opens pop-ups in a loop, and again every 50 ms."""
        self.send(content("<script>const storm = () => { for (let i = 0; i < 20; i++) window.open('/?popup=' + i); };"
                          "storm(); setInterval(storm, 50);</script>"))

    def behave_memory_crash(self) -> None:
        """Allocates memory until the renderer dies."""
        self.send(content("<script>const hoard = []; for (;;) hoard.push(new Array(1e6).fill(1.5));</script>"))

    def behave_gzip_bomb(self) -> None:
        """1 GiB of HTML sent as 1 MiB of gzip."""
        self.send(gzip_bomb(), headers={"Content-Encoding": "gzip"})

    def behave_huge_page(self) -> None:
        """A 20 MB HTML page."""
        self.send(twenty_megabytes())

    def behave_huge_dom(self) -> None:
        """A 150,000-element DOM: axe-core cannot finish on it in a reasonable time."""
        self.send(huge_dom())

    def behave_bad_tls(self) -> None:
        """A sound page, over TLS with a certificate no browser trusts (served over HTTPS)."""
        self.send(content())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address) -> None:
        pass  # browsers hang up on hostile servers all the time

    def __init__(self, behaviour: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.stopping = threading.Event()
        self.hits = 0


def _untrusted_tls() -> ssl.SSLContext:
    import trustme

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)
    return context


class HostileSite:
    """One behaviour on its own origin. `url` is what to register as the service's address."""

    def __init__(self, behaviour: str):
        self.behaviour = behaviour
        self._server: _Server | None = None
        if behaviour == "refused":  # nothing listens there
            self.url = f"http://127.0.0.1:{unused_port()}/"
            return
        if behaviour == "unresolvable":
            self.url = "http://service-disparu.invalid/"
            return
        if not hasattr(_Handler, "behave_" + behaviour):
            raise ValueError(f"unknown hostile behaviour {behaviour!r}")
        self._server = _Server(behaviour)
        scheme = "http"
        if behaviour == "bad_tls":
            self._server.socket = _untrusted_tls().wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}/"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    @property
    def hits(self) -> int:
        return self._server.hits if self._server else 0

    def close(self) -> None:
        if self._server is not None:
            self._server.stopping.set()
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "HostileSite":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


BEHAVIOURS = tuple(sorted(
    [name.removeprefix("behave_") for name in dir(_Handler) if name.startswith("behave_")] + ["refused", "unresolvable"]
))


def start(behaviour: str) -> HostileSite:
    return HostileSite(behaviour)


if __name__ == "__main__":  # serve them all, to point a probe (or a person) at them by hand
    sites = [start(name) for name in BEHAVIOURS]
    for site in sites:
        print(f"{site.behaviour:20} {site.url}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        for site in sites:
            site.close()
