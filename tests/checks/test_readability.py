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
    assert "6 word" in finding.reason


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
