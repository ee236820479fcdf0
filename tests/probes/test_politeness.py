"""Politeness towards a host: its pages load one at a time, two loads at least a pause apart (from
the start of one to the start of the next), even when several of its services are probed at once."""

from __future__ import annotations

import asyncio
import time

from probes.browser import BrowserPool
from probes.service import probe_service
from probes.settings import ProbeSettings
from tests.support.webserver import LocalSite, html

PAUSE_S = 0.8


def _page(title: str, link: str = "") -> str:
    return (f"<!doctype html><html lang=fr><head><title>{title}</title></head><body><main><h1>{title}</h1>"
            f"<p>Une démarche en ligne.</p>{link}</main></body></html>")


def test_two_services_of_one_host_never_load_two_pages_at_once_and_start_them_a_pause_apart():
    arrivals: list[tuple[float, str]] = []

    def recorded(body: str):
        def route(handler):
            arrivals.append((time.monotonic(), handler.headers.get("User-Agent", "")))
            return html(body)
        return route

    routes = {}
    for service in ("a", "b"):
        routes[f"/{service}/"] = recorded(_page(f"Démarche {service}", f'<a href="/{service}/connexion">Se connecter</a>'))
        routes[f"/{service}/connexion"] = recorded(_page(f"Connexion {service}"))
    settings = ProbeSettings(page_timeout_s=10, settle_cap_s=0.5, axe_timeout_s=20, concurrency=2,
                             host_delay_s=PAUSE_S, mobile=False)

    async def both(site: LocalSite):
        async with BrowserPool(settings) as pool:
            return await asyncio.gather(probe_service(pool, site.url("/a/")), probe_service(pool, site.url("/b/")))

    with LocalSite(routes) as site:
        captures = asyncio.run(both(site))
    assert all(len(c.loaded_pages()) == 2 for c in captures)
    # The browser's loads (its user agent carries the Chrome token), and each address's response
    # time: one plain request, in the host's turn like a load.
    loads = sorted(t for t, agent in arrivals if "Chrome/" in agent)
    timings = sorted(t for t, agent in arrivals if "Chrome/" not in agent)
    assert (len(loads), len(timings)) == (4, 2)
    gaps = [later - earlier for earlier, later in zip(loads, loads[1:])]
    # Each load waits for the previous one to be read and for the pause since it started: never
    # two at once. (The server sees each request a few milliseconds after its load started.)
    assert min(gaps) >= PAUSE_S - 0.15, gaps
    # A response-time request comes in its turn too: the next load waits the pause after it.
    for timing in timings:
        following = [t for t in loads if t > timing]
        assert not following or following[0] - timing >= PAUSE_S - 0.15, (timing, loads)
