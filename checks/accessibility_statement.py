"""Declared RGAA conformity: the footer mention and the accessibility statement page.

Two sources, the statement outranking the footer:

1. The statement page (a page of kind `accessibility`, or any loaded page whose text makes the
   declaration): "<site> est totalement / partiellement / non conforme avec le référentiel général
   d'amélioration de l'accessibilité (RGAA), version 4.1", also "est en conformité partielle avec
   le RGAA", "n'est pas conforme avec…". From it: the rate ("74,5 % des critères du RGAA version
   4.1 sont respectés", "taux de conformité … 74,5 %" → 74.5), the RGAA version ("version 4",
   "4.1", "4.1.2"), the date (latest of "établie le 12 mars 2025", "mise à jour le 3 février
   2026", "date de publication : 12/03/2025"…) as ISO, and the link to the "schéma pluriannuel"
   (the multi-year accessibility plan the law requires next to the statement).
   A statement that gives a rate but no status sentence gets the status the RGAA attaches to the
   rate: 100 % totalement, ≥ 50 % partiellement, below 50 % non conforme.
   Statements often define the levels before giving their result ("non conforme : moins de 50 %
   des critères", "totalement conforme : 100 % des critères", "un site est non conforme lorsque
   moins de 50 %…"): a figure after a level and a colon, after "moins de", "au moins", "plus
   de", "entre", "lorsque", "signifie"… is a definition, not the rate, and the first figure that
   is not one is read. Likewise a declaration sentence with a generic subject ("Un site est
   partiellement conforme au RGAA…") or a condition ("… lorsque au moins 50 %…") defines a level
   and is not the statement's declaration.
   `expired` is true when the statement's latest date is more than three years before the
   capture (an audit is valid three years), false when it is more recent, None without a date.
2. The legally required mention, usually in the footer: "Accessibilité : totalement /
   partiellement / non conforme" (any case, non-breaking spaces, typographic apostrophes, no
   space before the colon, the words split across elements, "conformité partielle/totale",
   "non-conformité").

`statement_url` is the statement page's URL; when it was not visited, the href of the
"Accessibilité…" link, else of a link named "Accessibilité" or "Déclaration d’accessibilité".
Text inside scripts (JSON of translations, for instance) is not page text and never counts.

Read on every visited page. With no mention and no declaration, the answer is `absent` only when
the statement page, if the site links to one, was read: a statement link that leads off the site
(a ministry's portal), that the probe did not follow or that failed gives `unknown`; a failed
login or contact page does not (see `checks.readings.coverage`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import ClassVar
from urllib.parse import urldefrag

from checks import urls
from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import ALL_PAGES, Scope, landing_unknown, named, not_found, page_address, pages_read
from checks.readings.evidence import element_containing, from_element, from_text
from checks.readings.text import fold, folded_page_text
from foundation import formatting, vocabulary
from foundation.grid import GRID, NO, PARTIAL, UNKNOWN, YES, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import Element, PageCapture, ServiceCapture

LOOKED_FOR = ("Ni mention « Accessibilité : totalement / partiellement / non conforme » ni déclaration "
              "d’accessibilité (« … est … conforme avec le RGAA »)")

_LEVELS = {"totalement": "totalement", "totale": "totalement", "partiellement": "partiellement",
           "partielle": "partiellement", "non": "non"}

# "Accessibilité : partiellement conforme" and its variants, on folded text.
MENTION = re.compile(
    r"accessibilite\s*(?:numerique\s*)?[:(\-]?\s*(?:(?:le\s+)?site\s+(?:est\s+)?)?"
    r"(?:(?P<level>totalement|partiellement|non)[\s-]*conforme"
    r"|conformite\s*:?\s*(?P<level2>totale|partielle)"
    r"|(?P<non>non[\s-]*conformite|conformite\s*:?\s*non\b))\b"
    # A bare "conforme" only right after the colon: "une accessibilité conforme" is prose.
    r"|accessibilite\s*[:(]\s*(?P<full>conforme)\b"
)

# "<site> est partiellement conforme avec le référentiel général … (RGAA)" and variants.
DECLARATION = re.compile(
    r"(?:\b(?:est|sont)\s+(?:(?P<level>totalement|partiellement|non)[\s-]*conformes?"
    r"|en\s+conformite\s+(?P<level2>totale|partielle)"
    r"|(?P<full>conformes?))"
    r"|(?P<non>n'(?:est|sont)\s+pas\s+(?:en\s+conformite|conformes?)))"
    r"[^.]{0,80}?(?:rgaa|referentiel general d'amelioration)"
)

_NUMBER = r"(\d{1,3}(?:[.,]\d{1,2})?)\s?%"
RATE_PATTERNS = (
    re.compile(_NUMBER + r"\s+des\s+criteres"),
    re.compile(r"taux\s+(?:de\s+conformite\s+global|global\s+de\s+conformite)[^\d%]{0,60}?" + _NUMBER),
    re.compile(r"taux\s+de\s+conformite(?!\s+moyen)[^\d%]{0,60}?" + _NUMBER),
    re.compile(r"taux\s+(?:moyen\s+de\s+conformite|de\s+conformite\s+moyen)[^\d%]{0,60}?" + _NUMBER),
    re.compile(r"\bconformes?\s+a\s+" + _NUMBER),
)
# A rate that defines a level rather than states a result: "non conforme : moins de 50 % des
# critères", "partiellement conforme : au moins 50 %", "totalement conforme : 100 % des critères",
# "lorsque moins de 50 %…" (what comes just before the figure, in its clause).
_DEFINITION_BEFORE = re.compile(
    r"(?:\b(?:moins|plus)\s+de|\bau\s+(?:moins|plus)|\bentre\b|\bsuperieure?s?\s+a|\binferieure?s?\s+a|\bcompris"
    r"|\bjusqu'a|\bau[- ]dela|\b(?:totalement|partiellement|non)[\s-]*conformes?\s*(?:[:(=]|si\b|lorsque|quand)"
    r"|\blorsque|\blorsqu'|\bquand|\bdes\s+(?:que|lors\s+que)|\bsignifie|\bcorrespond)[^.;\n]{0,40}$")
# A declaration that is a definition: "Un site est partiellement conforme au RGAA lorsque…".
_GENERIC_SUBJECT = re.compile(r"\b(?:un|une)\s+(?:site|service|portail|teleservice|application|page|demarche)"
                              r"(?:\s+(?:internet|web|en\s+ligne|numerique|mobile))?\s*$")
_CONDITION = re.compile(r"\b(?:lorsque|lorsqu'|quand|si|des\s+que|des\s+lors\s+que)\b")
_NO_AUDIT = re.compile(r"pas\s+(?:encore\s+)?(?:fait\s+l'objet\s+d'un|ete)\s+audit|aucun\s+audit")

VERSION_PATTERNS = (
    re.compile(r"rgaa\)?\s*,?\s*(?:version|v\.?)?\s*([234](?:\.\d{1,2}){0,2})(?![\d.]\d)"),
    re.compile(r"version\s+([234](?:\.\d{1,2}){0,2})\s+du\s+(?:rgaa|referentiel)"),
)

_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
           "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
_DATE = (r"(?:(?P<d>\d{1,2})(?:er)?\s+(?P<m>" + "|".join(_MONTHS) + r")\s+(?P<y>\d{4})"
         r"|(?P<dd>\d{1,2})[/.-](?P<mm>\d{1,2})[/.-](?P<yy>\d{4}))")
DATE_PATTERN = re.compile(
    r"(?:etablie?|mise?\s+a\s+jour|actualisee?|redigee?|publiee?|revisee?|modifiee?|realisee?"
    r"|date\s+(?:de\s+(?:la\s+)?(?:derniere\s+)?(?:declaration|publication|mise\s+a\s+jour|redaction|etablissement)"
    r"|d'etablissement))"
    r"\s*(?:de\s+(?:la\s+|cette\s+)?declaration\s*)?(?:le|:|en\s+date\s+du)?\s*(?:le\s+)?" + _DATE
)
VALIDITY_YEARS = 3

# The receivability criteria the observatory counts, read on the statement page (folded text):
# a contact means for users who cannot reach a content (the generator's "Retour d'information et
# contact" section: "vous pouvez contacter le responsable…"), and the sample of pages audited.
_CONTACT = re.compile(r"retour\s+d'information|contacter\s+le\s+responsable|(?:vous\s+pouvez|n'hesitez\s+pas\s+a)"
                      r"\s+(?:nous\s+)?(?:contacter|ecrire|signaler)|formulaire\s+de\s+contact")
_SAMPLE = re.compile(r"echantillon|pages\s+(?:du\s+site\s+)?ayant\s+fait\s+l'objet|pages?\s+(?:auditees|evaluees|testees"
                     r"|verifiees|controlees)")
CRITERIA = {
    "level_stated": "l’état de conformité (totalement, partiellement, non conforme)",
    "accessible_contact": "un moyen de contact accessible",
    "representative_sample": "l’échantillon de pages audité",
    "overall_rate": "le taux de conformité global",
    "recent_audit": "une date de moins de trois ans",
    "on_every_page": "un lien depuis chaque page visitée",
}

_SCHEMA_LABEL = re.compile(r"schema\s+(?:pluri-?annuel|pluriannuel)")
_SCHEMA_HREF = re.compile(r"schema[-_ ]?pluri[-_ ]?annuel", re.I)


@dataclass
class Statement:
    page: PageCapture
    level: str | None = None
    rate: float | None = None
    rgaa_version: str | None = None
    date: str | None = None
    schema_url: str | None = None
    contact: bool = False
    sample: bool = False
    evidence: list[Evidence] = field(default_factory=list)


def _level(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups.get("non"):
        return "non"
    if groups.get("full"):
        return "totalement"
    return _LEVELS[groups.get("level") or groups.get("level2")]


def is_definition(folded: str, start: int) -> bool:
    """Whether the rate found at `start` defines a conformity level instead of giving the result."""
    return bool(_DEFINITION_BEFORE.search(folded[max(0, start - 80):start]))


def parse_rate(folded: str) -> tuple[float, re.Match[str]] | None:
    """The declared rate: the first figure of the strongest pattern that is not the definition of
    a level ("non conforme : moins de 50 % des critères" often comes before the audit's result)."""
    for pattern in RATE_PATTERNS:
        for match in pattern.finditer(folded):
            value = float(match.group(1).replace(",", "."))
            if 0 <= value <= 100 and not is_definition(folded, match.start()):
                return value, match
    return None


def parse_declaration(folded: str) -> re.Match[str] | None:
    """The statement's declaration, not a definition of a level that comes before it ("Un site
    est partiellement conforme au RGAA lorsque au moins 50 %…")."""
    for match in DECLARATION.finditer(folded):
        generic = _GENERIC_SUBJECT.search(folded[max(0, match.start() - 40):match.start()])
        rest_of_sentence = re.split(r"\.(?!\d)|\n", folded[match.end():match.end() + 60])[0]
        if not (generic or _CONDITION.search(match.group(0)) or _CONDITION.search(rest_of_sentence)):
            return match
    return None


def parse_version(folded: str) -> str | None:
    for pattern in VERSION_PATTERNS:
        if match := pattern.search(folded):
            return match.group(1)
    return None


def parse_date(folded: str) -> str | None:
    """The latest statement date (établie / mise à jour …) as yyyy-mm-dd."""
    found: list[date] = []
    for match in DATE_PATTERN.finditer(folded):
        g = match.groupdict()
        try:
            if g["d"]:
                found.append(date(int(g["y"]), _MONTHS[g["m"]], int(g["d"])))
            else:
                found.append(date(int(g["yy"]), int(g["mm"]), int(g["dd"])))
        except ValueError:
            continue
    return max(found).isoformat() if found else None


def is_expired(statement_date: str | None, on: date) -> bool | None:
    """Whether a statement dated `statement_date` (ISO) is more than three years old on `on`."""
    if statement_date is None:
        return None
    made = date.fromisoformat(statement_date)
    try:
        limit = made.replace(year=made.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        limit = made.replace(year=made.year + VALIDITY_YEARS, day=28)
    return on > limit


def schema_link(page: PageCapture) -> Element | None:
    """The link to the "schéma pluriannuel" (by its name, or a file or page named after it)."""
    for element in page.links():
        label = fold(" ".join((element.text, element.attrs.get("title", ""), element.attrs.get("aria-label", ""))))
        if _SCHEMA_LABEL.search(label) or _SCHEMA_HREF.search(urls.path(element.href)):
            return element
    return None


def _level_from_rate(rate: float) -> str:
    return "totalement" if rate >= 100 else "partiellement" if rate >= 50 else "non"


def read_statement(page: PageCapture) -> Statement | None:
    """What a page declares as an accessibility statement, or None if it is not one."""
    text = page.text or page.main_text
    folded = folded_page_text(page)
    declaration = parse_declaration(folded)
    if declaration is None and page.kind != "accessibility":
        return None
    schema = schema_link(page)
    contact = bool(_CONTACT.search(folded)) or any(e.href.startswith("mailto:") for e in page.links())
    statement = Statement(page=page, rgaa_version=parse_version(folded), date=parse_date(folded),
                          schema_url=schema.href if schema else None, contact=contact,
                          sample=bool(_SAMPLE.search(folded)))
    if declaration:
        statement.level = _level(declaration)
        statement.evidence.append(from_text(page, text, *declaration.span(), note="déclaration d’accessibilité"))
    if rate := parse_rate(folded):
        statement.rate = rate[0]
        statement.evidence.append(from_text(page, text, *rate[1].span(), note=f"taux de conformité déclaré : {formatting.percent(rate[0])}"))
        if statement.level is None:
            statement.level = _level_from_rate(rate[0])
    elif statement.level is None and (no_audit := _NO_AUDIT.search(folded)):
        statement.level = "non"  # the RGAA: a service never audited is declared non conforme
        statement.evidence.append(from_text(page, text, *no_audit.span(), note="aucun audit : non conforme"))
    return statement


def _statement_link(page: PageCapture, mention: str | None) -> Element | None:
    """The link that carries the 'Accessibilité…' mention (or any link named accessibility)."""
    if mention and (holder := element_containing(page, mention)) and holder.tag == "a":
        return holder
    for element in page.links():
        label = fold(" ".join((element.text, element.attrs.get("title", ""), element.attrs.get("aria-label", ""))))
        if "accessibilite" in label and not _SCHEMA_LABEL.search(label):
            return element
    return None


def _capture_day(capture: ServiceCapture) -> date:
    when = capture.started_at or next((p.captured_at for p in capture.pages if p.captured_at), None)
    return (when or datetime.now(timezone.utc)).date()


def _link_target(page: PageCapture, link: Element | None) -> str | None:
    """A link's target when it leads somewhere else than this very page ('#' does not)."""
    if link is None or urls.scheme(link.href) not in ("http", "https"):
        return None
    target = urldefrag(link.href)[0]
    return None if target in (urldefrag(page.url)[0], urldefrag(page_address(page))[0]) else link.href


# The mention is on the landing page and the declaration on its own page: only a failed statement
# page keeps the check from claiming absence (a login or contact page says nothing the landing
# page's footer does not).
SCOPE = Scope(reads=ALL_PAGES, blocked_by=frozenset({"accessibility"}))

HANDICAP = IndicatorSpec("handicap", "Prise en compte du handicap", "probe (accessibility_statement check)",
                         "declared RGAA conformity rate, percent", kind="percent", position=20)


def handicap_level(statement_status: str | None, rate: float | None, expired: bool) -> Level:
    """"Prise en compte du handicap", from the declared RGAA rate only (never from axe-core).

    100 % → Oui, at least 50 % → Partiel, below → Non. No statement, or one over three years old,
    is Non. A statement that says "totalement conforme" without a figure stands for 100 %; one
    that gives no rate otherwise cannot be shown to reach 50 %, so it is Non.
    """
    if statement_status in (None, "unknown"):
        return UNKNOWN
    if statement_status == "absent" or expired:
        return NO
    if rate is None:
        return YES if statement_status == "totalement" else NO
    # The grid's thresholds: 100 % Oui, from 50 % Partiel, below Non.
    return GRID["handicap"].level(rate)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _handicap(finding: AccessibilityStatementFinding, visit: Visit) -> Reading:
    if finding.status == "unknown":
        return Reading(UNKNOWN, None, finding.reason)
    statement_date = _day(finding.date)
    # The check's own word on the statement's age wins; older findings do not carry it, and are
    # judged on the day of the visit that read them.
    expired = finding.expired
    if expired is None:
        expired = (statement_date is not None and visit.as_of is not None
                   and bool(is_expired(statement_date.isoformat(), visit.as_of)))
    notes = [f"déclaration : {vocabulary.status(finding.status)}"]
    if statement_date:
        notes.append(f"datée du {formatting.date(statement_date)}" + (", de plus de trois ans" if expired else ""))
    elif finding.status != "absent":
        notes.append("date non trouvée")
    if finding.rate is None and finding.status not in ("absent", "totalement"):
        notes.append("taux non publié")
    rate = HANDICAP.published(float(finding.rate)) if finding.rate is not None else None
    level = handicap_level(finding.status, rate, bool(expired))
    # The observatory counts only a receivable statement: a criterion the check found missing
    # makes it "Non", named. Findings from before the criteria were read carry none (None).
    failed = finding.failed_criteria()
    if failed and level in (YES, PARTIAL):
        level = NO
    if failed and finding.status != "absent":
        notes.append("déclaration non recevable, il manque " + ", ".join(CRITERIA[c] for c in failed))
    return Reading(level, rate, " ; ".join(notes), urls=(finding.statement_url or "",))


class AccessibilityStatementFinding(Finding):
    check: ClassVar[str] = "accessibility_statement"
    statuses: ClassVar[tuple[str, ...]] = ("totalement", "partiellement", "non", "absent", "unknown")
    label: ClassVar[str] = "Déclaration d’accessibilité"
    short_label: ClassVar[str] = "déclaration"
    tones: ClassVar[Mapping[str, Tone]] = {
        "totalement": Tone.GOOD, "partiellement": Tone.MEDIUM, "non": Tone.BAD, "absent": Tone.BAD}
    position: ClassVar[int] = 50
    watched: ClassVar[bool] = True
    located_on: ClassVar[str | None] = "accessibility"
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(HANDICAP, _handicap, history="Taux RGAA déclaré"),)

    rate: float | None = None
    statement_url: str | None = None
    rgaa_version: str | None = None
    date: str | None = None
    # More than three years since the statement's date (None: the statement gives no date).
    expired: bool | None = None
    schema_pluriannuel_url: str | None = None
    # The observatory's receivability criteria, each True (verified), False (missing) or None
    # (not read: no statement page, or a finding from before they were read).
    level_stated: bool | None = None
    accessible_contact: bool | None = None
    representative_sample: bool | None = None
    overall_rate: bool | None = None
    recent_audit: bool | None = None
    on_every_page: bool | None = None  # the statement, or the mention linking it, on every visited page

    def failed_criteria(self) -> list[str]:
        """The receivability criteria found missing, in the observatory's order."""
        return [name for name in CRITERIA if getattr(self, name) is False]

    def headline(self) -> str:
        return formatting.percent(self.rate)

    def rank(self) -> float | None:
        """A statement that is there and valid (1), or missing or over three years old (0)."""
        if self.status == "unknown":
            return None
        return 0.0 if self.status == "absent" or self.expired else 1.0

    def regression(self, before: Finding) -> str:
        if self.status == "absent":
            return "La déclaration d’accessibilité n’est plus trouvée"
        return "La déclaration d’accessibilité a plus de trois ans : elle n’est plus valable"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        if after == "absent":
            return ("Republiez la déclaration d’accessibilité et remettez le lien « Accessibilité : … » en pied "
                    "de chaque page, avec l’état de conformité.",
                    vocabulary.DEPLOYMENT_ADVICE)
        return ("Faites réaliser un nouvel audit RGAA et publiez la déclaration mise à jour : une déclaration "
                "de plus de trois ans n’est plus valable.",)


FINDING = AccessibilityStatementFinding

def check(capture: ServiceCapture) -> AccessibilityStatementFinding:
    if unknown := landing_unknown(capture, AccessibilityStatementFinding):
        return unknown
    loaded = pages_read(capture, SCOPE.reads)
    statements = [s for p in loaded if (s := read_statement(p))]
    # A page of kind accessibility comes first, then pages that make the declaration.
    statements.sort(key=lambda s: (s.level is None, s.page.kind != "accessibility"))
    statement = statements[0] if statements else None

    mention_level, mention_evidence, mention_url = None, None, None
    for page in loaded:
        text = page.text or page.main_text
        if match := MENTION.search(folded_page_text(page)):
            link = _statement_link(page, text[match.start():match.end()])
            mention_level = _level(match)
            mention_evidence = from_text(page, text, *match.span(), note="mention « Accessibilité » en pied de page", element=link)
            mention_url = _link_target(page, link)
            break

    statement_url = page_address(statement.page) if statement else mention_url
    schema_url = next((s.schema_url for s in statements if s.schema_url), None)
    details = dict(
        **_criteria(capture, loaded, statement),
        rate=statement.rate if statement else None,
        statement_url=statement_url,
        rgaa_version=statement.rgaa_version if statement else None,
        date=statement.date if statement else None,
        expired=is_expired(statement.date if statement else None, _capture_day(capture)),
        schema_pluriannuel_url=schema_url,
    )
    if statement and statement.level:
        evidence = statement.evidence + ([mention_evidence] if mention_evidence else [])
        reason = f"{_capitalized(named(statement.page))} déclare la démarche « {vocabulary.status(statement.level)} »"
        if mention_level and mention_level != statement.level:
            reason += (f" (la mention en pied de page dit « {vocabulary.status(mention_level)} » ; "
                       f"la déclaration prévaut)")
        reason += "."
        return AccessibilityStatementFinding(status=statement.level, reason=reason, evidence=evidence, **details)
    if mention_level:
        reason = (f"Mention « Accessibilité : {vocabulary.status(mention_level)} » sur la page "
                  f"{mention_evidence.page_url}, sans déclaration lue.")
        return AccessibilityStatementFinding(status=mention_level, reason=reason, evidence=[mention_evidence], **details)
    if statement is None and (unread := _unread_statement_link(capture, loaded)):
        return AccessibilityStatementFinding(
            status="unknown", reason=(f"Aucune mention sur la page d’accueil, et la déclaration liée ({unread.href}) "
                                     f"n’a pas été lue."),
            evidence=[from_element(capture.landing, unread, note="lien vers la déclaration, non suivi")],
            **{**details, "statement_url": unread.href})
    return not_found(capture, AccessibilityStatementFinding, LOOKED_FOR, SCOPE, **details)


def _links_statement(page: PageCapture) -> bool:
    return bool(MENTION.search(folded_page_text(page))) or _statement_link(page, None) is not None


def _criteria(capture: ServiceCapture, loaded: list[PageCapture], statement: Statement | None) -> dict:
    """Each receivability criterion as read on the statement page and the visited pages; None
    when there is no statement page to read it on."""
    if statement is None:
        return {}
    expired = is_expired(statement.date, _capture_day(capture))
    others = [p for p in loaded if p is not statement.page and p.kind != "accessibility"]
    return dict(
        level_stated=statement.level is not None and parse_declaration(folded_page_text(statement.page)) is not None,
        accessible_contact=statement.contact,
        representative_sample=statement.sample,
        overall_rate=statement.rate is not None,
        recent_audit=expired is False,
        on_every_page=all(_links_statement(p) for p in others),
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unread_statement_link(capture: ServiceCapture, read: list[PageCapture]) -> Element | None:
    """The landing page's link to a statement page that no capture holds (off-site, not followed)."""
    landing = capture.landing
    link = _statement_link(landing, None) if landing else None
    target = _link_target(landing, link) if landing else None
    if target is None:
        return None
    visited = {urldefrag(u)[0] for p in capture.pages for u in (p.url, p.final_url) if u}
    return None if urldefrag(target)[0] in visited else link
