"""checks.readings.offered: an element in the DOM is offered when it is shown, or when a control of the page
opens what hides it; hidden for good otherwise (and always inside a <template>)."""

from __future__ import annotations

import pytest

from checks.readings.dom import accessible_name, document, node_of, select
from checks.readings.offered import Offering
from tests.checks.pages import landing

TARGET = '<a id="target" href="https://jedonnemonavis.numerique.gouv.fr/Demarches/1?button=2">Je donne mon avis</a>'


def offered(body: str) -> bool:
    page = landing(body)
    target = next(e for e in page.elements if e.attrs.get("id") == "target")
    return Offering(page).element(target)


# --- Shown, or opened by a control ----------------------------------------------------------------

def test_a_shown_element_is_offered():
    assert offered(f"<p>{TARGET}</p>")


@pytest.mark.parametrize("body", [
    # DSFR header menu: a modal that the "Menu" button opens.
    f'<button data-fr-opened="false" aria-controls="menu">Menu</button>'
    f'<div class="fr-modal" id="menu" style="display:none"><button aria-controls="menu">Fermer</button>{TARGET}</div>',
    # DSFR accordion, collapsed.
    f'<h3><button class="fr-accordion__btn" aria-expanded="false" aria-controls="acc">Avis</button></h3>'
    f'<div class="fr-collapse" id="acc" hidden>{TARGET}</div>',
    # A <dialog> opened by a Bootstrap-style data attribute.
    f'<button data-bs-toggle="modal" data-bs-target="#avis">Donner mon avis</button>'
    f'<dialog id="avis">{TARGET}</dialog>',
    # A tab panel.
    f'<ul role="tablist"><li><button role="tab" aria-controls="panel-2">Avis</button></li></ul>'
    f'<div role="tabpanel" id="panel-2" hidden><p>{TARGET}</p></div>',
    # A link to the block's anchor, and a click handler quoting its id.
    f'<a href="#bloc">Voir</a><div id="bloc" hidden>{TARGET}</div>',
    f'<span role="button" onclick="ouvrir(\'bloc\')">Voir</span><div id="bloc" style="display: none">{TARGET}</div>',
    # A closed <details>: its summary opens it.
    f"<details><summary>Votre avis</summary>{TARGET}</details>",
    # A menu inside a menu: both opened by offered buttons.
    f'<button aria-controls="m1">Menu</button><div id="m1" hidden><button aria-controls="m2">Plus</button>'
    f'<div id="m2" hidden>{TARGET}</div></div>',
])
def test_an_element_inside_something_a_control_opens_is_offered(body):
    assert offered(body)


# --- Hidden for good ------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    f"<p>Le recueil des avis est suspendu.</p><div hidden>{TARGET}</div>",
    f'<div style="display:none">{TARGET}</div>',
    f'<div id="bloc" style="display:none">{TARGET}</div>',  # an id that nothing names
    # A stylesheet hides it and nothing opens it.
    f'<style>.off {{ display: none }}</style><div class="off">{TARGET}</div>',
    # Opening the menu would not show it: a part of the menu is hidden for good.
    f'<button aria-controls="menu">Menu</button><div id="menu" hidden><div hidden>{TARGET}</div></div>',
    # The only control is itself hidden for good.
    f'<div hidden><button aria-controls="menu">Menu</button></div><div id="menu" hidden>{TARGET}</div>',
    # The only control is inside what it would open: a close button.
    f'<div id="menu" hidden><button aria-controls="menu">Fermer</button>{TARGET}</div>',
    # A <details> that is itself hidden for good.
    f"<div hidden><details><summary>Votre avis</summary>{TARGET}</details></div>",
])
def test_an_element_hidden_with_nothing_to_reveal_it_is_not_offered(body):
    assert not offered(body)


def test_a_skip_link_does_not_make_the_main_content_an_opened_block():
    # `#contenu` is shown already: a hidden block inside it is hidden by something else.
    body = (f'<a href="#contenu">Aller au contenu</a><main id="contenu"><p>Bienvenue sur le service en ligne.</p>'
            f'<style>.off {{ display: none }}</style><div class="off">{TARGET}</div></main>')
    assert not offered(body)


def test_nothing_inside_a_template_is_offered_not_even_a_shown_looking_element():
    page = landing(f'<template><div>{TARGET}</div></template><p>Bienvenue</p>')
    root = document(page)
    link = root.xpath("//template//a")[0]
    assert Offering(page).node(link, True) is False
    assert Offering(page).node(link, None) is False


def test_a_form_is_offered_unless_hidden_for_good():
    page = landing('<form action="/a"><button>OK</button></form><div hidden><form action="/b"></form></div>')
    offering = Offering(page)
    assert [offering.form(f) for f in page.forms] == [True, False]


def test_without_a_dom_an_element_is_offered_when_it_was_shown():
    page = landing(f"<div hidden>{TARGET}</div><p>{TARGET.replace('target', 'other')}</p>")
    page.html = ""
    hidden, shown = page.elements
    offering = Offering(page)
    assert (offering.element(hidden), offering.element(shown)) == (False, True)


# --- The text of closed parts ---------------------------------------------------------------------

def test_the_text_of_closed_accordions_and_details_is_read_once_but_not_what_is_hidden_for_good():
    page = landing(
        '<button aria-controls="tel">Par téléphone</button><div id="tel" hidden><p>Appelez le 09 70 80 90 70.</p></div>'
        "<details><summary>Venir nous voir</summary><p>8 rue des Tanneurs, 67000 Strasbourg</p></details>"
        '<div hidden><p>La ligne 01 02 03 04 05 est fermée.</p></div>'
        '<div id="vide" hidden><p>Jamais montré : 01 11 11 11 11.</p></div>')
    hidden = Offering(page).hidden_text()
    assert hidden.splitlines() == ["Appelez le 09 70 80 90 70.", "Venir nous voir",
                                   "8 rue des Tanneurs, 67000 Strasbourg"]


# --- Finding a collected element in the DOM, and its accessible name --------------------------------

def test_a_collector_selector_leads_back_to_its_node():
    page = landing('<div id="x"><p>a</p><p><a href="/b">b</a><a href="/c">c</a></p></div>')
    root = document(page)
    assert select(root, "#x > p:nth-of-type(2) > a:nth-of-type(2)").get("href") == "/c"
    assert select(root, "html > body > div > p:nth-of-type(3)") is None
    assert [node_of(page, e).get("href") for e in page.elements] == ["/b", "/c"]


@pytest.mark.parametrize("control, name", [
    ('<a href="/x">Se connecter</a>', "Se connecter"),
    ('<a href="/x" aria-label="S’identifier avec FranceConnect"><img src="b.svg" alt=""></a>',
     "S’identifier avec FranceConnect"),
    ('<button><svg role="img" aria-labelledby="t"><title id="t">S’identifier avec FranceConnect</title>'
     '<path d="M0 0h1v1z"/></svg></button>', "S’identifier avec FranceConnect"),
    ('<a href="/x"><svg><title>FranceConnect+</title><path d="M0 0h1v1z"/></svg></a>', "FranceConnect+"),
    ('<a href="/x"><button aria-label="FranceConnect"><img src="l.svg" alt=""></button></a>', "FranceConnect"),
    ('<a href="/x"><img src="b.svg" alt="S’identifier avec"> <span>FranceConnect</span></a>',
     "S’identifier avec FranceConnect"),
    ('<button title="Connexion"></button>', "Connexion"),
    ('<a href="/x">Aide<span hidden> cachée</span></a>', "Aide"),
    ('<span id="l1">S’identifier</span><a href="/x" aria-labelledby="l1 l2"></a>'
     '<span id="l2">avec FranceConnect</span>',
     "S’identifier avec FranceConnect"),
])
def test_accessible_name_is_what_a_screen_reader_announces(control, name):
    page = landing(control)
    element = next(e for e in page.elements if e.tag in ("a", "button"))
    assert accessible_name(node_of(page, element)) == name
