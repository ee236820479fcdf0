"""Audience-measurement scripts of third parties are never fetched by the probe's browser: no
check needs them, and a campaign must not count as visitors in the services' statistics."""

from __future__ import annotations

from tests.support.webserver import LocalSite, html

RESOLVER_FLAG = "--host-resolver-rules="


def test_tracker_hosts_are_refused_while_other_third_parties_load():
    from playwright.sync_api import sync_playwright

    from probes.chromium import find_chromium, launch_args

    page_html = """<!doctype html><html lang="fr"><title>Service</title><body><h1>Service</h1>
    <script src="http://www.google-analytics.com:{port}/analytics.js"></script>
    <script src="http://static.hotjar.com:{port}/c/hotjar.js"></script>
    <script src="http://logc1.xiti.com:{port}/smarttag.js"></script>
    <script src="http://cdn.example.org:{port}/app.js"></script>
    </body></html>"""
    with LocalSite() as site:
        site.routes["/"] = html(page_html.format(port=site.port))
        script = html("/* ok */", content_type="text/javascript")
        site.routes.update({"/analytics.js": script, "/c/hotjar.js": script, "/smarttag.js": script, "/app.js": script})
        # Every host resolves to our loopback server, after the probe's own rules: whatever the
        # probe refuses never reaches it, and the rest does.
        ours = next(a for a in launch_args() if a.startswith(RESOLVER_FLAG))
        args = [a for a in launch_args() if not a.startswith(RESOLVER_FLAG)] + [f"{ours}, MAP * 127.0.0.1"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=args)
            try:
                page = browser.new_page()
                page.goto(f"http://service.example:{site.port}/", wait_until="networkidle")
            finally:
                browser.close()
    fetched = {path for path, _headers in site.requests}
    assert "/app.js" in fetched
    assert fetched.isdisjoint({"/analytics.js", "/c/hotjar.js", "/smarttag.js"})
