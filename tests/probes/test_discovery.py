"""probes.discovery: which landing links are visited as the key pages — never a link that starts a
login through FranceConnect (or another identity federation), nor an authorize endpoint."""

from __future__ import annotations

import pytest

from probes.discovery import discover_key_pages
from probes.models import Element, ImageRef

LANDING = "https://service.example.gouv.fr/"


def link(href: str, text: str = "", **attrs) -> Element:
    images = attrs.pop("images", [])
    return Element(tag="a", selector="a", text=text, attrs={"href": href, **attrs}, images=images)


def chosen(*links: Element) -> dict[str, str]:
    return {page.kind: page.url for page in discover_key_pages(LANDING, list(links), limit=3)}


def test_the_key_pages_are_the_best_link_of_each_kind():
    assert chosen(link(LANDING + "connexion", "Se connecter"), link(LANDING + "contact", "Nous contacter"),
                  link(LANDING + "accessibilite", "Accessibilité : non conforme")) == {
        "login": LANDING + "connexion", "contact": LANDING + "contact", "accessibility": LANDING + "accessibilite"}


@pytest.mark.parametrize("button", [
    # The DSFR button as a link to the site's FranceConnect route (a 404 on a copy of the site).
    link(LANDING + "auth/franceconnect?redirect=%2Fespace", "S’identifier avec FranceConnect",
         **{"class": "fr-connect"}),
    # Its words only, or only in its aria-label or its image's alt.
    link(LANDING + "login/fc", "S’identifier avec FranceConnect"),
    link(LANDING + "auth/login?idp=fc", "", **{"aria-label": "S’identifier avec FranceConnect (nouvelle fenêtre)"}),
    link(LANDING + "connexion/1", "", images=[ImageRef(src=LANDING + "b.svg", alt="S’identifier avec FranceConnect")]),
    # An address naming FranceConnect as the identity provider, or an authorize endpoint.
    link(LANDING + "oauth2/authorize?response_type=code&kc_idp_hint=franceconnect", "Se connecter"),
    link(LANDING + "oidc/authorize?client_id=portail", "Se connecter"),
    link(LANDING + "realms/usagers/broker/france-connect/login", "Connexion"),
    # Other federations.
    link(LANDING + "auth/agentconnect", "S’identifier avec AgentConnect"),
    link(LANDING + "login", "Se connecter avec ProConnect"),
])
def test_a_federation_login_button_is_never_visited_as_the_login_page(button):
    assert chosen(button) == {}


def test_the_services_own_login_page_is_chosen_beside_the_franceconnect_button():
    pages = chosen(link(LANDING + "auth/franceconnect", "S’identifier avec FranceConnect", **{"class": "fr-connect"}),
                   link(LANDING + "espace-usager/connexion", "Connexion"))
    assert pages == {"login": LANDING + "espace-usager/connexion"}


def test_a_help_page_about_franceconnect_is_not_the_contact_page():
    assert chosen(link(LANDING + "aide/franceconnect", "Aide : FranceConnect"), link(LANDING + "aide", "Aide")) == {
        "contact": LANDING + "aide"}


def test_log_out_links_downloads_and_other_sites_are_never_visited():
    assert chosen(link(LANDING + "deconnexion", "Se déconnecter"), link(LANDING + "aide.pdf", "Aide (PDF)"),
                  link("https://autre.example.fr/contact", "Contact")) == {}
