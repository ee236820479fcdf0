"""Is a non-digital alternative offered: a phone number, a desk address, an appointment?

Read on the visible text (and the `tel:` links) of the landing page and the key pages a user
goes to for help: login, contact/help. Not on the accessibility statement, whose legal template
quotes the Défenseur des droits' address and number, which are not the service's.

- Phones: the `phonenumbers` matcher (region FR, valid numbers only) on the text, plus `tel:`
  links. National form with spaces, dots or dashes, `+33 (0)…`, `+33 …` and `0033 …`. Reported
  as digits in national form (`+33 (0)9 70 80 80 80` → `0970808080`; overseas numbers too, e.g.
  `0262…`; other countries in E.164, `+32…`), deduplicated, in order of appearance. Numbers
  labelled as something else (SIRET/SIREN/TVA/RCS, fax, a file, reference, client or tax number,
  a Cerfa form) and amounts followed by € are not phones.
- Short service numbers (four digits starting with 3: 3939, 3230, 3646, "39 49"), checked with
  `phonenumbers`' short-number table for France: in a `tel:` link, or with a call context close
  by — before (appelez, composez, téléphone, tél., joindre, allô, "au numéro", "numéro vert",
  "numéro d'appel", contactez, "vous répond au") or after ("appel gratuit", "prix d'un appel",
  "non surtaxé", "du lundi au vendredi") — and not named as something else (dossier, référence,
  code, Cerfa, article…) nor followed by a unit (€, %, km, demandes, dossiers…). Years and counts
  ("3 250 000 demandes") are never phones. `phonenumbers` classes 3xxx numbers as premium rate;
  that says nothing of what the call costs (most are "service gratuit + prix d'un appel"), so the
  cost is not used.
- Desk addresses: French postal addresses: number + street type + name + 5-digit postcode + town
  (also with BP/CS/TSA, and BP/CS forms alone), whitespace normalised. A postcode alone is not an
  address.
- Appointment / desk wording: "prendre rendez-vous", "sur rendez-vous", "accueil du public",
  "accueil physique", "guichet" (not "guichet unique/numérique/en ligne"), "point d'accueil",
  "France services", a permanence, going to a place ("rendez-vous en agence", "présentez-vous à
  la mairie"). "Rendez-vous sur le site" is an idiom for "go to the website", not an appointment.

What is read: the page's visible text, plus the text of the closed parts a control opens
(accordions, tabs, menus, modals, `<details>`: see `checks.readings.offered`), since a phone number behind
"Par téléphone" is offered to whoever clicks; not what is hidden for good (the `hidden` attribute
or a stylesheet's `display: none` that no control undoes, a `<template>`). `tel:` links count
when they are offered.

Not the service's: the Défenseur des droits, which every accessibility statement names in its
"voies de recours", wherever a page quotes it (a landing page carrying the statement, a contact
page's "réclamations"): its number 09 69 39 00 00 always; and any phone, address or appointment
wording that follows a mention of the Défenseur des droits on its line, and on the next lines
while the line before ends with ":", ";" or "," (the list of its ways to be reached goes on) or
is its name alone (its postal address follows: "Défenseur des droits / Libre réponse 71120 /
75342 Paris CEDEX 07"), as a delegate's permanence and address; or that is written just before
its name ("09 69 39 00 00 (Défenseur des droits)"). A `tel:` link to a
number only quoted for the Défenseur does not count either.

Present if any phone, address or appointment wording is found; each hit has an excerpt. Read on
the landing, login and contact pages; a failed login or contact page keeps the check from
claiming absence (`checks.readings.coverage`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import unquote

import phonenumbers
from phonenumbers import PhoneNumberFormat
from pydantic import Field

from checks import urls
from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import ALL_BUT_STATEMENT, Scope, landing_unknown, not_found, pages_read
from checks.readings.evidence import MAX_EVIDENCE, from_element, from_text
from checks.readings.offered import Offering, offering_of
from checks.readings.text import collapse, fold, folded_page_text
from foundation import vocabulary
from foundation.grid import ABSENT, PRESENT, UNKNOWN, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import Element, PageCapture, ServiceCapture

LOOKED_FOR = ("Aucune alternative non numérique (numéro de téléphone, numéro court, adresse postale, "
              "accueil au guichet ou sur rendez-vous, France services)")

# Country calling codes of France and its overseas territories: shown in national form.
FRENCH_CODES = {33, 262, 269, 508, 590, 594, 596, 681, 687, 689}

# Words that say the digits after them are something else than a phone number.
_OTHER_NUMBER = (r"siret|siren|tva|rcs|fax|telecopie|telecopieur|iban|bic|isbn|issn|ape|naf|ean|dossier|reference"
                 r"|ref|code|identifiant|matricule|allocataire|fiscal|securite sociale|nir|client|contrat|facture"
                 r"|commande|cerfa|formulaire|article|art|decret|arrete|loi|version|modele|demande|recepisse"
                 r"|immatriculation|agrement|licence|siege|imposition")
_NOT_A_PHONE_BEFORE = re.compile(r"\b(" + _OTHER_NUMBER + r")\b[^\d\n]{0,14}$")
_AMOUNT_AFTER = re.compile(r"^\s?(€|eur\b|euros?\b|%)")

_SHORT_NUMBER = re.compile(r"(?<![\w.,+/€$*-])3\d[ .\u00a0]?\d\d(?![\w*]|[.,/-]?\d)")
_CALL_BEFORE = re.compile(
    r"appel|compos|telephon|\btel\b|joindre|joignable|\ballo\b|contact|repond|serveur vocal|plateforme telephonique"
    r"|numero (?:de telephone|vert|unique|court|d'appel|national|gratuit|special|de contact|d'information"
    r"|d'assistance|de l'assistance|du service)|(?:au|le|ce|un|notre) numero\s*:?\s*$|numero\s*:\s*$")
_CALL_AFTER = re.compile(r"^[^.\n]{0,40}?(appel|gratuit|non surtaxe|du lundi|lundi au|7 ?j ?/ ?7|24 ?h ?/ ?24"
                         r"|depuis (?:un|l'etranger|la france|un fixe|un mobile))")
_UNIT_AFTER = re.compile(r"^\s?(€|eur\b|euros?\b|%|km\b|kg\b|m2|m²|ha\b|h\b|heures?\b|ans?\b|jours?\b|mois\b"
                         r"|personnes|habitants|agents|demandes|dossiers|pages?\b|mots?\b|\d)")

_STREET = (r"(?:rue|avenue|av\.?|boulevard|bd|bld|blvd|place|pl\.|quai|allees?|chemin|route|rte|impasse|cours"
           r"|square|passage|esplanade|parvis|rond-point|faubourg|fbg|promenade|voie|villa|cite|hameau|lieu-dit"
           r"|sentier|mail|parc|domaine|residence|traverse|montee|carrefour|chaussee|zone|zac|za|zi)")
_POSTBOX = r"(?:b\.?\s?p\.?|cs|tsa)\s?\d{1,6}"
_STREET_ADDRESS = re.compile(
    r"(?<![\w,.])\d{1,4}(?:\s?(?:bis|ter|quater|[a-d]))?(?:\s?[-/]\s?\d{1,4})?\s*,?\s+" + _STREET
    + r"\b[^\n]{1,70}?(?:\n[^\n]{1,70}?)?[\s,\-]+(?<!\d)(?:0[1-9]|[1-8]\d|9[0-8])\d{3}(?!\d)"
)
_POSTBOX_ADDRESS = re.compile(r"(?<![\w])" + _POSTBOX + r"[\s,\-]+(?<!\d)(?:0[1-9]|[1-8]\d|9[0-8])\d{3}(?!\d)")
# The town follows the postcode on the same line, capitalised (matched on the original text).
_TOWN = re.compile(
    r"[ \u00a0]+[A-ZÀ-Ý][\w'’-]*(?:[ \u00a0-](?:(?:sur|sous|en|le|la|les|de|du|des|lès|lez|aux|et|d'|l')[ \u00a0-]?)?"
    r"(?!(?i:cedex)\b)[A-ZÀ-Ý][\w'’-]*){0,4}(?:[ \u00a0]+(?i:cedex)(?:[ \u00a0]?\d{1,2}\b)?)?"
)

# (label, the words one of which every match holds, pattern). A pattern that starts with `\b` is
# tried at every position of the text; a text without any of its words is not searched.
_APPOINTMENT = (
    ("prendre rendez-vous", ("rendez",), re.compile(r"\b(prendre|prenez|prise de) (un )?rendez[- ]vous")),
    ("sur rendez-vous", ("rendez",), re.compile(r"\bsur rendez[- ]vous")),
    ("accueil du public", ("accueil",), re.compile(r"\baccueil (du|des) public")),
    ("accueil physique", ("accueil",), re.compile(r"\baccueil physique")),
    ("guichet", ("guichet",),
     re.compile(r"\bguichets?\b(?![- ](unique|numerique|en ligne|virtuel|electronique|entreprises?)\b|\.)")),
    ("point d'accueil", ("accueil",), re.compile(r"\bpoints? d'accueil")),
    ("France services", ("france service",), re.compile(r"\bfrance services?\b")),
    ("permanence", ("permanence",), re.compile(r"\bpermanences?\b(?! (?:numerique|en ligne|web|internet)\b)")),
    ("se rendre sur place", ("rendez", "present", "rendre", "deplacez"), re.compile(
        r"\b(?:rendez[- ]vous|presentez[- ]vous|se presenter|vous presenter|se rendre|vous rendre|deplacez[- ]vous)"
        r"\s+(?:directement\s+)?(?:en|dans|a|au|aux|a la|a l')\s+(?:votre\s+|une\s+|la\s+|le\s+|l')?"
        r"(?:agence|mairie|prefecture|sous-prefecture|guichet|accueil|caisse|antenne|bureau|centre|point d'accueil"
        r"|permanence|tribunal|commissariat|gendarmerie|consulat|ambassade|espace|maison|service des|tresorerie"
        r"|sip|cpam|caf\b)")),
)

# The Défenseur des droits, whom every accessibility statement names as the way of appeal ("voies
# de recours"): its number, its delegates, its free-post address are not the service's.
_DEFENDER = re.compile(r"defenseur\s+des\s+droits")
DEFENDER_NUMBERS = frozenset({"0969390000"})
# A number or an address written just before the name it belongs to: "09 69 39 00 00 (Défenseur
# des droits)".
_DEFENDER_AFTER = re.compile(r"^[\s(\[:,;-]{0,4}(?:(?:du|le|au) )?defenseur\s+des\s+droits")
# Lines that announce more of the same: "vous pouvez saisir le Défenseur des droits :".
_LIST_GOES_ON = re.compile(r"[:;,]\s*$")
# The name alone on its line: the first line of its postal address.
_NAME_ALONE = re.compile(r"^\W*(?:(?:le|au|du)\s+)?defenseur\s+des\s+droits\W*$")


def _line_end(text: str, position: int) -> int:
    found = text.find("\n", min(position, len(text)))
    return len(text) if found == -1 else found


def defender_spans(folded: str) -> list[tuple[int, int]]:
    """The parts of a text that speak for the Défenseur des droits: after each mention, the rest of
    its line, then the next lines while the last one ends with ":", ";" or "," (the list of the
    ways to reach it goes on) or is its name alone (its postal address follows)."""
    spans = []
    for match in _DEFENDER.finditer(folded):
        end = _line_end(folded, match.end())
        for _ in range(6):
            last_line = folded[folded.rfind("\n", 0, end) + 1:end]
            if end >= len(folded) or not (_LIST_GOES_ON.search(last_line) or _NAME_ALONE.match(last_line)):
                break
            end = _line_end(folded, end + 1)
        spans.append((match.end(), end))
    return spans


def _defenders(folded: str, spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the hit at [start, end) is the Défenseur des droits' rather than the service's."""
    return any(s <= start < e for s, e in spans) or bool(_DEFENDER_AFTER.match(folded[end:end + 40]))


def phone_digits(number: phonenumbers.PhoneNumber) -> str:
    """Digits in French national form (overseas included), E.164 for other countries."""
    if number.country_code in FRENCH_CODES:
        return re.sub(r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_short_number(digits: str) -> bool:
    """A French short service number (3BPQ), as `phonenumbers` knows them."""
    if not re.fullmatch(r"3\d{3}", digits):
        return False
    return phonenumbers.is_valid_short_number_for_region(phonenumbers.parse(digits, "FR"), "FR")


def short_number_in_context(folded: str, start: int, end: int) -> bool:
    """Whether a short number found at [start, end) of the folded text is offered as a number
    to call: a call context before or after it, and nothing naming it as something else."""
    before = folded[max(0, start - 60):start]
    if _NOT_A_PHONE_BEFORE.search(before[-30:]):
        return False
    return bool(_CALL_BEFORE.search(before) or _CALL_AFTER.search(folded[end:end + 60]))


def tel_link_number(href: str) -> str | None:
    """The number a `tel:` link dials, in the reported form, or None."""
    if urls.scheme(href) != "tel":
        return None
    raw = unquote(href.split(":", 1)[1]).split(";")[0].strip()
    digits = re.sub(r"\D", "", raw)
    if is_short_number(digits):
        return digits
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return None
    return phone_digits(number) if phonenumbers.is_possible_number(number) else None


class _Collector:
    """Hits in order of appearance, deduplicated, each with its evidence."""

    def __init__(self) -> None:
        self.phones: list[str] = []
        self.addresses: list[str] = []
        self.appointments: list[str] = []
        self.evidence: list[Evidence] = []

    def add(self, bucket: list[str], value: str, evidence: Evidence) -> None:
        if value not in bucket:
            bucket.append(value)
            self.evidence.append(evidence)


def _tel_elements(page: PageCapture, offering: Offering) -> list[tuple[Element, str]]:
    """The page's offered `tel:` links and the number each dials (not the Défenseur des droits')."""
    return [(e, n) for e in page.elements if e.tag == "a" and (n := tel_link_number(e.href))
            and n not in DEFENDER_NUMBERS and offering.element(e)]


def _phones(page: PageCapture, text: str, folded: str, found: _Collector, offering: Offering) -> None:
    tel_links = _tel_elements(page, offering)
    defender = defender_spans(folded)
    holder = {number: element for element, number in reversed(tel_links)}  # first link per number

    hits: list[tuple[int, int, str]] = []
    defenders: set[str] = set()  # numbers quoted for the Défenseur des droits
    for match in phonenumbers.PhoneNumberMatcher(text, "FR"):
        if _NOT_A_PHONE_BEFORE.search(folded[max(0, match.start - 30):match.start]):
            continue
        if _AMOUNT_AFTER.search(folded[match.end:match.end + 8]):
            continue
        digits = phone_digits(match.number)
        if digits in DEFENDER_NUMBERS or _defenders(folded, defender, match.start, match.end):
            defenders.add(digits)
            continue
        hits.append((match.start, match.end, digits))
    for match in _SHORT_NUMBER.finditer(folded):
        start, end = match.span()
        if re.search(r"\d\s$", folded[max(0, start - 2):start]) or _UNIT_AFTER.search(folded[end:end + 12]):
            continue
        digits = re.sub(r"\D", "", match.group(0))
        if not is_short_number(digits) or _defenders(folded, defender, start, end):
            continue
        if digits in holder or short_number_in_context(folded, start, end):
            hits.append((start, end, digits))
    for start, end, digits in sorted(hits):
        found.add(found.phones, digits, from_text(page, text, start, end, note=f"numéro de téléphone {digits}",
                                                  element=holder.get(digits)))
    own = {digits for _, _, digits in hits}
    for element, digits in tel_links:
        if digits in defenders and digits not in own:
            continue  # the link behind a delegate's number
        found.add(found.phones, digits, from_element(page, element, note=f"lien d’appel vers le {digits}"))


def _addresses(page: PageCapture, text: str, folded: str, found: _Collector) -> None:
    spans: list[tuple[int, int]] = []
    defender = defender_spans(folded)
    for pattern in (_STREET_ADDRESS, _POSTBOX_ADDRESS):
        for match in pattern.finditer(folded):
            if any(s <= match.start() < e for s, e in spans):
                continue  # a BP inside a street address already found
            town = _TOWN.match(text, match.end())
            if town and _defenders(folded, defender, match.start(), town.end()):
                continue
            if town:
                spans.append((match.start(), town.end()))
    for start, end in sorted(spans):
        address = collapse(text[start:end])
        found.add(found.addresses, address, from_text(page, text, start, end, note="adresse postale"))


def _appointments(page: PageCapture, text: str, folded: str, found: _Collector) -> None:
    defender = defender_spans(folded)
    for label, words, pattern in _APPOINTMENT:
        if not any(word in folded for word in words):
            continue
        matches = (m for m in pattern.finditer(folded) if not _defenders(folded, defender, m.start(), m.end()))
        if match := next(matches, None):
            found.add(found.appointments, label, from_text(page, text, match.start(), match.end(),
                                                           note=f"accueil au guichet ou sur rendez-vous : « {label} »"))


# The alternative is given on the contact page and next to the login form ("Besoin d'aide ?
# Appelez le …"): a failed login or contact page keeps the check from claiming absence.
SCOPE = Scope(reads=ALL_BUT_STATEMENT, blocked_by=frozenset({"login", "contact"}))

ALTERNATIVE = IndicatorSpec("non_digital_alternative", "Alternative non numérique",
                            "probe (non_digital_alternative check)", "status of the check: present, absent, unknown",
                            position=60)


def alternative_level(status: str | None) -> Level:
    return {"present": PRESENT, "absent": ABSENT}.get(status or "", UNKNOWN)


def _alternative(finding: NonDigitalAlternativeFinding, visit: Visit) -> Reading:
    found = [*finding.phones, *finding.addresses]
    if finding.appointment:
        found.append("prise de rendez-vous")
    note = "; ".join(found[:5]) if found else finding.reason
    return Reading(alternative_level(finding.status), finding.status, note)


class NonDigitalAlternativeFinding(Finding):
    check: ClassVar[str] = "non_digital_alternative"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")
    label: ClassVar[str] = "Alternative non numérique"
    short_label: ClassVar[str] = "alt. non num."
    tones: ClassVar[Mapping[str, Tone]] = {"present": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 30
    order: ClassVar[tuple[str, ...]] = ("absent", "present")
    watched: ClassVar[bool] = True
    located_on: ClassVar[str | None] = "contact"
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(ALTERNATIVE, _alternative),)

    phones: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    appointment: bool = False

    def regression(self, before: Finding) -> str:
        return "Plus aucune alternative non numérique (téléphone, guichet, rendez-vous) n’est indiquée"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        return (f"Indiquez de nouveau {where} un moyen d’être aidé sans internet : numéro de téléphone, adresse "
                "d’accueil au guichet ou prise de rendez-vous.",
                "Vérifiez que la page de contact est toujours accessible depuis l’accueil du site.",
                "En attendant, aux usagers qui vous écrivent ou vous appellent, répondez en leur donnant "
                "l’adresse du guichet ou le numéro de téléphone.")


FINDING = NonDigitalAlternativeFinding

def check(capture: ServiceCapture) -> NonDigitalAlternativeFinding:
    if unknown := landing_unknown(capture, NonDigitalAlternativeFinding):
        return unknown
    found = _Collector()
    for page in pages_read(capture, SCOPE.reads):
        offering = offering_of(page)
        text = page.text or page.main_text
        folded = folded_page_text(page)
        if hidden := offering.hidden_text():
            text += "\n" + hidden  # closed accordions, tabs, menus and <details> are offered too
            folded += "\n" + fold(hidden)  # `fold` goes character by character
        _phones(page, text, folded, found, offering)
        _addresses(page, text, folded, found)
        _appointments(page, text, folded, found)
    if not (found.phones or found.addresses or found.appointments):
        return not_found(capture, NonDigitalAlternativeFinding, LOOKED_FOR, SCOPE)
    parts = [vocabulary.count(len(found.phones), "numéro de téléphone", "numéros de téléphone") if found.phones else "",
             vocabulary.count(len(found.addresses), "adresse postale", "adresses postales") if found.addresses else "",
             "un accueil au guichet ou sur rendez-vous" if found.appointments else ""]
    return NonDigitalAlternativeFinding(
        status="present",
        reason="Trouvé : " + vocabulary.enumeration([p for p in parts if p]) + ".",
        phones=found.phones,
        addresses=found.addresses,
        appointment=bool(found.appointments),
        evidence=found.evidence[:MAX_EVIDENCE],
    )

