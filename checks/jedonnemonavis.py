"""Is the JeDonneMonAvis button (or widget) there, and for which démarche?

Counts, on any loaded page:

- a link to a démarche on JeDonneMonAvis: `jedonnemonavis.numerique.gouv.fr/Demarches/{id}?button={n}`
  or `/Demarches/avis/{id}`, or on the legacy host `voxusagers.numerique.gouv.fr/Demarches/{id}?…`
  (view-mode=formulaire-avis, nd_source=button, key=…); the URL may also sit in a data-*
  attribute or in the element's markup (a button opening it from JavaScript);
- the button image served by those hosts: `/static/bouton-*.svg|png`, and the newer
  `/static/buttons/button-*.svg`, `/Demarches/assets/buttons/button-*.svg` (in a link or button,
  or made clickable by a script: images are also read from the rendered DOM);
- the widget: an element (usually the script itself) with `data-jdma-form-url` (the démarche id
  is read from that URL, whatever its host: staging instances serve the same paths), or the
  script `jdma-modal-widget.js` (`/static/…` or `/Demarches/assets/…`, self-hosted copies too).

Buttons and links count when they are offered (`checks.readings.offered`): shown, or inside a menu, a
modal, an accordion or a `<details>` that a control opens ("Donner mon avis" opening a DSFR
modal). One hidden for good — the `hidden` attribute or a stylesheet's `display: none` that no
control undoes, often beside "le recueil des avis est suspendu", or inside a `<template>` — does
not. The widget (its script, an element with `data-jdma-form-url`) is never visible itself: it
counts wherever it is, but in a `<template>` (a script there never runs). The démarche id
reported is the first one found, visible elements first.

Not JeDonneMonAvis: the words without such a link, a `mailto:` feedback link (even one that
quotes a JeDonneMonAvis address), links to the JeDonneMonAvis home or information pages.

Read on the landing, login and contact pages (not the accessibility statement): see
`checks.readings.coverage`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from checks import urls
from checks.models import Feed, Finding, Reading, Visit
from checks.readings.coverage import ALL_BUT_STATEMENT, Scope, landing_unknown, named, not_found, pages_read
from checks.readings.dom import images, node_of
from checks.readings.evidence import MAX_EVIDENCE, from_element
from checks.readings.memo import alike, per_run
from checks.readings.offered import Offering, in_template, offering_of
from foundation import vocabulary
from foundation.grid import GRID, MIN_REVIEWS, NO, TO_COME, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import Element, ImageRef, PageCapture, ServiceCapture

HOSTS = ("jedonnemonavis.numerique.gouv.fr", "voxusagers.numerique.gouv.fr")
LOOKED_FOR = "Aucun bouton ni module JeDonneMonAvis (lien ou image du bouton, module intégré)"

_DEMARCHE_PATH = re.compile(r"^/demarches/(?:avis/)?(\d+)(?:/|$)", re.I)
_BUTTON_IMAGE = re.compile(
    r"^(?:/demarches)?/(?:static|assets)/(?:bouton-[\w-]+|buttons/(?:bouton|button)-[\w-]+)\.(svg|png)$", re.I)
_WIDGET_SCRIPT = "jdma-modal-widget.js"
_URL_IN_MARKUP = re.compile(
    r"https?://(?:jedonnemonavis|voxusagers)\.numerique\.gouv\.fr/demarches/[^\s\"'<>]+", re.I)


def _on_jdma(url: str) -> bool:
    return urls.scheme(url) in ("http", "https") and any(urls.on_domain(url, h) for h in HOSTS)


def demarche_id(url: str, any_host: bool = False) -> str | None:
    """The démarche id of a JeDonneMonAvis démarche URL, else None. `any_host` for a URL that is
    JeDonneMonAvis's by where it sits (a widget's data-jdma-form-url), whatever its host."""
    if not (_on_jdma(url) or (any_host and urls.scheme(url) in ("http", "https"))):
        return None
    match = _DEMARCHE_PATH.match(urls.path(url))
    return match.group(1) if match else None


def is_button_image(src: str) -> bool:
    return _on_jdma(src) and bool(_BUTTON_IMAGE.match(urls.path(src)))


@dataclass(frozen=True)
class Hit:
    page: PageCapture
    element: Element
    why: str
    demarche: str | None


@per_run(key=alike)  # a site repeats its header and footer on every page
def classify(element: Element) -> tuple[str, str | None] | None:
    """(why, démarche id or None) when the element is a JeDonneMonAvis button or widget."""
    if urls.scheme(element.href) == "mailto":
        return None
    # Links and URLs held in attributes (href, data-jdma-form-url, other data-*).
    for name in ["href", "data-jdma-form-url", *sorted(k for k in element.attrs if k.startswith("data-"))]:
        value = element.attrs.get(name, "")
        if found := demarche_id(value):
            what = "module JeDonneMonAvis (data-jdma-form-url)" if name == "data-jdma-form-url" else (
                "lien JeDonneMonAvis" if name == "href" else f"bouton JeDonneMonAvis ({name})")
            return f"{what} de la démarche {found}", found
    if form_url := element.attrs.get("data-jdma-form-url"):
        found = demarche_id(form_url, any_host=True)
        return "module JeDonneMonAvis (data-jdma-form-url)" + (f" de la démarche {found}" if found else ""), found
    # A button that opens the form from script: the URL is only in its markup.
    for match in _URL_IN_MARKUP.finditer(element.html):
        if found := demarche_id(match.group(0)):
            return f"bouton JeDonneMonAvis de la démarche {found}", found
    src = element.attrs.get("src", "")
    if element.tag == "script" and urls.file_name(src) == _WIDGET_SCRIPT:  # self-hosted copies too
        return "script du module JeDonneMonAvis", None
    for image in element.images:
        if is_button_image(image.src):
            return f"image du bouton JeDonneMonAvis ({urls.file_name(image.src)})", demarche_id(element.href)
    return None


def _is_widget(element: Element) -> bool:
    return element.tag == "script" or "data-jdma-form-url" in element.attrs


def _offered(page: PageCapture, element: Element, offering: Offering) -> bool:
    """A button or link when it is offered; the widget unless it sits in a `<template>`."""
    if _is_widget(element):
        node = node_of(page, element)
        return node is None or not in_template(node)
    return offering.element(element)


def _page_hits(page: PageCapture) -> list[Hit]:
    offering = offering_of(page)
    hits = [Hit(page, element, *found) for element in page.elements
            if (found := classify(element)) and _offered(page, element, offering)]
    for image in images(page):
        # Images inside links and buttons were seen with their holder above.
        if image.node is not None and not offering.node(image.node, None):
            continue
        if not image.in_control and is_button_image(image.src):
            element = Element(tag="img", selector=image.selector, attrs={"src": image.src, "alt": image.alt},
                              images=[ImageRef(src=image.src, alt=image.alt)], html=image.html,
                              visible=not image.hidden)
            hits.append(Hit(page, element, f"image cliquable du bouton JeDonneMonAvis ({urls.file_name(image.src)})",
                            None))
    return hits


# The button is on the help page and in the frame of the procedure that starts at the login page:
# a failed login or contact page keeps the check from claiming absence.
SCOPE = Scope(reads=ALL_BUT_STATEMENT, blocked_by=frozenset({"login", "contact"}))


# "Satisfaction usagers" is the score imported from JeDonneMonAvis; the button this check reads
# says whether users can give it, and under which démarche the score is filed.
SATISFACTION = IndicatorSpec("satisfaction", GRID["satisfaction"].label, "JeDonneMonAvis import; probe (jedonnemonavis check)",
                             "satisfaction score out of 10", kind="score",
                             count_meaning="avis sur lesquels repose la note", position=40)


def satisfaction_level(score: float | None, reviews: int | None, button_status: str | None) -> Level:
    """"Satisfaction usagers" on the observatory's grid: the imported JeDonneMonAvis score, once
    there are 100 reviews ("Nombre d'avis insuffisant" below).

    Without an imported score, a missing button is Non (no way for users to give their opinion);
    otherwise the figure is still to come.
    """
    if score is not None and reviews is not None:
        return GRID["satisfaction"].level(score, reviews)
    if button_status == "absent":
        return NO
    return TO_COME


def _satisfaction(finding: JeDonneMonAvisFinding | None, visit: Visit) -> Reading:
    finding_demarche = finding.demarche_id if finding is not None else None
    demarche = visit.jdma_demarche_id or finding_demarche or visit.known_demarche
    # A figure imported for the service itself wins over one found through the démarche id.
    chosen = next((s for s in visit.scores if s.service_id == visit.service_id), None) or next(
        (s for s in visit.scores if demarche and s.demarche_id == demarche), None)
    button = finding.status if finding is not None else None
    if button == "present":
        note = "bouton JDMA présent" + (f" (démarche {finding_demarche})" if finding_demarche else "")
    elif button == "absent":
        note = "bouton JDMA absent"
    else:
        note = "bouton JDMA non vérifié" if finding is not None else None
    if chosen is None:
        level = satisfaction_level(None, None, button) if finding is not None else TO_COME
        return Reading(level, None, (note + " ; " if note else "") + "pas de note importée pour le trimestre")
    score = SATISFACTION.published(chosen.score)
    return Reading(satisfaction_level(score, chosen.reviews, button), score, note, count=chosen.reviews,
                   source="JeDonneMonAvis", imports=(chosen.source,))


class JeDonneMonAvisFinding(Finding):
    check: ClassVar[str] = "jedonnemonavis"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")
    label: ClassVar[str] = "JeDonneMonAvis"
    short_label: ClassVar[str] = "JDMA"
    tones: ClassVar[Mapping[str, Tone]] = {"present": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 20
    order: ClassVar[tuple[str, ...]] = ("absent", "present")
    watched: ClassVar[bool] = True
    indicators: ClassVar[tuple[Feed, ...]] = (
        Feed(SATISFACTION, _satisfaction, lambda visit: _satisfaction(None, visit)),)

    demarche_id: str | None = None

    def headline(self) -> str:
        return f"démarche {self.demarche_id}" if self.demarche_id else ""

    def regression(self, before: Finding) -> str:
        return "Le bouton JeDonneMonAvis a disparu"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        return (f"Remettez le bouton « Je donne mon avis » {where}, avec le lien de votre démarche sur "
                "jedonnemonavis.numerique.gouv.fr : sans lui, les usagers ne peuvent plus noter la démarche.",
                vocabulary.DEPLOYMENT_ADVICE)


FINDING = JeDonneMonAvisFinding

def check(capture: ServiceCapture) -> JeDonneMonAvisFinding:
    if unknown := landing_unknown(capture, JeDonneMonAvisFinding):
        return unknown
    hits = [hit for page in pages_read(capture, SCOPE.reads) for hit in _page_hits(page)]
    if not hits:
        return not_found(capture, JeDonneMonAvisFinding, LOOKED_FOR, SCOPE)
    # What a user sees first, and what names the démarche, is the best evidence.
    hits.sort(key=lambda h: (not h.element.visible, h.demarche is None))
    first = hits[0]
    demarche = next((h.demarche for h in hits if h.demarche), None)
    return JeDonneMonAvisFinding(
        status="present",
        reason=f"Trouvé sur {named(first.page)} : {first.why}.",
        demarche_id=demarche,
        evidence=[from_element(h.page, h.element, note=h.why) for h in hits[:MAX_EVIDENCE]],
    )
