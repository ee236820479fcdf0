"""non_digital_alternative: is a phone number, a desk address or an appointment offered?"""

from __future__ import annotations

import pytest

from checks.non_digital_alternative import check
from tests.checks.pages import capture, landing


def finding(body: str):
    return check(capture(landing(body)))


# --- Phones ---------------------------------------------------------------------------------------

def test_international_form_is_reported_in_national_digits():
    result = finding("<p>Appelez le +33 (0)9 70 80 80 80, du lundi au vendredi.</p>")
    assert result.status == "present"
    assert result.phones == ["0970808080"]
    assert "+33 (0)9 70 80 80 80" in result.evidence[0].excerpt


def test_phones_are_deduplicated_in_order_of_appearance():
    result = finding("<p>Standard : 01 23 45 67 89. Assistance : 09.70.80.80.80.</p>"
                     "<footer>Tél. 01 23 45 67 89</footer>")
    assert result.phones == ["0123456789", "0970808080"]


def test_non_breaking_spaces_inside_a_number_are_tolerated():
    assert finding("<p>Téléphone&nbsp;: 01&nbsp;40&nbsp;56&nbsp;60&nbsp;00</p>").phones == ["0140566000"]


def test_tel_link_is_a_phone_and_points_at_the_link():
    result = finding('<a href="tel:+33140566000">Nous appeler</a>')
    assert result.phones == ["0140566000"]
    assert result.evidence[0].selector.endswith("a")


def test_overseas_number_is_reported_in_national_form():
    assert finding("<p>Antenne de La Réunion : +262 262 12 34 56</p>").phones == ["0262123456"]


def test_freephone_number_is_reported_in_national_form():
    assert finding("<p>Numéro vert : 0 800 12 34 56 (appel gratuit)</p>").phones == ["0800123456"]


@pytest.mark.parametrize("text, expected", [
    ("Allô Service Public : appelez le 3939 (service gratuit + prix d’un appel).", ["3939"]),
    ("Pour joindre l’Assurance retraite, composez le 39 60.", ["3960"]),
    ("Un conseiller vous répond au 3646 du lundi au vendredi.", ["3646"]),
    ("Numéro d’appel : 3949", ["3949"]),
    ("Besoin d’aide ? 3230 (service gratuit + prix d’un appel)", ["3230"]),  # call context after it
])
def test_short_service_numbers_count_near_call_words(text, expected):
    assert finding(f"<p>{text}</p>").phones == expected


def test_short_number_in_a_tel_link_counts_without_call_words():
    assert finding('<a href="tel:3646">3646</a>').phones == ["3646"]


@pytest.mark.parametrize("text", [
    "Appelez-nous : la réforme s’applique depuis le 1er janvier 2024.",
    "Téléphonez avant le 12/03/2025 pour un montant de 3 500 € ou 3500 euros.",
    "Le numéro de version du logiciel est 3.4.12 ; contactez le support.",
    "SIRET : 130 025 265 00013 — SIREN 130025265",
    "Fax : 01 44 55 66 77",
    "Code postal 75007 Paris, dossier traité en 3 jours",
])
def test_dates_prices_versions_siret_fax_and_postcodes_are_not_phones(text):
    result = finding(f"<p>{text}</p>")
    assert result.phones == []


# --- Addresses ------------------------------------------------------------------------------------

def test_postal_address_across_lines_is_normalised():
    result = finding("<address>Ministère des Solidarités<br>14 avenue Duquesne<br>75350&nbsp;PARIS 07 SP</address>")
    assert result.status == "present"
    assert result.addresses == ["14 avenue Duquesne 75350 PARIS"]


def test_address_with_bis_and_cedex():
    result = finding("<p>Préfecture, 1 bis rue de la Paix, 33000 Bordeaux Cedex 09.</p>")
    assert result.addresses == ["1 bis rue de la Paix, 33000 Bordeaux Cedex 09"]


@pytest.mark.parametrize("text, expected", [
    ("CAF de Paris, BP 123, 75750 Paris Cedex 19", "BP 123, 75750 Paris Cedex 19"),
    ("Centre de gestion – CS 70001 – 69401 Lyon Cedex 03", "CS 70001 – 69401 Lyon Cedex 03"),
])
def test_postbox_addresses(text, expected):
    assert finding(f"<p>{text}</p>").addresses == [expected]


def test_multi_word_town_names():
    result = finding("<p>Accueil : 2 place Marcel Paul, 93200 Saint-Denis</p><p>5 rue du Lac, 74000 Annecy-le-Vieux</p>")
    assert result.addresses == ["2 place Marcel Paul, 93200 Saint-Denis", "5 rue du Lac, 74000 Annecy-le-Vieux"]


@pytest.mark.parametrize("text", [
    "Code postal : 75007",
    "Depuis le 12 mars 2025, 75000 dossiers ont été traités.",
    "Les 3 avenants signés en 2024 concernent 15000 Aurillac.",
])
def test_postcodes_and_dates_alone_are_not_addresses(text):
    assert finding(f"<p>{text}</p>").addresses == []


# --- Appointment / desk ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Vous pouvez prendre rendez-vous en agence.",
    "Accueil sur rendez-vous uniquement.",
    "Horaires d’accueil du public : 9 h – 12 h.",
    "Rendez-vous au guichet de votre mairie.",
    "Trouvez un point d’accueil près de chez vous.",
    "Un conseiller France services vous accompagne.",
])
def test_appointment_or_desk_wording_is_present(text):
    result = finding(f"<p>{text}</p>")
    assert result.status == "present"
    assert result.appointment is True


@pytest.mark.parametrize("text", [
    "Le guichet unique numérique des entreprises.",
    "Effectuez votre démarche en ligne sur le Guichet Entreprises.",
])
def test_online_guichets_are_not_desks(text):
    assert finding(f"<p>{text}</p>").appointment is False


def test_page_with_only_online_channels_is_absent():
    result = finding("<p>Faites votre demande en ligne. Contactez-nous par le formulaire ou par courriel.</p>"
                     '<a href="mailto:contact@service.gouv.fr">Écrire</a>')
    assert result.status == "absent"
    assert (result.phones, result.addresses, result.appointment) == ([], [], False)


def test_phone_on_the_contact_page_only_is_found():
    pages = [landing("<p>Accueil</p>"),
             landing("<p>Tél. : 01 23 45 67 89</p>", url="https://service.example.gouv.fr/contact", kind="contact")]
    result = check(capture(*pages))
    assert result.phones == ["0123456789"]
    assert result.evidence[0].page_url == "https://service.example.gouv.fr/contact"


# --- Number forms ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Standard : 01 40 56 60 00", "0140566000"),
    ("Standard : 01.40.56.60.00", "0140566000"),
    ("Standard : 01-40-56-60-00", "0140566000"),
    ("Depuis l’étranger : +33 (0)1 40 56 60 00", "0140566000"),
    ("Depuis l’étranger : +33 1 40 56 60 00", "0140566000"),
    ("Depuis l’étranger : 0033 1 40 56 60 00", "0140566000"),
])
def test_national_and_international_forms_give_the_national_digits(text, expected):
    assert finding(f"<p>{text}</p>").phones == [expected]


@pytest.mark.parametrize("text", [
    "Numéro de dossier : 06 12 34 56 78",
    "Référence de votre demande : 01 23 45 67 89",
    "Votre numéro fiscal figure sur votre avis d’imposition : 01 23 45 67 89.",
    "Formulaire cerfa n° 12100*03 et cerfa 15776*01",
    "En 2024, 3 250 000 demandes ont été traitées ; 1 200 000 en 2023.",
    "Le service a été créé en 2019 et compte 3 500 agents.",
])
def test_references_cerfa_counts_and_years_are_not_phones(text):
    assert finding(f"<p>{text}</p>").phones == []


@pytest.mark.parametrize("text", [
    "Numéro de dossier : 3939",
    "Cerfa n° 3230 à télécharger, puis contactez-nous par le formulaire.",
    "Article 3646 du code ; appelez votre conseiller via la messagerie.",
    "Code de la démarche : 3949",
])
def test_short_numbers_named_as_something_else_are_not_phones_even_near_call_words(text):
    assert finding(f"<p>{text}</p>").phones == []


# --- Desk and appointment wording -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Rendez-vous en agence avec votre pièce d’identité.",
    "Présentez-vous à la mairie de votre domicile.",
    "Une permanence est assurée le mardi matin.",
])
def test_going_to_a_desk_is_an_alternative(text):
    assert finding(f"<p>{text}</p>").appointment is True


@pytest.mark.parametrize("text", [
    "Rendez-vous sur votre espace personnel pour suivre votre demande.",
    "Rendez-vous sur impots.gouv.fr, rubrique « Mon espace ».",
])
def test_rendez_vous_sur_le_site_is_an_idiom_not_an_appointment(text):
    result = finding(f"<p>{text}</p>")
    assert (result.status, result.appointment) == ("absent", False)


def test_form_only_contact_is_absent():
    result = finding('<form action="/contact"><label>Votre message<textarea name="m"></textarea></label>'
                     '<button>Envoyer</button></form>')
    assert result.status == "absent"


# --- Which pages are read -------------------------------------------------------------------------------

STATEMENT_BOILERPLATE = ("<h2>Voies de recours</h2><p>Vous pouvez contacter le Défenseur des droits par téléphone "
                         "au 09 69 39 00 00, ou écrire par courrier : Défenseur des droits, Libre réponse 71120, "
                         "75342 Paris CEDEX 07. Vous pouvez aussi rencontrer un délégué.</p>")


def test_the_accessibility_statements_defenseur_des_droits_contacts_are_not_the_services():
    pages = [landing("<p>Faites votre demande en ligne.</p>"),
             landing(STATEMENT_BOILERPLATE, url="https://service.example.gouv.fr/accessibilite", kind="accessibility")]
    assert check(capture(*pages)).status == "absent"


def test_failed_contact_page_gives_unknown_but_a_failed_statement_page_does_not():
    from tests.checks.pages import failed_page

    home = landing("<p>Faites votre demande en ligne.</p>")
    contact = failed_page("https://service.example.gouv.fr/contact", kind="contact", error_class="http_5xx")
    statement = failed_page("https://service.example.gouv.fr/accessibilite", kind="accessibility",
                            error_class="http_4xx")
    assert check(capture(home, contact)).status == "unknown"
    assert check(capture(home, statement)).status == "absent"


# --- Offered, or kept in the page for no one -------------------------------------------------------

def test_a_phone_in_a_closed_accordion_is_offered():
    result = finding('<h3><button class="fr-accordion__btn" aria-expanded="false" aria-controls="acc-tel">'
                     'Par téléphone</button></h3><div class="fr-collapse" id="acc-tel" hidden>'
                     '<p>Nos conseillers vous répondent au 09 70 80 90 70, du lundi au vendredi.</p></div>')
    assert (result.status, result.phones) == ("present", ["0970809070"])
    assert "09 70 80 90 70" in result.evidence[0].excerpt


def test_an_address_in_a_closed_details_is_offered():
    result = finding("<details><summary>Venir nous voir</summary>"
                     "<p>Direction des finances<br>8 rue des Tanneurs, 67000 Strasbourg</p></details>")
    assert result.addresses == ["8 rue des Tanneurs, 67000 Strasbourg"]


@pytest.mark.parametrize("body", [
    '<p>La plateforme téléphonique est fermée.</p><div hidden><a href="tel:+33970808080">Appeler le service</a></div>',
    '<style>.tel { display: none }</style><p class="tel"><a href="tel:0970808080">Nous appeler</a></p>',
    '<template><p>Appelez le 09 70 80 80 80.</p></template>',
])
def test_a_phone_hidden_for_good_is_not_offered(body):
    assert finding(body).status == "absent"


# --- The Défenseur des droits is not the service ---------------------------------------------------

VOIES_DE_RECOURS = """<h2>Voies de recours</h2>
<p>Si vous n’obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits :</p>
<ul><li>par téléphone au 09 69 39 00 00 ;</li>
<li>par courrier (gratuit, ne pas mettre de timbre) : Défenseur des droits<br>Libre réponse 71120<br>
75342 Paris CEDEX 07</li>
</ul>"""


def test_the_defenders_number_and_address_quoted_as_a_way_of_appeal_are_not_the_services():
    assert finding(VOIES_DE_RECOURS).status == "absent"


def test_the_defenders_number_never_counts_not_even_as_a_tel_link():
    assert finding('<footer><a href="tel:0969390000">09 69 39 00 00</a></footer>').status == "absent"


def test_only_the_services_own_number_counts_beside_the_defenders():
    result = finding("<p>Appelez-nous au 03 20 30 40 50 (du lundi au vendredi).</p><h2>Réclamations</h2>"
                     "<p>En cas de désaccord, contactez le Défenseur des droits au 09 69 39 00 00 ou écrivez-lui : "
                     "Défenseur des droits, 7 rue Saint-Florentin, 75409 Paris Cedex 08.</p>")
    assert (result.phones, result.addresses) == (["0320304050"], [])


def test_a_delegate_of_the_defender_and_their_permanence_are_not_the_services_desk():
    result = finding("<p>Vous pouvez rencontrer un délégué du Défenseur des droits lors de sa permanence : "
                     "Maison de la justice et du droit, 12 rue des Lilas, 33000 Bordeaux, sur rendez-vous, "
                     '<a href="tel:0556000000">05 56 00 00 00</a>.</p>')
    assert result.status == "absent"


def test_a_number_written_just_before_the_defenders_name_is_the_defenders():
    assert finding("<p>Recours : 05 56 00 00 00 (Défenseur des droits, délégué de la Gironde).</p>").status == "absent"


def test_the_services_contact_after_the_way_of_appeal_counts_again():
    result = finding(VOIES_DE_RECOURS + "<h2>Nous contacter</h2><p>Accueil téléphonique : 01 40 50 60 70.</p>")
    assert result.phones == ["0140506070"]


def test_a_link_to_the_defender_among_useful_links_does_not_hide_the_next_line():
    result = finding("<footer><ul><li>Défenseur des droits</li><li>Service-public.fr</li></ul>"
                     "<p>Standard : 01 40 50 60 70</p></footer>")
    assert result.phones == ["0140506070"]


def test_the_defenders_postal_address_under_its_name_is_the_defenders():
    assert finding("<p>Écrire (sans timbre) :<br>Défenseur des droits<br>TSA 90716<br>75334 Paris Cedex 07</p>"
                   ).status == "absent"
