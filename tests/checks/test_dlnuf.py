"""dlnuf: which supporting documents does the service ask for, and which does the administration hold?"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from checks.dlnuf import (
    CATALOGUE,
    DATA_FILE,
    DlnufFinding,
    check,
    free_name,
    identify,
    dlnuf_measured_level,
    load_catalogue,
    named_in,
)
from checks.models import Visit
from foundation.tones import Tone
from tests.checks.pages import capture, failed_page, landing

CONTACT = "https://service.example.gouv.fr/contact"
FC_BUTTON = ('<button class="fr-connect" type="button"><span class="fr-connect__login">S’identifier avec</span>'
             '<span class="fr-connect__brand">FranceConnect</span></button>')


def _found(body: str, *more) -> DlnufFinding:
    return check(capture(landing(body), *more))


def _documents(body: str) -> tuple[list[str], list[str]]:
    finding = _found(body)
    assert finding.status == "measured", finding.reason
    return finding.documents, finding.held


def _list(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


# ------------------------------------------------------------------------------------------------
# Where the documents are listed


def test_a_dsfr_accordion_of_supporting_documents_is_read_closed():
    body = ('<section class="fr-accordion"><h3 class="fr-accordion__title"><button class="fr-accordion__btn" '
            'aria-expanded="false" aria-controls="acc">Pièces justificatives</button></h3>'
            f'<div class="fr-collapse" id="acc">{_list("Copie du dernier avis d’imposition", "RIB")}</div></section>')
    finding = _found(body)
    assert (finding.documents, finding.held) == (["avis d'imposition", "RIB"], ["avis d'imposition"])
    first = finding.evidence[0]
    assert first.selector == "#acc > ul > li:nth-of-type(1)"
    assert first.excerpt == "Copie du dernier avis d’imposition"
    assert "Pièces justificatives" in first.note and "API Impôt particulier" in first.note


def test_a_heading_s_lists_run_until_the_next_heading_of_its_level():
    body = (f"<h2>Documents à fournir</h2><p>Pour tous :</p>{_list('Justificatif de domicile')}"
            f"<h3>Si vous êtes étudiant</h3>{_list('Certificat de scolarité')}"
            f"<h2>Comment faire ?</h2>{_list('Créez votre compte', 'Remplissez le formulaire')}")
    assert _documents(body) == (["justificatif de domicile", "certificat de scolarité"], ["certificat de scolarité"])


@pytest.mark.parametrize("body", [
    f"<details><summary>Quels documents fournir ?</summary>{_list('Livret de famille')}</details>",
    "<dl><dt>Pièces à joindre</dt><dd>Livret de famille</dd><dt>Délai</dt><dd>Deux mois</dd></dl>",
    f"<p>Vous devez fournir les documents suivants :</p>{_list('le livret de famille ;')}",
    f"<p><strong>Pièces à fournir</strong></p>{_list('Livret de famille')}",
    f'<div class="pieces-justificatives">{_list("Livret de famille")}</div>',
    f'<h3><button aria-controls="p">Documents nécessaires</button></h3><div id="p" hidden>{_list("Livret de famille")}</div>',
    f"<fieldset><legend>Justificatifs à joindre</legend>{_list('Livret de famille')}</fieldset>",
])
def test_every_way_of_announcing_a_list_of_documents_is_read(body):
    assert _documents(body) == (["livret de famille"], [])


def test_lists_that_announce_no_documents_are_not_read():
    body = (f"<h2>Comment faire ?</h2>{_list('Créez votre compte')}<p>À savoir</p>{_list('Délai : deux mois')}"
            '<form method="post" action="/x"><input name="a"><input name="b"><input name="c"><input name="d"></form>')
    assert _documents(body) == ([], [])


def test_a_paragraph_without_a_colon_introduces_nothing():
    body = f"<p>Les pièces justificatives seront vérifiées par un agent</p>{_list('Délai : deux mois')}"
    assert _found(body).status == "unknown"


def test_an_item_that_asks_for_information_asks_for_no_document():
    body = (f"<h2>Ce qu’il vous faut</h2>"
            f"{_list('Votre numéro fiscal : il figure sur votre dernier avis d’impôt.', 'Votre mot de passe.', 'Un RIB.')}")
    assert _documents(body) == (["RIB"], [])


def test_an_item_naming_documents_with_et_asks_for_each():
    body = f"<h2>Pièces à apporter</h2>{_list('Vos derniers bulletins de salaire et votre attestation employeur.')}"
    assert _documents(body) == (["bulletins de salaire", "attestation employeur"], [])


def test_a_nested_list_gives_examples_of_its_item():
    body = ("<h2>Pièces justificatives</h2><ul><li>Un justificatif de domicile, au choix :"
            f"{_list('facture d’électricité', 'quittance de loyer')}</li><li>Une photo d’identité</li></ul>")
    assert _documents(body) == (["justificatif de domicile", "photo d'identité"], [])


# ------------------------------------------------------------------------------------------------
# Upload fields


@pytest.mark.parametrize("field", [
    '<label for="u">Avis d’impôt 2025</label><input type="file" id="u" name="file_1">',
    '<label>Avis d’impôt 2025 <input type="file" name="file_1"></label>',
    '<input type="file" name="file_1" aria-label="Avis d’impôt 2025">',
    '<span id="l">Avis d’impôt 2025</span><input type="file" name="file_1" aria-labelledby="l">',
    ('<div class="fr-upload-group"><label class="fr-label" for="u">Avis d’impôt 2025'
     '<span class="fr-hint-text">Taille maximale : 5 Mo.</span></label><input class="fr-upload" type="file" id="u"></div>'),
    '<fieldset><legend>Avis d’impôt 2025</legend><input type="file" name="file_1"></fieldset>',
    '<input type="file" name="piece_3" title="Avis d’impôt 2025">',
])
def test_an_upload_field_is_named_by_its_label(field):
    body = f'<form method="post" action="/depot" enctype="multipart/form-data">{field}</form>'
    assert _documents(body) == (["avis d'imposition"], ["avis d'imposition"])


def test_an_unlabelled_upload_field_is_named_by_its_name():
    body = '<form method="post" action="/depot"><input type="file" name="rib_titulaire"></form>'
    assert _documents(body) == (["RIB"], [])


def test_without_the_dom_the_collector_s_labels_of_file_fields_are_read():
    page = landing('<form method="post" action="/d"><input type="file" name="f"></form>')
    page.html = ""
    page.forms[0].fields[0].label = "Avis d’imposition"
    assert check(capture(page)).documents == ["avis d'imposition"]


def test_a_label_unknown_to_the_catalogue_keeps_its_words_without_its_hint():
    body = ('<form method="post" action="/d"><div class="fr-upload-group"><label for="u">Relevé de notes du baccalauréat'
            '<span class="fr-hint-text">Formats supportés : pdf.</span></label><input type="file" id="u"></div></form>')
    assert _documents(body) == (["relevé de notes du baccalauréat"], [])


@pytest.mark.parametrize("label", ["Pièce jointe", "Autre document", "Parcourir", "Fichier 2", "Autres pièces justificatives"])
def test_a_generic_upload_label_names_no_document(label):
    body = f'<form method="post" action="/d"><label for="u">{label}</label><input type="file" id="u"></form>'
    assert _documents(body) == ([], [])


def test_a_document_listed_and_asked_as_an_upload_counts_once():
    body = (f"<h2>Justificatifs demandés</h2>{_list('Attestation de paiement du RSA', 'RIB')}"
            '<form method="post" action="/d"><label for="a">Attestation RSA</label><input type="file" id="a">'
            '<label for="b">RIB</label><input type="file" id="b"></form>')
    assert _documents(body) == (["attestation RSA", "RIB"], ["attestation RSA"])


# ------------------------------------------------------------------------------------------------
# Sentences


def test_a_sentence_asking_for_documents_names_them():
    body = "<main><p>Munissez-vous de votre dernier avis d’imposition et d’un RIB.</p></main>"
    assert _documents(body) == (["avis d'imposition", "RIB"], ["avis d'imposition"])


@pytest.mark.parametrize("sentence", [
    "Vous n’avez pas à fournir votre avis d’imposition.",
    "Nous récupérons votre avis d’imposition auprès des impôts : rien à joindre.",
    "FranceConnect transmet automatiquement votre avis d’imposition.",
])
def test_a_sentence_saying_a_document_is_not_asked_names_none(sentence):
    assert _found(f"<main><p>{sentence}</p></main>").status == "unknown"


# ------------------------------------------------------------------------------------------------
# Held


def test_the_identity_counts_as_held_only_when_the_site_offers_franceconnect():
    items = f"<h2>Pièces à joindre</h2>{_list('Carte d’identité ou passeport', 'RIB')}"
    without = _found(items)
    assert (without.documents, without.held) == (["pièce d'identité", "RIB"], [])
    assert "ne compte pas comme détenue" in without.reason
    with_fc = _found(FC_BUTTON + items)
    assert (with_fc.documents, with_fc.held) == (["pièce d'identité", "RIB"], ["pièce d'identité"])
    assert any("FranceConnect proposé" in (e.note or "") for e in with_fc.evidence)


def test_a_franceconnect_button_on_the_login_page_counts():
    login = landing(FC_BUTTON, url="https://service.example.gouv.fr/connexion", kind="login")
    finding = check(capture(landing(f"<h2>Pièces à fournir</h2>{_list('Passeport')}"), login))
    assert finding.held == ["pièce d'identité"]


def test_company_documents_are_held_through_api_entreprise():
    body = f"<h2>Constituer votre dossier</h2>{_list('Extrait K-bis', 'Attestation de vigilance URSSAF', 'Devis')}"
    finding = _found(body)
    assert finding.held == ["extrait Kbis", "attestation de vigilance URSSAF"]
    assert "API Entreprise" in finding.evidence[0].note


def test_the_reason_counts_the_documents_and_names_the_held_ones():
    finding = _found(f"<h2>Pièces justificatives</h2>{_list('Avis d’imposition', 'Acte de naissance', 'RIB')}")
    assert finding.reason == ("3 pièces demandées (avis d'imposition, acte de naissance et RIB), dont 2 que "
                              "l’administration détient déjà (avis d'imposition et acte de naissance).")
    assert finding.headline() == "2 pièces détenues sur 3"


# ------------------------------------------------------------------------------------------------
# Naming documents


@pytest.mark.parametrize("item, name", [
    ("Justificatif de domicile de moins de 3 mois (facture d’électricité, quittance de loyer)", "justificatif de domicile"),
    ("Attestation de droits CAF", "attestation de quotient familial"),
    ("Avis de situation déclarative à l’impôt sur le revenu", "avis d'imposition"),
    ("AVIS D’IMPOT SUR LE REVENU", "avis d'imposition"),
    ("releve d'identite bancaire", "RIB"),
    ("Facture d’électricité", "justificatif de domicile"),
    ("Facture d’achat du vélo", "facture"),
    ("Notification conditionnelle de bourse", "attestation de bourse"),
])
def test_an_item_is_named_by_the_document_it_mentions_first(item, name):
    assert identify(item).name == name


def test_a_sentence_can_name_several_documents_in_order():
    assert [d.name for d in named_in("joignez un RIB, votre avis d'imposition et un RIB")] == ["RIB", "avis d'imposition"]


@pytest.mark.parametrize("item, name", [
    ("Plan de situation du terrain (échelle 1/25 000)", "plan de situation du terrain"),
    ("Une copie recto-verso du carnet de vaccination", "carnet de vaccination"),
    ("Photographies du terrain : vue proche et vue lointaine", "photographies du terrain"),
    ("Budget prévisionnel signé", "budget prévisionnel"),
    ("PV d’assemblée générale", "PV d’assemblée générale"),
    ("Les documents doivent être lisibles et au format PDF", None),
    ("Tout document utile", None),
    ("Décrivez en quelques mots la situation de votre foyer et les raisons pour lesquelles vous demandez cette aide",
     None),
])
def test_an_item_unknown_to_the_catalogue_keeps_its_own_words(item, name):
    assert free_name(item) == name


# ------------------------------------------------------------------------------------------------
# Measured, or unknown


def test_a_procedure_form_without_any_document_asked_is_measured_empty():
    body = ('<form method="post" action="/inscription"><input name="nom"><input name="prenoms">'
            '<input type="date" name="naissance"><input name="adresse"></form>')
    finding = _found(body)
    assert (finding.status, finding.documents, finding.held) == ("measured", [], [])
    assert finding.headline() == "aucune pièce demandée"
    assert finding.evidence[0].selector.endswith("form")


def test_no_list_and_no_form_is_unknown():
    finding = _found(f"<h1>La prime de Noël</h1>{_list('Montant : 152,45 €')}")
    assert finding.status == "unknown"
    assert finding.reason.startswith("Ni liste de pièces justificatives")
    assert finding.headline() == ""


def test_a_failed_page_may_ask_for_more_documents():
    contact = failed_page(CONTACT, kind="contact", error_class="http_4xx", error="HTTP 404")
    finding = check(capture(landing(f"<h2>Pièces à fournir</h2>{_list('RIB')}"), contact))
    assert finding.status == "unknown"
    assert finding.reason.startswith("1 pièce demandée trouvée sur les pages chargées")
    assert CONTACT in finding.reason


def test_a_failed_landing_page_is_unknown():
    assert check(capture(failed_page(error_class="timeout"))).status == "unknown"


# ------------------------------------------------------------------------------------------------
# The indicator's level


@pytest.mark.parametrize("held, tone", [(0, Tone.GOOD), (1, Tone.GOOD), (2, Tone.MEDIUM), (4, Tone.MEDIUM),
                                        (5, Tone.BAD), (9, Tone.BAD)])
def test_the_level_grades_the_held_documents_still_asked(held, tone):
    assert dlnuf_measured_level("measured", held).tone is tone


def test_an_unmeasured_finding_has_no_level():
    assert dlnuf_measured_level("unknown", None).tone is Tone.UNKNOWN
    feed, = DlnufFinding.indicators
    measured = DlnufFinding(status="measured", documents=["RIB", "avis d'imposition"], held=["avis d'imposition"])
    assert feed.reading(measured, Visit()).level.tone is Tone.GOOD
    assert feed.reading(DlnufFinding(status="unknown"), Visit()).level.tone is Tone.UNKNOWN


# ------------------------------------------------------------------------------------------------
# The catalogue


def test_the_catalogue_is_versioned_dated_and_cites_its_sources():
    assert CATALOGUE.version >= 1 and CATALOGUE.date.year >= 2026
    for name, exchange in CATALOGUE.exchanges.items():
        assert all(urlsplit(url).scheme == "https" for url in exchange["sources"]), name
    held = [d for d in CATALOGUE.documents if d.held]
    assert {d.exchange for d in held} == {"API Impôt particulier", "API Particulier", "COMEDEC", "FranceConnect",
                                          "API Entreprise"}
    assert len({d.name for d in CATALOGUE.documents}) == len(CATALOGUE.documents)


@pytest.mark.parametrize("text, mistake", [
    ("version: 1\ndate: 2026-11-30\ndocuments: [{name: RIB, held: true, patterns: [rib]}]", "names one of the exchanges"),
    ("version: 1\ndate: 2026-11-30\ndocuments: [{name: RIB, held: maybe, patterns: [rib]}]", "'held' is true"),
    ("version: 1\ndate: 2026-11-30\ndocuments: [{name: RIB, held: false, patterns: ['(']}]", "bad pattern"),
    ("documents: []", "'version'"),
    ("version: 1\ndate: 2026-11-30\nexchanges: {API X: {provider: X}}\ndocuments: []", "cite its sources"),
])
def test_a_mistake_in_the_data_file_names_the_file_and_the_entry(text, mistake):
    with pytest.raises(ValueError, match=mistake) as error:
        load_catalogue(text)
    assert str(error.value).startswith(DATA_FILE)
