"""jedonnemonavis: is the JeDonneMonAvis button or widget there, and for which démarche?"""

from __future__ import annotations

import pytest

from checks.jedonnemonavis import check
from tests.checks.pages import capture, landing

BUTTON = ('<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/4567?button=1234" target="_blank">'
          '<img src="https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu.svg" alt="Je donne mon avis"></a>')


def test_jdma_button_link_is_present_with_its_demarche_id():
    finding = check(capture(landing(f"<footer>{BUTTON}</footer>")))
    assert finding.status == "present"
    assert finding.demarche_id == "4567"
    evidence = finding.evidence[0]
    assert "Demarches/4567" in evidence.html
    assert evidence.selector.endswith("a") and evidence.box is not None


def test_jdma_avis_link_is_present():
    body = '<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/avis/3051">Donnez votre avis</a>'
    finding = check(capture(landing(body)))
    assert (finding.status, finding.demarche_id) == ("present", "3051")


def test_legacy_voxusagers_link_is_present():
    href = ("https://voxusagers.numerique.gouv.fr/Demarches/2187?&amp;view-mode=formulaire-avis"
            "&amp;nd_mode=en-ligne-enti%C3%A8rement&amp;nd_source=button&amp;key=73366ddb13d498f4c77d01c2983bab48")
    finding = check(capture(landing(f'<a href="{href}"><img src="https://voxusagers.numerique.gouv.fr/static/bouton-blanc.svg"></a>')))
    assert (finding.status, finding.demarche_id) == ("present", "2187")


def test_jdma_button_image_alone_is_present_without_id():
    body = ('<button onclick="openForm()"><img src="https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu-clair.png" '
            'alt="Je donne mon avis"></button>')
    finding = check(capture(landing(body)))
    assert finding.status == "present"
    assert finding.demarche_id is None


def test_button_opening_the_form_from_script_is_present_with_its_id():
    body = ("<button onclick=\"window.open('https://jedonnemonavis.numerique.gouv.fr/Demarches/998?button=7')\">"
            "Je donne mon avis</button>")
    finding = check(capture(landing(body)))
    assert (finding.status, finding.demarche_id) == ("present", "998")


def test_widget_with_data_jdma_form_url_is_present_with_the_id_from_that_url():
    body = ('<div data-jdma-form-url="https://jedonnemonavis.numerique.gouv.fr/Demarches/8812?button=44"></div>'
            '<script src="https://jedonnemonavis.numerique.gouv.fr/static/jdma-modal-widget.js"></script>')
    finding = check(capture(landing(body)))
    assert (finding.status, finding.demarche_id) == ("present", "8812")
    assert "data-jdma-form-url" in finding.evidence[0].html


def test_widget_script_alone_is_present():
    body = '<script src="https://jedonnemonavis.numerique.gouv.fr/static/jdma-modal-widget.js" defer></script>'
    assert check(capture(landing(body))).status == "present"


def test_button_on_a_key_page_only_is_found():
    pages = [landing("<p>Accueil</p>"),
             landing(BUTTON, url="https://service.example.gouv.fr/contact", kind="contact")]
    finding = check(capture(*pages))
    assert finding.status == "present"
    assert finding.evidence[0].page_url == "https://service.example.gouv.fr/contact"


def test_visible_button_outranks_one_in_a_closed_modal_for_the_demarche_id():
    body = ('<button aria-controls="avis">Donner mon avis</button><dialog id="avis">'
            '<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/111?button=1">avis</a></dialog>'
            '<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/222?button=2">avis</a>')
    assert check(capture(landing(body))).demarche_id == "222"


def test_a_button_in_a_modal_that_a_button_opens_is_offered():
    body = ('<button class="fr-btn" data-fr-opened="false" aria-controls="fr-modal-avis">Donner mon avis</button>'
            '<dialog id="fr-modal-avis" class="fr-modal" role="dialog">'
            '<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/5210?button=802">'
            '<img src="https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu.svg" alt="Je donne mon avis"></a>'
            '</dialog>')
    finding = check(capture(landing(body)))
    assert (finding.status, finding.demarche_id) == ("present", "5210")


@pytest.mark.parametrize("body", [
    # Kept with the hidden attribute while the survey is paused.
    '<p>Le recueil des avis est suspendu.</p><div hidden>'
    '<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/3120?button=4471">Je donne mon avis</a></div>',
    # Hidden by a stylesheet, nothing opens it.
    '<style>.jdma { display: none }</style><p class="jdma">'
    '<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/3120?button=4471">Je donne mon avis</a></p>',
    # The button image made clickable, in a template.
    '<template><img src="https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu.svg" onclick="avis()"></template>',
    # The widget script in a template never runs.
    '<template><script src="https://jedonnemonavis.numerique.gouv.fr/static/jdma-modal-widget.js"></script></template>',
])
def test_a_button_hidden_for_good_is_not_offered(body):
    assert check(capture(landing(body))).status == "absent"


def test_the_widget_counts_though_it_is_never_visible():
    body = ('<div hidden><div data-jdma-form-url="https://jedonnemonavis.numerique.gouv.fr/Demarches/77?button=1">'
            '</div></div>')
    assert check(capture(landing(body))).demarche_id == "77"


@pytest.mark.parametrize("body", [
    "<p>Je donne mon avis : aidez-nous à améliorer ce service !</p>",
    '<a href="mailto:avis@service.gouv.fr?subject=Je%20donne%20mon%20avis">Je donne mon avis</a>',
    '<a href="mailto:x@y.fr?body=https://jedonnemonavis.numerique.gouv.fr/Demarches/1">Partager</a>',
    '<a href="https://jedonnemonavis.numerique.gouv.fr/">JeDonneMonAvis, qu’est-ce que c’est ?</a>',
    '<a href="https://www.numerique.gouv.fr/services/je-donne-mon-avis/">Je donne mon avis</a>',
])
def test_words_or_feedback_links_without_a_jdma_demarche_are_not_jdma(body):
    assert check(capture(landing(body))).status == "absent"


# --- The newer widget and buttons ------------------------------------------------------------------------

def test_widget_script_carrying_its_form_url_reports_the_demarche_even_on_a_staging_host():
    body = ('<script src="https://jdma-develop.cleverapps.io/Demarches/assets/jdma-modal-widget.js" '
            'data-jdma-form-url="https://jdma-develop.cleverapps.io/Demarches/avis/3092?button=9171" '
            'data-jdma-button-label="Une remarque ?" defer></script>')
    finding = check(capture(landing(body)))
    assert (finding.status, finding.demarche_id) == ("present", "3092")


def test_widget_script_under_demarches_assets_is_present():
    body = '<script src="https://jedonnemonavis.numerique.gouv.fr/Demarches/assets/jdma-modal-widget.js" defer></script>'
    assert check(capture(landing(body))).status == "present"


@pytest.mark.parametrize("src", [
    "https://jedonnemonavis.numerique.gouv.fr/static/buttons/button-feedback-solid-light.svg",
    "https://jedonnemonavis.numerique.gouv.fr/Demarches/assets/buttons/button-jdma-outline-light.svg",
    "https://voxusagers.numerique.gouv.fr/static/bouton-blanc.png",
])
def test_newer_and_legacy_button_images_are_present(src):
    assert check(capture(landing(f'<button type="button"><img src="{src}" alt="Je donne mon avis"></button>'))).status == "present"


def test_button_image_made_clickable_by_a_script_is_present():
    body = ('<div class="feedback" onclick="openJdma()"><img src="https://jedonnemonavis.numerique.gouv.fr/static/'
            'bouton-bleu.svg" alt="Je donne mon avis"></div>')
    finding = check(capture(landing(body)))
    assert finding.status == "present"
    assert finding.evidence[0].selector.endswith("img")


def test_an_image_of_the_same_name_on_another_host_is_not_jdma():
    body = '<button><img src="https://service.example.gouv.fr/static/bouton-bleu.svg" alt="Valider"></button>'
    assert check(capture(landing(body))).status == "absent"
