"""Can the procedure be done online from this site: wholly (`online`), started online but finished
off line (`partial`), only on paper or in person (`offline`)?

Read on every visited page but the accessibility statement (a legal document): its collected
controls, its forms and its main text (`checks.readings.dom.main_text`: navigation, page header and
footer left out; the content of closed accordions kept).

Online, any of:

- a start control: a link or button whose label says to start the procedure — "Faire ma demande
  (en ligne)", "Déposer un dossier", "Commencer la démarche", "Je fais ma demande", "Demander en
  ligne", "Accéder au téléservice", "Démarche en ligne", a bare "Commencer" — up to twelve words
  (a longer link is prose); it may lead to a form, a personal space or a login page. Not a start
  control: one that leads to a document to download (see offline), a `mailto:`/`tel:` link, or a
  link to an information page of service-public.fr (`/vosdroits/F…`, `/vosdroits/N…`);
- a login to the personal space where the procedure is done: a FranceConnect button (as
  `checks.readings.identity_login` reads it: FranceConnect is offered by the services themselves), a login
  that says what it is for ("Se connecter pour déposer ma demande", "… pour s'inscrire"), or a
  login control ("Se connecter", "Mon compte", "Accéder à mon espace") in the section of the
  main content whose heading announces the procedure ("Commencer la démarche", "Faire ma
  demande", "Accéder à la déclaration"). A login link alone, or one in the page's header, footer
  or navigation, is not one: information sites have accounts too;
- a link to a procedure on Démarches simplifiées (`demarches-simplifiees.fr/commencer/…`, the
  older `/dossiers/new?procedure_id=…`, and the same paths on the platform's .gouv.fr address
  `demarche.numerique.gouv.fr`), whatever its label;
- the procedure's form itself (`checks.readings.procedure_forms`): a form sent by POST (or holding a
  file field) with a file field or at least four fields (a radio group counts once), that is
  neither a search form, nor a login or account form (a password field), nor a contact form (a
  message, question or subject field and no file field), nor a form of the contact page.

Off line, any of:

- a document to print: a link to a PDF, Word or OpenDocument file (by its path, a file name in its
  query, `download`, `type="application/pdf"`, or "PDF"/"123 Ko" in its label) that is a form
  ("cerfa", "formulaire", "imprimé", "demande", "dossier", "déclaration"… in its label or file
  name; not a notice, guide or report), including a start control that leads to one ("Faire ma
  demande" → `demande.pdf`); a link named "formulaire"/"cerfa" to a form page of service-public.fr
  (`/vosdroits/R…`);
- a cerfa to fill in ("téléchargez le formulaire cerfa n° 12345*03", "remplissez le cerfa") in
  the text;
- the text saying the procedure is not online ("Cette démarche ne peut pas être faite en ligne",
  "n'est pas dématérialisée", "uniquement par courrier", "dossier papier", "se demande en
  mairie");
- a required step off line (below), except a visit alone ("prenez rendez-vous avec un conseiller
  dans votre agence" may only offer a desk, as the non-digital alternative does).

A required step off line, in one sentence of the text: sending a form or documents by post
("Envoyez le formulaire signé par courrier", "pièces à adresser par voie postale"); printing and
signing ("à imprimer et signer", "signature manuscrite"); handing the file over in person
("prendre rendez-vous en mairie pour déposer votre dossier", "à remettre à l'accueil", "relevé
d'empreintes"); going in person ("présentez-vous au guichet", "présence obligatoire"). A
sentence that offers the step as an option ("vous pouvez aussi", "si vous préférez", "en ligne
ou par courrier", "si vous ne pouvez pas…"), says it is not needed ("vous n'avez pas à
envoyer", "sans vous déplacer", "plus besoin de…"), or is about what the user receives ("votre
carte vous sera envoyée par courrier") is no such step. A bare "sur rendez-vous au guichet"
offers a desk and asks nothing. The contact page's text is not read for steps: it tells how to
reach the service ("écrivez-nous par courrier"), not how the procedure goes.

Status: `partial` when an online start and a required step off line are both found; `online`
with an online start and no such step; `offline` with off-line signs and no online start.
`unknown` when nothing says how the procedure is done, when the landing page failed (see
`checks.readings.coverage`), and when `online` or `offline` would be claimed while one of the pages read
failed: the missing page could hold the start control or the off-line step that changes the
answer. `partial` stands on what was found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urljoin

from lxml import etree

from checks import urls
from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings import identity_login
from checks.readings.coverage import ALL_BUT_STATEMENT, Scope, blocking_failures, failure, landing_unknown, named, page_address, pages_read
from checks.readings.dom import document, folded_main_text, main_text
from checks.readings.evidence import MAX_EVIDENCE, from_element, from_text
from checks.readings.memo import alike, per_run
from checks.readings.procedure_forms import distinct_fields, file_fields, procedure_forms
from checks.readings.text import collapse, fold
from foundation import vocabulary
from foundation.grid import NO, PARTIAL, UNKNOWN, YES, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import Element, Form, PageCapture, ServiceCapture

# Démarches simplifiées and its .gouv.fr address: the path that opens a procedure's form.
PLATFORM_HOSTS = ("demarches-simplifiees.fr", "demarche.numerique.gouv.fr")
_PLATFORM_PATH = re.compile(r"^/(?:commencer/|(?:users/)?dossiers/new\b)", re.I)

_MAX_LABEL_WORDS = 12

_OBJECT = (r"(?:pre-?demandes?|demandes?|dossiers?|declarations?|candidatures?|inscriptions?|demarches?"
           r"|procedures?|reservations?|signalements?|reclamations?|saisines?|requetes?|teledeclarations?"
           r"|souscriptions?|adhesions?|saisies?|formulaires?)")
_DETERMINER = r"(?:ma|mon|mes|une|un|la|le|les|votre|vos|sa|son|ses|cette|ce|l')"
_START_VERB = (r"(?:faire|fais|faites|effectuer|effectue|effectuez|deposer|depose|deposez|formuler|formulez"
               r"|saisir|saisis|saisissez|remplir|remplis|remplissez|completer|complete|completez|soumettre"
               r"|soumets|soumettez|transmettre|transmets|transmettez|envoyer|envoie|envoyez|creer|cree|creez"
               r"|demarrer|demarre|demarrez|commencer|commence|commencez|debuter|debute|debutez|lancer|lance"
               r"|lancez|realiser|realise|realisez|constituer|constitue|constituez|initier|ouvrir|ouvre|ouvrez)")
START_LABEL = re.compile(
    r"\b" + _START_VERB + r"\s+" + _DETERMINER + r"\s*(?:nouvelle\s+|nouveau\s+|premiere\s+|propre\s+)?" + _OBJECT
    + r"\b"
    r"|\b(?:demander|declarer|s'inscrire|m'inscrire|je m'inscris|inscrivez-vous|candidater|postuler|signaler"
    r"|teledeclarer)\s+en\s+ligne\b"
    # Singular: "Démarches en ligne" is a menu of a portal, "Démarche en ligne" a procedure.
    r"|\b(?:pre-?demande|demande|demarche|declaration|inscription|candidature|formulaire|teleservice"
    r"|procedure|depot)\s+en\s+ligne\b"
    r"|\bacceder\s+(?:a|au|aux)\s+(?:la\s+|le\s+|mon\s+|ma\s+|votre\s+|l')?(?:teleservice|formulaire"
    r"|demarche|declaration|demande|inscription|service\s+en\s+ligne|espace\s+de\s+(?:demande|depot))"
    # A login that says what it is for: "Se connecter pour déposer ma demande", "… pour s'inscrire".
    r"|\b(?:se\s+connecter|connectez-vous|je\s+me\s+connecte|s'identifier|identifiez-vous|connexion)\s+pour\s+"
    r"(?:faire|deposer|remplir|declarer|demander|effectuer|s'inscrire|m'inscrire|commencer|completer|saisir"
    r"|envoyer|signaler|realiser|acceder\s+a\s+(?:la|ma|votre)\s+(?:demarche|demande|declaration))\b"
    r"|^(?:je\s+)?(?:commencer|commence|demarrer|demarre|debuter|debute|teledeclarer|teleservice)"
    r"(?:\s+" + _DETERMINER + r"\s*(?:demarche|demande|procedure|saisie))?(?:\s+en\s+ligne)?\s*[.!>»→]*$"
)

# A login control: it leads to a personal space, where the procedure is when the section it sits
# in announces the procedure ("Commencer la démarche", "Accéder à la déclaration").
_LOGIN_LABEL = re.compile(r"\b(?:se connecter|connectez-vous|je me connecte|connexion|s'identifier|identifiez-vous"
                          r"|s'authentifier|mon compte|mon espace|espace (?:personnel|particulier|usager|professionnel)"
                          r"|acceder a (?:mon|votre) (?:compte|espace))\b")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CONTROL_TAGS = ("a", "button")
_CHROME = {"header", "footer", "nav"}
_CHROME_ROLES = {"banner", "contentinfo", "navigation"}
_CHROME_BY_ROLE = etree.XPath("//*[" + " or ".join(f"@role='{role}'" for role in sorted(_CHROME_ROLES)) + "]")

_DOCUMENT_FILE = re.compile(r"\.(?:pdf|docx?|odt|rtf)$", re.I)
_DOWNLOAD = re.compile(r"<a\b[^>]*\sdownload\b", re.I)
_DOCUMENT_IN_LABEL = re.compile(r"\b(?:pdf|docx?|odt|rtf)\b|\b\d+(?:[,.]\d+)?\s?(?:ko|mo|kb|mb)\b")
_FORM_WORDS = re.compile(r"cerfa|formulaire|imprime|\bdemande|dossier|declaration|inscription|candidature|requete"
                         r"|\bfiche\b")
_NOT_A_FORM = re.compile(r"notice|guide|rapport|plaquette|brochure|depliant|mentions|\bcgu\b|conditions generales"
                         r"|reglement|tarif|bareme|liste des pieces|arrete|decret|circulaire|bilan|compte[- ]rendu"
                         r"|statistique|programme|note d'information|calendrier")
_SERVICE_PUBLIC = ("service-public.fr", "service-public.gouv.fr")
_INFO_PAGE = re.compile(r"/vosdroits/[FN]\d+", re.I)
_FORM_PAGE = re.compile(r"/vosdroits/R\d+", re.I)
_FORM_LINK = re.compile(r"formulaire|cerfa")

# The text: sentences, and what makes one an off-line step, a cerfa to fill in, a "not online".
_SENTENCE = re.compile(r"[^\n.!?;]+[.!?;]*")
_MAIL_CHANNEL = re.compile(r"\bpar (?:voie )?postale?\b|\bpar courrier\b|\bpar la poste\b|\bpar lettre\b"
                           r"|\ben (?:lettre )?recommandee?\b|\bvoie postale\b")
_MAIL_ACTION = re.compile(r"envoy|adress|retourn|renvoy|expedi|transmet|\bposte[rz]\b|faire parvenir|\bdepos")
_MAIL_OBJECT = re.compile(r"dossier|formulaire|piece|justificatif|document|originau|original|exemplaire|imprime"
                          r"|cerfa|demande|attestation|copie|photo|cheque|enveloppe|bordereau|signe")
_PRINT = re.compile(r"\bimprim\w*\b.{0,80}\b(?:sign|envoy|adress|depos|remett|apport|present|renvoy|retourn)"
                    r"|\bsign\w*\b.{0,40}\b(?:a la main|manuscrite?|de votre main|a l'encre)"
                    r"|\bsignature manuscrite|\ba imprimer et (?:a )?signer")
_PLACE = (r"(?:en personne|au guichet|en mairie|a la mairie|en prefecture|a la prefecture|en sous-prefecture"
          r"|a l'accueil|sur place|au consulat|a l'ambassade|en agence|a l'agence|au commissariat"
          r"|en gendarmerie|au centre|au bureau|au service|a la caisse|en caisse|dans (?:un|une|le|la|votre)"
          r" (?:mairie|guichet|agence|point d'accueil|centre|bureau|espace france services))")
# Handing the file over in person: a procedure's step wherever it is read.
_DEPOSIT = re.compile(
    r"\b(?:prendre|prenez|prise de|fixer|obtenir|reserver|reservez) (?:un )?rendez-vous\b.{0,80}?"
    r"pour (?:y )?(?:deposer|finaliser|terminer|completer|remettre|valider|signer|le releve|la prise|le depot"
    r"|la remise)"
    r"|\b(?:releve|prise|recueil) (?:des |de vos |d')?empreintes"
    r"|\b(?:deposer|remettre|apporter|deposez|remettez|apportez)\b.{0,60}?(?:" + _PLACE + r"|en main propre)")
# Going somewhere in person: a step after an online start, but alone it may only offer a desk
# ("prenez rendez-vous avec un conseiller dans votre agence").
_VISIT = re.compile(
    # Not a bare "rendez-vous": "accueil sur rendez-vous au guichet" offers a desk, it asks nothing.
    r"\b(?:vous presenter|se presenter|presentez-vous|vous rendre|se rendre"
    r"|(?<!sur )(?<!un )rendez-vous (?=en |au |a la |dans )|deplacez-vous|vous deplacer)\b.{0,80}?" + _PLACE
    + r"|\b(?:prendre|prenez|prise de|fixer|obtenir|reserver|reservez) (?:un )?rendez-vous\b.{0,80}?(?:" + _PLACE
    + r"|pour (?:y )?(?:retirer|un entretien))"
    + r"|\bpresence (?:physique |en personne )?(?:est )?(?:obligatoire|necessaire|requise|indispensable)")
MAIL, PRINT, DEPOSIT, VISIT = ("envoi par courrier", "formulaire à imprimer et signer", "dépôt du dossier en personne",
                               "rendez-vous ou passage en personne")
_OPTIONAL = re.compile(
    r"\b(?:pouvez|pourrez|pourra|pourront|possible|possibilite|peut|peuvent|au choix|a defaut|le cas echeant"
    r"|sinon|eventuellement|facultati\w*|si vous (?:le )?(?:preferez|souhaitez)|si vous ne\b|si vous n'"
    r"|si vous etes dans l'impossibilite)")
_NEGATED = re.compile(
    r"\bn'(?:avez|aurez) (?:pas|plus|rien|aucun)|\bn'(?:est|sont) (?:pas|plus)|\bne sont (?:pas|plus)|plus besoin"
    r"|pas besoin|inutile|\baucune?\b|\bsans (?:vous deplacer|deplacement|avoir|envoyer|imprimer|courrier|papier)"
    r"|\bni (?:courrier|papier|deplacement|imprim)|\bpas de (?:courrier|papier|deplacement|envoi)"
    r"|\bplus de (?:courrier|papier|deplacement)|plus jamais|\bne (?:vous )?(?:deplacez|envoyez|imprimez) (?:pas|rien)"
    r"|\bne pas\b|\bevitez")
_ALTERNATIVE = re.compile(r"\b(?:en ligne|sur internet|par internet) ou\b"
                          r"|\bou (?:bien )?(?:par courrier|par voie postale|au guichet|en mairie|sur place)")
_RECEIVED = re.compile(r"\brecev|\bvous (?:sera|seront|est|sont) (?:envoy|adress|expedi|transmis|remis|delivr)"
                       r"|\b(?:sera|seront) (?:envoy|adress|expedi|transmis|remis|delivr)\w* (?:a votre|chez vous)"
                       r"|\ba votre domicile")
_NOT_ONLINE = re.compile(
    r"\bne (?:peut|peuvent|pourra|pourront|se fait|se font|s'effectue|s'effectuent) pas (?:encore )?"
    r"(?:se faire |s'effectuer |etre (?:faite?s?|effectuee?s?|realisee?s?|deposee?s?|accomplie?s?|transmise?s?) )?"
    r"(?:en ligne|sur internet|par internet)"
    r"|\bn'existe pas (?:de |d')?(?:teleservice|demarche en ligne|formulaire en ligne|service en ligne)"
    r"|\bn'est pas (?:encore )?(?:disponible|possible|proposee?|accessible|realisable|faisable)"
    r" (?:en ligne|sur internet)"
    r"|\bn'est pas (?:encore )?dematerialisee?"
    r"|\b(?:pas|aucune?) (?:de )?(?:demarche|teleservice|formulaire|demande|service|procedure) en ligne"
    r"|\b(?:uniquement|exclusivement|seulement) (?:par courrier|par voie postale|sur place|au guichet|en mairie"
    r"|en personne|sur papier|(?:en|sous|au) format papier)"
    r"|\b(?:formulaire|dossier|demande|demarche) (?:papier|au format papier)\b"
    r"|\bse (?:demande|fait|depose|deposent|font) (?:uniquement |exclusivement |seulement )?(?:en mairie|au guichet"
    r"|sur place|en personne|en prefecture|a l'accueil|au consulat)")
_CERFA = re.compile(r"\bcerfa\b")
_IF = re.compile(r"\bsi\b")
_FILL_IN = re.compile(r"telecharg|imprim|rempli|complet|renvoy|envoy|retourn|depos")


@dataclass(frozen=True)
class Signal:
    """One sign of how the procedure is done, where it was seen."""

    page: PageCapture
    why: str  # French, for the evidence note and the reason
    evidence: Evidence
    visible: bool = True
    quote: str = ""  # the sentence, for a step read in the text


def _label(element: Element) -> str:
    """Everything a user (or a screen reader) is told about a control, collapsed (not folded)."""
    parts = [element.text, element.attrs.get("aria-label", ""), element.attrs.get("title", ""),
             element.attrs.get("value", "") if element.tag == "input" else ""]
    seen: list[str] = []
    for part in (collapse(p) for p in parts):
        if part and not any(fold(part) in fold(s) for s in seen):
            seen.append(part)
    return " ".join(seen)


def is_start_label(label: str) -> bool:
    """Whether a control's label says to start the procedure ("Faire ma demande en ligne")."""
    folded = collapse(fold(label))
    return bool(folded) and len(folded.split()) <= _MAX_LABEL_WORDS and bool(START_LABEL.search(folded))


def is_platform_link(url: str) -> bool:
    """A link that opens a procedure on Démarches simplifiées."""
    return (urls.scheme(url) in ("http", "https") and any(urls.on_domain(url, h) for h in PLATFORM_HOSTS)
            and bool(_PLATFORM_PATH.match(urls.path(url))))


def _document_name(element: Element, label: str) -> str | None:
    """The file name when a link leads to a document to download (PDF, Word, OpenDocument), else None."""
    href = element.href
    if not href or urls.scheme(href) not in ("http", "https", "file", ""):
        return None
    name = urls.file_name(href)
    if _DOCUMENT_FILE.search(name):
        return name
    for values in urls.query(href).values():
        for value in values:
            candidate = value.rsplit("/", 1)[-1].lower()
            if _DOCUMENT_FILE.search(candidate):
                return candidate
    if "application/pdf" in element.attrs.get("type", "").lower() or _DOWNLOAD.search(element.html):
        return name or href
    if _DOCUMENT_IN_LABEL.search(fold(label)):
        return name or href
    return None


@dataclass
class _Control:
    """A link or button of the rendered DOM, and the heading of its section; its text and link
    are read when first compared."""

    node: object
    base: str
    heading: object | None

    @functools.cached_property
    def text(self) -> str:
        return collapse(self.node.text_content())

    @functools.cached_property
    def href(self) -> str:
        href = self.node.get("href")
        return urljoin(self.base, href.strip()) if href is not None else ""

    def matches(self, tag: str, text: str, href: str) -> bool:
        return self.node.tag == tag and self.text == text and self.href == href


def _section_headings(page: PageCapture) -> Iterator[_Control]:
    """Each link and button of the rendered DOM, in document order, with the heading of the
    section of the main content that holds it (None in the page's header, footer or navigation,
    or before any heading)."""
    root = document(page)
    if root is None:
        return
    base = page_address(page)
    # The controls inside a header, footer or navigation, found from those (few) containers down
    # rather than from every control up.
    in_chrome = {control for container in root.iter(*_CHROME) for control in container.iterdescendants(*_CONTROL_TAGS)}
    in_chrome.update(control for container in _CHROME_BY_ROLE(root)
                     for control in container.iterdescendants(*_CONTROL_TAGS))
    heading = None
    for node in root.iter(*_HEADING_TAGS, *_CONTROL_TAGS):
        if node.tag in _HEADING_TAGS:
            heading = node
        else:
            yield _Control(node, base, None if node in in_chrome else heading)


def _is_info_page(url: str) -> bool:
    return any(urls.on_domain(url, d) for d in _SERVICE_PUBLIC) and bool(_INFO_PAGE.search(urls.path(url)))


def _is_form_page(url: str) -> bool:
    return any(urls.on_domain(url, d) for d in _SERVICE_PUBLIC) and bool(_FORM_PAGE.search(urls.path(url)))


def _quote(text: str, limit: int = 80) -> str:
    text = collapse(text)
    return f"« {text if len(text) <= limit else text[:limit].rstrip() + '…'} »"


# ------------------------------------------------------------------------------------------------
# Controls and forms


class _Headings:
    """The section headings of a page's controls, read from its DOM as far as asked: login
    controls sit mostly in the page's header, so the rest is seldom read. A collected control is
    taken to be the DOM's first with its tag, text and link."""

    def __init__(self, page: PageCapture) -> None:
        self.page = page
        self._read: list[_Control] = []
        self._unread: Iterator[_Control] | None = None

    def of(self, element: Element) -> str | None:
        if element.tag not in _CONTROL_TAGS:
            return None  # never among those read: no need to read them all to know
        tag, text, href = element.tag, collapse(element.text), element.href
        found = next((c for c in self._read if c.matches(tag, text, href)), None)
        if found is None:
            if self._unread is None:
                self._unread = _section_headings(self.page)
            for control in self._unread:
                self._read.append(control)
                if control.matches(tag, text, href):
                    found = control
                    break
        if found is None or found.heading is None:
            return None
        return collapse(found.heading.text_content())


def _sign(element: Element, headings: _Headings) -> tuple[str, str, str] | None:
    """("online" or "offline", why, evidence note) for a link or button that says how the procedure
    is done, else None (see the module docstring)."""
    found = _sign_alone(element)
    if found is not _LOGIN:
        return found
    heading = headings.of(element)
    if heading and is_start_label(heading):
        label = _label(element)
        return ("online", f"bouton {_quote(label)} sous le titre {_quote(heading)}",
                f"connexion à l’espace où se fait la démarche, sous le titre {_quote(heading)}")
    return None


# A login control: whether it starts the procedure depends on the section it sits in.
_LOGIN = object()


@per_run(key=alike)  # a site repeats its header and footer on every page
def _sign_alone(element: Element) -> tuple[str, str, str] | object | None:
    """`_sign` as far as the control tells by itself; `_LOGIN` for a login control."""
    label, href = _label(element), element.href
    folded = fold(label)
    if element.tag == "a" and is_platform_link(href):
        return ("online", f"lien vers la démarche sur {urls.host(href)}",
                f"lien vers la démarche en ligne sur {urls.host(href)}" + (f" : {_quote(label)}" if label else ""))
    file_name = _document_name(element, label) if element.tag == "a" else None
    if is_start_label(label):
        if file_name:
            why = f"le bouton {_quote(label)} mène à un document à imprimer ({file_name})"
            return "offline", why, why
        if urls.scheme(href) in ("mailto", "tel", "javascript") or _is_info_page(href):
            return None
        return "online", f"bouton {_quote(label)}", f"bouton pour commencer la démarche en ligne : {_quote(label)}"
    if identity_login.classify(element) is not None:
        return ("online", "bouton de connexion FranceConnect",
                "connexion FranceConnect à l’espace où se fait la démarche")
    if _LOGIN_LABEL.search(collapse(folded)) and not file_name:
        return _LOGIN
    if element.tag != "a":
        return None
    if file_name and (_FORM_WORDS.search(folded) or _FORM_WORDS.search(file_name)) and not (
            _NOT_A_FORM.search(folded) or _NOT_A_FORM.search(file_name)):
        why = f"formulaire à télécharger et imprimer {_quote(label or file_name)} ({file_name})"
        return "offline", why, why
    if _is_form_page(href) and _FORM_LINK.search(folded):
        why = f"lien vers le formulaire cerfa {_quote(label)} de service-public.fr"
        return "offline", why, why
    return None


def _controls(page: PageCapture) -> tuple[list[Signal], list[Signal]]:
    """(online signs, off-line signs) among the page's links and buttons."""
    signs: dict[str, list[Signal]] = {"online": [], "offline": []}
    headings = _Headings(page)
    for element in page.elements:
        if element.tag in ("script", "iframe"):
            continue
        if found := _sign(element, headings):
            way, why, note = found
            signs[way].append(Signal(page, why, from_element(page, element, note=note), element.visible))
    return signs["online"], signs["offline"]


def _form_signal(page: PageCapture, form: Form) -> Signal:
    fields, files = distinct_fields(form), file_fields(form)
    why = "formulaire de la démarche (" + vocabulary.count(fields, "champ", "champs")
    if files:
        why += ", dont " + vocabulary.count(files, "pour joindre une pièce", "pour joindre des pièces")
    why += ")"
    evidence = Evidence(page_url=page_address(page), selector=form.selector, excerpt=form.action or None, note=why)
    return Signal(page, why, evidence)


# ------------------------------------------------------------------------------------------------
# The text


def _sentences(text: str):
    """(start, end) of each sentence of the text, a block (line) ending one too."""
    for match in _SENTENCE.finditer(text):
        if match.group(0).strip():
            yield match.start(), match.end()


def offline_step(sentence: str) -> str | None:
    """What required off-line step a (folded) sentence describes, or None."""
    # The step first: most sentences describe none, and then the rest need not be read.
    step = _step_described(sentence)
    if step is None or _OPTIONAL.search(sentence) or _NEGATED.search(sentence) or _ALTERNATIVE.search(sentence) or (
            _RECEIVED.search(sentence)):
        return None
    return step


def _step_described(sentence: str) -> str | None:
    if _MAIL_CHANNEL.search(sentence) and _MAIL_ACTION.search(sentence) and _MAIL_OBJECT.search(sentence):
        return MAIL
    if _PRINT.search(sentence):
        return PRINT
    if _DEPOSIT.search(sentence):
        return DEPOSIT
    if _VISIT.search(sentence):
        return VISIT
    return None


def _text_signals(page: PageCapture) -> tuple[list[Signal], list[Signal]]:
    """(required off-line steps, other off-line signs) in the page's main text."""
    text = main_text(page)
    folded = folded_main_text(page)
    steps: list[Signal] = []
    others: list[Signal] = []
    for start, end in _sentences(folded):
        sentence = collapse(folded[start:end])
        if step := offline_step(sentence):
            steps.append(Signal(page, step, from_text(page, text, start, end, note=f"étape hors ligne : {step}"),
                                quote=text[start:end]))
        elif _NOT_ONLINE.search(sentence) and not _IF.search(sentence):
            why = "la page indique que la démarche ne se fait pas en ligne"
            others.append(Signal(page, why, from_text(page, text, start, end, note=why)))
        elif _CERFA.search(sentence) and _FILL_IN.search(sentence) and not _NEGATED.search(sentence):
            why = "formulaire cerfa à remplir"
            others.append(Signal(page, why, from_text(page, text, start, end, note=why)))
    return steps, others


# ------------------------------------------------------------------------------------------------
# The finding


# How a procedure starts may be on any page of the site but its statement: any of them that failed
# may be the one that says it.
SCOPE = Scope(reads=ALL_BUT_STATEMENT, blocked_by=ALL_BUT_STATEMENT)

ONLINE_MEASURED = IndicatorSpec("online_measured", "Réalisable en ligne (mesuré)", "probe (online_procedure check)",
                                "status of the online_procedure check: online, partial, offline, unknown",
                                position=110)


def online_measured_level(status: str | None) -> Level:
    """"Réalisable en ligne", as the check saw it on the site: a start control leading to an online
    form (Oui), a required step off line (Partiel), paper only (Non)."""
    return {"online": YES, "partial": PARTIAL, "offline": NO}.get(status or "", UNKNOWN)


def _online_measured(finding: OnlineProcedureFinding, visit: Visit) -> Reading:
    return Reading(online_measured_level(finding.status), finding.status, finding.reason)


class OnlineProcedureFinding(Finding):
    check: ClassVar[str] = "online_procedure"
    statuses: ClassVar[tuple[str, ...]] = ("online", "partial", "offline", "unknown")
    label: ClassVar[str] = "Démarche en ligne"
    short_label: ClassVar[str] = "en ligne"
    tones: ClassVar[Mapping[str, Tone]] = {"online": Tone.GOOD, "partial": Tone.MEDIUM, "offline": Tone.BAD}
    position: ClassVar[int] = 70
    order: ClassVar[tuple[str, ...]] = ("offline", "partial", "online")
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(ONLINE_MEASURED, _online_measured),)


FINDING = OnlineProcedureFinding


def _pages_phrase(pages: list[PageCapture]) -> str:
    n = len(pages)
    where = "la seule page visitée" if n == 1 else "les " + vocabulary.count(n, "page visitée", "pages visitées")
    return f"{where} ({vocabulary.pages(p.kind for p in pages)})"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _first(signals: list[Signal]) -> Signal:
    # What a user sees is the best evidence; the visit order breaks ties.
    return min(signals, key=lambda s: not s.visible)


def _evidence(*groups: list[Signal]) -> list[Evidence]:
    ordered = [s for group in groups for s in sorted(group, key=lambda s: not s.visible)]
    return [s.evidence for s in ordered][:MAX_EVIDENCE]


def check(capture: ServiceCapture) -> OnlineProcedureFinding:
    if unknown := landing_unknown(capture, OnlineProcedureFinding):
        return unknown
    pages = pages_read(capture, ALL_BUT_STATEMENT)
    online: list[Signal] = []
    offline: list[Signal] = []
    steps: list[Signal] = []
    for page in pages:
        starts, papers = _controls(page)
        online += starts + [_form_signal(page, form) for form in procedure_forms(page)]
        offline += papers
        # A contact page tells how to reach the service ("accueil sur rendez-vous au guichet", "écrivez-nous
        # par courrier"), not the procedure's steps.
        if page.kind != "contact":
            page_steps, others = _text_signals(page)
            steps += page_steps
            offline += others

    if online and steps:
        start, step = _first(online), _first(steps)
        return OnlineProcedureFinding(
            status="partial",
            reason=(f"La démarche commence en ligne ({start.why}, sur {named(start.page)}), mais une étape "
                    f"se fait hors ligne ({step.why}) : {_quote(step.quote, 160)}, "
                    f"sur {vocabulary.the_page(step.page.kind)}."),
            evidence=_evidence(online[:5], steps),
        )

    failed = [p for p in blocking_failures(capture, SCOPE) if p.kind != "landing"]
    if failed and (online or offline or steps):
        found = "un moyen de commencer la démarche en ligne" if online else "des signes d’une démarche hors ligne"
        missing = "; ".join(f"{named(p)} : {failure(p)}" for p in failed)
        return OnlineProcedureFinding(
            status="unknown",
            reason=(f"Trouvé {found}, mais {vocabulary.plural(len(failed), 'une page n’a', 'des pages n’ont')} pas pu "
                    f"être {vocabulary.plural(len(failed), 'chargée', 'chargées')} et "
                    f"{vocabulary.plural(len(failed), 'pourrait', 'pourraient')} changer la réponse ({missing})."),
            evidence=_evidence(online, offline, steps),
        )
    if online:
        start = _first(online)
        return OnlineProcedureFinding(
            status="online",
            reason=(f"La démarche se fait en ligne : {start.why}, sur {named(start.page)} ; aucune étape hors ligne "
                    f"n’est demandée sur {_pages_phrase(pages)}."),
            evidence=_evidence(online),
        )
    # A visit alone may only offer a desk: it does not make the procedure off line.
    paper = offline + [s for s in steps if s.why != VISIT]
    if paper:
        first = _first(paper)
        return OnlineProcedureFinding(
            status="offline",
            reason=(f"La démarche se fait hors ligne : {first.why}, sur {named(first.page)} ; aucun bouton ni "
                    f"formulaire pour la faire en ligne sur {_pages_phrase(pages)}."),
            evidence=_evidence(offline, steps),
        )
    if failed:
        missing = "; ".join(f"{named(p)} : {failure(p)}" for p in failed)
        return OnlineProcedureFinding(
            status="unknown",
            reason=(f"Rien ne dit comment faire la démarche sur les pages chargées, et "
                    f"{vocabulary.plural(len(failed), 'une page n’a', 'des pages n’ont')} pas pu être "
                    f"{vocabulary.plural(len(failed), 'chargée', 'chargées')} ({missing})."),
        )
    return OnlineProcedureFinding(
        status="unknown",
        reason=(f"{_capitalized(_pages_phrase(pages))} ne {vocabulary.plural(len(pages), 'dit', 'disent')} pas comment "
                f"faire la démarche : ni bouton pour la commencer en ligne, ni formulaire, ni document à imprimer."),
        evidence=[Evidence(page_url=page_address(p), note=f"{vocabulary.the_page(p.kind)} lue, sans résultat")
                  for p in pages],
    )
