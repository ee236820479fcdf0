"""Dites-le-nous une fois: which supporting documents does the service ask for, and which of them
does the administration already hold?

Read on every visited page but the accessibility statement (a legal document), in the rendered
DOM (`PageCapture.html`), hidden parts included: lists of documents usually sit in accordions that
CSS closes.

What counts as a requested document:

1. An item of a list under a heading that announces documents: "Pièces justificatives",
   "Pièces (documents, justificatifs) à fournir / à joindre / à apporter / nécessaires /
   demandés", "Liste des pièces", "Quels documents ?", "Ce qu'il vous faut", "Vous devez fournir
   :", "Munissez-vous de…" — the heading being a `<h1>`–`<h6>`, a `<summary>` (its `<details>`),
   the button of a DSFR accordion (the panel its `aria-controls` names), a `<legend>` (its
   fieldset), a `<dt>` (its `<dd>`s, each an item when it holds no list), a bold title, or a
   paragraph ending with a colon ("… les documents suivants :", the list right after it); also any
   list inside an element whose id or class says so (`pieces-justificatives`,
   `documents-a-fournir`). A heading's lists run until the next heading of its level or higher.
   Only the list's own items count: a nested list gives examples of its item ("justificatif de
   domicile : facture, quittance…").
2. A file field (`<input type=file>`), named by its label: `aria-label`, `aria-labelledby`,
   `<label for>`, an enclosing `<label>`, the label of its DSFR `fr-upload-group`, its fieldset's
   legend, else its title or name; hints ("Taille maximale : 5 Mo", `.fr-hint-text`) left out.
   Without a DOM, the labels the probe's collector gave the form's file fields.
3. A sentence of the main text that asks for documents ("joignez", "fournir", "munissez-vous de",
   "présentez votre…"), not negated ("vous n'avez pas à fournir…", "nous le récupérons
   automatiquement"): the documents of the catalogue it names.

Each item (or label) is named with the catalogue of `checks/data/held_documents.yaml` (versioned,
dated, its sources cited): the document its head names (before any parenthesis, colon or comma),
else the one it names first, the longest match on a tie — so "Justificatif de domicile (facture
d'électricité…)" is a justificatif de domicile — plus the catalogue's documents it adds with "et"
("bulletins de salaire et attestation employeur"). An item the catalogue does not know keeps its
own words, shortened: its head, without "Ajoutez", "copie de", articles and "de moins de 3 mois",
lowercased. Not documents: generic items ("autre document", "pièce jointe"), format hints,
sentences (more than ten words), and information ("Votre numéro fiscal : il figure sur l'avis
d'impôt", "votre mot de passe", "l'adresse de l'entreprise").

Held: the documents that an exchange between administrations gives to the service (API Impôt
particulier, API Particulier, COMEDEC, API Entreprise: see the data file). The identity document
counts as held only when the site offers FranceConnect (read here with `checks.readings.identity_login`),
which passes the user's certified identity.

Status: `measured` with `documents` (every requested document, each once, in the order read:
lists, file fields, then sentences, page by page) and
`held` (those of them the administration holds). A site that asks for no document is `measured`
with empty lists only when the procedure's form is there to be read (`online_procedure`'s
`procedure_forms`), without any file field: an information page that lists nothing says nothing
about what the procedure asks. `unknown` when no list, file field or form is found, when the
landing page failed (see `checks.readings.coverage`), and when any page read failed (it may ask for more).

The indicator grades the held documents still asked for: `level()` (0–1 good, 2–4 medium, more
than 4 bad).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import ClassVar

import yaml
from lxml import etree
from pydantic import Field

from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import ALL_BUT_STATEMENT, Scope, blocking_failures, failure, landing_unknown, named, page_address, pages_read
from checks.readings.dom import document, folded_main_text, main_text
from checks.readings.dom import css_path
from checks.readings.evidence import MAX_EVIDENCE, from_text
from checks.readings.identity_login import login_buttons
from checks.readings.procedure_forms import procedure_forms
from checks.readings.text import collapse, fold
from foundation import vocabulary
from foundation.grid import GREEN, ORANGE, RED, UNKNOWN, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import PageCapture, ServiceCapture

DATA_FILE = "data/held_documents.yaml"

# Which documents a procedure asks for may be on any page of the site but its statement: any of
# them that failed may be the one that asks for more.
SCOPE = Scope(reads=ALL_BUT_STATEMENT, blocked_by=ALL_BUT_STATEMENT)

# The indicator's bands: supporting documents asked that the administration already holds (and
# could fetch itself through an API). 0–1 green, 2–4 orange, more than 4 red.
GREEN_MAX, ORANGE_MAX = 1, 4
DLNUF_MEASURED = IndicatorSpec("dlnuf_measured", "Dites-le-nous une fois (mesuré)", "probe (dlnuf check)",
                               "supporting documents asked that the administration already holds, count", kind="held",
                               count_meaning="pièces demandées", position=130)


# ------------------------------------------------------------------------------------------------
# The catalogue


@dataclass(frozen=True)
class Document:
    name: str
    held: bool | str  # True, False, or "franceconnect" (held when the site offers FranceConnect)
    exchange: str | None
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Catalogue:
    version: int
    date: date
    exchanges: Mapping[str, Mapping]
    documents: tuple[Document, ...]

    def find(self, name: str) -> Document | None:
        return next((d for d in self.documents if d.name == name), None)


def load_catalogue(text: str, where: str = DATA_FILE) -> Catalogue:
    """The catalogue from the data file's text; a mistake names the file and the entry."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("documents"), list):
        raise ValueError(f"{where}: expected a mapping with a list of documents")
    if not isinstance(raw.get("version"), int) or not isinstance(raw.get("date"), date):
        raise ValueError(f"{where}: 'version' (a whole number) and 'date' (YYYY-MM-DD) are required")
    exchanges = raw.get("exchanges") or {}
    for name, exchange in exchanges.items():
        if not isinstance(exchange, dict) or not exchange.get("sources"):
            raise ValueError(f"{where}: exchange {name!r}: cite its sources (URLs)")
    documents = []
    for index, entry in enumerate(raw["documents"], start=1):
        label = f"{where}: document {index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry.get("patterns"):
            raise ValueError(f"{label}: 'name' and 'patterns' are required")
        held = entry.get("held")
        if held not in (True, False, "franceconnect"):
            raise ValueError(f"{label} ({entry['name']}): 'held' is true, false or franceconnect")
        exchange = entry.get("exchange")
        if held and exchange not in exchanges:
            raise ValueError(f"{label} ({entry['name']}): a held document names one of the exchanges")
        try:
            patterns = tuple(re.compile(p) for p in entry["patterns"])
        except re.error as exc:
            raise ValueError(f"{label} ({entry['name']}): bad pattern: {exc}") from None
        documents.append(Document(entry["name"], held, exchange if held else None, patterns))
    return Catalogue(raw["version"], raw["date"], exchanges, tuple(documents))


CATALOGUE = load_catalogue(resources.files("checks").joinpath(DATA_FILE).read_text(encoding="utf-8"))


def identify(text: str, catalogue: Catalogue = CATALOGUE) -> Document | None:
    """The catalogue's document an item names: the pattern matching earliest, the longest on a tie."""
    folded = collapse(fold(text))
    best: tuple[int, int, Document] | None = None
    for doc in catalogue.documents:
        for pattern in doc.patterns:
            if (m := pattern.search(folded)) and (best is None or (m.start(), -len(m.group(0))) < best[:2]):
                best = (m.start(), -len(m.group(0)), doc)
    return best[2] if best else None


def named_in(sentence: str, catalogue: Catalogue = CATALOGUE) -> list[Document]:
    """Every catalogue document a sentence names, in order ("votre avis d'imposition et un RIB")."""
    folded = collapse(fold(sentence))
    spans: list[tuple[int, int, Document]] = []
    for doc in catalogue.documents:
        for pattern in doc.patterns:
            spans += [(m.start(), -len(m.group(0)), doc) for m in pattern.finditer(folded)]
    found: list[Document] = []
    end = -1
    for start, negative_length, doc in sorted(spans, key=lambda s: (s[0], s[1])):
        if start >= end:
            end = start - negative_length
            if doc not in found:
                found.append(doc)
    return found


_LEADING = re.compile(
    r"^(?:(?:ajouter|ajoutez|joindre|joignez|deposer|deposez|televerser|televersez|telecharger|telechargez|importer"
    r"|importez|charger|chargez|selectionner|selectionnez|choisir|choisissez|fournir|fournissez|transmettre"
    r"|transmettez)\s+)?"
    r"(?:(?:une?|le|la|les|des|du|votre|vos|son|sa|ses|leur|leurs|l')\s*)?"
    r"(?:(?:(?:photo)?copies?|originale?s?|originaux|exemplaires?|scans?|duplicata)\s+"
    r"(?:(?:recto[- ]verso|integrale|certifiee conforme|lisible)\s+)?(?:de|du|des|d')\s*"
    r"(?:(?:la|le|les|l'|votre|vos|son|sa|ses)\s*)?)?")
_TRAILING = re.compile(r"\s+(?:de moins de|datant de moins de|en cours de validite|recente?s?|signee?s?|a jour"
                       r"|originale?s?|obligatoire|facultati\w*)\b.*$")
_CUT = re.compile(r"\s*(?:\(|:|;|,|\s[-–—]\s|\*)")
_GENERIC = re.compile(
    r"^(?:autres?|tout autre|toute autre|tous autres)?\s*(?:documents?|pieces?(?: jointes?| justificatives?)?"
    r"|justificatifs?|fichiers?|pj|elements?)(?:\s+(?:utiles?|complementaires?|supplementaires?|annexes?|\d+))?$"
    r"|^(?:parcourir|choisir un fichier|ajouter un fichier|selectionner un fichier)$|^tout document")
_NOT_A_DOCUMENT = re.compile(r"\bformats?\b|\btaille\b|\b\d+\s?(?:mo|ko)\b|\blisibles?\b|\bscann|\bdoivent\b"
                             r"|\bdoit etre\b")
_MAX_NAME_WORDS = 10
# What an item asks that is information, not a document: "Votre numéro fiscal", "L'adresse où…".
_INFORMATION = re.compile(r"^(?:numeros?|n°|identifiants?|mots? de passe|codes?|adresses?|courriels?"
                          r"|comptes?(?! rendus?)|descriptions?|telephones?|dates?|montants?|noms?|prenoms?)\b")
_AND = re.compile(r"\s(?:et|ainsi que|\+)\s")


def _head(text: str) -> tuple[str, str]:
    """(text, folded) of an item before any parenthesis, colon or comma, without the words that
    lead to the document ("Ajoutez une copie de votre…")."""
    text = collapse(text)
    folded = fold(text)
    if cut := _CUT.search(folded):
        text, folded = text[:cut.start()], folded[:cut.start()]
    lead = _LEADING.match(folded)
    start = lead.end() if lead else 0
    return text[start:], folded[start:]


def documents_of(text: str) -> list[tuple[str, Document | None]]:
    """The documents an item of a list (or an upload field's label) asks for, each with its
    catalogue entry (None for a document the catalogue does not know): the one its head names
    ("Justificatif de domicile (facture…)"), else the one it names first, else its own words; and
    the catalogue's documents it adds with "et" ("bulletins de salaire et attestation employeur").
    An item whose head asks for information and names no document ("Votre numéro fiscal : il
    figure sur l'avis d'impôt") asks for none."""
    head, folded_head = _head(text)
    named_first = identify(head)
    if _INFORMATION.match(folded_head.strip()) and not named_first:
        return []
    doc = named_first or identify(text)
    found: list[tuple[str, Document | None]] = []
    if doc:
        found.append((doc.name, doc))
    elif name := free_name(text):
        found.append((name, None))
    for part in _AND.split(collapse(text))[1:]:
        if (extra := identify(part)) and all(extra is not d for _, d in found):
            found.append((extra.name, extra))
    return found


def free_name(text: str) -> str | None:
    """The name of a document the catalogue does not know, in the item's own words, or None when
    the item is no document (a generic label, a format hint, a sentence)."""
    if _NOT_A_DOCUMENT.search(fold(text)):
        return None
    text, folded = _head(text)
    if trail := _TRAILING.search(folded):
        text, folded = text[:trail.start()], folded[:trail.start()]
    text = text.strip(" .…")
    if not text or len(text.split()) > _MAX_NAME_WORDS or _GENERIC.match(fold(text)):
        return None
    first = text.split()[0]
    # An acronym keeps its capitals ("CV", "RIB"); a word at the head of an item loses its capital.
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


# ------------------------------------------------------------------------------------------------
# Reading the DOM

_PURPOSE = r"a\s+(?:fournir|joindre|produire|presenter|transmettre|apporter|preparer)"
_HEADING_TEXT = re.compile(
    r"\bpieces?\s+(?:justificatives?|" + _PURPOSE + r"|jointes?|necessaires|demandees|requises|obligatoires"
    r"|suivantes)\b"
    r"|\bdocuments?\s+(?:justificatifs?|" + _PURPOSE + r"|necessaires|demandes|requis|obligatoires|suivants)\b"
    r"|\bjustificatifs?\s+(?:" + _PURPOSE + r"|demandes|necessaires|requis|obligatoires|suivants)\b"
    r"|^justificatifs?\W*$"
    r"|\bliste\s+des\s+(?:pieces|documents|justificatifs)\b"
    r"|\b(?:quels?|quelles?)\s+(?:sont\s+les\s+)?(?:documents?|pieces?|justificatifs?)\b"
    r"|\bce\s+qu'il\s+(?:vous\s+)?faut\s+(?:fournir|joindre|preparer|apporter|avoir)\b"
    r"|^ce\s+qu'il\s+(?:vous\s+)?faut\W*$"
    r"|\b(?:devez|devrez|faut|merci\s+de|veuillez)\s+(?:nous\s+)?(?:fournir|joindre|produire|transmettre|presenter)\b"
    r"|\bmunissez-vous\b|\bconstituer\s+(?:votre|le)\s+dossier\b|\bdossier\s+a\s+constituer\b")
_CONTAINER = re.compile(r"pieces?[-_]?(?:justificatives?|a[-_]fournir|jointes)|documents?[-_]a[-_](?:fournir|joindre)"
                        r"|justificatifs", re.I)
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LEAD_IN_TAGS = {"p", "strong", "b", "span", "div", "em"}
_INLINE = {"strong", "b", "em", "i", "span", "a", "abbr", "br", "sup", "sub", "small", "mark", "u", "code"}
# What may announce a list, besides `role=heading` and an accordion's button (`button[aria-controls]`).
_CANDIDATE_TAGS = {*_HEADING_TAGS, "summary", "legend", "dt", *_LEAD_IN_TAGS}
_MAX_HEADING_WORDS = 15
# XPath expressions are compiled once: `_Element.xpath` compiles its expression at every call.
_LISTS = etree.XPath(".//ul | .//ol")
_HEADINGS_IN = etree.XPath(".//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6")
_HEADINGS_AT_OR_IN = etree.XPath("self::h1 | self::h2 | self::h3 | self::h4 | self::h5 | self::h6 | .//h1 | .//h2"
                                 " | .//h3 | .//h4 | .//h5 | .//h6")
_ACCORDION_BUTTONS = etree.XPath(".//button[@aria-controls]")
_BY_ID = etree.XPath("//*[@id=$id]")
_WITH_ID_OR_CLASS = etree.XPath("//*[@id or @class]")
_INPUTS = etree.XPath("//input")
_SKIPPED = {"script", "style", "template", "noscript", "ul", "ol"}
_SENTENCE = re.compile(r"[^\n.!?;]+[.!?;]*")
_HINT = re.compile(r"hint|aide|help|description", re.I)
_ASKS = re.compile(r"\b(?:joindre|joignez|fournir|fournissez|produire|produisez|transmettre|transmettez|presenter"
                   r"|presentez(?!-vous)|televerser|televersez|munissez-vous|munir|scanner|scannez|apporter"
                   r"|apportez)\b")
# A sentence that says a document is not asked, or that the administration fetches it itself.
_NOT_ASKED = re.compile(r"\bn'(?:avez|aurez) (?:pas|plus|rien|aucun)|\bplus besoin|\bpas besoin|\binutile|\bne pas\b"
                        r"|\baucune?\b|\bsans (?:fournir|joindre|avoir)|\bne (?:demandons|demande) (?:pas|plus)"
                        r"|\bne sont (?:pas|plus)|\bn'est (?:pas|plus)|\bautomatiquement\b"
                        r"|\bnous (?:recuperons|obtenons|consultons)\b|\bdirectement aupres\b")


def _text(node, skip_hints: bool = False) -> str:
    """The node's text, without nested lists, scripts and (for labels) hint spans."""
    if not len(node):
        return collapse(node.text or "")  # most nodes asked about hold only text
    out: list[str] = []

    # (lxml makes a new string at each reading of a node's tag, text or tail: each is read once.)
    def walk(n) -> None:
        if isinstance(tag := n.tag, str):
            tag = tag.lower()
            hint = skip_hints and n is not node and _HINT.search(n.get("class") or "")
            if (tag in _SKIPPED and n is not node) or hint:
                if tail := n.tail:
                    out.append(tail)
                return
            if tag in ("br", "li", "p", "div"):
                out.append(" ")
            if text := n.text:
                out.append(text)
            for child in n:
                walk(child)
        if n is not node and (tail := n.tail):
            out.append(tail)

    walk(node)
    return collapse("".join(out))


def _html(node) -> str:
    return etree.tostring(node, encoding="unicode", method="html", with_tail=False)[:1000]


def _top_lists(container) -> list:
    """The lists of a container that are not inside another list (or a navigation) of it."""
    if container.tag in ("ul", "ol"):
        return [container]
    return [lst for lst in _LISTS(container) if not _nested_within(lst, container)]


def _nested_within(lst, container) -> bool:
    for ancestor in lst.iterancestors():
        if ancestor is container:
            return False
        if isinstance(ancestor.tag, str) and ancestor.tag in ("ul", "ol", "nav"):
            return True
    return False


def _has_headings(node) -> bool:
    return bool(_HEADINGS_AT_OR_IN(node))


def _is_lead_in(node) -> bool:
    """A short block or inline run of text that can introduce a list: only inline children (a
    `<div>` holding a heading and a list is not one; its heading is)."""
    return node.tag in _LEAD_IN_TAGS and all(not isinstance(tag := c.tag, str) or tag in _INLINE for c in node)


def _introduces(node, heading: str) -> bool:
    """Whether a node whose text announces documents introduces what follows: a heading (h1–h6,
    `role=heading`, a summary, a legend, a term, an accordion's button), a bold title, or a
    paragraph ending with a colon ("… les documents suivants :"); not a sentence in passing."""
    if _level(node) < 7 or node.tag not in _LEAD_IN_TAGS:
        return True
    if node.tag in ("strong", "b") or heading.endswith(":"):
        return True
    # A paragraph that holds only a bold title.
    return len(node) == 1 and node[0].tag in ("strong", "b") and not (node.text or "").strip() and not (
        node[0].tail or "").strip()


def _level(node) -> int:
    if node.tag in _HEADING_TAGS:
        return _HEADING_TAGS[node.tag]
    if (node.get("role") or "") == "heading":
        return int(node.get("aria-level") or 2) if (node.get("aria-level") or "").isdigit() else 2
    return 7


def _stops(sibling, level: int) -> bool:
    """Whether a sibling ends a heading's region: a heading of its level or higher, in or at it."""
    if not isinstance(sibling.tag, str):
        return False
    heads = [sibling] if sibling.tag in _HEADING_TAGS else []
    heads += _HEADINGS_IN(sibling)
    return any(_HEADING_TAGS[h.tag] <= level for h in heads)


def _region(node, root) -> list:
    """The lists that a heading-like node announces (see the module docstring)."""
    tag = node.tag
    if tag == "summary":
        details = node.getparent()
        return _top_lists(details) if details is not None else []
    buttons = _ACCORDION_BUTTONS(node)
    target_id = node.get("aria-controls") or (buttons[0].get("aria-controls") if buttons else None)
    if target_id:
        target = _BY_ID(root, id=target_id)
        if target:
            return _top_lists(target[0])
    if tag == "legend":
        fieldset = node.getparent()
        return _top_lists(fieldset) if fieldset is not None else []
    level = _level(node)
    anchor = node
    if level == 7:
        # A lead-in: the list right after its block.
        while anchor.getnext() is None and anchor.getparent() is not None and anchor.getparent().tag in _LEAD_IN_TAGS:
            anchor = anchor.getparent()
        following = anchor.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()
        if following is None or following.tag == "p" or _has_headings(following):
            return []
        return _top_lists(following)
    # A heading wrapped alone in a block (a title bar) announces what follows the block.
    while anchor.getnext() is None and (up := anchor.getparent()) is not None and up.tag not in ("body", "main"):
        anchor = up
    lists = []
    for sibling in anchor.itersiblings():
        if _stops(sibling, level):
            break
        if isinstance(sibling.tag, str):
            lists += _top_lists(sibling)
    return lists


@dataclass(frozen=True)
class Item:
    """A requested document as the page words it."""

    text: str
    source: str  # French: where it was read
    node: object | None  # the lxml element; None for a field the collector listed
    page: PageCapture


def _items_of(lst, source: str, page: PageCapture) -> Iterator[Item]:
    for li in lst.iterchildren("li"):
        if text := _text(li):
            yield Item(text, source, li, page)


# The same short texts (a site's header and footer, its cards) come back on each of its pages, and
# the test is slow: the answers for a text are kept (bounded).
@lru_cache(maxsize=4096)
def _announces_documents(heading: str) -> bool:
    return bool(_HEADING_TEXT.search(fold(heading)))


def _candidates(root) -> Iterator:
    """The nodes that may announce a list, in document order (one pass over the tree, where an
    XPath union of every kind makes one per kind)."""
    for node in root.iter(etree.Element):
        tag = node.tag
        if tag in _CANDIDATE_TAGS or node.get("role") == "heading" or (
                tag == "button" and node.get("aria-controls") is not None):
            yield node


def _list_items(page: PageCapture, root) -> list[Item]:
    seen: set[int] = set()
    items: list[Item] = []

    def take(lists, source: str) -> None:
        for lst in lists:
            if id(lst) in seen:
                continue
            seen.add(id(lst))
            items.extend(_items_of(lst, source, page))

    # What sits in a script, a template or a navigation, found from those (few) containers down
    # rather than from every candidate up.
    left_out = {n for container in root.iter("script", "template", "nav") for n in container.iterdescendants()}
    for node in _candidates(root):
        if node in left_out:
            continue
        if _level(node) == 7 and node.tag in _LEAD_IN_TAGS and not _is_lead_in(node):
            continue
        heading = _text(node)
        if not heading or len(heading.split()) > _MAX_HEADING_WORDS or not _announces_documents(heading):
            continue
        if not _introduces(node, heading):
            continue
        source = f"liste « {heading[:60]} »"
        if node.tag == "dt":
            for dd in node.itersiblings():
                if not isinstance(dd.tag, str) or dd.tag == "dt":
                    break
                lists = _top_lists(dd)
                if lists:
                    take(lists, source)
                elif text := _text(dd):
                    items.append(Item(text, source, dd, page))
            continue
        take(_region(node, root), source)
    for container in _WITH_ID_OR_CLASS(root):
        if _CONTAINER.search(f"{container.get('id') or ''} {container.get('class') or ''}"):
            take(_top_lists(container), "liste des pièces justificatives")
    return items


def _label_of(field, root) -> str:
    """The label a user reads for a file field (see the module docstring)."""
    if aria := field.get("aria-label"):
        return collapse(aria)
    if labelledby := field.get("aria-labelledby"):
        texts = [_text(n[0], skip_hints=True) for i in labelledby.split() if (n := root.xpath("//*[@id=$id]", id=i))]
        if any(texts):
            return " ".join(t for t in texts if t)
    if field_id := field.get("id"):
        labels = root.xpath("//label[@for=$id]", id=field_id)
        if labels and (text := _text(labels[0], skip_hints=True)):
            return text
    for ancestor in field.iterancestors():
        if not isinstance(ancestor.tag, str):
            continue
        if ancestor.tag == "label" and (text := _text(ancestor, skip_hints=True)):
            return text
        if "fr-upload-group" in (ancestor.get("class") or "").split():
            label = ancestor.xpath(".//label")
            if label and (text := _text(label[0], skip_hints=True)):
                return text
        if ancestor.tag == "fieldset":
            legend = ancestor.xpath("./legend")
            if legend and len(ancestor.xpath(".//input[@type='file']")) == 1 and (
                    text := _text(legend[0], skip_hints=True)):
                return text
            break
    return collapse(field.get("title") or re.sub(r"[_-]+", " ", field.get("name") or ""))


def _upload_items(page: PageCapture, root) -> list[Item]:
    items = []
    for field in _INPUTS(root):
        if (field.get("type") or "").strip().lower() != "file":
            continue
        if label := _label_of(field, root):
            items.append(Item(label, f"champ pour joindre un fichier « {label[:60]} »", field, page))
    return items


# ------------------------------------------------------------------------------------------------
# The finding


@dataclass(frozen=True)
class Requested:
    """One requested document, under its normalised name, and where it was first read."""

    name: str
    document: Document | None
    evidence: Evidence


def dlnuf_measured_level(status: str | None, held: int | None) -> Level:
    """The indicator's level for a number of requested documents the administration already holds."""
    if status != "measured" or held is None:
        return UNKNOWN
    if held <= GREEN_MAX:
        return GREEN
    if held <= ORANGE_MAX:
        return ORANGE
    return RED


def _dlnuf_measured(finding: DlnufFinding, visit: Visit) -> Reading:
    if finding.status != "measured":
        return Reading(UNKNOWN, None, finding.reason)
    documents, held = finding.documents, finding.held
    note = (("déjà détenues : " + ", ".join(held) if held else "aucune pièce déjà détenue")
            + (" ; demandées : " + ", ".join(documents) if documents else " ; aucune pièce demandée"))
    return Reading(dlnuf_measured_level(finding.status, len(held)), len(held), note, count=len(documents))


class DlnufFinding(Finding):
    check: ClassVar[str] = "dlnuf"
    statuses: ClassVar[tuple[str, ...]] = ("measured", "unknown")
    label: ClassVar[str] = "Dites-le-nous une fois"
    short_label: ClassVar[str] = "DLNUF"
    # `measured` is a figure, not a judgement: `level()` grades it.
    tones: ClassVar[Mapping[str, Tone]] = {}
    position: ClassVar[int] = 80
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(DLNUF_MEASURED, _dlnuf_measured),)

    documents: list[str] = Field(default_factory=list)
    held: list[str] = Field(default_factory=list)

    def headline(self) -> str:
        if self.status != "measured":
            return ""
        if not self.documents:
            return "aucune pièce demandée"
        return (vocabulary.count(len(self.held), "pièce détenue", "pièces détenues")
                + f" sur {vocabulary.integer(len(self.documents))}")


FINDING = DlnufFinding


def _node_evidence(item: Item, note: str) -> Evidence:
    if item.node is None:
        return Evidence(page_url=page_address(item.page), excerpt=item.text[:300], note=note)
    return Evidence(page_url=page_address(item.page), selector=css_path(item.node), html=_html(item.node),
                    excerpt=item.text[:300], note=note)


def _collected_upload_items(page: PageCapture) -> list[Item]:
    """File fields as the probe's collector labelled them, for a page kept without its DOM."""
    return [Item(f.label, f"champ pour joindre un fichier « {f.label[:60]} »", None, page)
            for form in page.forms for f in form.fields if f.type == "file" and f.label]


def _requested(pages: list[PageCapture]) -> list[Requested]:
    """Every requested document, once, in the order read: lists, file fields, then sentences,
    page by page."""
    found: dict[str, Requested] = {}
    for page in pages:
        root = document(page)
        items = (_list_items(page, root) + _upload_items(page, root)) if root is not None else (
            _collected_upload_items(page))
        for item in items:
            for name, doc in documents_of(item.text):
                if name not in found:
                    found[name] = Requested(name, doc, _node_evidence(item, f"pièce demandée ({item.source}) : {name}"))
        text = main_text(page)
        folded = folded_main_text(page)
        for match in _SENTENCE.finditer(folded):
            sentence = match.group(0)
            if not _ASKS.search(sentence) or _NOT_ASKED.search(sentence):
                continue
            for doc in named_in(sentence):
                if doc.name not in found:
                    evidence = from_text(page, text, match.start(), match.end(),
                                         note=f"pièce demandée (phrase de la page) : {doc.name}")
                    found[doc.name] = Requested(doc.name, doc, evidence)
    return list(found.values())


def _is_held(requested: Requested, franceconnect_offered: bool) -> bool:
    doc = requested.document
    if doc is None:
        return False
    return franceconnect_offered if doc.held == "franceconnect" else bool(doc.held)


def _pages_phrase(pages: list[PageCapture]) -> str:
    n = len(pages)
    where = "la seule page visitée" if n == 1 else "les " + vocabulary.count(n, "page visitée", "pages visitées")
    return f"{where} ({vocabulary.pages(p.kind for p in pages)})"


def check(capture: ServiceCapture) -> DlnufFinding:
    if unknown := landing_unknown(capture, DlnufFinding):
        return unknown
    pages = pages_read(capture, ALL_BUT_STATEMENT)
    requested = _requested(pages)
    failed = [p for p in blocking_failures(capture, SCOPE) if p.kind != "landing"]
    if failed:
        found = (vocabulary.count(len(requested), "pièce demandée trouvée", "pièces demandées trouvées")
                 if requested else "Aucune pièce demandée trouvée")
        missing = "; ".join(f"{named(p)} : {failure(p)}" for p in failed)
        return DlnufFinding(
            status="unknown",
            reason=(f"{found[:1].upper() + found[1:]} sur les pages chargées, mais "
                    f"{vocabulary.plural(len(failed), 'une page n’a', 'des pages n’ont')} pas pu être "
                    f"{vocabulary.plural(len(failed), 'chargée', 'chargées')} et "
                    f"{vocabulary.plural(len(failed), 'pourrait', 'pourraient')} en demander d’autres ({missing})."),
            evidence=[r.evidence for r in requested][:MAX_EVIDENCE],
        )

    if not requested:
        forms = [(page, form) for page in pages for form in procedure_forms(page)]
        if not forms:
            return DlnufFinding(
                status="unknown",
                reason=(f"Ni liste de pièces justificatives, ni champ pour joindre un fichier, ni formulaire de "
                        f"démarche sur {_pages_phrase(pages)} : les pièces demandées ne sont pas connues."),
                evidence=[Evidence(page_url=page_address(p), note=f"{vocabulary.the_page(p.kind)} lue, sans résultat")
                          for p in pages],
            )
        page, form = forms[0]
        return DlnufFinding(
            status="measured",
            reason=f"Le formulaire de la démarche, sur {named(page)}, ne demande aucune pièce justificative.",
            evidence=[Evidence(page_url=page_address(page), selector=form.selector, excerpt=form.action or None,
                               note="formulaire de la démarche, sans liste de pièces ni champ de dépôt de fichier")],
        )

    identity = [r for r in requested if r.document is not None and r.document.held == "franceconnect"]
    buttons = login_buttons(pages) if identity else []
    fc_offered = bool(buttons)
    held = [r for r in requested if _is_held(r, fc_offered)]
    evidence = []
    for r in requested:
        note = r.evidence.note or ""
        if r in held:
            note += (" — détenue grâce à FranceConnect, proposé sur le site" if r.document.held == "franceconnect"
                     else f" — déjà détenue par l’administration ({r.document.exchange})")
        elif r in identity:
            note += " — non détenue : le site ne propose pas FranceConnect"
        evidence.append(r.evidence.model_copy(update={"note": note}))
    evidence = evidence[:MAX_EVIDENCE]
    if fc_offered:
        # The button that makes the identity held is part of the proof, whatever the list's length.
        evidence = evidence[:MAX_EVIDENCE - 1] + [buttons[0].evidence().model_copy(update={
            "note": "FranceConnect proposé : l’identité de l’usager est transmise au service"})]

    names = [r.name for r in requested]
    held_names = [r.name for r in held]
    reason = (f"{vocabulary.count(len(names), 'pièce demandée', 'pièces demandées')} "
              f"({vocabulary.enumeration(names)}), dont ")
    reason += (f"{vocabulary.integer(len(held_names))} que l’administration détient déjà "
               f"({vocabulary.enumeration(held_names)})." if held_names
               else "aucune que l’administration détient déjà.")
    if identity:
        reason += (" La pièce d’identité compte comme détenue : le site propose FranceConnect." if fc_offered
                   else " La pièce d’identité ne compte pas comme détenue : le site ne propose pas FranceConnect.")
    return DlnufFinding(
        status="measured",
        reason=reason[:1].upper() + reason[1:],
        documents=names,
        held=held_names,
        evidence=evidence,
    )
