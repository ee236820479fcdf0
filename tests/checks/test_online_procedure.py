"""online_procedure: can the procedure be done online from this site, wholly, in part, or not at all?"""

from __future__ import annotations

import pytest

from checks.online_procedure import check, is_start_label, offline_step
from checks.readings.text import fold
from tests.checks.pages import capture, failed_page, landing

CONTACT = "https://service.example.gouv.fr/contact"


def _status(body: str) -> str:
    return check(capture(landing(body))).status


# ------------------------------------------------------------------------------------------------
# Online


@pytest.mark.parametrize("label", [
    "Faire ma demande en ligne", "Faire une demande", "Je fais ma demande", "Déposer un dossier",
    "Commencer la démarche", "Commencer", "Démarrer ma demande", "Accéder au téléservice", "Demande en ligne",
    "Remplir le formulaire en ligne", "Faire ma pré-demande", "S’inscrire en ligne",
])
def test_a_start_control_makes_the_procedure_online(label):
    finding = check(capture(landing(f'<main><a class="fr-btn" href="/demande">{label}</a></main>')))
    assert finding.status == "online"
    evidence = finding.evidence[0]
    assert evidence.selector.endswith("a") and evidence.box is not None
    assert label in evidence.note
    assert finding.reason.startswith("La démarche se fait en ligne")


def test_a_submit_button_that_starts_the_procedure_counts():
    body = '<form action="/etape-1"><button type="submit">Commencer la démarche</button></form>'
    assert _status(body) == "online"


@pytest.mark.parametrize("label", ["Mon espace", "Se connecter", "Démarches en ligne", "En savoir plus",
                                   "Créer mon compte", "Télécharger la brochure"])
def test_a_login_link_a_portal_menu_or_a_plain_link_is_no_start_control(label):
    assert _status(f'<main><a href="/page">{label}</a></main>') == "unknown"


def test_a_long_link_in_prose_is_no_start_control():
    label = "lisez notre guide pour savoir comment faire une demande de logement social dans votre département cette année"
    assert not is_start_label(label)


FC_BUTTON = ('<button class="fr-connect" type="button"><span class="fr-connect__login">S’identifier avec</span>'
             '<span class="fr-connect__brand">FranceConnect</span></button>')


def test_a_franceconnect_login_leads_to_the_personal_space_where_the_procedure_is():
    finding = check(capture(landing(f"<main><h2>Se connecter</h2>{FC_BUTTON}</main>")))
    assert finding.status == "online"
    assert "FranceConnect" in finding.evidence[0].note


@pytest.mark.parametrize("label", ["Se connecter pour déposer ma demande", "Se connecter pour s’inscrire",
                                   "Connectez-vous pour remplir votre dossier"])
def test_a_login_that_says_what_it_is_for_is_a_start_control(label):
    assert _status(f'<main><a class="fr-btn" href="/connexion">{label}</a></main>') == "online"


@pytest.mark.parametrize("heading", ["Commencer la démarche", "Faire ma demande", "Accéder à la déclaration"])
def test_a_login_in_the_section_that_announces_the_procedure_is_a_start_control(heading):
    body = f'<main><h2>{heading}</h2><p>La démarche se fait dans votre espace.</p><a href="/connexion">Se connecter</a></main>'
    finding = check(capture(landing(body)))
    assert finding.status == "online"
    assert heading in finding.evidence[0].note


def test_a_login_in_the_page_header_or_under_another_heading_is_no_start_control():
    body = ('<header><h2>Faire ma demande</h2><a href="/connexion">Mon espace</a></header>'
            '<main><h2>Qui peut en bénéficier ?</h2><a href="/compte">Se connecter</a></main>')
    assert _status(body) == "unknown"


def test_a_demarches_simplifiees_procedure_link_is_online_whatever_its_label():
    body = '<p>Le dépôt est ouvert : <a href="https://www.demarches-simplifiees.fr/commencer/aide-clubs-2026">cliquez ici</a>.</p>'
    finding = check(capture(landing(body)))
    assert finding.status == "online"
    assert "demarches-simplifiees.fr" in finding.evidence[0].note


def test_the_platform_s_gouv_fr_address_counts_too():
    body = '<a href="https://demarche.numerique.gouv.fr/commencer/aide-clubs-2026">Accéder</a>'
    assert _status(body) == "online"


def test_a_link_to_the_platform_s_home_page_is_no_procedure():
    assert _status('<a href="https://www.demarches-simplifiees.fr/">demarches-simplifiees.fr</a>') == "unknown"


def test_the_procedure_s_form_itself_is_online():
    body = ('<form method="post" action="/envoyer"><input name="nom"><input name="prenom"><input type="email" name="mel">'
            '<input type="date" name="naissance"><button type="submit">Envoyer</button></form>')
    finding = check(capture(landing(body)))
    assert finding.status == "online"
    assert finding.evidence[0].selector.endswith("form")
    assert "4 champs" in finding.evidence[0].note


def test_a_form_with_a_file_field_is_the_procedure_s_even_when_short():
    body = '<form method="post" action="/depot"><input type="file" name="f1"><button>Envoyer</button></form>'
    finding = check(capture(landing(body)))
    assert finding.status == "online"
    assert "dont 1 pour joindre une pièce" in finding.evidence[0].note


@pytest.mark.parametrize("form", [
    # search, even with filters
    ('<form method="get" action="/recherche"><input type="search" name="q"><select name="a"></select>'
     '<select name="b"></select><select name="c"></select></form>'),
    # login or account creation
    ('<form method="post" action="/compte"><input name="nom"><input name="prenom"><input name="mel">'
     '<input type="password" name="mdp"></form>'),
    # contact
    ('<form method="post" action="/ecrire"><input name="nom"><input name="mel"><input name="objet">'
     '<textarea name="message"></textarea></form>'),
    # newsletter
    '<form method="post" action="/lettre"><input type="email" name="email"></form>',
    # a radio group is one field
    ('<form method="post" action="/sondage"><input type="radio" name="note" value="1">'
     '<input type="radio" name="note" value="2"><input type="radio" name="note" value="3">'
     '<input type="radio" name="note" value="4"></form>'),
])
def test_search_login_contact_and_newsletter_forms_are_not_the_procedure(form):
    assert _status(form) == "unknown"


# ------------------------------------------------------------------------------------------------
# Off line


def test_a_start_control_that_leads_to_a_pdf_is_offline():
    finding = check(capture(landing('<a class="fr-btn" href="/docs/demande-aot.pdf">Faire ma demande</a>')))
    assert finding.status == "offline"
    assert "demande-aot.pdf" in finding.evidence[0].note
    assert finding.reason.startswith("La démarche se fait hors ligne")


@pytest.mark.parametrize("link", [
    '<a href="/telecharger?fichier=formulaire-demande.pdf">Faire ma demande</a>',
    '<a href="/fichier/1234" download>Faire ma demande</a>',
    '<a href="/fichier/1234" type="application/pdf">Faire ma demande</a>',
    '<a href="/fichier/1234">Faire ma demande (PDF, 120 Ko)</a>',
])
def test_a_pdf_is_recognised_by_its_query_its_attributes_or_its_label(link):
    assert _status(link) == "offline"


@pytest.mark.parametrize("link", [
    '<a href="/files/cerfa_15472-01.pdf">Formulaire cerfa n° 15472*01</a>',
    '<a href="/docs/dossier-candidature.pdf">Télécharger</a>',
    '<a href="/docs/fiche.docx">Fiche d’inscription (Word)</a>',
    '<a href="https://www.service-public.fr/particuliers/vosdroits/R11637">Formulaire cerfa 13406*15</a>',
])
def test_a_form_to_download_is_offline(link):
    assert _status(link) == "offline"


@pytest.mark.parametrize("link", [
    '<a href="/docs/notice-explicative.pdf">Notice explicative du formulaire</a>',
    '<a href="/docs/rapport-annuel-2025.pdf">Rapport annuel</a>',
    '<a href="https://www.service-public.fr/particuliers/vosdroits/F1224">Faire une demande</a>',
])
def test_notices_reports_and_information_pages_say_nothing(link):
    assert _status(link) == "unknown"


@pytest.mark.parametrize("text", [
    "Cette démarche ne peut pas se faire en ligne.",
    "CETTE DÉMARCHE N’EST PAS DÉMATÉRIALISÉE.",
    "La demande se fait uniquement par courrier.",
    "Il n’existe pas de téléservice pour cette démarche.",
    "Téléchargez le formulaire cerfa n° 12345*03 et remplissez-le.",
    "Le passeport se demande en mairie, uniquement sur rendez-vous.",
])
def test_the_text_saying_the_procedure_is_not_online_is_offline(text):
    finding = check(capture(landing(f"<main><p>{text}</p></main>")))
    assert finding.status == "offline"
    assert finding.evidence[0].excerpt


def test_a_visit_alone_may_only_offer_a_desk():
    assert _status("<main><p>Prenez rendez-vous avec un conseiller dans votre agence.</p></main>") == "unknown"
    assert _status("<main><p>Déposez votre dossier complet à l’accueil de la mairie.</p></main>") == "offline"


def test_a_conditional_is_not_a_statement():
    assert _status("<main><p>Si la démarche ne peut pas se faire en ligne, contactez-nous.</p></main>") == "unknown"


# ------------------------------------------------------------------------------------------------
# Partly online

START = '<a class="fr-btn" href="/demande">Faire ma demande en ligne</a>'


@pytest.mark.parametrize("step, kind", [
    ("Une fois la demande validée, les pièces justificatives sont à envoyer par courrier.", "envoi par courrier"),
    ("Les originaux doivent être adressés par voie postale.", "envoi par courrier"),
    ("Imprimez l’attestation générée, signez-la et renvoyez-la.", "formulaire à imprimer et signer"),
    ("Le récapitulatif doit être revêtu de votre signature manuscrite.", "formulaire à imprimer et signer"),
    ("Prenez rendez-vous en mairie pour déposer votre dossier.", "dépôt du dossier en personne"),
    ("Un agent procède ensuite au relevé de vos empreintes.", "dépôt du dossier en personne"),
    ("Présentez-vous au guichet avec les originaux.", "rendez-vous ou passage en personne"),
])
def test_an_online_start_and_a_required_offline_step_is_partial(step, kind):
    finding = check(capture(landing(f"<main>{START}<p>{step}</p></main>")))
    assert finding.status == "partial"
    assert kind in finding.reason
    assert [e.note for e in finding.evidence][-1] == f"étape hors ligne : {kind}"


def test_a_step_hidden_in_a_closed_accordion_counts():
    body = f"<main>{START}<details><summary>Et ensuite ?</summary><p>Vous devez envoyer par courrier les justificatifs.</p></details></main>"
    assert _status(body) == "partial"


@pytest.mark.parametrize("sentence", [
    "Vous pouvez aussi télécharger le formulaire et l’envoyer par courrier.",
    "Si vous préférez, déposez votre dossier en mairie.",
    "Déposez votre dossier en ligne ou par courrier.",
    "Votre carte vous sera envoyée par courrier à votre domicile.",
    "Plus besoin de vous déplacer en préfecture ni d’envoyer de dossier par courrier.",
    "Vous n’avez pas à envoyer de documents par courrier.",
    "Le service reçoit sur rendez-vous au guichet, le mardi.",
    "Si vous ne pouvez pas faire la démarche en ligne, envoyez le formulaire par courrier.",
])
def test_an_option_a_negation_or_what_the_user_receives_is_no_offline_step(sentence):
    assert offline_step(fold(sentence)) is None
    assert _status(f"<main>{START}<p>{sentence}</p></main>") == "online"


def test_the_contact_page_tells_how_to_reach_the_service_not_the_procedure_s_steps():
    contact = landing("<main><p>Prenez rendez-vous au guichet. Écrivez-nous par courrier : envoyez votre dossier "
                      "par courrier à la mairie.</p></main>", url=CONTACT, kind="contact")
    assert check(capture(landing(START), contact)).status == "online"


def test_uppercase_and_non_breaking_spaces_are_read():
    assert _status('<a href="/validation">FAIRE\u00a0MA DEMANDE EN\u00a0LIGNE</a>') == "online"


# ------------------------------------------------------------------------------------------------
# Could we look?


def test_nothing_about_how_to_proceed_is_unknown_naming_the_pages_read():
    pages = [landing("<main><p>Le chèque énergie aide les ménages modestes.</p></main>"),
             landing("<p>Écrivez-nous.</p>", url=CONTACT, kind="contact")]
    finding = check(capture(*pages))
    assert finding.status == "unknown"
    assert finding.reason.startswith("Les 2 pages visitées (accueil et contact) ne disent pas")
    assert [e.page_url for e in finding.evidence] == [p.url for p in pages]


def test_a_failed_landing_page_is_unknown():
    finding = check(capture(failed_page(error_class="dns", error="net::ERR_NAME_NOT_RESOLVED")))
    assert finding.status == "unknown"
    assert "La page d’accueil" in finding.reason


@pytest.mark.parametrize("body", [START, '<a href="/docs/cerfa_12345.pdf">Formulaire cerfa</a>'])
def test_online_or_offline_is_not_claimed_when_a_page_read_failed(body):
    contact = failed_page(CONTACT, kind="contact", error_class="http_5xx", error="HTTP 500")
    finding = check(capture(landing(body), contact))
    assert finding.status == "unknown"
    assert CONTACT in finding.reason and "erreur du serveur" in finding.reason


def test_partial_stands_on_what_was_found_when_another_page_failed():
    contact = failed_page(CONTACT, kind="contact", error_class="timeout")
    body = f"<main>{START}<p>Les pièces sont à envoyer par courrier.</p></main>"
    assert check(capture(landing(body), contact)).status == "partial"


def test_a_failed_accessibility_statement_does_not_matter():
    statement = failed_page("https://service.example.gouv.fr/accessibilite", kind="accessibility", error_class="http_4xx")
    assert check(capture(landing(START), statement)).status == "online"
