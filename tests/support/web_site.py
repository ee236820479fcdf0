"""A seeded dashboard for the web tests: two ministries, services probed over two quarters (one
with a hostile name), one run recorded with real evidence files, and the app served on loopback."""

from __future__ import annotations

from foundation.settings import WebSection
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from storage.evidence.store import EvidenceStore
from storage.schema import Service
from tests.support.evidence_runs import record
from tests.support.indicator_data import GOOD, Scenario, Seen, at, seen

HOSTILE_NAME = '<script>alert("nom")</script> Démarche piégée'
# Captured HTML that would take over our page if it ever ran on our origin.
HOSTILE_DOM = ('<html><head><title>piège</title></head><body><main><h1>Connexion</h1>'
               '<button class="fr-connect">S’identifier avec FranceConnect</button>'
               '<script>parent.document.title = "pris"; document.cookie = "vol=1"</script></main></body></html>')
HOSTILE_SNIPPET = '<button class="fr-connect" onclick="alert(1)">S’identifier avec FranceConnect</button><script>alert(2)</script>'


@dataclass
class Seeded:
    evidence_run: int


def seed_dashboard(db, store: EvidenceStore) -> Seeded:
    with db.sessions() as session:
        s = Scenario(session)
        s.ministry("interieur", "Ministère de l’Intérieur")
        s.ministry("sante", "Ministère de la Santé")
        s.service("carte-grise", ministry="interieur")
        s.service("passeport", ministry="interieur")
        hostile = s.service("piege", ministry="sante")
        hostile.name = HOSTILE_NAME
        session.get(Service, "carte-grise").name = "Demander une carte grise"
        session.get(Service, "passeport").name = "Demander un passeport"
        q3 = s.campaign(at(2026, 8, 3))
        for sid in ("carte-grise", "passeport", "piege"):
            s.run(q3, sid, seen(franceconnect=Seen("absent"), readability=Seen("measured", {"score": 5.5})))
        q4 = s.campaign(at(2026, 10, 5))
        s.run(q4, "carte-grise", dict(GOOD))
        s.run(q4, "passeport", seen(accessibility_statement=Seen("absent")))
        s.run(q4, "piege", seen(non_digital_alternative=Seen("absent")), load_ms=900.0)
        session.commit()
    from tests.support.evidence_runs import findings

    found = findings("https://carte-grise.example/", html=HOSTILE_SNIPPET)
    run_id = record(db, store, "carte-grise", started=datetime(2026, 11, 20, 9, tzinfo=timezone.utc), found=found,
                    html=HOSTILE_DOM)
    return Seeded(run_id)


class LiveServer:
    """The app under uvicorn on a free loopback port, in a thread."""

    def __init__(self, app):
        import uvicorn

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the dashboard did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@contextmanager
def served_dashboard(tmp_path, operator_token: str | None = "jeton-operateur", **app_kw):
    from reports.web.app import create_app
    from storage.db import open_database

    db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    store = EvidenceStore(tmp_path / "evidence")
    seeded = seed_dashboard(db, store)
    try:
        with LiveServer(create_app(db, store, WebSection(operator_token=operator_token), **app_kw)) as server:
            server.seeded = seeded
            server.db = db
            yield server
    finally:
        db.close()
