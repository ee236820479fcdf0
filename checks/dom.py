"""Reading the rendered DOM a probe kept (`PageCapture.html`) where the collected elements and
innerText are not enough: the main content without navigation, header, footer and cookie banners,
and images that a script makes clickable (`<img onclick>`, a `<div>` with a click handler), which
the in-browser collector does not list as elements.

Parsing the stored DOM here, rather than in the browser, means a better reading also applies when
checks are re-run on old captures. CSS is not applied: only what the markup itself hides (the
`hidden` attribute, `aria-hidden="true"`, inline `display:none`/`visibility:hidden`, a closed
`<dialog>`) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from probes.models import PageCapture

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
_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not U+00A0: innerText keeps non-breaking spaces


@lru_cache(maxsize=16)
def _parse(html: str):
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def document(page: PageCapture):
    """The page's rendered DOM as an lxml tree, or None when the probe kept none."""
    return _parse(page.html) if page.html and page.html.strip() else None


def _hidden(node) -> bool:
    if node.get("hidden") is not None or (node.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = re.sub(r"\s+", "", (node.get("style") or "").lower())
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return node.tag == "dialog" and node.get("open") is None


def is_hidden(node) -> bool:
    """Whether the markup hides the node or one of its ancestors."""
    return any(isinstance(n.tag, str) and _hidden(n) for n in [node, *node.iterancestors()])


def _is_banner(node) -> bool:
    return bool(_BANNER.search(" ".join((node.get("id") or "", node.get("class") or ""))))


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
    out: list[str] = []

    def walk(node) -> None:
        if not isinstance(node.tag, str):  # comments, processing instructions
            if node.tail:
                out.append(_SPACE.sub(" ", node.tail))
            return
        tag = node.tag.lower()
        skipped = tag in _NEVER_TEXT or _hidden(node) or (node is not root and _is_chrome(node))
        if not skipped:
            block = tag in _BLOCK
            if tag == "br" or block:
                out.append("\n")
            if tag in ("td", "th"):
                out.append("\t")
            if node.text:
                out.append(_SPACE.sub(" ", node.text))
            for child in node:
                walk(child)
            if block:
                out.append("\n")
        if node.tail and node is not root:
            out.append(_SPACE.sub(" ", node.tail))

    walk(root)
    lines = (_SPACE.sub(" ", line).strip(" ") for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def main_text(page: PageCapture) -> str:
    """The page's main content as text: `<main>` (or `[role=main]`), else its `<article>`s, else the
    body; without navigation, page header and footer, dialogs and cookie banners, wherever they
    sit. Falls back to the probe's `main_text` when no DOM was kept."""
    root = document(page)
    if root is None:
        return page.main_text or page.text
    mains = [n for n in root.xpath("//main | //*[@role='main']") if not is_hidden(n)]
    if mains:
        # Nested mains (a framework's wrapper inside the page's main) count once.
        roots = [m for m in mains if not any(a in mains for a in m.iterancestors())]
    else:
        articles = [n for n in root.xpath("//article") if not is_hidden(n)]
        roots = [a for a in articles if not any(x in articles for x in a.iterancestors())]
        if not roots:
            body = root.find("body")
            roots = [body if body is not None else root]
    return "\n".join(text for r in roots if (text := _text_lines(r)))


@dataclass(frozen=True)
class Image:
    """An `<img>` (or `<input type=image>`) of the rendered DOM."""

    src: str  # absolute
    alt: str
    html: str
    selector: str
    hidden: bool
    in_control: bool  # inside a link, a button or a form: the collector already saw its holder


def _css_path(node) -> str:
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
    root = document(page)
    if root is None:
        return []
    base = page.final_url or page.url
    found = []
    for node in root.xpath("//img[@src] | //input[@type='image'][@src]"):
        src = (node.get("src") or "").strip()
        if not src or src.startswith("data:"):
            continue
        ancestors = [a.tag.lower() for a in node.iterancestors() if isinstance(a.tag, str)]
        found.append(Image(
            src=urljoin(base, src),
            alt=node.get("alt") or "",
            html=etree.tostring(node, encoding="unicode", method="html", with_tail=False)[:1000],
            selector=_css_path(node),
            hidden=is_hidden(node),
            in_control=node.tag == "input" or any(t in ("a", "button", "form") for t in ancestors),
        ))
    return found
