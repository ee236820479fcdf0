"""Settling: a page is read once it has loaded, the requests its scripts make are answered and its
DOM holds still, so that what a script fetches or writes after the load (a request, a timer, a
hydration step) is read; with a real Chromium against pages served on loopback."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from playwright.async_api import async_playwright

from probes.chromium import find_chromium, launch_args
from probes.settle import Settled, install, settle
from tests.conftest import FAST, probe
from tests.support.webserver import LocalSite, html

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


# After the load, a script asks for the content; the server takes 1.2 s to answer (XMLHttpRequest),
# far longer than the DOM's quiet window.
SLOW_XHR = """<!doctype html><html lang="fr"><head><title>Aide</title></head><body><main id="app"><p>Chargement…</p></main>
<script>
  window.addEventListener("load", () => {
    const request = new XMLHttpRequest();
    request.open("GET", "/slow.json");
    request.onload = () => { document.getElementById("app").innerHTML = "<h1>" + JSON.parse(request.responseText).title + "</h1>"; };
    request.send();
  });
</script></body></html>"""

# After the load, a script adds another script (a chunk of an application), slow to come, which
# writes the content once it runs.
SLOW_CHUNK = """<!doctype html><html lang="fr"><head><title>Aide</title></head><body><main id="app"></main>
<script>
  window.addEventListener("load", () => {
    const chunk = document.createElement("script");
    chunk.src = "/chunk.js";
    document.head.appendChild(chunk);
  });
</script></body></html>"""
CHUNK = html('document.getElementById("app").innerHTML = "<h1>Écrit par le module</h1>";',
             headers={"Content-Type": "text/javascript"}, delay_s=1.0)
SLOW_JSON = html('{"title": "Arrivé après 1,2 s"}', headers={"Content-Type": "application/json"}, delay_s=1.2)

# A page asking the server for news every 200 ms, for ever.
POLLING = """<!doctype html><html lang="fr"><title>Suivi</title><body><main><h1>Suivi de votre demande</h1></main>
<script>(function poll() { fetch("/news.json").then((r) => r.text()).then(() => setTimeout(poll, 200)); })();</script>
</body></html>"""


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


def test_a_still_page_is_read_once_still_for_one_quiet_window_from_its_parsing():
    with LocalSite({"/": html(STILL)}) as site:
        settled, text = settle_on(site.url("/"))
    assert "Demander une aide" in text
    assert settled.mutations == 0 and not settled.capped
    assert settled.total_ms < SETTINGS.settle_quiet_ms + 250


def test_a_timer_due_after_the_cap_is_not_waited_for():
    with LocalSite({"/": html(DISTANT_TIMER)}) as site:
        settled, _ = settle_on(site.url("/"))
    assert not settled.capped and settled.dom_ms < SETTINGS.settle_quiet_ms + 250


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


def test_content_a_script_asks_for_after_the_load_is_read_however_long_the_server_takes():
    with LocalSite({"/": html(SLOW_XHR), "/slow.json": SLOW_JSON}) as site:
        settled, text = settle_on(site.url("/"), replace(SETTINGS, settle_dom_cap_s=3.0))
    assert "Arrivé après 1,2 s" in text and "Chargement" not in text
    assert not settled.capped


def test_a_script_added_after_the_load_is_waited_for_until_it_ran():
    with LocalSite({"/": html(SLOW_CHUNK), "/chunk.js": CHUNK}) as site:
        settled, text = settle_on(site.url("/"), replace(SETTINGS, settle_dom_cap_s=3.0))
    assert "Écrit par le module" in text
    assert not settled.capped


def test_a_page_that_polls_for_ever_without_changing_is_read_between_two_requests():
    # Its requests never stop, but the page does not change: the network's quiet never came and
    # the page was read at the cap; it is read as soon as it has been still for a quiet window.
    with LocalSite({"/": html(POLLING), "/news.json": CONFIG}) as site:
        settled, text = settle_on(site.url("/"), replace(SETTINGS, settle_dom_cap_s=2.0))
    assert "Suivi de votre demande" in text
    assert not settled.capped and settled.dom_ms < 1000
