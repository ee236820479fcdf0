"""accessibility_statement: declared RGAA conformity, from the footer mention and the statement page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.accessibility_statement import check, parse_date, parse_rate, parse_version
from checks.readings.text import fold
from tests.checks.pages import capture, landing, page_from_html

STATEMENT_URL = "https://service.example.gouv.fr/accessibilite"
REALWORLD = Path("/work/shared/realworld")

STATEMENT = """<main><h1>Déclaration d’accessibilité</h1>
<p>Le ministère s’engage à rendre ses sites internet accessibles conformément à l’article 47 de la loi n° 2005-102.</p>
<h2>État de conformité</h2>
<p>Le site Mon Service est {level} conforme avec le référentiel général d’amélioration de l’accessibilité (RGAA),
version 4.1 en raison des non-conformités énumérées ci-dessous.</p>
<h2>Résultats des tests</h2>
<p>L’audit de conformité réalisé par la société Access révèle que 74,5 % des critères du RGAA version 4.1 sont respectés.</p>
<p>Cette déclaration a été établie le 12 mars 2025. Elle a été mise à jour le 3 janvier 2026.</p></main>"""


def footer(mention: str, href: str = "/accessibilite") -> str:
    return f'<footer><ul><li><a href="/mentions-legales">Mentions légales</a></li><li><a href="{href}">{mention}</a></li></ul></footer>'


def status(body: str) -> str:
    return check(capture(landing(body))).status


# --- Footer mention -------------------------------------------------------------------------------

@pytest.mark.parametrize("mention, expected", [
    ("Accessibilité : totalement conforme", "totalement"),
    ("Accessibilité : partiellement conforme", "partiellement"),
    ("Accessibilité : non conforme", "non"),
    ("ACCESSIBILITÉ : PARTIELLEMENT CONFORME", "partiellement"),
    ("Accessibilité&nbsp;: non conforme", "non"),
    ("Accessibilité: non conforme", "non"),
    ("Accessibilité : non-conforme", "non"),
    ("Accessibilité : conformité partielle", "partiellement"),
    ("Accessibilité : conformité totale", "totalement"),
    ("Accessibilité : non-conformité", "non"),
    ("Accessibilité : site partiellement conforme", "partiellement"),
    ("Accessibilite : partiellement conforme", "partiellement"),
])
def test_footer_mention_variants(mention, expected):
    finding = check(capture(landing(footer(mention))))
    assert finding.status == expected
    assert finding.statement_url == STATEMENT_URL
    assert finding.evidence[0].selector.endswith("a")


def test_footer_mention_split_across_elements():
    body = '<footer><a href="/accessibilite">Accessibilité</a> : <strong>partiellement conforme</strong></footer>'
    finding = check(capture(landing(body)))
    assert finding.status == "partiellement"
    assert finding.statement_url == STATEMENT_URL


def test_footer_mention_on_separate_lines():
    assert status("<footer><div>Accessibilité :</div><div>non conforme</div></footer>") == "non"


def test_footer_mention_link_to_this_page_gives_no_statement_url():
    finding = check(capture(landing(footer("Accessibilité : non conforme", href="#"))))
    assert (finding.status, finding.statement_url) == ("non", None)


EMPTY_STATEMENT = "<h1>Accessibilité</h1><p>Page en construction.</p>"


def with_empty_statement(body: str) -> str:
    """Status of a landing page whose statement link leads to a visited page that declares nothing."""
    return check(capture(landing(body), page_from_html(EMPTY_STATEMENT, url=STATEMENT_URL, kind="accessibility"))).status


def test_prose_about_accessibility_is_not_a_mention():
    body = "<p>Nous visons une accessibilité conforme aux attentes de tous.</p><a href='/accessibilite'>Accessibilité</a>"
    assert with_empty_statement(body) == "absent"


def test_mention_inside_a_script_is_not_page_text():
    body = ('<script>window.i18n = {"footer": "Accessibilité : non conforme"}</script>'
            "<footer><a href='/accessibilite'>Accessibilité</a></footer>")
    assert with_empty_statement(body) == "absent"


def test_statement_link_that_was_not_followed_gives_unknown_not_absent():
    body = "<footer><a href='https://www.ministere.gouv.fr/accessibilite-du-service'>Déclaration d’accessibilité</a></footer>"
    finding = check(capture(landing(body)))
    assert finding.status == "unknown"
    assert finding.statement_url == "https://www.ministere.gouv.fr/accessibilite-du-service"
    assert "n’a pas été lue" in finding.reason


def test_landing_page_without_mention_nor_statement_link_is_absent():
    assert status("<footer><a href='/mentions-legales'>Mentions légales</a></footer>") == "absent"


# --- Statement page -------------------------------------------------------------------------------

def test_statement_page_gives_level_rate_version_and_date():
    pages = [landing(footer("Accessibilité : partiellement conforme")),
             page_from_html(STATEMENT.format(level="partiellement"), url=STATEMENT_URL, kind="accessibility")]
    finding = check(capture(*pages))
    assert finding.status == "partiellement"
    assert finding.rate == 74.5
    assert finding.rgaa_version == "4.1"
    assert finding.date == "2026-01-03"
    assert finding.statement_url == STATEMENT_URL
    assert "partiellement conforme avec le référentiel" in finding.evidence[0].excerpt
    assert finding.evidence[0].page_url == STATEMENT_URL


def test_statement_page_outranks_the_footer_mention():
    pages = [landing(footer("Accessibilité : totalement conforme")),
             page_from_html(STATEMENT.format(level="non"), url=STATEMENT_URL, kind="accessibility")]
    finding = check(capture(*pages))
    assert finding.status == "non"
    assert "la déclaration prévaut" in finding.reason


def test_declaration_found_on_a_page_not_classified_as_accessibility():
    pages = [landing("<p>Bienvenue</p>"),
             page_from_html(STATEMENT.format(level="totalement"), url="https://service.example.gouv.fr/aide", kind="other")]
    finding = check(capture(*pages))
    assert finding.status == "totalement"
    assert finding.statement_url == "https://service.example.gouv.fr/aide"


@pytest.mark.parametrize("sentence, expected", [
    ("Le site est en conformité partielle avec le RGAA 4.1.", "partiellement"),
    ("Le service n’est pas conforme avec le RGAA.", "non"),
    ("Le site est en conformité totale avec le référentiel général d’amélioration de l’accessibilité.", "totalement"),
])
def test_declaration_sentence_variants(sentence, expected):
    page = page_from_html(f"<p>{sentence}</p>", url=STATEMENT_URL, kind="accessibility")
    assert check(capture(landing("<p>Accueil</p>"), page)).status == expected


def test_statement_with_a_rate_but_no_sentence_gets_the_status_of_its_rate():
    page = page_from_html("<p>Taux de conformité global : 42 %</p>", url=STATEMENT_URL, kind="accessibility")
    finding = check(capture(landing("<p>Accueil</p>"), page))
    assert (finding.status, finding.rate) == ("non", 42.0)


def test_visited_statement_page_that_declares_nothing_is_absent_with_its_url():
    page = page_from_html("<h1>Accessibilité</h1><p>Page en construction.</p>", url=STATEMENT_URL, kind="accessibility")
    finding = check(capture(landing("<p>Accueil</p>"), page))
    assert (finding.status, finding.statement_url) == ("absent", STATEMENT_URL)


def test_failed_statement_page_with_a_footer_mention_still_reads_the_mention():
    from tests.checks.pages import failed_page
    pages = [landing(footer("Accessibilité : partiellement conforme")),
             failed_page(STATEMENT_URL, kind="accessibility", error_class="http_4xx", error="HTTP 404")]
    finding = check(capture(*pages))
    assert (finding.status, finding.statement_url) == ("partiellement", STATEMENT_URL)


@pytest.mark.parametrize("text, rate", [
    ("74,5 % des critères du RGAA version 4.1 sont respectés", 74.5),
    ("74,5&nbsp;% des critères du RGAA sont respectés", 74.5),
    ("Le taux de conformité global est de 88 %.", 88.0),
    ("taux de conformité au RGAA : 51.25%", 51.25),
    ("Taux moyen de conformité : 80 %. 60 % des critères sont respectés.", 60.0),
])
def test_rate_forms(text, rate):
    page = page_from_html(f"<p>{text}</p>")
    assert parse_rate(fold(page.text))[0] == rate


@pytest.mark.parametrize("text, version", [
    ("référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1", "4.1"),
    ("avec le RGAA 4.1.2.", "4.1.2"),
    ("selon la version 3 du RGAA", "3"),
])
def test_rgaa_version_forms(text, version):
    assert parse_version(fold(text)) == version


@pytest.mark.parametrize("text, iso", [
    ("Cette déclaration a été établie le 12 mars 2025.", "2025-03-12"),
    ("Déclaration mise à jour le 1er février 2024", "2024-02-01"),
    ("Établie le 03/01/2024.", "2024-01-03"),
    ("Établie le 12 mars 2023, mise à jour le 5 août 2024", "2024-08-05"),
    ("Établie le 31/02/2024.", None),
])
def test_date_forms(text, iso):
    assert parse_date(fold(text)) == iso


# --- Real pages -----------------------------------------------------------------------------------

REAL = sorted(json.loads((REALWORLD / "labels.json").read_text()).items()) if (REALWORLD / "labels.json").exists() else []


@pytest.mark.skipif(not REAL, reason=f"{REALWORLD} is not available")
@pytest.mark.parametrize("name, labels", REAL, ids=[name for name, _ in REAL])
def test_real_public_sites_footer_mention(name, labels):
    html = (REALWORLD / name / "index.html").read_text(encoding="utf-8")
    page = page_from_html(html, url=f"https://{name}.example/")
    finding = check(capture(page))
    assert finding.status == labels["accessibility_statement"]
    assert finding.evidence and "Accessibilité" in finding.evidence[0].excerpt


# --- More mention and statement forms ------------------------------------------------------------------

@pytest.mark.parametrize("mention, expected", [
    ("Accessibilité\u202f: partiellement conforme", "partiellement"),  # narrow no-break space (French typography)
    ("accessibilité : totalement conforme", "totalement"),
    ("Accessibilité : Non Conforme", "non"),
])
def test_footer_mention_with_narrow_no_break_space_and_any_case(mention, expected):
    assert check(capture(landing(footer(mention)))).status == expected


@pytest.mark.parametrize("label", ["Accessibilité", "Déclaration d’accessibilité"])
def test_link_named_accessibilite_leads_to_the_statement_that_gives_the_status(label):
    pages = [landing(f"<footer><a href='/accessibilite'>{label}</a></footer>"),
             page_from_html(STATEMENT.format(level="partiellement"), url=STATEMENT_URL, kind="accessibility")]
    finding = check(capture(*pages))
    assert (finding.status, finding.rate, finding.statement_url) == ("partiellement", 74.5, STATEMENT_URL)


@pytest.mark.parametrize("text, rate, version", [
    ("61,3 % des critères du RGAA version 4 sont respectés.", 61.3, "4"),
    ("Le site est partiellement conforme avec le RGAA 4.1.2 : 82,05 % des critères du RGAA sont respectés.", 82.05, "4.1.2"),
    ("Le site est partiellement conforme avec le référentiel général d’amélioration de l’accessibilité, "
     "version 4.1. 74,5 % des critères du RGAA version 4.1 sont respectés.", 74.5, "4.1"),
])
def test_statement_rate_with_comma_decimals_and_rgaa_version_forms(text, rate, version):
    page = page_from_html(f"<main><p>{text}</p></main>", url=STATEMENT_URL, kind="accessibility")
    finding = check(capture(landing("<p>Accueil</p>"), page))
    assert (finding.status, finding.rate, finding.rgaa_version) == ("partiellement", rate, version)


@pytest.mark.parametrize("text, iso", [
    ("Cette déclaration a été établie le 12/03/2025.", "2025-03-12"),
    ("Déclaration établie le 4 juin 2021 et mise à jour le 3 février 2026.", "2026-02-03"),
    ("Date de publication de la déclaration : 15/09/2024", "2024-09-15"),
    ("Date de la dernière mise à jour : 1er octobre 2023", "2023-10-01"),
    ("Cette déclaration a été réalisée le 20 mai 2022.", "2022-05-20"),
])
def test_more_date_forms(text, iso):
    assert parse_date(fold(text)) == iso


def statement_dated(when: str, captured: str):
    from datetime import datetime, timezone

    page = page_from_html(f"<main><p>Le site est partiellement conforme avec le RGAA 4.1.</p><p>{when}</p></main>",
                          url=STATEMENT_URL, kind="accessibility")
    result = capture(landing("<p>Accueil</p>"), page)
    result.started_at = datetime.fromisoformat(captured).replace(tzinfo=timezone.utc)
    return check(result)


def test_statement_over_three_years_old_is_expired():
    finding = statement_dated("Cette déclaration a été établie le 12 mars 2022.", captured="2025-03-13")
    assert (finding.date, finding.expired) == ("2022-03-12", True)


def test_statement_of_exactly_three_years_or_less_is_not_expired():
    assert statement_dated("Établie le 12 mars 2022.", captured="2025-03-12").expired is False
    assert statement_dated("Établie le 12/03/2019, mise à jour le 2 janvier 2025.", captured="2026-06-01").expired is False


def test_statement_without_a_date_has_no_expiry():
    finding = statement_dated("Déclaration en cours de rédaction.", captured="2026-01-01")
    assert (finding.date, finding.expired) == (None, None)


@pytest.mark.parametrize("link", [
    '<a href="/documents/schema-pluriannuel-2024-2026.pdf">Schéma pluriannuel de mise en accessibilité 2024-2026</a>',
    '<a href="/schema_pluriannuel">Consulter notre schéma pluri-annuel</a>',
    '<a href="/docs/spma.pdf">Schéma pluriannuel</a>',
])
def test_schema_pluriannuel_link_is_reported(link):
    page = page_from_html(STATEMENT.format(level="partiellement").replace("</main>", f"<p>{link}</p></main>"),
                          url=STATEMENT_URL, kind="accessibility")
    finding = check(capture(landing(footer("Accessibilité : partiellement conforme")), page))
    assert finding.schema_pluriannuel_url.startswith("https://service.example.gouv.fr/")
    assert finding.schema_pluriannuel_url.rsplit("/", 1)[-1] in link


def test_failed_statement_page_without_mention_is_unknown():
    from tests.checks.pages import failed_page

    pages = [landing("<footer><a href='/accessibilite'>Accessibilité</a></footer>"),
             failed_page(STATEMENT_URL, kind="accessibility", error_class="http_5xx", error="HTTP 500")]
    finding = check(capture(*pages))
    assert finding.status == "unknown"
    assert "erreur du serveur (5xx)" in finding.reason


# --- Definitions of the levels are not the result --------------------------------------------------

LEGEND = """<p>Les niveaux de conformité possibles sont les suivants :</p><ul>
<li>totalement conforme : 100 % des critères du RGAA sont respectés ;</li>
<li>partiellement conforme : au moins 50 % des critères du RGAA sont respectés ;</li>
<li>non conforme : moins de 50 % des critères du RGAA sont respectés.</li></ul>"""


def statement_page(body: str):
    return capture(landing("<p>Bienvenue</p>"),
                   page_from_html(f"<html><body><main>{body}</main></body></html>", url=STATEMENT_URL,
                                  kind="accessibility"))


def test_the_rate_is_the_audits_result_not_the_legend_of_the_levels_before_it():
    finding = check(statement_page(LEGEND + "<p>L’audit révèle que 74,2 % des critères du RGAA version 4.1 sont "
                                            "respectés.</p>"))
    assert (finding.status, finding.rate) == ("partiellement", 74.2)


@pytest.mark.parametrize("definition", [
    "Non conforme : moins de 50 % des critères sont respectés.",
    "Un site est non conforme lorsque moins de 50 % des critères du RGAA sont respectés.",
    "Partiellement conforme : au moins 50 % des critères ; totalement conforme : 100 % des critères.",
    "Le site est dit partiellement conforme quand plus de 50 % des critères du RGAA sont respectés.",
    "Un taux supérieur à 50 % des critères signifie une conformité partielle.",
])
def test_a_definition_is_never_read_as_the_rate(definition):
    assert parse_rate(fold(definition)) is None
    assert parse_rate(fold(definition + " Résultat : le taux de conformité global est de 38 %."))[0] == 38.0


def test_without_a_status_sentence_the_status_follows_the_result_not_the_definition():
    finding = check(statement_page("<p>Pour rappel, un site est non conforme lorsque moins de 50 % des critères du "
                                   "RGAA sont respectés.</p><p>Le taux de conformité global du site est de 38 %.</p>"))
    assert (finding.status, finding.rate) == ("non", 38.0)


def test_a_generic_definition_sentence_is_not_the_declaration():
    finding = check(statement_page(
        "<p>Un site est partiellement conforme au RGAA lorsque au moins 50 % de ses critères sont respectés.</p>"
        "<p>Le site des démarches n’est pas conforme avec le RGAA 4.1 : 31,5 % des critères du RGAA sont "
        "respectés.</p>"))
    assert (finding.status, finding.rate) == ("non", 31.5)
