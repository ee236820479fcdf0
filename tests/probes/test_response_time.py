"""Load time as the observatory means it: the address's HTTP response time, measured by a plain
HTTP client apart from our browsers, so that it says how the service answers, not how busy our
machine was.

The same static site (its own process, as a real server is) is probed alone, then among five
identical copies at concurrency 6 while two CPU burners keep both cores of the machine busy: its
response time stays within 50 ms of the first. A behaviour test of the method, not of speed."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from campaign.executor import run_campaign, start_campaign
from probes.response_time import measure
from probes.settings import ProbeSettings
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.registry import import_registry, list_services
from storage.schema import ServiceRun
from tests.support.webserver import unused_port
from veilleur.loopback import LOOPBACK, LoopbackHandler, LoopbackServer, Reply

PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Demander une aide</title></head>
<body><header><h1>Demander une aide</h1></header><main>
<p>Vous pouvez faire votre demande en ligne. Munissez-vous de votre numéro fiscal et de votre RIB.</p>
<p>Le traitement de la demande prend environ deux semaines.</p>
<p><a href="/">Accueil</a></p></main><footer><p>Accessibilité : partiellement conforme</p></footer></body></html>
"""
SETTINGS = ProbeSettings(page_timeout_s=15, settle_cap_s=0.5, axe_timeout_s=30, host_delay_s=0, mobile=False,
                         retry_backoff_s=0.2)
# Two burners, one per core; each stops by itself after this long even if the test dies.
BURN_S = 240


def _burn(until: float) -> None:
    while time.monotonic() < until:
        pass


def _serve(folder: Path) -> tuple[subprocess.Popen, str]:
    """A static site in a process of its own, as a real server answers apart from our machine's work."""
    port = unused_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", LOOPBACK,
                                "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{LOOPBACK}:{port}/"
    for _ in range(100):
        if measure(url, 1, "test", samples=1).total_ms is not None:
            return process, url
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"static server on {url} did not start")


def _registry(urls: dict[str, str]) -> str:
    lines = ["ministries:", "  - id: m", "    name: Ministère", "services:"]
    for sid, url in urls.items():
        lines += [f"  - id: {sid}", f"    name: Service {sid}", "    ministry: m", f"    url: {url}"]
    return "\n".join(lines) + "\n"


def _campaign(tmp_path: Path, name: str, urls: dict[str, str], concurrency: int) -> dict[str, ServiceRun]:
    db = open_database(f"sqlite:///{tmp_path / f'{name}.db'}")
    try:
        (tmp_path / f"{name}.yaml").write_text(_registry(urls), encoding="utf-8")
        settings = replace(SETTINGS, concurrency=concurrency)
        with db.sessions() as session:
            import_registry(session, tmp_path / f"{name}.yaml")
            services = list_services(session)
        campaign = start_campaign(db, services, "manual", settings)
        run_campaign(db, EvidenceStore(tmp_path / f"{name}-evidence"), campaign, settings)
        with db.sessions() as session:
            runs = session.query(ServiceRun).filter(ServiceRun.campaign_id == campaign).all()
            for run in runs:
                session.expunge(run)
            return {run.service_id: run for run in runs}
    finally:
        db.close()


@pytest.fixture
def sites(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    served = [_serve(folder) for _ in range(6)]
    yield [url for _, url in served]
    for process, _ in served:
        process.terminate()
        process.wait(timeout=10)


def test_the_response_time_of_a_site_does_not_grow_with_our_own_load(tmp_path, sites):
    alone = _campaign(tmp_path, "alone", {"site": sites[0]}, concurrency=1)["site"]

    context = multiprocessing.get_context("spawn")
    burners = [context.Process(target=_burn, args=(time.monotonic() + BURN_S,), daemon=True) for _ in range(2)]
    for burner in burners:
        burner.start()
    try:
        busy = _campaign(tmp_path, "busy", {"site": sites[0]} | {f"copie{i}": url for i, url in enumerate(sites[1:])},
                         concurrency=6)
    finally:
        for burner in burners:
            burner.terminate()
            burner.join(timeout=10)

    assert alone.ok and all(run.ok for run in busy.values())
    figures = {sid: run.response_ms for sid, run in busy.items()}
    assert all(figure is not None for figure in figures.values()), figures
    assert abs(busy["site"].response_ms - alone.response_ms) < 50, (alone.response_ms, figures)
    # Stored with its phases, and the browser's own timings kept beside it as technical detail.
    phases = busy["site"].response_timings
    assert phases["status"] == 200 and phases["url"] == sites[0]
    assert all(phases[key] is not None for key in ("dns_ms", "connect_ms", "first_byte_ms", "body_ms"))


def test_an_address_that_does_not_answer_has_no_response_time():
    port = unused_port()
    measured = measure(f"http://{LOOPBACK}:{port}/", 2, "test")
    assert measured.total_ms is None and "ConnectionRefused" in measured.error


def test_a_redirect_is_followed_and_its_phases_added_up():
    class Handler(LoopbackHandler):
        def reply(self) -> Reply:
            if self.path == "/ancienne":
                return Reply(b"", status=301, headers={"Location": "/demarche"})
            return Reply(b"<p>Bonjour</p>")

    server = LoopbackServer(Handler).start(name="redirection")
    try:
        measured = measure(server.url("/ancienne"), 5, "test")
    finally:
        server.stop()
    assert (measured.status, measured.redirects, measured.samples) == (200, 1, 1)
    assert measured.total_ms is not None and measured.total_ms >= measured.first_byte_ms
