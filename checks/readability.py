"""How plain is the French text? Kandel & Moles, on a 0–10 scale (higher is plainer).

Text: the main content of the loaded pages (`checks.readings.dom.main_text`: `<main>`, else the
`<article>`s, else the body; navigation, the page header and footer, dialogs and cookie banners
left out), line by line, each line kept once across all pages (blocks repeated on every page
count once). The accessibility statement is not read: it is a legal template whose wording the
service does not choose. Lines of one or two words are labels (menu items, buttons, headings such
as "Accueil" or "Mentions légales"), not prose, and are left out. A line that does not end a
sentence is ended with a full stop: lines are blocks, and without it a list or a table would
read as one endless sentence.

Score: Kandel & Moles (the French adaptation of Flesch: 207 − 1.015 × words/sentences − 73.6 ×
syllables/words) as computed by `textstat` with the French settings (syllables from pyphen's
French dictionary); `words` is textstat's lexicon count.

The 0–10 score is the Kandel & Moles value clamped to [0, 100] and divided by ten, rounded to
one decimal: score = round(clamp(kandel_moles, 0, 100) / 10, 1). Linear, so the bands of the
Flesch scale keep their meaning:

    score   Kandel & Moles   reading
    9–10    90–100           très facile (short sentences, everyday words)
    8–9     80–90            facile
    7–8     70–80            assez facile
    6–7     60–70            standard (a plain-language target for public services)
    5–6     50–60            assez difficile
    3–5     30–50            difficile (most administrative pages)
    0–3     0–30             très difficile (legal and regulatory prose; below 0 is clamped)

`unknown` below 30 words: too little text to measure.

textstat keeps its language in module-level state (`textstat.set_lang`), shared by everything in
the process. This module never touches it: it owns a private `textstatistics` instance set to
French once, here and nowhere else.
"""

from __future__ import annotations

import re
import threading
from typing import ClassVar

from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import ALL_BUT_STATEMENT, landing_unknown, page_address, pages_read
from checks.readings.dom import main_text
from foundation import formatting, vocabulary
from foundation.grid import UNKNOWN, IndicatorSpec, Level, score_level
from probes.models import ServiceCapture

MIN_WORDS = 30
MIN_LINE_WORDS = 3
LANG = "fr"

_lock = threading.Lock()  # the instance is not documented as thread-safe
_french = None  # created on first use: importing textstat loads nltk (~0.4 s)
_SENTENCE_END = re.compile(r"[.!?…:;]$")


def kandel_moles(text: str) -> tuple[float, int]:
    """(Kandel & Moles score, lexicon count) of a French text."""
    global _french
    with _lock:
        if _french is None:
            from textstat.textstat import textstatistics

            _french = textstatistics()
            _french.set_lang(LANG)
            _french.set_rounding_points(None)
        return float(_french.flesch_reading_ease(text)), int(_french.lexicon_count(text))


def score_of(kandel_moles_value: float) -> float:
    """The 0–10 score of a Kandel & Moles value (see the table above)."""
    return round(min(max(kandel_moles_value, 0.0), 100.0) / 10, 1)


def prose_lines(texts: list[str]) -> list[str]:
    """Distinct lines of prose across texts, in order, each ending a sentence."""
    seen: set[str] = set()
    lines: list[str] = []
    for text in texts:
        for raw in text.splitlines():
            line = " ".join(raw.split())
            if not line or line in seen:
                continue
            seen.add(line)
            if len(line.split()) < MIN_LINE_WORDS:
                continue
            lines.append(line if _SENTENCE_END.search(line) else line + ".")
    return lines


READABILITY = IndicatorSpec("readability", "Lisibilité des textes (formule, mesure Veilleur)", "probe (readability check)",
                            "readability score out of 10", kind="score", position=50)


def readability_level(status: str | None, score: float | None) -> Level:
    if status != "measured" or score is None:
        return UNKNOWN
    return score_level(score)


def _readability(finding: ReadabilityFinding, visit: Visit) -> Reading:
    score = READABILITY.published(float(finding.score)) if finding.score is not None else None
    return Reading(readability_level(finding.status, score), score,
                   f"{finding.words} mots analysés" if finding.words else finding.reason)


class ReadabilityFinding(Finding):
    check: ClassVar[str] = "readability"
    statuses: ClassVar[tuple[str, ...]] = ("measured", "unknown")
    label: ClassVar[str] = "Clarté du langage"
    short_label: ClassVar[str] = "lisibilité"
    position: ClassVar[int] = 60
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(READABILITY, _readability, history="Clarté du langage (sur 10)"),)

    score: float | None = None
    kandel_moles: float | None = None
    words: int | None = None

    def headline(self) -> str:
        return formatting.score(self.score)


FINDING = ReadabilityFinding

def check(capture: ServiceCapture) -> ReadabilityFinding:
    if unknown := landing_unknown(capture, ReadabilityFinding):
        return unknown
    pages = pages_read(capture, ALL_BUT_STATEMENT)
    lines = prose_lines([main_text(p) for p in pages])
    text = "\n".join(lines)
    score, words = kandel_moles(text) if text else (0.0, 0)
    evidence = [Evidence(page_url=page_address(p), note=f"texte principal mesuré sur {vocabulary.the_page(p.kind)}") for p in pages]
    if words < MIN_WORDS:
        return ReadabilityFinding(
            status="unknown", words=words, evidence=evidence,
            reason=(f"Seulement {vocabulary.count(words, 'mot', 'mots')} de texte suivi sur "
                    f"{vocabulary.count(len(pages), 'page chargée', 'pages chargées')} : "
                    f"il en faut au moins {vocabulary.integer(MIN_WORDS)} pour un score fiable."),
        )
    return ReadabilityFinding(
        status="measured",
        reason=(f"{vocabulary.count(words, 'mot', 'mots')} en {vocabulary.count(len(lines), 'ligne', 'lignes')} "
                f"de texte suivi, sur {vocabulary.count(len(pages), 'page', 'pages')} : "
                f"{vocabulary.pages(p.kind for p in pages)}."),
        score=score_of(score),
        kandel_moles=round(score, 1),
        words=words,
        evidence=evidence,
    )
