"""Reading the rendered DOM a probe kept (`PageCapture.html`) where the collected elements and
innerText are not enough: the main content without navigation, header, footer and cookie banners,
and images that a script makes clickable (`<img onclick>`, a `<div>` with a click handler), which
the in-browser collector does not list as elements.

It also finds a collected element again in the DOM (`node_of`, by the collector's selector), to
tell what a screen reader announces for it (`accessible_name`: `aria-labelledby`, `aria-label`,
images' alts, an inline SVG's `<title>`, nested controls' names, `title`) and what holds it (see
`checks.readings.offered`).

Parsing the stored DOM here, rather than in the browser, means a better reading also applies when
checks are re-run on old captures. CSS is not applied: only what the markup itself hides (the
`hidden` attribute, `aria-hidden="true"`, inline `display:none`/`visibility:hidden`, a closed
`<dialog>`) is left out.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from checks.readings.memo import per_run
from checks.readings.text import fold
from probes.models import Element, PageCapture

_NEVER_TEXT = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "math",
               "iframe", "object", "canvas", "select", "option", "button"}
_BLOCK = {"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
          "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
          "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul", "body", "html", "caption",
          "label", "legend"}
_SECTIONING = {"article", "main", "section", "aside"}
# Landmarks that are not the page's own content.
_CHROME_TAGS = {"nav"}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog"}
# Consent managers and cookie banners, by the ids and classes they use (tarteaucitron, Didomi,
# Axeptio, OneTrust, the DSFR consent banner, home-made "cookie-banner"s).
_BANNER = re.compile(r"cookie|consent|tarteaucitron|didomi|axeptio|onetrust|gdpr|rgpd|\bcmp\b|cmp-|bandeau-cnil",
                     re.I)
# XPath expressions are compiled once: `_Element.xpath` compiles its expression at every call.
_MAINS = etree.XPath("//main | //*[@role='main']")
_ARTICLES = etree.XPath("//article")
_IMAGES = etree.XPath("//img[@src] | //input[@type='image'][@src]")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not U+00A0: innerText keeps non-breaking spaces
_ANY_SPACE = re.compile(r"\s+")


class _Parsed:
    """A parsed DOM and the indexes built on it as they are needed (kept together, so that an index
    never points into another parse of the same page)."""

    def __init__(self, root):
        self.root = root
        self._ids: dict[str, object] | None = None
        self._children: dict = {}  # node → {tag: [children with that tag]}
        # Collector selector → node: several checks look up the same elements.
        self.selected: dict[str, object] = {}

    def by_id(self, ident: str):
        if self._ids is None:
            self._ids = {}
            for node in self.root.iter():
                if isinstance(node.tag, str) and (i := node.get("id")) is not None:
                    self._ids.setdefault(i, node)
        return self._ids.get(ident)

    def children(self, node, tag: str) -> list:
        if node not in self._children:
            grouped: dict[str, list] = {}
            for child in node:
                if isinstance(child.tag, str):
                    grouped.setdefault(child.tag.lower(), []).append(child)
            self._children[node] = grouped
        return self._children[node].get(tag, [])


# The indexes of each tree `_parsed` keeps, by the tree's root (checked, never guessed from an id).
_PARSED_BY_ROOT: weakref.WeakValueDictionary[int, _Parsed] = weakref.WeakValueDictionary()


@lru_cache(maxsize=16)
def _parsed(html: str) -> _Parsed | None:
    try:
        parsed = _Parsed(lxml.html.document_fromstring(html))
    except (etree.ParserError, ValueError):
        return None
    _PARSED_BY_ROOT[id(parsed.root)] = parsed
    return parsed


def _indexes(root) -> _Parsed:
    """The indexes of a tree: those kept with it when `document` parsed it, else new ones."""
    parsed = _PARSED_BY_ROOT.get(id(root))
    return parsed if parsed is not None and parsed.root is root else _Parsed(root)


def document(page: PageCapture):
    """The page's rendered DOM as an lxml tree, or None when the probe kept none."""
    parsed, _ = _page_tree(page)
    return parsed.root if parsed is not None else None


@per_run  # every check of a run then reads the same tree (its nodes compare equal) and its indexes
def _page_tree(page: PageCapture) -> tuple[_Parsed | None, list]:
    """The page's parse, and a Python object for each of its nodes, kept for the run: lxml makes
    one anew (through lxml.html's class lookup, in Python) each time a node is reached and none is
    alive, and the checks walk the tree many times."""
    parsed = _parsed(page.html) if page.html and page.html.strip() else None
    return parsed, list(parsed.root.iter()) if parsed is not None else []


def _hidden(node) -> bool:
    if node.get("hidden") is not None or (node.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = _ANY_SPACE.sub("", (node.get("style") or "").lower())
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return node.tag == "dialog" and node.get("open") is None


def is_hidden(node) -> bool:
    """Whether the markup hides the node or one of its ancestors."""
    return any(isinstance(n.tag, str) and _hidden(n) for n in [node, *node.iterancestors()])


def _is_banner(node) -> bool:
    return _names_a_banner(" ".join((node.get("id") or "", node.get("class") or "")))


@lru_cache(maxsize=4096)  # asked of every node, whose classes are mostly a framework's few
def _names_a_banner(id_and_class: str) -> bool:
    return bool(_BANNER.search(id_and_class))


def _is_chrome(node) -> bool:
    """Navigation, the page header and footer, dialogs and cookie banners: not the page's text."""
    tag = node.tag.lower()
    if tag in _CHROME_TAGS or (node.get("role") or "").strip().lower() in _CHROME_ROLES or _is_banner(node):
        return True
    if tag in ("header", "footer"):
        # A header or footer inside an article or section is that content's own; only the page's
        # are chrome.
        return not any(isinstance(a.tag, str) and a.tag.lower() in _SECTIONING for a in node.iterancestors())
    return False


def _text_lines(root) -> str:
    """innerText-like text of `root`, one line per block, chrome and hidden parts left out."""
    return text_lines(root, skip=lambda node: _hidden(node) or (node is not root and _is_chrome(node)))


def text_lines(root, skip) -> str:
    """innerText-like text of `root`, one line per block, leaving out scripts, styles, SVG and
    such, and every node for which `skip(node)` is true (with what it holds)."""
    out: list[str] = []

    # (lxml makes a new string at each reading of a node's tag, text or tail: each is read once.)
    def walk(node) -> None:
        if not isinstance(tag := node.tag, str):  # comments, processing instructions
            if tail := node.tail:
                out.append(_SPACE.sub(" ", tail))
            return
        tag = tag.lower()
        skipped = tag in _NEVER_TEXT or skip(node)
        if not skipped:
            block = tag in _BLOCK
            if tag == "br" or block:
                out.append("\n")
            if tag in ("td", "th"):
                out.append("\t")
            if text := node.text:
                out.append(_SPACE.sub(" ", text))
            for child in node:
                walk(child)
            if block:
                out.append("\n")
        if node is not root and (tail := node.tail):
            out.append(_SPACE.sub(" ", tail))

    walk(root)
    lines = (_SPACE.sub(" ", line).strip(" ") for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line.strip())


@per_run
def main_text(page: PageCapture) -> str:
    """The page's main content as text: `<main>` (or `[role=main]`), else its `<article>`s, else the
    body; without navigation, page header and footer, dialogs and cookie banners, wherever they
    sit. Falls back to the probe's `main_text` when no DOM was kept."""
    root = document(page)
    if root is None:
        return page.main_text or page.text
    mains = [n for n in _MAINS(root) if not is_hidden(n)]
    if mains:
        # Nested mains (a framework's wrapper inside the page's main) count once.
        roots = [m for m in mains if not any(a in mains for a in m.iterancestors())]
    else:
        articles = [n for n in _ARTICLES(root) if not is_hidden(n)]
        roots = [a for a in articles if not any(x in articles for x in a.iterancestors())]
        if not roots:
            body = root.find("body")
            roots = [body if body is not None else root]
    return "\n".join(text for r in roots if (text := _text_lines(r)))


@per_run  # `checks.online_procedure` and `checks.dlnuf` search it both
def folded_main_text(page: PageCapture) -> str:
    return fold(main_text(page))


@dataclass(frozen=True)
class Image:
    """An `<img>` (or `<input type=image>`) of the rendered DOM."""

    src: str  # absolute
    alt: str
    html: str
    selector: str
    hidden: bool
    in_control: bool  # inside a link, a button or a form: the collector already saw its holder
    node: object = field(default=None, compare=False, repr=False)  # the <img> in the DOM


def css_path(node) -> str:
    """A CSS path to a node of the rendered DOM, anchored on the nearest id."""
    parts: list[str] = []
    while node is not None and isinstance(node.tag, str) and node.tag.lower() != "html":
        if node.get("id"):
            parts.insert(0, f"#{node.get('id')}")
            return " > ".join(parts)
        part = node.tag.lower()
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                part += f":nth-of-type({same.index(node) + 1})"
        parts.insert(0, part)
        node = parent
    return " > ".join(["html", *parts])


def images(page: PageCapture) -> list[Image]:
    """Every image of the rendered DOM, with its absolute source."""
    return list(_images(page))


@per_run
def _images(page: PageCapture) -> tuple[Image, ...]:
    root = document(page)
    if root is None:
        return ()
    base = page.final_url or page.url
    found = []
    for node in _IMAGES(root):
        src = (node.get("src") or "").strip()
        if not src or src.startswith("data:"):
            continue
        ancestors = [a.tag.lower() for a in node.iterancestors() if isinstance(a.tag, str)]
        found.append(Image(
            src=urljoin(base, src),
            alt=node.get("alt") or "",
            html=etree.tostring(node, encoding="unicode", method="html", with_tail=False)[:1000],
            selector=css_path(node),
            hidden=is_hidden(node),
            in_control=node.tag == "input" or any(t in ("a", "button", "form") for t in ancestors),
            node=node,
        ))
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# A collected element in the rendered DOM, and what it is called

_SELECTOR_STEP = re.compile(r"^([a-z][a-z0-9-]*)(?::nth-of-type\((\d+)\))?$", re.I)
_CHILD = re.compile(r"(?<!\\) > ")
_CSS_HEX_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?")
_CSS_ESCAPE = re.compile(r"\\(.)")


def _css_unescape(text: str) -> str:
    if "\\" not in text:
        return text
    text = _CSS_HEX_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return _CSS_ESCAPE.sub(r"\1", text)


def select(root, selector: str):
    """The node a collector selector names ("#id", "html > body > div:nth-of-type(2) > a",
    "#menu > ul > li:nth-of-type(3) > a"), or None. Only the forms probes/selector.js writes."""
    indexes = _indexes(root)
    if selector not in indexes.selected:
        indexes.selected[selector] = _select(indexes, selector)
    return indexes.selected[selector]


def _select(indexes: _Parsed, selector: str):
    root = indexes.root
    selector = selector.strip()
    # (Only an escaped " > ", in an id, needs the regex: str.split is much faster.)
    steps = _CHILD.split(selector) if "\\" in selector else selector.split(" > ")
    first, rest = steps[0], steps[1:]
    if first.startswith("#"):
        node = indexes.by_id(_css_unescape(first[1:]))
    else:
        node = root if first.lower() == "html" and root.tag == "html" else None
    for step in rest:
        parsed_step = _step(step)
        if node is None or parsed_step is None:
            return None
        tag, nth = parsed_step
        same = indexes.children(node, tag)
        node = same[nth - 1] if 0 < nth <= len(same) else None
    return node


@lru_cache(maxsize=1024)  # a few steps make every selector: "div", "li:nth-of-type(2)"…
def _step(step: str) -> tuple[str, int] | None:
    """(tag, n) of a selector step "tag" or "tag:nth-of-type(n)"."""
    match = _SELECTOR_STEP.match(step)
    return (match.group(1).lower(), int(match.group(2) or 1)) if match else None


def _fragment(html: str):
    try:
        nodes = [n for n in lxml.html.fragments_fromstring(html) if isinstance(n, etree._Element)]
    except (etree.ParserError, ValueError):
        return None
    return nodes[0] if nodes else None


def node_of(page: PageCapture, element: Element):
    """The collected element's node in the page's rendered DOM (found by its selector), with its
    ancestors and the rest of the document; else, when the probe kept no DOM or the selector does
    not lead to a node of the element's tag, its own markup parsed alone (no ancestors)."""
    root = document(page)
    node = select(root, element.selector) if root is not None and element.selector else None
    if node is not None and isinstance(node.tag, str) and node.tag.lower() == element.tag:
        return node
    return _fragment(element.html) if element.html else None


# Not read into a name: never shown, or shown only as styling.
_NO_NAME = {"script", "style", "noscript", "template", "head", "meta", "link"}


def _text_of(node) -> str:
    return " ".join(t for t in node.itertext() if t)


def _by_ids(node, ids: str) -> list:
    indexes = _indexes(node.getroottree().getroot())
    return [found for name in ids.split() if (found := indexes.by_id(name)) is not None]


def _name(node, depth: int) -> str:
    tag = node.tag.lower() if isinstance(node.tag, str) else ""
    if depth == 0 and (ids := node.get("aria-labelledby")):
        labelled = " ".join(_text_of(n) for n in _by_ids(node, ids)).strip()
        if labelled:
            return labelled
    if aria := (node.get("aria-label") or "").strip():
        return aria
    kind = (node.get("type") or "").lower()
    if tag == "img" or (tag == "input" and kind == "image"):
        return (node.get("alt") or node.get("title") or "").strip()
    if tag == "input":
        return (node.get("value") or "").strip() if kind in ("submit", "button", "reset") else ""
    if tag == "svg":
        if ids := node.get("aria-labelledby"):
            labelled = " ".join(_text_of(n) for n in _by_ids(node, ids)).strip()
            if labelled:
                return labelled
        title = next((c for c in node if isinstance(c.tag, str) and c.tag.lower() == "title"), None)
        return _text_of(title).strip() if title is not None else ""
    parts = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and child.tag.lower() not in _NO_NAME and not _hidden(child):
            parts.append(_name(child, depth + 1))
        parts.append(child.tail or "")
    content = " ".join(p for p in parts if p.strip())
    if content.strip() or depth > 0:
        return content
    return (node.get("title") or "").strip()


def accessible_name(node) -> str:
    """What a screen reader announces for a control, after the accessible name computation in
    short: `aria-labelledby`, else `aria-label`, else its content — text, the `alt` of its images,
    the `<title>` of an inline SVG, the names of nested controls (a button inside a link), leaving
    out what is hidden —, else its `title`. Whitespace collapsed."""
    if node is None or not isinstance(node.tag, str):
        return ""
    return " ".join(_name(node, 0).split())
