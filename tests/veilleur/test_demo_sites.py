"""The demo sites and their server: each site answers as configured, on loopback only, and together
their expected statuses show every status of every check (so the demo report can show them all)."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from veilleur.demo.server import (
    SITES_DIR,
    DemoConfigError,
    load_ministries,
    registry_data,
    registry_yaml,
    serve_sites,
)

# The statuses of the first six checks, as the README's table gives them.
DESIGN_STATUSES = {
    "franceconnect": {"franceconnect", "franceconnect_plus", "absent", "unknown"},
    "jedonnemonavis": {"present", "absent", "unknown"},
    "non_digital_alternative": {"present", "absent", "unknown"},
    "accessibility": {"measured", "unknown"},
    "accessibility_statement": {"totalement", "partiellement", "non", "absent", "unknown"},
    "readability": {"measured", "unknown"},
    "online_procedure": {"online", "partial", "offline", "unknown"},
    "dlnuf": {"measured", "unknown"},
    "mobile": {"compatible", "incompatible", "unknown"},
}
# Checks whose `unknown` may also mean that the site gives nothing to judge (no start control, no
# list of documents), not only that the probe could not look.
CONTENT_UNKNOWN = {"online_procedure", "dlnuf"}

REGISTRY_SERVICE_FIELDS = [
    "id", "name", "ministry", "administration", "url", "annual_volume", "financial_aid", "life_events", "pnu",
    "contacts",
]

# Loopback only: never through a proxy configured in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    assert urlsplit(url).hostname == "127.0.0.1", url
    request = urllib.request.Request(url, method=method)
    try:
        with _OPENER.open(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def demo():
    with serve_sites() as server:
        yield server


class _Refs(HTMLParser):
    """Every href/src/action of a page, and the static content of its <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.main_depth = 0
        self.main_content: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.refs.append(value)
        if tag == "main":
            self.main_depth += 1
        elif self.main_depth:
            self.main_content.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "main":
            self.main_depth -= 1

    def handle_data(self, data):
        if self.main_depth and data.strip():
            self.main_content.append(data.strip())


def parse(body: bytes) -> _Refs:
    parser = _Refs()
    parser.feed(body.decode("utf-8"))
    return parser


def test_enough_sites_each_on_its_own_origin(demo):
    assert len(demo.sites) >= 12
    ids = [site.id for site in demo.sites]
    assert len(set(ids)) == len(ids)
    origins = {(urlsplit(site.url).hostname, urlsplit(site.url).port) for site in demo.sites}
    assert len(origins) == len(demo.sites)
    for site in demo.sites:
        assert site.url.startswith("http://127.0.0.1:") and site.url.endswith("/")
        assert (site.path / "index.html").is_file()
        assert site.config.id == site.id == site.path.name


def test_every_site_answers_as_configured(demo):
    for site in demo.sites:
        status, headers, body = fetch(site.url)
        expected_status = site.config.behaviour.status or 200
        assert status == expected_status, site.id
        assert headers["Content-Type"] == "text/html; charset=utf-8", site.id
        assert b'<html lang="fr"' in body, site.id
        if site.config.behaviour.status is None and not site.config.behaviour.delay_ms:
            # HEAD answers the same, without a body.
            head_status, head_headers, head_body = fetch(site.url, method="HEAD")
            assert (head_status, head_body) == (200, b"")
            assert head_headers["Content-Length"] == str(len(body))


def test_failing_site_answers_500_on_every_path(demo):
    failing = [site for site in demo.sites if site.config.behaviour.status]
    assert [site.config.behaviour.status for site in failing] == [500]
    site = failing[0]
    for path in ("", "index.html", "contact.html", "connexion.html", "accessibilite.html", "nulle-part.html"):
        status, headers, body = fetch(site.url + path)
        assert status == 500, path
        assert "Erreur 500" in body.decode("utf-8")
    # The checks cannot look at a site that is down: every expected status is unknown.
    assert set(site.config.expected.values()) == {"unknown"}


def test_slow_site_delays_its_landing_page(demo):
    slow = [site for site in demo.sites if site.config.behaviour.delay_ms]
    assert len(slow) == 1
    site = slow[0]
    assert site.config.behaviour.delay_ms >= 2000
    started = time.monotonic()
    status, _, _ = fetch(site.url)
    assert status == 200
    assert time.monotonic() - started >= 2.0
    # Only the landing page is slow.
    started = time.monotonic()
    status, _, _ = fetch(site.url + "contact.html")
    assert status == 200
    assert time.monotonic() - started < 1.5


def test_missing_and_private_paths_are_404(demo):
    site = demo.site("carte-grise")
    for path in ("nulle-part.html", "site.yaml", "%2e%2e/ministries.yaml", "..%2fministries.yaml", ".hidden"):
        status, headers, body = fetch(site.url + path)
        assert status == 404, path
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Page introuvable" in body.decode("utf-8")
    status, headers, _ = fetch(site.url + "index.html?button=3724")
    assert status == 200


def test_content_types(demo):
    site = demo.site("aide-logement")
    status, headers, body = fetch(site.url + "illustration.svg")
    assert status == 200
    assert headers["Content-Type"] == "image/svg+xml"
    assert body.startswith(b"<svg")


def test_pages_link_only_relatively_or_outside_and_nothing_is_broken(demo):
    """Internal links are relative and lead to a page of the site; nothing is fetched from the internet
    except the JeDonneMonAvis button image (its link and alt are what count)."""
    checked: set[str] = set()
    for site in demo.sites:
        if site.config.behaviour.status:
            continue
        for page in sorted(site.path.glob("*.html")):
            html = page.read_text(encoding="utf-8")
            assert "<style>" in html and 'rel="stylesheet"' not in html, page
            assert not re.search(r"<script[^>]+src=", html), page
            for ref in parse(page.read_bytes()).refs:
                if ref.startswith(("#", "tel:", "https://")):
                    continue
                assert not ref.startswith(("/", "http:")), f"{page}: {ref}"
                target = urljoin(site.url + page.name, ref).split("#")[0]
                if target not in checked:
                    assert fetch(target)[0] == 200, f"{page}: {ref}"
                    checked.add(target)
            for src in re.findall(r'<img[^>]+src="(https://[^"]+)"', html):
                assert src.startswith(("https://jedonnemonavis.numerique.gouv.fr/", "https://voxusagers.numerique.gouv.fr/")), page


def test_landing_pages_link_their_key_pages(demo):
    for site in demo.sites:
        if site.config.behaviour.status:
            continue
        landing = (site.path / "index.html").read_text(encoding="utf-8")
        for page in ("connexion.html", "contact.html", "aide.html", "accessibilite.html"):
            if (site.path / page).exists():
                assert f'href="{page}"' in landing, f"{site.id}: {page}"
        statement = site.config.expected["accessibility_statement"]
        if statement in ("totalement", "partiellement", "non"):
            assert f">Accessibilité : {statement} conforme</a>" in landing, site.id
            assert (site.path / "accessibilite.html").is_file()
        if statement == "absent":
            assert not (site.path / "accessibilite.html").exists(), site.id
            for page in site.path.glob("*.html"):
                assert "accessibilit" not in page.read_text(encoding="utf-8").lower(), page


def test_one_site_renders_its_content_with_javascript(demo):
    rendered_later = []
    for site in demo.sites:
        if site.config.behaviour.status:
            continue
        status, _, body = fetch(site.url)
        if not parse(body).main_content:
            rendered_later.append((site, body.decode("utf-8")))
    assert len(rendered_later) == 1
    site, html = rendered_later[0]
    script = html[html.index("<script>"):]
    assert "setTimeout" in script
    assert "fr-connect" in script and "jedonnemonavis.numerique.gouv.fr" in script
    assert site.config.expected["franceconnect"] == "franceconnect"


def test_registry_yaml_lists_every_site_with_its_served_url(demo):
    text = registry_yaml(demo)
    assert text == yaml.safe_dump(registry_data(demo), allow_unicode=True, sort_keys=False, width=120)
    registry = yaml.safe_load(text)
    assert set(registry) == {"ministries", "services"}
    assert [m["id"] for m in registry["ministries"]] == [m.id for m in load_ministries()]
    for ministry in registry["ministries"]:
        assert ministry["contacts"] and all(
            c.endswith(".example") or c.endswith("@example.org") for c in ministry["contacts"]
        )
    services = {s["id"]: s for s in registry["services"]}
    assert set(services) == {site.id for site in demo.sites}
    ministries = {m["id"] for m in registry["ministries"]}
    for site in demo.sites:
        service = services[site.id]
        assert list(service) == REGISTRY_SERVICE_FIELDS
        assert service["url"] == site.url
        assert service["name"] == site.config.name
        assert service["ministry"] in ministries
        assert isinstance(service["annual_volume"], int) and service["annual_volume"] > 0
        assert isinstance(service["financial_aid"], bool) and isinstance(service["pnu"], bool)
    # Every one of the ten "moments de vie" appears somewhere.
    events = {e for s in services.values() for e in s["life_events"]}
    assert events == {
        "naissance", "demenagement", "deces", "retraite", "handicap", "recherche-emploi", "creation-entreprise",
        "jeunesse", "separation", "perte-autonomie",
    }


def test_registry_yaml_is_accepted_by_the_registry_reader(demo, tmp_path):
    registry_file = pytest.importorskip("storage.registry_file")
    path = tmp_path / "registry.yaml"
    path.write_text(registry_yaml(demo), encoding="utf-8")
    parsed = registry_file.read_registry(path)
    assert {located.entry.id: located.entry.url for located in parsed.services} == {s.id: s.url for s in demo.sites}


def test_expected_statuses_cover_every_status_of_every_check(demo):
    seen: dict[str, set[str]] = {check: set() for check in DESIGN_STATUSES}
    for site in demo.sites:
        assert set(site.config.expected) == set(DESIGN_STATUSES), site.id
        for check, status in site.config.expected.items():
            assert status in DESIGN_STATUSES[check], f"{site.id}: {check}={status}"
            seen[check].add(status)
    assert seen == DESIGN_STATUSES
    # The checks' own vocabulary has not drifted from the README's table.
    from checks import finding_types

    registered = finding_types()
    assert {check: set(registered[check].statuses) for check in DESIGN_STATUSES} == DESIGN_STATUSES


def test_unknown_is_expected_only_where_a_probe_cannot_look(demo):
    for site in demo.sites:
        if "unknown" in [s for check, s in site.config.expected.items() if check not in CONTENT_UNKNOWN]:
            assert site.config.behaviour.status and site.config.behaviour.status >= 500, site.id


def test_close_stops_every_server():
    server = serve_sites()
    url = next(site.url for site in server.sites if not site.config.behaviour.delay_ms)
    assert fetch(url)[0] in (200, 500)
    server.close()
    with pytest.raises(urllib.error.URLError):
        _OPENER.open(url, timeout=2)
    server.close()  # closing twice is harmless


def _copy_site(tmp_path: Path, site_id: str = "carte-grise") -> Path:
    root = tmp_path / "sites"
    (root / site_id).mkdir(parents=True)
    (root / "ministries.yaml").write_text((SITES_DIR / "ministries.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for file in (SITES_DIR / site_id).iterdir():
        (root / site_id / file.name).write_bytes(file.read_bytes())
    return root


@pytest.mark.parametrize(
    "change, field",
    [
        (("expected:\n  franceconnect: franceconnect\n", "expected:\n  franceconnect: oui\n"), "expected.franceconnect"),
        (("life_events: []", "life_events: [vacances]"), "life_events"),
        (("behaviour: {}", "behaviour: {status: 900}"), "behaviour.status"),
        (("behaviour: {}", "behaviour: {delay: 3}"), "delay"),
        (("ministry: interieur", "ministry: inconnu"), "ministry"),
        (("annual_volume: 12000000", "annual_volume: beaucoup"), "annual_volume"),
    ],
)
def test_bad_site_file_names_file_and_field(tmp_path, change, field):
    root = _copy_site(tmp_path)
    site_file = root / "carte-grise" / "site.yaml"
    old, new = change
    text = site_file.read_text(encoding="utf-8")
    assert old in text
    site_file.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DemoConfigError) as info:
        serve_sites(root)
    message = str(info.value)
    assert str(site_file) in message and field in message


def test_serves_another_sites_folder(tmp_path):
    root = _copy_site(tmp_path)
    with serve_sites(root) as server:
        assert [site.id for site in server.sites] == ["carte-grise"]
        status, _, body = fetch(server.sites[0].url)
        assert status == 200 and "Demander une carte grise" in body.decode("utf-8")
