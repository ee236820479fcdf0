"""Is a non-digital alternative offered: a phone number, a desk address, an appointment?

Read on the visible text of every loaded page (and its `tel:` links):

- Phones: the `phonenumbers` matcher (region FR) on the text, plus `tel:` links. Reported as
  digits in national form (`+33 (0)9 70 80 80 80` → `0970808080`; overseas numbers too, e.g.
  `0262…`; other countries in E.164, `+32…`), deduplicated, in order of appearance. Numbers
  labelled SIRET/SIREN/TVA/RCS or fax, and amounts followed by €, are not phones.
- Short service numbers (four digits starting with 3: 3939, 3646, "39 49"): in a `tel:` link, or
  with a call word close by (appelez, composez, téléphone, numéro, contactez, joindre, allô…),
  and not followed by a unit (€, %, km…).
- Desk addresses: French postal addresses: number + street type + name + 5-digit postcode + town
  (also with BP/CS/TSA, and BP/CS forms alone), whitespace normalised. A postcode alone is not an
  address.
- Appointment / desk wording: "prendre rendez-vous", "sur rendez-vous", "accueil du public",
  "accueil physique", "guichet" (not "guichet unique/numérique/en ligne"), "point d'accueil",
  "France services".

Present if any phone, address or appointment wording is found; each hit has an excerpt.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import phonenumbers
from phonenumbers import PhoneNumberFormat

from checks import urls
from checks.coverage import landing_unknown, not_found
from checks.evidence import MAX_EVIDENCE, from_element, from_text
from checks.models import Evidence, NonDigitalAlternativeFinding
from checks.text import collapse, fold, near
from probes.models import Element, PageCapture, ServiceCapture

LOOKED_FOR = ("a phone number (text or tel: link), a short service number (3xxx), a French postal "
              "address, or desk/appointment wording (rendez-vous, accueil du public, guichet, France services)")

# Country calling codes of France and its overseas territories: shown in national form.
FRENCH_CODES = {33, 262, 269, 508, 590, 594, 596, 681, 687, 689}

_NOT_A_PHONE_BEFORE = re.compile(
    r"(siret|siren|tva|rcs|fax|telecopie|telecopieur|iban|bic|isbn|issn|ape|naf|ean)\b[^\d\n]{0,12}$")
_AMOUNT_AFTER = re.compile(r"^\s?(€|eur\b|euros?\b|%)")

_SHORT_NUMBER = re.compile(r"(?<![\w.,+/€$-])3\d[ .\u00a0]?\d\d(?![\w]|[.,/-]?\d)")
_CALL_WORDS = re.compile(r"appel|compos|telephon|\btel\b|numero|\bn° |contact|joindre|\ballo\b|gratuit")
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
)


def phone_digits(number: phonenumbers.PhoneNumber) -> str:
    """Digits in French national form (overseas included), E.164 for other countries."""
    if number.country_code in FRENCH_CODES:
        return re.sub(r"\D", "", phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def tel_link_number(href: str) -> str | None:
    """The number a `tel:` link dials, in the reported form, or None."""
    if urls.scheme(href) != "tel":
        return None
    raw = unquote(href.split(":", 1)[1]).split(";")[0].strip()
    digits = re.sub(r"\D", "", raw)
    if re.fullmatch(r"3\d{3}", digits):
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
        if digits in holder or near(folded, start, end, _CALL_WORDS):
            hits.append((start, end, digits))
    for start, end, digits in sorted(hits):
        found.add(found.phones, digits, from_text(page, text, start, end, note=f"phone number {digits}",
                                                  element=holder.get(digits)))
    for element, digits in tel_links:
        found.add(found.phones, digits, from_element(page, element, note=f"tel: link to {digits}"))


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
        found.add(found.addresses, address, from_text(page, text, start, end, note="postal address"))


def _appointments(page: PageCapture, text: str, folded: str, found: _Collector) -> None:
    for label, pattern in _APPOINTMENT:
        if match := pattern.search(folded):
            found.add(found.appointments, label, from_text(page, text, match.start(), match.end(),
                                                           note=f"desk or appointment wording “{label}”"))


def check(capture: ServiceCapture) -> NonDigitalAlternativeFinding:
    if unknown := landing_unknown(capture, NonDigitalAlternativeFinding):
        return unknown
    found = _Collector()
    for page in capture.loaded_pages():
        text = page.text or page.main_text
        folded = fold(text)
        _phones(page, text, folded, found)
        _addresses(page, text, folded, found)
        _appointments(page, text, folded, found)
    if not (found.phones or found.addresses or found.appointments):
        return not_found(capture, NonDigitalAlternativeFinding, LOOKED_FOR)
    parts = [f"{len(found.phones)} phone number(s)" if found.phones else "",
             f"{len(found.addresses)} address(es)" if found.addresses else "",
             "desk/appointment wording" if found.appointments else ""]
    return NonDigitalAlternativeFinding(
        status="present",
        reason="found " + ", ".join(p for p in parts if p),
        phones=found.phones,
        addresses=found.addresses,
        appointment=bool(found.appointments),
        evidence=found.evidence[:MAX_EVIDENCE],
    )

