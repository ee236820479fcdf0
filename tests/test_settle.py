"""Settling: a page is read once its network is quiet and then its DOM holds still, so that what a
script writes after the last request (a timer, a hydration step) is read; with a real Chromium
against pages served on loopback."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from playwright.async_api import async_playwright

from probes.chromium import find_chromium, launch_args
from probes.settle import Settled, install, settle
from tests.conftest import FAST, probe
from tests.webserver import LocalSite, html

SETTINGS = replace(FAST, settle_quiet_ms=300, settle_dom_cap_s=2.0)

# The page's last request is config.json; its content comes 700 ms after the answer. The network
# is quiet 500 ms after that request: waiting for the network alone reads "Chargement…".
WRITTEN_700_MS_AFTER_LAST_REQUEST = """<!doctype html><html lang="fr"><head><title>Aide</title></head><body>
<main id="app"><p>Chargement…</p></main>
<script>
  fetch("/config.json").then((r) => r.json()).then((config) => setTimeout(() => {
    document.getElementById("app").innerHTML = "<h1>Demander une aide</h1><p>Appelez le " + config.phone
      + "</p><a href='/connexion'>Se connecter</a>";
  }, 700));
</script></body></html>"""

CONFIG = html('{"phone": "01 23 45 67 89"}', headers={"Content-Type": "application/json"})
KEY_PAGE = "<!doctype html><html lang='fr'><title>Connexion</title><body><main><h1>Connexion</h1></main></body></html>"

# Rendered in five steps 200 ms apart, each step scheduling the next: when the network goes quiet
# the last steps are not even set yet; only the DOM's quiet window waits for them.
IN_STEPS = """<!doctype html><html lang="fr"><head><title>Aide</title></head><body><main id="app"></main>
<script>
  let step = 0;
  function next() {
    document.getElementById("app").insertAdjacentHTML("beforeend", "<p>Étape " + (++step) + "</p>");
    if (step < 5) setTimeout(next, 200);
  }
  window.addEventListener("load", () => setTimeout(next, 300));
</script></body></html>"""

STILL = "<!doctype html><html lang='fr'><title>Aide</title><body><main><h1>Demander une aide</h1></main></body></html>"

# A clock that changes the page every 50 ms, for ever.
NEVER_STILL = """<!doctype html><html lang="fr"><title>Horloge</title><body><main><h1>Horloge</h1>
<p id="clock"></p></main>
<script>setInterval(() => { document.getElementById("clock").textContent = String(Date.now()); }, 50);</script>
</body></html>"""

# A session warning set for ten minutes later: no reason to wait for it.
DISTANT_TIMER = """<!doctype html><html lang="fr"><title>Session</title><body><main><h1>Votre espace</h1></main>
<script>setTimeout(() => alert("Votre session va expirer"), 600000);</script></body></html>"""

# A page that takes our tools away from itself, or tries to.
HOSTILE = """<!doctype html><html lang="fr"><title>Aide</title><body><main id="app"></main>
<script>
  try { window.__veilleurSettle = null; } catch (e) {}
  const later = window.setTimeout;
  window.MutationObserver = function () { this.observe = () => {}; };
  fetch("/config.json").then(() => later(() => {
    document.getElementById("app").innerHTML = "<h1>Contenu arrivé tard</h1>";
  }, 700));
</script></body></html>"""


def settle_on(url: str, settings=SETTINGS) -> tuple[Settled, str]:
    """Load a page as the probe does (our init script first), settle it, and read its text."""

    async def go() -> tuple[Settled, str]:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=find_chromium(), args=launch_args())
            try:
                page = await browser.new_page()
                await install(page, settings)
                await page.goto(url, wait_until="domcontentloaded")
                settled = await settle(page, settings)
                return settled, await page.evaluate("() => document.body.innerText")
            finally:
                await browser.close()

    return asyncio.run(go())


def test_a_page_written_700_ms_after_its_last_request_is_read_completely():
    with LocalSite({"/": html(WRITTEN_700_MS_AFTER_LAST_REQUEST), "/config.json": CONFIG,
                    "/connexion": html(KEY_PAGE)}) as site:
        capture = probe(site.url("/"), SETTINGS)
    landing = capture.landing
    assert "Demander une aide" in landing.main_text and "01 23 45 67 89" in landing.main_text
    assert "Chargement" not in landing.text
    # What it wrote is followed too: its link leads to a key page.
    assert [p.kind for p in capture.pages] == ["landing", "login"]


def test_waiting_for_the_network_alone_reads_the_page_before_its_content():
    # The same page with the DOM's wait turned off (settle_quiet_ms = 0): as before issue 17.
    with LocalSite({"/": html(WRITTEN_700_MS_AFTER_LAST_REQUEST), "/config.json": CONFIG}) as site:
        capture = probe(site.url("/"), replace(SETTINGS, settle_quiet_ms=0))
    assert "Chargement" in capture.landing.text and "01 23 45 67 89" not in capture.landing.text


def test_content_rendered_in_steps_after_the_network_went_quiet_is_read_whole():
    with LocalSite({"/": html(IN_STEPS)}) as site:
        settled, text = settle_on(site.url("/"))
    assert "Étape 5" in text
    assert not settled.capped


def test_a_still_page_is_read_at_once_without_spending_a_quiet_window():
    with LocalSite({"/": html(STILL)}) as site:
        settled, text = settle_on(site.url("/"))
    assert "Demander une aide" in text
    assert settled.at_once and settled.mutations == 0 and not settled.capped


def test_a_timer_due_after_the_cap_is_not_waited_for():
    with LocalSite({"/": html(DISTANT_TIMER)}) as site:
        settled, _ = settle_on(site.url("/"))
    assert settled.at_once


def test_a_pending_timer_due_before_the_cap_is_waited_for():
    with LocalSite({"/": html(WRITTEN_700_MS_AFTER_LAST_REQUEST), "/config.json": CONFIG}) as site:
        settled, text = settle_on(site.url("/"))
    assert "01 23 45 67 89" in text
    assert not settled.at_once


def test_a_page_that_never_stops_changing_is_read_at_the_cap():
    with LocalSite({"/": html(NEVER_STILL)}) as site:
        settled, text = settle_on(site.url("/"), replace(SETTINGS, settle_dom_cap_s=0.5))
        capture = probe(site.url("/"), replace(SETTINGS, settle_dom_cap_s=0.5))
    assert settled.capped and "Horloge" in text
    assert capture.ok and "Horloge" in capture.landing.main_text


def test_a_page_cannot_take_the_wait_away_from_the_probe():
    # Our record lives where the page cannot replace it, and keeps the browser's own timers and
    # observer, taken before any script of the page ran.
    with LocalSite({"/": html(HOSTILE), "/config.json": CONFIG}) as site:
        settled, text = settle_on(site.url("/"))
    assert "Contenu arrivé tard" in text
    assert not settled.capped


def test_the_time_spent_waiting_for_the_dom_is_recorded_apart():
    with LocalSite({"/": html(STILL)}) as site:
        timings = probe(site.url("/"), SETTINGS).landing.timings
    assert timings.dom_settle_ms is not None and timings.settle_ms >= timings.dom_settle_ms
