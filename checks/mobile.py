"""Is the service usable on a phone: its pages read on a 360 × 640 px screen (`compatible`,
`incompatible` with its `problems`, or `unknown`).

Pages read: those of `probes.models.MOBILE_PAGE_KINDS` — the landing page and the key pages
where a person does the procedure or looks for help (login, contact, any other key page). The
accessibility statement is left out: a legal text in the site's template, which a phone shows as
it shows the landing page. The probe reads each after its desktop capture, in the same tab
resized to the phone's screen (no second load; see `probes.mobile`).

A page has, on that screen (each problem id as in `problems`, in this order):

- `viewport`: no `<meta name="viewport">` saying `width=device-width`. Without it a phone lays the
  page out on a 980 px desktop window shrunk to its screen, whatever the style sheets say. A meta
  with `initial-scale=1` and no width at all counts as saying it: browsers then take the screen's
  width.
- `overflow`: content wider than the screen. The page is wider than the screen (its scroll
  width), or cuts off what overflows (`overflow-x: hidden` on html or body), and a shown element
  reaches past the right edge (not a fixed layer, not inside a narrower box that scrolls or clips,
  as a table in its scrolling wrapper). The widest such element is named.
- `small_text`: more than 40 % of the shown text, counted in characters, under 12 px (computed
  font size). Lighthouse's "legible font sizes" audit draws the same line (at least 60 % of the
  text at 12 px or more). Characters rather than text nodes: a footer of one-word links must not
  weigh as much as the paragraphs.
- `target_size`: at least one touch target failing axe-core's `target-size` rule (WCAG 2.2,
  2.5.8: 24 × 24 px, or enough space around it), run alone at the phone's width.

Status: `incompatible` as soon as one page read has a problem (each problem found is evidence
enough, whatever the other pages). Otherwise `compatible` when every page of those kinds loaded
and was fully read on the phone's screen; `unknown` when one of them failed to load, when the
phone pass did not run on it (turned off, or broke), or when axe-core's target-size could not be
measured: the page not read may be the one with the problem. `unknown` too when the landing page
failed (see `checks.readings.coverage`).

Evidence points at the element (selector, HTML, text) with a note in French; it carries no box,
since boxes of the phone pass are on the phone's screenshot, not on the page's desktop one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field

from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import failure, landing_unknown, named, page_address
from checks.readings.text import collapse
from foundation import formatting, vocabulary
from foundation.grid import NO, UNKNOWN, YES, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import MOBILE_PAGE_KINDS, MobileReading, PageCapture, ServiceCapture

PROBLEMS = ("viewport", "overflow", "small_text", "target_size")
SMALL_TEXT_PX = 12.0
SMALL_TEXT_SHARE = 0.40  # of the shown characters
TARGET_SIZE_RULE = "target-size"
MAX_TARGETS_SHOWN = 3  # per page, in the evidence


MOBILE = IndicatorSpec("mobile", "Compatibilité mobile", "probe (mobile check)",
                       "status of the mobile check: compatible, incompatible, unknown", position=90)


def mobile_level(status: str | None) -> Level:
    """"Compatibilité mobile": usable on a 360 px wide phone screen (Oui) or not (Non)."""
    return {"compatible": YES, "incompatible": NO}.get(status or "", UNKNOWN)


def _mobile(finding: MobileFinding, visit: Visit) -> Reading:
    note = vocabulary.detail_value("problems", finding.problems) if finding.problems else finding.reason
    return Reading(mobile_level(finding.status), finding.status, note)


class MobileFinding(Finding):
    check: ClassVar[str] = "mobile"
    statuses: ClassVar[tuple[str, ...]] = ("compatible", "incompatible", "unknown")
    label: ClassVar[str] = "Usage sur téléphone"
    short_label: ClassVar[str] = "mobile"
    tones: ClassVar[Mapping[str, Tone]] = {"compatible": Tone.GOOD, "incompatible": Tone.BAD}
    position: ClassVar[int] = 90
    order: ClassVar[tuple[str, ...]] = ("incompatible", "compatible")
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(MOBILE, _mobile),)

    problems: list[str] = Field(default_factory=list)
    pages_measured: int = 0

    def headline(self) -> str:
        return vocabulary.count(len(self.problems), "problème", "problèmes") if self.problems else ""


FINDING = MobileFinding


# ---------------------------------------------------------------------------------------------
# Each problem on one page: None when the page does not have it, else its evidence.


def _viewport_width(content: str) -> str | None:
    """The `width` a viewport meta asks for; "device-width" also when it gives `initial-scale=1`
    and no width (browsers then take the screen's)."""
    pairs = {k.strip().lower(): v.strip().lower()
             for k, _, v in (part.partition("=") for part in re.split(r"[,;]", content)) if k.strip()}
    if "width" in pairs:
        return pairs["width"]
    try:
        return "device-width" if float(pairs.get("initial-scale", "")) == 1 else None
    except ValueError:
        return None


def _viewport(page: PageCapture, reading: MobileReading) -> list[Evidence]:
    content = reading.viewport_meta
    if content is None:
        return [Evidence(page_url=page_address(page), note=(
            "Aucune balise <meta name=\"viewport\"> : un téléphone affiche la page comme sur un écran "
            "d’ordinateur de 980 px, réduite à la largeur de son écran."))]
    if _viewport_width(content) == "device-width":
        return []
    return [Evidence(page_url=page_address(page), selector='meta[name="viewport"]',
                     html=f'<meta name="viewport" content="{content[:300]}">', excerpt=content[:300] or None,
                     note=("La balise viewport ne demande pas la largeur de l’écran (width=device-width) : "
                           "un téléphone n’adapte pas la page à son écran."))]


def _overflow(page: PageCapture, reading: MobileReading) -> list[Evidence]:
    wider = (reading.scroll_width or 0) > reading.width
    if not reading.too_wide or not (wider or reading.root_clips):
        return []
    widest = reading.too_wide[0]
    width = round(widest.box.width) if widest.box else None
    how = (f"la page fait {vocabulary.integer(reading.scroll_width)} px de large sur un écran de "
           f"{vocabulary.integer(reading.width)} px, il faut la faire défiler de côté" if wider and not reading.root_clips
           else f"ce qui dépasse d’un écran de {vocabulary.integer(reading.width)} px est coupé")
    return [Evidence(
        page_url=page_address(page), selector=widest.selector, html=widest.html or None,
        excerpt=collapse(widest.text)[:300] or None,
        note=(f"Contenu plus large que l’écran : {how} ; l’élément le plus large qui dépasse, <{widest.tag}>"
              + (f", mesure {vocabulary.integer(width)} px" if width is not None else "") + "."),
    )]


def _small_text_share(reading: MobileReading) -> float | None:
    shown = sum(size.chars for size in reading.text_sizes)
    if not shown:
        return None
    return sum(size.chars for size in reading.text_sizes if size.size_px < SMALL_TEXT_PX) / shown


def _small_text(page: PageCapture, reading: MobileReading) -> list[Evidence]:
    share = _small_text_share(reading)
    if share is None or share <= SMALL_TEXT_SHARE:
        return []
    sample = next((s for s in reading.smallest_text if s.size_px < SMALL_TEXT_PX), None)
    note = (f"Texte trop petit : {formatting.share(share * 100)} du texte affiché (en caractères) fait moins de "
            f"{formatting.number(SMALL_TEXT_PX, 1)} px (seuil : plus de {formatting.share(SMALL_TEXT_SHARE * 100)})")
    if sample is None:
        return [Evidence(page_url=page_address(page), note=note + ".")]
    return [Evidence(page_url=page_address(page), selector=sample.selector, html=sample.html or None,
                     excerpt=collapse(sample.text)[:300] or None,
                     note=note + f" ; ici, {formatting.number(sample.size_px, 1)} px.")]


def _target_size(page: PageCapture, reading: MobileReading) -> list[Evidence]:
    outcome = reading.target_size
    if outcome is None or not outcome.measured:
        return []
    nodes = [node for v in outcome.violations if v.id == TARGET_SIZE_RULE for node in v.nodes]
    failing = sum(max(1, len(v.nodes)) for v in outcome.violations if v.id == TARGET_SIZE_RULE)
    if not failing:
        return []
    note = (f"Zone tactile trop petite : moins de 24 × 24 px sans espace suffisant autour (règle axe-core "
            f"{TARGET_SIZE_RULE}, à {vocabulary.integer(reading.width)} px de large) ; "
            f"{vocabulary.count(failing, 'zone en échec', 'zones en échec')} sur la page.")
    if not nodes:
        return [Evidence(page_url=page_address(page), note=note)]
    return [Evidence(page_url=page_address(page), selector=" >>> ".join(node.target) or None,
                     html=node.html or None, excerpt=collapse(node.failure_summary)[:300] or None, note=note)
            for node in nodes[:MAX_TARGETS_SHOWN]]


FINDERS = {"viewport": _viewport, "overflow": _overflow, "small_text": _small_text, "target_size": _target_size}


def _not_read(page: PageCapture) -> str | None:
    """Why a page of the kinds read was not fully read on the phone's screen, or None."""
    if not page.ok:
        return f"{named(page)} n’a pas pu être chargée ({failure(page)})"
    reading = page.mobile
    if reading is None:
        return f"{named(page)} n’a pas été lue sur un écran de téléphone"
    if not reading.measured:
        return f"la lecture de {named(page)} sur un écran de téléphone a échoué ({reading.error})"
    if reading.target_size is None or not reading.target_size.measured:
        error = reading.target_size.error if reading.target_size else None
        why = vocabulary.error_class(error) if error == "timeout" else error or "axe-core n’a pas tourné"
        return f"axe-core n’a pas pu mesurer les zones tactiles de {named(page)} ({why})"
    return None


def _clean_note(page: PageCapture, reading: MobileReading) -> str:
    share = _small_text_share(reading)
    text = (f"{formatting.share(share * 100)} du texte sous {formatting.number(SMALL_TEXT_PX, 1)} px"
            if share is not None else "aucun texte affiché")
    return (f"{vocabulary.the_page(page.kind).capitalize()} lue sur un écran de "
            f"{vocabulary.integer(reading.width)} × {vocabulary.integer(reading.height)} px : balise viewport "
            f"adaptée, rien ne dépasse de l’écran, {text}, aucune zone tactile trop petite.")


def _pages(pages: list[PageCapture]) -> str:
    """"la page d’accueil et la page de contact"."""
    return vocabulary.enumeration(vocabulary.the_page(p.kind) for p in pages)


def check(capture: ServiceCapture) -> MobileFinding:
    if unknown := landing_unknown(capture, MobileFinding):
        return unknown
    pages = [p for p in capture.pages if p.kind in MOBILE_PAGE_KINDS]
    read = [p for p in pages if p.ok and p.mobile is not None and p.mobile.measured]
    found: dict[str, list[PageCapture]] = {}
    evidence: list[Evidence] = []
    for problem in PROBLEMS:
        for page in read:
            if pieces := FINDERS[problem](page, page.mobile):
                found.setdefault(problem, []).append(page)
                evidence.extend(pieces)
    problems = [p for p in PROBLEMS if p in found]
    width = next((p.mobile.width for p in read), None)
    screen = f"Sur un écran de téléphone de {vocabulary.integer(width)} px de large" if width else ""
    if problems:
        said = " ; ".join(f"{vocabulary.MOBILE_PROBLEMS[p]} sur {_pages(found[p])}" for p in problems)
        return MobileFinding(status="incompatible", reason=f"{screen} : {said}.", problems=problems,
                             pages_measured=len(read), evidence=evidence)
    missing = [why for p in pages if (why := _not_read(p))]
    if missing:
        why = " ; ".join(missing)
        return MobileFinding(
            status="unknown", pages_measured=len(read),
            reason=(f"{screen}, aucun problème sur {_pages(read)}, mais la compatibilité ne peut être affirmée : {why}."
                    if read else f"La compatibilité avec un écran de téléphone ne peut être affirmée : {why}."),
        )
    return MobileFinding(
        status="compatible", pages_measured=len(read),
        reason=(f"{screen}, aucun problème sur {_pages(read)} : "
                f"balise viewport, largeur, taille du texte et zones tactiles."),
        evidence=[Evidence(page_url=page_address(p), note=_clean_note(p, p.mobile)) for p in read],
    )
