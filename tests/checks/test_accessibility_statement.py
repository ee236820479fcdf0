"""accessibility_statement: declared RGAA conformity, from the footer mention and the statement page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.accessibility_statement import check, parse_date, parse_rate, parse_version
from checks.text import fold
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


def test_prose_about_accessibility_is_not_a_mention():
    body = "<p>Nous visons une accessibilité conforme aux attentes de tous.</p><a href='/accessibilite'>Accessibilité</a>"
    assert status(body) == "absent"


def test_mention_inside_a_script_is_not_page_text():
    body = ('<script>window.i18n = {"footer": "Accessibilité : non conforme"}</script>'
            "<footer><a href='/accessibilite'>Accessibilité</a></footer>")
    assert status(body) == "absent"


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
    assert "prevails" in finding.reason


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
