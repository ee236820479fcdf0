"""Recognising a page that is not the service, from what was captured of it (no browser): the
labelled pages of tests/corpus, how each class is named to a reader, and the service pages that
merely mention a maintenance, a queue, JavaScript or a 404, which stay the service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probes.interruption import KINDS, NOT_AVAILABILITY, REFUSES_PROBE, WRONG_ADDRESS, recognise
from probes.models import PageCapture
from tests.checks.pages import page_from_html

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
LABELS = json.loads((CORPUS / "labels-not-the-service.json").read_text(encoding="utf-8"))
# Rendered by its own script, which only a browser runs (`veilleur eval` measures it).
NEEDS_A_BROWSER = {"nots-control-spa-rendered"}


def _served(case: str, file: Path) -> PageCapture:
    """The page as the case's server answers it: status and headers from its server.json."""
    server_file = CORPUS / case / "server.json"
    server = json.loads(server_file.read_text()) if server_file.is_file() else {}
    path = "/" if file.name == "index.html" else f"/{file.name}"
    page = page_from_html(file.read_text(encoding="utf-8"))
    status = server.get("status", {}).get(path, 200)
    return page.model_copy(update={"http_status": status, "ok": 200 <= status < 300,
                                   "response_headers": server.get("headers", {}).get(path, {})})


def _recognised(case: str) -> list[tuple[str, str]]:
    return [(file.name, seen.kind) for file in sorted((CORPUS / case).glob("*.html"))
            if (seen := recognise(_served(case, file))) is not None]


@pytest.mark.parametrize("case", [c for c in LABELS if c not in NEEDS_A_BROWSER])
def test_each_labelled_page_is_recognised_as_its_class_and_each_control_as_the_service(case):
    expected = LABELS[case]["not_the_service"]
    found = _recognised(case)
    if expected == "none":
        assert found == []
    else:
        assert [kind for _, kind in found] == [expected]  # that page only; the case's other pages are the service


def test_the_corpus_has_every_class_in_french_and_english_200_and_not_200_landing_and_sub_page():
    cases = {c: v for c, v in LABELS.items() if v["not_the_service"] != "none"}
    assert len(cases) >= 30 and len(LABELS) - len(cases) >= 10
    assert {v["not_the_service"] for v in cases.values()} == set(KINDS)
    langs = {page_from_html((CORPUS / c / f).read_text(encoding="utf-8")).lang[:2]
             for c in cases for f in ("index.html", "connexion.html", "contact.html") if (CORPUS / c / f).is_file()}
    assert {"fr", "en"} <= langs
    statuses = {s for c in cases if (CORPUS / c / "server.json").is_file()
                for s in json.loads((CORPUS / c / "server.json").read_text())["status"].values()}
    assert {403, 404, 503} <= statuses
    assert any((CORPUS / c / "connexion.html").is_file() for c in cases)  # on a sub-page too


def test_the_other_corpus_pages_are_never_taken_for_an_interruption():
    # Pages whose content only their scripts write are measured through the browser by `veilleur eval`.
    scripted = {"settle-rendered-in-steps", "settle-written-700ms-after-last-request"}
    fired = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("nots-")):
        if folder.name in scripted or not (folder / "index.html").is_file():
            continue
        server = json.loads((folder / "server.json").read_text()) if (folder / "server.json").is_file() else {}
        for file in sorted(folder.rglob("*.html")):
            path = "/" + str(file.relative_to(folder)).removesuffix("index.html")
            status = server.get("status", {}).get(path, 200)
            page = page_from_html(file.read_text(encoding="utf-8")).model_copy(update={"http_status": status})
            if (seen := recognise(page)) is not None:
                fired.append((str(file.relative_to(CORPUS)), seen.kind))
    assert fired == []


F5 = """<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult
with your administrator.<br><br>Your support ID is: 14628307981935672114<br><br>
<a href='javascript:history.back();'>[Go Back]</a></body></html>"""


def test_a_firewall_rejection_is_named_with_its_support_id_whatever_the_status():
    for status in (200, 403):
        seen = recognise(page_from_html(F5).model_copy(update={"http_status": status}))
        assert seen.kind == "waf"
        assert seen.reason == "page de refus d’un pare-feu applicatif (identifiant de support 14628307981935672114)"


def test_a_maintenance_page_says_when_to_come_back_from_retry_after():
    bare = page_from_html("<html><head><title>503</title></head><body><p>Veuillez réessayer.</p></body></html>")
    assert recognise(bare.model_copy(update={"http_status": 503})) is None  # a bare 503 stays a server error
    seen = recognise(bare.model_copy(update={"http_status": 503, "response_headers": {"retry-after": "3600"}}))
    assert seen.kind == "maintenance" and seen.reason.endswith("à réessayer dans 3600 s")
    notice = page_from_html("<html><head><title>Site en maintenance</title></head><body><h1>Site en maintenance"
                            "</h1><p>Revenez plus tard.</p></body></html>")
    assert recognise(notice).reason == "page de maintenance : le service est interrompu (« Site en maintenance »)"


def test_a_404_page_is_a_soft_404_only_when_answered_as_a_normal_page():
    page = page_from_html("<html><head><title>Page non trouvée — Erreur 404</title></head><body><h1>Page non trouvée"
                          "</h1><p>Cette page n’existe pas.</p></body></html>")
    assert recognise(page).kind == "soft_404"
    assert "statut 200" in recognise(page).reason and "Page non trouvée — Erreur 404" in recognise(page).reason
    assert recognise(page.model_copy(update={"http_status": 404})) is None  # a real 404 is the HTTP error it says


def test_an_empty_page_is_an_empty_shell_but_a_page_with_a_link_or_a_frame_is_not():
    shell = page_from_html('<html><head><title>App</title><script src="/main.js"></script></head><body>'
                           '<noscript>Activez JavaScript.</noscript><div id="root"></div></body></html>')
    assert recognise(shell).kind == "empty_shell" and "scripts" in recognise(shell).reason
    framed = page_from_html('<html><head><title>App</title></head><body><iframe src="/form"></iframe></body></html>')
    assert recognise(framed) is None
    linked = page_from_html('<html><head><title>App</title></head><body><a href="/go">Entrer</a></body></html>')
    assert recognise(linked) is None


def test_a_redirect_or_an_empty_answer_is_never_classified():
    page = page_from_html(F5)
    assert recognise(page.model_copy(update={"http_status": 302})) is None
    assert recognise(page.model_copy(update={"http_status": 204})) is None


def test_what_each_class_means_for_availability():
    assert REFUSES_PROBE == {"waf", "bot_challenge"}  # our access problem
    assert WRONG_ADDRESS == {"soft_404", "parked"}  # the registry's address to update
    # Maintenance, a server's default page and an empty shell are the service being down.
    assert set(KINDS) - NOT_AVAILABILITY == {"maintenance", "default_page", "empty_shell"}
