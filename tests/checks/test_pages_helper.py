"""The test helper builds captures the way the in-browser collector would (probes/collect.js)."""

from __future__ import annotations

from tests.checks.pages import landing


def test_helper_collects_the_collector_selectors_in_document_order_with_absolute_urls():
    page = landing('<a href="/aide" id="aide">Aide</a><span>texte</span><button>OK</button>'
                   '<input type="image" src="img/go.svg" alt="Aller"><script src="/app.js"></script>'
                   '<div class="fr-connect-group"></div><div data-jdma-form-url="https://x/Demarches/1"></div>',
                   url="https://service.example.gouv.fr/demarche/")
    assert [e.tag for e in page.elements] == ["a", "button", "input", "script", "div", "div"]
    link, _, image, script, *_ = page.elements
    assert link.selector == "#aide" and link.href == "https://service.example.gouv.fr/aide"
    assert image.images[0].src == "https://service.example.gouv.fr/demarche/img/go.svg"
    assert script.visible is False


def test_helper_text_is_like_inner_text():
    page = landing("<main><h1>Titre</h1><p>Un <b>mot</b>\n   et  un autre</p></main>"
                   "<footer>Pied<script>var x = 'caché';</script><span hidden>invisible</span></footer>")
    assert page.text == "Titre\nUn mot et un autre\nPied"
    assert page.main_text == "Titre\nUn mot et un autre"
