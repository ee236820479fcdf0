"""readability: Kandel & Moles on the French main text, 0–10 (higher is plainer)."""

from __future__ import annotations

import textstat
from textstat.backend import counts

from checks.readability import check, kandel_moles, prose_lines
from tests.checks.pages import capture, landing

PLAIN = ("<p>Pour faire votre demande, vous devez avoir un compte. Vous pouvez créer votre compte en ligne. "
         "Si vous avez besoin d’aide, appelez-nous. Nous répondons du lundi au vendredi. "
         "La démarche est gratuite et elle prend dix minutes.</p>")
HARD = ("<p>L’administration, conformément aux dispositions réglementaires susmentionnées et nonobstant "
        "l’interprétation jurisprudentielle préalablement évoquée, procède systématiquement à l’instruction "
        "approfondie, contradictoire et circonstanciée des sollicitations individuelles, préalablement à "
        "l’intervention d’une quelconque décision administrative définitive relativement à l’attribution "
        "éventuelle des prestations complémentaires.</p>")


def test_plain_french_text_is_measured_with_kandel_moles_on_a_ten_point_scale():
    finding = check(capture(landing(f"<main>{PLAIN}</main>")))
    assert finding.status == "measured"
    assert finding.words == 37
    assert 60 < finding.kandel_moles <= 100
    assert finding.score == round(min(max(finding.kandel_moles, 0), 100) / 10, 1)


def test_kandel_moles_is_the_french_flesch_formula():
    text = "\n".join(prose_lines([PLAIN.removeprefix("<p>").removesuffix("</p>").replace("’", "'")]))
    words, sentences, syllables = counts.count_words(text), counts.count_sentences(text), counts.count_syllables(text, "fr")
    expected = 207 - 1.015 * words / sentences - 73.6 * syllables / words
    assert abs(kandel_moles(text)[0] - expected) < 1e-9


def test_hard_administrative_prose_scores_lower_and_is_clamped_at_zero():
    plain = check(capture(landing(f"<main>{PLAIN}</main>")))
    hard = check(capture(landing(f"<main>{HARD}</main>")))
    assert hard.kandel_moles < plain.kandel_moles
    assert hard.kandel_moles < 0 and hard.score == 0.0


def test_fewer_than_thirty_words_is_unknown_and_says_how_many():
    finding = check(capture(landing("<main><p>Bienvenue sur le service en ligne.</p></main>")))
    assert finding.status == "unknown"
    assert finding.words == 6
    assert "6 mots" in finding.reason


def test_only_the_main_content_is_read():
    body = ("<nav><p>" + "Un menu très long avec beaucoup de mots inutiles ici. " * 10 + "</p></nav>"
            f"<main>{PLAIN}</main>")
    assert check(capture(landing(body))).words == 37


def test_lines_repeated_across_pages_count_once():
    shared = "<p>Ce site est édité par la direction du numérique du ministère.</p>"
    one = check(capture(landing(f"<main>{PLAIN}{shared}</main>")))
    two = check(capture(landing(f"<main>{PLAIN}{shared}</main>"),
                        landing(f"<main>{shared}</main>", url="https://service.example.gouv.fr/aide", kind="contact")))
    assert two.words == one.words


def test_menu_labels_of_one_or_two_words_are_not_prose():
    assert prose_lines(["Accueil\nMentions légales\nVous pouvez faire votre demande en ligne"]) == [
        "Vous pouvez faire votre demande en ligne."]


def test_textstat_global_language_is_left_untouched():
    page = landing(f"<main>{PLAIN}</main>")
    measured = "\n".join(prose_lines([page.main_text]))
    textstat.set_lang("de")  # whatever another part of the process chose (de: no cmudict download)
    try:
        german = textstat.flesch_reading_ease(measured)
        finding = check(capture(page))
        assert finding.kandel_moles == round(207 - 1.015 * 37 / counts.count_sentences(measured)
                                             - 73.6 * counts.count_syllables(measured, "fr") / 37, 1)
        assert abs(finding.kandel_moles - german) > 1  # French constants, not the global German ones
        assert textstat.flesch_reading_ease(measured) == german  # and the global state is as it was
    finally:
        textstat.set_lang("en_US")


# --- What is read: the main content only ------------------------------------------------------------

COOKIE_BANNER = ('<div id="tarteaucitronRoot"><div class="tarteaucitronAlertBig">Ce site utilise des cookies '
                 "pour mesurer l’audience et améliorer votre expérience de navigation sur nos pages.</div></div>")
CHROME = ("<header><p>Ministère de l’Intérieur et des Outre-mer, direction du numérique, service des titres.</p></header>"
          "<nav><ul><li>Accueil du portail des démarches</li><li>Toutes les démarches en ligne du ministère</li></ul></nav>"
          "<footer><p>Ce site est édité par la direction du numérique du ministère de l’Intérieur.</p></footer>")


def test_header_navigation_footer_and_cookie_banner_are_not_read_even_without_a_main_element():
    with_chrome = check(capture(landing(f"{COOKIE_BANNER}{CHROME}<div class='content'>{PLAIN}</div>")))
    alone = check(capture(landing(f"<div class='content'>{PLAIN}</div>")))
    assert with_chrome.words == alone.words == 37
    assert with_chrome.kandel_moles == alone.kandel_moles


def test_cookie_banner_inside_main_is_not_read():
    finding = check(capture(landing(f"<main>{PLAIN}<div class='fr-consent-banner'>{HARD}</div></main>")))
    assert finding.words == 37


def test_article_is_read_when_the_page_has_no_main():
    body = f"<div id='menu'><p>{HARD}</p></div><article>{PLAIN}</article>"
    assert check(capture(landing(body))).words == 37


def test_the_accessibility_statement_is_not_read():
    statement = landing(f"<main>{HARD}</main>", url="https://service.example.gouv.fr/accessibilite", kind="accessibility")
    assert check(capture(landing(f"<main>{PLAIN}</main>"), statement)).words == 37


# --- Real administrative texts ------------------------------------------------------------------------

def _measure(text: str):
    body = "<main>" + "".join(f"<p>{line}</p>" for line in text.splitlines()) + "</main>"
    return check(capture(landing(body)))


def test_real_administrative_texts_score_in_their_expected_order():
    from tests.checks.french_admin_texts import FALC, LEGAL, PRACTICAL, TEXTS

    assert len(TEXTS) >= 10
    scores = {t.name: _measure(t.text) for t in TEXTS}
    assert all(f.status == "measured" for f in scores.values())
    groups = {g: [scores[t.name].kandel_moles for t in TEXTS if t.group == g] for g in (FALC, PRACTICAL, LEGAL)}
    # Easy-to-read (FALC) above practical pages, practical pages above statute and regulation.
    assert min(groups[FALC]) > max(groups[PRACTICAL])
    assert min(groups[PRACTICAL]) > max(groups[LEGAL])
    # On the 0–10 scale: easy-to-read texts in the "facile" bands, legal texts in "très difficile/difficile".
    assert all(scores[t.name].score >= 8 for t in TEXTS if t.group == FALC)
    assert all(scores[t.name].score < 4 for t in TEXTS if t.group == LEGAL)


def test_score_is_kandel_moles_clamped_to_0_100_divided_by_ten():
    from checks.readability import score_of

    assert [score_of(v) for v in (-17.7, 0, 33.54, 61.25, 100, 112.3)] == [0.0, 0.0, 3.4, 6.1, 10.0, 10.0]


def test_closed_dialogs_and_parts_hidden_by_the_markup_are_not_read():
    body = (f"<main>{PLAIN}<dialog class='fr-modal'><p>{HARD}</p></dialog>"
            f"<div aria-hidden='true'><p>{HARD}</p></div><div style='display: none'><p>{HARD}</p></div></main>")
    assert check(capture(landing(body))).words == 37


def test_a_header_inside_an_article_is_part_of_its_text():
    body = ("<article><header><p>Publié par le service des titres de la préfecture de région.</p></header>"
            f"{PLAIN}</article>")
    assert check(capture(landing(body))).words == 37 + 11  # the header line has 11 words
