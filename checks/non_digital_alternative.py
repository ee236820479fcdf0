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

Present if any phone, address or appointment wording is found; each hit has an excerpt.
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
from checks.coverage import ALL_BUT_STATEMENT, landing_unknown, not_found, pages_read
from checks.evidence import MAX_EVIDENCE, from_element, from_text
from checks.models import Evidence, Finding
from checks.text import collapse, fold
from foundation import vocabulary
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

_APPOINTMENT = (
    ("prendre rendez-vous", re.compile(r"\b(prendre|prenez|prise de) (un )?rendez[- ]vous")),
    ("sur rendez-vous", re.compile(r"\bsur rendez[- ]vous")),
    ("accueil du public", re.compile(r"\baccueil (du|des) public")),
    ("accueil physique", re.compile(r"\baccueil physique")),
    ("guichet", re.compile(r"\bguichets?\b(?![- ](unique|numerique|en ligne|virtuel|electronique|entreprises?)\b|\.)")),
    ("point d'accueil", re.compile(r"\bpoints? d'accueil")),
    ("France services", re.compile(r"\bfrance services?\b")),
    ("permanence", re.compile(r"\bpermanences?\b(?! (?:numerique|en ligne|web|internet)\b)")),
    ("se rendre sur place", re.compile(
        r"\b(?:rendez[- ]vous|presentez[- ]vous|se presenter|vous presenter|se rendre|vous rendre|deplacez[- ]vous)"
        r"\s+(?:directement\s+)?(?:en|dans|a|au|aux|a la|a l')\s+(?:votre\s+|une\s+|la\s+|le\s+|l')?"
        r"(?:agence|mairie|prefecture|sous-prefecture|guichet|accueil|caisse|antenne|bureau|centre|point d'accueil"
        r"|permanence|tribunal|commissariat|gendarmerie|consulat|ambassade|espace|maison|service des|tresorerie"
        r"|sip|cpam|caf\b)")),
)


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


def _tel_elements(page: PageCapture) -> list[tuple[Element, str]]:
    return [(e, n) for e in page.elements if e.tag == "a" and (n := tel_link_number(e.href))]


def _phones(page: PageCapture, text: str, folded: str, found: _Collector) -> None:
    tel_links = _tel_elements(page)
    holder = {number: element for element, number in reversed(tel_links)}  # first link per number

    hits: list[tuple[int, int, str]] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "FR"):
        if _NOT_A_PHONE_BEFORE.search(folded[max(0, match.start - 30):match.start]):
            continue
        if _AMOUNT_AFTER.search(folded[match.end:match.end + 8]):
            continue
        hits.append((match.start, match.end, phone_digits(match.number)))
    for match in _SHORT_NUMBER.finditer(folded):
        start, end = match.span()
        if re.search(r"\d\s$", folded[max(0, start - 2):start]) or _UNIT_AFTER.search(folded[end:end + 12]):
            continue
        digits = re.sub(r"\D", "", match.group(0))
        if not is_short_number(digits):
            continue
        if digits in holder or short_number_in_context(folded, start, end):
            hits.append((start, end, digits))
    for start, end, digits in sorted(hits):
        found.add(found.phones, digits, from_text(page, text, start, end, note=f"numéro de téléphone {digits}",
                                                  element=holder.get(digits)))
    for element, digits in tel_links:
        found.add(found.phones, digits, from_element(page, element, note=f"lien d’appel vers le {digits}"))


def _addresses(page: PageCapture, text: str, folded: str, found: _Collector) -> None:
    spans: list[tuple[int, int]] = []
    for pattern in (_STREET_ADDRESS, _POSTBOX_ADDRESS):
        for match in pattern.finditer(folded):
            if any(s <= match.start() < e for s, e in spans):
                continue  # a BP inside a street address already found
            town = _TOWN.match(text, match.end())
            if town:
                spans.append((match.start(), town.end()))
    for start, end in sorted(spans):
        address = collapse(text[start:end])
        found.add(found.addresses, address, from_text(page, text, start, end, note="adresse postale"))


def _appointments(page: PageCapture, text: str, folded: str, found: _Collector) -> None:
    for label, pattern in _APPOINTMENT:
        if match := pattern.search(folded):
            found.add(found.appointments, label, from_text(page, text, match.start(), match.end(),
                                                           note=f"accueil au guichet ou sur rendez-vous : « {label} »"))


class NonDigitalAlternativeFinding(Finding):
    check: ClassVar[str] = "non_digital_alternative"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")
    label: ClassVar[str] = "Alternative non numérique"
    short_label: ClassVar[str] = "alt. non num."
    tones: ClassVar[Mapping[str, Tone]] = {"present": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 30

    phones: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    appointment: bool = False


FINDING = NonDigitalAlternativeFinding

def check(capture: ServiceCapture) -> NonDigitalAlternativeFinding:
    if unknown := landing_unknown(capture, NonDigitalAlternativeFinding):
        return unknown
    found = _Collector()
    for page in pages_read(capture, ALL_BUT_STATEMENT):
        text = page.text or page.main_text
        folded = fold(text)
        _phones(page, text, folded, found)
        _addresses(page, text, folded, found)
        _appointments(page, text, folded, found)
    if not (found.phones or found.addresses or found.appointments):
        return not_found(capture, NonDigitalAlternativeFinding, LOOKED_FOR, ALL_BUT_STATEMENT)
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

