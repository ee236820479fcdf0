"""The probe, with a real Chromium, against sites served on loopback."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
import trustme
from PIL import Image

from tests.conftest import FAST, probe
from tests.support.webserver import LocalSite, Route, SilentServer, html, unused_port
from probes.settings import ProbeSettings

LANDING = """<!doctype html><html lang="fr"><head><title>Carte grise</title></head><body>
<header><nav><a href="/compte/connexion">Se connecter</a> <a href="/aide">Aide et contact</a>
<a href="/deconnexion">Se déconnecter</a> <a href="https://ailleurs.example/contact">Contact (autre site)</a>
<a href="/guide.pdf">Guide (PDF)</a></nav></header>
<main><h1>Demander une carte grise</h1><p>Vous pouvez faire votre demande en ligne.</p>
<form action="/recherche"><label for="q">Rechercher</label><input id="q" name="q" required></form></main>
<footer><a href="/accessibilite">Accessibilité : partiellement conforme</a></footer></body></html>"""

KEY_PAGE = "<!doctype html><html lang='fr'><title>{0}</title><body><main><h1>{0}</h1></main></body></html>"


@pytest.fixture
def service_site():
    site = LocalSite({
        "/": html(LANDING),
        "/compte/connexion": html(KEY_PAGE.format("Connexion")),
        "/aide": html(KEY_PAGE.format("Aide")),
        "/accessibilite": html(KEY_PAGE.format("Déclaration d’accessibilité")),
    })
    yield site
    site.close()


def test_landing_then_same_site_key_pages_are_visited(service_site):
    capture = probe(service_site.url("/"))
    assert capture.ok
    assert [(p.kind, p.url) for p in capture.pages] == [
        ("landing", service_site.url("/")),
        ("login", service_site.url("/compte/connexion")),
        ("contact", service_site.url("/aide")),
        ("accessibility", service_site.url("/accessibilite")),
    ]
    assert all(p.ok and p.http_status == 200 for p in capture.pages)


def test_discovery_stops_at_the_configured_number_of_key_pages(service_site):
    capture = probe(service_site.url("/"), ProbeSettings(page_timeout_s=5, settle_cap_s=1, max_key_pages=1))
    assert [p.kind for p in capture.pages] == ["landing", "login"]


def test_capture_holds_dom_text_links_forms_screenshot_and_axe(service_site):
    landing = probe(service_site.url("/")).landing
    assert "<h1>Demander une carte grise</h1>" in landing.html
    assert "Vous pouvez faire votre demande en ligne." in landing.main_text
    assert "Se connecter" not in landing.main_text and "Se connecter" in landing.text
    hrefs = [link.href for link in landing.links()]
    assert service_site.url("/compte/connexion") in hrefs  # made absolute
    assert landing.forms[0].fields[0].label == "Rechercher" and landing.forms[0].fields[0].required
    assert landing.screenshot[:3] == b"\xff\xd8\xff"  # a JPEG
    assert landing.axe.measured and landing.axe.version.startswith("4.")
    assert landing.axe.raw_json and b"testEngine" in landing.axe.raw_json
    assert landing.title == "Carte grise" and landing.lang == "fr"
    assert landing.timings.total_ms > 0


def test_the_dom_kept_as_evidence_is_the_browsers_even_where_the_page_replaces_its_serialisers():
    page = """<!doctype html><html lang=fr><body><h1>Vraie page</h1><script>
      Object.defineProperty(Element.prototype, "outerHTML", {get() { return "<html>fausse</html>"; }});
      XMLSerializer.prototype.serializeToString = () => "<!doctype faux>";</script></body></html>"""
    site = LocalSite({"/": html(page)})
    try:
        landing = probe(site.url("/"), replace(FAST, max_key_pages=0)).landing
    finally:
        site.close()
    assert landing.html.startswith("<!DOCTYPE html><html lang=\"fr\">") and "<h1>Vraie page</h1>" in landing.html
    assert landing.html.count("fausse") == 1  # in the script's own text only


def test_probe_announces_itself_with_a_named_user_agent(service_site):
    probe(service_site.url("/"))
    agent = service_site.requests[0][1]["User-Agent"]
    assert agent.startswith("Veilleur/0.1.0 (+http")


def test_content_rendered_by_javascript_after_load_is_captured():
    page = """<html lang=fr><body><main id=app></main><script>
      setTimeout(() => { document.getElementById('app').innerHTML =
        '<h1>Rendu tardif</h1><a href="/connexion">Se connecter</a>'; }, 400);</script></body></html>"""
    with LocalSite({"/": html(page), "/connexion": html(KEY_PAGE.format("Connexion"))}) as site:
        capture = probe(site.url("/"))
    assert "Rendu tardif" in capture.landing.main_text
    assert [p.kind for p in capture.pages] == ["landing", "login"]


def test_alerts_are_dismissed_and_recorded_and_popups_closed():
    page = """<html lang=fr><body><main><h1>Bonjour</h1></main><script>
      alert('Bienvenue'); confirm('Sûr ?'); window.open('/popup');</script></body></html>"""
    with LocalSite({"/": html(page)}) as site:
        capture = probe(site.url("/"))
        popups = [path for path, _ in site.requests if path == "/popup"]
    assert capture.ok
    assert capture.landing.dialogs[:2] == ["alert: Bienvenue", "confirm: Sûr ?"]
    assert "Bonjour" in capture.landing.main_text
    assert len(popups) <= 1  # a pop-up may start loading before it is closed; it is never captured
    assert len(capture.pages) == 1


def test_redirects_are_followed_and_recorded():
    with LocalSite() as site:
        site.routes["/old"] = Route(status=301, headers={"Location": site.url("/new")})
        site.routes["/new"] = html(KEY_PAGE.format("Nouvelle adresse"))
        capture = probe(site.url("/old"))
    assert capture.ok and capture.final_url == site.url("/new")
    assert capture.landing.redirect_chain == [site.url("/old")]


@pytest.mark.parametrize("status,error_class", [(500, "http_5xx"), (503, "http_5xx"), (404, "http_4xx"),
                                                (401, "blocked"), (403, "blocked")])
def test_error_statuses_give_a_failed_capture_with_an_error_class(status, error_class):
    with LocalSite({"/": html("<html><body>Erreur</body></html>", status)}) as site:
        capture = probe(site.url("/"))
    assert not capture.ok and capture.http_status == status and capture.error_class == error_class
    assert capture.landing.screenshot  # the error page itself is kept as evidence


@pytest.mark.parametrize("status", [204, 205])
def test_an_answer_with_no_content_is_an_empty_response_not_a_dropped_connection(status):
    with LocalSite({"/": html("", status)}) as site:
        capture = probe(site.url("/"))
    assert not capture.ok and capture.http_status == status and capture.error_class == "empty_response"
    assert "no content" in capture.error


def test_a_pdf_instead_of_html_is_not_html():
    pdf = Route(body=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")
    with LocalSite({"/": pdf}) as site:
        capture = probe(site.url("/"))
    assert not capture.ok and capture.error_class == "not_html"


def test_a_redirect_loop_is_recognised():
    with LocalSite() as site:
        site.routes["/a"] = Route(status=302, headers={"Location": site.url("/b")})
        site.routes["/b"] = Route(status=302, headers={"Location": site.url("/a")})
        capture = probe(site.url("/a"))
    assert not capture.ok and capture.error_class == "redirect_loop"


def test_an_unresolvable_host_is_a_dns_failure():
    capture = probe("http://service-inexistant.invalid/")
    assert not capture.ok and capture.error_class == "dns" and "ERR_NAME_NOT_RESOLVED" in capture.error


def test_a_refused_connection_is_recorded():
    capture = probe(f"http://127.0.0.1:{unused_port()}/")
    assert not capture.ok and capture.error_class == "connection_refused"


def test_a_server_that_never_answers_times_out():
    server = SilentServer()
    try:
        capture = probe(server.url("/"), ProbeSettings(page_timeout_s=2, settle_cap_s=1))
    finally:
        server.close()
    assert not capture.ok and capture.error_class == "timeout"


def test_an_untrusted_certificate_is_a_tls_failure():
    ca = trustme.CA()
    context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with LocalSite({"/": html(KEY_PAGE.format("Sécurisé"))}, tls=context) as site:
        capture = probe(site.url("/"))
    assert not capture.ok and capture.error_class == "tls"


def test_the_browser_is_recycled_after_the_configured_number_of_pages_and_the_old_one_closed(service_site):
    """Four pages per service run, a fresh Chromium every five pages: a run already under way ends
    on its browser, the next run gets a new one, and the retired browser is closed."""
    import asyncio

    from probes.browser import BrowserPool
    from probes.service import probe_service

    settings = ProbeSettings(page_timeout_s=5, settle_cap_s=0.5, concurrency=1, host_delay_s=0,
                             browser_recycle_pages=5)

    async def go():
        browsers_seen = []
        async with BrowserPool(settings) as pool:
            for _ in range(3):
                capture = await probe_service(pool, service_site.url("/"))
                assert capture.ok and len(capture.pages) == 4
                await asyncio.sleep(1)  # a closed browser's process takes a moment to exit
                browsers_seen.append(chromium_browsers())
            return pool.launches, pool.recycles, browsers_seen

    launches, recycles, browsers_seen = asyncio.run(go())
    # Runs 1 and 2 on the first browser (retired at its 5th page, closed when run 2 ends); run 3
    # on a second one, which has seen 4 pages only.
    assert (launches, recycles) == (2, 1)
    assert max(browsers_seen) <= 1  # a retired browser does not linger beside its successor
    assert chromium_browsers() == 0


def browser_processes() -> list[str]:
    """Chromium browser processes (not their helpers) started by this test process, each as
    "pid name status args" for a failure's message."""
    import psutil

    found = []
    for process in psutil.Process().children(recursive=True):
        try:  # helpers of a closing browser may exit while we look
            cmdline = process.cmdline()  # empty while a helper is being forked or reaped
            if (process.status() != psutil.STATUS_ZOMBIE and "chrom" in process.name() and bool(cmdline)
                    and not any(a.startswith("--type=") for a in cmdline)):
                found.append(f"{process.pid} {process.name()} {process.status()} {' '.join(cmdline[1:4])[:160]}")
        except psutil.Error:
            pass
    return found


def chromium_browsers() -> int:
    return len(browser_processes())


def test_a_recycled_browser_is_closed_before_its_successor_starts_even_with_runs_in_flight(service_site):
    """Runs in parallel on a browser retired mid-way: the new runs wait for the old ones to end,
    so two browsers (and their GPU and network processes) never hold memory side by side."""
    import asyncio

    from probes.browser import BrowserPool
    from probes.service import probe_service

    settings = ProbeSettings(page_timeout_s=5, settle_cap_s=0.5, concurrency=3, host_delay_s=0,
                             browser_recycle_pages=6)
    sites = [service_site] + [LocalSite(dict(service_site.routes)) for _ in range(5)]

    async def go():
        seen: list[int] = []
        done = asyncio.Event()

        async def watch():
            while not done.is_set():
                seen.append(await asyncio.to_thread(browser_processes))
                await asyncio.sleep(0.02)

        watcher = asyncio.create_task(watch())
        async with BrowserPool(settings) as pool:
            captures = await asyncio.gather(*(probe_service(pool, site.url("/")) for site in sites))
            done.set()
            await watcher
            return captures, pool.launches, pool.recycles, seen

    try:
        captures, launches, recycles, seen = asyncio.run(go())
    finally:
        for site in sites[1:]:
            site.close()
    assert all(c.ok and len(c.pages) == 4 for c in captures)
    assert launches >= 2 and recycles >= 1  # 24 pages, a browser retired every 6
    # One look at the process table takes a while: it can straddle a close and the next launch.
    # Two browsers side by side, as before this rule, show in many looks in a row.
    side_by_side = [(a, b) for a, b in zip(seen, seen[1:]) if min(len(a), len(b)) > 1]
    assert not side_by_side, side_by_side[:3]  # what was counted, to tell a browser from a leftover
    assert any(len(a) == 1 for a in seen)


# --- The phone pass (probes/mobile.py) ------------------------------------------------------------

PHONE_LANDING = """<!doctype html><html lang="fr"><head><title>Carte grise</title>
<style>body { margin: 0 8px; font-size: 16px; } .legal { font-size: 10px; }
.share a { display: inline-block; width: 16px; height: 16px; background: #000091; }</style></head><body>
<header><a href="/compte/connexion">Se connecter</a> <a href="/aide">Aide et contact</a></header>
<main><h1>Demander une carte grise</h1><p>Vous pouvez faire votre demande en ligne.</p>
<table id="tarifs" style="width:900px"><tr><td>Tarif</td><td>13,76 €</td></tr></table>
<p class="share"><a href="/a" title="Partager A"></a><a href="/b" title="Partager B"></a></p>
<p class="legal">Mentions légales en très petit.</p></main>
<footer><a href="/accessibilite">Accessibilité : partiellement conforme</a></footer></body></html>"""

PHONE_KEY_PAGE = """<!doctype html><html lang="fr"><head><meta name="viewport" content="width=device-width">
<title>{0}</title></head><body><main><h1>{0}</h1><a id="home" href="/" style="display:block">Accueil</a></main>
</body></html>"""


@pytest.fixture
def phone_site():
    site = LocalSite({
        "/": html(PHONE_LANDING),
        "/compte/connexion": html(PHONE_KEY_PAGE.format("Connexion")),
        "/aide": html(PHONE_KEY_PAGE.format("Aide")),
        "/accessibilite": html(PHONE_KEY_PAGE.format("Déclaration d’accessibilité")),
    })
    yield site
    site.close()


def test_the_landing_and_key_pages_are_read_again_at_a_phone_width_but_not_the_statement(phone_site):
    capture = probe(phone_site.url("/"))
    assert [(p.kind, p.mobile is not None) for p in capture.pages] == [
        ("landing", True), ("login", True), ("contact", True), ("accessibility", False)]
    assert all(p.mobile.measured and (p.mobile.width, p.mobile.height) == (360, 640) for p in capture.pages[:3])
    assert all(p.timings.mobile_ms > 0 for p in capture.pages[:3])


def test_the_phone_reading_holds_the_viewport_meta_what_overflows_the_text_sizes_and_small_targets(phone_site):
    reading = probe(phone_site.url("/")).landing.mobile
    assert reading.viewport_meta is None
    assert reading.scroll_width >= 900 and not reading.root_clips
    assert reading.too_wide[0].selector == "#tarifs" and reading.too_wide[0].tag == "table"
    assert reading.too_wide[0].box.width == 900
    assert {s.size_px for s in reading.text_sizes} >= {10.0, 16.0}
    assert reading.smallest_text[0].size_px == 10 and "Mentions légales" in reading.smallest_text[0].text
    assert reading.target_size.measured
    assert [v.id for v in reading.target_size.violations] == ["target-size"]
    assert len(reading.target_size.violations[0].nodes) == 2


def test_a_page_wider_than_the_phone_screen_keeps_a_screenshot_of_what_overflows_it(phone_site):
    capture = probe(phone_site.url("/"))
    reading = capture.landing.mobile
    assert reading.screenshot_type == "jpeg"
    # Twice the screen's width at most: the table reaching 900 px is shown up to 720 px.
    assert Image.open(BytesIO(reading.screenshot)).size == (720, 640)
    # A page that fits the screen has nothing a picture would show better than the measures.
    login = capture.pages[1].mobile
    assert login.scroll_width == 360 and login.screenshot is None


def test_the_page_after_a_phone_pass_is_captured_at_the_desktop_width(phone_site):
    capture = probe(phone_site.url("/"))
    # A block as wide as the window: laid out at 360 px if the tab had stayed at the phone's size.
    for page in capture.pages[1:]:
        home = next(e for e in page.elements if e.selector == "#home")
        assert home.box.width > FAST.viewport_width / 2, page.kind


def test_the_phone_pass_can_be_turned_off(phone_site):
    capture = probe(phone_site.url("/"), replace(FAST, mobile=False))
    assert all(p.mobile is None and p.timings.mobile_ms is None for p in capture.pages)
