"""franceconnect: is there a FranceConnect login button, and at which level?"""

from __future__ import annotations

import pytest

from checks.franceconnect import check
from tests.checks.pages import capture, landing

LOGIN = "https://service.example.gouv.fr/connexion"

DSFR = """<div class="fr-connect-group">
  <button class="fr-connect{modifier}" type="button">
    <span class="fr-connect__login">S’identifier avec</span>
    <span class="fr-connect__brand">{brand}</span>
  </button>
  <p><a href="{info}" target="_blank" rel="noopener">{question}</a></p>
</div>"""


def dsfr(modifier="", brand="FranceConnect", info="https://franceconnect.gouv.fr/",
         question="Qu’est-ce que FranceConnect ?") -> str:
    return DSFR.format(modifier=modifier, brand=brand, info=info, question=question)


def status(body: str, **kw) -> str:
    return check(capture(landing(body, **kw))).status


# --- The DSFR component -------------------------------------------------------------------------

def test_dsfr_franceconnect_button_is_franceconnect():
    finding = check(capture(landing(dsfr())))
    assert finding.status == "franceconnect"
    evidence = finding.evidence[0]
    assert evidence.selector.endswith("button")
    assert 'class="fr-connect"' in evidence.html
    assert evidence.box is not None
    assert "FranceConnect" in evidence.excerpt
    assert evidence.page_url == "https://service.example.gouv.fr/"


def test_dsfr_franceconnect_plus_button_is_franceconnect_plus():
    finding = check(capture(landing(dsfr(modifier=" fr-connect--plus"))))
    assert finding.status == "franceconnect_plus"
    assert "fr-connect--plus" in finding.evidence[0].html


def test_dsfr_brand_text_franceconnect_plus_is_franceconnect_plus():
    assert status(dsfr(brand="FranceConnect+")) == "franceconnect_plus"


def test_question_link_to_france_connect_plus_next_to_the_button_makes_it_franceconnect_plus():
    body = dsfr(info="https://franceconnect.gouv.fr/france-connect-plus", question="Qu’est-ce que FranceConnect+ ?")
    assert status(body) == "franceconnect_plus"


def test_dsfr_component_as_a_link_is_franceconnect():
    body = ('<a class="fr-connect" href="/oidc/login"><span class="fr-connect__login">S’identifier avec</span>'
            '<span class="fr-connect__brand">FranceConnect</span></a>')
    assert status(body) == "franceconnect"


def test_hidden_dsfr_button_in_a_menu_that_a_button_opens_counts():
    body = (f'<nav><button aria-controls="menu" aria-expanded="false">Menu</button>'
            f'<div id="menu" style="display:none">{dsfr()}</div></nav>')
    finding = check(capture(landing(body)))
    assert finding.status == "franceconnect"


def test_hidden_dsfr_button_that_nothing_reveals_does_not_count():
    body = (f'<p>La connexion avec FranceConnect est momentanément indisponible.</p>'
            f'<div id="fc" style="display:none">{dsfr()}</div>')
    assert status(body) == "absent"


def test_hidden_authorize_link_does_not_count():
    body = ('<div hidden><a href="https://app.franceconnect.gouv.fr/api/v1/authorize?client_id=x">'
            'Connexion</a></div>')
    assert status(body) == "absent"


# --- Authorize endpoints ------------------------------------------------------------------------

@pytest.mark.parametrize("href, expected", [
    ("https://app.franceconnect.gouv.fr/api/v1/authorize?response_type=code&client_id=abc&scope=openid",
     "franceconnect"),
    ("https://oidc.franceconnect.gouv.fr/api/v2/authorize?client_id=abc&acr_values=eidas1", "franceconnect"),
    ("https://oidc.franceconnect.gouv.fr/api/v2/authorize?client_id=abc&acr_values=eidas2", "franceconnect_plus"),
    ("https://fcp.integ01.dev-franceconnect.fr/api/v1/authorize?client_id=abc", "franceconnect"),
    ("https://fcp.integ01.dev-franceconnect.fr/api/v2/authorize?acr_values=eidas3", "franceconnect_plus"),
    ("https://auth.franceconnect.gouv.fr/api/v2/authorize?client_id=abc", "franceconnect_plus"),
    ("https://auth.integ01.dev-franceconnect.fr/api/v2/authorize?client_id=abc", "franceconnect_plus"),
])
def test_link_to_an_authorize_endpoint_gives_its_level(href, expected):
    finding = check(capture(landing(f'<a href="{href.replace("&", "&amp;")}">Se connecter</a>')))
    assert finding.status == expected
    assert "authorize" in finding.evidence[0].html


def test_acr_values_eidas2_or_eidas3_among_several_is_franceconnect_plus():
    href = "https://oidc.franceconnect.gouv.fr/api/v2/authorize?acr_values=eidas2%20eidas3"
    assert status(f'<a href="{href}">Connexion</a>') == "franceconnect_plus"


def test_form_posting_to_the_authorize_endpoint_is_franceconnect():
    body = ('<form action="https://app.franceconnect.gouv.fr/api/v1/authorize" method="get">'
            '<input type="hidden" name="client_id" value="x"><input type="submit" value="Valider"></form>')
    finding = check(capture(landing(body)))
    assert finding.status == "franceconnect"
    assert finding.evidence[0].selector.endswith("form")


def test_button_carrying_the_authorize_url_in_a_data_attribute_is_franceconnect():
    body = '<button data-href="https://app.franceconnect.gouv.fr/api/v1/authorize?client_id=x">Continuer</button>'
    assert status(body) == "franceconnect"


# --- Older buttons ------------------------------------------------------------------------------

def test_old_image_button_in_a_link_is_franceconnect():
    body = '<a href="/login/fc"><img src="/static/img/FCboutons-10.svg" alt=""></a>'
    finding = check(capture(landing(body)))
    assert finding.status == "franceconnect"
    assert "FCboutons-10.svg" in finding.evidence[0].html


def test_old_png_image_button_is_franceconnect():
    assert status('<button type="submit"><img src="/img/FCboutons-10.png"></button>') == "franceconnect"


def test_input_image_button_is_franceconnect():
    body = '<form action="/fc"><input type="image" src="/assets/franceconnect-bouton.svg" alt="FranceConnect"></form>'
    assert status(body) == "franceconnect"


def test_image_alt_sidentifier_avec_franceconnect_is_franceconnect():
    body = '<a href="/auth/start"><img src="/i/btn.svg" alt="S\'identifier avec FranceConnect"></a>'
    assert status(body) == "franceconnect"


def test_image_button_named_franceconnect_plus_is_franceconnect_plus():
    body = '<a href="/auth/start"><img src="/i/franceconnect-plus-bouton.svg" alt="S’identifier avec FranceConnect+"></a>'
    assert status(body) == "franceconnect_plus"


def test_button_labelled_se_connecter_avec_franceconnect_is_franceconnect():
    assert status("<button>Se connecter avec FranceConnect</button>") == "franceconnect"


def test_link_to_the_sites_own_franceconnect_login_route_is_franceconnect():
    assert status('<a href="/users/auth/france_connect">Mon compte</a>') == "franceconnect"


# --- Not FranceConnect ----------------------------------------------------------------------------

def test_agentconnect_button_is_not_franceconnect():
    body = ('<div class="fr-connect-group"><button class="fr-connect fr-connect--agent">'
            '<span class="fr-connect__login">S’identifier avec</span><span class="fr-connect__brand">AgentConnect</span>'
            '</button><p><a href="https://agentconnect.gouv.fr/">Qu’est-ce que AgentConnect ?</a></p></div>')
    assert status(body) == "absent"


def test_proconnect_button_is_not_franceconnect():
    body = dsfr(modifier=" fr-connect--pro", brand="ProConnect", info="https://proconnect.gouv.fr/",
                question="Qu’est-ce que ProConnect ?")
    assert status(body) == "absent"


def test_agentconnect_brand_without_modifier_is_not_franceconnect():
    assert status(dsfr(brand="AgentConnect", info="https://agentconnect.gouv.fr/")) == "absent"


def test_proconnect_authorize_link_is_not_franceconnect():
    href = "https://auth.proconnect.gouv.fr/api/v2/authorize?client_id=x"
    assert status(f'<a href="{href}">Se connecter</a>') == "absent"


def test_prose_that_mentions_franceconnect_is_not_a_login_button():
    body = ("<p>Vous pourrez bientôt vous connecter avec FranceConnect, le dispositif qui garantit votre "
            "identité. S’identifier avec FranceConnect sera possible en 2026.</p>")
    assert status(body) == "absent"


@pytest.mark.parametrize("href, text", [
    ("https://franceconnect.gouv.fr/", "Qu’est-ce que FranceConnect ?"),
    ("https://franceconnect.gouv.fr/france-connect-plus", "Qu’est-ce que FranceConnect+ ?"),
    ("https://franceconnect.gouv.fr/aide", "Aide FranceConnect"),
    ("https://www.franceconnect.gouv.fr/", "S’identifier avec FranceConnect"),
])
def test_links_to_franceconnect_information_pages_are_not_login_buttons(href, text):
    assert status(f'<a href="{href}">{text}</a>') == "absent"


def test_faq_accordion_button_about_franceconnect_is_not_a_login_button():
    body = ('<button class="fr-accordion__btn" aria-expanded="false" aria-controls="faq-1">'
            'Comment se connecter avec FranceConnect ?</button>')
    assert status(body) == "absent"


def test_help_link_about_franceconnect_on_the_site_is_not_a_login_button():
    body = ('<a href="/aide/franceconnect">Comment se connecter avec FranceConnect ?</a>'
            '<a href="/actualites/franceconnect-40-millions"><img src="/news/fc.jpg" alt="FranceConnect"></a>')
    assert status(body) == "absent"


# --- Across pages ---------------------------------------------------------------------------------

def test_best_level_across_pages_wins():
    pages = [landing(dsfr()), landing(dsfr(modifier=" fr-connect--plus"), url=LOGIN, kind="login")]
    finding = check(capture(*pages))
    assert finding.status == "franceconnect_plus"
    assert finding.evidence[0].page_url == LOGIN


def test_button_on_the_login_page_only_is_found():
    pages = [landing("<p>Bienvenue</p><a href='/connexion'>Se connecter</a>"), landing(dsfr(), url=LOGIN, kind="login")]
    assert check(capture(*pages)).status == "franceconnect"


# --- Login routes that name FranceConnect, and images made clickable by scripts ----------------------

@pytest.mark.parametrize("href, expected", [
    ("/realms/usagers/protocol/openid-connect/auth?client_id=portail&kc_idp_hint=franceconnect-particulier",
     "franceconnect"),
    ("/users/auth/openid_connect?provider=france_connect_plus", "franceconnect_plus"),
    ("/realms/usagers/broker/franceconnect/login?client_id=portail", "franceconnect"),
])
def test_login_route_naming_franceconnect_as_identity_provider_is_franceconnect(href, expected):
    assert status(f'<a href="{href.replace("&", "&amp;")}">Continuer</a>') == expected


def test_idp_hint_for_another_provider_is_not_franceconnect():
    assert status('<a href="/realms/x/protocol/openid-connect/auth?kc_idp_hint=proconnect">Continuer</a>') == "absent"


def test_form_posting_to_the_sites_franceconnect_route_is_franceconnect():
    body = '<form action="/auth/franceconnect" method="post"><button type="submit">Continuer</button></form>'
    assert status(body) == "franceconnect"


def test_button_image_made_clickable_by_a_script_is_franceconnect():
    body = '<div class="login-choices"><div onclick="login()"><img src="/static/images/FCboutons-10.svg" alt="bouton FranceConnect"></div></div>'
    finding = check(capture(landing(body)))
    assert finding.status == "franceconnect"
    assert "FCboutons-10.svg" in finding.evidence[0].html
    assert finding.evidence[0].selector.endswith("img")


def test_franceconnect_logo_illustrating_a_text_is_not_a_button():
    body = '<section><h2>Pourquoi FranceConnect ?</h2><img src="/img/franceconnect.svg" alt="FranceConnect"></section>'
    assert status(body) == "absent"


def test_hidden_clickable_button_image_does_not_count():
    assert status('<div hidden><img src="/img/FCboutons-10.png" onclick="go()"></div>') == "absent"


def test_educonnect_button_is_not_franceconnect():
    body = '<a class="fr-connect" href="/educonnect/login"><span class="fr-connect__login">S’identifier avec</span><span class="fr-connect__brand">ÉduConnect</span></a>'
    assert status(body) == "absent"


def test_help_link_worded_like_a_login_is_not_a_login_button():
    assert status('<a href="/aide/se-connecter">Se connecter avec FranceConnect</a>') == "absent"


def test_button_on_the_accessibility_statement_page_only_is_not_read():
    pages = [landing("<p>Bienvenue</p>"), landing(dsfr(), url="https://service.example.gouv.fr/accessibilite",
                                                  kind="accessibility")]
    assert check(capture(*pages)).status == "absent"


def test_franceconnect_logo_in_a_link_to_a_news_article_is_not_a_button():
    body = '<a href="/actualites/franceconnect-40-millions"><img src="/img/franceconnect.svg" alt="FranceConnect"> 40 millions</a>'
    assert status(body) == "absent"


def test_franceconnect_logo_in_a_link_to_a_login_route_is_a_button():
    assert status('<a href="/login"><img src="/img/franceconnect.svg" alt=""></a>') == "franceconnect"


# --- Buttons whose name is not text ---------------------------------------------------------------

SVG_WORDS = '<path d="M10 18h6v20h-6z"/><path d="M20 18h6v20h-6z"/>'  # the words drawn as shapes


@pytest.mark.parametrize("body, expected", [
    # An inline SVG named by its <title> (through aria-labelledby, or alone).
    ('<form action="/oidc/start" method="post"><button type="submit"><svg role="img" aria-labelledby="t">'
     f'<title id="t">S’identifier avec FranceConnect</title>{SVG_WORDS}</svg></button></form>', "franceconnect"),
    (f'<a href="/connexion/idp/2"><svg><title>S’identifier avec FranceConnect+</title>{SVG_WORDS}</svg></a>',
     "franceconnect_plus"),
    # An empty button, its image in CSS, named by aria-label; the title repeats it for a new window.
    ('<button class="bouton-fc" aria-label="S’identifier avec FranceConnect" '
     'title="S’identifier avec FranceConnect - nouvelle fenêtre"></button>', "franceconnect"),
    # An image with an empty alt in a link named by aria-label.
    ('<a href="/auth/login?idp=fc" aria-label="S’identifier avec FranceConnect (nouvelle fenêtre)">'
     '<img src="/static/media/btn.4f2a9c1e.svg" alt=""></a>', "franceconnect"),
    # A button nested in a link, named only by the brand.
    ('<a href="/connexion?methode=fc"><button type="button" aria-label="FranceConnect">'
     '<img src="/img/logo-identite.svg" alt=""></button></a>', "franceconnect"),
    ('<button type="submit" title="FranceConnect+"></button>', "franceconnect_plus"),
])
def test_a_login_button_is_known_by_its_accessible_name_when_it_has_no_text(body, expected):
    assert status(body) == expected


def test_the_reason_quotes_the_name_a_screen_reader_announces():
    body = (f'<button type="submit"><svg role="img" aria-labelledby="t"><title id="t">S’identifier avec FranceConnect'
            f'</title>{SVG_WORDS}</svg></button>')
    assert check(capture(landing(body))).reason.endswith(": bouton intitulé « S’identifier avec FranceConnect ».")


def test_a_brand_only_name_is_quoted_as_written():
    body = '<a href="/connexion"><button aria-label="FranceConnect"></button></a>'
    assert check(capture(landing(body))).reason.endswith(
        ": bouton sans texte nommé « FranceConnect » pour les lecteurs d’écran.")


@pytest.mark.parametrize("body", [
    # The brand as visible text is a heading or an accordion, not a button.
    '<button class="fr-accordion__btn" aria-controls="faq-1">FranceConnect</button><div id="faq-1" hidden>…</div>',
    # A logo titled FranceConnect, to a help page or a partners' page.
    f'<a href="/aide/franceconnect"><svg><title>FranceConnect</title>{SVG_WORDS}</svg></a>',
    f'<a href="/partenaires"><svg><title>FranceConnect</title>{SVG_WORDS}</svg></a>',
    # An SVG named after another federation.
    f'<button><svg><title>S’identifier avec ProConnect</title>{SVG_WORDS}</svg></button>',
])
def test_a_name_that_only_mentions_franceconnect_is_not_a_login_button(body):
    assert status(body) == "absent"


# --- Offered, or kept in the page for no one -------------------------------------------------------

@pytest.mark.parametrize("body", [
    # The DSFR button beside a notice that the connection is unavailable.
    f'<div class="fr-alert"><p>La connexion avec FranceConnect est momentanément indisponible.</p></div>'
    f'<div hidden>{dsfr()}</div>',
    # Hidden by a stylesheet, and nothing opens it.
    f'<style>.fc-off {{ display: none }}</style><div class="fc-off">{dsfr()}</div>',
    # An image button that a script never instantiated.
    ('<template><div><img src="/img/FCboutons-10.svg" alt="S’identifier avec FranceConnect" onclick="go()">'
     '</div></template>'),
    # A form to the authorize endpoint, hidden for good.
    '<div hidden><form action="https://app.franceconnect.gouv.fr/api/v1/authorize"><button>OK</button></form></div>',
])
def test_a_button_hidden_for_good_is_not_offered(body):
    assert status(body) == "absent"


@pytest.mark.parametrize("body", [
    # An authorize link in the DSFR header menu, a modal its button opens.
    '<button class="fr-btn--menu" data-fr-opened="false" aria-controls="modal-menu">Menu</button>'
    '<div class="fr-header__menu fr-modal" id="modal-menu" style="display:none">'
    '<a class="fr-btn" href="https://app.franceconnect.gouv.fr/api/v1/authorize?client_id=x">Connexion</a></div>',
    # The older image button in a closed <details>.
    '<details><summary>Autres moyens de connexion</summary>'
    '<a href="/fc/redirect"><img src="/img/FCboutons-10.svg" alt="S’identifier avec FranceConnect"></a></details>',
])
def test_a_button_in_a_closed_menu_or_details_is_offered(body):
    assert status(body) == "franceconnect"
